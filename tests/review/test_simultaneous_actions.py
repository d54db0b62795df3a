"""Two people acting on one plan at the same moment: one wins, the other gets a clear 409, never a 500."""

import threading
import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.review import workflow
from app.review.models import Revision
from app.workplans.models import Workplan, WorkplanStatus
from tests import factories
from tests.pages import text_of

ACTIONS = {
    "approve": ("approve", {"revision": "1"}),
    "send back": ("request-changes", {"note": "Please shorten the summary."}),
}


@pytest.fixture
def slow_checks(monkeypatch):
    """Widen the gap between reading the plan and changing it, so two requests surely overlap."""
    latest = workflow.latest_revision_number

    def slowly(workplan):
        time.sleep(0.3)
        return latest(workplan)

    monkeypatch.setattr(workflow, "latest_revision_number", slowly)


def _at_once(clients_and_requests):
    """POST every (client, path, data) at the same moment; return the status codes and pages."""
    start = threading.Barrier(len(clients_and_requests))
    answers = [None] * len(clients_and_requests)

    def post(index, client, path, data):
        start.wait()
        try:
            response = client.post(path, data=data)
        except Exception as error:  # noqa: BLE001  (the testing app raises what would be a 500)
            answers[index] = (500, repr(error))
        else:
            answers[index] = (response.status_code, text_of(response.data))

    threads = [
        threading.Thread(target=post, args=(index, *request)) for index, request in enumerate(clients_and_requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


@pytest.mark.parametrize(
    "first, second", [("approve", "send back"), ("approve", "approve"), ("send back", "send back")]
)
def test_simultaneous_reviews_give_one_change_and_one_conflict(
    submitted_plan, hq_user, sign_in, slow_checks, first, second
):
    other_hq = factories.make_user("second.reviewer@example.org", "hq")
    db.session.commit()
    requests = []
    for user, action in ((hq_user, first), (other_hq, second)):
        path, data = ACTIONS[action]
        requests.append((sign_in(user), f"/workplans/{submitted_plan.id}/{path}", data))
    answers = _at_once(requests)
    codes = sorted(code for code, _ in answers)
    assert codes == [302, 409], [page[-3000:] for _, page in answers]
    (conflict,) = [page for code, page in answers if code == 409]
    assert "cannot be moved this way" in conflict or "cannot be done now" in conflict
    db.session.expire_all()
    assert db.session.get(Workplan, submitted_plan.id).status != WorkplanStatus.SUBMITTED


def test_simultaneous_submits_store_one_revision(demo_plan, pk_officer, sign_in, slow_checks):
    officer_two = factories.make_user("second.pk@example.org", "officer", ["PK"])
    db.session.commit()
    path = f"/workplans/{demo_plan.id}/submit"
    answers = _at_once([(sign_in(pk_officer), path, {}), (sign_in(officer_two), path, {})])
    assert sorted(code for code, _ in answers) == [302, 409], answers
    db.session.expire_all()
    assert db.session.get(Workplan, demo_plan.id).status == WorkplanStatus.SUBMITTED
    assert db.session.scalar(select(func.count(Revision.id)).where(Revision.workplan_id == demo_plan.id)) == 1


def test_a_write_that_loses_a_race_the_lock_did_not_cover_answers_409(
    submitted_plan, hq_user, sign_in, slow_checks, monkeypatch
):
    # Should a change ever skip the row lock, the plan's version check still answers 409, not 500.
    monkeypatch.setattr(workflow, "lock_workplan", lambda workplan: None)
    other_hq = factories.make_user("second.reviewer@example.org", "hq")
    db.session.commit()
    path = f"/workplans/{submitted_plan.id}/approve"
    answers = _at_once([(sign_in(user), path, {"revision": "1"}) for user in (hq_user, other_hq)])
    assert sorted(code for code, _ in answers) == [302, 409], [page[-500:] for _, page in answers]
