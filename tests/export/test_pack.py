"""HQ's meeting pack: several plans in one PDF with a combined cover and a status page per country."""

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.extensions import db
from tests import factories
from tests.export.pdf import bookmarks, contents_entries, page_texts, reader, squash
from tests.pages import form_values


@pytest.fixture
def plans(small_plan, hq_user):
    """A Pakistan plan with an open blocking comment, an older Pakistan plan and an Iraq plan."""
    older = factories.make_workplan("PK", "Pakistan plan 2024–2025")
    older.period_start, older.period_end = 2024, 2025
    iraq = factories.make_workplan("IQ", "Iraq plan 2026–2027")
    factories.make_comment(small_plan, hq_user, "Blocking point.", is_blocking=True)
    db.session.commit()
    return {"pk": small_plan, "pk_old": older, "iq": iraq}


def test_the_form_lists_every_plan_and_picks_each_countrys_newest(plans, hq_user, sign_in):
    response = sign_in(hq_user).get("/review/pack")
    assert response.status_code == 200
    chosen = {int(value) for value in form_values(response.data).getlist("workplan_ids")}
    assert chosen == {plans["pk"].id, plans["iq"].id}
    assert "Pakistan plan 2024–2025" in response.get_data(as_text=True)


def test_hq_gets_one_pdf_with_the_chosen_plans(plans, hq_user, sign_in):
    response = sign_in(hq_user).post(
        "/review/pack",
        data={
            "workplan_ids": [plans["pk"].id, plans["iq"].id, 999999],
            "profile": "donor",
            "annexes": "y",
        },
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="GLOACT-meeting-pack-')
    assert response.headers["Content-Disposition"].endswith('-donor.pdf"')
    texts = page_texts(response.data)
    cover = texts[0]
    assert "Meeting pack" in cover and "Short plan 2026–2027" in cover and "Iraq plan 2026–2027" in cover
    assert "Donor edition" in cover
    assert squash(cover).count(squash("Working text, not yet submitted")) == 2
    summaries = {
        text.split("Status summary: ")[1].split("\n")[0]: text
        for text in texts
        if "Status summary: " in text and "Contents" not in text
    }
    assert set(summaries) == {"Iraq", "Pakistan"}
    assert "Open blocking comments 1" in summaries["Pakistan"]
    assert "3. Capacity building" in summaries["Pakistan"]
    assert "EUR 25,000" in summaries["Pakistan"]
    everything = "".join(texts)
    assert "Pakistan plan 2024–2025" not in everything
    marks = bookmarks(response.data)
    assert [mark.title for mark in marks if mark.level == 1] == [
        "Meeting pack",
        "Iraq plan 2026–2027",
        "Short plan 2026–2027",
    ]
    assert [mark.title for mark in marks if mark.level == 2][:3] == [
        "Status summary: Iraq",
        "Status summary: Pakistan",
        "1. Summary",
    ]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "review.pack"))
    assert sorted(event.details["workplan_ids"]) == sorted([plans["pk"].id, plans["iq"].id])


def test_ids_of_plans_that_do_not_exist_give_the_form_back(plans, hq_user, sign_in):
    response = sign_in(hq_user).post("/review/pack", data={"workplan_ids": [999999], "profile": "internal"})
    assert response.status_code == 200
    assert "None of the chosen plans is available." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_only_hq_makes_meeting_packs(plans, sign_in, role):
    user = factories.make_user(f"{role}@example.org", role, ["PK"] if role == "officer" else [])
    db.session.commit()
    client = sign_in(user)
    assert client.get("/review/pack").status_code == 403
    assert client.post("/review/pack", data={"workplan_ids": [plans["pk"].id]}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(app):
    response = app.test_client().get("/review/pack")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_pack_needs_a_csrf_token(app, plans, hq_user, sign_in):
    client = sign_in(hq_user)
    app.config["WTF_CSRF_ENABLED"] = True
    assert 'name="csrf_token"' in client.get("/review/pack").get_data(as_text=True)
    response = client.post("/review/pack", data={"workplan_ids": [plans["pk"].id]})
    assert response.status_code == 400


def _internal_pack_of_both(client, plans):
    """Print the Pakistan and Iraq plans as one internal pack, with annexes."""
    data = {"workplan_ids": [plans["pk"].id, plans["iq"].id], "profile": "internal", "annexes": "y"}
    return client.post("/review/pack", data=data)


def test_the_pack_is_numbered_throughout_and_its_contents_give_the_page_each_plan_starts_on(plans, hq_user, sign_in):
    response = _internal_pack_of_both(sign_in(hq_user), plans)
    texts = page_texts(response.data)
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text, number
    pdf = reader(response.data)
    assert "/StructTreeRoot" in pdf.trailer["/Root"] and pdf.trailer["/Root"]["/Lang"] == "en"
    assert pdf.metadata["/Title"].startswith("GLO.ACT steering committee meeting pack")
    assert pdf.metadata["/CreationDate"].startswith("D:")

    assert "Contents" in texts[1]
    entries = contents_entries(texts[1])
    assert [title for title, _ in entries] == [
        "Status summary: Iraq",
        "Status summary: Pakistan",
        "Iraq: Iraq plan 2026–2027",
        "Pakistan: Short plan 2026–2027",
    ]
    marks = {mark.title: mark.page for mark in bookmarks(response.data)}
    for title, page in entries:
        start = squash(title.split(": ", 1)[-1] if not title.startswith("Status") else title)
        assert start in squash(texts[page - 1]), (title, page)
        if not title.startswith("Status"):
            assert "COUNTRYWORKPLAN" in squash(texts[page - 1]).upper()
            assert marks[title.split(": ", 1)[1]] == page
    # Each plan's own contents give pages of the pack too.
    iraq_start = dict(entries)["Iraq: Iraq plan 2026–2027"]
    iraq_contents = contents_entries(texts[iraq_start])
    assert iraq_contents[0][0] == "1. Summary" and iraq_contents[0][1] > iraq_start
    assert "1. Summary" in texts[iraq_contents[0][1] - 1]


def test_only_the_pages_of_a_draft_plan_carry_the_draft_watermark(plans, hq_user, sign_in):
    from datetime import UTC, datetime

    from app.workplans.models import WorkplanStatus
    from tests.export.pdf import rotated_words

    plans["iq"].status = WorkplanStatus.APPROVED
    plans["iq"].approved_at = datetime(2026, 3, 12, tzinfo=UTC)
    db.session.commit()
    response = _internal_pack_of_both(sign_in(hq_user), plans)
    texts = page_texts(response.data)
    entries = dict(contents_entries(texts[1]))
    iraq, pakistan = entries["Iraq: Iraq plan 2026–2027"], entries["Pakistan: Short plan 2026–2027"]
    assert iraq < pakistan
    assert rotated_words(response.data, "DRAFT") == list(range(pakistan, len(texts) + 1))
