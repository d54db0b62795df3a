"""Many wrong passwords at the same moment: no more are checked than the throttle allows."""

import threading

from sqlalchemy import func, select

from app.audit import AuditEvent
from app.extensions import db

ATTEMPTS = 25


def _at_once(app, attempts):
    """POST every (email, address) to /login at the same moment; return the status codes."""
    start = threading.Barrier(len(attempts))
    codes = []

    def attempt(email, address):
        client = app.test_client()
        start.wait()
        response = client.post(
            "/login", data={"email": email, "password": "wrong password here"}, environ_base={"REMOTE_ADDR": address}
        )
        codes.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=pair) for pair in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return codes


def _count(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def test_simultaneous_wrong_passwords_for_one_account_check_at_most_the_limit(app, users):
    limit = app.config["LOGIN_THROTTLE_PER_ACCOUNT"]
    attempts = [("off.iq@example.org", f"203.0.113.{number}") for number in range(ATTEMPTS)]
    codes = _at_once(app, attempts)
    assert sorted(codes) == [200] * limit + [429] * (ATTEMPTS - limit)
    assert _count("auth.login_failed") == limit
    assert _count("auth.login_throttled") == ATTEMPTS - limit


def test_simultaneous_wrong_passwords_from_one_address_check_at_most_the_limit(app, users):
    app.config["LOGIN_THROTTLE_PER_ADDRESS"] = 12
    attempts = [(f"guess{number}@example.org", "198.51.100.4") for number in range(ATTEMPTS)]
    codes = _at_once(app, attempts)
    assert sorted(codes) == [200] * 12 + [429] * (ATTEMPTS - 12)
    assert _count("auth.login_failed") == 12
