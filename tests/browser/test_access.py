"""Journey 5: an officer of another country cannot reach a plan by typing its addresses."""

from playwright.sync_api import expect

from tests.browser import plans
from tests.browser.ui import Journey

OTHER_OFFICER = "officer.af@example.org"


def _addresses(plan_id: int) -> dict[str, str]:
    base = f"/workplans/{plan_id}"
    return {
        "overview": f"{base}/",
        "a step": f"{base}/steps/activities",
        "the check step": f"{base}/steps/check",
        "comments": f"{base}/comments",
        "revisions": f"{base}/revisions/",
        "compare": f"{base}/compare",
        "PDF": f"{base}/export.pdf",
    }


def test_journey_5_an_officer_of_another_country_gets_not_found(person, live_server):
    plan_id = live_server.run(plans.submitted_plan)
    addresses = _addresses(plan_id)

    # The plan's own officer reaches every address (so the refusals below are about the person, not the URL).
    journey = Journey("5-other-country")
    own = person(plans.OFFICER, journey)
    for name, path in addresses.items():
        assert own.context.request.get(own.base_url + path, max_redirects=0).status in (200, 302), name

    other = person(OTHER_OFFICER, journey)
    page = other.page
    expect(page.get_by_role("link", name=plans.COMPACT_TITLE)).to_have_count(0)
    other.checkpoint("list without the plan")
    for name, path in addresses.items():
        other.goto(path, expected_status=404)
        expect(page.get_by_role("heading", level=1)).to_contain_text("not found", ignore_case=True)
        expect(page.get_by_text(plans.COMPACT_TITLE)).to_have_count(0)
        if name in ("overview", "PDF"):
            other.checkpoint(f"404 for {name}")
