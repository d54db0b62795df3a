"""User text is shown as text everywhere: no markup, script or template syntax ever runs."""

import re
from pathlib import Path

from sqlalchemy import String, Text, select

from app.catalogue.models import Partner
from app.db import utcnow
from app.export.services import gather_print_inputs, parse_export_options, render_plan_html
from app.extensions import db
from app.review.models import Notification, Revision
from app.workplans.models import Workplan, WorkplanStatus
from app.workplans.snapshots import snapshot_workplan
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = """<script>alert(1)</script>"><img src=x onerror=alert(1)>ssti-{{7*7}}-ssti{% raw %}javascript:alert(1)"""
SSTI_SHOWN, SSTI_EVALUATED = "ssti-{{7*7}}-ssti", "ssti-49-ssti"
TITLE_MARK = "t-9d41e"
TITLE = TITLE_MARK + "{{7*7}}-end"
TITLE_SHOWN, TITLE_EVALUATED = TITLE, TITLE_MARK + "49-end"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
# Only code that builds HTML from escaped parts, as WTForms' own widgets do, may return Markup.
MARKUP_ALLOWED = {"app/export/diagram.py", "app/admin/forms.py", "app/core/helpers.py"}


def _fill_text_columns(obj) -> None:
    for column in obj.__table__.columns:
        if (
            isinstance(column.type, (String, Text))
            and not column.foreign_keys
            and column.name
            not in {
                "code",
                "status",
                "lead_agency",
                "likelihood",
                "impact",
                "email",
                "password_hash",
                "session_token",
                "role",
                "type",
                "phase",
            }
        ):
            limit = getattr(column.type, "length", None) or 10_000
            setattr(obj, column.name, PAYLOAD[:limit])


def test_no_template_marks_user_data_safe():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"\|\s*safe\b", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    for path in (ROOT / "app").rglob("*.py"):
        relative = str(path.relative_to(ROOT))
        if relative not in MARKUP_ALLOWED and re.search(r"\bMarkup\(|markupsafe", path.read_text(encoding="utf-8")):
            offenders.append(relative)
    assert offenders == []


def test_every_template_that_renders_user_text_is_autoescaped(app):
    for path in (ROOT / "templates").rglob("*"):
        if path.is_file():
            assert path.suffix in {".html", ".svg"}, path
            assert app.select_jinja_autoescape(path.name), path


def test_hostile_text_in_every_field_shows_as_text_on_every_page(demo_plan, pk_officer, users, sign_in):
    plan = db.session.get(Workplan, demo_plan.id)
    for obj in [
        plan,
        *plan.objectives,
        *plan.outputs,
        *plan.risks,
        *plan.lessons,
        *[i for o in plan.outputs for i in o.indicators],
        *plan.activities,
    ]:
        _fill_text_columns(obj)
    pk_officer.name = PAYLOAD[:200]
    partner = db.session.scalar(select(Partner).where(Partner.country_id == plan.country_id))
    partner.name = PAYLOAD[:200]
    factories.make_comment(plan, pk_officer, PAYLOAD)
    db.session.commit()

    officer, hq = sign_in(pk_officer), sign_in(users["hq"])
    pages = [
        (officer, "/workplans/"),
        (officer, f"/workplans/{plan.id}/"),
        (officer, f"/workplans/{plan.id}/comments"),
        (officer, f"/workplans/{plan.id}/revisions/"),
        (hq, f"/workplans/{plan.id}/"),
        (hq, "/workplans/"),
    ]
    from app.workplans.steps import STEPS

    pages += [(officer, f"/workplans/{plan.id}/steps/{step.key}") for step in STEPS]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html, url
        assert "<img src=x onerror" not in html, url
        assert ESCAPED in html or "&lt;script&gt;" in html, url
        # Shown as typed, never evaluated: "ssti-49-ssti" would mean a template ran the text.
        assert SSTI_SHOWN in html, url
        assert SSTI_EVALUATED not in html, url


def test_template_syntax_in_a_title_shows_as_typed_wherever_the_title_appears(demo_plan, pk_officer, users, sign_in):
    """A title that is valid template code (no stray {% raw %} to make evaluation fail loudly) stays text."""
    plan = db.session.get(Workplan, demo_plan.id)
    plan.title = TITLE
    db.session.add(Revision(workplan_id=plan.id, number=1, plan_version=1, snapshot=snapshot_workplan(plan)))
    db.session.add(
        Notification(
            user_id=users["hq"].id, workplan_id=plan.id, kind="comment", message=f"New comment on “{plan.title}”."
        )
    )
    db.session.commit()

    officer, hq = sign_in(pk_officer), sign_in(users["hq"])
    pages = [
        (officer, "/workplans/"),
        (officer, f"/workplans/{plan.id}/"),
        (officer, f"/workplans/{plan.id}/comments"),
        (officer, f"/workplans/{plan.id}/revisions/"),
        (officer, f"/workplans/{plan.id}/compare?from=1&to=1"),
        (officer, f"/workplans/{plan.id}/steps/basics"),
        (officer, f"/workplans/{plan.id}/steps/check"),
        (hq, "/review/dashboard"),
        (hq, "/review/pack"),
        (hq, "/notifications/"),
    ]
    shown = {}
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        shown[url] = response.get_data(as_text=True)
    plan.status, plan.submitted_at = WorkplanStatus.SUBMITTED, utcnow()
    db.session.commit()
    shown["/review/"] = hq.get("/review/").get_data(as_text=True)
    shown["print"] = render_plan_html(gather_print_inputs(plan, parse_export_options(None, None, None)))
    for where, html in shown.items():
        assert TITLE_EVALUATED not in html, where
        # Every one of these pages names the plan, exactly as typed.
        assert TITLE_SHOWN in html, where
