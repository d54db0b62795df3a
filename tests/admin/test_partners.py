"""Administrators add, edit and confirm partners; the services behind the pages."""

import pytest
from sqlalchemy import func, select

from app.catalogue.models import Partner, PartnerType
from app.catalogue.services import DuplicatePartner, confirm_partner, create_partner, update_partner
from app.errors import DomainError
from app.extensions import db

FIA = "Federal Investigation Agency (Pakistan)"


def find_partner(name: str) -> Partner | None:
    db.session.expire_all()
    return db.session.scalar(select(Partner).where(Partner.name == name))


def partner_count() -> int:
    return db.session.scalar(select(func.count(Partner.id)))


@pytest.fixture
def proposed(users):
    """A partner an officer of Iraq proposed while drafting, awaiting confirmation."""
    partner = create_partner(
        "Kurdistan Region anti-trafficking directorate",
        "",
        PartnerType.GOVERNMENT,
        users["off_iq"].countries[0],
        actor=users["off_iq"],
        confirmed=False,
    )
    db.session.commit()
    return partner


def test_the_list_shows_every_partner_and_those_awaiting_first(admin_client, proposed):
    page = admin_client.get("/admin/partners/").get_data(as_text=True)
    assert page.count("/edit") == partner_count()
    assert page.index(proposed.name) < page.index("European Union")
    assert page.count("Awaiting confirmation") == 1 and "proposed by off.iq" in page
    assert f'action="/admin/partners/{proposed.id}/confirm"' in page
    assert "National authority" in page and "International" in page
    assert "1 proposed by officers and awaiting confirmation" in admin_client.get("/admin/").get_data(as_text=True)


def test_admin_adds_a_national_partner(admin_client, users, country_ids, audit_events):
    data = {"name": "  Pakistan Bar Council  ", "short_name": "PBC", "type": "civil_society"}
    data["country_id"] = country_ids["PK"]
    response = admin_client.post("/admin/partners/new", data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/partners/"
    partner = find_partner("Pakistan Bar Council")
    assert partner.short_name == "PBC" and partner.type == PartnerType.CIVIL_SOCIETY
    assert partner.country.code == "PK" and partner.is_confirmed and partner.proposed_by_id is None
    (event,) = audit_events("partner.create")
    assert event.actor_id == users["admin"].id and event.object_id == partner.id and event.details["country"] == "PK"


def test_admin_adds_an_international_partner_without_a_country(admin_client, users):
    data = {"name": "Council of Europe", "short_name": "", "type": "international", "country_id": ""}
    response = admin_client.post("/admin/partners/new", data=data)
    assert response.status_code == 302
    partner = find_partner("Council of Europe")
    assert partner.country_id is None and partner.type == PartnerType.INTERNATIONAL


def test_a_duplicate_name_is_refused_and_the_typed_values_kept(admin_client, users, country_ids, audit_events):
    before = partner_count()
    response = admin_client.post(
        "/admin/partners/new",
        data={"name": FIA.upper(), "short_name": "FIA-2", "type": "government", "country_id": country_ids["PK"]},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="name-error">A partner called' in page and "already exists" in page
    assert 'value="FIA-2"' in page and f'<option selected value="{country_ids["PK"]}">Pakistan' in page
    assert partner_count() == before and audit_events("partner.create") == []


def test_admin_edits_a_partner(admin_client, users, audit_events):
    partner = find_partner("Afghan civil society network against trafficking")
    form = admin_client.get(f"/admin/partners/{partner.id}/edit").get_data(as_text=True)
    assert f'value="{partner.name}"' in form and f'<option selected value="{partner.country_id}">Afghanistan' in form

    data = {"name": "Afghan Women's Network", "short_name": "AWN", "type": "civil_society"}
    data["country_id"] = partner.country_id
    response = admin_client.post(f"/admin/partners/{partner.id}/edit", data=data)

    assert response.status_code == 302
    edited = find_partner("Afghan Women's Network")
    assert edited.id == partner.id and edited.short_name == "AWN"
    assert find_partner("Afghan civil society network against trafficking") is None
    (event,) = audit_events("partner.update")
    assert event.object_id == partner.id and event.details["name"] == "Afghan Women's Network"


def test_saving_a_partner_under_its_own_name_is_no_duplicate(admin_client, users):
    partner = find_partner(FIA)
    response = admin_client.post(
        f"/admin/partners/{partner.id}/edit",
        data={"name": FIA, "short_name": "FIA", "type": "government", "country_id": ""},
    )
    assert response.status_code == 302
    assert find_partner(FIA).country_id is None


def test_renaming_a_partner_to_another_partners_name_is_refused(admin_client, users, audit_events):
    partner = find_partner("Ministry of Interior (Pakistan)")
    response = admin_client.post(
        f"/admin/partners/{partner.id}/edit",
        data={"name": FIA, "short_name": "MoI", "type": "government", "country_id": partner.country_id},
    )
    assert response.status_code == 200
    assert "already exists" in response.get_data(as_text=True)
    assert find_partner("Ministry of Interior (Pakistan)").id == partner.id
    assert audit_events("partner.update") == []


def test_admin_confirms_a_proposed_partner(admin_client, users, proposed, audit_events):
    assert proposed.is_confirmed is False and proposed.proposed_by_id == users["off_iq"].id

    response = admin_client.post(f"/admin/partners/{proposed.id}/confirm")

    assert response.status_code == 302 and response.headers["Location"] == "/admin/partners/"
    assert find_partner(proposed.name).is_confirmed is True
    (event,) = audit_events("partner.confirm")
    assert event.actor_id == users["admin"].id and event.object_id == proposed.id
    assert "Awaiting confirmation" not in admin_client.get("/admin/partners/").get_data(as_text=True)


def test_services_flush_but_never_commit(users):
    partner = create_partner("Council of Europe", "CoE", PartnerType.INTERNATIONAL, None, actor=users["admin"])
    assert partner.id is not None
    db.session.rollback()
    assert find_partner("Council of Europe") is None


def test_duplicates_raise_a_domain_error_naming_the_field(users):
    before = partner_count()
    with pytest.raises(DuplicatePartner) as raised:
        create_partner(FIA.lower(), "", PartnerType.GOVERNMENT, None, actor=users["admin"])
    assert isinstance(raised.value, DomainError) and raised.value.field == "name"
    other = find_partner("Ministry of Interior (Pakistan)")
    with pytest.raises(DuplicatePartner):
        update_partner(other, f" {FIA} ", "", PartnerType.GOVERNMENT, None, actor=users["admin"])
    assert partner_count() == before


def test_confirming_twice_changes_nothing_the_second_time(users, proposed, audit_events):
    confirm_partner(proposed, actor=users["admin"])
    confirm_partner(proposed, actor=users["admin"])
    db.session.commit()
    assert find_partner(proposed.name).is_confirmed
    assert len(audit_events("partner.confirm")) == 1
