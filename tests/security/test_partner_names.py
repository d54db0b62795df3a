"""Proposing a partner while drafting never tells an officer about another country's partners."""

from sqlalchemy import func, select

from app.auth.services import countries_by_code
from app.catalogue.models import Partner, PartnerType
from app.catalogue.services import create_partner
from app.extensions import db
from app.workplans.models import Workplan
from tests.pages import text_of
from tests.workplans.helpers import open_step, post_step

SECRET_NAME = "Basra Shelter for Women"


def test_a_name_taken_by_another_countrys_partner_is_refused_without_saying_whose(
    client, login, users, demo_plan, pk_officer
):
    (iraq,) = countries_by_code(["IQ"])
    create_partner(SECRET_NAME, "BSW", PartnerType.CIVIL_SOCIETY, iraq, actor=users["admin"])
    db.session.commit()
    login(pk_officer)
    values = open_step(client, demo_plan.id, "activities")
    assert SECRET_NAME not in text_of(client.get(f"/workplans/{demo_plan.id}/steps/activities").data)
    values["outputs-0-activities-0-new_partner_name"] = SECRET_NAME.lower()
    values["outputs-0-activities-0-new_partner_type"] = "civil_society"
    response = post_step(client, demo_plan.id, "activities", values)
    page = text_of(response.data)
    assert response.status_code == 200
    assert "cannot be proposed as a new partner" in page
    for hint in ("another country", "Iraq", "BSW", "exists"):
        assert hint not in page, hint
    assert db.session.scalar(select(func.count(Partner.id)).where(func.lower(Partner.name) == SECRET_NAME.lower())) == 1
    db.session.expire_all()
    assert all(p.name != SECRET_NAME for a in db.session.get(Workplan, demo_plan.id).activities for p in a.partners)
