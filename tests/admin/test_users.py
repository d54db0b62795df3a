"""Administrators create accounts, change roles and countries, disable accounts, reset passwords."""

from contextlib import contextmanager

from sqlalchemy import event, func, select

from app.auth.models import Role, User
from app.auth.passwords import verify_password
from app.extensions import db
from tests import factories

NEW_PASSWORD = "rivers of the hindu kush"


def find_user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def new_officer(ids: dict, **overrides) -> dict:
    """The new-user form for an officer of Iraq and Afghanistan."""
    data = {
        "email": "Layla.Hassan@Example.org",
        "name": "Layla Hassan",
        "role": "officer",
        "country_ids": [ids["IQ"], ids["AF"]],
        "password": NEW_PASSWORD,
    }
    return data | overrides


def details(user: User, **overrides) -> dict:
    """The edit form as the administrator would submit it unchanged."""
    data = {
        "name": user.name,
        "role": user.role.value,
        "country_ids": [country.id for country in user.countries],
        "is_active": "y" if user.is_active else "",
    }
    return data | overrides


def test_the_list_shows_every_account(admin_client, users):
    users["off_af"].is_active = False
    db.session.commit()
    page = admin_client.get("/admin/users/").get_data(as_text=True)
    assert page.count("/edit") == user_count() == 4
    assert "National project officer" in page and "HQ reviewer" in page and "Administrator" in page
    assert "Iraq" in page and "Afghanistan" in page
    assert page.count("badge--disabled") == 1
    assert 'href="/admin/users/new"' in page
    assert "4 accounts, 3 of them active." in admin_client.get("/admin/").get_data(as_text=True)


