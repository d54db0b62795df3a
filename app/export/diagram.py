"""The national theory of change as a diagram: IF / AND IF / THEN / BECAUSE, then objectives → outcomes → outputs.

Python lays the boxes out (positions, wrapped lines) from a snapshot; autoescaped Jinja templates
draw them: `export/_diagram_svg.html` as one inline SVG for the web page, and
`export/_diagram_print.html` for the PDF. WeasyPrint 70 draws SVG text letter by letter, which
breaks Arabic joining and bidi, so in print the SVG draws the boxes and connectors and the text
is laid over them as ordinary HTML.
"""

from dataclasses import dataclass, field
from itertools import pairwise

from markupsafe import Markup

from app.export.templating import render_print_template
from app.export.text import bidi_dir, script_lang

WIDTH = 700
FONT = 10.5
LINE = 14.0
# Nastaliq (Urdu) stacks its letters diagonally and reaches far above and below the line: it needs
# more than twice the line height of Naskh or Latin text, and its words run wider.
NASTALIQ_LINE = 24.0
NASTALIQ_WIDTH = 0.56
PAD = 7.0
GAP = 10.0
STATEMENT_GAP = 16.0
COLUMNS = {"objective": (0.0, 170.0), "outcome": (206.0, 230.0), "output": (472.0, 228.0)}
STATEMENTS = (("toc_if", "IF"), ("toc_and_if", "AND IF"), ("toc_then", "THEN"), ("toc_because", "BECAUSE"))
MAX_LINES = {"statement": 9, "objective": 4, "outcome": 7, "output": 5}
COLOURS = {
    # kind: (fill, stroke, text colour)
    "statement": ("#eef3f9", "#1b4f8a", "#10243d"),
    "objective": ("#1b4f8a", "#1b4f8a", "#ffffff"),
    "outcome": ("#dbe7f3", "#1b4f8a", "#10243d"),
    "output": ("#ffffff", "#1b4f8a", "#10243d"),
    "header": ("none", "none", "#4a5a6a"),
}


def _char_width(char: str, lang: str = "") -> float:
    """A rough advance width in ems, enough to wrap text into boxes (on the generous side)."""
    code = ord(char)
    if char.isspace():
        return 0.27
    if 0x0980 <= code <= 0x09FF:
        return 0.68
    if 0x0600 <= code <= 0x06FF or 0xFB50 <= code <= 0xFEFF:
        return NASTALIQ_WIDTH if lang == "ur" else 0.48
    if char.isupper() or char.isdigit():
        return 0.62
    return 0.52


def wrap(text: str, width: float, max_lines: int, size: float = FONT, lang: str = "") -> list[str]:
    """Break text into lines that fit a width; the last line ends in an ellipsis when text is left over.

    lang "ur" measures Arabic letters as Nastaliq, which runs wider than Naskh.
    """

    def measure(text: str, size: float) -> float:
        return sum(_char_width(char, lang) for char in text) * size

    lines, current = [], ""
    for word in (text or "").split():
        while measure(word, size) > width:
            cut = max(1, int(len(word) * width / measure(word, size)) - 1)
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}" if current else word
        if measure(candidate, size) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and measure(last + " …", size) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + " …"
    return lines


@dataclass
class Box:
    """A box with a bold label and wrapped text, in diagram units."""

    kind: str
    x: float
    y: float
    w: float
    label: str
    lines: list[str]
    direction: str = "auto"
    lang: str = ""

    @property
    def line(self) -> float:
        """The height of a line of the box's text: taller for Nastaliq."""
        return NASTALIQ_LINE if self.lang == "ur" else LINE

    @property
    def label_lines(self) -> int:
        return 1 if self.label else 0

    @property
    def h(self) -> float:
        return PAD * 2 + LINE * self.label_lines + self.line * len(self.lines)

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    @property
    def colours(self) -> tuple[str, str, str]:
        return COLOURS[self.kind]

    @property
    def is_rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def text_x(self) -> float:
        return self.x + self.w - PAD if self.is_rtl else self.x + PAD

    def line_y(self, index: int) -> float:
        """Baseline of a text line; the label is line 0. A taller line keeps its text in the middle."""
        if index == 0:
            return self.y + PAD + FONT
        top = self.y + PAD + LINE * self.label_lines + self.line * (index - 1)
        return top + (self.line - LINE) / 2 + FONT


@dataclass
class Band:
    """A horizontal slice of the diagram, drawn as one SVG so print pages can break between slices."""

    y: float
    height: float
    boxes: list[Box] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    arrows: list[str] = field(default_factory=list)


@dataclass
class Diagram:
    """The laid-out diagram."""

    width: float
    bands: list[Band]

    @property
    def height(self) -> float:
        return sum(band.height for band in self.bands)


def _box(kind: str, x: float, w: float, label: str, text: str) -> Box:
    lang = script_lang(text)
    return Box(kind, x, 0.0, w, label, wrap(text, w - 2 * PAD, MAX_LINES[kind], lang=lang), bidi_dir(text), lang)


def _arrowhead(x: float, y: float) -> str:
    """The points of an arrowhead pointing right, its tip at (x, y)."""
    return f"{x:.1f},{y:.1f} {x - 6:.1f},{y - 3.5:.1f} {x - 6:.1f},{y + 3.5:.1f}"


