"""The step editor: nothing typed is lost, nobody edits what they may not, rows add and remove."""

import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.audit import AuditEvent
from app.catalogue.models import Partner
from app.extensions import db
from app.workplans.context import StepContext
from app.workplans.models import Risk, Workplan, WorkplanStatus
from tests import factories
from tests.pages import form_values, text_of
from tests.workplans.helpers import open_step, post_step, step_url

RTL_TEXT = "الوضع الراهن\nسطر ثان بالعربية\n\nEnglish after a blank line, 2026–2027"


def _without_tokens(page: bytes) -> bytes:
    return re.sub(rb'name="csrf_token" value="[^"]*"', b'name="csrf_token" value=""', page)


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
    response = client.post(
        step_url(iq_plan.id, "context"),
        data={"context_situation": "hijack", "action": "save", "lock_version": iq_plan.lock_version},
    )
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
    for name, value in {
        "status": "approved",
        "lead_officer_id": users["hq"].id,
        "version": "7",
        "approved_by_id": users["hq"].id,
        "country": "AF",
    }.items():
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


def _add_by_script(client, plan_id, key, values, action):
    data = MultiDict(values)
    data.setlist("action", [action])
    return client.post(step_url(plan_id, key), data=data, headers={"X-Requested-With": "fetch"})


def test_a_row_added_by_the_script_leaves_the_plan_alone_so_save_right_after_is_clean(client, users, login, iq_plan):
    login(users["off_iq"])
    page = open_step(client, iq_plan.id, "risks")
    page["risks-0-id"], page["risks-0-description"] = "", "Typed before adding a row"
    version = db.session.get(Workplan, iq_plan.id).lock_version

    added = _add_by_script(client, iq_plan.id, "risks", page, "add:risks")
    # The answer is the form with the new row, to swap in; nothing is saved, so the version stays.
    assert added.status_code == 200
    assert 'data-added-row="risks-1"' in added.get_data(as_text=True)
    assert "data-unsaved" in added.get_data(as_text=True)
    swapped = form_values(added.data)
    assert swapped["risks-0-description"] == "Typed before adding a row" and "risks-1-id" in swapped
    db.session.expire_all()
    assert db.session.get(Workplan, iq_plan.id).lock_version == version
    assert db.session.get(Workplan, iq_plan.id).risks == []

    # Save pressed on the swapped-in form: saved cleanly, and the new row is there.
    swapped["risks-1-description"] = "Typed in the new row"
    saved = post_step(client, iq_plan.id, "risks", swapped)
    assert saved.status_code == 302
    after = client.get(saved.headers["Location"])
    assert "Someone saved this plan" not in text_of(after.data)
    shown = form_values(after.data)
    typed = ["Typed before adding a row", "Typed in the new row"]
    assert [shown["risks-0-description"], shown["risks-1-description"]] == typed

    # A Save that left before the added row reached the page is no conflict either.
    page = open_step(client, iq_plan.id, "risks")
    assert _add_by_script(client, iq_plan.id, "risks", page, "add:risks").status_code == 200
    page["risks-0-description"] = "Changed while the row was on its way"
    assert post_step(client, iq_plan.id, "risks", page).status_code == 302
    db.session.expire_all()
    risks = db.session.get(Workplan, iq_plan.id).risks
    assert [r.description for r in risks] == ["Changed while the row was on its way", "Typed in the new row"]


def test_a_row_removed_by_the_script_is_gone_from_the_form_and_saved_with_it(client, users, login, iq_plan):
    login(users["off_iq"])
    for description in ("First", "Second", "Third"):
        iq_plan.risks.append(Risk(position=len(iq_plan.risks) + 1, description=description))
    db.session.commit()
    page = open_step(client, iq_plan.id, "risks")
    removed = _add_by_script(client, iq_plan.id, "risks", page, "remove:risks-1")
    assert removed.status_code == 200
    swapped = form_values(removed.data)
    assert [swapped["risks-0-description"], swapped["risks-1-description"]] == ["First", "Third"]
    assert "risks-2-id" not in swapped
    db.session.expire_all()
    assert len(db.session.get(Workplan, iq_plan.id).risks) == 3
    assert post_step(client, iq_plan.id, "risks", swapped).status_code == 302
    db.session.expire_all()
    assert [r.description for r in db.session.get(Workplan, iq_plan.id).risks] == ["First", "Third"]


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


