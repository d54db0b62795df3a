"""Nothing typed is lost by leaving a step, by a Save pressed right after adding a row, or by a lesson left unticked."""

import re

from playwright.sync_api import expect

from app.extensions import db
from app.workplans.models import Workplan
from tests.browser import plans
from tests.browser.drafting import field
from tests.browser.ui import Journey

# Whether leaving now would make the browser ask first (the page's beforeunload handler says so).
WOULD_ASK_BEFORE_LEAVING = """() => {
  const event = new Event("beforeunload", {cancelable: true});
  window.dispatchEvent(event);
  return event.defaultPrevented;
}"""


def _risks(live_server, plan_id) -> list[str]:
    return live_server.run(lambda: [risk.description for risk in db.session.get(Workplan, plan_id).risks])


def _lessons(live_server, plan_id) -> dict[str, str]:
    def read():
        return {lesson.recommendation.label: lesson.how_applied for lesson in db.session.get(Workplan, plan_id).lessons}

    return live_server.run(read)


def test_save_pressed_right_after_adding_a_row_saves_it_without_a_conflict(person, live_server):
    plan_id = live_server.run(plans.demo_plan_id)
    before = _risks(live_server, plan_id)
    officer = person(plans.OFFICER, Journey("add-row-then-save"))
    page = officer.page
    officer.goto(f"/workplans/{plan_id}/steps/risks")
    field(page.locator("#risks-0"), "Owner").fill("Typed just before adding a row")
    assert page.evaluate(WOULD_ASK_BEFORE_LEAVING)
    # Both presses in one go: Save leaves while the new row is still on its way.
    page.evaluate("""() => {
      document.querySelector('button[value="add:risks"]').click();
      document.querySelector('.wizard__actions button[value="save"]').click();
    }""")
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    expect(page.get_by_text("Someone saved this plan")).to_have_count(0)
    new_row = page.locator(f"#risks-{len(before)}")
    expect(new_row).to_be_visible()
    expect(field(page.locator("#risks-0"), "Owner")).to_have_value("Typed just before adding a row")
    officer.checkpoint("saved with the new row")
    assert len(_risks(live_server, plan_id)) == len(before) + 1
    assert not page.evaluate(WOULD_ASK_BEFORE_LEAVING)


def test_leaving_a_step_saves_lessons_first_or_asks_naming_the_lesson(person, live_server):
    plan_id = live_server.run(plans.demo_plan_id)
    officer = person(plans.OFFICER, Journey("leave-with-lessons"))
    page = officer.page
    officer.goto(f"/workplans/{plan_id}/steps/lessons")
    steps = page.get_by_role("navigation", name="Steps of the workplan")

    # Writing in an unticked card ticks it; leaving by the step list saves it first.
    unticked = page.locator("[data-lesson-card]").filter(has=page.locator("input[type=checkbox]:not(:checked)"))
    card = page.locator("#" + unticked.first.get_attribute("id"))
    label = card.locator("label.checkbox").first.inner_text().strip()
    box = card.get_by_label(label, exact=True)
    field(card, "How we apply it").fill("Written without ticking the box first.")
    expect(box).to_be_checked()
    assert page.evaluate(WOULD_ASK_BEFORE_LEAVING)
    steps.get_by_role("link", name=re.compile("Objectives")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Objectives")
    assert _lessons(live_server, plan_id)[label] == "Written without ticking the box first."

    # A change the server refuses: leaving asks, naming the lesson and why.
    steps.get_by_role("link", name=re.compile("Lessons")).click()
    card = page.locator("[data-lesson-card]").filter(has=page.get_by_label(label, exact=True))
    field(card, "How we apply it").fill("Pasted with a hidden character:\x07 here.")
    officer.confirmations_expected = 1
    steps.get_by_role("link", name=re.compile("Objectives")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Objectives")
    assert officer.confirmations_expected == 0
    (asked,) = officer.dialogs
    assert asked.startswith(f"Your changes on this step could not be saved: {label}: How we apply it: ")
    assert "control characters" in asked and "Leave this page and lose them?" in asked
    assert _lessons(live_server, plan_id)[label] == "Written without ticking the box first."

    # The note to HQ: typed text makes leaving ask too.
    steps.get_by_role("link", name=re.compile("Check and submit")).click()
    assert not page.evaluate(WOULD_ASK_BEFORE_LEAVING)
    field(page, "Note to the reviewer").fill("Typed, not sent yet.")
    assert page.evaluate(WOULD_ASK_BEFORE_LEAVING)
