"""What features built on plans add to the plan pages, so that the plans package never imports them.

Review adds the standing of each listed plan, its panel on a plan's overview (actions, comments,
history) and the open comments of each step page; create_app() registers them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

from app.auth.models import User
from app.workplans.models import Workplan

EXTENSION = "plan_panels"


@dataclass(frozen=True)
class PlanPanels:
    """Functions that return more values for the templates of the plan pages."""

    listing: Callable[[list[Workplan]], dict]
    # The plan, the reader and the anchor a "Comment" link chose (?about=), if any.
    overview: Callable[[Workplan, User, str | None], dict]
    step: Callable[[Workplan, User, str], dict]


def register_panels(app: Flask, panels: PlanPanels) -> None:
    """Show these panels on the plan pages of this app."""
    app.extensions[EXTENSION] = panels


def plan_panels() -> PlanPanels:
    """The panels registered for the current app."""
    return current_app.extensions[EXTENSION]
