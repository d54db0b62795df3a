"""Load the catalogue from seeds/*.yaml, upserting by natural key (idempotent)."""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select

from app.catalogue.models import Country, Objective, Partner, PartnerType, Phase, Recommendation, Theme
from app.errors import InvalidSeed
from app.extensions import db
from app.plan_sections import STEP_KEYS

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
STEP_KEYS_FOR_GUIDANCE = set(STEP_KEYS)


@dataclass
class SeedReport:
    """How many catalogue rows a seed run created and changed."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool, changed: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


def read_seed(name: str, top_key: str, seeds_dir: Path = SEEDS_DIR) -> list[dict]:
    """Return the list under top_key in seeds/<name>.yaml; raises InvalidSeed if malformed."""
    path = seeds_dir / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise InvalidSeed(f"{path.name}: cannot read: {error}") from error
    items = data.get(top_key) if isinstance(data, dict) else None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise InvalidSeed(f"{path.name}: expected a list of mappings under '{top_key}'")
    return items


def _require(item: dict, keys: tuple[str, ...], where: str) -> None:
    missing = [key for key in keys if item.get(key) in (None, "")]
    if missing:
        raise InvalidSeed(f"{where}: missing {', '.join(missing)} in {item!r}")


def _upsert(model, natural_key: dict, values: dict, report: SeedReport):
    """Insert or update one row found by its natural key; return the row."""
    row = db.session.scalar(select(model).filter_by(**natural_key))
    created = row is None
    if created:
        row = model(**natural_key)
        db.session.add(row)
    changed = False
    for attribute, value in values.items():
        if getattr(row, attribute) != value:
            setattr(row, attribute, value)
            changed = True
    report.count(model.__tablename__, created, changed)
    return row


def seed_catalogue(seeds_dir: Path = SEEDS_DIR) -> SeedReport:
    """Upsert countries, objectives, themes, recommendations and partners; flushes, never commits.

    Raises InvalidSeed when a file is malformed or names an unknown value.
    """
    try:
        return _seed_catalogue(seeds_dir)
    except (ValueError, TypeError, KeyError) as error:
        raise InvalidSeed(f"invalid seed value: {error}") from error


def _seed_catalogue(seeds_dir: Path) -> SeedReport:
    report = SeedReport()
    countries = {}
    for item in read_seed("countries", "countries", seeds_dir):
        _require(item, ("code", "name", "phase"), "countries.yaml")
        code = str(item["code"]).upper()
        countries[code] = _upsert(
            Country, {"code": code}, {"name": item["name"], "phase": Phase(item["phase"])}, report
        )

    for item in read_seed("objectives", "objectives", seeds_dir):
        _require(item, ("code", "number", "title"), "objectives.yaml")
        values = {
            "number": int(item["number"]),
            "title": item["title"],
            "description": item.get("description", ""),
            "lead_agencies": item.get("lead_agencies", ""),
        }
        _upsert(Objective, {"code": item["code"]}, values, report)

    for position, theme_item in enumerate(read_seed("recommendations", "themes", seeds_dir), start=1):
        _require(theme_item, ("code", "title", "recommendations"), "recommendations.yaml")
        theme = _upsert(
            Theme, {"code": theme_item["code"]}, {"title": theme_item["title"], "position": position}, report
        )
        db.session.flush()
        for rec_position, rec in enumerate(theme_item["recommendations"], start=1):
            _require(rec, ("code", "label", "text", "steps"), f"recommendations.yaml theme {theme.code}")
            unknown = set(rec["steps"]) - STEP_KEYS_FOR_GUIDANCE
            if unknown:
                raise InvalidSeed(f"recommendations.yaml {rec['code']}: unknown steps {sorted(unknown)}")
            values = {
                "theme_id": theme.id,
                "position": rec_position,
                "label": rec["label"],
                "text": " ".join(rec["text"].split()),
                "steps": list(rec["steps"]),
            }
            _upsert(Recommendation, {"code": rec["code"]}, values, report)

    db.session.flush()
    for item in read_seed("partners", "partners", seeds_dir):
        _require(item, ("name", "type"), "partners.yaml")
        country_code = item.get("country")
        if country_code and country_code not in countries:
            raise InvalidSeed(f"partners.yaml {item['name']}: unknown country {country_code}")
        values = {
            "short_name": item.get("short_name") or "",
            "type": PartnerType(item["type"]),
            "country_id": countries[country_code].id if country_code else None,
        }
        _upsert(Partner, {"name": item["name"]}, values, report)
    db.session.flush()
    return report