def _connector(x1: float, y1: float, x2: float, y2: float) -> tuple[str, str]:
    """An elbow path from (x1, y1) to an arrowhead at (x2, y2)."""
    middle = (x1 + x2) / 2
    return f"M{x1:.1f} {y1:.1f} H{middle:.1f} V{y2:.1f} H{x2 - 5:.1f}", _arrowhead(x2, y2)


def _without_keyword(text: str, keyword: str) -> str:
    """Drop a leading "IF", "THEN"… that repeats the box's label."""
    text = (text or "").strip()
    if text.upper().startswith(keyword + " "):
        return text[len(keyword) :].lstrip()
    return text


def _statement_band(narratives: dict) -> Band:
    width = round((WIDTH - STATEMENT_GAP * 3) / 4, 1)
    boxes = [
        _box(
            "statement",
            index * (width + STATEMENT_GAP),
            width,
            label,
            _without_keyword(narratives.get(name), label) or "—",
        )
        for index, (name, label) in enumerate(STATEMENTS)
    ]
    height = max(box.h for box in boxes)
    band = Band(0.0, height + GAP * 2)
    for box in boxes:
        box.y = GAP
        band.boxes.append(box)
    for left, right in pairwise(boxes):
        middle = GAP + height / 2
        band.paths.append(f"M{left.x + left.w + 2:.1f} {middle:.1f} H{right.x - 5:.1f}")
        band.arrows.append(_arrowhead(right.x, middle))
    return band


def _header_band() -> Band:
    band = Band(0.0, LINE + PAD * 2)
    for kind, title in (("objective", "Objectives"), ("outcome", "Outcomes"), ("output", "Outputs")):
        x, w = COLUMNS[kind]
        band.boxes.append(Box("header", x, 0.0, w, title, []))
    return band


def _objective_band(objective: dict) -> Band:
    x, w = COLUMNS["objective"]
    goal = _box("objective", x, w, f"Objective {objective['number']}", objective["title"])
    x, w = COLUMNS["outcome"]
    outcome = _box("outcome", x, w, "Outcome", objective.get("outcome") or "—")
    x, w = COLUMNS["output"]
    outputs = [
        _box("output", x, w, f"Output {objective['number']}.{index}", output.get("statement") or "—")
        for index, output in enumerate(objective["outputs"], start=1)
    ]
    stack = sum(box.h for box in outputs) + GAP * max(len(outputs) - 1, 0)
    height = max(goal.h, outcome.h, stack)
    band = Band(0.0, height + GAP * 2)
    goal.y = round(GAP + (height - goal.h) / 2, 1)
    outcome.y = round(GAP + (height - outcome.h) / 2, 1)
    y = round(GAP + (height - stack) / 2, 1)
    for box in outputs:
        box.y = y
        y += box.h + GAP
    band.boxes += [goal, outcome, *outputs]
    for start, ends in ((goal, [outcome]), (outcome, outputs)):
        for end in ends:
            path, arrow = _connector(start.x + start.w, start.y + start.h / 2, end.x, end.y + end.h / 2)
            band.paths.append(path)
            band.arrows.append(arrow)
    return band


def build_diagram(snapshot: dict) -> Diagram:
    """Lay out the theory of change of a snapshot: the statement, then one slice per objective."""
    bands = [_statement_band(snapshot["narratives"])]
    if snapshot["objectives"]:
        bands.append(_header_band())
        bands += [_objective_band(objective) for objective in snapshot["objectives"]]
    y = 0.0
    for band in bands:
        band.y = y
        y += band.height
    return Diagram(WIDTH, bands)


def diagram_svg(snapshot: dict) -> Markup:
    """The diagram as one inline SVG for a web page (autoescaped template; presentation attributes only)."""
    return Markup(render_print_template("export/_diagram_svg.html", diagram=build_diagram(snapshot)))


@dataclass
class PrintBand:
    """A slice of the diagram sized for the page: the SVG draws shapes, boxes carry overlay styles."""

    width: str
    height: str
    units_height: float
    paths: list[str]
    arrows: list[str]
    boxes: list[Box]
    styles: list[str]

    @property
    def texts(self) -> list[tuple[Box, str]]:
        return list(zip(self.boxes, self.styles, strict=True))


@dataclass
class PrintDiagram:
    """The diagram scaled to millimetres for print."""

    bands: list[PrintBand]


def print_layout(diagram: Diagram, mm_per_unit: float) -> PrintDiagram:
    """Scale a laid-out diagram to the page: sizes in millimetres and the position of each text overlay."""

    def mm(value: float) -> str:
        return f"{value * mm_per_unit:.2f}"

    bands = []
    for band in diagram.bands:
        styles = [
            f"left: {mm(box.x + PAD)}mm; top: {mm(box.y + PAD - 1)}mm; "
            f"width: {mm(box.w - 2 * PAD)}mm; height: {mm(box.h - 2 * PAD + 2)}mm; line-height: {mm(box.line)}mm"
            for box in band.boxes
        ]
        bands.append(
            PrintBand(mm(diagram.width), mm(band.height), band.height, band.paths, band.arrows, band.boxes, styles)
        )
    return PrintDiagram(bands)
