"""How each step reads its form data from a plan and writes it back (plain data in, models out)."""

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import func, select

from app.catalogue.models import Partner, PartnerType
from app.catalogue.services import create_partner
from app.errors import RefusedChange
from app.extensions import db
from app.permissions import can_create_workplan_for
from app.plan_sections import FLAG, LINE, TEXT, item_field_names, section_fields
from app.workplans.context import StepContext
from app.workplans.fields import choices
from app.workplans.models import (
    Activity,
    ActivityQuarter,
    Indicator,
    LeadAgency,
    Lesson,
    Level,
    Output,
    Risk,
    Workplan,
    WorkplanObjective,
)

COMPLETE, PARTIAL, EMPTY = "complete", "partial", "empty"
THEORY_FIELDS = section_fields("theory")
INDICATOR_FIELDS = item_field_names("indicator")
ACTIVITY_TEXT_FIELDS = item_field_names("activity", TEXT, LINE)
ACTIVITY_FLAGS = item_field_names("activity", FLAG)
RISK_FIELDS = item_field_names("risk", TEXT, LINE)


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _filled(value) -> bool:
    return value is not None and str(value).strip() != ""


def _state(flags: list[bool]) -> str:
    return COMPLETE if flags and all(flags) else PARTIAL if any(flags) else EMPTY


def sync_rows(parent, attribute: str, entries: list[dict], factory: Callable, update: Callable) -> None:
    """Make parent.<attribute> match the entries: update rows by id, add new ones, drop the rest.

    Ids that do not belong to this parent are treated as new rows, never as other plans' rows.
    """
    existing = {row.id: row for row in getattr(parent, attribute)}
    kept = []
    for position, entry in enumerate(entries, start=1):
        row = existing.pop(_as_int(entry.get("id")), None) or factory()
        row.position = position
        update(row, entry)
        kept.append(row)
    setattr(parent, attribute, kept)


def no_choices(form, ctx: StepContext) -> None:
    """Steps without dynamic choices need no preparation."""


def quarter_keys(workplan: Workplan) -> list[str]:
    """Every quarter of the plan period, as "2026-Q1" keys."""
    return [f"{year}-Q{quarter}" for year in workplan.years for quarter in range(1, 5)]


# --- plain text steps -------------------------------------------------------------------------


def loader_for(names: tuple[str, ...]) -> Callable[[Workplan, StepContext], dict]:
    """A loader for a step of plain text fields."""

    def load(workplan: Workplan, ctx: StepContext) -> dict:
        return {name: getattr(workplan, name) for name in names}

    return load


def applier_for(names: tuple[str, ...]) -> Callable[[Workplan, dict, StepContext], None]:
    """A writer for a step of plain text fields."""

    def apply(workplan: Workplan, data: dict, ctx: StepContext) -> None:
        for name in names:
            setattr(workplan, name, data.get(name) or "")

    return apply


# --- basics -----------------------------------------------------------------------------------


def load_basics(workplan: Workplan, ctx: StepContext) -> dict:
    return {
        "country_id": workplan.country_id,
        "title": workplan.title,
        "period_start": workplan.period_start,
        "period_end": workplan.period_end,
        "summary": workplan.summary,
    }


def prepare_basics(form, ctx: StepContext) -> None:
    countries = ctx.user.countries
    form.country_id.choices = choices((country.id, country.name) for country in countries)


def apply_basics(workplan: Workplan, data: dict, ctx: StepContext) -> None:
    if can_create_workplan_for(ctx.user, data["country_id"]):
        workplan.country_id = data["country_id"]
    workplan.title = (data.get("title") or "").strip() or workplan.title
    if data.get("period_start") and data.get("period_end"):
        workplan.period_start, workplan.period_end = data["period_start"], data["period_end"]
    workplan.summary = data.get("summary") or ""


# --- lessons ----------------------------------------------------------------------------------


def load_lessons(workplan: Workplan, ctx: StepContext) -> dict:
    chosen = {lesson.recommendation_id: lesson for lesson in workplan.lessons}
    return {
        "lessons": [
            {
                "recommendation_id": rec.id,
                "picked": rec.id in chosen,
                "how_applied": chosen[rec.id].how_applied if rec.id in chosen else "",
            }
            for rec in ctx.recommendations
        ]
    }


