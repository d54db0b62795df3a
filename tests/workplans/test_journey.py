"""An officer drafts a realistic plan through every step and reaches a green readiness check."""

import re

from sqlalchemy import select

from app.catalogue.models import Objective, Partner, PartnerType, Recommendation
from app.extensions import db
from app.review.models import Revision
from app.workplans.models import Workplan, WorkplanStatus
from tests.pages import text_of
from tests.workplans.helpers import comparable, fill, open_step, post_step, step_url

ARABIC = "تعزيز قدرات المحققين\nخطة 2026–2027 UNODC"
LESSON_CODES = ["CTX-1", "PAR-1", "DES-3", "IMP-3"]
OBJECTIVE_CODES = ["capacity", "protection", "cooperation"]


def _ids(model, codes):
    rows = {row.code: row.id for row in db.session.scalars(select(model).where(model.code.in_(codes)))}
    return [rows[code] for code in codes]


def test_officer_drafts_a_whole_plan_and_reaches_green(client, users, login):
    login(users["off_iq"])
    response = client.post(
        "/workplans/new",
        data={
            "country_id": users["off_iq"].countries[0].id,
            "title": "Iraq workplan 2026–2027",
            "period_start": 2026,
            "period_end": 2027,
            "source_workplan_id": 0,
        },
    )
    assert response.status_code == 302
    plan_id = db.session.scalar(select(Workplan.id))
    saved = {}

    saved["basics"] = fill(client, plan_id, "basics", {"summary": ARABIC + "\nSecond line.", "title": "Iraq workplan"})
    saved["context"] = fill(
        client,
        plan_id,
        "context",
        {
            "context_situation": "Trafficking for forced labour and sexual exploitation.",
            "context_legal": "Law No. 28 of 2012 on combating trafficking in persons.",
            "context_gaps": "2025 assessment: no SOP for victim identification.",
            "priorities": "Identification, referral, prosecution.",
        },
    )

    lesson_ids = _ids(Recommendation, LESSON_CODES)
    values = open_step(client, plan_id, "lessons")
    for index in range(16):
        if int(values[f"lessons-{index}-recommendation_id"]) in lesson_ids:
            values[f"lessons-{index}-picked"] = "y"
            values[f"lessons-{index}-how_applied"] = f"Applied in lesson {index}."
    assert post_step(client, plan_id, "lessons", values).status_code == 302
    saved["lessons"] = values

    objective_ids = _ids(Objective, OBJECTIVE_CODES)
    values = open_step(client, plan_id, "objectives")
    for index in range(6):
        objective_id = int(values[f"objectives-{index}-objective_id"])
        if objective_id in objective_ids:
            values[f"objectives-{index}-picked"] = "y"
            values[f"objectives-{index}-priority"] = str(objective_ids.index(objective_id) + 1)
            values[f"objectives-{index}-rationale"] = f"Rationale {objective_id}"
    assert post_step(client, plan_id, "objectives", values, action="continue").headers["Location"].endswith("/results")
    saved["objectives"] = values

    # Results: the first output is added with the server-side "Add" button, the rest as JavaScript would post them.
    values = open_step(client, plan_id, "results")
    assert post_step(client, plan_id, "results", values, action="add:objectives-0-outputs").status_code == 302
    assert (
        post_step(
            client,
            plan_id,
            "results",
            open_step(client, plan_id, "results"),
            action="add:objectives-0-outputs-0-indicators",
        ).status_code
        == 302
    )
    values = open_step(client, plan_id, "results")
    assert "objectives-0-outputs-0-indicators-0-description" in values
    lesson_entry_ids = [lesson.id for lesson in db.session.get(Workplan, plan_id).lessons]
    for o in range(3):
        values[f"objectives-{o}-outcome"] = f"Outcome {o}"
        for p in range(2):
            prefix = f"objectives-{o}-outputs-{p}"
            values.setdefault(f"{prefix}-id", "")
            values[f"{prefix}-statement"] = f"Output {o}.{p}"
            values.setlist(f"{prefix}-lesson_ids", [str(lesson_entry_ids[(o + p) % 4])])
            values.setdefault(f"{prefix}-indicators-0-id", "")
            for name, value in {
                "description": f"Indicator {o}.{p}",
                "baseline_value": "0",
                "baseline_year": "2025",
                "target_value": "40",
                "target_year": "2027",
                "source_of_verification": "Training records",
                "assumptions": "Staff stay in post",
            }.items():
                values[f"{prefix}-indicators-0-{name}"] = value
    assert post_step(client, plan_id, "results", values).status_code == 302
    saved["results"] = open_step(client, plan_id, "results")

    national = db.session.scalar(
        select(Partner.id).where(
            Partner.country_id == users["off_iq"].countries[0].id, Partner.type == PartnerType.GOVERNMENT
        )
    )
    civil = db.session.scalar(
        select(Partner.id).where(
            Partner.country_id == users["off_iq"].countries[0].id, Partner.type == PartnerType.CIVIL_SOCIETY
        )
    )
    values = open_step(client, plan_id, "activities")
    for o in range(6):
        for a in range(3):
            prefix = f"outputs-{o}-activities-{a}"
            values[f"{prefix}-id"] = ""
            values[f"{prefix}-description"] = f"Activity {o}.{a}"
            values[f"{prefix}-lead_agency"] = "UNODC" if a else "IOM"
            values.setlist(f"{prefix}-partner_ids", [str(national), str(civil)])
            values[f"{prefix}-location"] = "Baghdad"
            values.setlist(f"{prefix}-quarters", ["2026-Q1", "2027-Q4"])
            values[f"{prefix}-budget_eur"] = "10000.50"
            values[f"{prefix}-is_gender_sensitive"] = "y"
            if a == 2:
                values[f"{prefix}-is_capacity_building"] = "y"
                values[f"{prefix}-follow_up"] = "Messaging group; counterparts commit for two years."
            values.setlist(f"{prefix}-lesson_ids", [str(lesson_entry_ids[(o + a) % 4])])
    response = post_step(client, plan_id, "activities", values)
    assert response.status_code == 302, re.findall(r"field__error[^>]*>([^<]*)<", response.get_data(as_text=True))[:5]
    saved["activities"] = open_step(client, plan_id, "activities")

    for _ in range(2):
        assert (
            post_step(client, plan_id, "risks", open_step(client, plan_id, "risks"), action="add:risks").status_code
            == 302
        )
    values = open_step(client, plan_id, "risks")
    for r in range(2):
        for name, value in {
            "description": f"Risk {r}",
            "likelihood": "medium",
            "impact": "high",
            "mitigation": "Mitigate",
            "owner": "UNODC",
        }.items():
            values[f"risks-{r}-{name}"] = value
    assert post_step(client, plan_id, "risks", values).status_code == 302
    saved["risks"] = values

    saved["partnerships"] = fill(
        client, plan_id, "partnerships", {"partnerships": "Steering committee.", "ownership": "Ministry leads."}
    )
    saved["mel"] = fill(
        client, plan_id, "mel", {"mel": "Quarterly reviews.", "reporting_calendar": "Semi-annual reports."}
    )
    changes = {"sustainability": "Handover to the judicial institute."}
    changes.update({f"outputs-{o}-carried_on_by": "Judicial Training Institute" for o in range(6)})
    saved["sustainability"] = fill(client, plan_id, "sustainability", changes)

    suggested = open_step(client, plan_id, "theory")
    assert "Outcome 0" in suggested["toc_then"] and "Output 0.0" in suggested["toc_if"]
    assert "Staff stay in post" in suggested["toc_and_if"]
    saved["theory"] = fill(client, plan_id, "theory", {"toc_because": "Lessons show early identification pays."})

    # Back and forward through every step: every value is still there.
    for key, values in saved.items():
        now, before = comparable(open_step(client, plan_id, key)), comparable(values)
        assert now == before, (
            key,
            {k: (now.get(k), before.get(k)) for k in set(now) | set(before) if now.get(k) != before.get(k)},
        )

    check = client.get(step_url(plan_id, "check"))
    assert "readiness-summary--green" in check.get_data(as_text=True), text_of(check.data)[-4000:]
    plan = db.session.get(Workplan, plan_id)
    assert len(plan.objectives) == 3 and len(plan.outputs) == 6 and len(plan.activities) == 18
    assert plan.summary == ARABIC + "\nSecond line."

    assert client.post(f"/workplans/{plan_id}/submit").status_code == 302
    db.session.expire_all()
    assert db.session.get(Workplan, plan_id).status == WorkplanStatus.SUBMITTED
    assert db.session.scalar(select(Revision.number).where(Revision.workplan_id == plan_id)) == 1

    # Under review: the officer can read but not edit.
    assert client.get(step_url(plan_id, "basics")).status_code == 302
    locked = post_step(client, plan_id, "basics", saved["basics"])
    assert locked.status_code == 403
    db.session.expire_all()
    assert db.session.get(Workplan, plan_id).title == "Iraq workplan"
