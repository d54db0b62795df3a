"""The step editor: nothing typed is lost, nobody edits what they may not, rows add and remove."""

import re

import pytest
from sqlalchemy import func, select

from app.catalogue.models import Partner
from app.extensions import db
from app.review.models import AuditEvent
from app.workplans.models import Risk, Workplan, WorkplanStatus
from tests import factories
from tests.pages import form_values, text_of
from tests.workplans.helpers import open_step, post_step, step_url

RTL_TEXT = "الوضع الراهن\nسطر ثان بالعربية\n\nEnglish after a blank line, 2026–2027"


def _without_tokens(page: bytes) -> bytes:
    return re.sub(rb'name="csrf_token" value="[^"]*"', b'name="csrf_token" value=""', page)


@pytest.fixture
def iq_plan(users):
    plan = factories.make_workplan("IQ", title="Iraq plan", lead_officer=users["off_iq"])
    db.session.commit()
    return plan


def test_unknown_step_is_404(client, users, login, iq_plan):
    login(users["off_iq"])
    assert client.get(step_url(iq_plan.id, "nope")).status_code == 404


def test_every_step_shows_its_guidance(client, users, login, iq_plan):
    login(users["off_iq"])
    page = text_of(client.get(step_url(iq_plan.id, "context")).data)
    assert "Gaps and needs assessments" in page
    assert "The importance of gaps and needs assessments to determine priorities" in page
    page = text_of(client.get(step_url(iq_plan.id, "partnerships")).data)
    assert "Secure local buy-in" in page


def test_a_validation_error_keeps_every_other_field_byte_for_byte(client, users, login, iq_plan):
    login(users["off_iq"])
    values = open_step(client, iq_plan.id, "context")
    values["context_situation"] = RTL_TEXT
    values["context_legal"] = "x" * 10_001
    values["context_gaps"] = "  leading spaces and <b>markup</b> & {{ 7*7 }}\n"
    values["priorities"] = "\nstarts with a newline"
    response = post_step(client, iq_plan.id, "context", values)
    assert response.status_code == 200
    shown = form_values(response.data)
    assert shown["context_situation"] == RTL_TEXT
    assert shown["context_legal"] == "x" * 10_001
    assert shown["context_gaps"] == "  leading spaces and <b>markup</b> & {{ 7*7 }}\n"
    assert shown["priorities"] == "\nstarts with a newline"
    assert "Keep this under 10,000 characters." in text_of(response.data)
    db.session.refresh(iq_plan)
    assert iq_plan.context_situation == ""


def test_crlf_counts_as_one_character_and_is_stored_as_lf(client, users, login, iq_plan):
    login(users["off_iq"])
    values = open_step(client, iq_plan.id, "context")
    values["context_situation"] = "ab\r\n" * 3333 + "c"  # 10,000 characters once CRLF is one
    assert post_step(client, iq_plan.id, "context", values).status_code == 302
    db.session.refresh(iq_plan)
    assert iq_plan.context_situation == "ab\n" * 3333 + "c"


def test_save_accepts_partial_data_and_continue_asks_for_the_rest(client, users, login, iq_plan):
    login(users["off_iq"])
    values = open_step(client, iq_plan.id, "context")
    values["context_situation"] = RTL_TEXT
    assert post_step(client, iq_plan.id, "context", values).status_code == 302
    db.session.refresh(iq_plan)
    assert iq_plan.context_situation == RTL_TEXT

    values = open_step(client, iq_plan.id, "context")
    values["context_legal"] = "A law"
    response = post_step(client, iq_plan.id, "context", values, action="continue")
    assert response.status_code == 200
    page = text_of(response.data)
    assert "Saved. Fill in what is marked below before you continue." in page
    assert "Fill this in to continue." in page
    db.session.refresh(iq_plan)
    assert iq_plan.context_legal == "A law"
    assert form_values(response.data)["context_situation"] == RTL_TEXT

    values = form_values(response.data)
    values["context_gaps"], values["priorities"] = "Gaps", "Priorities"
    response = post_step(client, iq_plan.id, "context", values, action="continue")
    assert response.status_code == 302 and response.headers["Location"].endswith("/steps/lessons")


