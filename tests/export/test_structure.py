"""The printed plan reads like the document HQ signs: sections in order, real page numbers, the watermark.

The page layout does not depend on the database, so these run on SQLite only; the queries behind
a download run on both backends in test_routes and test_pack.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from app.export.document import build_plan_document
from app.export.services import gather_print_inputs, parse_export_options
from app.export.templating import render_print_template
from app.extensions import db
from app.workplans.models import WorkplanStatus
from tests import factories
from tests.conftest import app_on
from tests.export.pdf import bookmarks, contents_entries, page_texts, print_body, rotated_words, squash

sqlite_only = pytest.mark.parametrize("database_settings", ["sqlite"], indirect=True)

SECTIONS = [
    "1. Summary",
    "2. Context and needs",
    "3. National theory of change",
    "4. Lessons applied",
    "5. Results framework",
    "6. Activity plan",
    "7. Budget summary",
    "8. Risks and mitigation",
    "9. Partnerships and coordination",
    "10. Monitoring, evaluation and learning",
    "11. Sustainability and exit",
    "12. Endorsement",
    "Annex A. Review log",
    "Annex B. Changes since the previous revision",
]


@dataclass
class PrintedPlan:
    """The demo plan's PDF and what the plan holds, as plain values."""

    id: int
    title: str
    pdf: bytes
    objective_titles: list[str]
    activities: list[tuple[str, str]]
    outputs: list[str]
    indicator_values: list[str]
    mitigations: list[str]


@pytest.fixture(scope="module")
def printed_demo_plan(sqlite_templates, tmp_path_factory) -> PrintedPlan:
    """The demo plan, untouched, printed once for the tests below that only read the PDF (a 20-page render)."""
    folder = tmp_path_factory.mktemp("printed")
    database = sqlite_templates.copy(folder / "test.db", seeded=True)
    with app_on({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}, folder) as app:
        officer = factories.make_user("off.pk@example.org", "officer", ["PK"])
        plan = factories.make_demo_plan(officer)
        db.session.commit()
        client = app.test_client()
        assert client.post("/login", data={"email": officer.email, "password": factories.PASSWORD}).status_code == 302
        response = client.get(f"/workplans/{plan.id}/export.pdf")
        assert response.status_code == 200, response.status_code
        indicators = [indicator for output in plan.outputs for indicator in output.indicators]
        return PrintedPlan(
            id=plan.id,
            title=plan.title,
            pdf=response.data,
            objective_titles=[f"Objective {item.objective.number}: {item.objective.title}" for item in plan.objectives],
            activities=[(activity.description, activity.location) for activity in plan.activities],
            outputs=[output.statement for output in plan.outputs],
            indicator_values=[
                value
                for indicator in indicators
                for value in (
                    indicator.description,
                    indicator.baseline_value,
                    indicator.target_value,
                    indicator.source_of_verification,
                    indicator.assumptions,
                )
            ],
            mitigations=[risk.mitigation for risk in plan.risks],
        )


@pytest.fixture
def download(sign_in, pk_officer):
    """Download a plan's PDF as its officer."""

    def get(workplan, query=""):
        response = sign_in(pk_officer).get(f"/workplans/{workplan.id}/export.pdf{query}")
        assert response.status_code == 200, response.status_code
        return response.data

    return get


def test_sections_are_in_order_and_the_contents_give_the_pages_they_start_on(printed_demo_plan):
    data = printed_demo_plan.pdf
    texts = page_texts(data)
    marks = bookmarks(data)

    assert [mark.title for mark in marks if mark.level == 1] == SECTIONS
    assert [mark.title for mark in marks if mark.level == 2] == printed_demo_plan.objective_titles
    pages = [mark.page for mark in marks]
    assert pages == sorted(pages)

    contents = contents_entries(texts[1])
    assert [(mark.title, mark.page) for mark in marks] == contents
    for title, page in contents:
        assert squash(title) in squash(texts[page - 1]), (title, page)
        assert all(squash(title) not in squash(text) for text in texts[2 : page - 1]), (
            f"{title} printed before page {page}"
        )


