"""Figures of a load run: counts, percentiles, lost writes, and whether each target was met."""

import math
import os
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from app.extensions import db
from app.workplans.models import Workplan
from tests.reliability.databases import app_for, saves_audited_per_plan

# Targets from issue 6 and the reliability checklist, section (c).
PAGE_P95_MS = 300
SAVE_P99_MS = 1000
PDF_P95_MS = 8000
# Users join over this many seconds, each signing in first.
RAMP_SECONDS = 10


@dataclass
class Figures:
    """What one run measured."""

    backend: str
    setup: str
    requests: Counter = field(default_factory=Counter)
    failures: int = 0
    failed_statuses: Counter = field(default_factory=Counter)
    server_errors: int = 0
    locked: int = 0
    page_p95: float = math.nan
    # Once every user has signed in: the start's burst of Argon2 sign-ins left out.
    page_p95_after_ramp: float = math.nan
    # The same, timed inside gunicorn: the rest of the difference is queueing and the client.
    server_page_p95: float = math.nan
    save_p99: float = math.nan
    pdf_p95: float | None = None
    acknowledged: int = 0
    audited: int = 0
    lost_writes: int = 0
    # The machine's 1-minute load average around the run: other work on the box skews every figure.
    load_average: tuple[float, float] = (math.nan, math.nan)
    # CPU seconds gunicorn used: what the app cost, whatever else ran on the machine.
    server_cpu: float = math.nan
    elapsed: float = math.nan

    @property
    def checks(self) -> list[tuple[str, str, bool]]:
        """(figure, target, met) for every gate."""
        return [
            (f"server errors {self.server_errors}", "0", self.server_errors == 0),
            (f"lost writes {self.lost_writes}", "0", self.lost_writes == 0),
            (f"page p95 {self.page_p95:.0f} ms", f"<= {PAGE_P95_MS} ms", self.page_p95 <= PAGE_P95_MS),
            (f"save p99 {self.save_p99:.0f} ms", f"<= {SAVE_P99_MS} ms", self.save_p99 <= SAVE_P99_MS),
        ]

    @property
    def passed(self) -> bool:
        return all(met for _, _, met in self.checks)

    def report(self) -> str:
        """The figures as a block of text for the console and the README."""
        total = sum(self.requests.values())
        mix = ", ".join(f"{kind} {count}" for kind, count in self.requests.most_common())
        failed = ", ".join(f"{status}: {count}" for status, count in self.failed_statuses.most_common())
        if self.pdf_p95 is None:
            pdf = "left out (no route, or --no-pdf)"
        elif math.isnan(self.pdf_p95):
            pdf = "no export in this run"
        else:
            pdf = f"{self.pdf_p95:.0f} ms (checklist: <= {PDF_P95_MS} ms)"
        lines = [
            f"== {self.backend}: {self.setup}",
            f"   requests           {total} ({mix})",
            f"   failures           {self.failures}" + (f" ({failed})" if failed else ""),
            f"   'database is locked' in the server log: {self.locked}",
            f"   page p95 after the ramp-up {self.page_p95_after_ramp:.0f} ms; "
            f"page p95 inside gunicorn {self.server_page_p95:.0f} ms",
            f"   saves acknowledged {self.acknowledged}, save_step audit lines {self.audited}",
            f"   PDF p95            {pdf}",
            f"   gunicorn CPU       {self.server_cpu:.0f} s, {self.server_cpu / self.elapsed:.2f} of {os.cpu_count()} CPUs"
            f" on average; machine load average {self.load_average[0]:.1f} before, {self.load_average[1]:.1f} after",
        ]
        lines += [
            f"   {'ok    ' if met else 'MISSED'} {figure} (target {target})" for figure, target, met in self.checks
        ]
        return "\n".join(lines)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure(backend: str, options, results: dict, url: str, server_log: str, has_pdf: bool, machine: dict) -> Figures:
    """Turn Locust's samples, the server's CPU time and the database's state into figures."""
    samples = results["samples"]
    figures = Figures(
        backend,
        f"{options.users} users, {options.duration} s, think time {options.wait} s, "
        f"gunicorn {options.workers} workers x {options.threads} threads"
        + (", cold start" if options.cold else ", after a warm-up pass"),
        **machine,
    )
    by_kind: dict[str, list[float]] = {}
    ramp_end = min((sample[4] for sample in samples), default=0) + RAMP_SECONDS
    figures.page_p95_after_ramp = percentile(
        [sample[1] for sample in samples if sample[0] == "page" and sample[4] >= ramp_end], 0.95
    )
    for kind, milliseconds, status, failed, _ in samples:
        figures.requests[kind] += 1
        by_kind.setdefault(kind, []).append(milliseconds)
        figures.server_errors += status >= 500
        if failed:
            figures.failures += 1
            figures.failed_statuses[f"{kind} {status or failed}"] += 1
    figures.page_p95 = percentile(by_kind.get("page", []), 0.95)
    figures.save_p99 = percentile(by_kind.get("save", []), 0.99)
    figures.pdf_p95 = percentile(by_kind.get("pdf", []), 0.95) if has_pdf else None
    figures.locked = server_log.count("database is locked")
    figures.server_page_p95 = percentile(_server_page_times(server_log), 0.95)
    _count_lost_writes(figures, {int(plan_id): record for plan_id, record in results["saves"].items()}, url)
    return figures


def _server_page_times(server_log: str) -> list[float]:
    """Milliseconds gunicorn spent on each page view (GET answered 200 with HTML), from its access log."""
    times = []
    for line in server_log.splitlines():
        parts = line.split()
        if len(parts) == 5 and parts[0] == "access" and parts[1] == "GET" and parts[3] == "200":
            if not parts[2].endswith(".pdf") and not parts[2].startswith(("/static/", "/healthz")):
                times.append(int(parts[4]) / 1000)
    return times


def _count_lost_writes(figures: Figures, saves: dict[int, dict], url: str) -> None:
    """A write is lost when an acknowledged save has no audit line, or a field lacks its last acknowledged value."""
    with app_for(url):
        audited = saves_audited_per_plan()
        plans = {plan.id: plan for plan in db.session.scalars(select(Workplan).where(Workplan.id.in_(saves)))}
        for plan_id, record in saves.items():
            figures.acknowledged += record["acknowledged"]
            figures.audited += audited.get(plan_id, 0)
            figures.lost_writes += max(0, record["acknowledged"] - audited.get(plan_id, 0))
            for name, last in record["fields"].items():
                # After a save that got no answer, either value is right; a field never saved is not checked.
                if last["value"] is None or last["unanswered_since"]:
                    continue
                if getattr(plans[plan_id], name) != last["value"]:
                    figures.lost_writes += 1
