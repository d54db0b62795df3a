"""The sections of a country workplan: the one source of their order, fields, labels and steps.

Every consumer derives from here: the step forms and the step registry, the readiness check,
snapshots and copies, the comparison of revisions, comment anchors, the plan overview and the
printed plan. The order is the section order of the printed plan (domain.md). Shared module:
plain data, it imports no feature.
"""

from dataclasses import dataclass

TEXT, LINE, YEAR, CHOICE, MONEY, FLAG, MANY = "text", "line", "year", "choice", "money", "flag", "many"


@dataclass(frozen=True)
class Field:
    """One thing an officer fills in, named as the model attribute that stores it."""

    name: str
    label: str
    hint: str = ""
    kind: str = TEXT
    # Whether readiness and "Save and continue" ask for it.
    needed: bool = True
    max_length: int | None = None
    # The section's main text: printed straight under the section heading, without a heading of its own.
    lead: bool = False
    # Where a snapshot keeps the value when not under `name` (e.g. the three markers under "markers").
    snapshot_key: str | None = None
    # A shorter label for tight places (table columns, marker lists).
    short: str | None = None

    @property
    def key(self) -> str:
        """The field's key in a snapshot."""
        return self.snapshot_key or self.name

    @property
    def short_label(self) -> str:
        return self.short or self.label


@dataclass(frozen=True)
class ItemKind:
    """A repeated item of a plan (an output, a risk …): what it is called and which model stores it."""

    key: str
    label: str
    model: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Section:
    """A section of the plan, in print order: its title, its texts, its items and the step that edits it."""

    key: str
    title: str
    step: str | None
    # Texts stored on the plan itself.
    fields: tuple[Field, ...] = ()
    # Item kinds shown in this section, with the fields of theirs that belong here.
    items: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Numbered in the printed plan and its contents (the cover is not).
    numbered: bool = True
    # Whether a comment can be attached to the section as a whole.
    commentable: bool = True


@dataclass(frozen=True)
class StepPage:
    """A page of the guided editor: its title, what it asks for, and the sections it edits."""

    key: str
    title: str
    intro: str
    sections: tuple[str, ...] = ()


