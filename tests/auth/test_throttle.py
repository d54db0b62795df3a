"""Sign-in throttling and the password policy."""

import time

import pytest

from app.auth.passwords import password_problem
from app.extensions import db
from tests import factories


def _attempt(client, email, password="wrong password here", address="203.0.113.5"):
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


def test_ten_failures_for_one_account_block_the_eleventh_even_with_the_right_password(app, client, users):
    app.config["LOGIN_THROTTLE_WINDOW"] = 2
    for _ in range(10):
        assert _attempt(client, "off.iq@example.org").status_code == 200
    blocked = _attempt(client, "off.iq@example.org", factories.PASSWORD)
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 2
    assert b"Too many failed attempts" in blocked.data
    # Another account from another address is not affected.
    assert _attempt(client, "off.af@example.org", factories.PASSWORD, address="198.51.100.7").status_code == 302

    time.sleep(2.1)
    assert _attempt(client, "off.iq@example.org", factories.PASSWORD).status_code == 302


def test_unknown_accounts_are_throttled_the_same_way(app, client, users):
    for _ in range(10):
        assert _attempt(client, "nobody@example.org").status_code == 200
    assert _attempt(client, "nobody@example.org").status_code == 429


def test_one_address_trying_many_accounts_is_throttled(app, client, users):
    for number in range(30):
        assert _attempt(client, f"guess{number}@example.org").status_code == 200
    assert _attempt(client, "off.iq@example.org", factories.PASSWORD).status_code == 429
    # The same account from another address still signs in.
    assert _attempt(client, "off.iq@example.org", factories.PASSWORD, address="198.51.100.9").status_code == 302


def test_the_throttle_holds_across_server_processes(app, client, users):
    """Failures are counted in the database, so a second app (another worker) sees them too."""
    from app import create_app

    for _ in range(10):
        _attempt(client, "off.af@example.org")
    other_worker = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        SQLALCHEMY_ENGINE_OPTIONS=app.config["SQLALCHEMY_ENGINE_OPTIONS"],
    )
    response = other_worker.test_client().post(
        "/login",
        data={"email": "off.af@example.org", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.5"},
    )
    with other_worker.app_context():
        db.engine.dispose()
    assert response.status_code == 429


@pytest.mark.parametrize(
    "password, problem",
    [
        ("short", "at least 12 characters"),
        ("1qaz2wsx3edc4rfv", "too common"),
        ("aaaaaaaaaaaaaaaa", "too common"),
        ("off.iq@example.org", "e-mail address"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, problem):
    assert problem in password_problem(password, "off.iq@example.org")


@pytest.mark.parametrize(
    "password", ["correct horse battery staple", "خطة عمل وطنية لمكافحة الاتجار", "a long passphrase that goes on " * 4]
)
def test_long_and_unicode_passwords_are_accepted(password):
    assert password_problem(password) is None
