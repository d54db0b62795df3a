"""Comments sit on sections and items, thread, resolve, and survive later revisions; compare defaults."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from app.extensions import db
from app.review.models import Comment, ReviewRead
from app.workplans.models import Risk
from tests import factories
from tests.pages import text_of
from tests.workplans.helpers import open_step, post_step


def _comment(client, plan_id, about, body="A comment", blocking=False):
    data = {"about": about, "body": body}
    if blocking:
        data["is_blocking"] = "y"
    return client.post(f"/workplans/{plan_id}/comments", data=data)


def test_officers_comment_and_reply_but_cannot_block(hq_user, submitted_plan, pk_officer, sign_in):
    officer = sign_in(pk_officer)
    assert (
        _comment(officer, submitted_plan.id, "section:context", "We updated the figures.", blocking=True).status_code
        == 302
    )
    comment = db.session.scalar(select(Comment))
    assert (comment.section, comment.anchor_type, comment.is_blocking) == ("context", "section", False)
    hq = sign_in(hq_user)
    assert (
        hq.post(f"/workplans/{submitted_plan.id}/comments/{comment.id}/replies", data={"body": "Thanks"}).status_code
        == 302
    )
    page = text_of(hq.get(f"/workplans/{submitted_plan.id}/").data)
    assert "We updated the figures." in page and "Thanks" in page and "Context and needs" in page


def test_only_hq_resolves_blocking_comments(hq_user, submitted_plan, pk_officer, sign_in):
    hq, officer = sign_in(hq_user), sign_in(pk_officer)
    risk_id = submitted_plan.risks[0].id
    assert _comment(hq, submitted_plan.id, f"risk:{risk_id}", "Too vague", blocking=True).status_code == 302
    comment = db.session.scalar(select(Comment))
    assert officer.post(f"/workplans/{submitted_plan.id}/comments/{comment.id}/resolve").status_code == 403
    db.session.refresh(comment)
    assert comment.resolved_at is None
    assert hq.post(f"/workplans/{submitted_plan.id}/comments/{comment.id}/resolve").status_code == 302
    db.session.refresh(comment)
    assert comment.resolved_by_id == hq_user.id


def test_a_comment_cannot_point_at_another_plans_item(hq_user, submitted_plan, sign_in):
    other = factories.make_workplan("AF", title="Afghan plan")
    other.risks.append(Risk(position=1, description="Afghan risk"))
    db.session.commit()
    response = _comment(sign_in(hq_user), submitted_plan.id, f"risk:{other.risks[0].id}")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_another_countrys_officer_cannot_see_or_comment(submitted_plan, users, sign_in):
    client = sign_in(users["off_iq"])
    assert _comment(client, submitted_plan.id, "section:summary").status_code == 404
    assert client.get(f"/workplans/{submitted_plan.id}/comments").status_code == 404
    assert client.get(f"/workplans/{submitted_plan.id}/revisions/").status_code == 404
    assert client.get(f"/workplans/{submitted_plan.id}/compare").status_code == 404
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_comments_stay_visible_on_later_revisions(hq_user, submitted_plan, pk_officer, sign_in):
    hq, officer = sign_in(hq_user), sign_in(pk_officer)
    activity_id = submitted_plan.activities[0].id
    assert _comment(hq, submitted_plan.id, f"activity:{activity_id}", "Check the location").status_code == 302
    assert hq.post(f"/workplans/{submitted_plan.id}/request-changes", data={"note": "See comments"}).status_code == 302
    assert officer.post(f"/workplans/{submitted_plan.id}/submit").status_code == 302
    page = text_of(hq.get(f"/workplans/{submitted_plan.id}/").data)
    assert "Check the location" in page and "on revision 1" in page and "Activity 3.1.1" in page


def test_a_removed_item_keeps_its_comment_readable(hq_user, submitted_plan, pk_officer, sign_in):
    hq, officer = sign_in(hq_user), sign_in(pk_officer)
    risk_id = submitted_plan.risks[-1].id
    assert _comment(hq, submitted_plan.id, f"risk:{risk_id}", "Drop this risk").status_code == 302
    assert hq.post(f"/workplans/{submitted_plan.id}/request-changes", data={"note": "Drop it"}).status_code == 302
    values = open_step(officer, submitted_plan.id, "risks")
    last = len(submitted_plan.risks) - 1
    assert post_step(officer, submitted_plan.id, "risks", values, action=f"remove:risks-{last}").status_code == 302
    page = text_of(hq.get(f"/workplans/{submitted_plan.id}/comments").data)
    assert "Drop this risk" in page and "A removed risk" in page


def test_compare_defaults_to_changes_since_the_revision_last_reviewed(hq_user, submitted_plan, pk_officer, sign_in):
    hq, officer = sign_in(hq_user), sign_in(pk_officer)
    plan_id = submitted_plan.id
    assert hq.post(f"/workplans/{plan_id}/request-changes", data={"note": "Edit the summary"}).status_code == 302
    for number in (2, 3):
        values = open_step(officer, plan_id, "basics")
        values["summary"] = f"Summary of revision {number}"
        assert post_step(officer, plan_id, "basics", values).status_code == 302
        assert officer.post(f"/workplans/{plan_id}/submit").status_code == 302
        if number == 2:
            assert hq.post(f"/workplans/{plan_id}/request-changes", data={"note": "Once more"}).status_code == 302
    # HQ last acted on revision 2, so the default compares 2 → 3.
    page = text_of(hq.get(f"/workplans/{plan_id}/compare").data)
    assert "Changes from revision 2 to revision 3" in page and "Since the revision you last reviewed" in page
    assert db.session.scalar(select(ReviewRead.revision_number).where(ReviewRead.user_id == hq_user.id)) == 3
    page = text_of(hq.get(f"/workplans/{plan_id}/compare?from=1&to=3").data)
    assert "Changes from revision 1 to revision 3" in page
    assert hq.get(f"/workplans/{plan_id}/compare?from=1&to=9").status_code == 404


def test_the_comments_page_lists_open_threads_before_resolved_ones(hq_user, submitted_plan, sign_in):
    earlier = factories.make_comment(
        submitted_plan, hq_user, "Resolved long ago", created_at=datetime(2026, 1, 5, tzinfo=UTC)
    )
    earlier.resolved_at, earlier.resolved_by_id = datetime(2026, 1, 6, tzinfo=UTC), hq_user.id
    factories.make_comment(submitted_plan, hq_user, "Still open, first", created_at=datetime(2026, 1, 7, tzinfo=UTC))
    factories.make_comment(submitted_plan, hq_user, "Still open, second", created_at=datetime(2026, 1, 8, tzinfo=UTC))
    db.session.commit()
    page = text_of(sign_in(hq_user).get(f"/workplans/{submitted_plan.id}/comments").data)
    assert page.index("Still open, first") < page.index("Still open, second") < page.index("Resolved long ago")


def test_a_comment_link_preselects_its_item_in_the_overviews_comment_form(hq_user, submitted_plan, sign_in):
    hq = sign_in(hq_user)
    risk = submitted_plan.risks[0]
    page = hq.get(f"/workplans/{submitted_plan.id}/?about=risk:{risk.id}").get_data(as_text=True)
    assert f'<option selected value="risk:{risk.id}">' in page
    page = hq.get(f"/workplans/{submitted_plan.id}/").get_data(as_text=True)
    assert '<option selected value="section:summary">' in page
