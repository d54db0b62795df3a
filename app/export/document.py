"""The print model of a plan: everything the PDF templates show, prepared from plain print inputs.

The inputs (see services.gather_print_inputs) are JSON-ready data: the plan's snapshot after the
export profile is applied, facts the snapshot does not hold (status, approval, readiness), the
review log and the changes since the previous revision. The same inputs key the PDF cache.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from app.export.diagram import Diagram, PrintDiagram, build_diagram, print_layout
from app.export.profiles import PROFILES, WITHHELD, Profile
from app.export.text import short, text_language
from app.plan_sections import MARKERS, SECTIONS, item_field
from app.workplans.budget import BudgetSummary, activity_euros, plan_budget

PROGRAMME = "Global Action to Prevent and Address Trafficking in Persons and the Smuggling of Migrants"
IMPLEMENTING_AGENCIES = ("UNODC", "IOM", "UNICEF")
DONOR = "European Union"
STATUS_LABELS = {
    "draft": "DRAFT",
    "submitted": "UNDER REVIEW",
    "changes_requested": "CHANGES REQUESTED",
    "approved": "APPROVED",
}
STATUS_NOTES = {
    "draft": "A working draft: not reviewed, not approved. Do not quote it as the approved plan.",
    "submitted": "Submitted to HQ for review; not approved yet.",
    "changes_requested": "HQ has asked for changes; not approved yet.",
    "approved": "",
}
READINESS_LABELS = {
    "green": "Ready: every readiness check passes",
    "amber": "Ready to submit, with points to consider",
    "red": "Not ready: some readiness checks fail",
    None: "Passed the readiness check when it was submitted",
}
LEVELS = {"low": "Low", "medium": "Medium", "high": "High"}
# The markers of an activity, as a snapshot keeps them, with their short labels.
MARKER_LABELS = tuple((key, item_field("activity", name).short_label) for key, name in MARKERS)
# About half a landscape page of the activity column (some 55 characters a line, 45 lines a page).
LONG_ACTIVITY_CHARACTERS = 1200
# Portrait A4 text width (210 mm less two 18 mm margins), for the diagram's print scale.
PORTRAIT_WIDTH_MM = 174.0


def w3c_datetime(value: str | None) -> str:
    """An ISO timestamp as a W3C date-time in UTC ("2026-05-03T09:30:00Z", for PDF metadata); empty when missing."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def format_date(value: str | None) -> str:
    """An ISO date or timestamp as "3 May 2026"; empty when missing."""
    if not value:
        return ""
    day = date.fromisoformat(value[:10])
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Heading:
    """A numbered heading: where it is (anchor), what the contents and bookmarks call it."""

    key: str
    number: str
    title: str
    anchor: str
    level: int = 1

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}".strip()


@dataclass
class LessonRow:
    """A lesson applied: the recommendation, how it is applied and what it shapes."""

    code: str
    label: str
    how_applied: str
    shapes: list[str]


@dataclass
class IndicatorRow:
    """One logframe row."""

    description: str
    baseline: str
    target: str
    source: str
    assumptions: str


@dataclass
class OutputBlock:
    """An output of the results framework with its indicators and who carries it on."""

    number: str
    statement: str
    carried_on_by: str
    indicators: list[IndicatorRow]


@dataclass
class ObjectiveBlock:
    """An objective of the results framework."""

    heading: Heading
    priority: int
    rationale: str
    outcome: str
    outputs: list[OutputBlock]


@dataclass
class ActivityRow:
    """One line of the activity plan, its quarter grid already laid out."""

    number: str
    description: str
    follow_up: str
    lead_agency: str
    partners: str
    location: str
    quarters: list[tuple[bool, bool]]
    budget: int | None
    markers: str

    @property
    def is_long(self) -> bool:
        """Whether the row may take half a landscape page or more: such a row may break across pages."""
        return len(self.description) + len(self.follow_up) > LONG_ACTIVITY_CHARACTERS


@dataclass
class ActivityGroup:
    """The activities of one output, under its objective."""

    objective: str
    output: str
    rows: list[ActivityRow]
    starts_objective: bool


@dataclass
class PlanDocument:
    """Everything a printed plan shows, ready for the templates."""

    prefix: str
    reference: str
    profile: Profile
    title: str
    country_name: str
    country_code: str
    phase: str
    period: str
    revision: str
    running_revision: str
    status: str
    status_label: str
    status_note: str
    approval: str
    readiness: str
    prepared_by: str
    text_date: str
    created: str
    modified: str
    language: str
    headings: dict[str, Heading]
    contents: list[Heading]
    narratives: dict[str, str]
    diagram: Diagram
    diagram_print: PrintDiagram
    lesson_themes: list[tuple[str, list[LessonRow]]]
    objectives: list[ObjectiveBlock]
    years: list[int]
    activity_groups: list[ActivityGroup]
    activity_columns: int
    budget: BudgetSummary
    risks: list[dict]
    partners_engaged: list[str]
    sustainability: list[OutputBlock]
    signatories: list[str]
    review_log: list[dict] | None
    changes: dict | None
    withheld: str = WITHHELD
    programme: str = PROGRAMME
    agencies: tuple[str, ...] = IMPLEMENTING_AGENCIES
    donor: str = DONOR

    @property
    def is_approved(self) -> bool:
        return self.status == "approved"

    @property
    def show_watermark(self) -> bool:
        return not self.is_approved


