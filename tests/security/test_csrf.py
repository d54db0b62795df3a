"""Every state-changing request needs a valid CSRF token, and state changes only by POST."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.review.models import AuditEvent
from tests.security.test_access_matrix import ROUTES, _url

POST_ROUTES = [(key, rule) for key, rule, _ in ROUTES if key.endswith(" POST")]
ACTIONS = {"auth.logout", "review.submit", "review.approve", "review.request_changes_view", "review.revise",
           "review.comment", "review.reply", "review.resolve", "review.mark_notifications_read"}


def test_actions_answer_only_to_post():
    get_routes = {key.split()[0] for key, _, _ in ROUTES if key.endswith(" GET")}
    assert ACTIONS & get_routes == set()


@pytest.mark.parametrize("key, rule", POST_ROUTES, ids=[key for key, _ in POST_ROUTES])
@pytest.mark.parametrize("who", ["officer_own", "hq", "admin"])
def test_a_post_without_a_valid_token_changes_nothing(app, scene, key, rule, who):
    people, values = scene
    client = app.test_client()
    assert client.post("/login", data={"email": people[who].email, "password": "correct horse battery staple"}).status_code == 302
    app.config["WTF_CSRF_ENABLED"] = True
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    for token in (None, "forged-token"):
        data = {"note": "x", "body": "x", "about": "section:summary", "revision": "1", "csrf_token": token}
        response = client.post(_url(rule, values), data={k: v for k, v in data.items() if v is not None})
        assert response.status_code == 400, (key, token)
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before
