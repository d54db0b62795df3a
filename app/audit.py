"""The append-only audit log: its table and the one way to write a line to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import created_at, int_pk
from app.extensions import db

if TYPE_CHECKING:
    from app.auth.models import User


class AuditEvent(db.Model):
    """One append-only line of the audit log: who did what, to what, when and from where."""

    __tablename__ = "audit_events"

    id: Mapped[int_pk]
    at: Mapped[created_at]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64), index=True)
    workplan_id: Mapped[int | None] = mapped_column(ForeignKey("workplans.id"), index=True)
    country_id: Mapped[int | None] = mapped_column(ForeignKey("countries.id"))
    object_type: Mapped[str] = mapped_column(String(32), default="")
    object_id: Mapped[int | None]
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


@event.listens_for(AuditEvent, "before_update")
def _refuse_audit_update(mapper, connection, target):
    raise ValueError("the audit log is append-only")


def record_event(
    action: str,
    actor=None,
    workplan=None,
    obj=None,
    note: str = "",
    from_status: str | None = None,
    to_status: str | None = None,
    ip_address: str | None = "",
    **details,
) -> AuditEvent:
    """Add one audit line for an action; the caller's transaction commits it.

    `ip_address` is the client address the view read from its request ("" outside a request).
    """
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        workplan_id=workplan.id if workplan is not None else None,
        country_id=workplan.country_id if workplan is not None else None,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "id", None),
        note=note,
        from_status=from_status,
        to_status=to_status,
        ip_address=ip_address or "",
        details=details,
    )
    db.session.add(event)
    return event
