"""Journey 1 through the interface: an Iraq officer drafts a compact but complete plan and submits it.

The same steps run with JavaScript (rows added and removed in place) and without it (the add and
remove buttons post the form and the page comes back with the new row).
"""

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.ui import Person

OFFICER = "officer.iq@example.org"
TITLE = "Iraq country workplan 2026–2027"
SUMMARY = (
    "Strengthen the identification of victims in Iraq.\nخطة العراق 2026–2027\n\nWith the CCCTIP and civil society."
)
OUTPUT = "Investigators of the Ministry of Interior apply the SOP on victim identification."
ACTIVITY = "Train 60 investigators on the victim identification SOP, with refresher sessions."
STEP_COUNT = 12
# A year typed with one digit too many: the server refuses it and must keep everything else.
BAD_YEAR, GOOD_YEAR = "20227", "2027"
YEAR_ERROR = "Enter a year between 2000 and 2100."
# Names that change from one render to the next and are not what the user typed.
VOLATILE_FIELDS = {"csrf_token", "lock_version", "action"}

FORM_VALUES = """form => {
  const values = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === "checkbox" || el.type === "radio") {
      values[el.name + "=" + el.value] = el.checked;
    } else if (el.tagName !== "BUTTON") {
      values[el.name] = el.value;
    }
  }
  return values;
}"""


def field(scope: Page | Locator, label: str) -> Locator:
    """The text field or list whose label starts with these words (labels of needed fields end in "(needed)").

    Checkboxes are left out: the "sensitive" checkbox of a text repeats the text's label.
    """
    fields = scope.locator("textarea, select, input:not([type=checkbox]):not([type=hidden])")
    return scope.get_by_label(re.compile(r"^\s*" + re.escape(label))).and_(fields)


