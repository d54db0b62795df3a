"""Journeys 2 to 4: HQ sends a plan back with a blocking comment, the officer answers, HQ approves.

Each journey starts from the state the one before leaves, built through the app's services, so
each runs (and fails) on its own.
"""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import func, select

from app.extensions import db
from app.review.models import Comment, Revision
from app.workplans.models import Workplan, WorkplanStatus
from tests.browser import plans
from tests.browser.drafting import field
from tests.browser.ui import Journey

NOTE = "Raise the budget of the SOP activity; see the comment."


def _plan_state(live_server, plan_id):
    def read():
        plan = db.session.get(Workplan, plan_id)
        revisions = db.session.scalar(select(func.count(Revision.id)).where(Revision.workplan_id == plan_id))
        comments = [
            (c.anchor_type, c.anchor_id, c.is_blocking, c.is_open)
            for c in db.session.scalars(
                select(Comment).where(Comment.workplan_id == plan_id, Comment.parent_id.is_(None))
            )
        ]
        return plan.status, revisions, comments, plan.activities[0].id, plan.activities[0].budget_eur

    return live_server.run(read)


def test_journey_2_hq_comments_on_an_activity_and_requests_changes(person, live_server):
    plan_id = live_server.run(plans.submitted_plan)
    *_, activity_id, _ = _plan_state(live_server, plan_id)
    hq = person(plans.HQ, Journey("2-hq-requests-changes"))
    page = hq.page

    page.get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    row = page.locator("#queue-waiting tbody tr").filter(has_text=plans.COMPACT_TITLE)
    expect(row).to_contain_text("Pakistan")
    hq.checkpoint("queue")
    row.get_by_role("link", name=plans.COMPACT_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(plans.COMPACT_TITLE)
    hq.checkpoint("overview (under review)", full_page=False)

    # "Comment" beside the activity opens the form about that activity.
    page.locator(f'a.comment-link[href="?about=activity:{activity_id}#comment-form"]').click()
    form = page.locator("#comment-form")
    expect(form.get_by_label("About")).to_have_value(f"activity:{activity_id}")
    expect(form.get_by_label("About").locator("option:checked")).to_have_text("Activity 3.1.1")
    hq.checkpoint("comment form about activity 3.1.1", full_page=False, scroll_to=page.locator("#comments"))
    form.get_by_role("textbox", name="Comment").fill(plans.COMMENT)
    form.get_by_label(re.compile(r"^\s*Blocking")).check()
    form.get_by_role("button", name="Add comment").click()
    expect(page.get_by_role("status").filter(has_text="Comment added.")).to_be_visible()
    thread = page.locator("article.comment").filter(has_text=plans.COMMENT)
    expect(thread.locator(".comment__head")).to_contain_text("Activity 3.1.1")
    expect(thread.locator(".comment__head")).to_contain_text("Blocking")
    hq.checkpoint("blocking comment added", full_page=False, scroll_to=page.locator("#comments"))

    send_back = page.locator("form").filter(has=page.get_by_role("button", name="Request changes"))
    send_back.get_by_label("What should change").fill(NOTE)
    send_back.get_by_role("button", name="Request changes").click()
    expect(page.get_by_role("status").filter(has_text="sent back to its officers")).to_be_visible()
    expect(page.locator(".plan-meta .badge")).to_have_text("Changes requested")
    hq.checkpoint("sent back", full_page=False)

    status, revisions, comments, *_ = _plan_state(live_server, plan_id)
    assert (status, revisions, comments) == (
        WorkplanStatus.CHANGES_REQUESTED,
        1,
        [("activity", activity_id, True, True)],
    )


def test_journey_3_officer_sees_the_comment_edits_and_resubmits(person, live_server):
    plan_id = live_server.run(plans.sent_back_plan)
    officer = person(plans.OFFICER, Journey("3-officer-resubmits"))
    page = officer.page

    # The header says there is news; the notice leads to the plan.
    notices = page.get_by_role("link", name=re.compile(r"^Notices"))
    expect(notices).to_contain_text("unread")
    notices.click()
    officer.checkpoint("notices")
    page.get_by_role("link", name=re.compile("HQ asks for changes")).click()
    expect(page.locator(".plan-meta .badge")).to_have_text("Changes requested")
    thread = page.locator("article.comment").filter(has_text=plans.COMMENT)
    expect(thread.locator(".comment__head")).to_contain_text("Activity 3.1.1")
    expect(thread.locator(".comment__head")).to_contain_text("Blocking")
    officer.checkpoint("overview (changes requested)", full_page=False, scroll_to=page.locator("#comments"))

    thread.get_by_label("Reply").fill("Raised to EUR 60,000 for the four cities.")
    thread.get_by_role("button", name="Reply").click()
    expect(page.locator("article.comment").filter(has_text=plans.COMMENT)).to_contain_text("Raised to EUR 60,000")

    page.get_by_role("link", name="Edit the plan").click()
    page.get_by_role("navigation", name="Steps of the workplan").get_by_role(
        "link", name=re.compile("Activities")
    ).click()
    budget = field(page.locator("#outputs-0-activities-0"), "Budget (EUR)")
    expect(budget).to_have_value("45,000.00")
    budget.fill("60000")
    officer.checkpoint("step activities (budget raised)")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()

    page.get_by_role("navigation", name="Steps of the workplan").get_by_role(
        "link", name=re.compile("Check and submit")
    ).click()
    expect(page.locator(".readiness-summary")).to_have_class(re.compile(r"readiness-summary--(green|amber)"))
    officer.checkpoint("check")
    page.get_by_role("button", name="Submit to HQ").click()
    expect(page.get_by_role("status").filter(has_text="Submitted to HQ as revision 2")).to_be_visible()
    officer.checkpoint("resubmitted")

    status, revisions, _, _, budget_eur = _plan_state(live_server, plan_id)
    assert (status, revisions, budget_eur) == (WorkplanStatus.SUBMITTED, 2, 60000)


def test_journey_4_hq_compares_resolves_approves_and_downloads_the_pdf(person, live_server):
    plan_id = live_server.run(plans.resubmitted_plan)
    journey = Journey("4-hq-approves")
    hq = person(plans.HQ, journey)
    page = hq.page

    page.get_by_role("link", name="Review queue").click()
    row = page.locator("#queue-waiting tbody tr").filter(has_text=plans.COMPACT_TITLE)
    expect(row.locator("td.num").first).to_have_text("2")
    hq.checkpoint("queue (revision 2)")
    row.get_by_role("link", name="Compare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changes from revision 1 to revision 2")
    changed = page.locator(".diff-row--changed")
    expect(changed).to_have_count(1)
    expect(changed.locator("del")).to_contain_text("45000")
    expect(changed.locator("ins")).to_contain_text("60000")
    hq.checkpoint("compare revisions 1 and 2")

    page.get_by_role("link", name=plans.COMPACT_TITLE).click()
    # The open blocking comment holds approval back.
    expect(page.get_by_role("button", name="Approve", exact=True)).to_be_disabled()
    hq.checkpoint("overview (approval blocked)", full_page=False, scroll_to=page.locator("#actions"))
    thread = page.locator("article.comment").filter(has_text=plans.COMMENT)
    thread.get_by_role("button", name="Mark resolved").click()
    expect(page.get_by_role("status").filter(has_text="Comment resolved.")).to_be_visible()
    page.get_by_role("button", name="Approve revision 2").click()
    expect(page.get_by_role("status").filter(has_text="Revision 2 is approved.")).to_be_visible()
    expect(page.locator(".plan-meta .badge")).to_have_text("Approved")
    hq.checkpoint("approved", full_page=False)

    page.get_by_text("Download PDF").click()
    # The PDF is rendered on the spot: allow the server's render time, not a page's.
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("link", name="Internal edition").click()
    download = download_info.value
    download.save_as(journey.folder / "plan.pdf")
    data = (journey.folder / "plan.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    text = "".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(data)).pages)
    assert "Pakistan" in text and len(PdfReader(io.BytesIO(data)).pages) > 1

    status, revisions, comments, *_ = _plan_state(live_server, plan_id)
    assert (status, revisions, [open_ for *_, open_ in comments]) == (WorkplanStatus.APPROVED, 2, [False])
