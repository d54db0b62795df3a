"""Read PDFs back the way a reader would: text per page, bookmarks, fonts, attachments, the watermark."""

import io
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pypdf import PdfReader

BIDI_CONTROLS = dict.fromkeys([0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


@dataclass(frozen=True)
class PageText:
    """What one page draws: its text, and the pieces of it drawn at an angle (a diagonal watermark)."""

    text: str
    rotated: tuple[str, ...]


@lru_cache(maxsize=16)
def read_pages(data: bytes) -> tuple[PageText, ...]:
    """Every page's text and rotated pieces, from one pass of pypdf (the slow part of a PDF test), kept per PDF."""
    pages = []
    for page in reader(data).pages:
        rotated = []

        def visit(text, cm, tm, font, size, rotated=rotated):
            matrix = [tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]]
            if text and abs(matrix[1]) > 0.1 * abs(matrix[0] or 1):
                rotated.append(text)

        text = page.extract_text(visitor_text=visit, orientations=(0, 90, 180, 270)) or ""
        pages.append(PageText(text, tuple(rotated)))
    return tuple(pages)


def page_texts(data: bytes) -> list[str]:
    """The text of each page, in drawing order."""
    return [page.text for page in read_pages(data)]


def squash(text: str) -> str:
    """Text without any white space and in NFKC form, to find a field's text across line breaks."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(BIDI_CONTROLS))


@dataclass
class Bookmark:
    title: str
    page: int
    level: int


def bookmarks(data: bytes) -> list[Bookmark]:
    """The PDF outline, flattened, with 1-based page numbers."""
    pdf = reader(data)
    found = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append(Bookmark(item.title, pdf.get_destination_page_number(item) + 1, level))

    walk(pdf.outline, 1)
    return found


def contents_entries(page_text: str) -> list[tuple[str, int]]:
    """(title, page) pairs of a table-of-contents page: "title ....... 12"."""
    entries = []
    for line in page_text.splitlines():
        match = re.match(r"^(.*?)\s*(?:\.\s*){3,}\s*(\d+)\s*$", line.strip())
        if match:
            entries.append((match[1].strip(), int(match[2])))
    return entries


def rotated_words(data: bytes, word: str) -> list[int]:
    """1-based numbers of the pages that draw `word` rotated (a diagonal watermark)."""
    return [
        number for number, page in enumerate(read_pages(data), start=1) if any(word in text for text in page.rotated)
    ]


def run(tool: str, *args: str, data: bytes, tmp_path) -> str:
    """Run a poppler tool on the PDF and return its output."""
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])], check=True, capture_output=True, text=True
    ).stdout


def fonts(data: bytes, tmp_path) -> list[dict]:
    """pdffonts' table: name, type and whether each font is embedded."""
    lines = run("pdffonts", data=data, tmp_path=tmp_path).splitlines()[2:]
    return [{"name": line.split()[0], "embedded": line.split()[-5] == "yes"} for line in lines if line.strip()]


def attachments(data: bytes, tmp_path) -> int:
    """How many embedded files pdfdetach lists."""
    out = run("pdfdetach", "-list", data=data, tmp_path=tmp_path)
    return int(re.match(r"(\d+) embedded files", out.strip())[1])


@dataclass
class Run:
    """A piece of text as drawn: page (1-based), left x and baseline y (CSS px, y downwards), font and size."""

    page: int
    text: str
    x: float
    y: float
    font: str
    size: float


def text_runs(data: bytes) -> list[Run]:
    """Every non-blank piece of text the PDF draws, with where and in which font."""
    runs = []
    for number, page in enumerate(reader(data).pages, start=1):

        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                name = str(font.get("/BaseFont", "")) if font else ""
                runs.append(Run(number, text, tm[4], tm[5], name.split("+")[-1], size))

        page.extract_text(visitor_text=visit)
    return runs


def lines_of(runs: list[Run]) -> list[float]:
    """The distinct baselines of some runs, top to bottom."""
    return sorted({round(run.y, 1) for run in runs})


def print_body(body: str) -> bytes:
    """Render some print HTML (parts of a plan) with the print stylesheet, here in the test process."""
    from app.export import render_worker

    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<link rel="stylesheet" href="asset:print/plan.css"></head><body>{body}</body></html>'
    )
    return render_worker.render([html], strict=True)
