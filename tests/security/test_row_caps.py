"""Lists of rows have caps: a POST of thousands of rows is refused naming the list and its cap, never a huge page."""

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.workplans.forms import ROW_CAPS
from app.workplans.models import Activity, Risk
from tests.pages import form_values, text_of
from tests.workplans.helpers import open_step, post_step, step_url


def _risks(values: MultiDict, count: int) -> MultiDict:
    data = MultiDict((k, v) for k, v in values.items(multi=True) if not k.startswith("risks-"))
    for number in range(count):
        data.add(f"risks-{number}-id", "")
        data.add(f"risks-{number}-description", f"Risk number {number}")
        data.add(f"risks-{number}-mitigation", "Watch it")
        data.add(f"risks-{number}-owner", "Officer")
    return data


def _risk_count(plan_id: int) -> int:
    return db.session.scalar(select(func.count(Risk.id)).where(Risk.workplan_id == plan_id))


def test_twenty_thousand_risks_are_refused_with_the_cap_and_the_first_rows_back(client, login, demo_plan, pk_officer):
    login(pk_officer)
    before = _risk_count(demo_plan.id)
    response = post_step(client, demo_plan.id, "risks", _risks(open_step(client, demo_plan.id, "risks"), 20_000))
    assert response.status_code == 200
    page = text_of(response.data)
    assert f"At most {ROW_CAPS['risks']} risks fit here; 20,000 were sent" in page
    assert len(response.data) < 3_000_000
    shown = form_values(response.data)
    assert shown[f"risks-{ROW_CAPS['risks'] - 1}-description"] == f"Risk number {ROW_CAPS['risks'] - 1}"
    assert f"risks-{ROW_CAPS['risks']}-description" not in shown
    assert _risk_count(demo_plan.id) == before


def test_autosave_of_too_many_rows_is_refused_with_the_cap(client, login, demo_plan, pk_officer):
    login(pk_officer)
    data = _risks(open_step(client, demo_plan.id, "risks"), ROW_CAPS["risks"] + 1)
    response = client.post(step_url(demo_plan.id, "risks") + "/autosave", data=data)
    assert response.status_code == 422
    assert any(f"At most {ROW_CAPS['risks']} risks" in error for error in response.get_json()["errors"])


def test_a_list_at_its_cap_saves(client, login, demo_plan, pk_officer):
    login(pk_officer)
    data = _risks(open_step(client, demo_plan.id, "risks"), ROW_CAPS["risks"])
    assert post_step(client, demo_plan.id, "risks", data).status_code == 302
    assert _risk_count(demo_plan.id) == ROW_CAPS["risks"]


def test_one_activity_past_the_cap_of_an_output_is_refused(client, login, demo_plan, pk_officer):
    login(pk_officer)
    values = open_step(client, demo_plan.id, "activities")
    before = db.session.scalar(select(func.count(Activity.id)))
    for number in range(ROW_CAPS["activities"] + 1):
        values.add(f"outputs-0-activities-{1000 + number}-id", "")
        values.add(f"outputs-0-activities-{1000 + number}-description", f"Training {number}")
    response = post_step(client, demo_plan.id, "activities", values)
    assert response.status_code == 200
    assert f"At most {ROW_CAPS['activities']} activities per output fit here" in text_of(response.data)
    assert db.session.scalar(select(func.count(Activity.id))) == before


def test_too_many_ticked_partners_are_refused(client, login, demo_plan, pk_officer):
    login(pk_officer)
    values = open_step(client, demo_plan.id, "activities")
    values.setlist("outputs-0-activities-0-partner_ids", [str(n) for n in range(1, ROW_CAPS["partners"] + 2)])
    response = post_step(client, demo_plan.id, "activities", values)
    assert response.status_code == 200
    assert f"Tick at most {ROW_CAPS['partners']} partners" in text_of(response.data)


@pytest.mark.parametrize("index", ["9" * 5000, "²", "１"])
def test_a_row_index_no_page_makes_is_ignored_not_a_500(client, login, demo_plan, pk_officer, index):
    login(pk_officer)
    values = open_step(client, demo_plan.id, "risks")
    values.add(f"risks-{index}-description", "Odd row")
    response = post_step(client, demo_plan.id, "risks", values)
    assert response.status_code in (200, 302)
