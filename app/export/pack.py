"""The meeting pack: one PDF with a combined cover, its contents, a status page per country, then each plan.

The pack is one HTML document, so its pages are numbered through the whole pack and its contents
(and each plan's own contents) give the pages things start on in the pack.
"""

import re
from datetime import date

from app.audit import record_event
from app.auth.models import User
from app.export.document import READINESS_LABELS, STATUS_LABELS, build_plan_document, format_date, revision_labels
from app.export.profiles import get_profile
from app.export.rendering import render_documents
from app.export.services import ExportOptions, PdfFile, cached_pdf, gather_print_inputs
from app.export.templating import render_print_template
from app.review.queries import open_blocking_counts, plan_standings
from app.workplans.budget import plan_budget
from app.workplans.fields import choices
from app.workplans.models import Workplan, WorkplanStatus


class EmptyPack(ValueError):
    """None of the chosen plans exists or is visible to the user."""


def pack_value(workplan_id: int, revision: int | None = None) -> str:
    """A pack choice: "12" prints plan 12's current text, "12@2" its revision 2."""
    return f"{workplan_id}@{revision}" if revision else str(workplan_id)


def parse_pack_values(values: list[str]) -> list[tuple[int, int | None]]:
    """(plan id, revision or None) for each well-formed pack choice, in order, without repeats."""
    chosen = []
    for value in values or []:
        match = re.fullmatch(r"([0-9]{1,9})(?:@([0-9]{1,9}))?", str(value))
        if match:
            pair = (int(match[1]), int(match[2]) if match[2] else None)
            if pair not in chosen:
                chosen.append(pair)
    return chosen


def pack_choices(candidates: list[Workplan]):
    """Checkbox choices for the pack form, and the default selection.

    A plan approved and then reopened offers its approved revision beside its working text. Each
    country's newest plan is chosen to start with: its approved revision if it has one, else its newest text.
    """
    standings = plan_standings(candidates)
    labels, defaults, seen = [], [], set()
    for w in candidates:
        name = f"{w.country.name}: {w.title} ({w.period_label}"
        approved = w.approved_revision_number
        if approved:
            labels.append((pack_value(w.id, approved), f"{name}, approved revision {approved})"))
        if w.status != WorkplanStatus.APPROVED or not approved:
            labels.append((pack_value(w.id), f"{name}, {standings[w.id].split(' · ')[-1].lower()})"))
        if w.country_id not in seen:
            seen.add(w.country_id)
            defaults.append(pack_value(w.id, approved))
    return choices(labels), defaults


def _plan_summary(workplan: Workplan, inputs: dict, blocking: int) -> dict:
    snapshot, facts = inputs["snapshot"], inputs["facts"]
    return {
        "id": workplan.id,
        "title": snapshot["title"],
        "period": f"{snapshot['period_start']}–{snapshot['period_end']}",
        "status": STATUS_LABELS[facts["status"]],
        "revision": revision_labels(snapshot, facts)[0],
        "readiness": READINESS_LABELS[facts["readiness"]],
        "objectives": [f"{o['number']}. {o['title']}" for o in snapshot["objectives"]],
        "total_budget": str(plan_budget(snapshot).total.total),
        "blocking_open": blocking,
        "lead_officer": snapshot["lead_officer"],
        "last_change": format_date(facts["text_date"]),
    }


def pack_contents(workplans: list[Workplan], inputs: list[dict], profile_key: str) -> dict:
    """The cover and status pages of a pack as plain data: countries in order, each with its plans."""
    blocking = open_blocking_counts([workplan.id for workplan in workplans])
    countries: dict[str, dict] = {}
    for workplan, plan_inputs in zip(workplans, inputs, strict=True):
        country = countries.setdefault(workplan.country.code, {"name": workplan.country.name, "plans": []})
        country["plans"].append(_plan_summary(workplan, plan_inputs, blocking.get(workplan.id, 0)))
    today = date.today().isoformat()
    return {
        "date": format_date(today),
        "issued": today,
        "profile": get_profile(profile_key).label,
        "countries": list(countries.values()),
        "plan_count": len(workplans),
    }


def build_meeting_pack(
    workplans: list[Workplan], profile_key: str, annexes: bool, revisions: list[int | None] | None = None
) -> PdfFile:
    """Print several plans as one PDF: pack cover and contents, one status page per country, then each plan.

    `revisions` names, plan by plan, the revision to print (None: the current text). Raises
    EmptyPack when there is no plan to print, RevisionNotFound, RendererBusy or RenderFailed.
    Only reads: audit with record_pack.
    """
    if not workplans:
        raise EmptyPack("None of the chosen plans is available.")
    revisions = revisions or [None] * len(workplans)
    inputs = [
        gather_print_inputs(workplan, ExportOptions(get_profile(profile_key), revision, annexes))
        for workplan, revision in zip(workplans, revisions, strict=True)
    ]
    options = ExportOptions(get_profile(profile_key), None, annexes)
    contents = pack_contents(workplans, inputs, options.profile.key)

    def render() -> bytes:
        docs = [build_plan_document(plan_inputs) for plan_inputs in inputs]
        return render_documents([render_print_template("export/pack.html", pack=contents, docs=docs)])

    data, rendered = cached_pdf("pack", {"contents": contents, "plans": inputs}, render)
    filename = f"GLOACT-meeting-pack-{date.today():%Y-%m-%d}-{options.profile.key}.pdf"
    return PdfFile(filename, data, rendered)


def record_pack(
    actor: User, workplan_ids: list[int], profile_key: str, annexes: bool, pdf: PdfFile, ip_address: str | None = ""
) -> None:
    """Write the audit line of a meeting pack. Flushes, never commits."""
    record_event(
        "review.pack",
        actor=actor,
        ip_address=ip_address,
        profile=profile_key,
        annexes=annexes,
        workplan_ids=workplan_ids,
        cached=not pdf.rendered,
    )