def prepare_lessons(form, ctx: StepContext) -> None:
    """Name each card after its recommendation, so messages say which lesson they are about."""
    catalogue = {rec.id: rec for rec in ctx.recommendations}
    for entry in form.lessons:
        rec = catalogue.get(_as_int(entry.form.recommendation_id.data))
        if rec is not None:
            entry.title = rec.label


def lesson_is_chosen(entry: dict) -> bool:
    """A lesson is applied when ticked or when the officer wrote how it is applied: typing never loses text."""
    return bool(entry.get("picked")) or _filled(entry.get("how_applied"))


def apply_lessons(workplan: Workplan, data: dict, ctx: StepContext) -> None:
    catalogue = {rec.id: rec for rec in ctx.recommendations}
    chosen = {lesson.recommendation_id: lesson for lesson in workplan.lessons}
    kept = []
    for entry in data["lessons"]:
        rec = catalogue.get(_as_int(entry["recommendation_id"]))
        if rec is None or not lesson_is_chosen(entry):
            continue
        lesson = chosen.get(rec.id) or Lesson(recommendation=rec)
        lesson.how_applied = entry.get("how_applied") or ""
        kept.append(lesson)
    workplan.lessons = kept


def lessons_notice(data: dict, ctx: StepContext) -> str | None:
    """Say which unticked lessons were kept because their "How we apply it" has text."""
    catalogue = {rec.id: rec for rec in ctx.recommendations}
    kept = [
        catalogue[_as_int(entry["recommendation_id"])].label
        for entry in data["lessons"]
        if not entry.get("picked") and lesson_is_chosen(entry) and _as_int(entry["recommendation_id"]) in catalogue
    ]
    if not kept:
        return None
    names = ", ".join(f"“{label}”" for label in kept)
    return (
        f"Ticked because you wrote how the plan applies it: {names}. "
        "To drop a lesson, untick it and clear its “How we apply it” text."
    )


def lessons_state(workplan: Workplan) -> str:
    return _state([_filled(lesson.how_applied) for lesson in workplan.lessons])


# --- objectives -------------------------------------------------------------------------------


def load_objectives(workplan: Workplan, ctx: StepContext) -> dict:
    chosen = {item.objective_id: item for item in workplan.objectives}
    return {
        "objectives": [
            {
                "objective_id": objective.id,
                "picked": objective.id in chosen,
                "priority": chosen[objective.id].priority if objective.id in chosen else None,
                "rationale": chosen[objective.id].rationale if objective.id in chosen else "",
            }
            for objective in ctx.objectives
        ]
    }


def prepare_objectives(form, ctx: StepContext) -> None:
    """Name each card after its objective, as the page does, so messages say which one they are about."""
    catalogue = {objective.id: objective for objective in ctx.objectives}
    for entry in form.objectives:
        objective = catalogue.get(_as_int(entry.form.objective_id.data))
        if objective is not None:
            entry.title = f"Objective {objective.number}: {objective.title}"


def apply_objectives(workplan: Workplan, data: dict, ctx: StepContext) -> None:
    catalogue = {objective.id: objective for objective in ctx.objectives}
    chosen = {item.objective_id: item for item in workplan.objectives}
    kept = []
    for index, entry in enumerate(data["objectives"]):
        objective = catalogue.get(_as_int(entry["objective_id"]))
        if objective is None:
            continue
        item = chosen.get(objective.id)
        if not entry["picked"]:
            if item is not None and item.outputs:
                raise RefusedChange(
                    f"“{objective.title}” has outputs. Remove them on the Results step before you untick it.",
                    field=f"objectives-{index}-picked",
                )
            continue
        item = item or WorkplanObjective(objective=objective)
        item.rationale = entry.get("rationale") or ""
        kept.append((entry.get("priority") or 99, objective.number, item))
    kept.sort(key=lambda triple: triple[:2])
    for rank, (_, _, item) in enumerate(kept, start=1):
        item.priority = rank
    workplan.objectives = [item for _, _, item in kept]


