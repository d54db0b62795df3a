"""Fixtures for tests against real server processes and real database files."""

import os

import pytest

from tests.reliability.databases import POSTGRES_URL, postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    """The URL of an empty database: a fresh SQLite file, or a PostgreSQL database of this process."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL run needs TEST_DATABASE_URL")
    with postgres_database(f"test_reliability_{os.getpid()}") as url:
        yield url
