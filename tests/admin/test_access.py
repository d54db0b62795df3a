"""Only administrators reach the administration pages; the rule covers every admin route."""

import pytest
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.auth.models import User
from app.catalogue.models import Partner
from app.extensions import db


def admin_requests(app, user_id: int, partner_id: int) -> list[tuple[str, str]]:
    """Every (method, URL) the admin blueprint answers, built from the URL map."""
    adapter = app.url_map.bind("localhost")
    ids = {"user_id": user_id, "partner_id": partner_id}
    requests = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            url = adapter.build(rule.endpoint, {name: ids[name] for name in rule.arguments})
            requests += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return requests


def database_state() -> tuple:
    """What an admin action could change: accounts, partners and non-sign-in audit lines."""
    return (
        list(db.session.execute(select(User.id, User.name, User.role, User.is_active, User.password_hash)).all()),
        list(db.session.execute(select(Partner.id, Partner.name, Partner.is_confirmed)).all()),
        db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.not_like("auth.%"))),
    )


ATTEMPT = {
    "email": "intruder@example.org",
    "name": "Intruder",
    "role": "admin",
    "is_active": "",
    "password": "a long enough passphrase",
    "new_password": "a long enough passphrase",
    "type": "donor",
}


def test_the_url_map_has_every_admin_page(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")}
    assert endpoints == {
        "admin.index",
        "admin.users",
        "admin.new_user",
        "admin.edit_user",
        "admin.reset_password",
        "admin.partners",
        "admin.new_partner",
        "admin.edit_partner",
        "admin.confirm",
    }


@pytest.mark.parametrize("role", ["off_iq", "hq"])
def test_officers_and_hq_get_403_on_every_admin_url(app, client, users, login, role):
    partner = db.session.scalars(select(Partner)).first()
    partner.is_confirmed = False
    db.session.commit()
    login(users[role])
    before = database_state()
    requests = admin_requests(app, users["off_af"].id, partner.id)
    assert len(requests) >= 13
    for method, url in requests:
        response = client.open(url, method=method, data=ATTEMPT if method == "POST" else None)
        assert response.status_code == 403, (method, url)
    db.session.expire_all()
    assert database_state() == before


def test_anonymous_visitors_are_sent_to_sign_in(app, users, login):
    login(users["admin"])  # in another browser: it must not leak into this one
    visitor = app.test_client()
    partner = db.session.scalars(select(Partner)).first()
    before = database_state()
    for method, url in admin_requests(app, users["off_af"].id, partner.id):
        response = visitor.open(url, method=method, data=ATTEMPT if method == "POST" else None)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login"), (method, url)
    db.session.expire_all()
    assert database_state() == before


def test_the_administrator_reaches_every_admin_page(app, admin_client, users):
    partner = db.session.scalars(select(Partner)).first()
    before = database_state()
    for method, url in admin_requests(app, users["off_af"].id, partner.id):
        if method == "GET":
            assert admin_client.get(url).status_code == 200, url
    assert database_state() == before


def test_missing_accounts_and_partners_are_404(admin_client):
    before = database_state()
    assert admin_client.get("/admin/users/9999/edit").status_code == 404
    assert admin_client.post("/admin/users/9999/password", data={"new_password": "x" * 20}).status_code == 404
    assert admin_client.get("/admin/partners/9999/edit").status_code == 404
    assert admin_client.post("/admin/partners/9999/confirm").status_code == 404
    assert database_state() == before


def test_state_changes_are_post_only_and_need_a_csrf_token(app, admin_client, users):
    app.config["WTF_CSRF_ENABLED"] = True
    page = admin_client.get(f"/admin/users/{users['off_iq'].id}/edit").get_data(as_text=True)
    assert page.count('name="csrf_token"') == 3  # the two forms and sign-out
    partner = db.session.scalars(select(Partner)).first()
    partner.is_confirmed = False
    db.session.commit()
    assert 'name="csrf_token"' in admin_client.get("/admin/partners/").get_data(as_text=True)

    assert admin_client.get(f"/admin/partners/{partner.id}/confirm").status_code == 405
    assert admin_client.post(f"/admin/partners/{partner.id}/confirm").status_code == 400
    response = admin_client.post(
        f"/admin/users/{users['off_iq'].id}/edit", data={"name": "Changed", "role": "officer", "is_active": "y"}
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert partner.is_confirmed is False
    assert users["off_iq"].name == "off.iq"
