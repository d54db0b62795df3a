"""Fixtures for PDF tests: a cache folder per test, an Iraqi officer, a canary listener, poppler tools, a short plan."""

import http.server
import os
import shutil
import threading

import pytest

from app.extensions import db
from tests import factories


@pytest.fixture(autouse=True)
def pdf_cache_dir(request, tmp_path):
    """Each test gets its own PDF cache, so a PDF rendered by another test is never a hit."""
    if "app" not in request.fixturenames:
        return None
    app = request.getfixturevalue("app")
    app.config["PDF_CACHE_DIR"] = str(tmp_path / "pdf-cache")
    return tmp_path / "pdf-cache"


@pytest.fixture
def iq_officer(catalogue):
    user = factories.make_user("officer.iq@example.org", "officer", ["IQ"])
    db.session.commit()
    return user


class _Canary(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.server.hits.append(self.path)
        self.send_response(302)
        self.send_header("Location", "file:///etc/passwd")
        self.end_headers()

    do_POST = do_HEAD = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def canary():
    """An HTTP listener on a free loopback port that records every request it gets (it should get none)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def poppler():
    """Check that poppler-utils is installed: fail on CI, skip with a reason elsewhere."""
    missing = [tool for tool in ("pdftotext", "pdffonts", "pdfdetach", "pdftoppm") if shutil.which(tool) is None]
    if missing:
        message = (
            f"poppler-utils is needed for this test (missing: {', '.join(missing)}); apt-get install poppler-utils"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def small_plan(pk_officer):
    """A short Pakistan draft: one objective, one output, one indicator, one activity; quick to print."""
    from decimal import Decimal

    from sqlalchemy import select

    from app.catalogue.models import Objective
    from app.workplans.models import Activity, ActivityQuarter, Indicator, LeadAgency, Output, WorkplanObjective

    workplan = factories.make_workplan(
        "PK", "Short plan 2026–2027", lead_officer=pk_officer, summary="A short plan.", toc_if="training works"
    )
    objective = db.session.scalar(select(Objective).where(Objective.code == "capacity"))
    output = Output(position=1, statement="Investigators apply the 2018 Acts.", carried_on_by="FIA academy")
    output.indicators.append(
        Indicator(
            position=1,
            description="Investigators trained",
            baseline_value="0",
            baseline_year=2025,
            target_value="40",
            target_year=2027,
            source_of_verification="Attendance lists",
            assumptions="Staff released",
        )
    )
    activity = Activity(
        position=1,
        description="Train investigators in Lahore",
        lead_agency=LeadAgency.UNODC,
        location="Safe house, 12 Garden Road, Lahore",
        budget_eur=Decimal("25000"),
        sensitive_fields=["location"],
    )
    activity.quarters = [ActivityQuarter(year=2026, quarter=2), ActivityQuarter(year=2026, quarter=3)]
    output.activities.append(activity)
    item = WorkplanObjective(objective=objective, priority=1, rationale="Needed.", outcome="Cases are prosecuted.")
    item.outputs.append(output)
    workplan.objectives.append(item)
    db.session.commit()
    return workplan
