"""Every route × every kind of user, checked against the access matrix in authz_matrix.yaml.

The plan in the scene belongs to Pakistan: "officer_own" serves Pakistan, "officer_other" serves
Iraq. Another country's plan must answer 404, exactly like a plan that does not exist.
Regenerate the file after a deliberate change with WRITE_AUTHZ_MATRIX=1, then read the diff.
"""

import os
from pathlib import Path

import pytest
import yaml

from app import create_app
from app.permissions import ACCESS_RULES
from tests import factories

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
MATRIX = yaml.safe_load(MATRIX_PATH.read_text(encoding="utf-8")) if MATRIX_PATH.exists() else {}


def test_every_route_declares_an_access_rule():
    undeclared = sorted({key.split()[0] for key, _, view in ROUTES if getattr(view, "access_rule", None) not in ACCESS_RULES})
    assert undeclared == []


def test_every_route_is_in_the_matrix_and_nothing_else():
    assert sorted(MATRIX) == sorted(key for key, _, _ in ROUTES)


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
        MATRIX[key] = observed
        MATRIX_PATH.write_text(
            "# endpoint method: status for " + ", ".join(ROLES) + "\n" + yaml.safe_dump(dict(sorted(MATRIX.items())), default_flow_style=None),
            encoding="utf-8",
        )
    assert observed == MATRIX.get(key), key
