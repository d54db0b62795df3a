"""Compare two revision snapshots, section by section: text diffs and item-level changes."""

import difflib
import re
from dataclasses import dataclass, field

from app.plan_sections import ITEM_KINDS, SECTIONS, SNAPSHOT_GROUPS, TEXT, Field, item_section, plan_field

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


def _text_changes(old: dict, new: dict, fields: list[Field]) -> list[TextChange]:
    changes = []
    for spec in fields:
        before, after = old.get(spec.name) or "", new.get(spec.name) or ""
        if before != after:
            changes.append(TextChange(spec.name, spec.label, before, after, word_diff(before, after)))
    return changes


def _field_changes(old: dict, new: dict, fields: dict[str, str]) -> list[FieldChange]:
    return [
        FieldChange(key, label, old.get(key), new.get(key))
        for key, label in fields.items()
        if old.get(key) != new.get(key)
    ]


def _compare_items(
    kind: str, old_items: list[dict], new_items: list[dict], key: str, fields: dict[str, str], label, whole: bool = True
) -> list[ItemChange]:
    """Match items by key and report the changed ones, and the added and removed ones when whole."""
    before = {item[key]: item for item in old_items}
    after = {item[key]: item for item in new_items}
    changes = []
    for item_key, item in after.items():
        if item_key not in before:
            if whole:
                changes.append(ItemChange(kind, label(item), "added", item.get("id")))
        else:
            fields_changed = _field_changes(before[item_key], item, fields)
            if fields_changed:
                changes.append(ItemChange(kind, label(item), "changed", item.get("id"), fields_changed))
    if whole:
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


def _cover(snapshot: dict) -> list[dict]:
    return [{"id": 0, "title": snapshot["title"], "period": f"{snapshot['period_start']}–{snapshot['period_end']}"}]


# How to find each kind of item in a snapshot: the items, the key that matches them across
# revisions, and how a change names them.
ITEMS_IN_SNAPSHOT = {
    "lesson": (lambda s: s["lessons"], "code", lambda lesson: _short(lesson["label"])),
    "objective": (lambda s: s["objectives"], "code", lambda o: f"{o['number']} ({o['title']})"),
    "output": (_outputs, "id", lambda o: f"{o['number']} {_short(o['statement'])}"),
    "indicator": (
        lambda s: [i for o in _outputs(s) for i in o["indicators"]],
        "id",
        lambda i: _short(i["description"]),
    ),
    "activity": (lambda s: [a for o in _outputs(s) for a in o["activities"]], "id", lambda a: _short(a["description"])),
    "risk": (lambda s: s["risks"], "id", lambda r: _short(r["description"])),
}


def _compared_fields(kind: str, names: tuple[str, ...], match_key: str) -> dict[str, str]:
    """The snapshot keys of an item's fields with their labels; fields kept under one key are compared as one."""
    fields = {}
    for spec in ITEM_KINDS[kind].fields:
        if spec.name in names and spec.key != match_key:
            fields.setdefault(spec.key, SNAPSHOT_GROUPS.get(spec.key, spec.label))
    return fields


def diff_snapshots(old: dict, new: dict) -> list[SectionDiff]:
    """Return every section of the plan that holds content, in print order, with what changed between two snapshots."""
    sections = []
    for section in SECTIONS:
        if not section.fields and not section.items:
            continue
        diff = SectionDiff(section.key, section.title)
        if section.key == "cover":
            diff.items += _compare_items(
                "plan",
                _cover(old),
                _cover(new),
                "id",
                {"title": plan_field("title").label, "period": "Period"},
                lambda item: "details",
            )
        texts = [spec for spec in section.fields if spec.kind == TEXT]
        diff.texts += _text_changes(old["narratives"], new["narratives"], texts)
        for kind, names in section.items:
            items, match_key, label = ITEMS_IN_SNAPSHOT[kind]
            diff.items += _compare_items(
                kind,
                items(old),
                items(new),
                match_key,
                _compared_fields(kind, names, match_key),
                label,
                whole=item_section(kind) == section.key,
            )
        sections.append(diff)
    return sections