def test_an_expired_form_token_brings_the_text_back(app, client, users, login, iq_plan):
    login(users["off_iq"])
    app.config["WTF_CSRF_ENABLED"] = True
    values = open_step(client, iq_plan.id, "context")
    values["csrf_token"] = "expired-or-forged"
    values["context_situation"] = RTL_TEXT
    response = post_step(client, iq_plan.id, "context", values)
    assert response.status_code == 400
    page = text_of(response.data)
    assert "Nothing is lost" in page
    shown = form_values(response.data)
    assert shown["context_situation"] == RTL_TEXT
    assert shown["csrf_token"] and shown["csrf_token"] != "expired-or-forged"

    # The fresh token on that page saves.
    assert post_step(client, iq_plan.id, "context", shown).status_code == 302
    db.session.refresh(iq_plan)
    assert iq_plan.context_situation == RTL_TEXT


def test_another_countrys_plan_is_404_on_every_step_and_unchanged(client, users, login, iq_plan):
    login(users["off_af"])
    missing = _without_tokens(client.get("/workplans/999999/steps/basics").data)
    for key in ("basics", "context", "results", "check"):
        response = client.get(step_url(iq_plan.id, key))
        assert response.status_code == 404
        # The sign-out form's token carries a timestamp; everything else is identical.
        assert _without_tokens(response.data) == missing
    response = client.post(step_url(iq_plan.id, "context"), data={"context_situation": "hijack", "action": "save",
                                                                    "lock_version": iq_plan.lock_version})
    assert response.status_code == 404
    assert client.get(f"/workplans/{iq_plan.id}/").status_code == 404
    assert client.post(f"/workplans/{iq_plan.id}/submit").status_code == 404
    db.session.refresh(iq_plan)
    assert iq_plan.context_situation == "" and iq_plan.status == WorkplanStatus.DRAFT


def test_extra_fields_cannot_change_country_status_owner_or_version(client, users, login, iq_plan):
    login(users["off_iq"])
    before = (iq_plan.country_id, iq_plan.status, iq_plan.lead_officer_id, iq_plan.version)
    values = open_step(client, iq_plan.id, "basics")
    values["summary"] = "A summary"
    for name, value in {"status": "approved", "lead_officer_id": users["hq"].id, "version": "7",
                        "approved_by_id": users["hq"].id, "country": "AF"}.items():
        values[name] = str(value)
    assert post_step(client, iq_plan.id, "basics", values).status_code == 302
    db.session.refresh(iq_plan)
    assert iq_plan.summary == "A summary"
    assert (iq_plan.country_id, iq_plan.status, iq_plan.lead_officer_id, iq_plan.version) == before
    assert iq_plan.approved_by_id is None

    values = open_step(client, iq_plan.id, "basics")
    values["country_id"] = str(users["off_af"].countries[0].id)
    response = post_step(client, iq_plan.id, "basics", values)
    assert response.status_code == 200 and "Not a valid choice" in text_of(response.data)
    db.session.refresh(iq_plan)
    assert iq_plan.country_id == before[0]


def test_hq_cannot_edit_steps(client, users, login, iq_plan):
    login(users["hq"])
    assert client.get(step_url(iq_plan.id, "context")).status_code == 302
    response = client.post(step_url(iq_plan.id, "context"), data={"context_situation": "HQ text", "action": "save"})
    assert response.status_code == 403
    db.session.refresh(iq_plan)
    assert iq_plan.context_situation == ""


@pytest.mark.parametrize("status", [WorkplanStatus.SUBMITTED, WorkplanStatus.APPROVED])
def test_a_plan_under_review_or_approved_cannot_be_edited(client, users, login, iq_plan, status):
    login(users["off_iq"])
    values = open_step(client, iq_plan.id, "context")
    iq_plan.status = status
    db.session.commit()
    values["context_situation"] = "late edit"
    assert post_step(client, iq_plan.id, "context", values).status_code == 403
    db.session.refresh(iq_plan)
    assert iq_plan.context_situation == ""
    overview = client.get(step_url(iq_plan.id, "context"), follow_redirects=True)
    assert "cannot be edited now" in text_of(overview.data)


