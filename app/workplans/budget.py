"""Budget summaries by objective, output and year."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from app.workplans.models import Activity, Workplan

CENT = Decimal("0.01")


def activity_budget_by_year(activity: Activity, years: list[int]) -> dict[int, Decimal]:
    """Spread an activity's budget over the years of its quarters, in proportion to the quarters."""
    amount = activity.budget_eur or Decimal(0)
    quarters = [q for q in activity.quarters if q.year in years]
    shares = {year: Decimal(0) for year in years}
    if not quarters or not amount:
        return shares
    per_quarter = amount / len(quarters)
    for q in quarters:
        shares[q.year] += per_quarter
    rounded = {year: value.quantize(CENT, ROUND_HALF_UP) for year, value in shares.items()}
    # Keep the cents exact: the last scheduled year takes the rounding difference.
    last_year = max(q.year for q in quarters)
    rounded[last_year] += amount - sum(rounded.values())
    return rounded


@dataclass
class BudgetLine:
    """A labelled row of the summary with an amount per year and a total."""

    label: str
    by_year: dict[int, Decimal]
    level: str
    total: Decimal = field(init=False)

    def __post_init__(self):
        self.total = sum(self.by_year.values(), Decimal(0))


@dataclass
class BudgetSummary:
    """Rows for each objective and its outputs, and the plan total per year."""

    years: list[int]
    lines: list[BudgetLine]
    total: BudgetLine


def _add(into: dict[int, Decimal], more: dict[int, Decimal]) -> None:
    for year, value in more.items():
        into[year] = into.get(year, Decimal(0)) + value


def budget_summary(workplan: Workplan) -> BudgetSummary:
    """Sum activity budgets per output, objective and year; unscheduled money counts in no year."""
    years = workplan.years
    lines, plan_total = [], {year: Decimal(0) for year in years}
    for item in workplan.objectives:
        objective_total = {year: Decimal(0) for year in years}
        output_lines = []
        for number, output in enumerate(item.outputs, start=1):
            output_total = {year: Decimal(0) for year in years}
            for activity in output.activities:
                _add(output_total, activity_budget_by_year(activity, years))
            output_lines.append(BudgetLine(f"Output {item.objective.number}.{number}", output_total, "output"))
            _add(objective_total, output_total)
        lines.append(BudgetLine(f"Objective {item.objective.number}: {item.objective.title}", objective_total, "objective"))
        lines.extend(output_lines)
        _add(plan_total, objective_total)
    return BudgetSummary(years, lines, BudgetLine("Total", plan_total, "total"))
