"""Feature packages depend on each other in one direction only: no import cycle between packages.

The graph is read from the source (the AST of every module under app/), so an import inside a
function counts like one at the top: it still ties the two packages together, it only hides the
cycle until run time. Imports under `if TYPE_CHECKING:` are left out: they never run and serve
only the type annotations.

A package is a folder under app/ (app.review) or a module directly in app/ (app.permissions);
app/__init__.py (the factory) is the package "app".
"""

import ast
from collections import defaultdict
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Imports(ast.NodeVisitor):
    """Every module an app module imports, wherever the import statement stands."""

    def __init__(self, module: str, is_package: bool, modules: set[str]):
        self.module, self.is_package, self.modules = module, is_package, modules
        self.found: list[str] = []

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            for statement in node.orelse:
                self.visit(statement)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.found += [alias.name for alias in node.names]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.module.split(".")
            base = base if self.is_package else base[:-1]
            base = base[: len(base) - node.level + 1]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module
        # `from app import database` imports the module app.database, not just the package.
        submodules = [f"{source}.{alias.name}" for alias in node.names if f"{source}.{alias.name}" in self.modules]
        self.found += submodules or [source]


def import_graph() -> dict[str, dict[str, set[str]]]:
    """Package → imported package → the modules of the first package that import it."""
    files = {_module_name(path): path for path in sorted(APP.rglob("*.py"))}
    graph: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for module, path in files.items():
        visitor = _Imports(module, path.name == "__init__.py", set(files))
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        for target in visitor.found:
            if target == "app" or target.startswith("app."):
                source_package, target_package = _package(module), _package(target)
                if source_package != target_package:
                    graph[source_package][target_package].add(module)
    return graph


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The shortest cycle (a closed path) through each package that is part of one, each cycle once."""
    cycles: list[list[str]] = []
    for start in sorted(edges):
        cycle = _shortest_cycle(start, edges)
        if cycle and not any(set(cycle) == set(known) and len(cycle) == len(known) for known in cycles):
            cycles.append(cycle)
    return cycles


def _shortest_cycle(start: str, edges: dict[str, set[str]]) -> list[str] | None:
    """The shortest path from a package back to itself, breadth first; None when there is none."""
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop(0)
        for target in sorted(edges.get(path[-1], ())):
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                paths.append([*path, target])
    return None


def _describe(cycle: list[str], graph) -> str:
    steps = [
        f"  {source} -> {target} ({', '.join(sorted(graph[source][target]))})"
        for source, target in zip(cycle, cycle[1:], strict=False)
    ]
    return " -> ".join(cycle) + "\n" + "\n".join(steps)


def test_no_import_cycle_between_packages():
    graph = import_graph()
    cycles = find_cycles({source: set(targets) for source, targets in graph.items()})
    assert not cycles, "Packages that import each other:\n" + "\n".join(_describe(cycle, graph) for cycle in cycles)


def test_the_graph_sees_imports_at_the_top_and_inside_functions():
    graph = import_graph()
    assert "app.review.workflow" in graph["app.review"]["app.workplans"]
    # create_app() imports every feature's routes inside its register_* functions.
    assert {"app.auth", "app.review", "app.workplans", "app.export", "app.admin"} <= set(graph["app"])


def test_a_cycle_is_found_and_named():
    edges = {"app.a": {"app.b"}, "app.b": {"app.c"}, "app.c": {"app.a", "app.d"}, "app.d": set()}
    assert find_cycles(edges) == [["app.a", "app.b", "app.c", "app.a"]]
    two = {"app.a": {"app.b", "app.c"}, "app.b": {"app.a"}, "app.c": {"app.a"}}
    assert find_cycles(two) == [["app.a", "app.b", "app.a"], ["app.c", "app.a", "app.c"]]
    assert find_cycles({"app.a": {"app.b"}, "app.b": set()}) == []