def test_rows_add_and_remove_without_javascript(client, users, login, iq_plan):
    login(users["off_iq"])
    for _ in range(3):
        response = post_step(client, iq_plan.id, "risks", open_step(client, iq_plan.id, "risks"), action="add:risks")
        assert response.status_code == 302
    assert response.headers["Location"].endswith("?added=risks-2#risks-2")
    values = open_step(client, iq_plan.id, "risks")
    for index in range(3):
        values[f"risks-{index}-description"] = f"Risk {index}"
    values["risks-2-mitigation"] = "Keep me"
    response = post_step(client, iq_plan.id, "risks", values, action="remove:risks-1")
    assert response.status_code == 302
    risks = db.session.scalars(select(Risk).where(Risk.workplan_id == iq_plan.id).order_by(Risk.position)).all()
    assert [(r.description, r.mitigation, r.position) for r in risks] == [("Risk 0", "", 1), ("Risk 2", "Keep me", 2)]


def test_a_hostile_row_id_never_touches_another_plan(client, users, login, iq_plan):
    other = factories.make_workplan("AF", title="Afghan plan")
    other.risks.append(Risk(position=1, description="Afghan risk"))
    db.session.commit()
    foreign_id = other.risks[0].id
    login(users["off_iq"])
    values = open_step(client, iq_plan.id, "risks")
    values["risks-0-id"] = str(foreign_id)
    values["risks-0-description"] = "Mine"
    assert post_step(client, iq_plan.id, "risks", values).status_code == 302
    assert db.session.get(Risk, foreign_id).description == "Afghan risk"
    assert [r.description for r in db.session.get(Workplan, iq_plan.id).risks] == ["Mine"]


def test_two_tabs_saving_the_same_step_get_a_conflict_and_lose_nothing(client, users, login, iq_plan):
    login(users["off_iq"])
    tab_a = open_step(client, iq_plan.id, "context")
    tab_b = open_step(client, iq_plan.id, "context")
    tab_a["context_situation"] = "Text from tab A"
    assert post_step(client, iq_plan.id, "context", tab_a).status_code == 302
    tab_b["context_situation"] = "Text from tab B"
    response = post_step(client, iq_plan.id, "context", tab_b)
    assert response.status_code == 409
    page = text_of(response.data)
    assert "Someone saved this plan after you opened this page" in page
    assert "Text from tab A" in page
    merged = form_values(response.data)
    assert merged["context_situation"] == "Text from tab B"
    db.session.refresh(iq_plan)
    assert iq_plan.context_situation == "Text from tab A"

    merged["context_situation"] = "Text from tab A and tab B"
    assert post_step(client, iq_plan.id, "context", merged).status_code == 302
    db.session.refresh(iq_plan)
    assert iq_plan.context_situation == "Text from tab A and tab B"


def test_a_lesson_picked_needs_its_how_line(client, users, login, iq_plan):
    login(users["off_iq"])
    values = open_step(client, iq_plan.id, "lessons")
    values["lessons-0-picked"] = "y"
    response = post_step(client, iq_plan.id, "lessons", values)
    assert response.status_code == 200
    assert "Say how the plan applies this lesson, or untick it." in text_of(response.data)
    assert db.session.get(Workplan, iq_plan.id).lessons == []


def test_unticking_an_objective_with_outputs_is_refused(client, users, login, iq_plan):
    login(users["off_iq"])
    values = open_step(client, iq_plan.id, "objectives")
    values["objectives-2-picked"] = "y"
    values["objectives-2-rationale"] = "Why"
    assert post_step(client, iq_plan.id, "objectives", values).status_code == 302
    assert post_step(client, iq_plan.id, "results", open_step(client, iq_plan.id, "results"),
                     action="add:objectives-0-outputs").status_code == 302
    values = open_step(client, iq_plan.id, "objectives")
    del values["objectives-2-picked"]
    response = post_step(client, iq_plan.id, "objectives", values)
    assert response.status_code == 200
    assert "Remove them on the Results step before you untick it" in text_of(response.data)
    assert len(db.session.get(Workplan, iq_plan.id).objectives) == 1