def objectives_state(workplan: Workplan) -> str:
    return _state([_filled(item.rationale) for item in workplan.objectives])


# --- results ----------------------------------------------------------------------------------


def load_results(workplan: Workplan, ctx: StepContext) -> dict:
    return {
        "objectives": [
            {
                "workplan_objective_id": item.id,
                "outcome": item.outcome,
                "outputs": [
                    {
                        "id": output.id,
                        "statement": output.statement,
                        "lesson_ids": [lesson.id for lesson in output.lessons],
                        "indicators": [
                            {"id": indicator.id, **{name: getattr(indicator, name) for name in INDICATOR_FIELDS}}
                            for indicator in output.indicators
                        ],
                    }
                    for output in item.outputs
                ],
            }
            for item in workplan.objectives
        ]
    }


def lesson_choices(workplan: Workplan):
    return choices((lesson.id, lesson.recommendation.label) for lesson in workplan.lessons)


def prepare_results(form, ctx: StepContext) -> None:
    lesson_options = lesson_choices(ctx.workplan)
    for objective_entry in form.objectives:
        for output_entry in objective_entry.form.outputs:
            output_entry.form.lesson_ids.choices = lesson_options


def _update_indicator(indicator: Indicator, entry: dict) -> None:
    for name in INDICATOR_FIELDS:
        value = entry.get(name)
        setattr(indicator, name, value if name.endswith("_year") else (value or ""))


def apply_results(workplan: Workplan, data: dict, ctx: StepContext) -> None:
    items = {item.id: item for item in workplan.objectives}
    lessons = {lesson.id: lesson for lesson in workplan.lessons}

    def update_output(output: Output, entry: dict) -> None:
        output.statement = entry.get("statement") or ""
        output.lessons = [lessons[i] for i in entry.get("lesson_ids") or [] if i in lessons]
        sync_rows(output, "indicators", entry["indicators"], Indicator, _update_indicator)

    for entry in data["objectives"]:
        item = items.get(_as_int(entry["workplan_objective_id"]))
        if item is None:
            continue
        item.outcome = entry.get("outcome") or ""
        sync_rows(item, "outputs", entry["outputs"], Output, update_output)


def _indicator_complete(indicator: Indicator) -> bool:
    return all(_filled(getattr(indicator, name)) for name in INDICATOR_FIELDS if name != "assumptions")


def results_state(workplan: Workplan) -> str:
    flags = []
    for item in workplan.objectives:
        flags.append(_filled(item.outcome) and bool(item.outputs))
        for output in item.outputs:
            flags.append(_filled(output.statement) and bool(output.indicators))
            flags.extend(_indicator_complete(indicator) for indicator in output.indicators)
    return _state(flags)


# --- activities -------------------------------------------------------------------------------


def load_activities(workplan: Workplan, ctx: StepContext) -> dict:
    return {
        "outputs": [
            {
                "output_id": output.id,
                "activities": [
                    {
                        "id": activity.id,
                        **{name: getattr(activity, name) for name in ACTIVITY_TEXT_FIELDS + ACTIVITY_FLAGS},
                        "lead_agency": activity.lead_agency.value if activity.lead_agency else "",
                        "partner_ids": [partner.id for partner in activity.partners],
                        "quarters": sorted(activity.quarter_keys),
                        "budget_eur": activity.budget_eur,
                        "lesson_ids": [lesson.id for lesson in activity.lessons],
                        "sensitive_fields": list(activity.sensitive_fields or []),
                        "new_partner_name": "",
                        "new_partner_type": "",
                    }
                    for activity in output.activities
                ],
            }
            for output in workplan.outputs
        ]
    }


SENSITIVE_ACTIVITY_FIELDS = {"description": "Description", "location": "Location", "follow_up": "Follow-up"}
PROPOSABLE_PARTNER_TYPES = (PartnerType.GOVERNMENT, PartnerType.CIVIL_SOCIETY, PartnerType.ACADEMIA)


