"""Values no database takes — NUL and other control characters, ids past any integer column, odd numbers —
answer 400 or 404 with a page that says what to do, or a field error: never a 500, on SQLite and PostgreSQL."""

import re

import pytest
from sqlalchemy import func, select

from app.catalogue.models import Partner
from app.extensions import db
from app.review.models import Comment
from app.workplans.models import Workplan
from app.workplans.steps import STEPS
from tests import factories
from tests.pages import form_values, text_of
from tests.workplans.helpers import open_step, post_step, step_url

HUGE = [2**31, 2**63, 2**64]
CONTROL = ["\x00", "\x07", "\x1b"]
INVISIBLE = "invisible control characters"


def _int_rules(app):
    for rule in app.url_map.iter_rules():
        names = [name for name, converter in rule._converters.items() if type(converter).__name__ == "IntegerConverter"]
        if names:
            yield rule, names


@pytest.mark.parametrize("number", HUGE)
def test_an_id_too_large_for_any_row_is_404_on_every_route(app, users, sign_in, number):
    clients = {who: sign_in(users[who]) for who in ("off_iq", "hq", "admin")}
    checked = 0
    for rule, names in _int_rules(app):
        path = rule.rule
        for name in names:
            path = path.replace(f"<int:{name}>", str(number))
        path = path.replace("<step_key>", "context")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for client in clients.values():
                response = client.open(path, method=method, data={"body": "x", "note": "x"})
                assert response.status_code == 404, (path, method, response.status_code)
                checked += 1
    assert checked > 20


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize("argument", ["from", "to"])
def test_compare_refuses_a_revision_number_too_large(submitted_plan, users, sign_in, number, argument):
    response = sign_in(users["hq"]).get(f"/workplans/{submitted_plan.id}/compare?{argument}={number}")
    assert response.status_code == 400
    assert "out of range" in text_of(response.data)


@pytest.mark.parametrize("number", HUGE)
def test_a_meeting_pack_with_an_impossible_plan_id_is_refused(users, sign_in, iq_plan, number):
    response = sign_in(users["hq"]).post("/review/pack", data={"workplan_ids": [str(iq_plan.id), str(number)]})
    assert response.status_code == 400
    assert "out of range" in text_of(response.data)


@pytest.mark.parametrize("number", HUGE)
def test_approving_an_impossible_revision_is_refused(submitted_plan, users, sign_in, number):
    response = sign_in(users["hq"]).post(f"/workplans/{submitted_plan.id}/approve", data={"revision": str(number)})
    assert response.status_code == 400


@pytest.mark.parametrize("number", HUGE)
def test_a_step_row_with_an_impossible_id_is_refused(client, login, users, iq_plan, number):
    login(users["off_iq"])
    values = open_step(client, iq_plan.id, "risks")
    values["risks-0-id"] = str(number)
    values["risks-0-description"] = "Staff turnover"
    values["lock_version"] = str(number)
    response = post_step(client, iq_plan.id, "risks", values)
    assert response.status_code == 400
    assert "out of range" in text_of(response.data)


@pytest.mark.parametrize("character", CONTROL)
def test_sign_in_with_a_control_character_is_refused_with_a_message(client, users, character):
    for data in (
        {"email": f"off.iq@example.org{character}", "password": factories.PASSWORD},
        {"email": "off.iq@example.org", "password": f"wrong{character}password"},
    ):
        response = client.post("/login", data=data)
        assert response.status_code == 400
        assert INVISIBLE in text_of(response.data)


@pytest.mark.parametrize("character", CONTROL)
def test_a_comment_with_a_control_character_is_refused_and_given_back(users, sign_in, iq_plan, character):
    body = f"Please check the budget{character} of activity 2."
    response = sign_in(users["hq"]).post(
        f"/workplans/{iq_plan.id}/comments", data={"about": "section:summary", "body": body}
    )
    assert response.status_code == 400
    page = text_of(response.data)
    assert INVISIBLE in page and "Please check the budget of activity 2." in page
    assert db.session.scalar(select(func.count(Comment.id))) == 0


