"""kill -9 during saves and reviews: afterwards the database is intact and nothing is half-written."""

import http.client
import itertools
import random
import re
import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass, field

from tests.reliability.browser import Browser
from tests.reliability.databases import DEMO_PASSWORD, prepare
from tests.reliability.server import Server

KILLS = 16
# Fixed, so a failure can be replayed with the same kill offsets (timing still varies a little).
SEED = 38
CONTEXT_FIELDS = ("context_situation", "context_legal", "context_gaps", "priorities")
SAVES_PER_SUBMISSION = 6
OFFICER, REVIEWER = "officer.pk@example.org", "hq@example.org"
# What a client sees when the server dies under it.
LOST_CONNECTION = (OSError, http.client.HTTPException)
PLAN_CHANGES = ("workplan.save_step", "workplan.submit", "workplan.approve", "workplan.revise")


@dataclass
class Ledger:
    """What the clients sent and what the server acknowledged."""

    attempted: list[int] = field(default_factory=list)
    acknowledged: list[int] = field(default_factory=list)
    submits_acknowledged: int = 0


class Actors:
    """The officer and the HQ reviewer, driving one plan through saves and review rounds."""

    def __init__(self, base_url: str, plan_id: int):
        self.officer, self.reviewer = Browser(base_url), Browser(base_url)
        self.plan_id = plan_id
        self.signed_in = False
        self.saves_since_submit = 0

    def warm_up(self, status: str) -> None:
        """Sign in once, and let a fresh worker render the round's first page before the kill clock starts."""
        # Sessions are signed cookies checked against the database, so they outlive a restart.
        if not self.signed_in:
            self.officer.login(OFFICER, DEMO_PASSWORD)
            self.reviewer.login(REVIEWER, DEMO_PASSWORD)
            self.signed_in = True
        if status == "draft":
            self.officer.form(f"/workplans/{self.plan_id}/steps/context")
        else:
            (self.reviewer if status == "submitted" else self.officer).form(f"/workplans/{self.plan_id}/")

    def save(self, marker: int, ledger: Ledger) -> None:
        """Load the context step and save the marker into all four of its fields."""
        path = f"/workplans/{self.plan_id}/steps/context"
        values = self.officer.form(path)
        for name in CONTEXT_FIELDS:
            values[name] = f"marker {marker} {name}"
        values["action"] = "save"
        ledger.attempted.append(marker)
        answer = self.officer.post(path, values)
        assert answer.status == 302, f"save {marker} answered {answer.status}"
        ledger.acknowledged.append(marker)

    def act(self, browser: Browser, page: str, action: str) -> None:
        """Post a review action with the CSRF token (and revision) from the page that offers it."""
        values = browser.form(f"/workplans/{self.plan_id}/{page}")
        answer = browser.post(f"/workplans/{self.plan_id}/{action}", values)
        assert answer.status == 302, f"{action} answered {answer.status}"


class Strike:
    """A SIGKILL armed at a chosen moment, landing a random few milliseconds later."""

    def __init__(self, murder, delay: float):
        self.landed = threading.Event()
        self._timer = threading.Timer(delay, self._strike, args=(murder,))

    def _strike(self, murder) -> None:
        murder()
        self.landed.set()

    def arm(self) -> None:
        """Start the countdown."""
        self._timer.start()

    def wait(self) -> None:
        """Return once an armed kill has landed."""
        if self._timer.ident is not None:
            self._timer.join()


def _drive(actors: Actors, status: str, markers, ledger: Ledger, strike: Strike, armed_at: int) -> None:
    """Save, submit, approve and revise in turn; the kill is armed as action `armed_at` starts."""
    for number in itertools.count(1):
        if number == armed_at:
            strike.arm()
        # A worker killed between two requests goes unnoticed: the next one waits for its successor.
        if strike.landed.is_set():
            return
        if status == "draft" and actors.saves_since_submit < SAVES_PER_SUBMISSION:
            actors.save(next(markers), ledger)
            actors.saves_since_submit += 1
        elif status == "draft":
            actors.act(actors.officer, "steps/check", "submit")
            ledger.submits_acknowledged += 1
            status, actors.saves_since_submit = "submitted", 0
        elif status == "submitted":
            actors.act(actors.reviewer, "", "approve")
            status = "approved"
        else:
            actors.act(actors.officer, "", "revise")
            status = "draft"


