"""Every route × every kind of user, checked against the access matrix in authz_matrix.yaml.

The plan in the scene belongs to Pakistan: "officer_own" serves Pakistan, "officer_other" serves
Iraq. Another country's plan must answer 404, exactly like a plan that does not exist.

Two kinds of cells. "<endpoint> <METHOD>": the status of an empty request (CSRF off).
"<endpoint> POST valid": the status of a well-formed request, one an allowed user would send
(valid form data, the current lock version, the right revision), and how many rows of each table
it changed: a refused user must change nothing, so these cells check permission, not validation.
They run on SQLite only (a saved database file is restored before each request).
Regenerate the file after a deliberate change with WRITE_AUTHZ_MATRIX=1, then read the diff.
"""

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app import create_app
from app.catalogue.models import Country, Partner, PartnerType
from app.catalogue.seeding import SEEDS_DIR
from app.demo import build_workplan
from app.extensions import db
from app.permissions import ACCESS_RULES
from app.review.models import Comment, Notification
from app.review.workflow import approve_workplan, submit_workplan
from app.workplans.services import create_workplan
from tests import factories
from tests.conftest import IsolatedClient
from tests.pages import form_values

MATRIX_PATH = Path(__file__).with_name("authz_matrix.yaml")
ROLES = ["anonymous", "officer_own", "officer_other", "hq", "admin"]
SKIPPED_ENDPOINTS = {"static"}


def _routes():
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield f"{rule.endpoint} {method}", rule.rule, app.view_functions[rule.endpoint]


ROUTES = list(_routes())
POST_KEYS = [key for key, _, _ in ROUTES if key.endswith(" POST")]
VALID = " valid"
MATRIX = yaml.safe_load(MATRIX_PATH.read_text(encoding="utf-8")) if MATRIX_PATH.exists() else {}


def _record(key: str, value) -> None:
    """Write an observed cell into the matrix file (only with WRITE_AUTHZ_MATRIX set)."""
    MATRIX[key] = value
    MATRIX_PATH.write_text(
        "# endpoint method: status for "
        + ", ".join(ROLES)
        + "\n"
        + "# endpoint POST valid: status, and rows a well-formed request added, removed or changed per table, for the same users\n"
        + yaml.safe_dump(dict(sorted(MATRIX.items())), default_flow_style=None, width=120),
        encoding="utf-8",
    )


def test_every_route_declares_an_access_rule():
    undeclared = sorted(
        {key.split()[0] for key, _, view in ROUTES if getattr(view, "access_rule", None) not in ACCESS_RULES}
    )
    assert undeclared == []


def test_every_route_is_in_the_matrix_and_nothing_else():
    assert sorted(key for key in MATRIX if not key.endswith(VALID)) == sorted(key for key, _, _ in ROUTES)


def test_every_post_route_has_a_well_formed_request_in_the_matrix():
    """A new POST route needs a valid body below and its row of valid cells, or the suite fails."""
    endpoints = sorted(key.split()[0] for key in POST_KEYS)
    assert sorted(VALID_POSTS) == endpoints
    assert sorted(key for key in MATRIX if key.endswith(VALID)) == sorted(key + VALID for key in POST_KEYS)


def _url(rule: str, values: dict) -> str:
    url = rule
    for name, value in values.items():
        url = url.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    return url


def _status(app, person, method: str, url: str) -> int:
    client = app.test_client()
    if person is not None:
        assert client.post("/login", data={"email": person.email, "password": factories.PASSWORD}).status_code == 302
    return (client.get(url) if method == "GET" else client.post(url, data={})).status_code


@pytest.mark.parametrize("key, rule", [(key, rule) for key, rule, _ in ROUTES], ids=[key for key, _, _ in ROUTES])
def test_route_answers_each_kind_of_user_as_the_matrix_says(app, scene, key, rule):
    people, values = scene
    method = key.split()[1]
    observed = [_status(app, people.get(role), method, _url(rule, values)) for role in ROLES]
    if os.environ.get("WRITE_AUTHZ_MATRIX"):
        _record(key, observed)
    assert observed == MATRIX.get(key), key


# --- well-formed requests ----------------------------------------------------------------------
#
# One database is built for the whole module, with everyone signed in, and saved as a template
# file. Each cell restores that file, sends one request with a user's session cookie, and
# compares every table before and after, so no cell sees what another cell changed.

NEW_PASSWORD = "a fresh passphrase nobody guesses 42"


@dataclass
class World:
    """The saved database and what the requests need from it."""

    app: object
    path: Path
    template: Path
    emails: dict[str, str]
    cookies: dict[str, str]
    ids: dict[str, int]
    step_values: MultiDict
    rules: dict[str, str]
    before: dict | None = None


