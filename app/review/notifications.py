"""In-app notices, and e-mail as well when SMTP is configured.

Mail is queued on the database session and sent only after its transaction commits: a mail
server that is down or slow never fails nor undoes the change it tells about, and a change
that is rolled back sends nothing.
"""

import logging
import re
import smtplib
from email.message import EmailMessage

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session, selectinload

from app.auth.models import User, user_countries
from app.extensions import db
from app.permissions import can_review, is_country_officer
from app.review.models import Notification
from app.workplans.models import Workplan

log = logging.getLogger(__name__)


def notify(users: list[User], workplan: Workplan | None, kind: str, message: str, exclude: User | None = None) -> None:
    """Add a notice for each user (never for the one who acted) and mail it when SMTP is set up."""
    recipients = [user for user in users if user.is_active and (exclude is None or user.id != exclude.id)]
    for user in recipients:
        db.session.add(
            Notification(user_id=user.id, workplan_id=workplan.id if workplan else None, kind=kind, message=message)
        )
    queue_mail([user.email for user in recipients], f"GLO.ACT workplans: {message}", message)


def notify_hq(workplan: Workplan, kind: str, message: str) -> None:
    """Tell every HQ reviewer."""
    users = db.session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.id))
    notify([user for user in users if can_review(user)], workplan, kind, message)


def notify_country_officers(workplan: Workplan, kind: str, message: str, exclude: User | None = None) -> None:
    """Tell the officers who serve the plan's country."""
    linked = db.session.scalars(
        select(User)
        .join(user_countries)
        .where(user_countries.c.country_id == workplan.country_id)
        .options(selectinload(User.countries))
        .order_by(User.id)
    )
    officers = [user for user in linked if is_country_officer(user, workplan.country_id)]
    notify(officers, workplan, kind, message, exclude=exclude)


OUTBOX = "glo_act_outbox"
# Line breaks and other control characters in a header would end it (or raise): they become spaces.
CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
SUBJECT_LENGTH = 120


def header_text(text: str, length: int = SUBJECT_LENGTH) -> str:
    """One line fit for a mail header: control characters become spaces, long text is cut."""
    line = " ".join(CONTROL.sub(" ", text).split())
    return line if len(line) <= length else line[: length - 1] + "…"


def queue_mail(addresses: list[str], subject: str, body: str) -> None:
    """Send this mail once the current transaction commits, if MAIL_SERVER is configured."""
    if not addresses or not has_app_context() or not current_app.config.get("MAIL_SERVER"):
        return
    config = {key: value for key, value in current_app.config.items() if key.startswith("MAIL_")}
    db.session.info.setdefault(OUTBOX, []).append((config, list(addresses), subject, body))


@event.listens_for(Session, "after_commit")
def _send_queued_mail(session: Session) -> None:
    for config, addresses, subject, body in session.info.pop(OUTBOX, []):
        send_mail(addresses, subject, body, config)


@event.listens_for(Session, "after_rollback")
def _drop_queued_mail(session: Session) -> None:
    session.info.pop(OUTBOX, None)


def send_mail(addresses: list[str], subject: str, body: str, config: dict | None = None) -> bool:
    """Send a plain-text mail if MAIL_SERVER is configured; failures are logged, never raised."""
    if config is None:
        if not has_app_context():
            return False
        config = current_app.config
    if not addresses or not config.get("MAIL_SERVER"):
        return False
    try:
        message = EmailMessage()
        message["From"] = header_text(config.get("MAIL_FROM") or "workplans@localhost", 254)
        message["To"] = ", ".join(header_text(address, 254) for address in addresses)
        message["Subject"] = header_text(subject)
        message.set_content(body)
        with smtplib.SMTP(config["MAIL_SERVER"], config.get("MAIL_PORT", 25), timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except Exception as error:  # noqa: BLE001  (mail is a courtesy: whatever fails, the change stands)
        log.warning("mail to %d recipient(s) not sent: %r", len(addresses), error)
        return False
    return True
