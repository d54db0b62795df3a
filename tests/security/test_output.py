"""User text is shown as text everywhere: no markup, script or template syntax ever runs."""

import re
from pathlib import Path

from sqlalchemy import String, Text, select

from app.catalogue.models import Partner
from app.extensions import db
from app.review.models import Comment
from app.workplans.models import Workplan

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = """<script>alert(1)</script>"><img src=x onerror=alert(1)>{{7*7}}{% raw %}javascript:alert(1)"""
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
# Only code that builds HTML from escaped parts, as WTForms' own widgets do, may return Markup.
MARKUP_ALLOWED = {"app/export/diagram.py", "app/admin/forms.py", "app/core/helpers.py"}


def _fill_text_columns(obj) -> None:
    for column in obj.__table__.columns:
        if isinstance(column.type, (String, Text)) and not column.foreign_keys and column.name not in {
            "code", "status", "lead_agency", "likelihood", "impact", "email", "password_hash", "session_token", "role",
            "type", "phase",
        }:
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
    for obj in [plan, *plan.objectives, *plan.outputs, *plan.risks, *plan.lessons,
                *[i for o in plan.outputs for i in o.indicators], *plan.activities]:
        _fill_text_columns(obj)
    pk_officer.name = PAYLOAD[:200]
    partner = db.session.scalar(select(Partner).where(Partner.country_id == plan.country_id))
    partner.name = PAYLOAD[:200]
    db.session.add(Comment(workplan_id=plan.id, author_id=pk_officer.id, anchor_type="section", section="summary",
                           body=PAYLOAD))
    db.session.commit()

    officer, hq = sign_in(pk_officer), sign_in(users["hq"])
    pages = [
        (officer, "/workplans/"), (officer, f"/workplans/{plan.id}/"), (officer, f"/workplans/{plan.id}/comments"),
        (officer, f"/workplans/{plan.id}/revisions/"), (hq, f"/workplans/{plan.id}/"), (hq, "/workplans/"),
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
        assert "{{7*7}}" in html or "{{ 7*7 }}" not in html, url
