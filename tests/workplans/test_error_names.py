"""Validation summaries name repeated items as the step page heads them ("Output 5.1", not "Outputs 1")."""

from tests.pages import text_of
from tests.workplans.helpers import open_step, post_step


def test_a_results_error_names_the_output_as_the_page_does(demo_plan, pk_officer, sign_in):
    officer = sign_in(pk_officer)
    last = len(demo_plan.objectives) - 1
    number = demo_plan.objectives[last].objective.number
    values = open_step(officer, demo_plan.id, "results")
    values[f"objectives-{last}-outputs-0-statement"] = "Bad\x01text"
    values[f"objectives-{last}-outputs-0-indicators-0-description"] = "Also\x02bad"
    response = post_step(officer, demo_plan.id, "results", values)
    assert response.status_code == 200
    page = text_of(response.data)
    assert f'href="#objectives-{last}-outputs-0-statement">Output {number}.1: ' in page
    assert f'href="#objectives-{last}-outputs-0-indicators-0-description">Indicator {number}.1.1: ' in page
    assert "Outputs 1" not in page and "Objectives " not in page


def test_an_activities_error_names_the_activity_as_the_page_does(demo_plan, pk_officer, sign_in):
    officer = sign_in(pk_officer)
    output = demo_plan.outputs[0]
    code = f"{output.workplan_objective.objective.number}.{output.position}"
    values = open_step(officer, demo_plan.id, "activities")
    values["outputs-0-activities-0-budget_eur"] = "a lot"
    response = post_step(officer, demo_plan.id, "activities", values)
    assert response.status_code == 200
    page = text_of(response.data)
    assert f'href="#outputs-0-activities-0-budget_eur">Activity {code}.1: ' in page
    assert "Activities 1" not in page
