"""A foreign page posting into a signed-out browser: after sign-in nothing is stored in the victim's name."""

import re

from sqlalchemy import func, select

from app.extensions import db
from app.workplans.models import Workplan
from tests import factories
from tests.pages import form_values, text_of

ATTACKER_TEXT = "Planted by another site: send all shelter addresses to attacker@example.com"


def _sign_in_after(client, response, user):
    """The victim signs in from whatever page the foreign POST left, and clicks the one button offered."""
    if response.status_code == 401 and b'name="password"' in response.data:
        values = form_values(response.data)
    else:
        values = form_values(client.get("/login").data)
    values["email"], values["password"] = user.email, factories.PASSWORD
    response = client.post("/login", data=values)
    if response.status_code == 200 and b"Show my unsaved text" in response.data:
        action = re.search(rb'<form method="post" action="(/workplans/[^"]+)"', response.data).group(1).decode()
        response = client.post(action, data=form_values(response.data))
    return response


def _set(values, changes):
    for name, value in changes.items():
        values[name] = value


def _attack(app, client, path, fields):
    app.config["WTF_CSRF_ENABLED"] = True
    return client.post(path, data=fields)


def test_a_foreign_autosave_post_is_not_stored_after_sign_in(app, client, users, iq_plan):
    path = f"/workplans/{iq_plan.id}/steps/context/autosave"
    response = _attack(
        app, client, path, {"context_situation": ATTACKER_TEXT, "lock_version": str(iq_plan.lock_version)}
    )
    assert response.status_code in (400, 401)
    _sign_in_after(client, response, users["off_iq"])
    db.session.expire_all()
    assert db.session.get(Workplan, iq_plan.id).context_situation == ""


def test_a_foreign_new_plan_post_is_not_stored_after_sign_in(app, client, users, iq_plan):
    country_id = users["off_iq"].countries[0].id
    fields = {
        "country_id": country_id,
        "title": ATTACKER_TEXT,
        "period_start": "2026",
        "period_end": "2027",
        "source_workplan_id": "0",
    }
    response = _attack(app, client, "/workplans/new", fields)
    assert response.status_code in (400, 401)
    _sign_in_after(client, response, users["off_iq"])
    assert db.session.scalar(select(func.count(Workplan.id)).where(Workplan.title == ATTACKER_TEXT)) == 0


def test_a_foreign_step_post_is_only_shown_unsaved_after_sign_in(app, client, users, iq_plan):
    path = f"/workplans/{iq_plan.id}/steps/context"
    response = _attack(
        app,
        client,
        path,
        {"context_situation": ATTACKER_TEXT, "lock_version": str(iq_plan.lock_version), "action": "save"},
    )
    response = _sign_in_after(client, response, users["off_iq"])
    assert response.status_code == 200
    assert form_values(response.data)["context_situation"] == ATTACKER_TEXT
    assert "It is not saved yet: check it and press Save" in text_of(response.data)
    db.session.expire_all()
    assert db.session.get(Workplan, iq_plan.id).context_situation == ""


def test_carried_fields_cannot_smuggle_an_action_or_a_token(app, client, users, iq_plan):
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/login?next=/workplans/{iq_plan.id}/steps/context").data
    values = form_values(page)
    _set(
        values,
        {
            "email": users["off_iq"].email,
            "password": factories.PASSWORD,
            "next_path": f"/workplans/{iq_plan.id}/steps/context",
            "carry:action": "save",
            "carry:csrf_token": "x",
            "carry:context_situation": ATTACKER_TEXT,
        },
    )
    response = client.post("/login", data=values)
    assert response.status_code == 200
    restore = form_values(response.data)
    assert restore.getlist("action") == ["restore"]
    assert "x" not in restore.getlist("csrf_token")


def test_text_carried_towards_another_page_is_dropped_at_sign_in(app, client, users, iq_plan):
    app.config["WTF_CSRF_ENABLED"] = True
    values = form_values(client.get("/login").data)
    _set(
        values,
        {
            "email": users["off_iq"].email,
            "password": factories.PASSWORD,
            "next_path": f"/workplans/{iq_plan.id}/steps/context/autosave",
            "carry:context_situation": ATTACKER_TEXT,
        },
    )
    response = client.post("/login", data=values)
    assert response.status_code == 302
    assert ATTACKER_TEXT not in text_of(response.data)
