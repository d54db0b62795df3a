"""Large and unusual input: the longest allowed Arabic text saves; an oversized body is refused unread."""

import io

from app.extensions import db
from app.workplans.models import Workplan
from tests.workplans.helpers import open_step, post_step

ARABIC = "خطة عمل وطنية لمكافحة الاتجار بالبشر وتهريب المهاجرين "


def _arabic(length: int) -> str:
    return (ARABIC * (length // len(ARABIC) + 1))[:length]


def test_every_activity_field_at_its_maximum_in_arabic_saves(client, login, demo_plan, pk_officer):
    login(pk_officer)
    values = open_step(client, demo_plan.id, "activities")
    limits = {"description": 4000, "location": 200, "follow_up": 2000}
    for key in list(values):
        for name, limit in limits.items():
            if key.endswith(f"-{name}"):
                values[key] = _arabic(limit)
    response = post_step(client, demo_plan.id, "activities", values)
    assert response.status_code == 302
    db.session.expire_all()
    for activity in db.session.get(Workplan, demo_plan.id).activities:
        assert activity.description == _arabic(4000) and activity.follow_up == _arabic(2000)


def test_every_narrative_at_its_maximum_in_arabic_saves(client, login, demo_plan, pk_officer):
    login(pk_officer)
    values = open_step(client, demo_plan.id, "context")
    for name in ("context_situation", "context_legal", "context_gaps", "priorities"):
        values[name] = _arabic(10_000)
    assert post_step(client, demo_plan.id, "context", values).status_code == 302
    db.session.expire_all()
    assert db.session.get(Workplan, demo_plan.id).priorities == _arabic(10_000)


def test_a_ten_megabyte_junk_body_is_refused_unread(client, login, demo_plan, pk_officer):
    login(pk_officer)
    body = io.BytesIO(b"context_situation=" + b"x" * 10_000_000)
    response = client.post(
        f"/workplans/{demo_plan.id}/steps/context",
        input_stream=body,
        content_length=len(body.getvalue()),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert b"larger than the server accepts" in response.data
    # Refused on its declared length: not a byte of the body was read, so it costs no time or memory.
    assert body.tell() == 0
    db.session.expire_all()
    assert db.session.get(Workplan, demo_plan.id).context_situation != "x" * 10_000_000