def _numbered_outputs(snapshot: dict):
    for objective in snapshot["objectives"]:
        for index, output in enumerate(objective["outputs"], start=1):
            yield objective, f"{objective['number']}.{index}", output


def _activities(snapshot: dict):
    for objective, output_number, output in _numbered_outputs(snapshot):
        for index, activity in enumerate(output["activities"], start=1):
            yield objective, output_number, output, f"{output_number}.{index}", activity


def _own_text(snapshot: dict):
    """The text officers wrote: title, narratives, objectives, outputs and activities."""
    yield snapshot["title"]
    yield from snapshot["narratives"].values()
    for objective in snapshot["objectives"]:
        yield objective["rationale"]
        yield objective["outcome"]
    for _, _, output in _numbered_outputs(snapshot):
        yield output["statement"]
    for *_, activity in _activities(snapshot):
        yield activity["description"]


def _value_year(value, year) -> str:
    value = value or "—"
    return f"{value} ({year})" if year else value


def _objective_heading(prefix: str, objective: dict) -> Heading:
    return Heading(
        f"objective-{objective['number']}",
        "",
        f"Objective {objective['number']}: {objective['title']}",
        f"{prefix}-objective-{objective['number']}",
        2,
    )


def _headings(prefix: str, snapshot: dict, inputs: dict) -> tuple[dict, list[Heading]]:
    numbered = [section for section in SECTIONS if section.numbered]
    headings = {
        section.key: Heading(section.key, f"{number}.", section.title, f"{prefix}-{section.key}")
        for number, section in enumerate(numbered, start=1)
    }
    contents = []
    for section in numbered:
        contents.append(headings[section.key])
        if section.key == "results":
            contents += [_objective_heading(prefix, objective) for objective in snapshot["objectives"]]
    annexes = []
    if inputs["review_log"] is not None:
        annexes.append(("review-log", "Review log"))
    if inputs["changes"] is not None:
        annexes.append(("changes", "Changes since the previous revision"))
    for index, (key, title) in enumerate(annexes):
        headings[key] = Heading(key, f"Annex {chr(ord('A') + index)}.", title, f"{prefix}-{key}")
        contents.append(headings[key])
    return headings, contents


def _lesson_themes(snapshot: dict, theme_order: dict) -> list[tuple[str, list[LessonRow]]]:
    shapes: dict[str, list[str]] = {}
    for _, number, output in _numbered_outputs(snapshot):
        for code in output.get("lessons", []):
            shapes.setdefault(code, []).append(f"Output {number}: {short(output['statement'], 80)}")
    for _, _, _, number, activity in _activities(snapshot):
        for code in activity.get("lessons", []):
            shapes.setdefault(code, []).append(f"Activity {number}: {short(activity['description'], 80)}")
    themes: dict[str, list[LessonRow]] = {}
    for lesson in snapshot["lessons"]:
        themes.setdefault(lesson["theme"], []).append(
            LessonRow(lesson["code"], lesson["label"], lesson["how_applied"], shapes.get(lesson["code"], []))
        )
    return sorted(themes.items(), key=lambda item: (theme_order.get(item[0], 99), item[0]))


def _objectives(prefix: str, snapshot: dict) -> list[ObjectiveBlock]:
    blocks = []
    for objective in snapshot["objectives"]:
        outputs = [
            OutputBlock(
                f"{objective['number']}.{index}",
                output["statement"],
                output.get("carried_on_by") or "",
                [
                    IndicatorRow(
                        indicator["description"],
                        _value_year(indicator["baseline_value"], indicator["baseline_year"]),
                        _value_year(indicator["target_value"], indicator["target_year"]),
                        indicator["source_of_verification"] or "—",
                        indicator["assumptions"] or "—",
                    )
                    for indicator in output["indicators"]
                ],
            )
            for index, output in enumerate(objective["outputs"], start=1)
        ]
        blocks.append(
            ObjectiveBlock(
                _objective_heading(prefix, objective),
                objective["priority"],
                objective["rationale"],
                objective["outcome"],
                outputs,
            )
        )
    return blocks


