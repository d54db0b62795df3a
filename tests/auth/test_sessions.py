"""Session cookies: attributes, renewal at sign-in, and the audit trail of who did what from where."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from sqlalchemy import select

from app.audit import AuditEvent
from app.extensions import db
from tests import factories


def _set_cookies(response) -> dict[str, str]:
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        name = header.split("=", 1)[0]
        cookies[name] = header
    return cookies


def test_cookies_are_httponly_lax_and_remember_lasts_at_most_14_days(client, users):
    response = client.post(
        "/login", data={"email": "off.iq@example.org", "password": factories.PASSWORD, "remember": "y"}
    )
    cookies = _set_cookies(response)
    for name in ("session", "remember_token"):
        assert "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name], name
    expires = parsedate_to_datetime(cookies["remember_token"].split("Expires=")[1].split(";")[0])
    assert expires - datetime.now(UTC) <= timedelta(days=14)


def test_the_session_is_renewed_at_sign_in(client, users):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/login", data={"email": "off.iq@example.org", "password": factories.PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == users["off_iq"].session_token


def test_audit_lines_name_the_actor_and_the_address(client, users):
    client.post(
        "/login",
        data={"email": "off.iq@example.org", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.44"},
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.login"))
    assert (event.actor_id, event.ip_address) == (users["off_iq"].id, "192.0.2.44")
    assert event.at.tzinfo is not None