def test_objectives_are_ranked_and_at_least_one_is_needed(client, users, login, iq_plan):
    login(users["off_iq"])
    response = post_step(client, iq_plan.id, "objectives", open_step(client, iq_plan.id, "objectives"), "continue")
    assert "Include at least one objective." in text_of(response.data)
    values = open_step(client, iq_plan.id, "objectives")
    for index, rank in ((0, "3"), (4, "1"), (5, "2")):
        values[f"objectives-{index}-picked"] = "y"
        values[f"objectives-{index}-priority"] = rank
        values[f"objectives-{index}-rationale"] = f"Because {index}"
    assert post_step(client, iq_plan.id, "objectives", values, "continue").status_code == 302
    plan = db.session.get(Workplan, iq_plan.id)
    assert [(item.objective.number, item.priority) for item in plan.objectives] == [(5, 1), (6, 2), (1, 3)]


def test_a_partner_proposed_inline_is_linked_and_awaits_confirmation(client, users, login, demo_plan, pk_officer):
    login(pk_officer)
    values = open_step(client, demo_plan.id, "activities")
    values["outputs-0-activities-0-new_partner_name"] = "Lahore Legal Aid Society"
    values["outputs-0-activities-0-new_partner_type"] = "civil_society"
    assert post_step(client, demo_plan.id, "activities", values).status_code == 302
    partner = db.session.scalar(select(Partner).where(Partner.name == "Lahore Legal Aid Society"))
    assert partner.is_confirmed is False and partner.country.code == "PK" and partner.proposed_by_id == pk_officer.id
    assert partner in db.session.get(Workplan, demo_plan.id).activities[0].partners


def test_every_save_is_audited(client, users, login, iq_plan):
    login(users["off_iq"])
    post_step(client, iq_plan.id, "context", open_step(client, iq_plan.id, "context"))
    count = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "workplan.save_step",
                                                            AuditEvent.workplan_id == iq_plan.id)
    )
    assert count == 1


def test_submitting_a_red_plan_is_refused(client, users, login, iq_plan):
    login(users["off_iq"])
    response = client.post(f"/workplans/{iq_plan.id}/submit", follow_redirects=True)
    assert "red items" in text_of(response.data)
    db.session.refresh(iq_plan)
    assert iq_plan.status == WorkplanStatus.DRAFT


def test_a_save_after_being_signed_out_keeps_the_text_through_sign_in(app, client, users, login, iq_plan):
    login(users["off_iq"])
    values = open_step(client, iq_plan.id, "context")
    values["context_situation"] = RTL_TEXT
    # Signed out elsewhere (another tab, a password change): the session token is rotated.
    users["off_iq"].rotate_session_token()
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True

    response = post_step(client, iq_plan.id, "context", values)
    assert response.status_code == 401, response.headers.get("Location")
    page = text_of(response.data)
    assert "You were signed out before your last change was saved" in page
    sign_in = form_values(response.data)
    assert sign_in["carry:context_situation"] == RTL_TEXT
    assert "carry:csrf_token" not in sign_in
    sign_in["email"], sign_in["password"] = users["off_iq"].email, factories.PASSWORD

    response = client.post("/login", data=sign_in)
    assert response.status_code == 200, text_of(response.data)[-1500:]
    restore = form_values(response.data)
    assert restore["context_situation"] == RTL_TEXT and restore["action"] == "restore"

    response = client.post(step_url(iq_plan.id, "context"), data=restore)
    assert response.status_code == 200
    shown = form_values(response.data)
    assert shown["context_situation"] == RTL_TEXT
    assert "It is not saved yet" in text_of(response.data)
    db.session.refresh(iq_plan)
    assert iq_plan.context_situation == ""

    assert post_step(client, iq_plan.id, "context", shown).status_code == 302
    db.session.refresh(iq_plan)
    assert iq_plan.context_situation == RTL_TEXT


