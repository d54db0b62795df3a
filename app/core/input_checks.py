"""Input no database can take, refused at the door with a page that says what to do.

PostgreSQL refuses a NUL character in text and numbers past its integer columns; SQLite is
lenient. Refusing both here, for every route, keeps one behaviour on both databases and
never lets such input reach a query as a 500.
"""

import re

from flask import Flask, abort, render_template, request

# The largest id a database row can have (PostgreSQL's INTEGER).
MAX_ID = 2**31 - 1
# Tab and line breaks are text; every other control character is not (NUL breaks PostgreSQL).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
WHOLE_NUMBER = re.compile(r"\s*[+-]?\d+\s*")
# Form fields that name a row: the last part of the name (after "-" in repeated rows).
ID_FIELD = re.compile(r"(?:.*_)?(?:id|ids)|revision|lock_version")
# The step editor's text fields refuse control characters themselves, beside the field, so the
# person sees which text to fix; its other fields (ids, choices, numbers) refuse any such value.
FIELD_CHECKED_ENDPOINTS = {"workplans.step", "workplans.autosave"}


def out_of_range(value: str) -> bool:
    """Whether a submitted whole number is larger than any row id can be."""
    return bool(WHOLE_NUMBER.fullmatch(value)) and abs(int(value)) > MAX_ID


def _problem() -> tuple[str, str] | None:
    """What is wrong with the request's query and form, as (title, advice), or None."""
    texts = list(request.args.items(multi=True))
    if request.endpoint not in FIELD_CHECKED_ENDPOINTS:
        texts += list(request.form.items(multi=True))
    else:
        texts += [(name, "") for name in request.form]
    if any(CONTROL_CHARACTERS.search(name) or CONTROL_CHARACTERS.search(value) for name, value in texts):
        return (
            "Invisible characters in what you sent",
            "Some text contains invisible control characters (often from a copy and paste). Nothing was saved. "
            "Copy your text below, remove them, and send it again.",
        )
    ids = [value for _, value in request.args.items(multi=True)]
    ids += [value for name, value in request.form.items(multi=True) if ID_FIELD.fullmatch(name.rpartition("-")[2])]
    if any(out_of_range(value) for value in ids):
        return (
            "A number in what you sent is out of range",
            "It names a plan, revision or item that cannot exist. Nothing was saved. Reload the page and try again.",
        )
    return None


def _kept_text() -> list[tuple[str, str]]:
    from app.core.errors import typed_text

    return [(name, CONTROL_CHARACTERS.sub("", value)) for name, value in typed_text()]


def register_input_checks(app: Flask) -> None:
    """Answer 404 for impossible ids in URLs; refuse control characters and impossible ids in queries and forms."""

    @app.before_request
    def refuse_input_no_database_takes():
        if request.path.startswith("/static/"):
            return None
        # `<int:…>` in a URL: a number no row can have is 404, like any id that does not exist.
        if any(isinstance(value, int) and value > MAX_ID for value in (request.view_args or {}).values()):
            abort(404)
        problem = _problem()
        if problem is None:
            return None
        title, advice = problem
        page = render_template("errors/error.html", code=400, title=title, advice=advice, kept=_kept_text())
        return page, 400
