"""Text is only ever text in the browser, and a field filled to its limit with line breaks saves."""

from playwright.sync_api import expect

from app.extensions import db
from app.review.comments import add_comment
from app.workplans.models import Workplan
from tests.browser import plans
from tests.browser.drafting import field
from tests.browser.ui import Journey

# Each would run script or evaluate a template if it were ever rendered as markup.
HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)> {{7*7}} {% raw %} javascript:alert(3)'


def _hostile_plan() -> int:
    """A submitted plan whose title, texts, an activity and a comment are hostile strings."""
    plan_id = plans.submitted_plan()
    plan = db.session.get(Workplan, plan_id)
    plan.title = "Plan " + HOSTILE
    plan.summary = HOSTILE + "\nSecond line " + HOSTILE
    plan.activities[0].description = HOSTILE
    plan.risks[0].owner = HOSTILE
    hq = plans.user(plans.HQ)
    add_comment(plan, hq, f"activity:{plan.activities[0].id}", HOSTILE, is_blocking=True)
    return plan_id


def test_hostile_text_shows_as_text_and_runs_nothing(person, live_server):
    """Script, markup and template syntax typed by someone show literally; no dialog opens (teardown checks)."""
    plan_id = live_server.run(_hostile_plan)
    journey = Journey("hostile-text")

    hq = person(plans.HQ, journey)
    for label, path in (
        ("queue", "/review/"),
        ("dashboard", "/review/dashboard"),
        ("overview", f"/workplans/{plan_id}/"),
        ("comments", f"/workplans/{plan_id}/comments"),
    ):
        hq.goto(path)
        expect(hq.page.get_by_text(HOSTILE, exact=False).first).to_be_visible()
        assert hq.page.locator("img[src=x]").count() == 0, label
        assert "49" not in hq.page.get_by_text("{{7*7}}").first.inner_text(), label
    hq.goto(f"/workplans/{plan_id}/")
    expect(hq.page.get_by_role("heading", level=1)).to_have_text("Plan " + HOSTILE)
    hq.checkpoint("overview with hostile text", full_page=False, axe=False)


def test_a_field_filled_to_its_limit_with_line_breaks_saves(person, live_server):
    """10,000 characters with 100 line breaks: the browser sends CRLF, the server counts each break once."""
    plan_id = live_server.run(plans.demo_plan_id)
    officer = person(plans.OFFICER, Journey("full-length-text"))
    text = ("ا" * 49 + "b" * 50 + "\n") * 100
    assert len(text) == 10_000 and text.count("\n") == 100
    officer.goto(f"/workplans/{plan_id}/steps/context")
    priorities = field(officer.page, "Priorities")
    expect(priorities).to_have_attribute("maxlength", "10000")
    priorities.fill(text)
    officer.page.get_by_role("button", name="Save", exact=True).click()
    expect(officer.page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    expect(field(officer.page, "Priorities")).to_have_value(text)
    assert live_server.run(lambda: db.session.get(Workplan, plan_id).priorities) == text
