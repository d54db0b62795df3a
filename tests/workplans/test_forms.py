"""What is needed to continue is checked only when a step form is validated with strict=True."""

from werkzeug.datastructures import MultiDict

from app.workplans.forms import ObjectivesForm

PICKED_WITHOUT_RATIONALE = MultiDict({"objectives-0-objective_id": "1", "objectives-0-picked": "y"})


def _objectives(formdata: MultiDict) -> ObjectivesForm:
    return ObjectivesForm(formdata=formdata, meta={"csrf": False})


def test_a_plain_save_keeps_what_continuing_asks_for_down_to_the_nested_rows(app):
    with app.test_request_context(method="POST"):
        form = _objectives(PICKED_WITHOUT_RATIONALE)
        assert form.validate()
        assert not form.validate(strict=True)
        assert form.objectives[0].rationale.errors == ["Give a rationale for each objective you include."]
        # Strictness belongs to the call: the next plain validation is lenient again.
        assert form.validate()
        assert form.objectives[0].rationale.errors == []


def test_continuing_asks_for_at_least_one_objective(app):
    with app.test_request_context(method="POST"):
        form = _objectives(MultiDict({"objectives-0-objective_id": "1"}))
        assert form.validate()
        assert not form.validate(strict=True)
        assert form.objectives.errors == ["Include at least one objective."]
