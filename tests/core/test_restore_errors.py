"""`flask restore` of a damaged or cut-off backup file: a clear error saying what to do, never a traceback."""

import os

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.extensions import db
from tests.reliability.databases import POSTGRES_URL, app_for, postgres_database, prepare


def _flask(url: str, *args: str):
    with app_for(url) as app:
        return app.test_cli_runner().invoke(args=list(args))


def _truncate(path, keep: float) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def _users(url: str) -> int:
    with app_for(url):
        return db.session.scalar(select(func.count(User.id)))


@pytest.fixture(scope="module")
def sqlite_source(tmp_path_factory):
    folder = tmp_path_factory.mktemp("source")
    url = f"sqlite:///{folder / 'app.db'}"
    prepare(url)
    backup = folder / "app.backup"
    result = _flask(url, "backup", str(backup))
    assert result.exit_code == 0, result.output
    return url, backup


def _assert_clear_refusal(result) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert "Error:" in result.output and "backup" in result.output


@pytest.mark.parametrize("keep", [0.01, 0.5, 0.9])
def test_restoring_a_cut_off_sqlite_backup_gives_a_clear_error_and_changes_nothing(sqlite_source, tmp_path, keep):
    _, backup = sqlite_source
    cut = tmp_path / "cut.backup"
    cut.write_bytes(backup.read_bytes())
    _truncate(cut, keep)
    target = f"sqlite:///{tmp_path / 'live.db'}"
    prepare(target)
    before = _users(target)
    result = _flask(target, "restore", str(cut), "--yes")
    _assert_clear_refusal(result)
    assert "damaged or incomplete" in result.output
    assert _users(target) == before


def test_restoring_a_sqlite_backup_of_only_its_first_bytes_gives_a_clear_error(tmp_path):
    cut = tmp_path / "header-only.backup"
    cut.write_bytes(b"SQLite format 3\x00" + b"\x10\x00")
    target = f"sqlite:///{tmp_path / 'live.db'}"
    prepare(target)
    result = _flask(target, "restore", str(cut), "--yes")
    _assert_clear_refusal(result)


@pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL run needs TEST_DATABASE_URL")
@pytest.mark.parametrize("keep", [0.05, 0.5, 0.95])
def test_restoring_a_cut_off_postgres_backup_gives_a_clear_error_and_changes_nothing(tmp_path, keep):
    with postgres_database(f"test_cut_{os.getpid()}") as url:
        prepare(url)
        backup = tmp_path / "app.backup"
        assert _flask(url, "backup", str(backup)).exit_code == 0
        _truncate(backup, keep)
        before = _users(url)
        result = _flask(url, "restore", str(backup), "--yes")
        _assert_clear_refusal(result)
        assert "damaged or incomplete" in result.output and "nothing was changed" in result.output
        assert _users(url) == before
