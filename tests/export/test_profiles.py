"""Donor and public editions leave out what officers flagged sensitive; the cover says which edition it is."""

import pytest

from app.export.profiles import PROFILES, WITHHELD, apply_profile
from app.export.services import gather_print_inputs, parse_export_options, render_plan_html
from app.extensions import db
from app.workplans.snapshots import snapshot_workplan
from tests import factories
from tests.export.pdf import page_texts, squash

# The printed result does not depend on the database backend: SQLite only.
pytestmark = pytest.mark.parametrize("database_settings", ["sqlite"], indirect=True)

SHELTER = "Safe house, 12 Garden Road, Lahore"


def html_for(workplan, profile, annexes="1"):
    return render_plan_html(gather_print_inputs(workplan, parse_export_options(profile, None, annexes)))


@pytest.fixture
def flagged_plan(small_plan, hq_user):
    small_plan.context_gaps = "Shelter contacts: +92 300 0000000"
    small_plan.sensitive_fields = ["context_gaps"]
    factories.make_comment(small_plan, hq_user, "Check the shelter list.", section="context")
    db.session.commit()
    return small_plan


def test_a_sensitive_location_prints_only_in_the_internal_edition(flagged_plan, pk_officer, sign_in):
    client = sign_in(pk_officer)
    pages = {
        profile: page_texts(client.get(f"/workplans/{flagged_plan.id}/export.pdf?profile={profile}").data)
        for profile in PROFILES
    }
    printed = {profile: squash("".join(texts)) for profile, texts in pages.items()}
    assert squash(SHELTER) in printed["internal"]
    assert "Internal edition" in pages["internal"][0]
    for profile in ("donor", "public"):
        assert squash(SHELTER) not in printed[profile]
        assert squash("+92 300 0000000") not in printed[profile]
        assert squash(WITHHELD) in printed[profile]
        assert PROFILES[profile].label in pages[profile][0]


def test_the_donor_edition_keeps_budgets_and_changes_but_not_the_review_log(flagged_plan):
    html = html_for(flagged_plan, "donor")
    assert "EUR 25,000" in html
    assert "Changes since the previous revision" in html
    assert "Check the shelter list." not in html
    assert "Review log" not in html
    assert "off.pk" in html


def test_the_public_edition_leaves_out_names_annexes_and_activity_budgets(flagged_plan):
    html = html_for(flagged_plan, "public")
    assert "off.pk" not in html
    assert "The GLO.ACT country team" in html
    assert "Review log" not in html and "Changes since the previous revision" not in html
    assert "Budget (EUR)" not in html
    assert "EUR 25,000" in html  # the budget summary by objective, output and year stays


def test_the_internal_edition_has_everything(flagged_plan):
    html = html_for(flagged_plan, "internal")
    assert SHELTER in html and "+92 300 0000000" in html
    assert "Check the shelter list." in html
    assert WITHHELD not in html


def test_annexes_can_be_left_out(flagged_plan):
    html = html_for(flagged_plan, "internal", annexes="0")
    assert "Review log" not in html and "Changes since the previous revision" not in html


def test_profiles_withhold_narratives_and_activity_fields_in_a_copy(flagged_plan):
    snapshot = snapshot_workplan(flagged_plan)
    donor = apply_profile(snapshot, PROFILES["donor"])
    activity = donor["objectives"][0]["outputs"][0]["activities"][0]
    assert activity["location"] == WITHHELD
    assert activity["description"] == "Train investigators in Lahore"
    assert donor["narratives"]["context_gaps"] == WITHHELD
    assert donor["narratives"]["summary"] == "A short plan."
    assert snapshot["narratives"]["context_gaps"] == "Shelter contacts: +92 300 0000000"
    assert apply_profile(snapshot, PROFILES["public"])["lead_officer"] is None
