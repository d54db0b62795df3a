"""Review's parts of the plan pages: each listed plan's standing, the overview's panel, each step's comments."""

from app.review.context import review_context, step_review_context
from app.review.queries import plan_standings
from app.workplans.panels import PlanPanels

REVIEW_PANELS = PlanPanels(
    listing=lambda workplans: {"standings": plan_standings(workplans)},
    overview=review_context,
    step=step_review_context,
)
