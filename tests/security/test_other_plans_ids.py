"""Ids of another plan's rows, comments or revisions, sent through this plan's pages, never reach that plan.

The people here may see both plans (HQ sees all; the Pakistan officer sees both Pakistani plans),
so it is the plan in the URL, not visibility, that must decide which rows a request may touch.
"""

import json
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.review.models import Comment, Revision
from app.workplans.models import Workplan
from app.workplans.services import copy_content
from app.workplans.snapshots import snapshot_workplan
from tests import factories
from tests.workplans.helpers import open_step, post_step

INTRUDER = "Written through another plan's page"
TEXT_FIELDS = re.compile(r"-(outcome|statement|description|mitigation|owner|carried_on_by|follow_up|location)$")


@pytest.fixture
def plans(demo_plan, users):
    """The Pakistan officer's own plan A, and full copies of it: B in Pakistan, C in Iraq."""
    victims = {}
    for key, code in (("same_country", "PK"), ("other_country", "IQ")):
        victim = factories.make_workplan(code, title=f"Victim plan {code}")
        with db.session.no_autoflush:
            copy_content(demo_plan, victim)
        db.session.flush()
        victims[key] = victim
    db.session.commit()
    return demo_plan, victims


def _state(plan_id: int) -> str:
    db.session.expire_all()
    plan = db.session.get(Workplan, plan_id)
    return json.dumps([snapshot_workplan(plan), plan.lock_version, str(plan.updated_at)], sort_keys=True, default=str)


# --- step data ----------------------------------------------------------------------------------


def _rows(plan: Workplan) -> dict[str, list[int]]:
    """Row ids by kind, in page order: the same order in a plan and its copy."""
    outputs = [output for item in plan.objectives for output in item.outputs]
    return {
        "objective": [item.id for item in plan.objectives],
        "output": [output.id for output in outputs],
        "indicator": [indicator.id for output in outputs for indicator in output.indicators],
        "activity": [activity.id for output in outputs for activity in output.activities],
        "risk": [risk.id for risk in plan.risks],
        "lesson": [lesson.id for lesson in plan.lessons],
    }


ID_FIELDS = [
    (re.compile(r"workplan_objective_id$"), "objective", "parent"),
    (re.compile(r"^outputs-\d+-output_id$"), "output", "parent"),
    (re.compile(r"outputs-\d+-id$"), "output", "child"),
    (re.compile(r"indicators-\d+-id$"), "indicator", "child"),
    (re.compile(r"activities-\d+-id$"), "activity", "child"),
    (re.compile(r"^risks-\d+-id$"), "risk", "child"),
    (re.compile(r"lesson_ids$"), "lesson", "child"),
]


def _swap_ids(values, own: Workplan, victim: Workplan, levels: set[str]):
    """The own plan's form, every row id of the given levels replaced by the victim's matching row."""
    own_rows, victim_rows = _rows(own), _rows(victim)
    swapped = 0
    for name in list(values):
        if TEXT_FIELDS.search(name):
            values.setlist(name, [INTRUDER])
        for pattern, kind, level in ID_FIELDS:
            if pattern.search(name) and level in levels:
                # The own plan may have renumbered its rows by an earlier post: match by position.
                mapping = dict(zip(map(str, own_rows[kind]), map(str, victim_rows[kind]), strict=False))
                values.setlist(name, [mapping.get(value, value) for value in values.getlist(name)])
                swapped += 1
                break
    assert swapped, "the form has no row ids to swap"
    return values


@pytest.mark.parametrize(
    "step_key, levels",
    [
        ("results", {"parent", "child"}),
        ("results", {"child"}),
        ("activities", {"parent", "child"}),
        ("activities", {"child"}),
        ("sustainability", {"parent"}),
        ("risks", {"child"}),
    ],
    ids=["results-all", "results-outputs-indicators", "activities-all", "activities-rows", "sustainability", "risks"],
)
def test_a_step_posted_with_another_plans_row_ids_leaves_that_plan_alone(plans, pk_officer, sign_in, step_key, levels):
    own, victims = plans
    client = sign_in(pk_officer)
    for victim in victims.values():
        for how in ("save", "autosave"):
            values = _swap_ids(open_step(client, own.id, step_key), own, victim, levels)
            before = _state(victim.id)
            if how == "save":
                response = post_step(client, own.id, step_key, values)
            else:
                response = client.post(f"/workplans/{own.id}/steps/{step_key}/autosave", data=values)
            assert response.status_code in {200, 302, 409, 422}, (victim.title, how, response.status_code)
            after = _state(victim.id)
            assert after == before, (victim.title, how)
            assert INTRUDER not in after
            own = db.session.get(Workplan, own.id)


