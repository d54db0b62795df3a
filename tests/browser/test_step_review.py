"""In the browser: times show in the reader's time zone, and answering a comment from a step keeps the typing."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.review.models import Comment
from app.workplans.models import Workplan
from tests.browser import plans
from tests.browser.ui import Journey


@pytest.mark.browser_context_args(timezone_id="Asia/Karachi")
def test_times_show_in_the_readers_time_zone(person, live_server):
    plan_id = live_server.run(plans.sent_back_plan)
    officer = person(plans.OFFICER, Journey("local-time"))
    officer.goto(f"/workplans/{plan_id}/")
    stamp = officer.page.locator(".plan-meta time").first
    expect(stamp).to_have_attribute("data-localised", "")
    utc = datetime.strptime(stamp.get_attribute("datetime"), "%Y-%m-%dT%H:%M:%SZ")
    karachi = utc + timedelta(hours=5)
    text = stamp.inner_text()
    assert f"{karachi:%H:%M}" in text and "UTC" not in text, text
    assert stamp.get_attribute("title").endswith("UTC")


def test_replying_from_a_step_saves_what_was_typed_first(person, live_server):
    plan_id = live_server.run(plans.sent_back_plan)
    officer = person(plans.OFFICER, Journey("reply-from-step"))
    page = officer.page
    officer.goto(f"/workplans/{plan_id}/steps/activities")
    beside = page.locator("#outputs-0-activities-0 .item-comments")
    expect(beside).to_contain_text(plans.COMMENT)
    page.locator("#outputs-0-activities-0-location").fill("Lahore, Karachi, Quetta and Peshawar")

    thread = page.locator("#step-comments article.comment").filter(has_text=plans.COMMENT)
    thread.get_by_label("Reply").fill("Budget raised for four cities.")
    thread.get_by_role("button", name="Reply").click()
    expect(page.get_by_role("status").filter(has_text="Reply added.")).to_be_visible()
    assert officer.path() == f"/workplans/{plan_id}/steps/activities"

    def read():
        plan = db.session.get(Workplan, plan_id)
        replies = list(db.session.scalars(select(Comment.body).where(Comment.parent_id.is_not(None))))
        return plan.activities[0].location, replies

    location, replies = live_server.run(read)
    assert location == "Lahore, Karachi, Quetta and Peshawar"
    assert replies == ["Budget raised for four cities."]


@pytest.mark.live_settings(AUTOSAVE_SECONDS=1)
@pytest.mark.browser_context_args(timezone_id="Asia/Karachi")
def test_the_autosave_line_shows_the_readers_time(person, live_server):
    plan_id = live_server.run(plans.demo_plan_id)
    officer = person(plans.OFFICER, Journey("autosave-local-time"))
    officer.goto(f"/workplans/{plan_id}/steps/context")
    officer.page.get_by_label(re.compile(r"^\s*Priorities")).first.fill("Identification of victims first.")
    status = officer.page.locator("[data-autosave-status]")
    expect(status).to_contain_text("Saved automatically at", timeout=10_000)
    karachi = datetime.now(UTC) + timedelta(hours=5)
    text = status.inner_text()
    assert "UTC" not in text, text
    assert f"{karachi:%H}:" in text or f"{karachi - timedelta(minutes=1):%H}:" in text, text