def _query(database, sql: str, *parameters):
    with closing(sqlite3.connect(database)) as connection:
        return connection.execute(sql, parameters).fetchall()


def _round(actors: Actors, database, plan_id: int, strike: Strike, armed_at: int, markers, ledger: Ledger) -> None:
    """One life of the server: drive the plan from where the last crash left it until the kill lands."""
    ((status,),) = _query(database, "SELECT status FROM workplans WHERE id = ?", plan_id)
    actors.warm_up(status)
    try:
        _drive(actors, status, markers, ledger, strike, armed_at)
    except LOST_CONNECTION:
        pass
    finally:
        strike.wait()


def test_sigkill_during_saves_never_leaves_a_half_written_plan(tmp_path):
    database = tmp_path / "crash.db"
    prepare(f"sqlite:///{database}")
    ((plan_id, start_version),) = _query(database, "SELECT id, lock_version FROM workplans")
    server = Server(f"sqlite:///{database}", tmp_path / "server.log", preload=True)
    actors = Actors(server.base_url, plan_id)
    ledger, markers, rng = Ledger(), itertools.count(1), random.Random(SEED)
    try:
        server.start()
        for kill in range(1, KILLS + 1):
            # Every fourth kill takes the whole server down, the last one included; the others kill
            # the worker, which the master replaces at once (a full restart costs seconds of imports).
            full = kill % 4 == 0
            # An action (load a page, post it) takes 50-300 ms: the kill lands inside one, or just after.
            strike = Strike(server.kill if full else server.kill_workers, rng.uniform(0, 0.25))
            _round(actors, database, plan_id, strike, rng.randint(2, 7), markers, ledger)
            if kill == KILLS:
                break
            if full:
                server.start()
            else:
                server.wait_ready()
    finally:
        server.stop()

    assert _query(database, "PRAGMA integrity_check") == [("ok",)]
    assert _query(database, "PRAGMA foreign_key_check") == []
    # At least one action completes before each kill is armed, and six saves lead to a submission.
    assert len(ledger.acknowledged) >= KILLS and ledger.submits_acknowledged >= 2

    # All four fields come from one save: never half old, half new.
    ((*texts, status, version),) = _query(
        database, f"SELECT {', '.join(CONTEXT_FIELDS)}, status, lock_version FROM workplans WHERE id = ?", plan_id
    )
    saved = {int(re.fullmatch(r"marker (\d+) \w+", text).group(1)) for text in texts}
    assert len(saved) == 1, texts
    (final,) = saved
    # The last acknowledged save is the final state, unless a later save committed just before a kill.
    assert final in ledger.attempted and final >= max(ledger.acknowledged)

    # Data and audit commit together: each change of the plan row has exactly one audit line.
    audit = dict(
        _query(
            database,
            "SELECT action, count(*) FROM audit_events WHERE workplan_id = ? GROUP BY action",
            plan_id,
        )
    )
    assert version - start_version == sum(audit.get(action, 0) for action in PLAN_CHANGES)
    assert len(ledger.acknowledged) <= audit["workplan.save_step"] <= len(ledger.attempted)

    # Each revision has its submit line, and each submit line its revision.
    revisions = _query(database, "SELECT number FROM revisions WHERE workplan_id = ? ORDER BY number", plan_id)
    submitted = _query(
        database,
        "SELECT json_extract(details, '$.revision') FROM audit_events "
        "WHERE workplan_id = ? AND action = 'workplan.submit' ORDER BY id",
        plan_id,
    )
    assert revisions == submitted and len(revisions) >= ledger.submits_acknowledged
    # The status is where the last transition left it.
    last = _query(
        database,
        "SELECT to_status FROM audit_events WHERE workplan_id = ? AND to_status IS NOT NULL ORDER BY id DESC LIMIT 1",
        plan_id,
    )
    assert last == [(status,)]
