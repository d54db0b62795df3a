"""Names of a step form's repeated entries as the step page heads them ("Output 5.1", "Risk 2")."""

from app.plan_sections import item_name


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def entry_names(form, lookups: dict) -> dict[str, str]:
    """Each repeated entry's id mapped to its name on the page, for error summaries that point at it."""
    names: dict[str, str] = {}
    if "objectives" in form:
        for index, entry in enumerate(form.objectives):
            sub = entry.form
            if "workplan_objective_id" in sub:
                item = lookups["workplan_objectives"].get(_as_int(sub.workplan_objective_id.data))
                number = item.objective.number if item else index + 1
                names[entry.id] = item_name("objective", str(number))
                for j, output in enumerate(sub.outputs, start=1):
                    names[output.id] = item_name("output", f"{number}.{j}")
                    for k, indicator in enumerate(output.form.indicators, start=1):
                        names[indicator.id] = item_name("indicator", f"{number}.{j}.{k}")
            else:
                objective = lookups["objectives"].get(_as_int(sub.objective_id.data))
                names[entry.id] = item_name("objective", str(objective.number if objective else index + 1))
    if "outputs" in form:
        for entry in form.outputs:
            output = lookups["outputs"].get(_as_int(entry.form.output_id.data))
            if output is None:
                continue
            code = f"{output.workplan_objective.objective.number}.{output.position}"
            names[entry.id] = item_name("output", code)
            if "activities" in entry.form:
                for k, activity in enumerate(entry.form.activities, start=1):
                    names[activity.id] = item_name("activity", f"{code}.{k}")
    if "risks" in form:
        for number, entry in enumerate(form.risks, start=1):
            names[entry.id] = item_name("risk", str(number))
    if "lessons" in form:
        for entry in form.lessons:
            recommendation = lookups["recommendations"].get(_as_int(entry.form.recommendation_id.data))
            if recommendation is not None:
                names[entry.id] = item_name("lesson", f"“{recommendation.label}”")
    return names