def _activity_groups(snapshot: dict, years: list[int], profile: Profile) -> list[ActivityGroup]:
    keys = [(f"{year}-Q{quarter}", quarter == 1) for year in years for quarter in range(1, 5)]
    euros = activity_euros(snapshot)
    groups: list[ActivityGroup] = []
    for o, objective in enumerate(snapshot["objectives"]):
        for p, output in enumerate(objective["outputs"]):
            output_number = f"{objective['number']}.{p + 1}"
            rows = []
            for a, activity in enumerate(output["activities"]):
                scheduled = set(activity["quarters"])
                rows.append(
                    ActivityRow(
                        number=f"{output_number}.{a + 1}",
                        description=activity["description"],
                        follow_up=(activity.get("follow_up") or "") if activity.get("capacity_building") else "",
                        lead_agency=activity.get("lead_agency") or "—",
                        partners=", ".join(activity["partners"]) or "—",
                        location=activity.get("location") or "—",
                        quarters=[(key in scheduled, year_start) for key, year_start in keys],
                        budget=euros[(o, p, a)] if profile.shows_activity_budgets else None,
                        markers=", ".join(label for key, label in MARKER_LABELS if activity["markers"].get(key)) or "—",
                    )
                )
            groups.append(
                ActivityGroup(
                    f"Objective {objective['number']}: {objective['title']}",
                    f"Output {output_number}: {output['statement']}",
                    rows,
                    starts_objective=p == 0,
                )
            )
    return groups


def _review_log(threads: list[dict] | None) -> list[dict] | None:
    if threads is None:
        return None
    return [
        {
            **thread,
            "date_label": format_date(thread["date"]),
            "resolved_label": format_date(thread["resolved_at"]) or "—",
            "replies": [{**reply, "date_label": format_date(reply["date"])} for reply in thread["replies"]],
        }
        for thread in threads
    ]


def _status(facts: dict, profile: Profile) -> tuple[str, str]:
    status = facts["status"]
    if status != "approved":
        return status, ""
    parts = [f"Approved on {format_date(facts['approved_at'])}" if facts["approved_at"] else "Approved"]
    if facts["approved_by"] and profile.shows_people:
        parts.append(f"by {facts['approved_by']}")
    if facts["approved_revision"]:
        parts.append(f"(revision {facts['approved_revision']})")
    return status, " ".join(parts)


def revision_labels(snapshot: dict, facts: dict) -> tuple[str, str]:
    number, count = facts["revision"], facts["revision_count"]
    if facts["is_revision"]:
        when = f", submitted {format_date(facts['revision_date'])}" if facts["revision_date"] else ""
        return f"Revision {number} of {count}{when}", f"revision {number}"
    if number:
        if facts["status"] in ("submitted", "approved"):
            return f"Revision {number}", f"revision {number}"
        return f"Working text, after revision {number}", "working text"
    return "Working text, not yet submitted", "working text"


def build_plan_document(inputs: dict) -> PlanDocument:
    """Prepare everything the print templates show from the print inputs."""
    snapshot, facts = inputs["snapshot"], inputs["facts"]
    profile = PROFILES[inputs["profile"]]
    prefix = f"p{snapshot['id']}"
    years = list(range(snapshot["period_start"], snapshot["period_end"] + 1))
    headings, contents = _headings(prefix, snapshot, inputs)
    status, approval = _status(facts, profile)
    revision, running_revision = revision_labels(snapshot, facts)
    objectives = _objectives(prefix, snapshot)
    diagram = build_diagram(snapshot)
    partners = sorted({name for *_, activity in _activities(snapshot) for name in activity["partners"]})
    return PlanDocument(
        prefix=prefix,
        reference=f"{snapshot['country']['code']}-{snapshot['id']}",
        profile=profile,
        title=snapshot["title"],
        country_name=snapshot["country"]["name"],
        country_code=snapshot["country"]["code"],
        phase=facts["phase"],
        period=f"{snapshot['period_start']}–{snapshot['period_end']}",
        revision=revision,
        running_revision=running_revision,
        status=status,
        status_label=STATUS_LABELS[status],
        status_note=STATUS_NOTES[status],
        approval=approval,
        readiness=READINESS_LABELS[facts["readiness"]],
        prepared_by=snapshot["lead_officer"] or "The GLO.ACT country team",
        text_date=format_date(facts["text_date"]),
        created=w3c_datetime(facts.get("created_at")) or w3c_datetime(facts["text_date"]),
        modified=w3c_datetime(facts["text_date"]),
        language=text_language(_own_text(snapshot), snapshot["country"]["code"]),
        headings=headings,
        contents=contents,
        narratives=snapshot["narratives"],
        diagram=diagram,
        diagram_print=print_layout(diagram, PORTRAIT_WIDTH_MM / diagram.width),
        lesson_themes=_lesson_themes(snapshot, inputs["theme_order"]),
        objectives=objectives,
        years=years,
        activity_groups=_activity_groups(snapshot, years, profile),
        activity_columns=6 + len(years) * 4 + (1 if profile.shows_activity_budgets else 0),
        budget=plan_budget(snapshot),
        risks=[
            {**risk, "likelihood": LEVELS.get(risk["likelihood"], "—"), "impact": LEVELS.get(risk["impact"], "—")}
            for risk in snapshot["risks"]
        ],
        partners_engaged=partners,
        sustainability=[output for block in objectives for output in block.outputs],
        signatories=[
            f"For the Government of {snapshot['country']['name']}",
            *(f"For {a}" for a in IMPLEMENTING_AGENCIES),
        ],
        review_log=_review_log(inputs["review_log"]),
        changes=inputs["changes"],
    )
