"""Times reach the browser as UTC <time> elements app.js shows in local time; budgets carry thousands separators."""

import re
from datetime import UTC, datetime
from decimal import Decimal

from app.core.helpers import format_date, format_time
from app.extensions import db
from tests.pages import text_of
from tests.workplans.helpers import open_step, post_step

TIME = re.compile(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ" data-local="(datetime|date)">[^<]+</time>')


def test_a_time_is_a_utc_time_element_with_readable_utc_text():
    moment = datetime(2026, 11, 30, 23, 50, 7, tzinfo=UTC)
    assert str(format_time(moment)) == (
        '<time datetime="2026-11-30T23:50:07Z" data-local="datetime">30 Nov 2026, 23:50 UTC</time>'
    )
    assert str(format_date(moment)) == '<time datetime="2026-11-30T23:50:07Z" data-local="date">30 Nov 2026</time>'
    assert format_time(None) == "—"


def test_pages_show_times_as_time_elements_not_bare_utc(hq_user, submitted_plan, pk_officer, sign_in):
    officer, hq = sign_in(pk_officer), sign_in(hq_user)
    assert (
        hq.post(f"/workplans/{submitted_plan.id}/comments", data={"about": "section:summary", "body": "Hm"}).status_code
        == 302
    )
    for client, url in (
        (officer, f"/workplans/{submitted_plan.id}/"),
        (officer, f"/workplans/{submitted_plan.id}/revisions/"),
        (officer, "/notifications/"),
        (officer, "/workplans/"),
        (hq, "/review/"),
        (hq, "/review/dashboard"),
    ):
        page = text_of(client.get(url).data)
        assert TIME.search(page), url
        assert not re.search(r"\d\d:\d\d UTC(?!</time>)", page), url


def test_a_budget_shows_and_accepts_thousands_separators(demo_plan, pk_officer, sign_in):
    officer = sign_in(pk_officer)
    activity = demo_plan.outputs[0].activities[0]
    name = "outputs-0-activities-0-budget_eur"
    page = officer.get(f"/workplans/{demo_plan.id}/steps/activities").get_data(as_text=True)
    # A number input would show an amount with separators as an empty box.
    assert re.search(rf'<input[^>]*id="{name}"[^>]*type="text"', page) and 'inputmode="decimal"' in page
    values = open_step(officer, demo_plan.id, "activities")
    assert values[name] == f"{activity.budget_eur:,.2f}" and "," in values[name]

    values[name] = "12,500"
    assert post_step(officer, demo_plan.id, "activities", values).status_code == 302
    db.session.refresh(activity)
    assert activity.budget_eur == Decimal("12500")
    assert open_step(officer, demo_plan.id, "activities")[name] == "12,500.00"

    # A comma that is not a thousands separator is refused, never read as another amount.
    values[name] = "12,5"
    response = post_step(officer, demo_plan.id, "activities", values)
    assert response.status_code == 200 and "12,5" in text_of(response.data)
    db.session.refresh(activity)
    assert activity.budget_eur == Decimal("12500")