ITEM_KINDS: dict[str, ItemKind] = {
    kind.key: kind
    for kind in (
        ItemKind(
            "objective",
            "Objective",
            "WorkplanObjective",
            (
                Field("objective_id", "Include this objective", kind=FLAG, snapshot_key="code"),
                Field("priority", "Rank", "1 is the highest priority.", kind=CHOICE),
                Field(
                    "rationale", "Why this objective", "What need from the context step it answers.", max_length=4000
                ),
                Field("outcome", "Outcome", "The change expected by the end of the period.", max_length=4000),
            ),
        ),
        ItemKind(
            "output",
            "Output",
            "Output",
            (
                Field("statement", "Output", "A deliverable the project is accountable for.", max_length=2000),
                Field("lessons", "Lessons this output applies", kind=MANY, needed=False),
                Field(
                    "carried_on_by",
                    "Who carries it on",
                    "The institution that continues this after GLO.ACT, and how.",
                    max_length=2000,
                ),
            ),
        ),
        ItemKind(
            "indicator",
            "Indicator",
            "Indicator",
            (
                Field(
                    "description",
                    "Indicator",
                    "What is counted or observed, e.g. number of prosecutors trained.",
                    max_length=2000,
                ),
                Field("baseline_value", "Baseline value", kind=LINE),
                Field("baseline_year", "Baseline year", kind=YEAR),
                Field("target_value", "Target value", kind=LINE),
                Field("target_year", "Target year", kind=YEAR),
                Field(
                    "source_of_verification",
                    "Source of verification",
                    "Where the evidence comes from.",
                    max_length=2000,
                ),
                Field(
                    "assumptions",
                    "Assumptions",
                    "What must hold for the target to be reached.",
                    needed=False,
                    max_length=2000,
                ),
            ),
        ),
        ItemKind(
            "activity",
            "Activity",
            "Activity",
            (
                Field("description", "Activity", max_length=4000),
                Field("lead_agency", "Lead agency", kind=CHOICE, short="Lead"),
                Field("partners", "National and other partners", kind=MANY),
                Field("location", "Location", kind=LINE),
                Field("quarters", "Quarters", kind=MANY),
                Field("budget_eur", "Budget (EUR)", kind=MONEY),
                Field("is_gender_sensitive", "Gender-sensitive", kind=FLAG, snapshot_key="markers", short="Gender"),
                Field(
                    "is_human_rights_based",
                    "Human rights-based",
                    kind=FLAG,
                    snapshot_key="markers",
                    short="Human rights",
                ),
                Field(
                    "is_child_sensitive",
                    "Child- and age-sensitive",
                    kind=FLAG,
                    snapshot_key="markers",
                    short="Children",
                ),
                Field(
                    "is_capacity_building",
                    "Capacity building (training, mentoring, study visits)",
                    kind=FLAG,
                    snapshot_key="capacity_building",
                    short="Capacity building",
                ),
                Field(
                    "follow_up",
                    "Follow-up after capacity building",
                    "How participants stay connected (e.g. a moderated group, refreshers) and how counterparts "
                    "commit for at least two years.",
                    needed=False,
                    max_length=2000,
                ),
                Field("lessons", "Lessons this activity applies", kind=MANY, needed=False),
            ),
        ),
        ItemKind(
            "risk",
            "Risk",
            "Risk",
            (
                Field("description", "Risk", max_length=2000),
                Field("likelihood", "Likelihood", kind=CHOICE),
                Field("impact", "Impact", kind=CHOICE),
                Field("mitigation", "Mitigation", max_length=2000),
                Field("owner", "Owner", "Who watches this risk and acts on it.", kind=LINE),
            ),
        ),
        ItemKind(
            "lesson",
            "Lesson",
            "Lesson",
            (
                Field("recommendation_id", "Apply this lesson", kind=FLAG, snapshot_key="code"),
                Field(
                    "how_applied",
                    "How we apply it",
                    "One or two sentences: what the plan does differently because of this lesson.",
                    max_length=2000,
                ),
            ),
        ),
    )
}
# Names shared by several fields in a snapshot, as a comparison of revisions labels them.
SNAPSHOT_GROUPS = {"markers": "Markers"}
# An activity's markers: their keys in a snapshot's "markers" (and in seeds/demo.yaml) and their fields.
MARKERS = (
    ("gender", "is_gender_sensitive"),
    ("human_rights", "is_human_rights_based"),
    ("children", "is_child_sensitive"),
)

