"""The client address for the sign-in throttle and the audit log: X-Forwarded-For only from a configured proxy."""

import pytest
from sqlalchemy import func, select

from app import create_app
from app.audit import AuditEvent
from app.extensions import db
from tests import factories
from tests.workplans.helpers import open_step, post_step

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


OFFICER_AT, REVIEWER_AT = "198.51.100.7", "198.51.100.8"


def _client_from(app, user, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    assert client.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302
    return client


def test_every_audit_line_of_a_review_round_names_the_address_its_request_came_from(app, demo_plan, pk_officer):
    hq = factories.make_user("hq@example.org", "hq")
    db.session.commit()
    before = db.session.scalar(select(func.max(AuditEvent.id)))
    officer, reviewer = _client_from(app, pk_officer, OFFICER_AT), _client_from(app, hq, REVIEWER_AT)
    values = open_step(officer, demo_plan.id, "context")
    values["context_situation"] = "Rewritten situation"
    assert post_step(officer, demo_plan.id, "context", values).status_code == 302
    values = open_step(officer, demo_plan.id, "activities")
    values["outputs-0-activities-0-new_partner_name"] = "Lahore Legal Aid Society"
    assert post_step(officer, demo_plan.id, "activities", values).status_code == 302
    assert officer.post(f"/workplans/{demo_plan.id}/submit").status_code == 302
    comment = {"about": "section:context", "body": "Say more about the courts."}
    assert reviewer.post(f"/workplans/{demo_plan.id}/comments", data=comment).status_code == 302
    assert reviewer.post(f"/workplans/{demo_plan.id}/request-changes", data={"note": "See comment"}).status_code == 302

    db.session.expire_all()
    lines = db.session.execute(
        select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.ip_address).where(AuditEvent.id > before)
    ).all()
    expected = {pk_officer.id: OFFICER_AT, hq.id: REVIEWER_AT}
    assert {action for action, _, _ in lines} >= {
        "auth.login",
        "workplan.save_step",
        "partner.create",
        "workplan.submit",
        "comment.add",
        "workplan.request_changes",
    }
    assert [(action, address) for action, actor_id, address in lines if address != expected.get(actor_id)] == []
