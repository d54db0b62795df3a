"""A person at a browser: one context, one page, and checks run at every page worth looking at.

Each checkpoint saves a screenshot under test-artifacts/<journey>/, runs axe-core (no serious or
critical violation), and checks that every field has a visible label and no two elements share
an id. Every request the pages make is recorded, so a test can prove nothing comes from outside;
script errors, blocked resources and unexpected dialogs (alert, confirm) are recorded too.
"""

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Dialog, Locator, Page, expect

from tests import factories

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BLOCKING_IMPACTS = {"serious", "critical"}
# Every page here answers in well under a second: fail in seconds, not half a minute.
TIMEOUT_MS = 10_000

# Every labelable field must have a <label> with text; hidden inputs are not fields.
UNLABELLED_FIELDS = """() => [...document.querySelectorAll("input, select, textarea")]
  .filter(el => el.type !== "hidden")
  .filter(el => ![...el.labels].some(label => label.textContent.trim() !== ""))
  .map(el => el.id || el.name)"""

# Hidden inputs (CSRF tokens of several forms) cannot be labelled or referenced; every other id is unique.
DUPLICATE_IDS = """() => {
  const seen = new Set(), twice = new Set();
  for (const el of document.querySelectorAll("[id]:not(input[type=hidden])")) {
    (seen.has(el.id) ? twice : seen).add(el.id);
  }
  return [...twice];
}"""

HORIZONTAL_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


class Journey:
    """The artifacts folder of one journey: numbered screenshots and the axe report (axe.json)."""

    def __init__(self, name: str):
        self.name = name
        self.folder = ARTIFACTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self._count = 0
        self.axe_pages: list[dict] = []

    def screenshot_path(self, label: str) -> Path:
        self._count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        return self.folder / f"{self._count:02d}-{slug}.png"

    def record_axe(self, label: str, url: str, violations: list[dict]) -> None:
        self.axe_pages.append(
            {
                "page": label,
                "url": url,
                "violations": [
                    {
                        "id": v["id"],
                        "impact": v["impact"],
                        "help": v["help"],
                        "targets": [n["target"] for n in v["nodes"]],
                    }
                    for v in violations
                ],
            }
        )
        (self.folder / "axe.json").write_text(json.dumps(self.axe_pages, indent=2), encoding="utf-8")


@dataclass
class Person:
    """Someone using the app in their own browser context (own cookies), on one page."""

    context: BrowserContext
    base_url: str
    journey: Journey
    axe: Axe
    javascript: bool = True
    requests: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    unexpected_dialogs: list[str] = field(default_factory=list)
    confirmations_expected: int = 0

    def __post_init__(self):
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page = self.new_page()

    def new_page(self) -> Page:
        """Open another tab of this browser context, watching for script errors, blocked resources and dialogs."""
        page = self.context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        page.on("console", self._console)
        page.on("dialog", self._dialog)
        return page

    def _console(self, message) -> None:
        # "Refused to …" is a Content-Security-Policy violation: something the app tried to load or run.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.script_errors.append(message.text)

    def _dialog(self, dialog: Dialog) -> None:
        """Accept a confirm() the test said would come; any other dialog (an alert(1)…) is a finding."""
        if dialog.type == "confirm" and self.confirmations_expected > 0:
            self.confirmations_expected -= 1
            self.dialogs.append(dialog.message)
            dialog.accept()
        else:
            self.unexpected_dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

    # Navigation -------------------------------------------------------------------------------
    def goto(self, path: str, expected_status: int = 200):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status == expected_status, (path, response and response.status)
        return response

    def path(self) -> str:
        """The current page's path and query, without the origin and fragment."""
        return self.page.url.removeprefix(self.base_url).split("#")[0]

    def sign_in(self, email: str, password: str = factories.PASSWORD) -> None:
        self.goto("/login")
        self.fill_sign_in(email, password)
        expect(self.page.get_by_role("link", name="Workplans", exact=True)).to_be_visible()

    def fill_sign_in(self, email: str, password: str = factories.PASSWORD) -> None:
        self.page.get_by_label("E-mail").fill(email)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.page.get_by_role("button", name="Sign in").click()

    # Checks -----------------------------------------------------------------------------------
    def checkpoint(
        self, label: str, full_page: bool = True, scroll_to: Locator | None = None, axe: bool = True
    ) -> None:
        """Screenshot the page (from the top, or from an element), then check it: axe, labels, unique ids."""
        if scroll_to is None:
            # From the top: a page scrolled to a field would draw its sticky step list halfway down.
            self.page.evaluate("() => window.scrollTo(0, 0)")
        else:
            scroll_to.evaluate("el => el.scrollIntoView({block: 'start'})")
        self.page.screenshot(path=self.journey.screenshot_path(label), full_page=full_page)
        unlabelled = self.page.evaluate(UNLABELLED_FIELDS)
        assert not unlabelled, f"{label}: fields without a label: {unlabelled}"
        duplicates = self.page.evaluate(DUPLICATE_IDS)
        assert not duplicates, f"{label}: ids used twice: {duplicates}"
        # axe-core needs timers and promises, which a context without JavaScript does not run.
        if axe and self.javascript:
            self.check_axe(label)

    def check_axe(self, label: str) -> None:
        violations = self.axe.run(self.page).response["violations"]
        self.journey.record_axe(label, self.path(), violations)
        blocking = [
            f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
            for v in violations
            if v["impact"] in BLOCKING_IMPACTS
        ]
        assert not blocking, f"{label} ({self.path()}): axe found\n" + "\n".join(blocking)

    def horizontal_overflow(self) -> int:
        """How many CSS pixels the page is wider than the window (0 when it does not scroll sideways)."""
        return self.page.evaluate(HORIZONTAL_OVERFLOW)

    def foreign_requests(self) -> list[str]:
        """Requests that went anywhere but the app itself."""
        return [url for url in self.requests if not url.startswith(self.base_url + "/") and not url.startswith("data:")]