SECTIONS: tuple[Section, ...] = (
    Section(
        "cover",
        "Title and period",
        "basics",
        (
            Field("title", "Title", kind=LINE),
            Field("country_id", "Country", "Only the countries you serve are listed.", kind=CHOICE),
            Field("period_start", "First year", kind=YEAR),
            Field("period_end", "Last year", kind=YEAR),
        ),
        numbered=False,
        commentable=False,
    ),
    Section(
        "summary",
        "Summary",
        "basics",
        (
            Field(
                "summary",
                "Summary",
                "About ten lines: what the plan wants to change, for whom, with whom, and how it builds on what exists.",
                lead=True,
            ),
        ),
    ),
    Section(
        "context",
        "Context and needs",
        "context",
        (
            Field(
                "context_situation",
                "Trafficking and smuggling situation",
                "Main forms of trafficking in persons and smuggling of migrants, routes, who is affected.",
            ),
            Field(
                "context_legal",
                "Legal and policy framework",
                "National laws, strategies and action plans; ratification of the UNTOC protocols; gaps against them.",
            ),
            Field(
                "context_gaps",
                "Gaps and needs assessment findings",
                "What the gaps-and-needs assessment found; name its source and date.",
            ),
            Field("priorities", "Priorities", "The few things this plan must achieve first, and why."),
        ),
    ),
    Section(
        "theory",
        "National theory of change",
        "theory",
        (
            Field("toc_if", "IF …", "The outputs the plan delivers.", max_length=4000),
            Field("toc_and_if", "AND IF …", "The conditions and assumptions that must hold.", max_length=4000),
            Field("toc_then", "THEN …", "The outcomes that follow.", max_length=4000),
            Field("toc_because", "BECAUSE …", "Why you expect this: evidence and lessons.", max_length=4000),
        ),
    ),
    Section("lessons", "Lessons applied", "lessons", items=(("lesson", ("recommendation_id", "how_applied")),)),
    Section(
        "results",
        "Results framework",
        "results",
        items=(
            ("objective", ("objective_id", "priority", "rationale", "outcome")),
            ("output", ("statement", "lessons")),
            (
                "indicator",
                (
                    "description",
                    "baseline_value",
                    "baseline_year",
                    "target_value",
                    "target_year",
                    "source_of_verification",
                    "assumptions",
                ),
            ),
        ),
    ),
    Section(
        "activities",
        "Activity plan",
        "activities",
        items=(
            (
                "activity",
                (
                    "description",
                    "lead_agency",
                    "partners",
                    "location",
                    "quarters",
                    "budget_eur",
                    "is_gender_sensitive",
                    "is_human_rights_based",
                    "is_child_sensitive",
                    "is_capacity_building",
                    "follow_up",
                    "lessons",
                ),
            ),
        ),
    ),
    # Adds up the activities' budgets: nothing of its own to fill in.
    Section("budget", "Budget summary", "activities"),
    Section(
        "risks",
        "Risks and mitigation",
        "risks",
        items=(("risk", ("description", "likelihood", "impact", "mitigation", "owner")),),
    ),
    Section(
        "partnerships",
        "Partnerships and coordination",
        "partnerships",
        (
            Field(
                "partnerships",
                "Partnerships and coordination",
                "Who is engaged — national, regional and international partners and civil society — and how you "
                "coordinate.",
                lead=True,
            ),
            Field("ownership", "Ownership and local buy-in", "How national counterparts own the plan."),
        ),
    ),
    Section(
        "mel",
        "Monitoring, evaluation and learning",
        "mel",
        (
            Field(
                "mel",
                "Monitoring, evaluation and learning",
                "How progress is tracked against the indicators, and how feedback changes the plan.",
                lead=True,
            ),
            Field("reporting_calendar", "Reporting calendar", "Which reports, to whom, when."),
        ),
    ),
    Section(
        "sustainability",
        "Sustainability and exit",
        "sustainability",
        (Field("sustainability", "Sustainability and exit strategy", lead=True),),
        items=(("output", ("carried_on_by",)),),
    ),
    Section("endorsement", "Endorsement", None, commentable=False),
)
SECTIONS_BY_KEY: dict[str, Section] = {section.key: section for section in SECTIONS}

STEP_PAGES: tuple[StepPage, ...] = (
    StepPage(
        "basics",
        "Basics",
        "Name the plan, its country and its period, and summarise it in about ten lines.",
        ("cover", "summary"),
    ),
    StepPage(
        "context",
        SECTIONS_BY_KEY["context"].title,
        "Describe the situation the plan responds to, the legal frame, and what the gaps-and-needs assessment found.",
        ("context",),
    ),
    StepPage(
        "lessons",
        "Lessons",
        "Pick the Community of Practice lessons (Vienna, 2019) this plan applies, and say how.",
        ("lessons",),
    ),
    StepPage(
        "objectives",
        "Objectives",
        "Choose among the six GLO.ACT objectives, rank them (1 is the highest priority) and say why.",
        ("results",),
    ),
    StepPage(
        "results",
        "Results",
        "For each objective: the outcome, the outputs, and indicators with baseline, target and source.",
        ("results",),
    ),
    StepPage(
        "activities",
        "Activities",
        "For each output: the activities, who leads them, with whom, where, when and at what cost.",
        ("activities", "budget"),
    ),
    StepPage(
        "risks",
        "Risks",
        "What could stop the plan, how likely and how harmful it is, and what you do about it.",
        ("risks",),
    ),
    StepPage(
        "partnerships",
        SECTIONS_BY_KEY["partnerships"].title,
        "Who is engaged and how national counterparts own the plan.",
        ("partnerships",),
    ),
    StepPage("mel", SECTIONS_BY_KEY["mel"].title, "How you follow progress, learn and adapt.", ("mel",)),
    StepPage(
        "sustainability",
        SECTIONS_BY_KEY["sustainability"].title,
        "How the results last after the project, and who carries each output on.",
        ("sustainability",),
    ),
    StepPage(
        "theory",
        SECTIONS_BY_KEY["theory"].title,
        "IF … AND IF … THEN … BECAUSE …: pre-filled from your objectives and outcomes; edit it freely.",
        ("theory",),
    ),
    StepPage(
        "check",
        "Check and submit",
        "The readiness check lists what is missing. Red items block submission; each links to its step.",
    ),
)
STEP_KEYS: tuple[str, ...] = tuple(page.key for page in STEP_PAGES)
STEP_PAGES_BY_KEY: dict[str, StepPage] = {page.key: page for page in STEP_PAGES}

