"""Sign-in throttling, counted from the audit log so that it holds across every server process."""

import math
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from app.db import utcnow
from app.extensions import db
from app.review.models import AuditEvent

FAILED = "auth.login_failed"


def _retry_after(condition, limit: int, window: timedelta) -> int | None:
    """Seconds until fewer than `limit` failures matching `condition` remain in the window."""
    now = utcnow()
    times = list(
        db.session.scalars(
            select(AuditEvent.at)
            .where(AuditEvent.action == FAILED, AuditEvent.at >= now - window, condition)
            .order_by(AuditEvent.at.desc())
            .limit(limit)
        )
    )
    if len(times) < limit:
        return None
    # Sign-in reopens when the oldest of the last `limit` failures leaves the window.
    return max(1, math.ceil((times[-1] + window - now).total_seconds()))


def login_retry_after(email: str, ip_address: str) -> int | None:
    """Seconds the caller must wait before trying to sign in again, or None when allowed."""
    config = current_app.config
    window = timedelta(seconds=config["LOGIN_THROTTLE_WINDOW"])
    waits = [
        _retry_after(AuditEvent.note == email.strip().lower(), config["LOGIN_THROTTLE_PER_ACCOUNT"], window),
        _retry_after(AuditEvent.ip_address == ip_address, config["LOGIN_THROTTLE_PER_ADDRESS"], window),
    ]
    waits = [wait for wait in waits if wait]
    return max(waits) if waits else None


def count_failures() -> int:
    """All failed sign-ins recorded (for tests and the admin home)."""
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == FAILED))