@contextmanager
def counted_statements():
    """Count the SQL statements run inside the block."""
    statements = []

    def count(*args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_the_lists_take_a_fixed_number_of_statements(admin_client, users):
    db.session.expire_all()  # requests share this session: start from nothing loaded
    with counted_statements() as few:
        assert admin_client.get("/admin/users/").status_code == 200
        assert admin_client.get("/admin/partners/").status_code == 200
    for number in range(4):
        factories.make_user(f"officer{number}@example.org", "officer", ["PK", "BD"])
    db.session.commit()
    db.session.expire_all()
    with counted_statements() as more:
        page = admin_client.get("/admin/users/").get_data(as_text=True)
        assert admin_client.get("/admin/partners/").status_code == 200
    assert "officer3@example.org" in page and user_count() == 8
    assert len(more) == len(few)


def test_admin_creates_an_officer_with_two_countries(admin_client, users, country_ids, audit_events):
    form = admin_client.get("/admin/users/new").get_data(as_text=True)
    assert "Only for national project officers" in form

    response = admin_client.post("/admin/users/new", data=new_officer(country_ids))

    assert response.status_code == 302 and response.headers["Location"] == "/admin/users/"
    user = find_user("layla.hassan@example.org")
    assert user.name == "Layla Hassan" and user.role == Role.OFFICER and user.is_active
    assert [country.code for country in user.countries] == ["AF", "IQ"]
    assert user.password_hash.startswith("$argon2id$") and NEW_PASSWORD not in user.password_hash
    assert verify_password(user.password_hash, NEW_PASSWORD)
    (event,) = [event for event in audit_events("user.create") if event.object_id == user.id]
    assert event.actor_id == users["admin"].id and event.details["countries"] == ["AF", "IQ"]
    assert "Account created for layla.hassan@example.org" in admin_client.get("/admin/users/").get_data(as_text=True)


def test_hq_and_administrators_serve_no_country(admin_client, users, country_ids):
    response = admin_client.post("/admin/users/new", data=new_officer(country_ids, role="hq"))
    assert response.status_code == 302
    user = find_user("layla.hassan@example.org")
    assert user.role == Role.HQ and user.countries == []


def test_an_officer_without_a_country_is_refused(admin_client, users, country_ids):
    response = admin_client.post("/admin/users/new", data=new_officer(country_ids, country_ids=[]))
    assert response.status_code == 200
    assert "An officer must serve at least one country" in response.get_data(as_text=True)
    assert find_user("layla.hassan@example.org") is None


def test_a_taken_email_is_refused_and_the_typed_values_kept(admin_client, users, country_ids, audit_events):
    before = len(audit_events("user.create"))
    response = admin_client.post("/admin/users/new", data=new_officer(country_ids, email="OFF.IQ@example.org"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="email-error">An account with this e-mail address already exists.' in page
    assert 'value="OFF.IQ@example.org"' in page and 'value="Layla Hassan"' in page
    assert 'checked id="country_ids-' in page and page.count(" checked ") == 2
    assert '<option selected value="officer">' in page
    assert user_count() == 4 and len(audit_events("user.create")) == before


def test_a_weak_password_is_refused_and_the_typed_values_kept(admin_client, users, country_ids):
    for weak, reason in [("short", "at least 12 characters"), ("password1234", "too common")]:
        response = admin_client.post("/admin/users/new", data=new_officer(country_ids, password=weak))
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert 'id="password-error">' in page and reason in page
        assert 'value="Layla.Hassan@Example.org"' in page and 'value="Layla Hassan"' in page
        assert page.count(" checked ") == 2
    assert find_user("layla.hassan@example.org") is None


def test_an_invalid_email_is_refused(admin_client, users, country_ids):
    response = admin_client.post("/admin/users/new", data=new_officer(country_ids, email="layla at example"))
    assert response.status_code == 200
    assert 'id="email-error">' in response.get_data(as_text=True)
    assert user_count() == 4


def test_the_edit_form_shows_the_current_values(admin_client, users, country_ids):
    page = admin_client.get(f"/admin/users/{users['off_iq'].id}/edit").get_data(as_text=True)
    assert f'checked id="country_ids-3" name="country_ids" type="checkbox" value="{country_ids["IQ"]}"' in page
    assert page.count(" checked ") == 2  # Iraq and "Account active"
    assert '<option selected value="officer">' in page
    assert users["off_iq"].country_ids == {country_ids["IQ"]}


def test_disabling_a_user_signs_their_session_out_on_the_next_request(app, admin_client, users, audit_events):
    officer = app.test_client()
    officer.post("/login", data={"email": "off.iq@example.org", "password": factories.PASSWORD})
    assert officer.get("/workplans/").status_code == 200
    old_token = users["off_iq"].session_token

    response = admin_client.post(f"/admin/users/{users['off_iq'].id}/edit", data=details(users["off_iq"], is_active=""))

    assert response.status_code == 302
    user = find_user("off.iq@example.org")
    assert user.is_active is False and user.session_token != old_token
    next_page = officer.get("/workplans/")
    assert next_page.status_code == 302 and next_page.headers["Location"].startswith("/login")
    signing_in_again = officer.post("/login", data={"email": "off.iq@example.org", "password": factories.PASSWORD})
    assert signing_in_again.status_code == 200
    assert audit_events("user.update")[-1].details["is_active"] is False
    assert audit_events("user.update")[-1].actor_id == users["admin"].id


def test_moving_an_officer_from_iraq_to_afghanistan_changes_their_plans(
    app, admin_client, users, country_ids, audit_events
):
    factories.make_workplan("IQ", title="Iraq country workplan")
    factories.make_workplan("AF", title="Afghanistan country workplan")
    db.session.commit()
    officer = app.test_client()
    officer.post("/login", data={"email": "off.iq@example.org", "password": factories.PASSWORD})
    before = officer.get("/workplans/").get_data(as_text=True)
    assert "Iraq country workplan" in before and "Afghanistan country workplan" not in before

    response = admin_client.post(
        f"/admin/users/{users['off_iq'].id}/edit", data=details(users["off_iq"], country_ids=[country_ids["AF"]])
    )

    assert response.status_code == 302
    assert [country.code for country in find_user("off.iq@example.org").countries] == ["AF"]
    after = officer.get("/workplans/").get_data(as_text=True)
    assert "Afghanistan country workplan" in after and "Iraq country workplan" not in after
    assert audit_events("user.update")[-1].details["countries"] == ["AF"]


def test_promoting_an_officer_to_hq_drops_their_countries(admin_client, users):
    response = admin_client.post(f"/admin/users/{users['off_iq'].id}/edit", data=details(users["off_iq"], role="hq"))
    assert response.status_code == 302
    user = find_user("off.iq@example.org")
    assert user.role == Role.HQ and user.countries == []


def test_an_officer_cannot_lose_every_country(admin_client, users):
    data = details(users["off_iq"], country_ids=[])
    response = admin_client.post(f"/admin/users/{users['off_iq'].id}/edit", data=data)
    assert response.status_code == 200
    assert "An officer must serve at least one country" in response.get_data(as_text=True)
    assert [country.code for country in find_user("off.iq@example.org").countries] == ["IQ"]


def test_an_administrator_cannot_disable_or_demote_themself(admin_client, users, audit_events):
    admin = users["admin"]
    for change in ({"is_active": ""}, {"role": "hq"}):
        response = admin_client.post(f"/admin/users/{admin.id}/edit", data=details(admin, **change))
        assert response.status_code == 200
        assert "You cannot disable yourself or remove your own administrator role." in response.get_data(as_text=True)
    user = find_user("admin@example.org")
    assert user.is_active and user.role == Role.ADMIN
    assert audit_events("user.update") == []
    assert admin_client.get("/admin/").status_code == 200


def test_admin_resets_a_password(app, admin_client, users, audit_events):
    officer = app.test_client()
    officer.post("/login", data={"email": "off.af@example.org", "password": factories.PASSWORD})

    response = admin_client.post(f"/admin/users/{users['off_af'].id}/password", data={"new_password": NEW_PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/users/{users['off_af'].id}/edit"
    assert verify_password(find_user("off.af@example.org").password_hash, NEW_PASSWORD)
    assert officer.get("/workplans/").status_code == 302
    assert officer.post("/login", data={"email": "off.af@example.org", "password": NEW_PASSWORD}).status_code == 302
    (event,) = audit_events("user.password")
    assert event.actor_id == users["admin"].id and event.object_id == users["off_af"].id


def test_a_weak_reset_password_is_explained_next_to_the_field(admin_client, users, audit_events):
    old_hash = users["off_af"].password_hash
    response = admin_client.post(f"/admin/users/{users['off_af'].id}/password", data={"new_password": "short"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="new_password-error">Use at least 12 characters' in page
    assert 'value="off.af"' in page  # the account form beside it still shows the stored values
    assert find_user("off.af@example.org").password_hash == old_hash
    assert audit_events("user.password") == []


def test_an_administrator_resetting_their_own_password_stays_signed_in(admin_client, users):
    response = admin_client.post(f"/admin/users/{users['admin'].id}/password", data={"new_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert verify_password(find_user("admin@example.org").password_hash, NEW_PASSWORD)
    assert admin_client.get("/admin/").status_code == 200
