"""The meeting pack prints a reopened plan's approved revision unless HQ picks its draft."""

from app.db import utcnow
from app.extensions import db
from app.review.models import Revision
from app.workplans.models import WorkplanStatus
from app.workplans.snapshots import SCHEMA_VERSION, snapshot_workplan
from tests.export.pdf import page_texts, squash
from tests.pages import form_values


def test_the_pack_prints_the_approved_revision_of_a_reopened_plan(small_plan, hq_user, sign_in):
    db.session.add(
        Revision(
            workplan_id=small_plan.id,
            number=1,
            plan_version=1,
            schema_version=SCHEMA_VERSION,
            snapshot=snapshot_workplan(small_plan),
        )
    )
    small_plan.approved_revision_number, small_plan.approved_at = 1, utcnow()
    small_plan.status, small_plan.version = WorkplanStatus.DRAFT, 2
    small_plan.summary = "A rewritten summary, still in draft."
    db.session.commit()

    hq = sign_in(hq_user)
    chosen = form_values(hq.get("/review/pack").data).getlist("workplan_ids")
    assert chosen == [f"{small_plan.id}@1"]
    response = hq.post("/review/pack", data={"workplan_ids": chosen, "profile": "internal"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    texts = page_texts(response.data)
    assert not any("Version" in text or " v1 " in text for text in texts)
    printed = squash("".join(texts))
    assert squash("A short plan.") in printed and squash("still in draft") not in printed
    assert squash("Revision 1 of 1") in printed

    draft = hq.post("/review/pack", data={"workplan_ids": [str(small_plan.id)], "profile": "internal"})
    assert squash("still in draft") in squash("".join(page_texts(draft.data)))
