"""The main pages at a laptop's and a phone's width, saved for people to look at (and checked like the rest)."""

import pytest

from tests.browser import plans
from tests.browser.ui import Journey


@pytest.mark.parametrize("width", [1280, 360])
def test_main_pages_look_right(person, live_server, width):
    reviewed = live_server.run(plans.resubmitted_plan)
    demo = live_server.run(plans.demo_plan_id)
    journey = Journey(f"look-{width}")

    visitor = person(None, journey, width=width)
    visitor.goto("/login")
    visitor.checkpoint("login", full_page=False)

    officer = person(plans.OFFICER, journey, width=width)
    page = officer.page
    pages = [
        ("list", "/workplans/", None),
        ("overview", f"/workplans/{demo}/", None),
        ("overview activity plan", f"/workplans/{demo}/", "#activities"),
        ("step basics", f"/workplans/{demo}/steps/basics", None),
        ("step results", f"/workplans/{demo}/steps/results", "#objectives-0-outputs-0"),
        ("step activities", f"/workplans/{demo}/steps/activities", "#outputs-0-activities-0"),
        ("step activities quarter grid", f"/workplans/{demo}/steps/activities", "#outputs-0-activities-0-quarters"),
        ("step risks", f"/workplans/{demo}/steps/risks", None),
        ("check", f"/workplans/{demo}/steps/check", None),
    ]
    for label, path, anchor in pages:
        officer.goto(path)
        # The steps are checked with axe in the journeys (1280 px) and in test_small_screens (360 px).
        officer.checkpoint(
            label,
            full_page=False,
            scroll_to=page.locator(anchor) if anchor else None,
            axe=not label.startswith("step") and anchor is None,
        )
        if width == 360:
            assert officer.horizontal_overflow() == 0, f"{label} scrolls sideways at 360 px"

    hq = person(plans.HQ, journey, width=width)
    for label, path in (
        ("queue", "/review/"),
        ("dashboard", "/review/dashboard"),
        ("compare", f"/workplans/{reviewed}/compare"),
        ("overview for HQ", f"/workplans/{reviewed}/"),
    ):
        hq.goto(path)
        hq.checkpoint(label, full_page=False)
        if width == 360:
            assert hq.horizontal_overflow() == 0, f"{label} scrolls sideways at 360 px"