def _lesson_labels(plan, user) -> list[str]:
    """The recommendations' labels in the order of the lessons step's cards (lessons-0, lessons-1…)."""
    return [rec.label for rec in StepContext(plan, user).recommendations]


def _saved_lessons(plan_id) -> dict[str, str]:
    db.session.expire_all()
    return {lesson.recommendation.label: lesson.how_applied for lesson in db.session.get(Workplan, plan_id).lessons}


def test_a_ticked_lesson_without_its_line_is_saved_and_continue_names_it(client, users, login, iq_plan):
    login(users["off_iq"])
    labels = _lesson_labels(iq_plan, users["off_iq"])
    values = open_step(client, iq_plan.id, "lessons")
    values["lessons-0-picked"] = "y"
    values["lessons-1-picked"] = "y"
    values["lessons-1-how_applied"] = "Written for the second lesson."
    # Save keeps whatever is there: the tick without its line, and the other lesson's text.
    assert post_step(client, iq_plan.id, "lessons", values).status_code == 302
    assert _saved_lessons(iq_plan.id) == {labels[0]: "", labels[1]: "Written for the second lesson."}
    shown = open_step(client, iq_plan.id, "lessons")
    assert shown["lessons-0-picked"] == "y" and shown["lessons-1-how_applied"] == "Written for the second lesson."

    # Moving on asks for the line, naming the lesson as the card shows it.
    response = post_step(client, iq_plan.id, "lessons", shown, action="continue")
    assert response.status_code == 200
    page = text_of(response.data)
    assert f"{labels[0]}: How we apply it: Say how the plan applies this lesson, or untick it." in page
    assert "Lessons 1" not in page


def test_text_written_for_an_unticked_lesson_ticks_it(client, users, login, iq_plan):
    login(users["off_iq"])
    labels = _lesson_labels(iq_plan, users["off_iq"])
    values = open_step(client, iq_plan.id, "lessons")
    values["lessons-2-how_applied"] = "Typed without ticking the box."
    response = post_step(client, iq_plan.id, "lessons", values)
    assert response.status_code == 302
    assert _saved_lessons(iq_plan.id) == {labels[2]: "Typed without ticking the box."}
    page = client.get(response.headers["Location"])
    assert f"Ticked because you wrote how the plan applies it: “{labels[2]}”." in text_of(page.data)
    shown = form_values(page.data)
    assert shown["lessons-2-picked"] == "y" and shown["lessons-2-how_applied"] == "Typed without ticking the box."
    assert "Writing in “How we apply it” ticks the lesson" in text_of(page.data)

    # Unticking without clearing the text keeps the lesson, and says so; clearing the text drops it.
    del shown["lessons-2-picked"]
    assert post_step(client, iq_plan.id, "lessons", shown).status_code == 302
    assert _saved_lessons(iq_plan.id) == {labels[2]: "Typed without ticking the box."}
    shown = open_step(client, iq_plan.id, "lessons")
    del shown["lessons-2-picked"]
    shown["lessons-2-how_applied"] = "  "
    assert post_step(client, iq_plan.id, "lessons", shown).status_code == 302
    assert _saved_lessons(iq_plan.id) == {}


def test_autosave_names_the_lesson_it_refuses_and_keeps_a_ticked_lesson_without_text(client, users, login, iq_plan):
    login(users["off_iq"])
    labels = _lesson_labels(iq_plan, users["off_iq"])
    url = f"/workplans/{iq_plan.id}/steps/lessons/autosave"
    values = open_step(client, iq_plan.id, "lessons")
    values["lessons-0-picked"] = "y"
    values["lessons-3-how_applied"] = "Kept by the timer."
    saved = client.post(url, data=values)
    assert saved.status_code == 200 and saved.json["saved"] is True
    assert _saved_lessons(iq_plan.id) == {labels[0]: "", labels[3]: "Kept by the timer."}

    values["lock_version"] = saved.json["hidden"]["lock_version"]
    values["lessons-1-how_applied"] = "x" * 2001
    refused = client.post(url, data=values)
    assert refused.status_code == 422
    assert refused.json["errors"] == [f"{labels[1]}: How we apply it: Keep this under 2,000 characters."]


