"""Every script the partner countries write prints with the bundled Noto fonts, shaped and extractable."""

import pytest

from app.export import fetcher as fetcher_module
from app.export import render_worker
from app.export.services import gather_print_inputs, parse_export_options, render_plan_html
from app.extensions import db
from tests.export.pdf import fonts, run, squash

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
        "Noto-Sans", "Noto-Sans-Bold", "Noto-Naskh-Arabic", "Noto-Naskh-Arabic-Bold",
        "Noto-Nastaliq-Urdu", "Noto-Nastaliq-Urdu-Bold", "Noto-Sans-Bengali", "Noto-Sans-Bengali-Bold",
    }
    assert {url for url in served if url.startswith("asset:fonts/")} == {
        f"asset:fonts/{name}.ttf" for name in (
            "NotoSans-Regular", "NotoSans-Bold", "NotoNaskhArabic-Regular", "NotoNaskhArabic-Bold",
            "NotoNastaliqUrdu-Regular", "NotoNastaliqUrdu-Bold", "NotoSansBengali-Regular", "NotoSansBengali-Bold",
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
