"""A minimal browser for a real server on 127.0.0.1: cookies, CSRF tokens, no redirect following."""

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar

from werkzeug.datastructures import MultiDict

from tests.pages import form_values

TIMEOUT_SECONDS = 30


@dataclass
class Answer:
    """A response: status, body and the redirect target if any."""

    status: int
    body: bytes
    location: str = ""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One user's browser: its own cookie jar; redirects are answers, not followed."""

    def __init__(self, base_url: str):
        assert base_url.startswith("http://127.0.0.1:"), "traffic stays on the loopback interface"
        self.base_url = base_url
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect)

    def get(self, path: str) -> Answer:
        return self._open(urllib.request.Request(self.base_url + path))

    def post(self, path: str, data) -> Answer:
        items = data.items(multi=True) if isinstance(data, MultiDict) else data.items()
        body = urllib.parse.urlencode(list(items)).encode()
        return self._open(urllib.request.Request(self.base_url + path, data=body, method="POST"))

    def _open(self, request) -> Answer:
        """Send a request; connection failures propagate (OSError), HTTP errors are answers."""
        try:
            with self._opener.open(request, timeout=TIMEOUT_SECONDS) as response:
                return Answer(response.status, response.read(), response.headers.get("Location", ""))
        except urllib.error.HTTPError as error:
            with error:
                return Answer(error.code, error.read(), error.headers.get("Location", ""))

    def form(self, path: str) -> MultiDict:
        """GET a page and return its form fields as a browser would post them (200 expected)."""
        answer = self.get(path)
        if answer.status != 200:
            raise AssertionError(f"GET {path} answered {answer.status}: {answer.text[:500]}")
        return form_values(answer.body)

    def login(self, email: str, password: str) -> None:
        """Sign in through the real form, CSRF token included."""
        values = self.form("/login")
        values["email"], values["password"] = email, password
        answer = self.post("/login", values)
        if answer.status != 302:
            raise AssertionError(f"sign-in as {email} answered {answer.status}: {answer.text[:500]}")
