"""Every state-changing request needs this session's own CSRF token, and state changes only by POST."""

import pytest
from werkzeug.datastructures import MultiDict

from tests import factories
from tests.pages import form_values
from tests.security.test_access_matrix import (
    MATRIX,
    POST_KEYS,
    ROLES,
    ROUTES,
    VALID,
    VALID_POSTS,
    _changes,
    _dump,
    _restore,
    _url,
    open_world,
)

ACTIONS = {
    "auth.logout",
    "review.submit",
    "review.approve",
    "review.request_changes_view",
    "review.revise",
    "review.comment",
    "review.reply",
    "review.resolve",
    "review.mark_notifications_read",
}


def test_actions_answer_only_to_post():
    get_routes = {key.split()[0] for key, _, _ in ROUTES if key.endswith(" GET")}
    assert ACTIONS & get_routes == set()


@pytest.fixture(scope="module")
def world(tmp_path_factory, sqlite_templates):
    yield from open_world(tmp_path_factory, sqlite_templates)


@pytest.mark.parametrize("key", POST_KEYS)
def test_a_post_without_a_valid_token_changes_nothing(world, monkeypatch, key):
    """A well-formed request, from every signed-in kind of user, without a token or with a made-up one."""
    monkeypatch.setitem(world.app.config, "WTF_CSRF_ENABLED", True)
    _restore(world)
    before = _dump(world)
    for role in ROLES[1:]:
        client = _client(world, role)
        for token in (None, "forged-token", "IjQ2ZjM5In0.ZX0.forged-signature"):
            response = _post(world, client, key, token)
            assert response.status_code == 400, (key, role, token, response.status_code)
    assert _changes(before, _dump(world)) == {}, key


# --- tokens of other sessions, and signed-out posts ----------------------------------------------
#
# These send the well-formed requests of the access matrix, so only the token decides the answer.


def _token(client, path: str) -> str:
    """The CSRF token a page of this session carries."""
    response = client.get(path)
    assert response.status_code == 200, path
    return form_values(response.data)["csrf_token"]


def _client(world, role: str | None):
    client = world.app.test_client()
    if role not in (None, "anonymous"):
        client.set_cookie("session", world.cookies[role])
    return client


def _sign_in(world, client, role: str) -> None:
    """Sign in through the form, with this browser's own token."""
    token = _token(client, "/login")
    data = {"email": world.emails[role], "password": factories.PASSWORD, "csrf_token": token}
    response = client.post("/login", data=data)
    assert response.status_code == 302


def _allowed_role(key: str) -> str:
    """The first kind of user whose well-formed request changes something (from the matrix)."""
    writes = MATRIX[key + VALID]["writes"]
    return next(role for role, changed in zip(ROLES, writes, strict=True) if changed)


def _post(world, client, key: str, token: str | None):
    values, body = VALID_POSTS[key.split()[0]](world)
    data = MultiDict(body)
    if token is not None:
        data.setlist("csrf_token", [token])
    return client.post(_url(world.rules[key], values), data=data)


@pytest.mark.parametrize("key", POST_KEYS)
def test_a_token_from_another_session_is_refused_and_changes_nothing(world, monkeypatch, key):
    monkeypatch.setitem(world.app.config, "WTF_CSRF_ENABLED", True)
    role = _allowed_role(key)
    signed_in = role != "anonymous"
    _restore(world)
    page = "/account/password" if signed_in else "/login"
    browser = _client(world, role)
    own_token = _token(browser, page)
    # The same person in another browser, and someone else.
    same_person = _client(world, None)
    if signed_in:
        _sign_in(world, same_person, role)
    other_person = _client(world, "hq" if role != "hq" else "officer_own")
    foreign = {"same person": _token(same_person, page), "other person": _token(other_person, "/account/password")}
    before = _dump(world)

    for whose, token in foreign.items():
        assert token != own_token
        response = _post(world, browser, key, token)
        assert response.status_code == 400, (key, whose, response.status_code)
        assert _changes(before, _dump(world)) == {}, (key, whose)

    # The same request with this browser's own token goes through: only the token was wrong.
    response = _post(world, browser, key, own_token)
    assert response.status_code < 400, (key, response.status_code)
    assert _changes(before, _dump(world)) != {}, key


@pytest.mark.parametrize("key", POST_KEYS)
def test_a_signed_out_post_is_refused_and_not_stored_after_sign_in(world, monkeypatch, key):
    monkeypatch.setitem(world.app.config, "WTF_CSRF_ENABLED", True)
    _restore(world)
    before = _dump(world)
    browser = _client(world, None)
    tokens = [None] if key == "auth.login POST" else [None, _token(browser, "/login")]
    for token in tokens:
        response = _post(world, browser, key, token)
        # Without a token the check refuses it; with a signed-out page's token, sign-in is what is missing.
        sent_to_sign_in = response.status_code == 302 and "/login" in response.headers["Location"]
        assert response.status_code in {400, 401} or sent_to_sign_in, (key, token, response.status_code)
        assert _changes(before, _dump(world)) == {}, (key, token)

    # Signing in afterwards stores nothing of what was posted: only the sign-in itself is written.
    _sign_in(world, browser, "officer_own")
    assert _changes(before, _dump(world)) == {"audit_events": 1, "users": 1}, key