def test_a_signed_out_login_form_never_carries_passwords(app, client, users):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login", data={"email": "off.iq@example.org", "password": "secret words here", "csrf_token": "x"})
    assert response.status_code == 400
    assert b"secret words here" not in response.data


def test_autosave_saves_in_the_background_and_returns_new_row_ids(client, users, login, iq_plan):
    login(users["off_iq"])
    assert post_step(client, iq_plan.id, "risks", open_step(client, iq_plan.id, "risks"), action="add:risks").status_code == 302
    values = open_step(client, iq_plan.id, "risks")
    values["risks-0-description"] = "Saved by the timer"
    values["risks-1-id"], values["risks-1-description"] = "", "A row added by the script"
    response = client.post(f"/workplans/{iq_plan.id}/steps/risks/autosave", data=values)
    assert response.status_code == 200 and response.json["saved"] is True
    db.session.expire_all()
    risks = db.session.get(Workplan, iq_plan.id).risks
    assert [r.description for r in risks] == ["Saved by the timer", "A row added by the script"]
    assert response.json["hidden"]["risks-1-id"] == str(risks[1].id)
    assert response.json["hidden"]["lock_version"] == str(db.session.get(Workplan, iq_plan.id).lock_version)

    # Sending the returned ids back updates the same rows instead of adding them again.
    for name, value in response.json["hidden"].items():
        values[name] = value
    values["risks-1-description"] = "Edited again"
    again = client.post(f"/workplans/{iq_plan.id}/steps/risks/autosave", data=values)
    assert again.status_code == 200
    db.session.expire_all()
    assert [r.description for r in db.session.get(Workplan, iq_plan.id).risks] == ["Saved by the timer", "Edited again"]


def test_autosave_refuses_stale_and_invalid_data_without_saving(client, users, login, iq_plan):
    login(users["off_iq"])
    values = open_step(client, iq_plan.id, "context")
    values["context_situation"] = "First tab"
    assert post_step(client, iq_plan.id, "context", values).status_code == 302
    values["context_situation"] = "Stale tab"
    stale = client.post(f"/workplans/{iq_plan.id}/steps/context/autosave", data=values)
    assert stale.status_code == 409 and stale.json["saved"] is False
    fresh = open_step(client, iq_plan.id, "context")
    fresh["context_legal"] = "y" * 10_001
    invalid = client.post(f"/workplans/{iq_plan.id}/steps/context/autosave", data=fresh)
    assert invalid.status_code == 422 and "Keep this under 10,000 characters." in invalid.json["errors"]
    db.session.refresh(iq_plan)
    assert iq_plan.context_situation == "First tab" and iq_plan.context_legal == ""


def test_texts_marked_sensitive_are_remembered_per_step(client, login, demo_plan, pk_officer):
    login(pk_officer)
    values = open_step(client, demo_plan.id, "context")
    values.setlist("sensitive", ["context_gaps"])
    assert post_step(client, demo_plan.id, "context", values).status_code == 302
    values = open_step(client, demo_plan.id, "partnerships")
    values.setlist("sensitive", ["ownership"])
    assert post_step(client, demo_plan.id, "partnerships", values).status_code == 302
    values = open_step(client, demo_plan.id, "activities")
    values.setlist("outputs-0-activities-0-sensitive_fields", ["location", "not-a-field"])
    assert post_step(client, demo_plan.id, "activities", values).status_code == 200  # unknown choice refused
    values.setlist("outputs-0-activities-0-sensitive_fields", ["location"])
    assert post_step(client, demo_plan.id, "activities", values).status_code == 302
    db.session.expire_all()
    plan = db.session.get(Workplan, demo_plan.id)
    assert plan.sensitive_fields == ["context_gaps", "ownership"]
    assert plan.activities[0].sensitive_fields == ["location"]
    assert open_step(client, demo_plan.id, "context").getlist("sensitive") == ["context_gaps"]
