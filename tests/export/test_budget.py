"""Every printed budget table adds up: each total is the sum of the printed cells it totals."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from app.catalogue.models import Objective
from app.export.pack import pack_contents
from app.export.services import gather_print_inputs, parse_export_options, render_plan_html
from app.extensions import db
from app.workplans.budget import by_year, largest_remainder
from app.workplans.models import Activity, ActivityQuarter, LeadAgency, Output, WorkplanObjective
from tests import factories
from tests.export.pdf import page_texts

# Arithmetic of the print model: SQLite only.
sqlite_only = pytest.mark.parametrize("database_settings", ["sqlite"], indirect=True)

# (objective code, [(output, [(budget, quarters)])]): halves and thirds that round badly cell by cell.
PLAN = [
    (
        "capacity",
        [
            [("1500.50", ["2026-Q1"]), ("500.50", ["2027-Q1"])],
            [("1000.00", ["2026-Q1", "2026-Q2", "2027-Q1"]), ("2500.50", ["2026-Q3", "2027-Q3"])],
        ],
    ),
    (
        "protection",
        [
            [("0.50", ["2026-Q2"]), ("1499.50", ["2026-Q4", "2027-Q1"]), ("333.33", ["2026-Q1", "2026-Q2", "2027-Q4"])],
        ],
    ),
]


@pytest.fixture
def awkward_plan(pk_officer):
    """A plan whose activity budgets have halves and thirds of a euro."""
    workplan = factories.make_workplan("PK", "Budget plan 2026–2027", lead_officer=pk_officer)
    for priority, (code, outputs) in enumerate(PLAN, start=1):
        objective = db.session.scalar(select(Objective).where(Objective.code == code))
        item = WorkplanObjective(objective=objective, priority=priority, rationale="Needed.", outcome="Done.")
        for position, activities in enumerate(outputs, start=1):
            output = Output(position=position, statement=f"Output {code} {position}", carried_on_by="FIA")
            for number, (budget, quarters) in enumerate(activities, start=1):
                activity = Activity(
                    position=number,
                    description=f"Activity {code} {position}.{number}",
                    lead_agency=LeadAgency.UNODC,
                    location="Lahore",
                    budget_eur=Decimal(budget),
                )
                activity.quarters = [ActivityQuarter(year=int(key[:4]), quarter=int(key[-1])) for key in quarters]
                output.activities.append(activity)
            item.outputs.append(output)
        workplan.objectives.append(item)
    db.session.commit()
    return workplan


class Tables(HTMLParser):
    """The text of every cell of every table with a given class, row by row, with each row's class."""

    def __init__(self, class_name: str):
        super().__init__()
        self.class_name, self.tables, self.depth, self.cell = class_name, [], 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and self.class_name in (attrs.get("class") or "").split():
            self.depth = 1
            self.tables.append([])
        elif self.depth and tag == "tr":
            self.tables[-1].append((attrs.get("class") or "", []))
        elif self.depth and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if self.depth and tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1][1].append(" ".join(self.cell.split()))
            self.cell = None
        elif self.depth and tag == "table":
            self.depth = 0

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def tables(html: str, class_name: str) -> list[list[tuple[str, list[str]]]]:
    parser = Tables(class_name)
    parser.feed(html)
    return parser.tables


def euros(cell: str) -> int:
    """A printed amount "EUR 1,501" as 1501 (it must be printed in whole euros)."""
    match = re.fullmatch(r"EUR ([0-9,]+)", cell)
    assert match, cell
    return int(match[1].replace(",", ""))


def test_largest_remainder_keeps_the_total_and_stays_within_a_euro_of_each_amount():
    amounts = [Decimal("1500.50"), Decimal("500.50"), Decimal("0.50"), Decimal("333.33")]
    shares = largest_remainder(amounts, 2335)
    assert sum(shares) == 2335
    assert all(abs(share - amount) < 1 for share, amount in zip(shares, amounts, strict=True))
    assert by_year(1000, ["2026-Q1", "2026-Q2", "2027-Q1"], [2026, 2027]) == {2026: 667, 2027: 333}
    assert by_year(5, ["2028-Q1"], [2026, 2027]) == {2026: 0, 2027: 0}


@sqlite_only
@pytest.mark.parametrize("profile", ["internal", "public"])
def test_every_budget_total_is_the_sum_of_the_printed_cells(awkward_plan, profile):
    html = render_plan_html(gather_print_inputs(awkward_plan, parse_export_options(profile, None, None)))
    [budget] = tables(html, "budget")
    header, *body = budget
    years = header[1][1:-1]
    assert years == ["2026", "2027"]
    rows = [(kind, cells[0], [euros(cell) for cell in cells[1:]]) for kind, cells in body]

    for _, label, amounts in rows:  # across: the years add up to the row's total
        assert sum(amounts[:-1]) == amounts[-1], (label, amounts)
    objectives = [row for row in rows if row[0] == "level-objective"]
    for index, (_, label, amounts) in enumerate(rows):  # down: the outputs add up to their objective
        if _ == "level-objective":
            outputs = []
            for kind, _, output_amounts in rows[index + 1 :]:
                if kind != "level-output":
                    break
                outputs.append(output_amounts)
            assert [sum(column) for column in zip(*outputs, strict=True)] == amounts, label
    [(_, total_label, total)] = [row for row in rows if row[1] == "Total"]
    assert [sum(column) for column in zip(*(row[2] for row in objectives), strict=True)] == total
    # The plan's total is its exact total (EUR 7,334.83) rounded once.
    assert total[-1] == 7335

    if profile == "internal":  # the activity plan prints the amounts the summary adds up
        [activity_plan] = tables(html, "activities")
        outputs_printed = {row[1]: row[2][-1] for row in rows if row[0] == "level-output"}
        by_output: dict[str, int] = {}
        output = None
        for _, cells in activity_plan[2:]:
            if cells[0].startswith("Output "):
                output = cells[0].split(":")[0]
            elif re.fullmatch(r"[0-9.]+", cells[0]):
                by_output[output] = by_output.get(output, 0) + euros(cells[-2])
        assert by_output == outputs_printed


@sqlite_only
def test_the_meeting_pack_prints_the_same_total_as_the_plan(awkward_plan):
    inputs = gather_print_inputs(awkward_plan, parse_export_options("internal", None, None))
    contents = pack_contents([awkward_plan], [inputs], "internal")
    assert contents["countries"][0]["plans"][0]["total_budget"] == "7335"


@sqlite_only
def test_the_printed_budget_page_adds_up(awkward_plan, pk_officer, sign_in):
    data = sign_in(pk_officer).get(f"/workplans/{awkward_plan.id}/export.pdf").data
    page = next(text for text in page_texts(data) if "7. Budget summary" in text and "Total" in text)
    line = next(line for line in page.splitlines() if line.startswith("Total"))
    assert re.findall(r"EUR [0-9,]+", line) == ["EUR 4,391", "EUR 2,944", "EUR 7,335"]


@sqlite_only
def test_the_budget_on_the_plan_page_adds_up_as_printed(awkward_plan, pk_officer, sign_in):
    html = sign_in(pk_officer).get(f"/workplans/{awkward_plan.id}/").get_data(as_text=True)
    [budget] = tables(html, "budget-table")
    rows = {cells[0]: [euros(cell) for cell in cells[1:]] for _, cells in budget[1:]}
    for label, amounts in rows.items():
        assert sum(amounts[:-1]) == amounts[-1], (label, amounts)
    assert rows["Total"] == [4391, 2944, 7335]
    outputs = sum(amounts[-1] for label, amounts in rows.items() if label.startswith("Output"))
    [activity_table] = tables(html, "activity-table")
    activities = sum(euros(cells[-2]) for _, cells in activity_table if cells and cells[-2].startswith("EUR"))
    assert outputs == activities == 7335
