"""Keyboard alone: sign in, open a step, fill it and save, add a row and fill it, with a visible focus."""

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from app.catalogue.models import Country
from app.extensions import db
from app.workplans.models import Level, Workplan
from tests import factories
from tests.browser.drafting import OFFICER, field, step_heading
from tests.browser.ui import Journey

MAX_TABS = 80
IS_FOCUSED = "el => el === document.activeElement"
# What the user sees around the focused element: an outline, or a box shadow standing in for it.
FOCUS_INDICATOR = """el => {
  const style = getComputedStyle(el);
  return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== "none";
}"""


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until the target has the focus, and check the focus can be seen."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate(IS_FOCUSED):
            assert target.evaluate(FOCUS_INDICATOR), "the focused element shows no focus indicator"
            return
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached {target}")


def _iraq_plan() -> int:
    plan = factories.make_workplan("IQ", title="Iraq keyboard plan")
    assert plan.country == db.session.scalar(select(Country).where(Country.code == "IQ"))
    return plan.id


def test_the_drafting_flow_works_by_keyboard_alone(person, live_server):
    plan_id = live_server.run(_iraq_plan)
    officer = person(None, Journey("keyboard-only"))
    page = officer.page

    officer.goto("/login")
    tab_to(page, page.get_by_label("E-mail"))
    page.keyboard.type(OFFICER)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(factories.PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Workplans")

    # The first Tab reaches the skip link, which takes the focus past the header.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    tab_to(page, page.get_by_role("link", name="Iraq keyboard plan"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Edit the plan"))
    page.keyboard.press("Enter")
    step_heading(page, 1, "Basics")
    tab_to(page, page.get_by_role("link", name="2. Context and needs"))
    page.keyboard.press("Enter")
    step_heading(page, 2, "Context and needs")

    typed = {
        "Trafficking and smuggling situation": "Typed with the keyboard only.",
        "Legal and policy framework": "Law No. 28 of 2012.",
        "Gaps and needs assessment findings": "No SOP for identification.",
        "Priorities": "Identification first.",
    }
    for label, text in typed.items():
        tab_to(page, field(page, label))
        page.keyboard.type(text)
    officer.checkpoint("context typed")
    tab_to(page, page.get_by_role("button", name="Save", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    for label, text in typed.items():
        expect(field(page, label)).to_have_value(text)

    # A row added with the Space bar: the focus goes into its first field.
    tab_to(page, page.get_by_role("navigation", name="Steps of the workplan").get_by_role("link", name="7. Risks"))
    page.keyboard.press("Enter")
    step_heading(page, 7, "Risks")
    tab_to(page, page.get_by_role("button", name="Add a risk"))
    page.keyboard.press("Space")
    risk = page.locator("#risks-0")
    expect(field(risk, "Risk")).to_be_focused()
    page.keyboard.type("Counterparts change after elections.")
    page.keyboard.press("Tab")
    expect(field(risk, "Likelihood")).to_be_focused()
    page.keyboard.press("m")
    page.keyboard.press("Tab")
    expect(field(risk, "Impact")).to_be_focused()
    page.keyboard.press("h")
    tab_to(page, field(risk, "Owner"))
    page.keyboard.type("UNODC Baghdad")
    tab_to(page, field(risk, "Mitigation"))
    page.keyboard.type("Brief the new counterparts early.")
    officer.checkpoint("risk added by keyboard")
    tab_to(page, page.get_by_role("button", name="Save and continue"))
    page.keyboard.press("Enter")
    step_heading(page, 8, "Partnerships and coordination")

    def saved():
        plan = db.session.get(Workplan, plan_id)
        risk = plan.risks[0]
        return plan.priorities, len(plan.risks), risk.likelihood, risk.impact, risk.owner

    assert live_server.run(saved) == ("Identification first.", 1, Level.MEDIUM, Level.HIGH, "UNODC Baghdad")
