"""Turn print HTML into PDF with WeasyPrint, in-process, at most two renders at a time per process.

A render of a large plan takes seconds of CPU and a few hundred MB; the semaphore keeps a burst of
downloads from starving the worker (each gunicorn worker has its own two slots). A caller that
waits longer than PDF_RENDER_WAIT seconds for a slot gets RendererBusy (the view answers 503).
"""

import threading

import weasyprint
from flask import current_app
from weasyprint.text.fonts import FontConfiguration

from app.export.fetcher import AssetOnlyFetcher

RENDER_SLOTS = threading.BoundedSemaphore(2)
DEFAULT_WAIT_SECONDS = 30


class RendererBusy(RuntimeError):
    """Every render slot stayed busy for longer than the caller may wait."""


def _fetcher() -> AssetOnlyFetcher:
    return AssetOnlyFetcher(strict=current_app.config.get("PDF_STRICT_FETCHER", current_app.testing))


def render_documents(pages_html: list[str]) -> bytes:
    """Render one or more HTML documents and return them as one PDF (the first one's metadata).

    Raises RendererBusy when no render slot frees up in time.
    """
    if not RENDER_SLOTS.acquire(timeout=current_app.config.get("PDF_RENDER_WAIT", DEFAULT_WAIT_SECONDS)):
        raise RendererBusy("Every PDF render slot is busy.")
    try:
        fetcher, fonts = _fetcher(), FontConfiguration()
        documents = [
            weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher).render(font_config=fonts)
            for html in pages_html
        ]
        combined = documents[0] if len(documents) == 1 else documents[0].copy(
            [page for document in documents for page in document.pages]
        )
        return combined.write_pdf()
    finally:
        RENDER_SLOTS.release()


def render_pdf(html: str) -> bytes:
    """Render one HTML document to PDF bytes; raises RendererBusy when no slot frees up in time."""
    return render_documents([html])
