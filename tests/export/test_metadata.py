"""The PDF is tagged for screen readers (PDF/UA-1) and carries its title, author, language and dates."""

from datetime import UTC, datetime

import pytest

from app.export import cache, render_worker
from app.export.text import text_language
from app.extensions import db
from tests.export.pdf import reader

# The PDF's metadata does not depend on the database backend: SQLite only.
sqlite_only = pytest.mark.parametrize("database_settings", ["sqlite"], indirect=True)

URDU = "انسانی اسمگلنگ کے خلاف قومی منصوبہ اور متاثرین کی مدد"


def pdf_date(moment: datetime) -> str:
    return f"D:{moment.astimezone(UTC):%Y%m%d%H%M%S}Z"


@sqlite_only
def test_a_plan_prints_as_a_tagged_pdf_with_its_title_author_language_and_dates(small_plan, pk_officer, sign_in):
    small_plan.created_at = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    db.session.commit()
    data = sign_in(pk_officer).get(f"/workplans/{small_plan.id}/export.pdf").data
    pdf = reader(data)
    root = pdf.trailer["/Root"]
    info = pdf.trailer["/Info"]
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] in (True, "true")
    assert pdf.pdf_header == "%PDF-1.7"
    assert info["/Title"] == "Pakistan: Short plan 2026–2027"
    assert info["/Author"] == "UNODC, GLO.ACT Asia and the Middle East"
    assert info["/CreationDate"].startswith(pdf_date(datetime(2026, 1, 5, 8, 0, tzinfo=UTC)))
    assert info["/ModDate"].startswith(pdf_date(small_plan.updated_at))


@sqlite_only
def test_a_plan_written_in_urdu_says_so_to_screen_readers(small_plan, pk_officer, sign_in):
    small_plan.title = URDU
    small_plan.summary = URDU
    small_plan.objectives[0].outcome = URDU
    db.session.commit()
    pdf = reader(sign_in(pk_officer).get(f"/workplans/{small_plan.id}/export.pdf").data)
    assert pdf.trailer["/Root"]["/Lang"] == "ur"


@pytest.mark.parametrize(
    ("texts", "country", "language"),
    [
        (["A national plan", "Training for investigators"], "PK", "en"),
        ([URDU, "UNODC"], "PK", "ur"),
        (["خطة العمل الوطنية لمكافحة الاتجار بالبشر"], "IQ", "ar"),
        (["برنامه کاری ملی برای مبارزه با قاچاق انسان"], "IR", "fa"),
        (["برنامه کاری ملی برای مبارزه با قاچاق انسان"], "AF", "fa-AF"),
        (["د انسانانو د قاچاق پر وړاندې ملي پلان"], "AF", "ps"),
        (["মানব পাচার প্রতিরোধে জাতীয় কর্মপরিকল্পনা"], "BD", "bn"),
        (["Short English title", URDU, URDU], "PK", "ur"),
        ([None, ""], "PK", "en"),
    ],
)
def test_the_plan_language_is_the_language_most_of_its_text_is_written_in(texts, country, language):
    assert text_language(texts, country) == language


@sqlite_only
def test_the_pdf_options_are_part_of_the_cache_key(app, monkeypatch):
    with app.app_context():
        tagged = cache.cache_key("plan", {"snapshot": 1})
        monkeypatch.setattr(cache, "PDF_OPTIONS", {})
        assert cache.cache_key("plan", {"snapshot": 1}) != tagged
    assert render_worker.PDF_OPTIONS == {"pdf_variant": "pdf/ua-1"}
