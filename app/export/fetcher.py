"""The only URL fetcher WeasyPrint gets: the app's bundled fonts and print CSS, nothing else.

User text reaches the print templates autoescaped, so it never becomes markup; this fetcher is
defence in depth. It serves `asset:<dir>/<file>` from app/static/<dir> after realpath, with an
extension allowlist and explicit MIME types. Everything else (file:, http(s):, ftp:, data:,
unknown schemes) is denied and logged; redirects are never followed and nothing touches the
network.
"""

import logging
from functools import cache
from pathlib import Path

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

SCHEME = "asset:"
ASSET_ROOT = (Path(__file__).resolve().parent.parent / "static").resolve()
# Folder under app/static -> the file types it may serve and their MIME types.
ALLOWED = {
    "fonts": {".ttf": "font/ttf"},
    "print": {".css": "text/css"},
}


class AssetDenied(ValueError):
    """A URL the PDF renderer may not fetch; WeasyPrint turns it into a warning and renders on."""


def resolve_asset(url: str) -> tuple[Path, str] | None:
    """Return the file and MIME type an asset: URL names, or None when it is not an allowed asset."""
    if not url.startswith(SCHEME):
        return None
    relative = url[len(SCHEME) :]
    if not relative or any(mark in relative for mark in ("?", "#", "\\", "\x00", "%")):
        return None
    folder, _, name = relative.partition("/")
    types = ALLOWED.get(folder)
    if types is None or not name:
        return None
    allowed_dir = (ASSET_ROOT / folder).resolve()
    path = (allowed_dir / name).resolve()
    if path.parent != allowed_dir or path.suffix not in types or not path.is_file():
        return None
    return path, types[path.suffix]


@cache
def _read(path: Path) -> bytes:
    return path.read_bytes()


class AssetOnlyFetcher(URLFetcher):
    """Serve bundled assets; deny and log every other URL.

    With strict=True (tests) a denial raises FatalURLFetchingError and stops the render; otherwise
    it raises AssetDenied, which WeasyPrint logs while it renders the rest of the document.
    """

    def __init__(self, strict: bool = False):
        super().__init__(timeout=5, allowed_protocols=frozenset(), allow_redirects=False, fail_on_errors=False)
        self.strict = strict

    def fetch(self, url, headers=None):
        found = resolve_asset(url)
        if found is not None:
            path, mime_type = found
            return URLFetcherResponse(url, _read(path), {"Content-Type": mime_type})
        log.warning("PDF fetch denied: %.200s", url)
        if self.strict:
            raise FatalURLFetchingError(f"PDF fetch denied: {url[:200]}")
        raise AssetDenied(f"PDF fetch denied: {url[:200]}")
