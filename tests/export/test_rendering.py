"""PDFs render in a separate, low-priority, memory-capped process, a few at a time for the whole server."""

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from app.export.rendering import POOL, Limits, RendererBusy, render_slot
from app.extensions import db
from config import Config

# Rendering does not depend on the database backend: SQLite only.
pytestmark = pytest.mark.parametrize("database_settings", ["sqlite"], indirect=True)


@pytest.fixture(autouse=True)
def fresh_pool():
    """Each test starts and ends without idle render processes."""
    POOL.shutdown()
    yield
    POOL.shutdown()


@pytest.fixture
def slots(app, tmp_path):
    """A lock folder of the test's own, so no other render on the machine takes its slots."""
    app.config.update(PDF_RENDER_LOCK_DIR=str(tmp_path / "slots"), PDF_RENDER_SLOTS=1)
    return tmp_path / "slots"


@pytest.fixture
def officer(small_plan, pk_officer, sign_in):
    return sign_in(pk_officer)


@pytest.fixture
def scratch_root(tmp_path, monkeypatch):
    """The temporary folder of this test alone, so renders of other test processes never show in it."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def scratch_folders(root: Path) -> set[Path]:
    """The render processes' scratch folders in a temporary folder."""
    return set(root.glob("glo-act-render-*"))


def download(client, plan):
    return client.get(f"/workplans/{plan.id}/export.pdf")


def test_the_render_runs_in_another_process_at_lower_priority_with_its_memory_capped(app, slots, officer, small_plan):
    app.config.update(PDF_RENDER_MEMORY_MB=900, PDF_RENDER_NICENESS=Config.PDF_RENDER_NICENESS)
    assert Config.PDF_RENDER_NICENESS == 19
    response = download(officer, small_plan)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    [pid] = POOL.pids()
    assert pid != os.getpid()
    assert os.getpriority(os.PRIO_PROCESS, pid) == 19
    limits = Path(f"/proc/{pid}/limits").read_text()
    address_space = next(line for line in limits.splitlines() if line.startswith("Max address space"))
    assert address_space.split()[3:5] == [str(900 * 1024 * 1024)] * 2


def test_the_render_process_is_reused(app, slots, officer, small_plan):
    assert download(officer, small_plan).status_code == 200
    first = POOL.pids()
    small_plan.title = "Changed, so it renders again"
    db.session.commit()
    assert download(officer, small_plan).status_code == 200
    assert POOL.pids() == first


def test_a_render_over_its_time_limit_is_killed_and_the_next_one_gets_a_new_process(
    app, slots, officer, small_plan, scratch_root
):
    assert download(officer, small_plan).status_code == 200
    [old] = POOL.pids()
    scratch_before = scratch_folders(scratch_root)
    assert len(scratch_before) == 1
    app.config.update(PDF_RENDER_TIMEOUT=0.001, PDF_CACHE_DIR=str(slots.parent / "empty-cache"))
    response = download(officer, small_plan)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert "The PDF took longer than 0.001 s to render." in response.get_data(as_text=True)
    assert "Your plan is not affected" in response.get_data(as_text=True)
    assert not os.path.exists(f"/proc/{old}")

    app.config["PDF_RENDER_TIMEOUT"] = 60
    assert download(officer, small_plan).status_code == 200
    assert old not in POOL.pids()
    # The killed process's temporary files went with it; the new process has a folder of its own.
    scratch_after = scratch_folders(scratch_root)
    assert len(scratch_before - scratch_after) == 1
    assert len(scratch_after - scratch_before) == 1


def test_a_render_that_runs_out_of_memory_fails_cleanly_and_the_next_one_works(app, slots, officer, small_plan):
    app.config["PDF_RENDER_MEMORY_MB"] = 64
    response = download(officer, small_plan)
    assert response.status_code == 503
    assert "The PDF could not be produced" in response.get_data(as_text=True)
    app.config["PDF_RENDER_MEMORY_MB"] = 1024
    assert download(officer, small_plan).status_code == 200


def test_a_slot_held_by_another_process_makes_the_download_wait_then_answer_503(app, slots, officer, small_plan):
    slots.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time; f = open(sys.argv[1], 'a+b'); "
            "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)",
            str(slots / "slot-0.lock"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        app.config["PDF_RENDER_WAIT"] = 0.3
        started = time.monotonic()
        response = download(officer, small_plan)
        assert response.status_code == 503
        assert time.monotonic() - started >= 0.3
        assert "Other PDFs are being printed" in response.get_data(as_text=True)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert download(officer, small_plan).status_code == 200


def test_a_waiting_render_takes_the_slot_as_soon_as_it_frees(app, slots):
    limits = Limits.from_config(app.config)
    release = threading.Event()

    def hold():
        with app.app_context(), render_slot(limits):
            taken.set()
            release.wait(5)

    taken = threading.Event()
    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(5)
    threading.Timer(0.2, release.set).start()
    started = time.monotonic()
    with render_slot(limits):
        waited = time.monotonic() - started
    holder.join()
    assert 0.15 <= waited < 2


def test_there_are_as_many_slots_as_configured(app, slots):
    app.config["PDF_RENDER_SLOTS"] = 2
    app.config["PDF_RENDER_WAIT"] = 0.05
    limits = Limits.from_config(app.config)
    with render_slot(limits), render_slot(limits):
        with pytest.raises(RendererBusy), render_slot(limits):
            pass
    with render_slot(limits):
        pass


@pytest.mark.parametrize("text", ["x" * 5000, "line\n" * 2000], ids=["5000 characters without a space", "2000 lines"])
def test_a_pathological_field_still_prints(app, slots, officer, small_plan, text):
    small_plan.context_situation = text
    db.session.commit()
    response = download(officer, small_plan)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
