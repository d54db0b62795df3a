"""Compare two revision snapshots, section by section: text diffs and item-level changes."""

import difflib
import re
from dataclasses import dataclass, field

NARRATIVE_SECTIONS = (
    ("basics", "Summary", ("summary",)),
    ("context", "Context and needs", ("context_situation", "context_legal", "context_gaps", "priorities")),
    ("theory", "Theory of change", ("toc_if", "toc_and_if", "toc_then", "toc_because")),
    ("partnerships", "Partnerships and ownership", ("partnerships", "ownership")),
    ("mel", "Monitoring, evaluation and learning", ("mel", "reporting_calendar")),
    ("sustainability", "Sustainability and exit", ("sustainability",)),
)
FIELD_LABELS = {
    "summary": "Summary",
    "context_situation": "TIP/SOM situation",
    "context_legal": "Legal and policy framework",
    "context_gaps": "Gaps and needs findings",
    "priorities": "Priorities",
    "toc_if": "IF",
    "toc_and_if": "AND IF",
    "toc_then": "THEN",
    "toc_because": "BECAUSE",
    "partnerships": "Partnerships and coordination",
    "ownership": "Ownership and local buy-in",
    "mel": "Monitoring, evaluation and learning",
    "reporting_calendar": "Reporting calendar",
    "sustainability": "Sustainability and exit strategy",
    "title": "Title",
    "period": "Period",
    "rationale": "Rationale",
    "outcome": "Outcome",
    "priority": "Rank",
    "statement": "Statement",
    "carried_on_by": "Carried on by",
    "description": "Description",
    "baseline_value": "Baseline value",
    "baseline_year": "Baseline year",
    "target_value": "Target value",
    "target_year": "Target year",
    "source_of_verification": "Source of verification",
    "assumptions": "Assumptions",
    "lead_agency": "Lead agency",
    "partners": "Partners",
    "location": "Location",
    "quarters": "Quarters",
    "budget_eur": "Budget (EUR)",
    "markers": "Markers",
    "capacity_building": "Capacity building",
    "follow_up": "Follow-up",
    "lessons": "Lessons",
    "likelihood": "Likelihood",
    "impact": "Impact",
    "mitigation": "Mitigation",
    "owner": "Owner",
    "how_applied": "How it is applied",
}
# The order of the printed plan (domain.md).
SECTION_ORDER = [
    "basics",
    "context",
    "theory",
    "lessons",
    "objectives",
    "activities",
    "risks",
    "partnerships",
    "mel",
    "sustainability",
]
TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass
class Segment:
    """A piece of text that is unchanged ("equal"), added ("insert") or removed ("delete")."""

    kind: str
    text: str


@dataclass
class TextChange:
    """A narrative field whose text changed, as word-level segments."""

    field: str
    label: str
    old: str
    new: str
    segments: list[Segment]


@dataclass
class FieldChange:
    """One field of an item: its value before and after."""

    field: str
    label: str
    old: object
    new: object


@dataclass
class ItemChange:
    """An objective, output, indicator, activity, risk or lesson that was added, removed or changed."""

    kind: str
    label: str
    change: str
    item_id: int | None = None
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class SectionDiff:
    """What changed in one section of the plan."""

    key: str
    title: str
    texts: list[TextChange] = field(default_factory=list)
    items: list[ItemChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.texts or self.items)

    @property
    def lines(self) -> list[str]:
        """The changes in plain language, one line each (for print and notices)."""
        result = [f"{text.label}: text changed." for text in self.texts]
        for item in self.items:
            if item.change == "changed":
                names = ", ".join(f.label.lower() for f in item.fields)
                result.append(f"{item.kind.capitalize()} {item.label}: {names} changed.")
            else:
                result.append(f"{item.kind.capitalize()} {item.label} {item.change}.")
        return result


