"""HQ pages: the review queue and the dashboard show what the plans hold, in a fixed number of statements."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from sqlalchemy import event, select

from app.catalogue.models import Country, Objective, Partner, Recommendation, Theme
from app.core.helpers import format_eur
from app.db import utcnow
from app.extensions import db
from app.review.dashboard import READINESS_WORDS
from app.review.models import Comment, Revision
from app.workplans.models import (
    Activity,
    ActivityQuarter,
    Indicator,
    LeadAgency,
    Lesson,
    Level,
    Output,
    Risk,
    Workplan,
    WorkplanObjective,
    WorkplanStatus,
)
from app.workplans.readiness import check_readiness
from tests import factories

ASIA = ["AF", "IR", "IQ", "PK", "BD"]
STATUS_CYCLE = [
    WorkplanStatus.SUBMITTED,
    WorkplanStatus.CHANGES_REQUESTED,
    WorkplanStatus.DRAFT,
    WorkplanStatus.APPROVED,
]


def build_plans(count: int, reviewer, start: int = 0) -> list[Workplan]:
    """Add `count` plans spread over the five Asia and Middle East countries, committed in a few flushes.

    Plan i goes to country i mod 5 with status i mod 4 (submitted, changes requested, draft,
    approved); each has 1–3 objectives with two outputs of two budgeted activities, two lessons
    linked to outputs and activities, a risk, and — once submitted — 1–3 revisions and comments.
    """
    countries = {c.code: c for c in db.session.scalars(select(Country).where(Country.code.in_(ASIA)))}
    objectives = list(db.session.scalars(select(Objective).order_by(Objective.number)))
    recommendations = list(db.session.scalars(select(Recommendation).order_by(Recommendation.id)))
    partners = list(db.session.scalars(select(Partner)))
    national = {code: [p for p in partners if p.country_id == countries[code].id] for code in ASIA}
    now = utcnow()
    plans = []
    for i in range(start, start + count):
        code, status = ASIA[i % 5], STATUS_CYCLE[i % 4]
        start_year = 2020 + i % 7
        plan = Workplan(
            country=countries[code],
            title=f"{code} plan {i}",
            period_start=start_year,
            period_end=start_year + 1,
            status=status,
            summary=f"Plan {i}.",
            lead_officer_id=None,
        )
        lessons = [
            Lesson(recommendation=recommendations[(3 * i + k) % len(recommendations)], how_applied=f"Applied {k}.")
            for k in range(2)
        ]
        plan.lessons = lessons
        for priority in range(1, 2 + i % 3):
            chosen = WorkplanObjective(
                objective=objectives[(i + priority) % 6], priority=priority, rationale="Why.", outcome="Outcome."
            )
            for position in (1, 2):
                output = Output(position=position, statement=f"Output {position}.", carried_on_by="Ministry.")
                output.lessons = [lessons[0]]
                output.indicators = [
                    Indicator(
                        position=1,
                        description="Measured.",
                        baseline_value="0",
                        baseline_year=start_year,
                        target_value="10",
                        target_year=start_year + 1,
                        source_of_verification="Reports.",
                    )
                ]
                for number in (1, 2):
                    output.activities.append(
                        Activity(
                            position=number,
                            description=f"Activity {number}.",
                            lead_agency=LeadAgency.UNODC,
                            budget_eur=Decimal(1000 * (i % 7 + 1) + 250 * number + 10 * priority) + Decimal("0.25"),
                            is_gender_sensitive=True,
                            partners=national[code],
                            lessons=[lessons[1]],
                            quarters=[ActivityQuarter(year=start_year, quarter=number)],
                        )
                    )
                chosen.outputs.append(output)
            plan.objectives.append(chosen)
        plan.risks = [
            Risk(
                position=1,
                description="Turnover.",
                likelihood=Level.MEDIUM,
                impact=Level.HIGH,
                mitigation="Train many.",
                owner="UNODC",
            )
        ]
        if status != WorkplanStatus.DRAFT:
            plan.submitted_at = now - timedelta(days=1 + i % 30, hours=i % 24)
        plans.append(plan)
    db.session.add_all(plans)
    db.session.flush()
    extras = []
    for i, plan in enumerate(plans, start=start):
        if plan.submitted_at is None:
            continue
        extras += [Revision(workplan_id=plan.id, number=n, plan_version=1, snapshot={}) for n in range(1, 2 + i % 3)]
        extras += [
            Comment(
                workplan_id=plan.id,
                author_id=reviewer.id,
                anchor_type="section",
                section="context",
                body=f"Comment {k}.",
                is_blocking=k % 2 == 0,
                revision_number=1,
            )
            for k in range(i % 4)
        ]
    db.session.add_all(extras)
    db.session.commit()
    return plans


class _Tables(HTMLParser):
    """Collect the text of every cell of every table with an id, row by row."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id"):
            self._table = self.tables.setdefault(dict(attrs)["id"], [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None


def tables(response) -> dict[str, list[list[str]]]:
    """The page's tables by id; each a list of rows (header and footer rows included) of cell texts."""
    assert response.status_code == 200, response.status_code
    parser = _Tables()
    parser.feed(response.get_data(as_text=True))
    return parser.tables


def body_rows(table: list[list[str]]) -> list[list[str]]:
    """Rows without the header row."""
    return table[1:]


def current_plans() -> dict[str, Workplan]:
    """Each country's current plan, by the rule: latest period end, then latest change, then highest id."""
    best = {}
    for plan in db.session.scalars(select(Workplan)):
        key = (plan.period_end, plan.updated_at, plan.id)
        if plan.country.code not in best or key > best[plan.country.code][0]:
            best[plan.country.code] = (key, plan)
    return {code: plan for code, (_, plan) in best.items()}


def submit(plan: Workplan, days_ago: float, revisions: int = 1) -> None:
    """Mark a plan submitted some time ago with its revisions, as the workflow would have left it."""
    plan.status = WorkplanStatus.SUBMITTED
    plan.submitted_at = utcnow() - timedelta(days=days_ago)
    db.session.add_all(
        Revision(workplan_id=plan.id, number=n, plan_version=1, snapshot={}) for n in range(1, revisions + 1)
    )


@pytest.fixture
def hq(users, login):
    """Sign the HQ reviewer in and return them."""
    login(users["hq"])
    return users["hq"]


# The queue ---------------------------------------------------------------------------------


def test_the_queue_lists_only_submitted_plans_oldest_first(client, hq):
    afghan = factories.make_workplan("AF", title="Afghan plan")
    iraqi = factories.make_workplan("IQ", title="Iraqi plan")
    factories.make_workplan("PK", title="Pakistani draft")
    approved = factories.make_workplan("BD", title="Bangladeshi approved", status=WorkplanStatus.APPROVED)
    sent_back = factories.make_workplan("IR", title="Iranian plan sent back")
    submit(iraqi, days_ago=3.2)
    submit(afghan, days_ago=10.5, revisions=2)
    submit(approved, days_ago=40)
    approved.status = WorkplanStatus.APPROVED
    submit(sent_back, days_ago=6)
    sent_back.status = WorkplanStatus.CHANGES_REQUESTED
    db.session.commit()

    response = client.get("/review/")
    page = tables(response)
    waiting = body_rows(page["queue-waiting"])
    assert [row[1] for row in waiting] == ["Afghan plan", "Iraqi plan"]
    now = utcnow()
    for row, plan, revisions in zip(waiting, (afghan, iraqi), (2, 1), strict=True):
        days = (now - plan.submitted_at).days
        assert row[0] == plan.country.name and row[2] == str(revisions)
        assert row[4] == f"{days} days"
    assert [row[1] for row in body_rows(page["queue-sent-back"])] == ["Iranian plan sent back"]
    html = response.get_data(as_text=True)
    assert f'href="/workplans/{afghan.id}/compare"' in html and f'href="/workplans/{iraqi.id}/compare"' not in html
    assert f'href="/workplans/{afghan.id}/export.pdf"' in html and f'href="/workplans/{iraqi.id}/export.pdf"' in html
    assert f'href="/workplans/{afghan.id}/"' in html


def test_the_queue_shows_readiness_and_open_blocking_comments(client, hq, demo_plan):
    blank = factories.make_workplan("IQ", title="Blank plan")
    submit(demo_plan, days_ago=2)
    submit(blank, days_ago=1)
    for blocking, resolved in ((True, None), (True, None), (True, utcnow()), (False, None)):
        factories.make_comment(demo_plan, hq, "x", "context", is_blocking=blocking, resolved_at=resolved)
    db.session.commit()

    waiting = body_rows(tables(client.get("/review/"))["queue-waiting"])
    expected = {plan.title: READINESS_WORDS[check_readiness(plan).level] for plan in (demo_plan, blank)}
    assert {row[1]: row[5] for row in waiting} == expected
    assert expected[blank.title] != expected[demo_plan.title]
    assert {row[1]: row[6] for row in waiting} == {demo_plan.title: "2", blank.title: "0"}


def test_an_empty_queue_says_so(client, hq):
    factories.make_workplan("AF")
    db.session.commit()
    response = client.get("/review/")
    assert "No plan is waiting for HQ." in response.get_data(as_text=True)
    assert "queue-waiting" not in tables(response)


# Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, queue, dashboard",
    [("off_iq", 403, 403), ("off_af", 403, 403), ("admin", 403, 200), ("hq", 200, 200)],
)
def test_who_reaches_the_hq_pages(client, users, login, role, queue, dashboard):
    login(users[role])
    assert client.get("/review/").status_code == queue
    assert client.get("/review/dashboard").status_code == dashboard


def test_anonymous_visitors_are_sent_to_sign_in(client, users):
    for url in ("/review/", "/review/dashboard"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "role, links", [("hq", {"/review/", "/review/dashboard"}), ("admin", {"/review/dashboard"}), ("off_iq", set())]
)
def test_the_navigation_links_to_the_pages_a_role_reaches(client, users, login, role, links):
    login(users[role])
    html = client.get("/workplans/").get_data(as_text=True)
    assert {url for url in ("/review/", "/review/dashboard") if f'href="{url}"' in html} == links


# The dashboard ---------------------------------------------------------------------------


def test_the_current_plan_is_the_newest_period_then_the_latest_change(client, hq):
    now = utcnow()
    old = factories.make_workplan("PK", title="Pakistan old period", status=WorkplanStatus.APPROVED)
    newest = factories.make_workplan("PK", title="Pakistan new period", version=2)
    # Set in the same UPDATE as the period, so `onupdate` leaves the chosen times alone.
    old.period_start, old.period_end, old.updated_at = 2024, 2025, now
    newest.period_start, newest.period_end, newest.updated_at = 2026, 2028, now - timedelta(days=30)
    factories.make_workplan("IQ", title="Iraq changed earlier", updated_at=now - timedelta(days=2))
    changed_last = factories.make_workplan(
        "IQ", title="Iraq changed last", updated_at=now - timedelta(days=1), status=WorkplanStatus.SUBMITTED
    )
    factories.make_workplan("BR", title="Brazil plan")
    db.session.add_all(Revision(workplan_id=changed_last.id, number=n, plan_version=1, snapshot={}) for n in (1, 2, 3))
    db.session.commit()

    db.session.refresh(old), db.session.refresh(newest)
    assert old.updated_at > newest.updated_at

    rows = {row[0]: row for row in body_rows(tables(client.get("/review/dashboard"))["dashboard-status"])}
    assert rows["Pakistan"][1:5] == ["Pakistan new period", "2026–2028", newest.status.label, "Revision 1 in draft"]
    assert rows["Iraq"][1] == "Iraq changed last" and rows["Iraq"][3] == "Under review" and rows["Iraq"][5] == "3"
    assert rows["Brazil"][1] == "Brazil plan"
    for name in ("Afghanistan", "Iran (Islamic Republic of)", "Bangladesh"):
        assert rows[name][1:] == ["No plan yet"]
    assert "Belarus" not in rows
    assert current_plans()["PK"].id == newest.id and current_plans()["IQ"].id == changed_last.id


def test_the_matrix_shows_each_objectives_budget_and_totals_that_add_up(client, hq, users):
    build_plans(23, users["hq"])
    objectives = list(db.session.scalars(select(Objective).order_by(Objective.number)))
    expected = {}
    for plan in current_plans().values():
        budgets = {
            item.objective_id: sum((a.budget_eur for o in item.outputs for a in o.activities), Decimal(0))
            for item in plan.objectives
        }
        expected[plan.country.name] = [budgets.get(objective.id) for objective in objectives]
    assert any(value for values in expected.values() for value in values)

    matrix = tables(client.get("/review/dashboard"))["dashboard-matrix"]
    header, *rows, footer = matrix
    assert header[1:7] == [f"Objective {o.number}: {o.title}" for o in objectives]
    shown = {row[0]: row for row in rows}
    assert set(shown) == set(expected)
    for name, cells in expected.items():
        assert shown[name][1:7] == [format_eur(cell) for cell in cells]
        assert shown[name][7] == format_eur(sum(cell for cell in cells if cell is not None))
    columns = [sum(values[i] for values in expected.values() if values[i] is not None) for i in range(6)]
    assert footer[1:7] == [format_eur(total) for total in columns]
    assert footer[7] == format_eur(sum(columns))


def test_lessons_coverage_counts_the_countries_per_theme(client, hq, users, demo_plan):
    build_plans(12, users["hq"])
    current = current_plans()
    expected = {
        theme.title: sorted(
            code
            for code, plan in current.items()
            if any(lesson.recommendation.theme_id == theme.id for lesson in plan.lessons)
        )
        for theme in db.session.scalars(select(Theme))
    }
    assert len(expected) == 6 and any(expected.values())

    rows = body_rows(tables(client.get("/review/dashboard"))["dashboard-lessons"])
    assert {row[0]: row[1] for row in rows} == {
        title: f"{len(codes)} of {len(current)}" for title, codes in expected.items()
    }
    assert {row[0]: row[2] for row in rows} == {title: ", ".join(codes) or "—" for title, codes in expected.items()}


def test_status_counts_cover_every_plan(client, hq, users):
    build_plans(9, users["hq"])
    counts = defaultdict(int)
    for plan in db.session.scalars(select(Workplan)):
        counts[plan.status.label] += 1
    header, *rows, footer = tables(client.get("/review/dashboard"))["dashboard-counts"]
    assert {row[0]: int(row[1]) for row in rows} == {status.label: counts[status.label] for status in WorkplanStatus}
    assert footer == ["All plans", "9"]


def test_a_dashboard_without_plans_lists_the_five_partner_countries(client, hq):
    page = tables(client.get("/review/dashboard"))
    partners = db.session.scalars(select(Country).where(Country.code.in_(ASIA)).order_by(Country.name))
    assert body_rows(page["dashboard-status"]) == [[country.name, "No plan yet"] for country in partners]
    *_, footer = page["dashboard-matrix"]
    assert footer == ["Total"] + [format_eur(0)] * 7


# Statements --------------------------------------------------------------------------------


def count_statements(client, url: str) -> tuple[int, bytes]:
    """GET the URL and return how many SQL statements the request ran, and the page."""
    statements = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    return len(statements), response


def test_queue_and_dashboard_run_the_same_number_of_statements_for_5_and_200_plans(client, hq, users):
    build_plans(5, users["hq"])
    few = {url: count_statements(client, url)[0] for url in ("/review/", "/review/dashboard")}

    build_plans(195, users["hq"], start=5)
    many = {}
    for url in ("/review/", "/review/dashboard"):
        many[url], response = count_statements(client, url)
        page = tables(response)
        if url == "/review/":
            submitted = [p for p in db.session.scalars(select(Workplan)) if p.status == WorkplanStatus.SUBMITTED]
            assert len(body_rows(page["queue-waiting"])) == len(submitted) == 50
        else:
            assert page["dashboard-counts"][-1] == ["All plans", "200"]
    print(f"statements with 5 plans: {few}; with 200 plans: {many}")
    assert many == few, (few, many)
    assert few["/review/dashboard"] <= 12 and few["/review/"] <= 25, few
