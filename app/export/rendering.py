"""Turn print HTML into PDF outside the web worker, a few renders at a time for the whole server.

A render takes seconds of CPU in pure Python and a few hundred MB. Run in a web worker it would
hold the worker's interpreter lock and, across workers, take every core from page views. So:

- each web worker keeps a render process (app.export.render_worker), started on first use and
  reused, running at the lowest CPU priority (nice 19) with its address space capped
  (PDF_RENDER_MEMORY_MB);
- a render first takes one of PDF_RENDER_SLOTS file locks in PDF_RENDER_LOCK_DIR, shared by every
  worker process of the server, so at most that many renders run at once; a caller that waits
  longer than PDF_RENDER_WAIT seconds for a slot gets RendererBusy;
- a render still running after PDF_RENDER_TIMEOUT seconds is killed, as is a process that runs
  out of memory; the caller gets RenderFailed and the next render starts a fresh process.

The waiting thread sleeps on a lock or a pipe and uses no CPU.
"""

import atexit
import fcntl
import multiprocessing
import multiprocessing.util  # registers its exit handler now, so that ours (below) runs before it
import os
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from app.export import render_worker

POLL_SECONDS = (0.02, 0.25)


class RendererBusy(RuntimeError):
    """Every render slot stayed busy for longer than the caller may wait."""


class RenderFailed(RuntimeError):
    """The render process ran out of time or memory, or died; it has been replaced."""


@dataclass(frozen=True)
class Limits:
    """How renders are bounded; read from the app's configuration."""

    slots: int
    wait: float
    timeout: float
    memory_mb: int
    niceness: int
    lock_dir: Path
    strict: bool

    @classmethod
    def from_config(cls, config) -> "Limits":
        lock_dir = config.get("PDF_RENDER_LOCK_DIR") or os.path.join(current_app.instance_path, "render-slots")
        return cls(
            max(1, int(config["PDF_RENDER_SLOTS"])),
            float(config["PDF_RENDER_WAIT"]),
            float(config["PDF_RENDER_TIMEOUT"]),
            int(config["PDF_RENDER_MEMORY_MB"]),
            int(config["PDF_RENDER_NICENESS"]),
            Path(lock_dir),
            bool(config.get("PDF_STRICT_FETCHER", current_app.testing)),
        )


@contextmanager
def render_slot(limits: Limits):
    """Hold one of the server's render slots (an exclusive file lock); raise RendererBusy after limits.wait s."""
    limits.lock_dir.mkdir(parents=True, exist_ok=True)
    files = [open(limits.lock_dir / f"slot-{number}.lock", "a+b") for number in range(limits.slots)]
    try:
        held, deadline, pause = None, time.monotonic() + limits.wait, POLL_SECONDS[0]
        while held is None:
            held = next((file for file in files if _try_lock(file)), None)
            if held is None:
                if time.monotonic() >= deadline:
                    raise RendererBusy("Every PDF render slot is busy.")
                time.sleep(pause)
                pause = min(pause * 2, POLL_SECONDS[1])
        yield
    finally:
        # Closing a file drops its lock.
        for file in files:
            file.close()


def _try_lock(file) -> bool:
    try:
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class RenderProcess:
    """One render process and the pipe to it."""

    def __init__(self, memory_mb: int, niceness: int):
        self.memory_mb, self.niceness, self.owner = memory_mb, niceness, os.getpid()
        # The process's temporary files (WeasyPrint's copies of the fonts) go here, removed with it.
        self.scratch = tempfile.mkdtemp(prefix="glo-act-render-")
        context = multiprocessing.get_context("spawn")
        self.connection, child_end = context.Pipe()
        self.process = context.Process(
            target=render_worker.serve,
            args=(child_end, memory_mb, niceness, self.scratch),
            name="pdf-render",
            daemon=True,
        )
        self.process.start()
        child_end.close()

    def fits(self, limits: Limits) -> bool:
        """Whether this process can serve renders under these limits (and still belongs to this process)."""
        return (
            self.owner == os.getpid()
            and self.process.is_alive()
            and (self.memory_mb, self.niceness) == (limits.memory_mb, limits.niceness)
        )

    def render(self, pages_html: list[str], limits: Limits) -> bytes:
        """Send a job and wait for its PDF; kill the process and raise RenderFailed on timeout or death."""
        try:
            self.connection.send((pages_html, limits.strict))
            if not self.connection.poll(limits.timeout):
                raise RenderFailed(f"The PDF took longer than {limits.timeout:g} s to render.")
            status, result = self.connection.recv()
        except (EOFError, OSError) as error:
            self.stop()
            raise RenderFailed("The PDF render process stopped.") from error
        except RenderFailed:
            self.stop()
            raise
        if status == "ok":
            return result
        if isinstance(result, MemoryError):
            self.stop()
            raise RenderFailed(str(result)) from result
        raise result

    def stop(self) -> None:
        """Kill the process at once; a render in flight is abandoned."""
        if self.owner == os.getpid():
            if self.process.is_alive():
                self.process.kill()
                self.process.join(5)
            shutil.rmtree(self.scratch, ignore_errors=True)
        self.connection.close()

    def close(self) -> None:
        """Let an idle process finish, killing it if it does not."""
        self.connection.close()
        if self.owner == os.getpid():
            self.process.join(5)
        self.stop()


class RenderPool:
    """The render processes of this web worker: one per render in flight, kept for the next one."""

    def __init__(self):
        self._idle: list[RenderProcess] = []
        self._lock = threading.Lock()

    def render(self, pages_html: list[str], limits: Limits) -> bytes:
        """Render in a free slot of the server; raises RendererBusy or RenderFailed."""
        with render_slot(limits):
            process = self._take(limits)
            try:
                return process.render(pages_html, limits)
            finally:
                # A process that failed a job but is still sound (a denied URL, say) serves the next one.
                if not process.connection.closed:
                    with self._lock:
                        self._idle.append(process)

    def _take(self, limits: Limits) -> RenderProcess:
        with self._lock:
            while self._idle:
                process = self._idle.pop()
                if process.fits(limits):
                    return process
                process.close()
        return RenderProcess(limits.memory_mb, limits.niceness)

    def pids(self) -> list[int]:
        """Process ids of the idle render processes (for the benchmark's CPU accounting)."""
        with self._lock:
            return [process.process.pid for process in self._idle]

    def shutdown(self) -> None:
        """Stop every idle render process."""
        with self._lock:
            idle, self._idle = self._idle, []
        for process in idle:
            process.close()


POOL = RenderPool()
# Before multiprocessing terminates its children at exit, let idle renderers remove their font files.
atexit.register(POOL.shutdown)


def render_documents(pages_html: list[str]) -> bytes:
    """Render one or more HTML documents and return them as one PDF (the first one's metadata).

    Raises RendererBusy when no render slot frees up in time, RenderFailed when the render ran out
    of time or memory.
    """
    return POOL.render(pages_html, Limits.from_config(current_app.config))


def render_pdf(html: str) -> bytes:
    """Render one HTML document to PDF bytes; raises RendererBusy or RenderFailed."""
    return render_documents([html])
