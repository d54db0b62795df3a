"""The app served for a real browser: a Werkzeug server on 127.0.0.1 in a thread, over a SQLite file."""

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app
from app.demo import create_demo_data
from app.extensions import db
from tests import factories

T = TypeVar("T")


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request; errors are still logged."""

    def log_request(self, *args, **kwargs) -> None:
        pass


def _closed_before_sending(app):
    """Read each response into memory and close it before the server writes it.

    Werkzeug's development server skips closing a response when the browser resets the connection
    while it drains the request (a favicon request cancelled by a navigation): the open static file
    then surfaces later as a ResourceWarning in an unrelated test. The app streams nothing.
    """

    def serve(environ, start_response):
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return serve


class LiveServer:
    """One app and its database, served on a free port of the loopback interface until stop()."""

    def __init__(self, database_path: Path, **settings):
        self.app: Flask = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{database_path}",
            # The browser posts real forms: the CSRF token is checked as in production.
            WTF_CSRF_ENABLED=True,
            # PDFs and render slots beside the database, apart from other test processes.
            PDF_CACHE_DIR=str(database_path.parent / "pdf-cache"),
            PDF_RENDER_LOCK_DIR=str(database_path.parent / "render-slots"),
            **settings,
        )
        self._server = make_server(
            "127.0.0.1", 0, _closed_before_sending(self.app), threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server", daemon=True)

    def seed(self) -> None:
        """The demo accounts (password factories.PASSWORD) and the Pakistan demo plan, on a migrated, seeded database."""
        self.run(lambda: create_demo_data(factories.PASSWORD))

    def run(self, work: Callable[[], T]) -> T:
        """Run work() in an application context of the served app, committing what it flushed."""
        with self.app.app_context():
            try:
                result = work()
                db.session.commit()
                return result
            finally:
                db.session.remove()

    def start(self) -> "LiveServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
