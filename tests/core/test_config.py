"""Configurations: production refuses to start without secrets."""

import pytest

from app import create_app


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without_secrets(monkeypatch, missing):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delenv(missing)
    with pytest.raises(RuntimeError, match=missing):
        create_app("production")


def test_production_starts_with_secrets_and_never_allows_demo_data(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    app = create_app("production")
    assert app.config["SECRET_KEY"] == "x" * 40
    assert app.config["ALLOW_DEMO_DATA"] is False
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not app.debug


def test_production_reads_the_number_of_pdf_render_slots_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    assert create_app("production").config["PDF_RENDER_SLOTS"] == 2
    monkeypatch.setenv("PDF_RENDER_SLOTS", "4")
    assert create_app("production").config["PDF_RENDER_SLOTS"] == 4


def test_development_defaults_to_sqlite_under_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


@pytest.fixture
def production(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.setenv("TRUSTED_HOSTS", "workplans.example.org")
    app = create_app("production")

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internal detail /srv/app/x.py")

    return app


def test_production_refuses_a_short_secret_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    with pytest.raises(RuntimeError, match="32"):
        create_app("production")


def test_production_refuses_untrusted_hosts(production):
    client = production.test_client()
    assert client.get("/healthz", base_url="https://evil.example").status_code == 400
    assert client.get("/healthz", base_url="https://workplans.example.org").status_code != 400


def test_production_hides_errors_and_sends_hsts(production):
    client = production.test_client()
    response = client.get("/boom-for-test", base_url="https://workplans.example.org")
    assert response.status_code == 500
    assert b"secret internal detail" not in response.data and b"Traceback" not in response.data
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert client.get("/console", base_url="https://workplans.example.org").status_code == 404


def test_production_cookies_are_host_prefixed_and_secure(production):
    assert production.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert production.config["REMEMBER_COOKIE_NAME"] == "__Host-remember"
    assert production.config["SESSION_COOKIE_SECURE"] and production.config["REMEMBER_COOKIE_SECURE"]
    assert production.config["REMEMBER_COOKIE_DURATION"].days <= 14


@pytest.mark.parametrize("name", ["development", "production"])
def test_pdf_renders_run_at_the_lowest_priority_outside_the_test_suite(monkeypatch, name):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    assert create_app(name).config["PDF_RENDER_NICENESS"] == 19
