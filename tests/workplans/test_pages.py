"""Starting a plan, the list and the overview page."""

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.workplans.models import Workplan
from app.workplans.rows import add_row, parse_action, remove_row
from tests import factories
from tests.pages import text_of


def _new(client, officer, **changes):
    data = {
        "country_id": officer.countries[0].id,
        "title": "New plan",
        "period_start": 2026,
        "period_end": 2027,
        "source_workplan_id": 0,
    }
    data.update(changes)
    return client.post("/workplans/new", data=data)


def test_officer_starts_a_blank_plan_for_their_country(client, users, login):
    login(users["off_iq"])
    response = _new(client, users["off_iq"])
    assert response.status_code == 302 and response.headers["Location"].endswith("/steps/basics")
    plan = db.session.scalar(select(Workplan))
    assert (plan.country.code, plan.title, plan.lead_officer_id, plan.source_workplan_id) == (
        "IQ",
        "New plan",
        users["off_iq"].id,
        None,
    )


def test_a_plan_cannot_be_started_for_another_country(client, users, login):
    login(users["off_iq"])
    response = _new(client, users["off_iq"], country_id=users["off_af"].countries[0].id)
    assert response.status_code == 200 and "Not a valid choice" in text_of(response.data)
    assert db.session.scalar(select(func.count(Workplan.id))) == 0


def test_period_is_checked_with_a_clear_message(client, users, login):
    login(users["off_iq"])
    response = _new(client, users["off_iq"], period_start=2027, period_end=2026, title="")
    page = text_of(response.data)
    assert "The last year cannot be before the first year." in page and "Fill this in to continue." in page
    assert 'value="2027"' in response.get_data(as_text=True)


def test_hq_does_not_start_plans(client, users, login):
    login(users["hq"])
    assert client.get("/workplans/new").status_code == 403


def test_a_plan_cloned_from_last_period_records_its_source(client, login, demo_plan, pk_officer):
    login(pk_officer)
    response = _new(
        client,
        pk_officer,
        title="Pakistan 2028–2029",
        period_start=2027,
        period_end=2029,
        source_workplan_id=demo_plan.id,
    )
    assert response.status_code == 302
    clone = db.session.scalar(select(Workplan).where(Workplan.title == "Pakistan 2028–2029"))
    assert clone.source_workplan_id == demo_plan.id
    assert [o.objective.code for o in clone.objectives] == [o.objective.code for o in demo_plan.objectives]
    assert len(clone.activities) == len(demo_plan.activities)
    assert len(clone.lessons) == len(demo_plan.lessons) and clone.summary == demo_plan.summary
    assert all(q.year == 2027 for a in clone.activities for q in a.quarters)
    assert {a.id for a in clone.activities}.isdisjoint({a.id for a in demo_plan.activities})
    linked = [lesson for lesson in clone.lessons if lesson.activities]
    assert linked and all(
        a.output.workplan_objective.workplan_id == clone.id for lesson in linked for a in lesson.activities
    )


def test_a_plan_of_another_country_cannot_be_cloned(client, users, login, demo_plan):
    login(users["off_iq"])
    response = _new(client, users["off_iq"], source_workplan_id=demo_plan.id)
    assert response.status_code == 200 and "Not a valid choice" in text_of(response.data)


def test_the_list_shows_only_the_officers_countries(client, users, login):
    factories.make_workplan("IQ", title="Iraqi plan")
    factories.make_workplan("AF", title="Afghan plan")
    db.session.commit()
    login(users["off_iq"])
    page = text_of(client.get("/workplans/").data)
    assert "Iraqi plan" in page and "Afghan plan" not in page


def test_hq_sees_every_country(client, users, login):
    factories.make_workplan("IQ", title="Iraqi plan")
    factories.make_workplan("AF", title="Afghan plan")
    db.session.commit()
    login(users["hq"])
    page = text_of(client.get("/workplans/").data)
    assert "Iraqi plan" in page and "Afghan plan" in page


def test_the_overview_shows_the_whole_plan_in_order(client, login, demo_plan, pk_officer):
    login(pk_officer)
    response = client.get(f"/workplans/{demo_plan.id}/")
    page = text_of(response.data)
    headings = [
        "Summary",
        "Context and needs",
        "National theory of change",
        "Lessons applied",
        "Results framework",
        "Activity plan",
        "Budget summary",
        "Risks and mitigation",
        "Partnerships and coordination",
        "Monitoring, evaluation and learning",
        "Sustainability and exit",
    ]
    positions = [page.index(f"<h2>{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    assert "readiness-summary--green" in page
    for activity in demo_plan.activities:
        assert " ".join(activity.description.split())[:40] in " ".join(page.split())
    assert "EUR 820,000" in page


def _statements_for(client, url: str) -> int:
    from sqlalchemy import event

    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_the_overview_and_steps_run_the_same_number_of_queries_whatever_the_plan_size(
    client, login, demo_plan, pk_officer
):
    import yaml

    from app.catalogue.seeding import SEEDS_DIR
    from app.demo import build_workplan

    plan = yaml.safe_load((SEEDS_DIR / "demo.yaml").read_text(encoding="utf-8"))["workplan"]
    first = plan["objectives"][0]
    output = {**first["outputs"][0], "indicators": first["outputs"][0]["indicators"][:1]}
    output["activities"] = output["activities"][:1]
    codes = set(output["lessons"]) | set(output["activities"][0]["lessons"])
    plan.update(
        title="Small plan",
        objectives=[{**first, "outputs": [output]}],
        risks=plan["risks"][:1],
        lessons=[lesson for lesson in plan["lessons"] if lesson["recommendation"] in codes],
    )
    small = build_workplan(plan, {pk_officer.email: pk_officer})
    db.session.commit()
    assert len(small.activities) == 1 and len(demo_plan.activities) > 10
    login(pk_officer)
    for url in ("/workplans/{}/", "/workplans/{}/steps/activities", "/workplans/{}/steps/results"):
        assert _statements_for(client, url.format(small.id)) == _statements_for(client, url.format(demo_plan.id)), url


def test_row_actions_are_parsed_strictly():
    assert parse_action("continue") == ("continue", None)
    assert parse_action("add:objectives-0-outputs") == ("add", "objectives-0-outputs")
    assert parse_action("remove:risks-3") == ("remove", "risks-3")
    assert parse_action("remove:risks") == ("save", None)
    assert parse_action("add:../../etc") == ("save", None)
    assert parse_action(None) == ("save", None)


def test_removing_a_row_renumbers_the_later_ones():
    data = MultiDict(
        [("risks-0-id", "1"), ("risks-1-id", "2"), ("risks-2-id", "3"), ("risks-2-owner", "x"), ("title", "t")]
    )
    assert remove_row(data, "risks-1") == MultiDict(
        [("risks-0-id", "1"), ("risks-1-id", "3"), ("risks-1-owner", "x"), ("title", "t")]
    )
    added, prefix = add_row(data, "risks")
    assert prefix == "risks-3" and added["risks-3-id"] == ""


def test_every_step_renders_without_stray_none_attributes(client, login, demo_plan, pk_officer):
    from app.workplans.steps import STEPS

    login(pk_officer)
    for step in STEPS:
        response = client.get(f"/workplans/{demo_plan.id}/steps/{step.key}")
        assert response.status_code == 200, step.key
        assert '="None"' not in response.get_data(as_text=True), step.key
