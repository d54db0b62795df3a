"""Browser tests: the system Chromium, driven by Playwright, against the app served on 127.0.0.1.

Chromium is the Debian package (`apt-get install chromium`), never a `playwright install` download.
Without it the tests are skipped with a message, except in CI (CI=true), where that is a failure.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.live_server import LiveServer
from tests.browser.ui import Journey, Person

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IN_CI = os.environ.get("CI", "").lower() in ("true", "1")
HERE = Path(__file__).parent


def pytest_configure(config):
    config.addinivalue_line("markers", "live_settings(**settings): app settings for this test's live server")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options, with the system Chromium and flags for a headless box."""
    if not CHROMIUM.exists():
        message = f"Browser tests need Chromium at {CHROMIUM} (apt-get install chromium)."
        if IN_CI:
            pytest.fail(message + " CI must run them.", pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture
def live_server(request, sqlite_templates, tmp_path):
    """The app with CSRF on, over its own SQLite file holding the catalogue and the demo data, served in a thread."""
    marker = request.node.get_closest_marker("live_settings")
    database = sqlite_templates.copy(tmp_path / "browser.db", seeded=True)
    server = LiveServer(database, **(marker.kwargs if marker else {}))
    server.seed()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def base_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def browser_context_args(base_url) -> dict:
    """Every context: English, UTC, downloads allowed (the window size is set per person)."""
    return {
        "base_url": base_url,
        "locale": "en-GB",
        "timezone_id": "UTC",
        "accept_downloads": True,
    }


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def person(new_context, base_url, axe):
    """Open a browser for someone, signed in when an e-mail is given; checks its traffic when the test ends.

    person("officer.iq@example.org", journey=j, width=360, javascript=False)
    """
    people: list[Person] = []

    def open_for(email: str | None, journey: Journey, width: int = 1280, javascript: bool = True) -> Person:
        context = new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
        someone = Person(context, base_url, journey, axe, javascript=javascript)
        people.append(someone)
        if email:
            someone.sign_in(email)
        return someone

    yield open_for
    for someone in people:
        assert not someone.foreign_requests(), f"requests outside the app: {someone.foreign_requests()}"
        assert not someone.script_errors, f"script errors or blocked resources: {someone.script_errors}"
        assert not someone.unexpected_dialogs, f"dialogs nobody asked for: {someone.unexpected_dialogs}"
        assert someone.confirmations_expected == 0, "a confirmation the test expected never came"
