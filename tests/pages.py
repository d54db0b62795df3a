"""Read form values back out of rendered pages, as a browser would."""

import html
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values = MultiDict()
        self.ids = {}
        self._textarea = None
        self._select = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.values.add(attrs["name"], attrs.get("value", "on"))
            elif kind not in ("submit", "button"):
                self.values.add(attrs["name"], attrs.get("value", ""))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.values.add(self._select, attrs.get("value", ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            # The HTML parser drops one leading newline of a textarea's content, as browsers do.
            if value.startswith("\r\n"):
                value = value[2:]
            elif value.startswith("\n"):
                value = value[1:]
            self.values.add(name, value)
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_values(page: str | bytes) -> MultiDict:
    """Return every named field's value on the page, as the browser would submit it."""
    reader = _FormReader()
    reader.feed(page.decode() if isinstance(page, bytes) else page)
    return reader.values


def text_of(page: bytes) -> str:
    """The page as unescaped text, for "the user sees this" assertions."""
    return html.unescape(page.decode())