def test_unticking_an_objective_with_outputs_is_refused(client, users, login, iq_plan):
    login(users["off_iq"])
    values = open_step(client, iq_plan.id, "objectives")
    values["objectives-2-picked"] = "y"
    values["objectives-2-rationale"] = "Why"
    assert post_step(client, iq_plan.id, "objectives", values).status_code == 302
    assert (
        post_step(
            client, iq_plan.id, "results", open_step(client, iq_plan.id, "results"), action="add:objectives-0-outputs"
        ).status_code
        == 302
    )
    values = open_step(client, iq_plan.id, "objectives")
    del values["objectives-2-picked"]
    response = post_step(client, iq_plan.id, "objectives", values)
    assert response.status_code == 200
    assert "Remove them on the Results step before you untick it" in text_of(response.data)
    assert len(db.session.get(Workplan, iq_plan.id).objectives) == 1


def test_a_message_about_an_objective_names_it_as_its_card_does(client, users, login, iq_plan):
    login(users["off_iq"])
    values = open_step(client, iq_plan.id, "objectives")
    values["objectives-1-picked"] = "y"
    response = post_step(client, iq_plan.id, "objectives", values, "continue")
    objective = StepContext(iq_plan, users["off_iq"]).objectives[1]
    expected = (
        f"Objective {objective.number}: {objective.title}: Why this objective: Give a rationale for each objective"
    )
    assert expected in text_of(response.data)
    assert "Objectives 2" not in text_of(response.data)


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


def _propose_partner(client, plan_id: int, name: str, kind: str):
    """Propose a new partner for the first activity from the Activities step and save."""
    values = open_step(client, plan_id, "activities")
    values["outputs-0-activities-0-new_partner_name"] = name
    values["outputs-0-activities-0-new_partner_type"] = kind
    return post_step(client, plan_id, "activities", values)


def test_a_partner_proposed_inline_is_linked_and_awaits_confirmation(client, users, login, demo_plan, pk_officer):
    login(pk_officer)
    assert _propose_partner(client, demo_plan.id, "Lahore Legal Aid Society", "civil_society").status_code == 302
    partner = db.session.scalar(select(Partner).where(Partner.name == "Lahore Legal Aid Society"))
    assert partner.is_confirmed is False and partner.country.code == "PK" and partner.proposed_by_id == pk_officer.id
    assert partner in db.session.get(Workplan, demo_plan.id).activities[0].partners


def test_a_partner_proposed_from_the_activities_step_writes_the_partner_audit_line(
    client, login, demo_plan, pk_officer
):
    login(pk_officer)
    assert _propose_partner(client, demo_plan.id, "  Lahore   Legal Aid Society ", "academia").status_code == 302
    partner = db.session.scalar(select(Partner).where(Partner.name == "Lahore Legal Aid Society"))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "partner.create"))
    assert (event.actor_id, event.object_type, event.object_id) == (pk_officer.id, "partner", partner.id)
    assert event.details == {
        "name": "Lahore Legal Aid Society",
        "type": "academia",
        "country": "PK",
        "is_confirmed": False,
    }


def test_every_save_is_audited(client, users, login, iq_plan):
    login(users["off_iq"])
    post_step(client, iq_plan.id, "context", open_step(client, iq_plan.id, "context"))
    count = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "workplan.save_step", AuditEvent.workplan_id == iq_plan.id)
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
    response = client.post(
        "/login", data={"email": "off.iq@example.org", "password": "secret words here", "csrf_token": "x"}
    )
    assert response.status_code == 400
    assert b"secret words here" not in response.data


def test_autosave_saves_in_the_background_and_returns_new_row_ids(client, users, login, iq_plan):
    login(users["off_iq"])
    assert (
        post_step(client, iq_plan.id, "risks", open_step(client, iq_plan.id, "risks"), action="add:risks").status_code
        == 302
    )
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
    assert invalid.status_code == 422
    assert invalid.json["errors"] == ["Legal and policy framework: Keep this under 10,000 characters."]
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


NOTE = "Revised after the CCCTIP meeting.\nملاحظة للمراجع"


def _check_form(client, plan_id) -> MultiDict:
    values = open_step(client, plan_id, "check")
    values["note"] = NOTE
    return values


