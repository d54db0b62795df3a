"""Drive the step editor the way a browser does: read the page's fields, change some, post them."""

from werkzeug.datastructures import MultiDict

from tests.pages import form_values

IGNORED = {"csrf_token", "action"}


def step_url(plan_id: int, key: str) -> str:
    return f"/workplans/{plan_id}/steps/{key}"


def open_step(client, plan_id: int, key: str) -> MultiDict:
    """GET a step and return its form's values."""
    response = client.get(step_url(plan_id, key))
    assert response.status_code == 200, response.status_code
    return form_values(response.data)


def post_step(client, plan_id: int, key: str, values, action: str = "save"):
    """POST a step's values with a button's action."""
    data = MultiDict(values)
    data.setlist("action", [action])
    return client.post(step_url(plan_id, key), data=data)


def fill(client, plan_id: int, key: str, changes: dict, action: str = "save") -> MultiDict:
    """Open a step, change some fields (lists replace all values of a name), save, and return what was posted."""
    values = open_step(client, plan_id, key)
    for name, value in changes.items():
        values.setlist(name, value if isinstance(value, list) else [value])
    response = post_step(client, plan_id, key, values, action)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return values


def comparable(values: MultiDict) -> dict:
    """Field values without the per-request ones, for "nothing changed" comparisons."""
    return {key: sorted(values.getlist(key)) for key in values if key not in IGNORED | {"lock_version"}}
