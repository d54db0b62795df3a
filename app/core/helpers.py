"""Template filters, the main menu and the security headers on every response."""

from datetime import UTC, datetime
from decimal import Decimal

from flask import Flask, current_app, request
from flask_login import current_user
from markupsafe import Markup

from app.permissions import may_open
from app.plan_sections import SECTIONS_BY_KEY, item_label

# The menu's links to pages only some roles may open, by endpoint.
MENU = ("hq.queue", "hq.dashboard", "export.meeting_pack", "admin.index")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def format_eur(value) -> str:
    """Format an amount as whole euros with thin thousands separators."""
    if value is None or value == "":
        return "—"
    return f"EUR {Decimal(value):,.0f}"


def format_time(value: datetime | None, with_time: bool = True) -> Markup | str:
    """A UTC time as a <time> element: UTC text that app.js rewrites into the reader's own time zone."""
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    text = value.strftime("%d %b %Y, %H:%M UTC" if with_time else "%d %b %Y")
    kind = "datetime" if with_time else "date"
    stamp = value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return Markup('<time datetime="{}" data-local="{}">{}</time>').format(stamp, kind, text)


def format_date(value: datetime | None) -> Markup | str:
    """A UTC time shown as the reader's local date."""
    return format_time(value, with_time=False)


def register_helpers(app: Flask) -> None:
    """Register filters, the menu and the after-request header hook."""
    app.add_template_filter(format_eur, "eur")
    app.add_template_filter(format_time, "when")
    app.add_template_filter(format_date, "day")
    # Section titles and field labels for the plan overview and the printed plan.
    app.add_template_global(SECTIONS_BY_KEY, "plan_sections")
    app.add_template_global(item_label, "item_label")

    @app.context_processor
    def main_menu():
        # Each link shows exactly when its page's access rule lets the user in.
        return {"menu": {endpoint: may_open(current_user, endpoint) for endpoint in MENU}}

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if current_app.config.get("STRICT_TRANSPORT_SECURITY"):
            response.headers.setdefault("Strict-Transport-Security", current_app.config["STRICT_TRANSPORT_SECURITY"])
        if current_user.is_authenticated and not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
            response.vary.add("Cookie")
        return response
