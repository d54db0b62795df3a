"""Twenty officers save at once, each on their own plan: no lock errors, no 5xx, every save kept and audited."""

import os
import threading
from dataclasses import dataclass, field

from sqlalchemy import select

from app.auth.models import Role
from app.auth.services import countries_by_code, create_user
from app.extensions import db
from app.workplans.models import Workplan
from app.workplans.services import create_workplan
from tests.reliability.browser import Browser
from tests.reliability.databases import DEMO_PASSWORD, app_for, prepare, saves_audited_per_plan
from tests.reliability.server import Server

WRITERS = 20
# 30 keeps both backends within the suite's time budget (about 30 saves/s on 2 cores);
# RELIABILITY_SAVES=50 runs the checklist's full 20 x 50.
SAVES = int(os.environ.get("RELIABILITY_SAVES", "30"))
CONTEXT_FIELDS = ("context_situation", "context_legal", "context_gaps", "priorities")


def _email(writer: int) -> str:
    return f"writer{writer:02d}@example.org"


def _add_writers() -> None:
    """One officer and one plan of their own per writer."""
    (country,) = countries_by_code(["PK"])
    for writer in range(WRITERS):
        user = create_user(_email(writer), f"Writer {writer}", Role.OFFICER, DEMO_PASSWORD, [country])
        create_workplan(user, country, f"Concurrency plan {writer}", 2026, 2027)


@dataclass
class Writer:
    """One officer's browser saving the context step of their plan again and again."""

    number: int
    plan_id: int
    acknowledged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def run(self, base_url: str, start: threading.Barrier) -> None:
        browser = Browser(base_url)
        browser.login(_email(self.number), DEMO_PASSWORD)
        path = f"/workplans/{self.plan_id}/steps/context"
        values = browser.form(path)
        values["action"] = "save"
        start.wait()
        for save in range(SAVES):
            text = f"writer {self.number} save {save}"
            for name in CONTEXT_FIELDS:
                values[name] = f"{text} {name}"
            answer = browser.post(path, values)
            if answer.status != 302:
                self.problems.append(f"writer {self.number}, save {save}: {answer.status}")
                values = browser.form(path)
                values["action"] = "save"
                continue
            self.acknowledged.append(text)
            # A save bumps the plan's version by one; the next form a browser loads carries it.
            values["lock_version"] = str(int(values["lock_version"]) + 1)


def _run_writers(base_url: str, writers: list[Writer]) -> None:
    start = threading.Barrier(len(writers))
    failures = []

    def run(writer: Writer) -> None:
        try:
            writer.run(base_url, start)
        except Exception as error:  # noqa: BLE001  (reported below, with the writer's number)
            failures.append(f"writer {writer.number}: {error!r}")
            start.abort()

    threads = [threading.Thread(target=run, args=(writer,)) for writer in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer hangs"
    assert failures == []


def test_twenty_concurrent_writers_lose_nothing(empty_database_url, tmp_path):
    prepare(empty_database_url, _add_writers)
    with app_for(empty_database_url):
        plans = db.session.execute(
            select(Workplan.title, Workplan.id).where(Workplan.title.like("Concurrency plan %"))
        ).all()
    plan_ids = {title: plan_id for title, plan_id in plans}
    writers = [Writer(number, plan_ids[f"Concurrency plan {number}"]) for number in range(WRITERS)]

    # Two worker processes of ten threads: twenty requests in flight, and SQLite locks across processes.
    server = Server(empty_database_url, tmp_path / "server.log", workers=2, threads=WRITERS // 2)
    try:
        server.start()
        _run_writers(server.base_url, writers)
    finally:
        server.stop()

    log = server.log()
    assert log.count("database is locked") == 0, "SQLite refused writers after the busy timeout"
    assert "Traceback" not in log
    assert [problem for writer in writers for problem in writer.problems] == []
    with app_for(empty_database_url):
        audited = saves_audited_per_plan()
        saved = {
            plan.id: plan for plan in db.session.scalars(select(Workplan).where(Workplan.id.in_(plan_ids.values())))
        }
        for writer in writers:
            assert len(writer.acknowledged) == SAVES
            assert audited[writer.plan_id] == SAVES
            last = writer.acknowledged[-1]
            assert [getattr(saved[writer.plan_id], name) for name in CONTEXT_FIELDS] == [
                f"{last} {name}" for name in CONTEXT_FIELDS
            ]
