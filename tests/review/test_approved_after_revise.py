"""After Revise the approved revision stays in view: its PDF, its place in the lists, one revision wording."""

import re

from sqlalchemy import select

from app.catalogue.models import Country
from app.extensions import db
from tests import factories
from tests.pages import form_values, text_of


def approve_and_revise(plan, hq_user, pk_officer, sign_in):
    """HQ approves revision 1 and the officer reopens the plan; returns both signed-in clients."""
    factories.revise(factories.approve(plan, hq_user), pk_officer)
    db.session.commit()
    return sign_in(hq_user), sign_in(pk_officer)


def test_the_overview_keeps_a_link_to_the_approved_pdf(hq_user, submitted_plan, pk_officer, sign_in):
    hq, officer = approve_and_revise(submitted_plan, hq_user, pk_officer, sign_in)
    for client in (hq, officer):
        page = text_of(client.get(f"/workplans/{submitted_plan.id}/").data)
        assert f'href="/workplans/{submitted_plan.id}/export.pdf?revision=1" download>Download approved PDF' in page
        assert "<dt>Revision</dt><dd>Approved revision 1 · revision 2 in draft</dd>" in page


def test_every_revision_has_its_pdf_on_the_revisions_list(hq_user, submitted_plan, pk_officer, sign_in):
    _, officer = approve_and_revise(submitted_plan, hq_user, pk_officer, sign_in)
    page = text_of(officer.get(f"/workplans/{submitted_plan.id}/revisions/").data)
    assert f'href="/workplans/{submitted_plan.id}/export.pdf?revision=1"' in page
    assert "Revision 1" in page and "Approved" in page


def test_lists_say_approved_and_in_draft_in_one_wording(hq_user, submitted_plan, pk_officer, sign_in):
    hq, officer = approve_and_revise(submitted_plan, hq_user, pk_officer, sign_in)
    standing = "Approved revision 1 · revision 2 in draft"
    dashboard = text_of(hq.get("/review/dashboard").data)
    pakistan = db.session.scalar(select(Country).where(Country.code == "PK")).name
    row = dashboard.split(f'<th scope="row">{pakistan}</th>')[1].split("</tr>")[0]
    assert standing in row
    for client in (hq, officer):
        index = text_of(client.get("/workplans/").data)
        assert standing in index
    for page in (dashboard, index, text_of(officer.get(f"/workplans/{submitted_plan.id}/").data)):
        assert not re.search(r">v[0-9]+<|Version", page)


def test_the_revise_button_and_message_speak_of_revisions(hq_user, submitted_plan, pk_officer, sign_in):
    hq, officer = sign_in(hq_user), sign_in(pk_officer)
    assert hq.post(f"/workplans/{submitted_plan.id}/approve", data={"revision": 1}).status_code == 302
    assert "Revise: open revision 2 as a draft" in text_of(officer.get(f"/workplans/{submitted_plan.id}/").data)
    response = officer.post(f"/workplans/{submitted_plan.id}/revise", follow_redirects=True)
    assert "Revision 2 is open as a draft. Approved revision 1 stays as it was" in text_of(response.data)


def test_the_meeting_pack_starts_with_the_approved_revision(hq_user, submitted_plan, pk_officer, sign_in):
    hq, _ = approve_and_revise(submitted_plan, hq_user, pk_officer, sign_in)
    page = hq.get("/review/pack")
    chosen = form_values(page.data).getlist("workplan_ids")
    assert f"{submitted_plan.id}@1" in chosen and str(submitted_plan.id) not in chosen
    html = text_of(page.data)
    assert f'value="{submitted_plan.id}"' in html and "approved revision 1)" in html and "revision 2 in draft)" in html
