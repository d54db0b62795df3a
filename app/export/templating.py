"""Render print templates with the app's Jinja environment but none of its request context processors."""

from flask import current_app


def render_print_template(name: str, **context) -> str:
    """Render an autoescaped export template; the output depends only on what is passed in.

    Request context processors (the signed-in user, unread notices) are skipped on purpose: a PDF
    must not depend on who downloads it, and the command line has no user at all.
    """
    return current_app.jinja_env.get_template(name).render(**context)
