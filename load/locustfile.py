"""Locust users for `make load`: officers who read, save, comment, export PDFs and sign in again.

Run by load/run.py, which passes LOAD_ACCOUNTS (a JSON file of e-mail, password and plan id per
user), LOAD_RESULTS (where to write every request and every acknowledged save), LOAD_WAIT
("min,max" think time in seconds) and LOAD_PDF=0 when the app has no PDF export yet.
"""

import itertools
import json
import os
import random
import time
from pathlib import Path

from locust import HttpUser, between, events, task

from load.warmup import STEPS as PAGE_STEPS
from tests.pages import form_values

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text())
WAIT_MIN, WAIT_MAX = (float(value) for value in os.environ.get("LOAD_WAIT", "5,15").split(","))
PDF_ENABLED = os.environ.get("LOAD_PDF", "1") == "1"
# Plain text fields, so that the value a save acknowledged can be compared with the database.
SAVE_TARGETS = (
    ("context", "context_situation"),
    ("context", "priorities"),
    ("partnerships", "ownership"),
    ("mel", "reporting_calendar"),
    ("theory", "toc_because"),
)

_next_account = itertools.count()
# Every request: (kind, milliseconds, status, failure or "", finished at); filled by the request hook.
SAMPLES: list[tuple[str, float, int, str, float]] = []
# Per plan: acknowledged saves, saves with no answer, and per field the last acknowledged value.
SAVES: dict[int, dict] = {}


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, context=None, exception=None, **kw):
    status = getattr(response, "status_code", 0) or 0
    failure = "" if exception is None else str(exception)[:200] or type(exception).__name__
    SAMPLES.append(((context or {}).get("kind", "other"), response_time, status, failure, time.time()))


@events.test_stop.add_listener
def _write_results(environment, **kwargs):
    Path(os.environ["LOAD_RESULTS"]).write_text(json.dumps({"samples": SAMPLES, "saves": SAVES}))


def _why(response) -> str:
    """A failure's description: the status, or the connection error when there was no answer."""
    return f"{response.status_code}" if response.status_code else f"no answer: {response.error!r}"[:200]


class Officer(HttpUser):
    """A national project officer working on their own plan: 60 % reading, 30 % saving, the rest comments, PDFs, sign-ins."""

    wait_time = between(WAIT_MIN, WAIT_MAX)

    def on_start(self):
        account = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        self.email, self.password, self.plan_id = account["email"], account["password"], account["plan_id"]
        self.record = SAVES.setdefault(self.plan_id, {"acknowledged": 0, "unanswered": 0, "fields": {}})
        self.saves = 0
        self.sign_in()

    # Helpers --------------------------------------------------------------------------------

    def page(self, path: str, name: str):
        """GET a page; return its form values, or None when it did not answer 200."""
        # A redirect (to sign-in) is no page view: it fails instead of being followed.
        with self.client.get(
            path, name=name, context={"kind": "page"}, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(_why(response))
                return None
            return form_values(response.text)

    def post(self, path: str, values, name: str, kind: str):
        """POST a form without following the redirect; a 302 is the acknowledgement."""
        data = list(values.items(multi=True))
        with self.client.post(
            path, data=data, name=name, context={"kind": kind}, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(_why(response))
            return response.status_code

    def sign_in(self):
        values = self.page("/login", "/login")
        if values is None:
            return
        values["email"], values["password"] = self.email, self.password
        self.post("/login", values, "/login [POST]", "login")

    # Tasks: 60 page views, 30 saves, 5 comments, 4 PDF exports, 1 sign-in ---------------------

    @task(20)
    def overview(self):
        self.page(f"/workplans/{self.plan_id}/", "/workplans/[id]/")

    @task(30)
    def step(self):
        self.page(f"/workplans/{self.plan_id}/steps/{random.choice(PAGE_STEPS)}", "/workplans/[id]/steps/[step]")

    @task(10)
    def plan_list(self):
        self.page("/workplans/", "/workplans/")

    @task(30)
    def save(self):
        """Reload the step (fresh lock_version), change one field, save it."""
        step, field = random.choice(SAVE_TARGETS)
        path = f"/workplans/{self.plan_id}/steps/{step}"
        values = self.page(path, "/workplans/[id]/steps/[step]")
        if values is None:
            return
        self.saves += 1
        text = f"{self.email} save {self.saves}"
        values[field], values["action"] = text, "save"
        # Until the answer comes, the field may hold either value (a user stopped mid-save included).
        last = self.record["fields"].setdefault(field, {"value": None, "unanswered_since": False})
        uncertain_before = last["unanswered_since"]
        last["unanswered_since"] = True
        status = self.post(path, values, "/workplans/[id]/steps/[step] [save]", "save")
        if status == 302:
            self.record["acknowledged"] += 1
            last.update(value=text, unanswered_since=False)
        elif status == 0 or status >= 500:
            # No proper answer: the save may or may not have committed.
            self.record["unanswered"] += 1
        else:
            # A refusal (4xx) wrote nothing.
            last["unanswered_since"] = uncertain_before

    @task(5)
    def comment(self):
        values = self.page(f"/workplans/{self.plan_id}/", "/workplans/[id]/")
        if values is None:
            return
        values["about"], values["body"] = "section:context", f"Comment from {self.email} under load."
        self.post(f"/workplans/{self.plan_id}/comments", values, "/workplans/[id]/comments", "comment")

    @task(4)
    def export_pdf(self):
        if not PDF_ENABLED:
            return
        with self.client.get(
            f"/workplans/{self.plan_id}/export.pdf",
            name="/workplans/[id]/export.pdf",
            context={"kind": "pdf"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                response.failure(_why(response))

    @task(1)
    def sign_in_again(self):
        values = self.page("/workplans/", "/workplans/")
        if values is None:
            return
        self.post("/logout", values, "/logout", "logout")
        self.sign_in()
