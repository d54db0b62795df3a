"""Export profiles: who a printed edition is for, and what it leaves out.

- internal: everything, for UNODC, IOM, UNICEF and HQ staff.
- donor: for the European Union. Fields an officer flagged sensitive (e.g. a shelter's location,
  contacts of victim-support services) are withheld. Budgets stay in full (the donor funds them);
  the review log stays out because it is internal deliberation between officers and HQ, but the
  list of changes since the previous revision stays in.
- public: for publication. Sensitive fields are withheld, and so are the names of people (prepared
  by, approved by), both annexes (review log and changes) and the budget of each activity; the
  budget summary by objective, output and year stays in.
"""

import copy
from dataclasses import dataclass

from app.workplans.step_data import SENSITIVE_ACTIVITY_FIELDS

WITHHELD = "[withheld in this edition]"


@dataclass(frozen=True)
class Profile:
    """One printed edition and what it shows."""

    key: str
    label: str
    audience: str
    withholds_sensitive: bool
    shows_people: bool
    shows_review_log: bool
    shows_changes: bool
    shows_activity_budgets: bool


PROFILES = {
    "internal": Profile(
        "internal",
        "Internal edition",
        "For UNODC, IOM, UNICEF and HQ staff: the complete plan.",
        False,
        True,
        True,
        True,
        True,
    ),
    "donor": Profile(
        "donor",
        "Donor edition",
        "For the European Union: sensitive details are withheld.",
        True,
        True,
        False,
        True,
        True,
    ),
    "public": Profile(
        "public",
        "Public edition",
        "For publication: sensitive details, names of people and the review annexes are left out.",
        True,
        False,
        False,
        False,
        False,
    ),
}
DEFAULT_PROFILE = "internal"


def get_profile(key: str | None) -> Profile | None:
    """Return the profile with this key (the default when empty), or None when unknown."""
    return PROFILES.get(key or DEFAULT_PROFILE)


def apply_profile(snapshot: dict, profile: Profile) -> dict:
    """Return a copy of a snapshot with what the profile leaves out replaced by a neutral marker."""
    result = copy.deepcopy(snapshot)
    if not profile.shows_people:
        result["lead_officer"] = None
    if not profile.withholds_sensitive:
        return result
    for name in result.get("sensitive_fields") or []:
        if name in result["narratives"] and result["narratives"][name]:
            result["narratives"][name] = WITHHELD
    for objective in result["objectives"]:
        for output in objective["outputs"]:
            for activity in output["activities"]:
                for name in activity.get("sensitive_fields") or []:
                    if name in SENSITIVE_ACTIVITY_FIELDS and activity.get(name):
                        activity[name] = WITHHELD
    return result