# --- comments -----------------------------------------------------------------------------------


def _count_comments() -> int:
    return db.session.scalar(select(func.count(Comment.id)))


@pytest.mark.parametrize(
    "victim_key, who", [("same_country", "hq"), ("same_country", "officer"), ("other_country", "hq")]
)
def test_a_comment_of_another_plan_cannot_be_answered_or_resolved_through_this_plan(
    plans, pk_officer, users, sign_in, victim_key, who
):
    own, victims = plans
    victim = victims[victim_key]
    thread = factories.make_comment(victim, users["hq"], "On the other plan.")
    db.session.commit()
    client = sign_in(pk_officer if who == "officer" else users["hq"])
    count = _count_comments()

    assert client.post(f"/workplans/{own.id}/comments/{thread.id}/replies", data={"body": INTRUDER}).status_code == 404
    assert client.post(f"/workplans/{own.id}/comments/{thread.id}/resolve").status_code == 404
    db.session.expire_all()
    assert _count_comments() == count
    assert db.session.get(Comment, thread.id).resolved_at is None

    # Through its own plan's page, the same request is taken.
    assert (
        client.post(f"/workplans/{victim.id}/comments/{thread.id}/replies", data={"body": "Right place"}).status_code
        == 302
    )
    assert client.post(f"/workplans/{victim.id}/comments/{thread.id}/resolve").status_code == 302
    db.session.expire_all()
    assert _count_comments() == count + 1
    assert db.session.get(Comment, thread.id).resolved_at is not None


def test_only_a_thread_takes_replies_and_is_resolved_never_a_reply_in_it(plans, users, sign_in):
    """A reply sent to a reply would be stored where no page shows it; the request is refused instead."""
    own, _ = plans
    thread = factories.make_comment(own, users["hq"], "A thread.")
    db.session.flush()
    answer = factories.make_comment(own, users["hq"], "An answer.", parent_id=thread.id)
    db.session.commit()
    client = sign_in(users["hq"])
    count = _count_comments()

    assert client.post(f"/workplans/{own.id}/comments/{answer.id}/replies", data={"body": INTRUDER}).status_code == 404
    assert client.post(f"/workplans/{own.id}/comments/{answer.id}/resolve").status_code == 404
    db.session.expire_all()
    assert _count_comments() == count
    assert db.session.get(Comment, answer.id).resolved_at is None


# --- revisions ----------------------------------------------------------------------------------


@pytest.fixture
def revisions(plans):
    """Plan A has revision 1; the Pakistani plan B has revisions 1 to 3, titled so they are recognisable."""
    own, victims = plans
    victim = victims["same_country"]
    db.session.add(Revision(workplan_id=own.id, number=1, plan_version=1, snapshot=snapshot_workplan(own)))
    for number in (1, 2, 3):
        snapshot = {**snapshot_workplan(victim), "title": f"Secret revision {number}"}
        db.session.add(Revision(workplan_id=victim.id, number=number, plan_version=1, snapshot=snapshot))
    db.session.commit()
    return own


@pytest.mark.parametrize("who", ["hq", "officer"])
def test_another_plans_revision_numbers_answer_404(revisions, pk_officer, users, sign_in, who):
    client = sign_in(pk_officer if who == "officer" else users["hq"])
    for query in (
        "compare?from=1&to=3",
        "compare?from=3&to=1",
        "compare?to=2",
        "compare?from=2&to=3",
        "export.pdf?revision=3",
        "export.pdf?revision=2",
    ):
        response = client.get(f"/workplans/{revisions.id}/{query}")
        assert response.status_code == 404, query
        assert b"Secret revision" not in response.data, query


def test_this_plans_own_revisions_still_compare(revisions, users, sign_in):
    response = sign_in(users["hq"]).get(f"/workplans/{revisions.id}/compare?from=1&to=1")
    assert response.status_code == 200
    assert b"Secret revision" not in response.data
