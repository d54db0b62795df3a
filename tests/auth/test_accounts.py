"""Accounts: password storage, sign-in, sign-out and revocation."""

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from app import create_app
from app.audit import AuditEvent
from app.auth.models import User
from app.auth.passwords import hash_password, verify_password
from app.extensions import db
from config import DevelopmentConfig
from tests import factories

OWASP_PREFIX = "$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture(params=["development", "production"])
def served_app(request, monkeypatch):
    """The app as development or production configure it (not the suite's cheap hashing)."""
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    app = create_app(request.param)
    with app.app_context():
        yield app


def test_passwords_are_argon2id_with_owasp_parameters_not_library_defaults(served_app):
    stored = hash_password(factories.PASSWORD)
    assert stored.startswith(OWASP_PREFIX)
    assert "m=65536,t=3,p=4" not in stored
    assert factories.PASSWORD not in stored
    assert verify_password(stored, factories.PASSWORD)


def test_an_unknown_account_costs_one_verification_at_the_owasp_parameters(served_app, monkeypatch):
    checked = []
    real_verify = PasswordHasher.verify

    def spy(hasher, stored, password):
        checked.append(stored)
        return real_verify(hasher, stored, password)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    assert verify_password(None, factories.PASSWORD) is False
    (dummy,) = checked
    assert dummy.startswith(OWASP_PREFIX)


def test_the_suite_hashes_with_the_configured_parameters(app, users):
    parameters = app.config["PASSWORD_ARGON2"]
    stored = users["hq"].password_hash
    assert stored.startswith("$argon2id$v=19$m={memory_cost},t={time_cost},p={parallelism}$".format(**parameters))
    assert factories.PASSWORD not in stored and verify_password(stored, factories.PASSWORD)


def test_a_hash_made_with_other_parameters_is_upgraded_at_the_next_sign_in(app, client, users, login):
    app.config["PASSWORD_ARGON2"] = DevelopmentConfig.PASSWORD_ARGON2
    old_hash = users["off_iq"].password_hash
    login(users["off_iq"])
    db.session.expire_all()
    new_hash = db.session.get(User, users["off_iq"].id).password_hash
    assert new_hash != old_hash and new_hash.startswith(OWASP_PREFIX)
    assert verify_password(new_hash, factories.PASSWORD)


def test_a_hash_at_the_current_parameters_is_kept_at_sign_in(client, users, login):
    old_hash = users["off_iq"].password_hash
    login(users["off_iq"])
    db.session.expire_all()
    assert db.session.get(User, users["off_iq"].id).password_hash == old_hash


def test_sign_in_with_the_right_password(client, users, login):
    response = login(users["off_iq"])
    assert response.headers["Location"] == "/workplans/"
    assert client.get("/workplans/").status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_answer(client, users):
    wrong = client.post("/login", data={"email": "off.iq@example.org", "password": "not the password!"})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "not the password!"})
    assert wrong.status_code == unknown.status_code == 200
    assert b"The e-mail address or password is not right." in wrong.data
    assert wrong.data.replace(b"off.iq@example.org", b"X") == unknown.data.replace(b"nobody@example.org", b"X")


def test_sign_in_is_case_insensitive_on_email(client, users):
    response = client.post("/login", data={"email": "OFF.IQ@Example.org", "password": factories.PASSWORD})
    assert response.status_code == 302


def test_pages_need_sign_in(client, users):
    response = client.get("/workplans/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_logout_is_post_only_and_kills_copied_cookies(app, client, users, login):
    login(users["off_iq"], remember=True)
    copied = app.test_client()
    for cookie in client._cookies.values():
        copied.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    assert copied.get("/workplans/").status_code == 200

    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert copied.get("/workplans/").status_code == 302


def test_a_disabled_user_is_signed_out_on_the_next_request(client, users, login):
    login(users["off_iq"])
    assert client.get("/workplans/").status_code == 200
    users["off_iq"].is_active = False
    db.session.commit()
    assert client.get("/workplans/").status_code == 302


def test_disabled_users_cannot_sign_in(client, users):
    users["off_af"].is_active = False
    db.session.commit()
    response = client.post("/login", data={"email": "off.af@example.org", "password": factories.PASSWORD})
    assert response.status_code == 200


def test_next_parameter_never_leaves_the_site(client, users):
    response = client.post(
        "/login?next=https://evil.example/", data={"email": "off.iq@example.org", "password": factories.PASSWORD}
    )
    assert response.headers["Location"] == "/workplans/"


def test_change_own_password(client, users, login):
    login(users["off_iq"])
    response = client.post(
        "/account/password",
        data={
            "current_password": factories.PASSWORD,
            "new_password": "a new long passphrase here",
            "confirm_password": "a new long passphrase here",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "off.iq@example.org"))
    db.session.refresh(user)
    assert verify_password(user.password_hash, "a new long passphrase here")
    assert client.get("/workplans/").status_code == 200


def test_a_short_new_password_is_refused_with_a_reason(client, users, login):
    login(users["off_iq"])
    response = client.post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "new_password": "short", "confirm_password": "short"},
    )
    assert response.status_code == 200
    assert b"at least 12 characters" in response.data


def test_sign_in_and_failures_are_audited(client, users, login):
    client.post("/login", data={"email": "off.iq@example.org", "password": "wrong password here"})
    login(users["off_iq"])
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert "auth.login_failed" in actions and actions[-1] == "auth.login"
