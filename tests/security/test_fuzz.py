"""Arbitrary text posted into the steps never causes a server error, and what is accepted round-trips."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.workplans.fields import CONTROL_CHARACTERS
from app.workplans.models import Risk, Workplan
from tests.pages import form_values
from tests.workplans.helpers import open_step, post_step

ACCEPTABLE = {200, 302, 400, 409, 413}
TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from("\u202e\u200d\u200f\u061c\U0001f600عربیবাংলা\n\r\t<>&\"'{}%\x00"), max_size=200),
    st.just("\n" * 10_000),
    st.just("😀" * 2_000),
)
FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _expected(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@FUZZ
@given(situation=TEXT, legal=TEXT)
def test_context_step_survives_any_text(client, login, demo_plan, pk_officer, situation, legal):
    login(pk_officer)
    values = open_step(client, demo_plan.id, "context")
    values["context_situation"], values["context_legal"] = situation, legal
    response = post_step(client, demo_plan.id, "context", values)
    assert response.status_code in ACCEPTABLE
    db.session.expire_all()
    plan = db.session.get(Workplan, demo_plan.id)
    if response.status_code == 302:
        assert plan.context_situation == _expected(situation)
        assert plan.context_legal == _expected(legal)
        shown = form_values(client.get(f"/workplans/{demo_plan.id}/steps/context").data)
        assert shown["context_situation"] == _expected(situation)
    else:
        refused = [
            text for text in (situation, legal) if CONTROL_CHARACTERS.search(text) or len(_expected(text)) > 10_000
        ]
        assert refused, (situation, legal)


@FUZZ
@given(owner=TEXT, mitigation=TEXT, likelihood=st.sampled_from(["", "low", "high", "nonsense", "<b>"]))
def test_risks_step_survives_any_text(client, login, demo_plan, pk_officer, owner, mitigation, likelihood):
    login(pk_officer)
    values = open_step(client, demo_plan.id, "risks")
    values["risks-0-owner"], values["risks-0-mitigation"], values["risks-0-likelihood"] = owner, mitigation, likelihood
    response = post_step(client, demo_plan.id, "risks", values)
    assert response.status_code in ACCEPTABLE
    if response.status_code == 302:
        db.session.expire_all()
        risk = db.session.get(Workplan, demo_plan.id).risks[0]
        assert isinstance(risk, Risk)
        assert risk.owner == _expected(owner) and risk.mitigation == _expected(mitigation)
