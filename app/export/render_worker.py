"""The PDF render process: WeasyPrint in a child of the web worker, at low priority and with a memory cap.

The web worker starts it once (app.export.rendering) and sends it jobs over a pipe; it answers each
with ("ok", pdf bytes) or ("error", exception). It imports nothing from Flask, so it stays small.
"""

import atexit
import os
import pickle
import resource
import shutil
import tempfile
from functools import cache

MEGABYTE = 1024 * 1024
# A tagged PDF/UA-1 (structure tree, /MarkInfo, PDF 1.7), so screen readers can read plans out.
# Part of every cache key (app.export.cache).
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}
# The print HTML stays lang="en" (its headings and labels are English, and the stylesheet sets
# fonts by language); the plan's own language comes in this meta and becomes the PDF's /Lang.
LANGUAGE_META = "dcterms.language"


def limit_resources(memory_mb: int, niceness: int) -> None:
    """Lower this process's CPU priority and cap its address space (0 MB: no cap)."""
    if niceness:
        os.nice(niceness)
    if memory_mb:
        cap = memory_mb * MEGABYTE
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


@cache
def _fonts():
    """One font configuration for every render of this process: WeasyPrint loads each bundled
    @font-face once instead of once per render (about 7 % of a plan's render time)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


# Drop it before the interpreter tears modules down, or its __del__ fails noisily at exit.
atexit.register(_fonts.cache_clear)


def render(pages_html: list[str], strict: bool) -> bytes:
    """Render one or more HTML documents and return them as one PDF (the first one's metadata)."""
    import weasyprint

    from app.export.fetcher import AssetOnlyFetcher

    fetcher, fonts = AssetOnlyFetcher(strict=strict), _fonts()
    documents = [
        weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher).render(font_config=fonts)
        for html in pages_html
    ]
    combined = (
        documents[0]
        if len(documents) == 1
        else documents[0].copy([page for document in documents for page in document.pages])
    )
    combined.metadata.lang = combined.metadata.custom.get(LANGUAGE_META) or combined.metadata.lang
    return combined.write_pdf(**PDF_OPTIONS)


def serve(connection, memory_mb: int, niceness: int, scratch: str) -> None:
    """Answer render jobs until the web worker closes the pipe; temporary files go to scratch."""
    tempfile.tempdir = scratch
    limit_resources(memory_mb, niceness)
    import weasyprint  # noqa: F401 - loaded once, before the first job, not during it

    try:
        while (job := _receive(connection)) is not None:
            connection.send(_answer(job, memory_mb))
    finally:
        # Also when the web worker died: nobody else would remove the scratch folder then.
        _fonts.cache_clear()
        shutil.rmtree(scratch, ignore_errors=True)


def _receive(connection):
    try:
        return connection.recv()
    except (EOFError, OSError):
        return None


def _answer(job, memory_mb: int) -> tuple:
    pages_html, strict = job
    try:
        answer = ("ok", render(pages_html, strict))
    except MemoryError:
        answer = ("error", MemoryError(f"The render needed more than {memory_mb} MB."))
    except Exception as error:  # noqa: BLE001 - every failure goes back to the caller
        answer = ("error", error)
    if answer[0] == "error":
        try:
            pickle.dumps(answer[1])
        except Exception:  # noqa: BLE001 - an exception that does not pickle goes back as text
            answer = ("error", RuntimeError(repr(answer[1])[:500]))
    return answer
