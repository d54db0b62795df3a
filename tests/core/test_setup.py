"""Set-up on a fresh machine: the README's two commands install the system packages they need."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bin" / "system-packages"


def dry_run(target: str) -> str:
    """The commands `make TARGET` would run, without running them."""
    return subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def bare_machine(bin_dir: Path) -> dict:
    """An environment whose PATH has the basics but no pdftotext, pg_dump, apt-get or Chromium."""
    tools = {"python3": os.path.realpath(sys.executable)}  # the interpreter itself, not a shim
    tools.update({tool: shutil.which(tool) or f"/sbin/{tool}" for tool in ("bash", "grep", "id", "ldconfig")})
    for tool, target in tools.items():
        (bin_dir / tool).symlink_to(target)
    return {"PATH": str(bin_dir), "CHROMIUM_PATH": str(bin_dir / "no-chromium")}


@pytest.mark.parametrize(("target", "purpose"), [("test", "test"), ("run", "run")])
def test_each_readme_command_checks_its_system_packages_first(target, purpose):
    commands = dry_run(target).splitlines()
    check = commands.index(f"bin/system-packages {purpose}")
    assert check < next(i for i, line in enumerate(commands) if "pytest" in line or "flask" in line)


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "\nmake test\n" in ci
    assert "apt-get" not in ci


def test_a_machine_without_the_test_packages_is_told_what_to_install_and_why(tmp_path):
    env = bare_machine(tmp_path)
    result = subprocess.run([str(SCRIPT), "test"], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    for package, reason in [
        ("poppler-utils", "pdftotext"),
        ("chromium", "browser tests"),
        ("postgresql-client", "pg_dump"),
    ]:
        line = next(line for line in result.stderr.splitlines() if line.strip().startswith(package + ":"))
        assert reason in line
    assert "apt-get install poppler-utils chromium postgresql-client" in result.stderr


def test_the_run_command_does_not_ask_for_test_tools(tmp_path):
    env = bare_machine(tmp_path)
    result = subprocess.run([str(SCRIPT), "run"], env=env, capture_output=True, text=True)
    assert (result.returncode, result.stderr) == (0, "")


def test_the_machine_running_the_suite_has_every_test_package():
    result = subprocess.run([str(SCRIPT), "test"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_test_command_checks_lint_and_formatting_before_the_suite():
    commands = dry_run("test").splitlines()
    suite = next(i for i, line in enumerate(commands) if "pytest" in line)
    assert any("ruff check" in line for line in commands[:suite])
    assert any("ruff format --check" in line for line in commands[:suite])
