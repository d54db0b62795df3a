"""Print templates are autoescaped, and the theory-of-change diagram is safe inline SVG."""

import re
from pathlib import Path

from app.export.diagram import MAX_LINES, build_diagram, wrap
from app.extensions import db
from app.workplans.snapshots import snapshot_workplan

EXPORT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "export"


def test_every_print_template_is_html_and_autoescaped(app):
    names = sorted(path.name for path in EXPORT_TEMPLATES.iterdir())
    assert "plan.html" in names and "pack.html" in names
    for name in names:
        assert name.endswith(".html"), name
        assert app.select_jinja_autoescape(f"export/{name}"), name


def test_the_overview_shows_the_diagram_as_inline_svg_without_style_attributes(demo_plan, pk_officer, sign_in):
    demo_plan.outputs[0].statement = '<script>alert(1)</script> "quoted" & <b>bold</b>'
    db.session.commit()
    page = sign_in(pk_officer).get(f"/workplans/{demo_plan.id}/").get_data(as_text=True)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "&lt;b&gt;bold&lt;/b&gt;" in svg
    for item in demo_plan.objectives:
        assert f">Objective {item.objective.number}</text>" in svg
    assert svg.count(">Outcome</text>") == len(demo_plan.objectives)
    assert svg.count(">Output ") == len(demo_plan.outputs)
    assert all(f">{label}</text>" in svg for label in ("IF", "AND IF", "THEN", "BECAUSE"))


def test_the_diagram_has_a_box_per_objective_outcome_and_output_with_connectors(demo_plan):
    diagram = build_diagram(snapshot_workplan(demo_plan))
    boxes = [box for band in diagram.bands for box in band.boxes]
    kinds = [box.kind for box in boxes]
    assert kinds.count("statement") == 4
    assert kinds.count("objective") == kinds.count("outcome") == len(demo_plan.objectives)
    assert kinds.count("output") == len(demo_plan.outputs)
    arrows = sum(len(band.arrows) for band in diagram.bands)
    assert arrows == 3 + len(demo_plan.objectives) + len(demo_plan.outputs)
    for band in diagram.bands:
        for box in band.boxes:
            assert 0 <= box.y and box.y + box.h <= band.height
            assert len(box.lines) <= MAX_LINES.get(box.kind, 0)


def test_wrapping_fits_the_width_and_shortens_with_an_ellipsis():
    text = "word " * 200
    lines = wrap(text, 150, 4)
    assert len(lines) == 4 and lines[-1].endswith("…")
    assert wrap("short text", 150, 4) == ["short text"]
    long_word = wrap("x" * 300, 100, 10)
    assert all(len(line) < 300 for line in long_word)
    assert re.sub(r"\s", "", "".join(wrap("خطة العمل الوطنية " * 3, 120, 10))) == re.sub(
        r"\s", "", "خطة العمل الوطنية " * 3
    )
