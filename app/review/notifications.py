"""In-app notices, and e-mail as well when SMTP is configured."""

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, has_app_context
from sqlalchemy import select

from app.auth.models import Role, User, user_countries
from app.extensions import db
from app.review.models import Notification
from app.workplans.models import Workplan

log = logging.getLogger(__name__)


def notify(users: list[User], workplan: Workplan | None, kind: str, message: str, exclude: User | None = None) -> None:
    """Add a notice for each user (never for the one who acted) and mail it when SMTP is set up."""
    recipients = [user for user in users if user.is_active and (exclude is None or user.id != exclude.id)]
    for user in recipients:
        db.session.add(Notification(user_id=user.id, workplan_id=workplan.id if workplan else None, kind=kind, message=message))
    send_mail([user.email for user in recipients], f"GLO.ACT workplans: {message[:80]}", message)


def notify_hq(workplan: Workplan, kind: str, message: str) -> None:
    """Tell every HQ reviewer."""
    notify(list(db.session.scalars(select(User).where(User.role == Role.HQ))), workplan, kind, message)


def notify_country_officers(workplan: Workplan, kind: str, message: str, exclude: User | None = None) -> None:
    """Tell the officers who serve the plan's country."""
    officers = db.session.scalars(
        select(User).join(user_countries).where(user_countries.c.country_id == workplan.country_id, User.role == Role.OFFICER)
    )
    notify(list(officers), workplan, kind, message, exclude=exclude)


def send_mail(addresses: list[str], subject: str, body: str) -> bool:
    """Send a plain-text mail if MAIL_SERVER is configured; failures are logged, never raised."""
    if not addresses or not has_app_context() or not current_app.config.get("MAIL_SERVER"):
        return False
    config = current_app.config
    message = EmailMessage()
    message["From"] = config.get("MAIL_FROM", "workplans@localhost")
    message["To"] = ", ".join(addresses)
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config.get("MAIL_PORT", 25), timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("mail to %d recipient(s) not sent: %s", len(addresses), error)
        return False
    return True