def _build_world() -> tuple[dict[str, int], dict[str, str]]:
    """Everyone, a complete draft, a submitted and an approved plan of Pakistan, a comment, a proposed partner."""
    people = {
        "officer_own": factories.make_user("own@example.org", "officer", ["PK"]),
        "officer_other": factories.make_user("other@example.org", "officer", ["IQ"]),
        "hq": factories.make_user("hq@example.org", "hq"),
        "admin": factories.make_user("admin@example.org", "admin"),
    }
    target = factories.make_user("target@example.org", "officer", ["PK"])
    officer, hq = people["officer_own"], people["hq"]
    data = yaml.safe_load((SEEDS_DIR / "demo.yaml").read_text(encoding="utf-8"))
    draft = build_workplan(data["workplan"], {officer.email: officer, "officer.pk@example.org": officer})
    db.session.flush()
    pakistan = db.session.scalar(select(Country).where(Country.code == "PK"))
    submitted = create_workplan(officer, pakistan, "Submitted plan", 2026, 2027, source=draft)
    submit_workplan(submitted, officer)
    approved = create_workplan(officer, pakistan, "Approved plan", 2026, 2027, source=draft)
    submit_workplan(approved, officer)
    approve_workplan(approved, hq, 1)
    comment = Comment(workplan_id=draft.id, author_id=hq.id, anchor_type="section", section="summary", body="Shorten.")
    partner = Partner(
        name="Proposed shelter network",
        type=PartnerType.CIVIL_SOCIETY,
        country_id=pakistan.id,
        is_confirmed=False,
        proposed_by_id=officer.id,
    )
    db.session.add_all([comment, partner])
    for user in [*people.values(), target]:
        db.session.add(Notification(user_id=user.id, workplan_id=draft.id, kind="comment", message="A notice."))
    db.session.commit()
    ids = {
        "draft": draft.id,
        "submitted": submitted.id,
        "approved": approved.id,
        "comment": comment.id,
        "partner": partner.id,
        "target": target.id,
        "pakistan": pakistan.id,
    }
    return ids, {role: user.email for role, user in people.items()}


def _dump(world: World) -> dict[str, dict]:
    """Every row of every table, by primary key."""
    tables = {}
    with world.app.app_context(), db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            key = [table.columns.keys().index(column.name) for column in table.primary_key.columns]
            rows = [tuple(row) for row in connection.execute(select(table))]
            tables[str(table.name)] = {tuple(row[i] for i in key): row for row in rows}
    return tables


def _changes(before: dict[str, dict], after: dict[str, dict]) -> dict[str, int]:
    """How many rows each table gained, lost or had changed."""
    counts = {}
    for name, rows in after.items():
        old = before[name]
        count = len(old.keys() ^ rows.keys()) + sum(1 for key in old.keys() & rows.keys() if old[key] != rows[key])
        if count:
            counts[name] = count
    return counts


