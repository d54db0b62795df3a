"""The GLO.ACT Workplan Builder application factory."""

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, ProductionConfig


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the app for an environment (APP_CONFIG, default development); no side effects."""
    config_name = config_name or os.environ.get("APP_CONFIG", "development")
    config_class = CONFIGS[config_name]
    if config_class is ProductionConfig:
        config_class.check()

    app = Flask(__name__, template_folder="../templates", instance_relative_config=True)
    app.config.from_object(config_class)
    if config_class is ProductionConfig:
        app.config.update(ProductionConfig.from_environment())
        # Trust exactly the configured number of proxies for the client address and scheme;
        # with none configured, X-Forwarded-* headers are ignored.
        if app.config["PROXY_HOPS"] > 0:
            app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_HOPS"], x_proto=app.config["PROXY_HOPS"])
    if os.environ.get("DATABASE_URL") and not app.config.get("TESTING"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)

    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    register_errors(app)
    register_template_helpers(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extensions, the password hasher and the SQLite connection settings."""
    from app import database
    from app.auth import (
        loader,  # noqa: F401  (registers the user loader)
        passwords,
    )
    from app.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    passwords.init_app(app)
    with app.app_context():
        database.configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])


def register_blueprints(app: Flask) -> None:
    """Attach every feature's blueprint (importing a routes module registers its views) and review's plan panels."""
    from app.admin import routes as admin_routes
    from app.auth import routes as auth_routes
    from app.core import routes as core_routes
    from app.export import routes as export_routes
    from app.review import hq as hq_routes
    from app.review import routes as review_routes
    from app.review.panels import REVIEW_PANELS
    from app.workplans import routes as workplans_routes
    from app.workplans.panels import register_panels

    for routes in (core_routes, auth_routes, workplans_routes, review_routes, hq_routes, admin_routes, export_routes):
        app.register_blueprint(routes.bp)
    register_panels(app, REVIEW_PANELS)


def register_cli(app: Flask) -> None:
    """Add the `flask` commands: seed, create-user, export-pdf, backup and restore."""
    from app.cli import backup_command, create_user_command, restore_command, seed_command
    from app.export.cli import export_pdf_command

    app.cli.add_command(seed_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(export_pdf_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


def register_errors(app: Flask) -> None:
    """Render friendly pages for HTTP errors and for input no database takes."""
    from app.core.errors import register_error_handlers
    from app.core.input_checks import register_input_checks

    register_error_handlers(app)
    register_input_checks(app)


def register_template_helpers(app: Flask) -> None:
    """Expose formatting filters and the security headers."""
    from app.core.helpers import register_helpers

    register_helpers(app)
