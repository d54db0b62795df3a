"""The annexes: the review log with its threads, and what changed since the previous revision."""

from datetime import UTC, datetime

from app.export.services import gather_print_inputs, parse_export_options, render_plan_html
from app.extensions import db
from app.review.models import Comment
from app.review.workflow import submit_workplan
from app.workplans.models import WorkplanStatus
from tests import factories


def html_for(workplan, revision=None):
    return render_plan_html(gather_print_inputs(workplan, parse_export_options(None, revision, None)))


def test_the_review_log_prints_threads_with_resolution(small_plan, pk_officer, hq_user):
    activity = small_plan.outputs[0].activities[0]
    blocking = Comment(
        workplan_id=small_plan.id,
        author_id=hq_user.id,
        anchor_type="activity",
        anchor_id=activity.id,
        section="activities",
        body="Is this location safe to print?",
        is_blocking=True,
        created_at=datetime(2026, 2, 3, tzinfo=UTC),
    )
    db.session.add(blocking)
    db.session.flush()
    db.session.add(
        Comment(
            workplan_id=small_plan.id,
            parent_id=blocking.id,
            author_id=pk_officer.id,
            anchor_type="activity",
            anchor_id=activity.id,
            section="activities",
            body="It is flagged as sensitive now.",
            created_at=datetime(2026, 2, 4, tzinfo=UTC),
        )
    )
    blocking.resolved_at = datetime(2026, 2, 5, tzinfo=UTC)
    blocking.resolved_by_id = hq_user.id
    factories.make_comment(small_plan, hq_user, "Shorten the summary.", created_at=datetime(2026, 2, 6, tzinfo=UTC))
    db.session.commit()

    html = html_for(small_plan)
    log = html.split(f'id="p{small_plan.id}-review-log"')[1]
    assert "Activity plan — Activity 3.1.1" in log
    assert "reviewer · 3 February 2026" in log
    assert "Blocking" in log
    assert "Resolved</span> by reviewer on 5 February 2026" in log
    assert "Reply · off.pk · 4 February 2026" in log
    assert "It is flagged as sensitive now." in log
    assert log.index("Is this location safe to print?") < log.index("Shorten the summary.")
    assert "Open</span>" in log


def test_the_changes_annex_lists_what_changed_between_revisions(demo_plan, pk_officer):
    submit_workplan(demo_plan, pk_officer)
    demo_plan.status = WorkplanStatus.CHANGES_REQUESTED
    demo_plan.outputs[0].activities[0].location = "Quetta"
    demo_plan.summary = "A shorter summary."
    db.session.flush()
    submit_workplan(demo_plan, pk_officer)
    db.session.commit()

    changes = html_for(demo_plan, revision=2).split("Changes since the previous revision")[-1]
    assert "Changes in revision 2 since revision 1" in changes
    assert "Summary: text changed." in changes
    assert "location changed." in changes
    first = html_for(demo_plan, revision=1).split("Changes since the previous revision")[-1]
    assert "Revision 1 is the first revision" in first


def test_the_working_text_is_compared_with_the_latest_revision(demo_plan, pk_officer):
    assert "The plan has not been submitted yet" in html_for(demo_plan)
    submit_workplan(demo_plan, pk_officer)
    db.session.commit()
    assert "Nothing changed." in html_for(demo_plan)
    demo_plan.status = WorkplanStatus.CHANGES_REQUESTED
    demo_plan.risks[0].owner = "Ministry of Interior"
    db.session.commit()
    changes = html_for(demo_plan).split("Changes since the previous revision")[-1]
    assert "Changes since revision 1" in changes
    assert "owner changed." in changes


def test_the_working_text_follows_the_newest_of_several_revisions(demo_plan, pk_officer):
    submit_workplan(demo_plan, pk_officer)
    demo_plan.status = WorkplanStatus.CHANGES_REQUESTED
    submit_workplan(demo_plan, pk_officer)
    demo_plan.status = WorkplanStatus.CHANGES_REQUESTED
    demo_plan.risks[0].owner = "Ministry of Interior"
    db.session.commit()
    html = html_for(demo_plan)
    assert "Working text, after revision 2" in html
    assert "Changes since revision 2" in html.split("Changes since the previous revision")[-1]
    assert "Revision 1 of 2" in html_for(demo_plan, revision=1)
