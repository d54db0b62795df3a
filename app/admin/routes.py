"""Administration pages."""

from flask import render_template

from app.admin import bp


@bp.get("/")
def index():
    """The administration home."""
    return render_template("admin/index.html")
