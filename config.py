"""Application settings: one class per environment, secrets from the environment."""

import os
from datetime import timedelta


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-secret-change-me")
    # Relative SQLite paths resolve under instance/; DATABASE_URL (read in create_app) overrides.
    SQLALCHEMY_DATABASE_URI = "sqlite:///workplans.db"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False

    # A token lives as long as the session: a long afternoon of typing must not expire it.
    WTF_CSRF_TIME_LIMIT = None

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    # 100 activities with every field at its maximum length in Arabic script (6 bytes a
    # character once URL-encoded) post about 3.8 MB: twice that fits, a 10 MB junk body does not.
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 8 * 1024 * 1024
    MAX_FORM_PARTS = 5000

    # The step editor saves unsaved changes in the background this often.
    AUTOSAVE_SECONDS = 30
    # SQLite: how long a writer queues for the write lock before the user gets "busy, try again"
    # (a save that waits a few seconds under load is far better than one refused).
    SQLITE_BUSY_TIMEOUT_MS = 15000
    # PDF renders: how many at once for the whole server (about one per core: they run at lower
    # priority, so page views go first), how long a download waits for one, how long one may run
    # and how much memory it may take (app/export/rendering.py).
    PDF_RENDER_SLOTS = 2
    PDF_RENDER_WAIT = 60
    PDF_RENDER_TIMEOUT = 60
    PDF_RENDER_MEMORY_MB = 1024
    # Page views must win the CPU from renders: the render process runs at the lowest priority, so
    # it only gets what page views, saves and the database leave (measured: at nice 10 renders still
    # pushed page p95 over 300 ms under `make load` on PostgreSQL; at 19 they did not).
    PDF_RENDER_NICENESS = 19

    # Sign-in throttling: failures per account and per address within a sliding window (seconds).
    LOGIN_THROTTLE_WINDOW = 60
    LOGIN_THROTTLE_PER_ACCOUNT = 10
    LOGIN_THROTTLE_PER_ADDRESS = 30

    # Argon2id at the OWASP Password Storage Cheat Sheet's parameters: m=19 MiB, t=2, p=1
    # (not argon2-cffi's defaults). A hash made with others is upgraded at the next sign-in.
    PASSWORD_ARGON2 = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}

    DEMO_PASSWORD = "glo.act-demo-2026"
    ALLOW_DEMO_DATA = True

    # E-mail notices go out only when MAIL_SERVER is set; in-app notices always.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_FROM = os.environ.get("MAIL_FROM", "glo.act-workplans@localhost")


class DevelopmentConfig(Config):
    """The embedded default: SQLite under instance/, demo data allowed."""

    DEBUG = False


class TestingConfig(Config):
    """Isolated databases per test; CSRF off unless a test turns it on."""

    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    # The suite creates and signs in thousands of accounts: at the OWASP cost (about 30 ms a
    # hash) that alone would take minutes. tests/auth checks the real parameters elsewhere.
    PASSWORD_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    # The suite runs a test per core: at the lowest priority a test's render would wait for the
    # other tests' CPU. tests/export checks the production priority.
    PDF_RENDER_NICENESS = 0


class ProductionConfig(Config):
    """Production: secrets and the database must come from the environment."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # "__Host-" cookies are only accepted over HTTPS, for this exact host, on path "/".
    SESSION_COOKIE_NAME = "__Host-session"
    REMEMBER_COOKIE_NAME = "__Host-remember"
    STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
    ALLOW_DEMO_DATA = False
    DEMO_PASSWORD = None

    @classmethod
    def check(cls):
        """Raise RuntimeError when a required secret is missing."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "ProductionConfig refuses to start: set " + " and ".join(missing) + " in the environment."
            )
        if len(os.environ["SECRET_KEY"]) < 32:
            raise RuntimeError("ProductionConfig refuses to start: SECRET_KEY must be at least 32 random characters.")

    @staticmethod
    def from_environment() -> dict:
        """Settings read when the app starts: secrets, public host names, proxy hops, PDF render slots."""
        hosts = [host.strip() for host in os.environ.get("TRUSTED_HOSTS", "").split(",") if host.strip()]
        return {
            "SECRET_KEY": os.environ["SECRET_KEY"],
            # Requests for any other host name are refused with 400.
            "TRUSTED_HOSTS": hosts or None,
            # How many reverse proxies in front of the app set X-Forwarded-For and -Proto. None
            # unless the operator says so: without a proxy a client could name any address it
            # likes in X-Forwarded-For and escape the sign-in throttle or forge the audit log.
            "PROXY_HOPS": int(os.environ.get("PROXY_HOPS", "0")),
            # PDF renders at once for the whole server: about the number of CPU cores (they run
            # at lower priority, so page views still go first).
            "PDF_RENDER_SLOTS": int(os.environ.get("PDF_RENDER_SLOTS", "2")),
        }


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
