"""Rendered PDFs on disk, keyed by a hash of everything they print.

Files live under <instance>/pdf-cache/ (or PDF_CACHE_DIR), named by the SHA-256 of the print
inputs, the template version, a digest of the print templates and CSS, and the WeasyPrint version.
An unchanged plan hits the cache; any edit, a new comment, another profile or a template change
gives a new key. Writes are atomic (temporary file, then os.replace); the oldest files beyond
PDF_CACHE_MAX_FILES are pruned.
"""

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path

import weasyprint
from flask import current_app

from app.export.render_worker import PDF_OPTIONS

# Bump when the print model changes in a way the template digest does not see.
TEMPLATE_VERSION = "2"
DEFAULT_MAX_FILES = 500
TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "templates" / "export"
CSS_DIR = Path(__file__).resolve().parent.parent / "static" / "print"


@cache
def assets_digest() -> str:
    """A digest of the print templates and CSS, so an edited template never serves an old PDF."""
    digest = hashlib.sha256()
    for path in sorted([*TEMPLATES_DIR.glob("*.html"), *CSS_DIR.glob("*.css")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(kind: str, inputs) -> str:
    """The cache key of a PDF: a hash of its print inputs and of everything that renders them."""
    payload = {
        "kind": kind,
        "template_version": TEMPLATE_VERSION,
        "assets": assets_digest(),
        "weasyprint": weasyprint.__version__,
        "pdf_options": PDF_OPTIONS,
        "inputs": inputs,
    }
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


class PdfCache:
    """A directory of PDFs named by their key."""

    def __init__(self, directory: Path, max_files: int = DEFAULT_MAX_FILES):
        self.directory = Path(directory)
        self.max_files = max_files

    def _path(self, key: str) -> Path:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError("not a cache key")
        return self.directory / f"{key}.pdf"

    def get(self, key: str) -> bytes | None:
        """Return the cached PDF for a key, or None."""
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def put(self, key: str, data: bytes) -> None:
        """Store a PDF atomically, then prune the oldest files beyond the limit."""
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, self._path(key))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self._prune()

    def clear(self) -> None:
        """Remove every cached PDF."""
        for path in self.directory.glob("*.pdf"):
            path.unlink(missing_ok=True)

    def _prune(self) -> None:
        files = list(self.directory.glob("*.pdf"))
        if len(files) <= self.max_files:
            return
        files.sort(key=lambda path: path.stat().st_mtime)
        for path in files[: len(files) - self.max_files]:
            path.unlink(missing_ok=True)


def pdf_cache() -> PdfCache:
    """The app's PDF cache: PDF_CACHE_DIR, or pdf-cache/ under the instance folder."""
    directory = current_app.config.get("PDF_CACHE_DIR") or os.path.join(current_app.instance_path, "pdf-cache")
    return PdfCache(Path(directory), current_app.config.get("PDF_CACHE_MAX_FILES", DEFAULT_MAX_FILES))