@pytest.mark.parametrize("character", CONTROL)
def test_admin_forms_refuse_control_characters(users, sign_in, character):
    admin = sign_in(users["admin"])
    new_user = {
        "email": "new@example.org",
        "name": f"New{character}Person",
        "role": "hq",
        "password": "a long enough password 2026",
    }
    assert admin.post("/admin/users/new", data=new_user).status_code == 400
    user_id = users["off_af"].id
    edit = {
        "name": f"Renamed{character}",
        "role": "officer",
        "country_ids": [str(users["off_af"].countries[0].id)],
        "is_active": "y",
    }
    assert admin.post(f"/admin/users/{user_id}/edit", data=edit).status_code == 400
    partner = {"name": f"Zebra{character} Agency", "short_name": "", "type": "government", "country_id": ""}
    response = admin.post("/admin/partners/new", data=partner)
    assert response.status_code == 400 and INVISIBLE in text_of(response.data)
    partner_id = db.session.scalar(select(Partner.id).order_by(Partner.id))
    assert admin.post(f"/admin/partners/{partner_id}/edit", data=partner).status_code == 400
    assert db.session.scalar(select(func.count(Partner.id)).where(Partner.name.contains("Zebra"))) == 0


@pytest.mark.parametrize("character", CONTROL)
def test_a_new_plan_with_a_control_character_is_refused(client, login, users, character):
    login(users["off_iq"])
    country_id = users["off_iq"].countries[0].id
    data = {
        "country_id": country_id,
        "title": f"Plan{character}",
        "period_start": "2026",
        "period_end": "2027",
        "source_workplan_id": "0",
    }
    response = client.post("/workplans/new", data=data)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Workplan.id))) == 0


def _fields_by_kind(values) -> dict[str, list[str]]:
    """Field names grouped by what they are, whatever their row: outputs-0-activities-3-location → outputs-N-activities-N-location."""
    kinds = {}
    for name in sorted(set(values) - {"csrf_token", "action"}):
        kinds.setdefault(re.sub(r"-\d+-", "-N-", name), []).append(name)
    return kinds


@pytest.mark.parametrize("step", [step.key for step in STEPS if step.form_class is not None])
def test_every_field_of_every_step_with_a_nul_gives_a_message_never_a_500(client, login, users, demo_plan, step):
    """The demo plan fills every step; each kind of field in turn gets a NUL in every row, save and autosave.

    The rows of a kind share their field class and the code that saves them, so one request per kind
    (not per row) reaches every field, at a tenth of the requests on the longer steps.
    """
    officer = factories.make_user("nul.pk@example.org", "officer", ["PK"])
    db.session.commit()
    login(officer)
    values = open_step(client, demo_plan.id, step)
    for kind, names in _fields_by_kind(values).items():
        changed = values.deepcopy()
        for name in names:
            changed.setlist(name, [value + "\x00" for value in values.getlist(name)])
        response = post_step(client, demo_plan.id, step, changed)
        # 302: a field that stores no text (a tick box) took its meaning and dropped the rest.
        assert response.status_code in (200, 302, 400, 409), (kind, response.status_code)
        if response.status_code == 200:
            assert "error" in text_of(response.data).lower(), kind
        autosave = client.post(step_url(demo_plan.id, step) + "/autosave", data=changed)
        assert autosave.status_code in (200, 400, 409, 422), (kind, autosave.status_code)
    db.session.expire_all()
    assert "\x00" not in repr(form_values(client.get(step_url(demo_plan.id, step)).data))


def test_a_step_text_with_a_control_character_is_refused_beside_the_field(client, login, users, iq_plan):
    login(users["off_iq"])
    values = open_step(client, iq_plan.id, "context")
    values["context_situation"] = "Routes through\x00 the border"
    response = post_step(client, iq_plan.id, "context", values)
    assert response.status_code == 200
    assert INVISIBLE in text_of(response.data)
    assert form_values(response.data)["context_situation"].startswith("Routes through")


def test_a_query_with_a_control_character_is_refused(client, login, users, iq_plan):
    login(users["off_iq"])
    response = client.get(f"/workplans/{iq_plan.id}/?tab=%00")
    assert response.status_code == 400


@pytest.mark.parametrize("amount", ["sNaN", "NaN", "-NaN", "Infinity", "-Infinity", "1e999", "inf"])
def test_a_budget_that_is_no_number_gets_a_field_error(client, login, demo_plan, pk_officer, amount):
    login(pk_officer)
    values = open_step(client, demo_plan.id, "activities")
    field = next(name for name in values if name.endswith("-budget_eur"))
    values[field] = amount
    response = post_step(client, demo_plan.id, "activities", values)
    assert response.status_code == 200
    page = text_of(response.data)
    assert "Enter the amount in euros as digits" in page or "Enter an amount from 0 to 100,000,000" in page
    assert form_values(response.data)[field] == amount
    autosave = client.post(step_url(demo_plan.id, "activities") + "/autosave", data=values)
    assert autosave.status_code == 422
