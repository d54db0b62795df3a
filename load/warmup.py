"""Warm a freshly started server up before the measured run: sign in and open every page, many at once.

A new worker process compiles each template and SQL statement on first use, and on PostgreSQL
each new pooled connection fills its backend's catalogue cache. A server in production pays this
once after a restart, not for every hundred users, so the load test pays it before measuring.
The warm-up only reads (and signs in): it changes no plan.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.pages import form_values

STEPS = (
    "basics",
    "context",
    "lessons",
    "objectives",
    "results",
    "activities",
    "risks",
    "partnerships",
    "mel",
    "sustainability",
    "theory",
    "check",
)


def warm_up(base_url: str, accounts: list[dict], concurrency: int) -> tuple[int, float]:
    """Open every page as `concurrency` officers at once; return the number of requests and the seconds taken."""
    started = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        counts = list(pool.map(lambda account: _visit(base_url, account), accounts[:concurrency]))
    return sum(counts), time.monotonic() - started


def _visit(base_url: str, account: dict) -> int:
    with requests.Session() as session:
        values = form_values(_get(session, f"{base_url}/login").text)
        values["email"], values["password"] = account["email"], account["password"]
        response = session.post(f"{base_url}/login", data=list(values.items(multi=True)), allow_redirects=False)
        if response.status_code != 302:
            raise RuntimeError(f"warm-up sign-in answered {response.status_code}")
        plan = f"{base_url}/workplans/{account['plan_id']}"
        paths = [f"{base_url}/workplans/", f"{plan}/", *(f"{plan}/steps/{step}" for step in STEPS)]
        for path in paths:
            _get(session, path)
        return 2 + len(paths)


def _get(session: requests.Session, url: str) -> requests.Response:
    response = session.get(url, allow_redirects=False, timeout=60)
    if response.status_code != 200:
        raise RuntimeError(f"warm-up GET {url} answered {response.status_code}")
    return response
