"""The app as a real gunicorn server process on 127.0.0.1, killed and restarted at will."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
START_TIMEOUT_SECONDS = 30
ACCESS_FORMAT = "access %(m)s %(U)s %(s)s %(D)s"


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving wsgi:app against DATABASE_URL; the process group is always cleaned up."""

    def __init__(
        self,
        database_url: str,
        log_path: Path,
        workers: int = 1,
        threads: int = 1,
        preload: bool = False,
        app_spec: str = "wsgi:app",
        timeout: int = 60,
        keep_alive: int = 2,
        access_log: bool = False,
    ):
        self.database_url = database_url
        self.log_path = log_path
        self.workers, self.threads = workers, threads
        # Preloaded, the master imports the app once and replaces a killed worker in a moment.
        self.preload = preload
        self.app_spec, self.timeout, self.keep_alive = app_spec, timeout, keep_alive
        self.access_log = access_log
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the server and wait until /healthz answers."""
        env = {
            **os.environ,
            "APP_CONFIG": "development",
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": "reliability-tests-secret-key-0123456789abcdef",
            "PYTHONUNBUFFERED": "1",
        }
        command = [
            str(GUNICORN),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--graceful-timeout",
            "2",
            "--timeout",
            str(self.timeout),
            "--keep-alive",
            str(self.keep_alive),
            # Its default path is shared by every gunicorn of the user: parallel test runs would collide.
            "--no-control-socket",
            *(["--preload"] if self.preload else []),
            # One line per request: method, path, status and the time spent in the server (microseconds).
            *(["--access-logfile", "-", "--access-logformat", ACCESS_FORMAT] if self.access_log else []),
            self.app_spec,
        ]
        with open(self.log_path, "ab") as log:
            # A session of its own: one killpg reaches the master and every worker.
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.wait_ready()

    def wait_ready(self) -> None:
        """Wait until /healthz answers; raises RuntimeError when the server died or hangs."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}:\n{self.log()[-3000:]}")
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"the server did not answer within {START_TIMEOUT_SECONDS} s:\n{self.log()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the master and its workers at once, as a power cut or the OOM killer would."""
        if self.process is not None:
            _killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def cpu_seconds(self) -> float:
        """CPU time the master, its live workers and their PDF render processes have used so far."""
        ticks = 0
        workers = _children(self.process.pid)
        renderers = [pid for worker in workers for pid in _children(worker)]
        for pid in (self.process.pid, *workers, *renderers):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # utime and stime, fields 14 and 15 of proc(5), counted after the command name.
            ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def kill_workers(self) -> None:
        """SIGKILL the worker processes only; the master starts new ones, as after an OOM kill."""
        for pid in _children(self.process.pid):
            _kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        """Shut down gracefully, then make sure no process of the group is left."""
        if self.process is None:
            return
        if self.process.poll() is None:
            _killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        # Workers can outlive a master that died first.
        _killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def log(self) -> str:
        """Everything the server wrote so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()


def _children(pid: int) -> list[int]:
    """Process ids whose parent is pid, read from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name may hold spaces and parentheses; the fields after its last ")" do not.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def _kill(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _killpg(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass
