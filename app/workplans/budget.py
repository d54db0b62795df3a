"""Budget summaries by objective, output and year, in whole euros that add up.

Rounding each cell on its own does not add up (1,499.50 and 500.50 print as 1,500 and 500 but
total 2,001 when each is rounded half-to-even, or 1,500, 501 and 2,000 half-up). So the plan's
total is rounded once, shared out over the activities in whole euros by largest remainder, and
each activity's euros are shared out over the years of its quarters the same way. Every line of
the budget summary (output, objective, year, plan) is then a sum of whole euros, and an
activity's budget in the activity plan is the same whole amount the summary adds up.
"""

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

EURO = Decimal(1)


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


def largest_remainder(amounts: list[Decimal], total: int) -> list[int]:
    """Whole numbers, each the floor or ceiling of its amount, that add up to total.

    The euros left after taking every floor go to the largest fractions; a tie goes to the earlier
    amount. total must lie between the sum of the floors and that sum plus the number of amounts.
    """
    floors = [int(amount.to_integral_value(rounding=ROUND_FLOOR)) for amount in amounts]
    left = total - sum(floors)
    if not 0 <= left <= len(amounts):
        raise ValueError("The total cannot be shared out over these amounts.")
    for index in sorted(range(len(amounts)), key=lambda i: (floors[i] - amounts[i], i))[:left]:
        floors[index] += 1
    return floors


def whole(amount: Decimal) -> int:
    """An amount rounded to whole euros, halves up."""
    return int(amount.quantize(EURO, ROUND_HALF_UP))


def activity_euros(snapshot: dict) -> dict[tuple[int, int, int], int | None]:
    """Each activity's budget in whole euros, keyed by (objective, output, activity) position; None when unset."""
    exact = {
        (o, p, a): Decimal(activity["budget_eur"])
        for o, objective in enumerate(snapshot["objectives"])
        for p, output in enumerate(objective["outputs"])
        for a, activity in enumerate(output["activities"])
        if activity.get("budget_eur") not in (None, "")
    }
    keys = list(exact)
    shares = largest_remainder([exact[key] for key in keys], whole(sum(exact.values(), Decimal(0))))
    euros: dict[tuple[int, int, int], int | None] = dict.fromkeys(
        (
            (o, p, a)
            for o, objective in enumerate(snapshot["objectives"])
            for p, output in enumerate(objective["outputs"])
            for a, _ in enumerate(output["activities"])
        ),
        None,
    )
    euros.update(zip(keys, shares, strict=True))
    return euros


def euros_by_activity_id(snapshot: dict) -> dict[int, int | None]:
    """Each activity's budget in whole euros by activity id, as the summary adds it up."""
    euros = activity_euros(snapshot)
    return {
        activity["id"]: euros[(o, p, a)]
        for o, objective in enumerate(snapshot["objectives"])
        for p, output in enumerate(objective["outputs"])
        for a, activity in enumerate(output["activities"])
    }


def by_year(euros: int, quarters: list[str], years: list[int]) -> dict[int, int]:
    """Whole euros spread over the years of the scheduled quarters, in proportion to the quarters."""
    counts = {year: 0 for year in years}
    for key in quarters:
        year = int(key[:4])
        if year in counts:
            counts[year] += 1
    scheduled = sum(counts.values())
    if not euros or not scheduled:
        return dict.fromkeys(years, 0)
    exact = [Decimal(euros) * counts[year] / scheduled for year in years]
    return dict(zip(years, largest_remainder(exact, euros), strict=True))


def _sum(rows: list[dict[int, int]], years: list[int]) -> dict[int, Decimal]:
    return {year: Decimal(sum(row[year] for row in rows)) for year in years}


def plan_budget(snapshot: dict) -> BudgetSummary:
    """The budget summary of a snapshot by objective, output and year, in whole euros that add up.

    Money of an activity without a quarter in the plan period counts in no year (as on screen).
    """
    years = list(range(snapshot["period_start"], snapshot["period_end"] + 1))
    euros = activity_euros(snapshot)
    lines, objective_rows = [], []
    for o, objective in enumerate(snapshot["objectives"]):
        output_rows, output_lines = [], []
        for p, output in enumerate(objective["outputs"]):
            row = _sum(
                [
                    by_year(euros[(o, p, a)] or 0, activity["quarters"], years)
                    for a, activity in enumerate(output["activities"])
                ],
                years,
            )
            output_rows.append(row)
            output_lines.append(BudgetLine(f"Output {objective['number']}.{p + 1}", row, "output"))
        objective_row = {year: sum((row[year] for row in output_rows), Decimal(0)) for year in years}
        objective_rows.append(objective_row)
        lines.append(BudgetLine(f"Objective {objective['number']}: {objective['title']}", objective_row, "objective"))
        lines.extend(output_lines)
    total = {year: sum((row[year] for row in objective_rows), Decimal(0)) for year in years}
    return BudgetSummary(years, lines, BudgetLine("Total", total, "total"))
