"""The review workflow end to end, and every forbidden transition refused with nothing changed."""

import pytest
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.extensions import db
from app.review.models import Comment, Notification, Revision
from app.workplans.models import Workplan, WorkplanStatus
from tests.pages import text_of
from tests.workplans.helpers import open_step, post_step


def _audit_count(plan_id: int, action: str | None = None) -> int:
    query = select(func.count(AuditEvent.id)).where(AuditEvent.workplan_id == plan_id)
    if action:
        query = query.where(AuditEvent.action == action)
    return db.session.scalar(query)


def _state(plan_id: int):
    db.session.expire_all()
    plan = db.session.get(Workplan, plan_id)
    revisions = db.session.scalar(select(func.count(Revision.id)).where(Revision.workplan_id == plan_id))
    return (
        plan.status,
        plan.version,
        plan.lock_version,
        plan.approved_revision_number,
        plan.approved_by_id,
        revisions,
        _audit_count(plan_id),
    )


def test_the_whole_review_journey(demo_plan, pk_officer, hq_user, sign_in):
    officer, hq = sign_in(pk_officer), sign_in(hq_user)
    plan_id = demo_plan.id

    # The officer submits: revision 1, HQ is told.
    assert officer.post(f"/workplans/{plan_id}/submit").status_code == 302
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == hq_user.id)) == 1

    # HQ comments on an activity (blocking) and sends the plan back.
    activity = db.session.get(Workplan, plan_id).activities[0]
    overview = hq.get(f"/workplans/{plan_id}/")
    assert f'value="activity:{activity.id}"' in overview.get_data(as_text=True)
    response = hq.post(
        f"/workplans/{plan_id}/comments",
        data={"about": f"activity:{activity.id}", "body": "Budget looks low for four cities.", "is_blocking": "y"},
    )
    assert response.status_code == 302
    comment = db.session.scalar(select(Comment))
    assert (comment.anchor_type, comment.anchor_id, comment.is_blocking, comment.revision_number) == (
        "activity",
        activity.id,
        True,
        1,
    )
    assert (
        hq.post(
            f"/workplans/{plan_id}/request-changes", data={"note": "See the comment on activity 3.1.1."}
        ).status_code
        == 302
    )
    assert _state(plan_id)[0] == WorkplanStatus.CHANGES_REQUESTED

    # The officer sees the comment and the history, edits the activity and resubmits.
    page = text_of(officer.get(f"/workplans/{plan_id}/").data)
    assert "Budget looks low for four cities." in page and "Changes requested" in page
    values = open_step(officer, plan_id, "activities")
    assert values["outputs-0-activities-0-budget_eur"] == "45,000.00"
    values["outputs-0-activities-0-budget_eur"] = "60000"
    assert post_step(officer, plan_id, "activities", values).status_code == 302
    assert officer.post(f"/workplans/{plan_id}/submit").status_code == 302
    assert _state(plan_id)[0] == WorkplanStatus.SUBMITTED

    # HQ's compare view shows exactly that change.
    compare = hq.get(f"/workplans/{plan_id}/compare")
    assert compare.status_code == 200
    page = text_of(compare.data)
    assert "Changes from revision 1 to revision 2" in page
    assert page.count("diff-row--changed") == 1
    assert "45000.00" in page and "60000.00" in page
    assert page.count("<ins>") == 1 and page.count("<del>") == 1

    # Approval is refused while the blocking comment is open.
    response = hq.post(f"/workplans/{plan_id}/approve", data={"revision": 2})
    assert response.status_code == 409
    assert "blocking comment" in text_of(response.data)
    assert _state(plan_id)[0] == WorkplanStatus.SUBMITTED

    # HQ resolves it and approves revision 2.
    assert hq.post(f"/workplans/{plan_id}/comments/{comment.id}/resolve").status_code == 302
    assert hq.post(f"/workplans/{plan_id}/approve", data={"revision": 2}).status_code == 302
    status, version, _, approved_revision, approved_by, _, _ = _state(plan_id)
    assert (status, version, approved_revision, approved_by) == (WorkplanStatus.APPROVED, 1, 2, hq_user.id)
    approved_snapshot = db.session.scalar(select(Revision.snapshot).where(Revision.number == 2))

    # The officer cannot edit the approved plan (the form loaded before approval is refused).
    assert post_step(officer, plan_id, "activities", values).status_code == 403

    # "Revise" opens version 2 as a draft; the approved revision is unchanged.
    assert officer.post(f"/workplans/{plan_id}/revise").status_code == 302
    status, version, *_ = _state(plan_id)
    assert (status, version) == (WorkplanStatus.DRAFT, 2)
    values = open_step(officer, plan_id, "context")
    values["priorities"] = "New priorities for version 2"
    assert post_step(officer, plan_id, "context", values).status_code == 302
    assert db.session.scalar(select(Revision.snapshot).where(Revision.number == 2)) == approved_snapshot
    assert approved_snapshot["narratives"]["priorities"] != "New priorities for version 2"

    # Each transition wrote one audit line.
    for action, count in (
        ("workplan.submit", 2),
        ("workplan.request_changes", 1),
        ("workplan.approve", 1),
        ("workplan.revise", 1),
    ):
        assert _audit_count(plan_id, action) == count, action


def test_an_officer_cannot_approve_or_send_back(submitted_plan, pk_officer, sign_in):
    officer = sign_in(pk_officer)
    before = _state(submitted_plan.id)
    assert officer.post(f"/workplans/{submitted_plan.id}/approve", data={"revision": 1}).status_code == 403
    assert officer.post(f"/workplans/{submitted_plan.id}/request-changes", data={"note": "x"}).status_code == 403
    assert _state(submitted_plan.id) == before


