"""The plan-sections registry: every content field of the plan's models is in a section, and only real ones."""

import pytest
from sqlalchemy import inspect

from app import plan_sections
from app.plan_sections import ITEM_KINDS, NOT_CONTENT, SECTIONS, STEP_KEYS, STEP_PAGES
from app.workplans import models

PLAN_MODELS = {
    "Workplan": models.Workplan,
    **{kind.model: getattr(models, kind.model) for kind in ITEM_KINDS.values()},
}


def _attributes(model) -> set[str]:
    mapper = inspect(model)
    return {column.key for column in mapper.column_attrs} | {relation.key for relation in mapper.relationships}


def _registry_fields(model_name: str) -> set[str]:
    if model_name == "Workplan":
        return {field.name for section in SECTIONS for field in section.fields}
    return {field.name for kind in ITEM_KINDS.values() if kind.model == model_name for field in kind.fields}


@pytest.mark.parametrize("model_name", sorted(PLAN_MODELS))
def test_every_content_attribute_is_in_a_section(model_name):
    attributes = _attributes(PLAN_MODELS[model_name])
    missing = attributes - _registry_fields(model_name) - NOT_CONTENT[model_name]
    assert not missing, f"{model_name} fields in no section of app/plan_sections.py: {sorted(missing)}"


@pytest.mark.parametrize("model_name", sorted(PLAN_MODELS))
def test_every_registry_field_exists_on_its_model(model_name):
    attributes = _attributes(PLAN_MODELS[model_name])
    unknown = (_registry_fields(model_name) | NOT_CONTENT[model_name]) - attributes
    assert not unknown, f"app/plan_sections.py names {model_name} fields that do not exist: {sorted(unknown)}"


def test_a_field_is_either_content_or_bookkeeping():
    for model_name in PLAN_MODELS:
        assert not _registry_fields(model_name) & NOT_CONTENT[model_name]


def test_sections_list_only_known_item_fields():
    for section in SECTIONS:
        for kind, names in section.items:
            known = {field.name for field in ITEM_KINDS[kind].fields}
            assert set(names) <= known, (section.key, kind, set(names) - known)


def test_every_item_field_is_shown_in_some_section():
    shown = {(kind, name) for section in SECTIONS for kind, names in section.items for name in names}
    for kind in ITEM_KINDS.values():
        for field in kind.fields:
            assert (kind.key, field.name) in shown, (kind.key, field.name)


def test_keys_and_steps_are_consistent():
    keys = [section.key for section in SECTIONS]
    assert len(keys) == len(set(keys))
    assert len(STEP_KEYS) == len(set(STEP_KEYS))
    for section in SECTIONS:
        assert section.step is None or section.step in STEP_KEYS, section.key
    for page in STEP_PAGES:
        assert set(page.sections) <= set(keys), page.key


def test_each_section_title_is_unique():
    titles = [section.title for section in SECTIONS]
    assert len(titles) == len(set(titles))


def test_the_step_registry_follows_the_pages():
    from app.workplans.steps import STEPS

    assert [step.key for step in STEPS] == list(STEP_KEYS)
    assert [step.title for step in STEPS] == [page.title for page in STEP_PAGES]


def test_readiness_phrases_read_as_plain_language():
    assert plan_sections.readiness_phrase(plan_sections.plan_field("context_legal")) == "the legal and policy framework"
    assert plan_sections.readiness_phrase(plan_sections.plan_field("toc_if")) == "the national theory of change: IF"


def _labels() -> set[str]:
    """Section titles and the labels of the plan's own texts."""
    return {section.title for section in SECTIONS} | {
        field.label for section in SECTIONS for field in section.fields if field.kind == "text"
    }


def test_section_titles_and_text_labels_are_written_in_the_registry_only():
    import ast
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    labels = _labels()
    restated = []
    for path in (root / "app").rglob("*.py"):
        if path.name == "plan_sections.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in labels:
                restated.append(f"{path.relative_to(root)}:{node.lineno}: {node.value}")
    for path in (root / "templates").rglob("*.html"):
        text = re.sub(r"{#.*?#}", "", path.read_text(encoding="utf-8"), flags=re.S)
        for label in labels:
            if re.search(rf">\s*{re.escape(label)}\s*<", text):
                restated.append(f"{path.relative_to(root)}: {label}")
    assert not restated, "Labels restated outside app/plan_sections.py:\n" + "\n".join(restated)