def step_heading(page: Page, number: int, title: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Step {number} of {STEP_COUNT}: {title}")


def form_values(page: Page) -> dict:
    """Every value of the step form as the user sees it, without tokens, versions and row ids.

    A row added in the page gets its id when it is first saved, not when it is added.
    """
    values = page.locator("#step-form").evaluate(FORM_VALUES)
    return {name: value for name, value in values.items() if name not in VOLATILE_FIELDS and not name.endswith("-id")}


class Drafting:
    """The officer's hands on the step editor; javascript=False uses the server-side row buttons."""

    def __init__(self, officer: Person):
        self.officer = officer
        self.page = officer.page
        self.javascript = officer.javascript

    # Moving around ------------------------------------------------------------------------------
    def save_and_continue(self, number: int, title: str) -> None:
        self.page.get_by_role("button", name="Save and continue").click()
        step_heading(self.page, number, title)

    def save(self) -> None:
        self.page.get_by_role("button", name="Save", exact=True).click()
        expect(self.page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()

    # Rows ------------------------------------------------------------------------------------------
    def add_row(self, scope: Page | Locator, button: str, row_id: str) -> Locator:
        """Press an "Add …" button and return the new row.

        With JavaScript the form is swapped in place (same address) and the focus lands in the new
        row's first field; without it the server answers with the page scrolled to the new row.
        """
        before = self.page.url
        scope.get_by_role("button", name=button).last.click()
        row = self.page.locator(f"#{row_id}")
        expect(row).to_be_visible()
        if self.javascript:
            expect(row.locator("textarea, input:not([type=hidden]), select").first).to_be_focused()
            assert self.page.url == before
        else:
            expect(self.page).to_have_url(re.compile(rf"[?&]added={row_id}#{row_id}$"))
        return row

    def remove_row(self, row: Locator, what: str, confirm: bool) -> None:
        """Press "Remove this …"; with JavaScript, a row holding text asks first and is removed in place."""
        asked = len(self.officer.dialogs)
        if self.javascript and confirm:
            self.officer.confirmations_expected = 1
        row_id = row.get_attribute("id")
        row.get_by_role("button", name=f"Remove this {what}").first.click()
        expect(self.page.locator(f"#{row_id}")).to_have_count(0)
        if self.javascript:
            assert self.officer.confirmations_expected == 0
            assert self.officer.dialogs[asked:] == (["Remove this row and what is written in it?"] if confirm else [])

    # The steps -------------------------------------------------------------------------------------
    def start_plan(self) -> int:
        page = self.page
        page.get_by_role("link", name="Workplans", exact=True).click()
        self.officer.checkpoint("list (empty)")
        page.get_by_role("link", name="Start a new workplan").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Start a new workplan")
        expect(field(page, "Country")).to_have_value(re.compile(r"\d+"))
        field(page, "Title").fill(TITLE)
        field(page, "First year").fill("2026")
        field(page, "Last year").fill("2027")
        field(page, "Start from").select_option(label="A blank plan")
        self.officer.checkpoint("new plan")
        page.get_by_role("button", name="Start the plan").click()
        step_heading(page, 1, "Basics")
        return int(re.search(r"/workplans/(\d+)/", page.url)[1])

    def basics(self) -> None:
        page = self.page
        expect(field(page, "Title")).to_have_value(TITLE)
        field(page, "Summary").fill(SUMMARY)
        self.officer.checkpoint("step basics")
        self.save_and_continue(2, "Context and needs")

    def context(self) -> None:
        page = self.page
        field(page, "Trafficking and smuggling situation").fill(
            "Forced labour and sexual exploitation; women and children most affected."
        )
        field(page, "Legal and policy framework").fill("Law No. 28 of 2012 on combating trafficking in persons.")
        field(page, "Gaps and needs assessment findings").fill(
            "2025 assessment (CCCTIP): no SOP for victim identification."
        )
        field(page, "Priorities").fill("Identification and referral of victims first.")
        self.officer.checkpoint("step context")
        self.save_and_continue(3, "Lessons")

    def lessons(self) -> None:
        page = self.page
        for label, how in (
            ("Gaps and needs assessments", "The 2025 assessment sets the priorities of this plan."),
            (
                "Strong partnerships and civil society engagement",
                "Shelters run by civil society take part in every training.",
            ),
        ):
            card = page.locator(".lesson-card").filter(has=page.get_by_label(label, exact=True))
            card.get_by_label(label, exact=True).check()
            field(card, "How we apply it").fill(how)
        self.officer.checkpoint("step lessons")
        self.save_and_continue(4, "Objectives")

    def objectives(self) -> None:
        page = self.page
        choice = page.get_by_label(re.compile(r"^\s*Objective 1: "))
        choice.check()
        group = page.locator(".repeat-group").filter(has=choice)
        field(group, "Rank").fill("1")
        field(group, "Why this objective").fill("Without an SOP, victims are not identified (see the context).")
        self.officer.checkpoint("step objectives")
        self.save_and_continue(5, "Results")

    def results(self) -> None:
        """Outcome, outputs (one added and removed again), an indicator; a year typo is refused and fixed."""
        page = self.page
        objective = page.locator("#objectives-0")
        field(objective, "Outcome").fill("Victims of trafficking are identified and referred by trained investigators.")
        output = self.add_row(objective, "Add an output", "objectives-0-outputs-0")
        field(output, "Output").fill(OUTPUT)
        spare = self.add_row(objective, "Add an output", "objectives-0-outputs-1")
        field(spare, "Output").fill("A second output, dropped again.")
        self.remove_row(spare, "output", confirm=True)
        output = page.locator("#objectives-0-outputs-0")
        expect(field(output, "Output")).to_have_value(OUTPUT)
        output.get_by_label("Gaps and needs assessments", exact=True).check()
        indicator = self.add_row(output, "Add an indicator", "objectives-0-outputs-0-indicators-0")
        for label, value in (
            ("Indicator", "Number of investigators applying the SOP"),
            ("Baseline value", "0"),
            ("Baseline year", "2025"),
            ("Target value", "60"),
            ("Target year", BAD_YEAR),
            ("Source of verification", "Training records and case files\nسجلات التدريب، وزارة الداخلية"),
            ("Assumptions", "Trained staff stay in post."),
        ):
            field(indicator, label).fill(value)
        self.officer.checkpoint("step results (rows added)")
        self._refused_year_keeps_everything()
        self.save_and_continue(6, "Activities")

    def _refused_year_keeps_everything(self) -> None:
        page = self.page
        typed = form_values(page)
        page.get_by_role("button", name="Save", exact=True).click()
        summary = page.locator("[data-error-summary]")
        expect(summary).to_be_visible()
        expect(summary).to_have_attribute("role", "alert")
        expect(summary).to_contain_text(f"Target year: {YEAR_ERROR}")
        if self.javascript:
            # Focus moves to the summary, so a screen reader reads it out first.
            expect(summary).to_be_focused()
        target_year = field(page.locator("#objectives-0-outputs-0-indicators-0"), "Target year")
        expect(target_year).to_have_attribute("aria-invalid", "true")
        error_id = target_year.get_attribute("id") + "-error"
        expect(page.locator(f"#{error_id}")).to_have_text(YEAR_ERROR)
        assert error_id in target_year.get_attribute("aria-describedby").split()
        self.officer.checkpoint("step results (year refused)")
        assert form_values(page) == typed, "a refused save changed what the user had typed"
        # The summary's link takes the user to the field.
        summary.get_by_role("link", name=re.compile("Target year")).click()
        expect(target_year).to_be_focused()
        target_year.fill(GOOD_YEAR)
        self.save()
        assert form_values(page) == {**typed, target_year.get_attribute("name"): GOOD_YEAR}

    def activities(self) -> None:
        page = self.page
        section = page.locator("#outputs-0")
        expect(section.get_by_role("heading", level=2)).to_have_text("Output 1.1")
        activity = self.add_row(section, "Add an activity", "outputs-0-activities-0")
        field(activity, "Activity").fill(ACTIVITY)
        field(activity, "Lead agency").select_option("UNODC")
        field(activity, "Location").fill("Baghdad and Erbil")
        field(activity, "Budget (EUR)").fill("48000")
        activity.get_by_label("Ministry of Interior (Iraq)").check()
        activity.get_by_label("Iraqi women's rights and shelter organisations").check()
        for quarter in ("2026 Q2", "2026 Q3", "2027 Q1"):
            activity.get_by_label(quarter, exact=True).check()
        activity.get_by_label("Gender-sensitive").check()
        activity.get_by_label(re.compile(r"^\s*Capacity building")).check()
        field(activity, "Follow-up after capacity building").fill(
            "A moderated group of trainees; the Ministry commits for two years."
        )
        activity.get_by_label("Strong partnerships and civil society engagement", exact=True).check()
        spare = self.add_row(section, "Add an activity", "outputs-0-activities-1")
        self.remove_row(spare, "activity", confirm=False)
        expect(field(page.locator("#outputs-0-activities-0"), "Activity")).to_have_value(ACTIVITY)
        self.officer.checkpoint("step activities (quarter grid)")
        self.save_and_continue(7, "Risks")

    def risks(self) -> None:
        page = self.page
        risk = self.add_row(page, "Add a risk", "risks-0")
        field(risk, "Risk").fill("Trained investigators are rotated to other posts.")
        field(risk, "Likelihood").select_option(label="Medium")
        field(risk, "Impact").select_option(label="High")
        field(risk, "Owner").fill("UNODC Baghdad")
        field(risk, "Mitigation").fill("Train the Ministry's trainers, who stay.")
        self.officer.checkpoint("step risks")
        self.save_and_continue(8, "Partnerships and coordination")

    def narratives(self) -> None:
        page = self.page
        field(page, "Partnerships and coordination").fill(
            "A steering group with CCCTIP, IOM and shelters meets quarterly."
        )
        field(page, "Ownership and local buy-in").fill("The Ministry of Interior chairs the steering group.")
        self.officer.checkpoint("step partnerships")
        self.save_and_continue(9, "Monitoring, evaluation and learning")
        field(page, "Monitoring, evaluation and learning").fill("Quarterly review of the indicators with CCCTIP.")
        field(page, "Reporting calendar").fill("Semi-annual reports to HQ and the EU.")
        self.officer.checkpoint("step mel")
        self.save_and_continue(10, "Sustainability and exit")
        field(page, "Sustainability and exit strategy").fill("The police academy takes the course into its curriculum.")
        field(page.locator(".repeat-group").filter(has_text=OUTPUT), "Who carries it on").fill(
            "Police academy, Baghdad"
        )
        self.officer.checkpoint("step sustainability")
        self.save_and_continue(11, "National theory of change")

    def theory(self) -> None:
        page = self.page
        # Suggested from the results: the outputs and the indicator's assumption.
        expect(field(page, "IF …")).to_have_value(re.compile(re.escape(OUTPUT)))
        expect(field(page, "AND IF …")).to_have_value(re.compile("Trained staff stay in post"))
        field(page, "BECAUSE …").fill("Identification is the first gap the 2025 assessment found.")
        self.officer.checkpoint("step theory")
        self.save_and_continue(12, "Check and submit")

    def check_and_submit(self) -> None:
        page = self.page
        expect(page.locator(".readiness-summary")).to_have_class(re.compile("readiness-summary--green"))
        expect(page.locator(".readiness-summary")).to_contain_text("Every check passes")
        self.officer.checkpoint("check (green)")
        field(page, "Note to the reviewer").fill("First plan for Iraq; comments welcome.")
        page.get_by_role("button", name="Submit to HQ").click()
        expect(page.get_by_role("status").filter(has_text="Submitted to HQ as revision 1")).to_be_visible()
        expect(page.locator(".plan-meta .badge")).to_have_text("Under review")
        self.officer.checkpoint("overview (submitted)")

    def whole_plan(self) -> int:
        plan_id = self.start_plan()
        self.basics()
        self.context()
        self.lessons()
        self.objectives()
        self.results()
        self.activities()
        self.risks()
        self.narratives()
        self.theory()
        self.check_and_submit()
        return plan_id
