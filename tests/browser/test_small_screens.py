"""Phones and slow links: every step fits 360 px; every asset comes from the app itself."""

from app.workplans.steps import STEPS
from tests.browser import plans
from tests.browser.drafting import step_heading
from tests.browser.ui import Journey

PHONE = 360


def test_every_step_fits_a_360_pixel_screen(person, live_server):
    """A plan with the demo plan's long texts, lists and quarter grids: no step scrolls sideways on a small phone."""
    plan_id = live_server.run(plans.build_compact_plan)
    officer = person(plans.OFFICER, Journey("small-screen-steps"), width=PHONE)
    for number, step in enumerate(STEPS, start=1):
        officer.goto(f"/workplans/{plan_id}/steps/{step.key}")
        step_heading(officer.page, number, step.title)
        assert officer.horizontal_overflow() == 0, f"step {step.key} scrolls sideways at {PHONE} px"
        officer.checkpoint(
            f"step {step.key} at {PHONE} px", full_page=step.key in ("basics", "results", "activities", "check")
        )


def test_every_asset_comes_from_the_app(person, live_server):
    """Stylesheet, script and icon are served by the app; the pages name no other host."""
    plan_id = live_server.run(plans.demo_plan_id)
    officer = person(plans.OFFICER, Journey("assets"))
    for path in ("/workplans/", f"/workplans/{plan_id}/", f"/workplans/{plan_id}/steps/activities"):
        headers = officer.goto(path).headers
        # The browser itself would refuse anything from elsewhere; saves pass CSRF under this referrer policy.
        assert "default-src 'self'" in headers["content-security-policy"]
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        external = officer.page.evaluate(
            """() => [...document.querySelectorAll("link[href], script[src], img[src], iframe[src], source[src]")]
                 .map(el => el.href || el.src).filter(url => new URL(url).origin !== location.origin)"""
        )
        assert external == [], (path, external)
    loaded = {url.removeprefix(officer.base_url) for url in officer.requests}
    assert {"/static/css/app.css", "/static/js/app.js", "/static/img/favicon.svg"} <= loaded
    assert officer.foreign_requests() == []
