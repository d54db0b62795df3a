"""Immutable, schema-versioned snapshots of a whole workplan, taken at each submission."""

from app.plan_sections import MARKERS, NARRATIVE_FIELDS
from app.workplans.models import Workplan
from app.workplans.step_data import INDICATOR_FIELDS, RISK_FIELDS

SCHEMA_VERSION = 1


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def snapshot_workplan(workplan: Workplan) -> dict:
    """Return the plan as plain JSON-ready data, ids included so revisions can be compared item by item."""
    return {
        "schema_version": SCHEMA_VERSION,
        "id": workplan.id,
        "country": {"code": workplan.country.code, "name": workplan.country.name},
        "title": workplan.title,
        "period_start": workplan.period_start,
        "period_end": workplan.period_end,
        "version": workplan.version,
        "status": workplan.status.value,
        "lead_officer": workplan.lead_officer.name if workplan.lead_officer else None,
        "narratives": {name: getattr(workplan, name) for name in NARRATIVE_FIELDS},
        "sensitive_fields": sorted(workplan.sensitive_fields or []),
        "lessons": [
            {
                "id": lesson.id,
                "code": lesson.recommendation.code,
                "label": lesson.recommendation.label,
                "theme": lesson.recommendation.theme.title,
                "how_applied": lesson.how_applied,
            }
            for lesson in workplan.lessons
        ],
        "objectives": [
            {
                "id": item.id,
                "code": item.objective.code,
                "number": item.objective.number,
                "title": item.objective.title,
                "priority": item.priority,
                "rationale": item.rationale,
                "outcome": item.outcome,
                "outputs": [
                    {
                        "id": output.id,
                        "statement": output.statement,
                        "carried_on_by": output.carried_on_by,
                        "lessons": [lesson.recommendation.code for lesson in output.lessons],
                        "indicators": [
                            {"id": i.id, **{name: getattr(i, name) for name in INDICATOR_FIELDS}}
                            for i in output.indicators
                        ],
                        "activities": [
                            {
                                "id": a.id,
                                "description": a.description,
                                "lead_agency": a.lead_agency.value if a.lead_agency else None,
                                "partners": [partner.display_name for partner in a.partners],
                                "location": a.location,
                                "quarters": sorted(a.quarter_keys),
                                "budget_eur": _money(a.budget_eur),
                                "markers": {key: getattr(a, name) for key, name in MARKERS},
                                "capacity_building": a.is_capacity_building,
                                "follow_up": a.follow_up,
                                "lessons": [lesson.recommendation.code for lesson in a.lessons],
                                "sensitive_fields": sorted(a.sensitive_fields or []),
                            }
                            for a in output.activities
                        ],
                    }
                    for output in item.outputs
                ],
            }
            for item in workplan.objectives
        ],
        "risks": [
            {
                "id": risk.id,
                "likelihood": risk.likelihood.value if risk.likelihood else None,
                "impact": risk.impact.value if risk.impact else None,
                **{name: getattr(risk, name) for name in RISK_FIELDS},
            }
            for risk in workplan.risks
        ],
    }
