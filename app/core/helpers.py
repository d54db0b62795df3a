"""Template filters, globals and the security headers on every response."""

from decimal import Decimal

from flask import Flask, current_app, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def format_eur(value) -> str:
    """Format an amount as whole euros with thin thousands separators."""
    if value is None or value == "":
        return "—"
    return f"EUR {Decimal(value):,.0f}"


def register_helpers(app: Flask) -> None:
    """Register filters and the after-request header hook."""
    app.add_template_filter(format_eur, "eur")

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
