"""`make load`: simulated officers against gunicorn on 127.0.0.1, once on SQLite and once on PostgreSQL.

Each run builds a throwaway database (a temporary SQLite file, or a PostgreSQL database load_<pid>
that is dropped afterwards), serves it with gunicorn, warms it up (load/warmup.py; --cold skips
that), drives it with Locust, then prints the figures and exits 1 when a target is missed.

    python -m load.run [--backend sqlite|postgresql|all] [--users 100] [--duration 120]
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from load.dataset import build_accounts
from load.figures import RAMP_SECONDS, Figures, measure
from load.warmup import warm_up
from tests.reliability.databases import app_for, postgres_database, prepare
from tests.reliability.server import Server

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SERVER = os.environ.get("LOAD_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PDF_ROUTE = "/workplans/<int:workplan_id>/export.pdf"


def main(argv: list[str] | None = None) -> int:
    """Run the load test on each backend asked for; 0 when every target is met."""
    options = _parse(argv)
    backends = ["sqlite", "postgresql"] if options.backend == "all" else [options.backend]
    results = [run(backend, options) for backend in backends]
    for figures in results:
        print(figures.report())
    return 0 if all(figures.passed for figures in results) else 1


def _parse(argv):
    parser = argparse.ArgumentParser(prog="python -m load.run", description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=int, default=120, help="seconds of load, ramp-up included")
    parser.add_argument("--wait", default="5,15", help="think time between a user's actions, min,max seconds")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--no-pdf", action="store_true", help="leave PDF exports out (to see their share of the load)")
    parser.add_argument("--cold", action="store_true", help="measure from a cold server: no warm-up pass first")
    parser.add_argument("--logs", type=Path, default=Path(tempfile.gettempdir()), help="where server logs are kept")
    return parser.parse_args(argv)


def run(backend: str, options) -> Figures:
    """Build the database, serve it, load it, and measure."""
    with tempfile.TemporaryDirectory(prefix="glo-act-load-") as folder, _database(backend, Path(folder)) as url:
        folder = Path(folder)
        print(f"[{backend}] building {options.users} officers and plans ...", flush=True)
        accounts = prepare(url, lambda: build_accounts(options.users))
        (folder / "accounts.json").write_text(json.dumps(accounts))
        with app_for(url) as app:
            has_pdf = not options.no_pdf and any(rule.rule == PDF_ROUTE for rule in app.url_map.iter_rules())
        machine, log = _serve_and_load(backend, url, folder, options, has_pdf)
        results = json.loads((folder / "results.json").read_text())
        (options.logs / f"glo-act-load-{backend}-results.json").write_text(json.dumps(results))
        return measure(backend, options, results, url, log, has_pdf, machine)


def _serve_and_load(backend: str, url: str, folder: Path, options, has_pdf: bool) -> tuple[dict, str]:
    """Run gunicorn and Locust against it; return the server's CPU use and its log."""
    # The PDF cache and render slots stay in the throwaway folder, away from the instance folder.
    app_spec = (
        f"app:create_app(PDF_CACHE_DIR={str(folder / 'pdf-cache')!r}, "
        f"PDF_RENDER_LOCK_DIR={str(folder / 'render-slots')!r})"
    )
    server = Server(
        url,
        folder / "server.log",
        workers=options.workers,
        threads=options.threads,
        app_spec=app_spec,
        timeout=120,
        # Idle connections outlive the think time, as behind a proxy: no reset races on reuse.
        keep_alive=_longest_wait(options) + 5,
        access_log=True,
    )
    measured_from = 0
    try:
        server.start()
        if not options.cold:
            accounts = json.loads((folder / "accounts.json").read_text())
            count, seconds = warm_up(server.base_url, accounts, options.workers * options.threads)
            print(f"[{backend}] warm-up (not measured): {count} page views and sign-ins in {seconds:.0f} s", flush=True)
        print(f"[{backend}] {options.users} users for {options.duration} s on {server.base_url} ...", flush=True)
        # The figures read the server log from here on: start-up and warm-up are not measured.
        measured_from = len(server.log())
        before, cpu, started = os.getloadavg()[0], server.cpu_seconds(), time.monotonic()
        _locust(server.base_url, folder, options, has_pdf)
        machine = {
            "load_average": (before, os.getloadavg()[0]),
            "server_cpu": server.cpu_seconds() - cpu,
            "elapsed": time.monotonic() - started,
        }
    finally:
        server.stop()
        kept = options.logs / f"glo-act-load-{backend}-server.log"
        kept.write_text(server.log())
        print(f"[{backend}] server log: {kept}", flush=True)
    return machine, server.log()[measured_from:]


def _longest_wait(options) -> int:
    return int(float(options.wait.split(",")[1])) + 1


@contextmanager
def _database(backend: str, folder: Path):
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'load.db'}"
        return
    with postgres_database(f"load_{os.getpid()}", POSTGRES_SERVER) as url:
        yield url


def _locust(base_url: str, folder: Path, options, has_pdf: bool) -> None:
    """Run Locust headless against the server; its own summary table goes to the console."""
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "load" / "locustfile.py"),
        "--headless",
        "--users",
        str(options.users),
        "--spawn-rate",
        str(max(1, options.users // RAMP_SECONDS)),
        "--run-time",
        f"{options.duration}s",
        "--stop-timeout",
        "60",
        "--host",
        base_url,
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LOAD_ACCOUNTS": str(folder / "accounts.json"),
        "LOAD_RESULTS": str(folder / "results.json"),
        "LOAD_WAIT": options.wait,
        "LOAD_PDF": "1" if has_pdf else "0",
    }
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        # Locust exits 1 when any request failed; the figures below decide, not its exit code.
        process.wait(timeout=options.duration + 240)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


if __name__ == "__main__":
    sys.exit(main())
