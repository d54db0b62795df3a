"""Add and remove repeated rows on the server, so the editor works without JavaScript."""

import re

from werkzeug.datastructures import MultiDict

LIST_PREFIX = re.compile(r"^[a-z_]+(?:-\d+-[a-z_]+)*$")
ROW_PREFIX = re.compile(r"^(?P<list>[a-z_]+(?:-\d+-[a-z_]+)*)-(?P<index>\d+)$")


def parse_action(value: str | None) -> tuple[str, str | None]:
    """Split a submit button's value into its verb (save, continue, restore, add, remove) and target."""
    verb, _, target = (value or "save").partition(":")
    if verb == "add" and LIST_PREFIX.match(target):
        return verb, target
    if verb == "remove" and ROW_PREFIX.match(target):
        return verb, target
    return (verb if verb in ("continue", "restore") else "save"), None


def _row_index(key: str, list_prefix: str) -> tuple[int, str] | None:
    if not key.startswith(list_prefix + "-"):
        return None
    index, _, rest = key[len(list_prefix) + 1 :].partition("-")
    return (int(index), rest) if index.isdigit() else None


def add_row(formdata: MultiDict, list_prefix: str) -> tuple[MultiDict, str]:
    """Return formdata with one more (empty) row in the list, and the new row's prefix."""
    indices = [found[0] for key in formdata if (found := _row_index(key, list_prefix))]
    new_prefix = f"{list_prefix}-{max(indices, default=-1) + 1}"
    result = MultiDict(formdata)
    result.add(f"{new_prefix}-id", "")
    return result, new_prefix


def remove_row(formdata: MultiDict, row_prefix: str) -> MultiDict:
    """Return formdata without one row, later rows renumbered so nothing else moves."""
    match = ROW_PREFIX.match(row_prefix)
    list_prefix, removed = match["list"], int(match["index"])
    result = MultiDict()
    for key, values in formdata.lists():
        found = _row_index(key, list_prefix)
        if found is None:
            result.setlist(key, values)
        elif found[0] < removed:
            result.setlist(key, values)
        elif found[0] > removed:
            result.setlist(f"{list_prefix}-{found[0] - 1}-{found[1]}", values)
    return result
