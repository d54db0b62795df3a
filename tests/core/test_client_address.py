"""The client address for the sign-in throttle and the audit log: X-Forwarded-For only from a configured proxy."""

import pytest
from sqlalchemy import select

from app import create_app
from app.audit import AuditEvent
from app.extensions import db

REAL, SPOOFED = "203.0.113.9", "192.0.2.77"


@pytest.fixture
def production_app(app, users, monkeypatch):
    """The production settings, on the test's database."""

    def build(**environment):
        monkeypatch.setenv("SECRET_KEY", "s" * 48)
        monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
        monkeypatch.delenv("PROXY_HOPS", raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        production = create_app(
            "production",
            SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
            SQLALCHEMY_ENGINE_OPTIONS=app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            WTF_CSRF_ENABLED=False,
            LOGIN_THROTTLE_PER_ADDRESS=3,
        )
        built.append(production)
        return production

    built = []
    yield build
    for production in built:
        with production.app_context():
            db.engine.dispose()


def _wrong_password(client, email, forwarded_for):
    return client.post(
        "/login",
        data={"email": email, "password": "wrong password here"},
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": REAL},
        base_url="https://localhost",
    )


def _audited_addresses() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent.ip_address).where(AuditEvent.action == "auth.login_failed")))


def test_without_a_proxy_a_spoofed_forwarded_for_changes_neither_throttle_nor_audit(production_app):
    client = production_app().test_client()
    for number in range(3):
        assert _wrong_password(client, f"guess{number}@example.org", f"192.0.2.{number}").status_code == 200
    assert _audited_addresses() == [REAL] * 3
    # A fourth guess from the same real address is throttled whatever address it claims.
    assert _wrong_password(client, "guess9@example.org", SPOOFED).status_code == 429


def test_behind_a_configured_proxy_the_forwarded_address_is_used(production_app):
    client = production_app(PROXY_HOPS="1").test_client()
    assert _wrong_password(client, "guess@example.org", SPOOFED).status_code == 200
    assert _audited_addresses() == [SPOOFED]
