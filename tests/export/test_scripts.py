"""Every script the partner countries write prints with the bundled Noto fonts, shaped and extractable."""

import pytest

from app.export import fetcher as fetcher_module
from app.export import render_worker
from app.export.document import build_plan_document
from app.export.services import gather_print_inputs, parse_export_options, render_plan_html
from app.export.templating import render_print_template
from app.extensions import db
from tests.export.pdf import fonts, lines_of, print_body, run, squash, text_runs

# The printed result does not depend on the database backend: SQLite only.
pytestmark = pytest.mark.parametrize("database_settings", ["sqlite"], indirect=True)

ARABIC = "خطة العمل الوطنية لمكافحة الاتجار بالبشر 2025–2026 UNODC"
PERSIAN = "برنامه کاری ملی برای مبارزه با قاچاق انسان"
URDU = "انسانی اسمگلنگ کے خلاف قومی منصوبہ اور متاثرین کی مدد"
PASHTO = "د انسانانو د قاچاق پر وړاندې ملي پلان"
BENGALI = "মানব পাচার প্রতিরোধে জাতীয় কর্মপরিকল্পনা"
RUSSIAN = "Национальный план действий по борьбе с торговлей людьми"


@pytest.fixture
def multilingual_plan(demo_plan):
    demo_plan.summary = ARABIC
    demo_plan.context_situation = PERSIAN
    demo_plan.context_legal = URDU
    demo_plan.context_gaps = BENGALI
    demo_plan.priorities = RUSSIAN
    demo_plan.mel = PASHTO
    demo_plan.outputs[0].activities[0].location = URDU
    demo_plan.outputs[0].statement = ARABIC
    db.session.commit()
    return demo_plan


def test_fonts_are_the_bundled_noto_families_all_embedded_and_text_extracts(
    multilingual_plan, pk_officer, sign_in, poppler, tmp_path, monkeypatch
):
    served = []
    original = fetcher_module.AssetOnlyFetcher.fetch

    def spy(self, url, headers=None):
        served.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(fetcher_module.AssetOnlyFetcher, "fetch", spy)
    data = sign_in(pk_officer).get(f"/workplans/{multilingual_plan.id}/export.pdf").data
    # The download renders in a separate process; the same job rendered here shows what the fetcher served.
    html = render_plan_html(gather_print_inputs(multilingual_plan, parse_export_options(None, None, None)))
    render_worker._fonts.cache_clear()
    try:
        render_worker.render([html], strict=True)
    finally:
        render_worker._fonts.cache_clear()

    embedded = fonts(data, tmp_path)
    assert embedded and all(font["embedded"] for font in embedded)
    families = {font["name"].split("+")[-1] for font in embedded}
    assert {"Noto-Sans", "Noto-Sans-Bold", "Noto-Naskh-Arabic", "Noto-Nastaliq-Urdu", "Noto-Sans-Bengali"} <= families
    assert families <= {
        "Noto-Sans",
        "Noto-Sans-Bold",
        "Noto-Naskh-Arabic",
        "Noto-Naskh-Arabic-Bold",
        "Noto-Nastaliq-Urdu",
        "Noto-Nastaliq-Urdu-Bold",
        "Noto-Sans-Bengali",
        "Noto-Sans-Bengali-Bold",
    }
    assert {url for url in served if url.startswith("asset:fonts/")} == {
        f"asset:fonts/{name}.ttf"
        for name in (
            "NotoSans-Regular",
            "NotoSans-Bold",
            "NotoNaskhArabic-Regular",
            "NotoNaskhArabic-Bold",
            "NotoNastaliqUrdu-Regular",
            "NotoNastaliqUrdu-Bold",
            "NotoSansBengali-Regular",
            "NotoSansBengali-Bold",
        )
    }

    text = squash(run("pdftotext", data=data, tmp_path=tmp_path))
    assert squash(RUSSIAN) in text
    for word in ("الاتجار", "بالبشر", "لمكافحة", "قاچاق", "انسان", "UNODC"):
        assert squash(word) in text, word


def test_right_to_left_fields_get_their_direction_and_urdu_its_nastaliq_language(multilingual_plan):
    html = render_plan_html(gather_print_inputs(multilingual_plan, parse_export_options(None, None, None)))
    assert f'dir="rtl">{ARABIC}</div>' in html
    assert f'dir="rtl">{PERSIAN}</div>' in html
    assert f'dir="rtl" lang="ur">{URDU}</div>' in html
    assert f'dir="rtl">{PASHTO}</div>' in html
    assert f'dir="auto">{BENGALI}</div>' in html
    assert f'dir="auto">{RUSSIAN}</div>' in html


def render_partials(doc, *names: str) -> bytes:
    """Print only some parts of a plan (faster than the whole plan), with the print stylesheet."""
    return print_body("".join(render_print_template(f"export/{name}", doc=doc) for name in names))


def print_model(workplan):
    return build_plan_document(gather_print_inputs(workplan, parse_export_options(None, None, None)))


def test_urdu_lines_in_the_diagram_have_room_and_none_is_cut_off(small_plan):
    long_urdu = f"{URDU} {URDU} {URDU}"
    small_plan.objectives[0].outcome = long_urdu
    db.session.commit()
    doc = print_model(small_plan)
    [outcome] = [box for band in doc.diagram.bands for box in band.boxes if box.kind == "outcome"]
    assert outcome.lang == "ur"

    nastaliq = [run for run in text_runs(render_partials(doc, "_diagram_print.html")) if "Nastaliq" in run.font]
    baselines = lines_of(nastaliq)
    size = nastaliq[0].size
    assert 2 <= len(baselines) <= len(outcome.lines), "the box holds every line the text takes"
    for upper, lower in zip(baselines, baselines[1:], strict=False):
        assert lower - upper >= 2.2 * size, "Nastaliq lines need more than twice the font size between them"


def test_a_two_line_urdu_title_on_the_cover_does_not_collide(small_plan):
    small_plan.title = f"{URDU} {URDU}"
    db.session.commit()
    nastaliq = [
        run for run in text_runs(render_partials(print_model(small_plan), "_cover.html")) if "Nastaliq" in run.font
    ]
    baselines = lines_of(nastaliq)
    assert len(baselines) >= 2
    for upper, lower in zip(baselines, baselines[1:], strict=False):
        assert lower - upper >= 2 * nastaliq[0].size


def test_right_to_left_text_in_table_cells_lines_up_on_the_right(demo_plan):
    first, second = demo_plan.outputs[0].activities[:2]
    first.location, second.location = "لاہور", "Lahore"
    first.description = "خطة العمل"
    demo_plan.outputs[0].statement = "خطة العمل"
    db.session.commit()
    doc = print_model(demo_plan)
    html = render_print_template("export/_activity_plan.html", doc=doc)
    assert '<td class="activity" dir="rtl">' in html

    mm = 96 / 25.4

    def left(runs, text):
        return min(run.x for run in runs if squash(text) in squash(run.text))

    # Same column of the activity plan, one right-to-left and one left-to-right value: the Urdu starts well to the right.
    runs = text_runs(render_partials(doc, "_activity_plan.html"))
    assert left(runs, "لاہور") > left(runs, "Lahore") + 10 * mm
    # An output statement in the logframe: its cell is right-to-left, so the text sits on the right.
    runs = text_runs(render_partials(doc, "_results.html"))
    assert left(runs, "خطة") > left(runs, "OUTPUT 3.2") + 10 * mm
