"""Mail goes out after the change is committed and never fails nor undoes a transition."""

import smtplib

import pytest
from sqlalchemy import select

from app.extensions import db
from app.review.models import Notification
from app.review.notifications import notify_hq
from app.workplans.models import Workplan, WorkplanStatus


class FakeSMTP:
    """An SMTP server that records what is sent, or fails the way it is told to."""

    sent: list = []
    fail_with: Exception | None = None

    def __init__(self, host, port, timeout):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, message):
        if FakeSMTP.fail_with is not None:
            raise FakeSMTP.fail_with
        FakeSMTP.sent.append(message)


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSMTP.sent, FakeSMTP.fail_with = [], None
    monkeypatch.setattr("app.review.notifications.smtplib.SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_PORT=2525)
    return FakeSMTP


def _status(plan_id: int) -> WorkplanStatus:
    db.session.expire_all()
    return db.session.get(Workplan, plan_id).status


@pytest.mark.parametrize(
    "failure", [smtplib.SMTPRecipientsRefused({}), ConnectionRefusedError(111, "refused"), ValueError("odd header")]
)
def test_a_failing_mail_server_never_fails_or_undoes_a_transition(
    smtp, demo_plan, pk_officer, hq_user, sign_in, failure
):
    smtp.fail_with = failure
    response = sign_in(pk_officer).post(f"/workplans/{demo_plan.id}/submit", data={"note": "Ready for review"})
    assert response.status_code == 302
    assert _status(demo_plan.id) == WorkplanStatus.SUBMITTED


def test_a_line_break_in_a_note_gives_a_one_line_subject_not_an_error(smtp, submitted_plan, hq_user, sign_in):
    note = "Cut.\r\nBcc: everyone@example.org\nAnd check the budget."
    response = sign_in(hq_user).post(f"/workplans/{submitted_plan.id}/request-changes", data={"note": note})
    assert response.status_code == 302
    assert _status(submitted_plan.id) == WorkplanStatus.CHANGES_REQUESTED
    (message,) = [m for m in smtp.sent if "asks for changes" in m["Subject"]]
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert message["Bcc"] is None
    assert "Bcc: everyone@example.org" in message.get_content()


def test_a_line_break_in_the_title_gives_no_error(smtp, demo_plan, pk_officer, hq_user, sign_in):
    demo_plan.title = "Pakistan plan\r\nSubject: forged"
    db.session.commit()
    response = sign_in(pk_officer).post(f"/workplans/{demo_plan.id}/submit")
    assert response.status_code == 302
    assert _status(demo_plan.id) == WorkplanStatus.SUBMITTED
    assert smtp.sent and all("\n" not in m["Subject"] for m in smtp.sent)


def test_mail_is_sent_only_after_the_commit(smtp, demo_plan, pk_officer, hq_user, sign_in, monkeypatch):
    seen_at_send = []

    def record(message):
        # Another connection must already see the change the mail tells about.
        with db.engine.connect() as connection:
            seen_at_send.append(
                connection.scalar(
                    Workplan.__table__.select()
                    .with_only_columns(Workplan.__table__.c.status)
                    .where(Workplan.__table__.c.id == demo_plan.id)
                )
            )
        FakeSMTP.sent.append(message)

    monkeypatch.setattr(FakeSMTP, "send_message", lambda self, message: record(message))
    assert sign_in(pk_officer).post(f"/workplans/{demo_plan.id}/submit").status_code == 302
    assert seen_at_send and all(status in (WorkplanStatus.SUBMITTED, "submitted") for status in seen_at_send)


def test_a_refused_transition_sends_no_mail(smtp, demo_plan, hq_user, sign_in):
    # HQ cannot approve a plan that was never submitted: nothing changes, nobody is mailed.
    response = sign_in(hq_user).post(f"/workplans/{demo_plan.id}/approve", data={"revision": "1"})
    assert response.status_code == 409
    assert smtp.sent == []


def test_notices_are_mailed_only_once_their_change_is_committed(smtp, demo_plan, hq_user):
    notify_hq(demo_plan, "submitted", "Pakistan plan submitted.")
    db.session.flush()
    assert smtp.sent == []
    db.session.commit()
    assert [message["To"] for message in smtp.sent] == [hq_user.email]
    db.session.commit()
    assert len(smtp.sent) == 1


def test_notices_of_a_change_that_is_rolled_back_are_never_mailed(smtp, demo_plan, hq_user):
    notify_hq(demo_plan, "submitted", "Pakistan plan submitted.")
    db.session.rollback()
    db.session.commit()
    assert smtp.sent == []
    assert db.session.scalars(select(Notification)).all() == []
