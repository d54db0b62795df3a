"""Accounts: password storage, sign-in, sign-out and revocation."""

from sqlalchemy import select

from app.audit import AuditEvent
from app.auth.models import User
from app.auth.passwords import HASHER
from app.extensions import db
from tests import factories


def test_passwords_are_argon2id_with_owasp_parameters_not_library_defaults(users):
    stored = users["hq"].password_hash
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert "m=65536,t=3,p=4" not in stored
    assert factories.PASSWORD not in stored
    assert HASHER.verify(stored, factories.PASSWORD)


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
    assert HASHER.verify(user.password_hash, "a new long passphrase here")
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
