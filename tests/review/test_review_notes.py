"""HQ's "what should change" and the officers' submission note stand at the top of the plan, in the queue and on Check and submit."""

from tests.pages import text_of


def _top_of_overview(client, plan_id) -> str:
    """The overview's text above the plan's facts (status, revision, last change)."""
    page = text_of(client.get(f"/workplans/{plan_id}/").data)
    return page.split('<dl class="plan-meta">')[0]


def test_the_officers_note_reaches_the_reviewer(hq_user, demo_plan, pk_officer, sign_in):
    officer, hq = sign_in(pk_officer), sign_in(hq_user)
    assert (
        officer.post(f"/workplans/{demo_plan.id}/submit", data={"note": "Budget revised after the call."}).status_code
        == 302
    )

    top = _top_of_overview(hq, demo_plan.id)
    assert "Note from the officers" in top and "Budget revised after the call." in top and "with revision 1" in top
    queue = text_of(hq.get("/review/").data)
    row = queue.split("queue-waiting")[1].split("</tr>")[1]
    assert "Officers' note (revision 1):" in row and "Budget revised after the call." in row


def test_what_hq_asks_to_change_stands_at_the_top_for_the_officers(hq_user, demo_plan, pk_officer, sign_in):
    officer, hq = sign_in(pk_officer), sign_in(hq_user)
    assert officer.post(f"/workplans/{demo_plan.id}/submit").status_code == 302
    note = "Split output 2 into training and mentoring."
    assert hq.post(f"/workplans/{demo_plan.id}/request-changes", data={"note": note}).status_code == 302

    top = _top_of_overview(officer, demo_plan.id)
    assert "What HQ asks to change" in top and note in top and "on revision 1" in top
    check = text_of(officer.get(f"/workplans/{demo_plan.id}/steps/check").data)
    assert check.index(note) < check.index("Submit to HQ")
    sent_back = text_of(hq.get("/review/").data).split("queue-sent-back")[1]
    assert "HQ asked (revision 1):" in sent_back and note in sent_back

    # Resubmitted, the reviewer still sees what they asked for, beside the officers' answer.
    assert officer.post(f"/workplans/{demo_plan.id}/submit", data={"note": "Done, see output 2."}).status_code == 302
    top = _top_of_overview(hq, demo_plan.id)
    assert note in top and "Done, see output 2." in top and "with revision 2" in top


def test_notes_of_an_approved_plan_are_history_only(hq_user, demo_plan, pk_officer, sign_in):
    officer, hq = sign_in(pk_officer), sign_in(hq_user)
    assert officer.post(f"/workplans/{demo_plan.id}/submit", data={"note": "First try."}).status_code == 302
    assert hq.post(f"/workplans/{demo_plan.id}/approve", data={"revision": 1}).status_code == 302
    top = _top_of_overview(officer, demo_plan.id)
    assert "First try." not in top and "Note from the officers" not in top
