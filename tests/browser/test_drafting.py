"""Journey 1: an officer drafts a whole plan in the browser and submits it, with and without JavaScript."""

from sqlalchemy import select

from app.extensions import db
from app.workplans.models import Workplan, WorkplanStatus
from tests.browser.drafting import OFFICER, SUMMARY, TITLE, Drafting
from tests.browser.ui import Journey


def _saved_plan(live_server, plan_id):
    def read():
        plan = db.session.get(Workplan, plan_id)
        return {
            "status": plan.status,
            "summary": plan.summary,
            "outputs": len(plan.outputs),
            "indicators": [i.target_year for o in plan.outputs for i in o.indicators],
            "activities": len(plan.activities),
            "risks": len(plan.risks),
        }

    return live_server.run(read)


def _expect_submitted(live_server, plan_id):
    assert _saved_plan(live_server, plan_id) == {
        "status": WorkplanStatus.SUBMITTED,
        "summary": SUMMARY,
        "outputs": 1,
        "indicators": [2027],
        "activities": 1,
        "risks": 1,
    }


def test_journey_1_officer_drafts_every_step_and_submits(person, live_server):
    officer = person(None, Journey("1-officer-drafts"))
    officer.goto("/login")
    officer.checkpoint("login")
    officer.sign_in(OFFICER)
    plan_id = Drafting(officer).whole_plan()
    _expect_submitted(live_server, plan_id)


def test_journey_1_without_javascript(person, live_server):
    officer = person(None, Journey("1-officer-drafts-without-javascript"), javascript=False)
    officer.sign_in(OFFICER)
    plan_id = Drafting(officer).whole_plan()
    _expect_submitted(live_server, plan_id)
    assert live_server.run(lambda: db.session.scalar(select(Workplan.title).where(Workplan.id == plan_id))) == TITLE
