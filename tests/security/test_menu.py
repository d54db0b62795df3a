"""The main menu offers each role exactly the pages its access rules let it open."""

import re

import pytest

MENU_LINKS = {
    "Review queue": "/review/",
    "Dashboard": "/review/dashboard",
    "Meeting pack": "/review/pack",
    "Administration": "/admin/",
}
SHOWN = {
    "off_iq": set(),
    "hq": {"Review queue", "Dashboard", "Meeting pack"},
    "admin": {"Dashboard", "Administration"},
}


def _menu(page: str) -> set[str]:
    nav = re.search(r'<nav class="site-nav".*?</nav>', page, re.S).group(0)
    return {label for label, path in MENU_LINKS.items() if f'href="{path}"' in nav}


@pytest.mark.parametrize("role", sorted(SHOWN))
def test_the_menu_shows_a_role_the_pages_it_may_open_and_no_other(role, users, sign_in):
    client = sign_in(users[role])
    shown = _menu(client.get("/workplans/").get_data(as_text=True))
    assert shown == SHOWN[role]
    for label, path in MENU_LINKS.items():
        assert (client.get(path).status_code == 200) == (label in shown), label


def test_the_account_list_says_who_sees_every_country(users, sign_in):
    page = sign_in(users["admin"]).get("/admin/users/").get_data(as_text=True)
    rows = {
        email: row
        for row in re.findall(r"<tr>.*?</tr>", page, re.S)
        for email in re.findall(r"[\w.]+@example\.org", row)
    }
    assert "All countries" in rows["hq@example.org"] and "All countries" in rows["admin@example.org"]
    assert "All countries" not in rows["off.iq@example.org"] and "Iraq" in rows["off.iq@example.org"]