def test_every_page_says_page_x_of_y_and_a_draft_is_watermarked_on_every_page(printed_demo_plan):
    data = printed_demo_plan.pdf
    texts = page_texts(data)
    total = len(texts)
    assert rotated_words(data, "DRAFT") == list(range(1, total + 1))
    assert total >= 15
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text, number
    for text in texts[1:]:
        assert f"Pakistan · {printed_demo_plan.title}" in text
        assert f"PK-{printed_demo_plan.id} · working text · DRAFT" in text


def test_every_activity_and_indicator_of_the_plan_is_printed(printed_demo_plan):
    printed = squash("".join(page_texts(printed_demo_plan.pdf)))
    for description, location in printed_demo_plan.activities:
        assert squash(description) in printed, description[:60]
        assert squash(location) in printed
    for statement in printed_demo_plan.outputs:
        assert squash(statement) in printed
    for value in printed_demo_plan.indicator_values:
        assert squash(value) in printed, value[:60]
    for mitigation in printed_demo_plan.mitigations:
        assert squash(mitigation) in printed
    assert squash("EUR 820,000") in printed


@sqlite_only
@pytest.mark.parametrize("status", [WorkplanStatus.SUBMITTED, WorkplanStatus.CHANGES_REQUESTED])
def test_a_plan_under_review_is_watermarked_too(small_plan, download, status):
    small_plan.status = status
    db.session.commit()
    data = download(small_plan)
    assert len(rotated_words(data, "DRAFT")) == len(page_texts(data))
    assert status.label.upper() in page_texts(data)[0]


@sqlite_only
def test_an_approved_plan_has_no_watermark_and_names_its_approval(small_plan, download, hq_user):
    small_plan.status = WorkplanStatus.APPROVED
    small_plan.approved_at = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
    small_plan.approved_by_id = hq_user.id
    small_plan.approved_revision_number = 1
    db.session.commit()
    data = download(small_plan)
    texts = page_texts(data)
    assert rotated_words(data, "DRAFT") == []
    assert not any("DRAFT" in text for text in texts)
    assert "APPROVED" in texts[0]
    assert "Approved on 12 March 2026 by reviewer (revision 1)" in texts[0]


COLUMN_HEADINGS = ("No.", "Activity", "National and other partners", "Location", "Q1", "Budget (EUR)", "Markers")


@sqlite_only
def test_a_very_long_activity_leaves_no_page_of_the_activity_plan_without_column_headings(demo_plan, download):
    sentence = "Deliver a long series of training sessions for investigators and prosecutors in every province. "
    demo_plan.outputs[0].activities[0].description = (sentence * 45).strip()
    db.session.commit()
    texts = page_texts(download(demo_plan))
    first = next(number for number, text in enumerate(texts) if number > 1 and "6. Activity plan" in text)
    last = next(number for number, text in enumerate(texts) if number > 1 and "7. Budget summary" in text)
    assert last - first >= 3, "the long activity runs over several pages"
    for number in range(first, last):
        for heading in COLUMN_HEADINGS:
            assert heading in texts[number], f"page {number + 1} has no column heading {heading!r}"
    # The activity starts under its section heading, objective and output rather than on a page of its own.
    assert "Objective 3: Capacity building" in texts[first] and "3.1.1" in texts[first]


@sqlite_only
@pytest.mark.parametrize("filler_mm", [220, 226, 232, 238])
def test_an_objective_heading_is_never_left_at_the_bottom_of_a_page(demo_plan, filler_mm):
    """Whatever comes before it, an objective starts on the page that shows its outcome and first output."""
    doc = build_plan_document(gather_print_inputs(demo_plan, parse_export_options(None, None, None)))
    results = render_print_template("export/_results.html", doc=doc).replace("section new-page", "section")
    texts = page_texts(print_body(f'<div style="height: {filler_mm}mm"></div>{results}'))
    for block in doc.objectives:
        title = squash(block.heading.title)
        [page] = [squash(text) for text in texts if title in squash(text)]
        after = page[page.index(title) :]
        assert "OUTCOME" in after and f"OUTPUT{block.outputs[0].number}" in after, block.heading.title
