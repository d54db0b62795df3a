"""HQ's comments show on the step they are about, beside their item, counted in the step menu; officers answer there."""

import re

from sqlalchemy import select

from app.extensions import db
from app.review.models import Comment
from tests import factories
from tests.pages import text_of


def _comment(client, plan_id, about, body, blocking=False):
    data = {"about": about, "body": body, **({"is_blocking": "y"} if blocking else {})}
    assert client.post(f"/workplans/{plan_id}/comments", data=data).status_code == 302
    return db.session.scalar(select(Comment).where(Comment.body == body))


def _nav_counts(page: str) -> dict[str, int]:
    """Open comments per step, as the step menu shows them."""
    nav = page.split('<nav class="step-nav"')[1].split("</nav>")[0]
    counts = {}
    for key, item in re.findall(r'steps/(\w+)"(.*?)</li>', nav, re.S):
        found = re.search(r'step-nav__comments">(\d+)<span class="visually-hidden"> open comment', item)
        counts[key] = int(found[1]) if found else 0
    return counts


def _sent_back_with_comments(plan, hq_user, sign_in):
    """HQ comments on an output, the context (blocking) and a risk, and sends the plan back."""
    output = plan.objectives[0].outputs[0]
    comments = {
        "output": factories.comment_on(plan, hq_user, f"output:{output.id}", "Output wording is too vague."),
        "context": factories.comment_on(plan, hq_user, "section:context", "Add the 2024 figures.", blocking=True),
        "risk": factories.comment_on(plan, hq_user, f"risk:{plan.risks[0].id}", "Who owns this risk?"),
    }
    factories.send_back(plan, hq_user)
    db.session.commit()
    return sign_in(hq_user), comments


def test_an_item_comment_shows_beside_its_item_on_its_step(hq_user, submitted_plan, pk_officer, sign_in):
    _, comments = _sent_back_with_comments(submitted_plan, hq_user, sign_in)
    page = text_of(sign_in(pk_officer).get(f"/workplans/{submitted_plan.id}/steps/results").data)
    form = page.split('id="step-form"')[1]
    output_block = form.split('id="objectives-0-outputs-0"')[1].split('id="objectives-0-outputs-0-indicators-0"')[0]
    assert "Output wording is too vague." in output_block
    assert f'href="#comment-{comments["output"].id}"' in output_block
    # The thread itself, with its reply and resolve forms, stands above the step form.
    above = page.split('id="step-form"')[0]
    assert f'id="comment-{comments["output"].id}"' in above and "Output " in above
    assert "Add the 2024 figures." not in page


def test_activity_and_lesson_comments_show_beside_them(hq_user, submitted_plan, pk_officer, sign_in):
    hq = sign_in(hq_user)
    activity = submitted_plan.outputs[0].activities[0]
    lesson = submitted_plan.lessons[0]
    _comment(hq, submitted_plan.id, f"activity:{activity.id}", "Which district?")
    _comment(hq, submitted_plan.id, f"lesson:{lesson.id}", "Say more on this lesson.")
    assert hq.post(f"/workplans/{submitted_plan.id}/request-changes", data={"note": "See comments."}).status_code == 302
    officer = sign_in(pk_officer)
    activities = text_of(officer.get(f"/workplans/{submitted_plan.id}/steps/activities").data)
    block = activities.split('id="outputs-0-activities-0"')[1].split('id="outputs-0-activities-0-description"')[0]
    assert "Which district?" in block
    lessons = text_of(officer.get(f"/workplans/{submitted_plan.id}/steps/lessons").data)
    card = lessons.split(f'id="lesson-{lesson.recommendation_id}"')[0].rsplit('class="lesson-card"', 1)[1]
    assert "Say more on this lesson." in card


def test_a_section_comment_heads_its_step_and_the_menu_counts_open_comments(
    hq_user, submitted_plan, pk_officer, sign_in
):
    _sent_back_with_comments(submitted_plan, hq_user, sign_in)
    page = text_of(sign_in(pk_officer).get(f"/workplans/{submitted_plan.id}/steps/context").data)
    assert page.index("Add the 2024 figures.") < page.index('id="step-form"')
    assert "Comments on this step" in page and "Blocking" in page
    counts = _nav_counts(page)
    assert (counts["context"], counts["results"], counts["risks"], counts["basics"]) == (1, 1, 1, 0)
    check = text_of(sign_in(pk_officer).get(f"/workplans/{submitted_plan.id}/steps/check").data)
    assert _nav_counts(check)["context"] == 1


def test_officers_reply_and_resolve_from_the_step(hq_user, submitted_plan, pk_officer, sign_in):
    _, comments = _sent_back_with_comments(submitted_plan, hq_user, sign_in)
    officer = sign_in(pk_officer)
    plan_id, risk = submitted_plan.id, comments["risk"]
    page = text_of(officer.get(f"/workplans/{plan_id}/steps/risks").data)
    assert f'action="/workplans/{plan_id}/comments/{risk.id}/replies"' in page
    assert '<input type="hidden" name="step" value="risks">' in page

    response = officer.post(
        f"/workplans/{plan_id}/comments/{risk.id}/replies", data={"body": "The ministry.", "step": "risks"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/workplans/{plan_id}/steps/risks#comment-{risk.id}")
    assert "The ministry." in text_of(officer.get(f"/workplans/{plan_id}/steps/risks").data)

    response = officer.post(f"/workplans/{plan_id}/comments/{risk.id}/resolve", data={"step": "risks"})
    assert response.headers["Location"].endswith(f"/workplans/{plan_id}/steps/risks#comment-{risk.id}")
    page = text_of(officer.get(f"/workplans/{plan_id}/steps/risks").data)
    assert "Who owns this risk?" not in page and _nav_counts(page)["risks"] == 0


def test_a_reviewer_replying_is_brought_back_to_the_overview(hq_user, submitted_plan, pk_officer, sign_in):
    hq, comments = _sent_back_with_comments(submitted_plan, hq_user, sign_in)
    response = hq.post(
        f"/workplans/{submitted_plan.id}/comments/{comments['risk'].id}/replies", data={"body": "Ok", "step": "risks"}
    )
    assert response.headers["Location"].endswith(f"/workplans/{submitted_plan.id}/#comment-{comments['risk'].id}")
