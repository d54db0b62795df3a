"""Write lines to the append-only audit log."""

from flask import has_request_context, request

from app.extensions import db
from app.review.models import AuditEvent


def record_event(
    action: str,
    actor=None,
    workplan=None,
    obj=None,
    note: str = "",
    from_status: str | None = None,
    to_status: str | None = None,
    **details,
) -> AuditEvent:
    """Add one audit line for an action; the caller's transaction commits it."""
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
        ip_address=(request.remote_addr or "") if has_request_context() else "",
        details=details,
    )
    db.session.add(event)
    return event
