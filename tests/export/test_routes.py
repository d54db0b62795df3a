"""Who may download a plan's PDF, what the response looks like, and when it is rendered again."""

import re

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.export import services
from app.export.profiles import PROFILES
from app.extensions import db
from app.review.workflow import submit_workplan
from tests import factories
from tests.export.pdf import page_texts


@pytest.fixture
def renders(monkeypatch):
    """Count real renders: the spy calls WeasyPrint and remembers each call."""
    calls = []
    original = services.render_pdf

    def spy(html):
        calls.append(html)
        return original(html)

    monkeypatch.setattr(services, "render_pdf", spy)
    return calls


def test_the_officer_downloads_an_attachment_named_from_ids_only(small_plan, pk_officer, sign_in):
    small_plan.title = 'Evil"\r\nX-Injected: 1 \u202e<b>'
    db.session.commit()
    response = sign_in(pk_officer).get(f"/workplans/{small_plan.id}/export.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="PK-{small_plan.id}-working-text-internal.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Injected" not in response.headers


def test_the_pdf_and_its_name_speak_of_revisions_only(small_plan, pk_officer, sign_in):
    small_plan.version = 3  # the plan was reopened twice: no "v3" anywhere, as on the screens
    db.session.commit()
    response = sign_in(pk_officer).get(f"/workplans/{small_plan.id}/export.pdf?profile=donor")
    assert (
        response.headers["Content-Disposition"] == f'attachment; filename="PK-{small_plan.id}-working-text-donor.pdf"'
    )
    text = "".join(page_texts(response.data))
    assert "(working text)" in text
    assert not re.search(r"\bv3\b", text)


def test_another_countrys_officer_gets_404_exactly_like_a_missing_plan(small_plan, iq_officer, sign_in):
    client = sign_in(iq_officer)
    other = client.get(f"/workplans/{small_plan.id}/export.pdf")
    missing = client.get("/workplans/999999/export.pdf")
    assert other.status_code == missing.status_code == 404
    assert other.data == missing.data


def test_anonymous_visitors_are_sent_to_sign_in(app, small_plan):
    response = app.test_client().get(f"/workplans/{small_plan.id}/export.pdf")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    "query, status",
    [
        ("?profile=secret", 400),
        ("?revision=abc", 400),
        ("?revision=0", 400),
        ("?revision=7", 404),
    ],
)
def test_bad_options_are_refused(small_plan, pk_officer, sign_in, query, status, renders):
    assert sign_in(pk_officer).get(f"/workplans/{small_plan.id}/export.pdf{query}").status_code == status
    assert renders == []


def test_hq_sees_every_countrys_plan(small_plan, hq_user, sign_in):
    assert sign_in(hq_user).get(f"/workplans/{small_plan.id}/export.pdf").status_code == 200


def test_each_download_is_audited(small_plan, pk_officer, sign_in):
    sign_in(pk_officer).get(f"/workplans/{small_plan.id}/export.pdf?profile=public&annexes=0")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "workplan.export"))
    assert event.actor_id == pk_officer.id
    assert event.workplan_id == small_plan.id
    assert event.details == {"profile": "public", "revision": None, "annexes": False, "cached": False}


def test_a_repeat_download_comes_from_the_cache_and_an_edit_renders_again(
    small_plan, pk_officer, sign_in, renders, pdf_cache_dir
):
    client = sign_in(pk_officer)
    url = f"/workplans/{small_plan.id}/export.pdf"
    first = client.get(url)
    second = client.get(url)
    assert len(renders) == 1
    assert second.data == first.data
    assert len(list(pdf_cache_dir.glob("*.pdf"))) == 1
    assert not list(pdf_cache_dir.glob(".tmp-*"))

    client.get(url + "?profile=donor")
    client.get(url + "?annexes=0")
    assert len(renders) == 3

    small_plan.outputs[0].activities[0].description = "Train investigators in Karachi"
    db.session.commit()
    third = client.get(url)
    assert len(renders) == 4
    assert "Train investigators in Karachi" in "".join(page_texts(third.data))


def test_a_new_comment_renders_the_review_log_again(small_plan, pk_officer, hq_user, sign_in, renders):
    client = sign_in(pk_officer)
    url = f"/workplans/{small_plan.id}/export.pdf"
    client.get(url)
    factories.make_comment(small_plan, hq_user, "Say more about the referral mechanism.")
    db.session.commit()
    response = client.get(url)
    assert len(renders) == 2
    assert "Say more about the referral mechanism." in "".join(page_texts(response.data))
    client.get(url + "?annexes=0")
    client.get(url + "?annexes=0")
    assert len(renders) == 3


def test_a_revision_prints_its_snapshot_not_the_current_text(demo_plan, pk_officer, sign_in):
    submit_workplan(demo_plan, pk_officer)
    demo_plan.summary = "A summary written after the submission."
    db.session.commit()
    client = sign_in(pk_officer)
    old = client.get(f"/workplans/{demo_plan.id}/export.pdf?revision=1&annexes=0")
    assert old.headers["Content-Disposition"] == f'attachment; filename="PK-{demo_plan.id}-revision-1-internal.pdf"'
    old_text = "".join(page_texts(old.data))
    assert "A summary written after the submission." not in old_text
    assert "Revision 1 of 1" in old_text
    current = "".join(page_texts(client.get(f"/workplans/{demo_plan.id}/export.pdf?annexes=0").data))
    assert "A summary written after the submission." in current


def test_an_officer_of_the_country_who_did_not_write_the_plan_may_download_it(small_plan, sign_in):
    colleague = factories.make_user("colleague.pk@example.org", "officer", ["PK"])
    db.session.commit()
    assert sign_in(colleague).get(f"/workplans/{small_plan.id}/export.pdf").status_code == 200


def test_when_every_render_slot_of_the_server_is_busy_the_download_answers_503(
    app, small_plan, pk_officer, sign_in, tmp_path
):
    from app.export.rendering import Limits, render_slot

    app.config.update(PDF_RENDER_LOCK_DIR=str(tmp_path), PDF_RENDER_SLOTS=1, PDF_RENDER_WAIT=0.05)
    client = sign_in(pk_officer)
    # Another worker process holds the slot: the lock is a file lock, so a second open file stands in for it.
    with app.app_context(), render_slot(Limits.from_config(app.config)):
        busy = client.get(f"/workplans/{small_plan.id}/export.pdf")
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "30"
    assert "Try again in a minute" in busy.get_data(as_text=True)
    assert client.get(f"/workplans/{small_plan.id}/export.pdf").status_code == 200


def test_the_overview_offers_every_edition_with_who_it_is_for(small_plan, pk_officer, sign_in):
    client = sign_in(pk_officer)
    page = client.get(f"/workplans/{small_plan.id}/").get_data(as_text=True)
    menu = page[page.index('<details class="download-menu">') : page.index("</details>")]
    assert "Download PDF" in menu
    for key, profile in PROFILES.items():
        url = f"/workplans/{small_plan.id}/export.pdf?profile={key}"
        assert f'href="{url}" download>{profile.label}</a>' in menu
        assert profile.audience in menu
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].endswith(f'-{key}.pdf"')
        assert profile.label in page_texts(response.data)[0]
