"""Typing survives interruptions: a closed tab (autosave), an expired form, being signed out."""

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.workplans.models import Workplan
from tests.browser import plans
from tests.browser.drafting import field
from tests.browser.ui import Journey

AUTOSAVE_SECONDS = 1
SAVED_AUTOMATICALLY = re.compile(r"^Saved automatically at \d\d:\d\d UTC$")
LAST_SAVED = re.compile(r"^Last saved \d\d \w+ \d{4}, \d\d:\d\d UTC$")


def _priorities(live_server, plan_id) -> str:
    return live_server.run(lambda: db.session.get(Workplan, plan_id).priorities)


@pytest.mark.live_settings(AUTOSAVE_SECONDS=AUTOSAVE_SECONDS)
def test_autosave_restores_the_text_after_the_page_is_closed(person, live_server):
    plan_id = live_server.run(plans.demo_plan_id)
    officer = person(plans.OFFICER, Journey("autosave"))
    url = f"/workplans/{plan_id}/steps/context"

    def autosaves() -> int:
        return sum(1 for request in officer.requests if request.endswith("/steps/context/autosave"))

    officer.goto(url)
    status = officer.page.locator("[data-autosave-status]")
    expect(status).to_have_text(LAST_SAVED)
    # Nothing typed, nothing sent.
    officer.page.wait_for_timeout(2_000 * AUTOSAVE_SECONDS)
    assert autosaves() == 0

    text = "Typed, never saved by hand: identification of victims first,\nthen referral."
    field(officer.page, "Priorities").fill(text)
    expect(status).to_have_text(SAVED_AUTOMATICALLY, timeout=5_000 * AUTOSAVE_SECONDS)
    officer.checkpoint("saved automatically")
    # Saved once; no change since, so no more requests.
    officer.page.wait_for_timeout(2_000 * AUTOSAVE_SECONDS)
    assert autosaves() == 1
    assert _priorities(live_server, plan_id) == text
    officer.page.close()

    officer.page = officer.new_page()
    officer.goto(url)
    expect(field(officer.page, "Priorities")).to_have_value(text)
    expect(officer.page.locator("[data-autosave-status]")).to_have_text(LAST_SAVED)
    officer.checkpoint("reopened with the text")


# Tokens carry whole seconds: one waited out past the limit has surely expired, and the fresh one
# lives long enough for the checkpoint (a screenshot and axe, a second or two) and the next save.
@pytest.mark.live_settings(WTF_CSRF_TIME_LIMIT=3)
def test_an_expired_form_comes_back_with_the_text(person, live_server):
    plan_id = live_server.run(plans.demo_plan_id)
    officer = person(plans.OFFICER, Journey("expired-form"))
    officer.goto(f"/workplans/{plan_id}/steps/context")
    text = "Written during a long meeting."
    field(officer.page, "Priorities").fill(text)
    officer.page.wait_for_timeout(4_100)
    officer.page.get_by_role("button", name="Save", exact=True).click()
    expect(officer.page.get_by_role("alert")).to_contain_text("security check expired")
    expect(field(officer.page, "Priorities")).to_have_value(text)
    officer.checkpoint("expired form, text kept")
    # The page came back with a fresh token: saving again works.
    officer.page.get_by_role("button", name="Save", exact=True).click()
    expect(officer.page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    assert _priorities(live_server, plan_id) == text


def test_a_save_after_being_signed_out_keeps_the_text_through_sign_in(person, live_server):
    plan_id = live_server.run(plans.demo_plan_id)
    officer = person(plans.OFFICER, Journey("signed-out-save"))
    page = officer.page
    officer.goto(f"/workplans/{plan_id}/steps/context")
    text = "Typed before the session ran out."
    field(page, "Priorities").fill(text)
    officer.context.clear_cookies()

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("alert")).to_contain_text("signed out before your last change was saved")
    officer.checkpoint("sign in again")
    officer.fill_sign_in(plans.OFFICER)
    page.get_by_role("button", name="Show my unsaved text").click()
    expect(field(page, "Priorities")).to_have_value(text)
    expect(page.get_by_role("alert")).to_contain_text("It is not saved yet")
    officer.checkpoint("unsaved text shown")
    assert _priorities(live_server, plan_id) != text
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    assert _priorities(live_server, plan_id) == text