# Columns of the plan's models that hold no content an officer fills in: keys, order, bookkeeping.
# The registry test checks that every other column and relationship is a field of a section.
NOT_CONTENT: dict[str, frozenset[str]] = {
    "Workplan": frozenset(
        {
            "id",
            "status",
            "version",
            "lock_version",
            "lead_officer_id",
            "source_workplan_id",
            "created_at",
            "updated_at",
            "submitted_at",
            "approved_at",
            "approved_by_id",
            "approved_revision_number",
            # Marks on the plan's texts, set beside each text on its step.
            "sensitive_fields",
            "country",
            "lead_officer",
            "approved_by",
            "source_workplan",
            "objectives",
            "lessons",
            "risks",
        }
    ),
    "WorkplanObjective": frozenset({"id", "workplan_id", "workplan", "objective", "outputs"}),
    "Output": frozenset({"id", "workplan_objective_id", "position", "workplan_objective", "indicators", "activities"}),
    "Indicator": frozenset({"id", "output_id", "position", "output"}),
    "Activity": frozenset({"id", "output_id", "position", "output", "sensitive_fields"}),
    "Risk": frozenset({"id", "workplan_id", "position", "workplan"}),
    "Lesson": frozenset({"id", "workplan_id", "workplan", "recommendation", "outputs", "activities"}),
}


def item_name(kind: str, number: str) -> str:
    """An item as pages, comments and print name it: "Output 5.1", "Risk 2", "Lesson “…”"."""
    return f"{ITEM_KINDS[kind].label} {number}"


def item_label(kind: str, name: str) -> str:
    """An item field's label for tight places such as table columns."""
    return item_field(kind, name).short_label


def section(key: str) -> Section:
    """The section with this key; KeyError for an unknown one."""
    return SECTIONS_BY_KEY[key]


def plan_field(name: str) -> Field:
    """A field stored on the plan itself, by name."""
    return _PLAN_FIELDS[name]


def item_field(kind: str, name: str) -> Field:
    """A field of an item kind, by name."""
    return next(field for field in ITEM_KINDS[kind].fields if field.name == name)


def item_field_names(kind: str, *field_kinds: str) -> tuple[str, ...]:
    """The names of an item kind's fields, only those of the given field kinds when any are given."""
    return tuple(field.name for field in ITEM_KINDS[kind].fields if not field_kinds or field.kind in field_kinds)


def section_fields(key: str) -> tuple[str, ...]:
    """The names of the plan texts of one section."""
    return tuple(field.name for field in SECTIONS_BY_KEY[key].fields)


def item_fields(section_key: str, kind: str) -> tuple[Field, ...]:
    """The fields of an item kind that belong to one section."""
    names = dict(SECTIONS_BY_KEY[section_key].items)[kind]
    return tuple(item_field(kind, name) for name in names)


def step_fields(step_key: str) -> tuple[str, ...]:
    """The names of the plan texts a step edits."""
    return tuple(name for key in STEP_PAGES_BY_KEY[step_key].sections for name in section_fields(key))


def item_section(kind: str) -> str:
    """The section an item kind is listed in first (where comments about it belong)."""
    return next(section.key for section in SECTIONS if kind in dict(section.items))


def step_of_section(key: str) -> str | None:
    """The drafting step where a section is edited."""
    return SECTIONS_BY_KEY[key].step if key in SECTIONS_BY_KEY else None


def readiness_phrase(field: Field) -> str:
    """A field as a readiness item names it: "the legal and policy framework", "the theory of change: IF"."""
    label = field.label.removesuffix(" …")
    if label.isupper():
        owner = next(section for section in SECTIONS if field in section.fields)
        return f"the {owner.title[0].lower()}{owner.title[1:]}: {label}"
    return f"the {label[0].lower()}{label[1:]}"


_PLAN_FIELDS: dict[str, Field] = {field.name: field for section in SECTIONS for field in section.fields}
# The texts of the plan, in print order (summary, context … sustainability).
NARRATIVE_FIELDS: tuple[str, ...] = tuple(
    field.name for section in SECTIONS for field in section.fields if field.kind == TEXT
)
COMMENT_SECTIONS: dict[str, str] = {section.key: section.title for section in SECTIONS if section.commentable}