def prepare_activities(form, ctx: StepContext) -> None:
    agencies = choices([("", "Choose the lead agency")] + [(agency.value, agency.value) for agency in LeadAgency])
    partners = choices((partner.id, partner.display_name) for partner in ctx.partners)
    partner_types = choices([("", "—")] + [(kind.value, kind.label) for kind in PROPOSABLE_PARTNER_TYPES])
    quarters = choices((key, key.replace("-", " ")) for key in quarter_keys(ctx.workplan))
    lesson_options = lesson_choices(ctx.workplan)
    sensitive = choices(SENSITIVE_ACTIVITY_FIELDS.items())
    for output_entry in form.outputs:
        for entry in output_entry.form.activities:
            entry.form.sensitive_fields.choices = sensitive
            entry.form.lead_agency.choices = agencies
            entry.form.partner_ids.choices = partners
            entry.form.new_partner_type.choices = partner_types
            entry.form.quarters.choices = quarters
            entry.form.lesson_ids.choices = lesson_options


def _proposed_partner(name: str, kind: str, ctx: StepContext) -> Partner | None:
    """Find a partner the plan may name by this name, or propose a new one for the plan's country."""
    name = " ".join(name.split())[:200]
    if not name:
        return None
    existing = db.session.scalar(select(Partner).where(func.lower(Partner.name) == name.lower()))
    if existing is not None:
        if existing.id in ctx.partner_ids:
            return existing
        # Say nothing about whose partner it is: other countries' partners are not this officer's to see.
        raise RefusedChange(
            f"“{name}” cannot be proposed as a new partner. Pick it from the list if it is there; "
            "otherwise add a detail to the name, such as the city or the full title."
        )
    partner_type = (
        PartnerType(kind) if kind in {t.value for t in PROPOSABLE_PARTNER_TYPES} else PartnerType.CIVIL_SOCIETY
    )
    partner = create_partner(
        name, "", partner_type, ctx.workplan.country, actor=ctx.user, confirmed=False, ip_address=ctx.ip_address
    )
    ctx.partner_ids.add(partner.id)
    return partner


def apply_activities(workplan: Workplan, data: dict, ctx: StepContext) -> None:
    outputs = {output.id: output for output in workplan.outputs}
    partners = {partner.id: partner for partner in ctx.partners}
    lessons = {lesson.id: lesson for lesson in workplan.lessons}
    allowed_quarters = set(quarter_keys(workplan))

    def update_activity(activity: Activity, entry: dict) -> None:
        for name in ACTIVITY_TEXT_FIELDS:
            setattr(activity, name, entry.get(name) or "")
        for name in ACTIVITY_FLAGS:
            setattr(activity, name, bool(entry.get(name)))
        activity.lead_agency = LeadAgency(entry["lead_agency"]) if entry.get("lead_agency") else None
        budget = entry.get("budget_eur")
        activity.budget_eur = Decimal(budget) if budget is not None else None
        chosen = [partners[i] for i in entry.get("partner_ids") or [] if i in partners]
        proposed = _proposed_partner(entry.get("new_partner_name") or "", entry.get("new_partner_type") or "", ctx)
        if proposed is not None and proposed not in chosen:
            chosen.append(proposed)
        activity.partners = chosen
        activity.lessons = [lessons[i] for i in entry.get("lesson_ids") or [] if i in lessons]
        activity.sensitive_fields = sorted(set(entry.get("sensitive_fields") or []) & set(SENSITIVE_ACTIVITY_FIELDS))
        wanted = {key for key in entry.get("quarters") or [] if key in allowed_quarters}
        activity.quarters = [q for q in activity.quarters if q.key in wanted] + [
            ActivityQuarter(year=int(key[:4]), quarter=int(key[-1])) for key in sorted(wanted - activity.quarter_keys)
        ]

    for entry in data["outputs"]:
        output = outputs.get(_as_int(entry["output_id"]))
        if output is not None:
            sync_rows(output, "activities", entry["activities"], Activity, update_activity)