def test_a_submission_refused_for_red_items_keeps_the_note_and_says_why(client, users, login, iq_plan):
    login(users["off_iq"])
    response = client.post(f"/workplans/{iq_plan.id}/submit", data=_check_form(client, iq_plan.id))
    assert response.status_code == 409
    page = text_of(response.data)
    assert "Not submitted: The readiness check has red items; fix them before submitting." in page
    assert "Your note is kept below." in page
    assert form_values(response.data)["note"] == NOTE
    db.session.refresh(iq_plan)
    assert iq_plan.status == WorkplanStatus.DRAFT


def test_a_submission_from_a_page_older_than_the_plan_is_refused_keeping_the_note(client, login, demo_plan, pk_officer):
    login(pk_officer)
    stale = _check_form(client, demo_plan.id)
    # Another tab saves a step after the check page was opened.
    post_step(client, demo_plan.id, "context", open_step(client, demo_plan.id, "context"))
    response = client.post(f"/workplans/{demo_plan.id}/submit", data=stale)
    assert response.status_code == 409
    assert "The plan was changed after this page was opened" in text_of(response.data)
    again = form_values(response.data)
    assert again["note"] == NOTE
    db.session.refresh(demo_plan)
    assert demo_plan.status == WorkplanStatus.DRAFT

    # The page it answered with is current: submitting from it works, with the note.
    assert client.post(f"/workplans/{demo_plan.id}/submit", data=again).status_code == 302
    db.session.refresh(demo_plan)
    assert demo_plan.status == WorkplanStatus.SUBMITTED
    assert NOTE in text_of(client.get(f"/workplans/{demo_plan.id}/").data)


def test_an_expired_submission_comes_back_with_the_note(app, client, login, demo_plan, pk_officer):
    login(pk_officer)
    app.config["WTF_CSRF_ENABLED"] = True
    values = _check_form(client, demo_plan.id)
    values["csrf_token"] = "expired-or-forged"
    response = client.post(f"/workplans/{demo_plan.id}/submit", data=values)
    assert response.status_code == 400
    assert "security check expired" in text_of(response.data)
    again = form_values(response.data)
    assert again["note"] == NOTE and again["csrf_token"] != "expired-or-forged"
    assert client.post(f"/workplans/{demo_plan.id}/submit", data=again).status_code == 302


def _lessons_typed(client, plan_id) -> MultiDict:
    values = open_step(client, plan_id, "lessons")
    values["lessons-0-picked"] = "y"
    values["lessons-1-how_applied"] = "Typed in a card left unticked."
    return values


def _shows_lessons_typed(response) -> None:
    shown = form_values(response.data)
    assert shown["lessons-0-picked"] == "y"
    assert shown["lessons-1-how_applied"] == "Typed in a card left unticked."
    assert "lessons-1-picked" not in shown


def test_a_refused_lessons_save_brings_back_ticks_and_unticked_cards(client, users, login, iq_plan):
    login(users["off_iq"])
    values = _lessons_typed(client, iq_plan.id)
    values["lessons-2-how_applied"] = "A bell\x07 from a copy and paste."
    response = post_step(client, iq_plan.id, "lessons", values)
    assert response.status_code == 200
    _shows_lessons_typed(response)
    assert "data-unsaved" in response.get_data(as_text=True)

    stale = _lessons_typed(client, iq_plan.id)
    post_step(client, iq_plan.id, "context", open_step(client, iq_plan.id, "context"))
    response = post_step(client, iq_plan.id, "lessons", stale)
    assert response.status_code == 409
    _shows_lessons_typed(response)
    assert "data-autosave-hold" in response.get_data(as_text=True)
    assert _saved_lessons(iq_plan.id) == {}


def test_an_expired_form_brings_back_the_row_just_added(app, client, users, login, iq_plan):
    login(users["off_iq"])
    app.config["WTF_CSRF_ENABLED"] = True
    values = open_step(client, iq_plan.id, "risks")
    values["csrf_token"] = "expired-or-forged"
    values["risks-0-id"], values["risks-0-description"] = "", "Typed before pressing Add"
    response = post_step(client, iq_plan.id, "risks", values, action="add:risks")
    assert response.status_code == 400
    shown = form_values(response.data)
    assert shown["risks-0-description"] == "Typed before pressing Add"
    assert "risks-1-id" in shown and shown["risks-1-description"] == ""
    assert "data-unsaved" in response.get_data(as_text=True)