def word_diff(old: str, new: str) -> list[Segment]:
    """Split two texts into equal, inserted and deleted runs of words (white space kept)."""
    a, b = TOKEN.findall(old or ""), TOKEN.findall(new or "")
    segments = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(Segment("equal", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                segments.append(Segment("delete", "".join(a[i1:i2])))
            if j2 > j1:
                segments.append(Segment("insert", "".join(b[j1:j2])))
    return segments


def _text_changes(old: dict, new: dict, names) -> list[TextChange]:
    changes = []
    for name in names:
        before, after = old.get(name) or "", new.get(name) or ""
        if before != after:
            changes.append(TextChange(name, FIELD_LABELS[name], before, after, word_diff(before, after)))
    return changes


def _field_changes(old: dict, new: dict, names) -> list[FieldChange]:
    return [FieldChange(n, FIELD_LABELS.get(n, n), old.get(n), new.get(n)) for n in names if old.get(n) != new.get(n)]


def _compare_items(
    kind: str, old_items: list[dict], new_items: list[dict], key: str, fields, label
) -> list[ItemChange]:
    """Match items by key and report the added, removed and changed ones."""
    before = {item[key]: item for item in old_items}
    after = {item[key]: item for item in new_items}
    changes = []
    for item_key, item in after.items():
        if item_key not in before:
            changes.append(ItemChange(kind, label(item), "added", item.get("id")))
        else:
            fields_changed = _field_changes(before[item_key], item, fields)
            if fields_changed:
                changes.append(ItemChange(kind, label(item), "changed", item.get("id"), fields_changed))
    for item_key, item in before.items():
        if item_key not in after:
            changes.append(ItemChange(kind, label(item), "removed", item.get("id")))
    return changes


def _short(text: str, length: int = 50) -> str:
    text = " ".join((text or "").split())
    return f"“{text[:length]}…”" if len(text) > length else f"“{text}”"


def _outputs(snapshot: dict) -> list[dict]:
    return [
        {**output, "number": f"{objective['number']}.{index}"}
        for objective in snapshot["objectives"]
        for index, output in enumerate(objective["outputs"], start=1)
    ]


def diff_snapshots(old: dict, new: dict) -> list[SectionDiff]:
    """Return every section of the plan with what changed between two snapshots."""
    sections = []
    basics = SectionDiff("basics", "Basics")
    basics.items += _compare_items(
        "plan",
        [{"id": 0, "title": old["title"], "period": f"{old['period_start']}–{old['period_end']}"}],
        [{"id": 0, "title": new["title"], "period": f"{new['period_start']}–{new['period_end']}"}],
        "id",
        ("title", "period"),
        lambda item: "basics",
    )
    for key, title, names in NARRATIVE_SECTIONS:
        section = basics if key == "basics" else SectionDiff(key, title)
        section.texts += _text_changes(old["narratives"], new["narratives"], names)
        sections.append(section)

    sections.append(
        SectionDiff(
            "lessons",
            "Lessons applied",
            items=_compare_items(
                "lesson",
                old["lessons"],
                new["lessons"],
                "code",
                ("how_applied",),
                lambda lesson: _short(lesson["label"]),
            ),
        )
    )
    sections.append(
        SectionDiff(
            "objectives",
            "Objectives and results",
            items=(
                _compare_items(
                    "objective",
                    old["objectives"],
                    new["objectives"],
                    "code",
                    ("priority", "rationale", "outcome"),
                    lambda o: f"{o['number']} ({o['title']})",
                )
                + _compare_items(
                    "output",
                    _outputs(old),
                    _outputs(new),
                    "id",
                    ("statement", "lessons", "carried_on_by"),
                    lambda o: f"{o['number']} {_short(o['statement'])}",
                )
                + _compare_items(
                    "indicator",
                    [i for o in _outputs(old) for i in o["indicators"]],
                    [i for o in _outputs(new) for i in o["indicators"]],
                    "id",
                    (
                        "description",
                        "baseline_value",
                        "baseline_year",
                        "target_value",
                        "target_year",
                        "source_of_verification",
                        "assumptions",
                    ),
                    lambda i: _short(i["description"]),
                )
            ),
        )
    )
    sections.append(
        SectionDiff(
            "activities",
            "Activities",
            items=_compare_items(
                "activity",
                [a for o in _outputs(old) for a in o["activities"]],
                [a for o in _outputs(new) for a in o["activities"]],
                "id",
                (
                    "description",
                    "lead_agency",
                    "partners",
                    "location",
                    "quarters",
                    "budget_eur",
                    "markers",
                    "capacity_building",
                    "follow_up",
                    "lessons",
                ),
                lambda a: _short(a["description"]),
            ),
        )
    )
    sections.append(
        SectionDiff(
            "risks",
            "Risks",
            items=_compare_items(
                "risk",
                old["risks"],
                new["risks"],
                "id",
                ("description", "likelihood", "impact", "mitigation", "owner"),
                lambda r: _short(r["description"]),
            ),
        )
    )
    return sorted(sections, key=lambda section: SECTION_ORDER.index(section.key))