def activity_complete(activity: Activity) -> bool:
    """Whether an activity has what the readiness check asks of it (partners checked separately)."""
    return (
        _filled(activity.description)
        and activity.lead_agency is not None
        and bool(activity.quarters)
        and activity.budget_eur is not None
        and bool(activity.partners)
    )


def activities_state(workplan: Workplan) -> str:
    outputs = workplan.outputs
    flags = [bool(output.activities) for output in outputs]
    flags.extend(activity_complete(activity) for activity in workplan.activities)
    return _state(flags) if outputs else EMPTY


# --- risks ------------------------------------------------------------------------------------


def load_risks(workplan: Workplan, ctx: StepContext) -> dict:
    return {
        "risks": [
            {
                "id": risk.id,
                **{name: getattr(risk, name) for name in RISK_FIELDS},
                "likelihood": risk.likelihood.value if risk.likelihood else "",
                "impact": risk.impact.value if risk.impact else "",
            }
            for risk in workplan.risks
        ]
    }


def prepare_risks(form, ctx: StepContext) -> None:
    levels = choices([("", "Choose")] + [(level.value, level.label) for level in Level])
    for entry in form.risks:
        entry.form.likelihood.choices = levels
        entry.form.impact.choices = levels


def apply_risks(workplan: Workplan, data: dict, ctx: StepContext) -> None:
    def update(risk: Risk, entry: dict) -> None:
        for name in RISK_FIELDS:
            setattr(risk, name, entry.get(name) or "")
        risk.likelihood = Level(entry["likelihood"]) if entry.get("likelihood") else None
        risk.impact = Level(entry["impact"]) if entry.get("impact") else None

    sync_rows(workplan, "risks", data["risks"], Risk, update)


def risk_complete(risk: Risk) -> bool:
    return all(_filled(getattr(risk, name)) for name in RISK_FIELDS) and bool(risk.likelihood and risk.impact)


def risks_state(workplan: Workplan) -> str:
    return _state([risk_complete(risk) for risk in workplan.risks])


# --- sustainability ---------------------------------------------------------------------------


def load_sustainability(workplan: Workplan, ctx: StepContext) -> dict:
    return {
        "sustainability": workplan.sustainability,
        "outputs": [{"output_id": output.id, "carried_on_by": output.carried_on_by} for output in workplan.outputs],
    }


def apply_sustainability(workplan: Workplan, data: dict, ctx: StepContext) -> None:
    workplan.sustainability = data.get("sustainability") or ""
    outputs = {output.id: output for output in workplan.outputs}
    for entry in data["outputs"]:
        output = outputs.get(_as_int(entry["output_id"]))
        if output is not None:
            output.carried_on_by = entry.get("carried_on_by") or ""


def sustainability_state(workplan: Workplan) -> str:
    return _state([_filled(workplan.sustainability)] + [_filled(o.carried_on_by) for o in workplan.outputs])


# --- theory of change -------------------------------------------------------------------------


def load_theory(workplan: Workplan, ctx: StepContext) -> dict:
    """The saved theory of change, or a suggestion drawn from objectives and outcomes when empty."""
    saved = {name: getattr(workplan, name) for name in THEORY_FIELDS}
    if any(_filled(value) for value in saved.values()):
        return saved
    return suggest_theory(workplan)


def suggest_theory(workplan: Workplan) -> dict:
    """Draft IF / AND IF / THEN / BECAUSE text from the plan's results."""
    outputs = [output.statement.strip() for output in workplan.outputs if _filled(output.statement)]
    assumptions = []
    for output in workplan.outputs:
        for indicator in output.indicators:
            text = indicator.assumptions.strip()
            if text and text not in assumptions:
                assumptions.append(text)
    outcomes = [item.outcome.strip() for item in workplan.objectives if _filled(item.outcome)]
    rationales = [item.rationale.strip() for item in workplan.objectives if _filled(item.rationale)]
    bullet = "\n".join
    return {
        "toc_if": bullet(f"- {text}" for text in outputs),
        "toc_and_if": bullet(f"- {text}" for text in assumptions),
        "toc_then": bullet(f"- {text}" for text in outcomes),
        "toc_because": bullet(f"- {text}" for text in rationales),
    }
