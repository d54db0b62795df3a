"""The catalogue seeds: complete, idempotent, and safe to edit."""

import re
import shutil

import pytest
from sqlalchemy import func, select

from app.catalogue.models import Country, Objective, Partner, Recommendation, Theme
from app.catalogue.seeding import SEEDS_DIR, seed_catalogue
from app.errors import InvalidSeed
from app.extensions import db
from app.workplans.models import Lesson
from tests import factories

SOURCE = SEEDS_DIR / "source" / "cop-workshop-conclusions-2019.txt"
THEME_HEADINGS = {
    "Context": "context",
    "Strong Partnerships and Ownerships": "partnerships",
    "Design and Planning": "design",
    "Approach": "approach",
    "Feedback": "feedback",
    "Impact": "impact",
}


def _normalise(text: str) -> str:
    """Drop markdown link targets and fold white space, as the seed loader does."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(text.split())


def source_bullets() -> list[tuple[str, str]]:
    """Return (theme code, bullet text) for every bullet under RECOMMENDATIONS in the source."""
    lines = SOURCE.read_text(encoding="utf-8").split("RECOMMENDATIONS", 1)[1].splitlines()
    bullets, theme = [], None
    for line in lines:
        stripped = line.strip()
        if stripped in THEME_HEADINGS:
            theme = THEME_HEADINGS[stripped]
        elif stripped.startswith("- ") and theme:
            bullets.append((theme, _normalise(stripped[2:])))
    return bullets


def table_counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Country, Objective, Theme, Recommendation, Partner)
    }


def test_every_source_bullet_is_in_the_catalogue_under_its_theme(catalogue):
    bullets = source_bullets()
    assert len(bullets) == 16
    stored = {(rec.theme.code, rec.text) for rec in db.session.scalars(select(Recommendation))}
    for theme_code, text in bullets:
        assert (theme_code, text) in stored, f"missing under {theme_code}: {text}"
    assert len(stored) == len(bullets)


def test_catalogue_has_the_six_objectives_and_the_new_partner_countries(catalogue):
    objectives = db.session.scalars(select(Objective).order_by(Objective.number)).all()
    assert [o.number for o in objectives] == [1, 2, 3, 4, 5, 6]
    assert objectives[4].code == "protection"
    codes = set(db.session.scalars(select(Country.code)))
    assert {"AF", "IR", "IQ", "PK", "BD"} <= codes


def test_every_recommendation_is_shown_at_some_step(catalogue):
    for rec in db.session.scalars(select(Recommendation)):
        assert rec.steps, rec.code


def test_seeding_twice_changes_nothing(catalogue):
    before = table_counts()
    snapshot = [(r.id, r.code, r.text, r.label, r.steps) for r in db.session.scalars(select(Recommendation))]
    report = seed_catalogue()
    db.session.commit()
    assert not report.changed_anything
    assert table_counts() == before
    assert [(r.id, r.code, r.text, r.label, r.steps) for r in db.session.scalars(select(Recommendation))] == snapshot


def test_editing_a_recommendation_wording_keeps_links_to_it(catalogue, tmp_path):
    workplan = factories.make_workplan("PK")
    rec = db.session.scalar(select(Recommendation).where(Recommendation.code == "CTX-1"))
    workplan.lessons.append(Lesson(recommendation=rec, how_applied="Assessment in Q1"))
    db.session.commit()
    rec_id = rec.id

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    path = seeds / "recommendations.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "The importance of gaps and needs assessments", "The great importance of gaps and needs assessments"
        ),
        encoding="utf-8",
    )
    report = seed_catalogue(seeds)
    db.session.commit()
    assert report.updated == {"recommendations": 1}
    db.session.expire_all()
    updated = db.session.get(Recommendation, rec_id)
    assert updated.text.startswith("The great importance")
    assert workplan.lessons[0].recommendation_id == rec_id


def test_a_malformed_seed_file_is_refused_with_its_name(app, tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    (seeds / "countries.yaml").write_text("countries: {code: AF}\n", encoding="utf-8")
    with pytest.raises(InvalidSeed, match="countries.yaml"):
        seed_catalogue(seeds)


def test_an_unknown_enum_value_is_refused(app, tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    path = seeds / "countries.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("phase: phase1}", "phase: phase9}", 1), encoding="utf-8")
    with pytest.raises(InvalidSeed):
        seed_catalogue(seeds)