def _release(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _restore(world: World) -> None:
    _release(world.app)
    for suffix in ("-wal", "-shm"):
        Path(f"{world.path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(world.template, world.path)


def open_world(tmp_path_factory, sqlite_templates) -> Iterator[World]:
    """Build the saved database, sign everyone in, yield the world, and let go of the database at the end."""
    folder = tmp_path_factory.mktemp("matrix")
    path = sqlite_templates.copy(folder / "world.db", seeded=True)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", PDF_CACHE_DIR=str(folder / "pdf"))
    app.test_client_class = IsolatedClient
    with app.app_context():
        ids, emails = _build_world()
    cookies = {}
    for role, email in emails.items():
        client = app.test_client()
        assert client.post("/login", data={"email": email, "password": factories.PASSWORD}).status_code == 302
        cookies[role] = client.get_cookie("session").value
        if role == "officer_own":
            step_values = form_values(client.get(f"/workplans/{ids['draft']}/steps/context").data)
    _release(app)
    template = folder / "template.db"
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(template)) as copy:
        source.backup(copy)
    rules = {key: rule for key, rule, _ in ROUTES}
    world = World(app, path, template, emails, cookies, ids, step_values, rules)
    _restore(world)
    world.before = _dump(world)
    yield world
    _release(app)


@pytest.fixture(scope="module")
def world(tmp_path_factory, sqlite_templates):
    yield from open_world(tmp_path_factory, sqlite_templates)


def _step_body(world: World, action: str | None) -> MultiDict:
    body = MultiDict(world.step_values)
    body.setlist("context_situation", ["Situation rewritten by a well-formed request."])
    body.setlist("action", [action] if action else [])
    return body


# endpoint → (URL values, form body) of a request its allowed users would send.
VALID_POSTS = {
    "admin.confirm": lambda w: ({"partner_id": w.ids["partner"]}, {}),
    "admin.edit_partner": lambda w: (
        {"partner_id": w.ids["partner"]},
        {
            "name": "Shelter network of Punjab",
            "short_name": "",
            "type": "civil_society",
            "country_id": w.ids["pakistan"],
        },
    ),
    "admin.edit_user": lambda w: (
        {"user_id": w.ids["target"]},
        {"name": "Target renamed", "role": "officer", "country_ids": w.ids["pakistan"], "is_active": "y"},
    ),
    "admin.new_partner": lambda w: (
        {},
        {"name": "Lahore legal aid", "short_name": "", "type": "civil_society", "country_id": w.ids["pakistan"]},
    ),
    "admin.new_user": lambda w: (
        {},
        {
            "email": "new.officer@example.org",
            "name": "New officer",
            "role": "officer",
            "country_ids": w.ids["pakistan"],
            "password": NEW_PASSWORD,
        },
    ),
    "admin.reset_password": lambda w: ({"user_id": w.ids["target"]}, {"new_password": NEW_PASSWORD}),
    "auth.change_password": lambda w: (
        {},
        {"current_password": factories.PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    ),
    "auth.login": lambda w: ({}, {"email": "own@example.org", "password": factories.PASSWORD}),
    "auth.logout": lambda w: ({}, {}),
    "export.meeting_pack": lambda w: ({}, {"workplan_ids": w.ids["submitted"], "profile": "internal"}),
    "review.approve": lambda w: ({"workplan_id": w.ids["submitted"]}, {"revision": "1", "note": "Approved."}),
    "review.comment": lambda w: ({"workplan_id": w.ids["draft"]}, {"about": "section:summary", "body": "A comment."}),
    "review.mark_notifications_read": lambda w: ({}, {}),
    "review.reply": lambda w: ({"workplan_id": w.ids["draft"], "comment_id": w.ids["comment"]}, {"body": "A reply."}),
    "review.request_changes_view": lambda w: ({"workplan_id": w.ids["submitted"]}, {"note": "Add baselines."}),
    "review.resolve": lambda w: ({"workplan_id": w.ids["draft"], "comment_id": w.ids["comment"]}, {}),
    "review.revise": lambda w: ({"workplan_id": w.ids["approved"]}, {"note": ""}),
    "review.submit": lambda w: ({"workplan_id": w.ids["draft"]}, {"note": "Ready for review."}),
    "workplans.autosave": lambda w: ({"workplan_id": w.ids["draft"], "step_key": "context"}, _step_body(w, None)),
    "workplans.new": lambda w: (
        {},
        {
            "country_id": w.ids["pakistan"],
            "title": "Pakistan 2028–2029",
            "period_start": "2028",
            "period_end": "2029",
            "source_workplan_id": "0",
        },
    ),
    "workplans.step": lambda w: ({"workplan_id": w.ids["draft"], "step_key": "context"}, _step_body(w, "save")),
}


def _valid_cell(world: World, key: str, role: str) -> tuple[int, dict[str, int], str]:
    """Send the well-formed request as this user on a fresh copy; return status, rows changed per table, redirect."""
    _restore(world)
    client = world.app.test_client()
    if role != "anonymous":
        client.set_cookie("session", world.cookies[role])
    values, body = VALID_POSTS[key.split()[0]](world)
    response = client.post(_url(world.rules[key], values), data=body)
    return response.status_code, _changes(world.before, _dump(world)), response.headers.get("Location", "")


@pytest.mark.parametrize("key", POST_KEYS)
def test_a_well_formed_post_answers_and_writes_as_the_matrix_says(world, key):
    cells = [_valid_cell(world, key, role) for role in ROLES]
    observed = {"status": [status for status, _, _ in cells], "writes": [changed for _, changed, _ in cells]}
    if os.environ.get("WRITE_AUTHZ_MATRIX"):
        _record(key + VALID, observed)
    assert observed == MATRIX.get(key + VALID), key
    # Whatever the file says: a refused or signed-out request writes nothing...
    for role, (status, changed, location) in zip(ROLES, cells, strict=True):
        sent_to_sign_in = role == "anonymous" and "/login" in location
        if status in {400, 401, 403, 404, 409} or sent_to_sign_in:
            assert changed == {}, (key, role, status)
    # ...and the body is well-formed: someone it is meant for gets it through.
    assert any(changed for _, changed, _ in cells), f"{key}: the valid body changed nothing for anyone"