def test_hq_cannot_approve_a_plan_never_submitted(demo_plan, hq_user, sign_in):
    before = _state(demo_plan.id)
    response = sign_in(hq_user).post(f"/workplans/{demo_plan.id}/approve", data={"revision": 0})
    assert response.status_code == 409
    assert _state(demo_plan.id) == before


def test_approving_a_stale_revision_is_refused(submitted_plan, pk_officer, hq_user, sign_in):
    hq, officer = sign_in(hq_user), sign_in(pk_officer)
    assert hq.post(f"/workplans/{submitted_plan.id}/request-changes", data={"note": "More detail"}).status_code == 302
    assert officer.post(f"/workplans/{submitted_plan.id}/submit").status_code == 302
    before = _state(submitted_plan.id)
    response = hq.post(f"/workplans/{submitted_plan.id}/approve", data={"revision": 1})
    assert response.status_code == 409
    assert "the latest is revision 2" in text_of(response.data)
    assert _state(submitted_plan.id) == before


def test_an_officer_of_another_country_cannot_submit(demo_plan, users, sign_in):
    before = _state(demo_plan.id)
    assert sign_in(users["off_iq"]).post(f"/workplans/{demo_plan.id}/submit").status_code == 404
    assert _state(demo_plan.id) == before


def test_hq_cannot_submit_or_revise(demo_plan, hq_user, sign_in):
    before = _state(demo_plan.id)
    hq = sign_in(hq_user)
    assert hq.post(f"/workplans/{demo_plan.id}/submit").status_code == 403
    assert hq.post(f"/workplans/{demo_plan.id}/revise").status_code == 403
    assert _state(demo_plan.id) == before


def test_a_submitted_plan_cannot_be_submitted_again_or_revised(submitted_plan, pk_officer, sign_in):
    officer = sign_in(pk_officer)
    before = _state(submitted_plan.id)
    assert officer.post(f"/workplans/{submitted_plan.id}/submit").status_code == 409
    assert officer.post(f"/workplans/{submitted_plan.id}/revise").status_code == 409
    assert _state(submitted_plan.id) == before


def test_sending_back_needs_a_note(submitted_plan, hq_user, sign_in):
    before = _state(submitted_plan.id)
    response = sign_in(hq_user).post(
        f"/workplans/{submitted_plan.id}/request-changes", data={"note": ""}, follow_redirects=True
    )
    assert "Say what should change" in text_of(response.data)
    assert _state(submitted_plan.id) == before


def test_each_allowed_transition_writes_exactly_one_audit_row(submitted_plan, pk_officer, hq_user, sign_in):
    hq = sign_in(hq_user)
    before = _audit_count(submitted_plan.id)
    assert hq.post(f"/workplans/{submitted_plan.id}/approve", data={"revision": 1}).status_code == 302
    assert _audit_count(submitted_plan.id) == before + 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "workplan.approve"))
    assert (event.actor_id, event.from_status, event.to_status) == (hq_user.id, "submitted", "approved")


def test_revisions_are_listed_and_immutable(submitted_plan, pk_officer, sign_in):
    page = text_of(sign_in(pk_officer).get(f"/workplans/{submitted_plan.id}/revisions/").data)
    assert "Revision 1" in page and "v1" not in page
    revision = db.session.scalar(select(Revision))
    revision.snapshot = {"tampered": True}
    with pytest.raises(ValueError, match="immutable"):
        db.session.flush()
    db.session.rollback()


def test_the_revisions_list_shows_the_newest_revision_first(submitted_plan, pk_officer, hq_user, sign_in):
    hq, officer = sign_in(hq_user), sign_in(pk_officer)
    assert hq.post(f"/workplans/{submitted_plan.id}/request-changes", data={"note": "Once more"}).status_code == 302
    assert officer.post(f"/workplans/{submitted_plan.id}/submit").status_code == 302
    page = text_of(officer.get(f"/workplans/{submitted_plan.id}/revisions/").data)
    rows = page.split("<tbody>")[1].split("</tr>")
    assert '<th scope="row">Revision 2</th>' in rows[0] and "Latest" in rows[0]
    assert '<th scope="row">Revision 1</th>' in rows[1] and "Latest" not in rows[1]


def test_notices_show_unread_count_and_only_visible_plans(hq_user, submitted_plan, pk_officer, sign_in, users):
    hq = sign_in(hq_user)
    assert '1<span class="visually-hidden"> unread' in hq.get("/workplans/").get_data(as_text=True)
    page = text_of(hq.get("/notifications/").data)
    assert "was submitted as revision 1" in page
    assert "unread" not in hq.get("/workplans/").get_data(as_text=True)

    # An officer moved away from Pakistan no longer sees notices about its plan.
    assert (
        hq.post(f"/workplans/{submitted_plan.id}/request-changes", data={"note": "Please add a risk"}).status_code
        == 302
    )
    officer = sign_in(pk_officer)
    assert "HQ asks for changes" in text_of(officer.get("/notifications/").data)
    pk_officer.countries = list(users["off_iq"].countries)
    db.session.commit()
    assert "HQ asks for changes" not in text_of(officer.get("/notifications/").data)


def test_email_goes_out_when_smtp_is_configured(app, demo_plan, pk_officer, hq_user, sign_in, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(("send", message["To"], message["Subject"]))

    monkeypatch.setattr("app.review.notifications.smtplib.SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_PORT=2525)
    assert sign_in(pk_officer).post(f"/workplans/{demo_plan.id}/submit").status_code == 302
    assert ("connect", "smtp.example.org", 2525) in sent
    assert any(item[0] == "send" and hq_user.email in item[1] for item in sent)
