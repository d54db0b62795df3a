"""Sign-in throttling, counted from the audit log so that it holds across every server process."""

import math
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, text

from app.audit import AuditEvent
from app.db import utcnow
from app.extensions import db

FAILED = "auth.login_failed"
# Namespaces of the PostgreSQL advisory locks that make "count, check, try, record" one step.
ACCOUNT_LOCK, ADDRESS_LOCK = 7301, 7302


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
    _take_turns(email.strip().lower(), ip_address)
    window = timedelta(seconds=config["LOGIN_THROTTLE_WINDOW"])
    waits = [
        _retry_after(AuditEvent.note == email.strip().lower(), config["LOGIN_THROTTLE_PER_ACCOUNT"], window),
        _retry_after(AuditEvent.ip_address == ip_address, config["LOGIN_THROTTLE_PER_ADDRESS"], window),
    ]
    waits = [wait for wait in waits if wait]
    return max(waits) if waits else None


def _take_turns(email: str, ip_address: str) -> None:
    """Let one sign-in per account and per address count, check and record its failure at a time.

    Otherwise many simultaneous wrong passwords would all count the same few failures and all
    be checked. The locks last until the transaction that records the failure commits. SQLite
    needs none: the sign-in view writes, so its transaction takes the write lock before its first
    read (@writes in app/database.py).
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    # Always the account first, then the address: two sign-ins never wait on each other in a circle.
    for namespace, value in ((ACCOUNT_LOCK, email), (ADDRESS_LOCK, ip_address)):
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:namespace, hashtext(:value))"), {"namespace": namespace, "value": value}
        )
