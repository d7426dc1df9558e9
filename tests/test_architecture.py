"""The architecture's rules, read from the code: no import cycle between modules or between
apps, the shared kernel (``core``) imports no app, nothing imports the composition root
(``geoportal``), ``layers`` imports no app built on it, and no module is over 400 lines.

Imports are read with ``ast``, those inside functions too: a lazy import is still a cycle of
knowledge. ``tests/`` and ``bench/`` are left out of the import rules (not of the size rule);
migrations are left out of both (history, imported by nothing; as
``../shared/tools/import_cycles.py`` does). No database: these tests read files only.
"""

import ast
import os
from collections import deque
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Folders that are not the project's code (a venv, npm's packages, collected static files,
# run-time state) or are not its application code (tests and benchmarks: size rule only).
NOT_CODE = {".git", ".venv", "node_modules", "staticfiles", "run", "__pycache__"}
NOT_APPS = {"tests", "bench", "docs", "scripts", "locale"}
KNOWN_APPS = {"apikeys", "core", "feedback", "geoportal", "importers", "layers", "logins", "tiles"}
KERNEL = "core"
COMPOSITION_ROOT = "geoportal"
ENTRY_POINTS = {"manage"}  # besides geoportal's own modules (settings, urls, wsgi)
ABOVE_LAYERS = {"tiles", "importers", "feedback"}
MAX_LINES = 400

Imports = dict[str, dict[str, int]]  # module -> {module it imports: line of the first import}


def project_packages() -> list[str]:
    """The top-level packages of the application (one per app, plus the kernel and the root)."""
    return sorted(
        p.parent.name
        for p in ROOT.glob("*/__init__.py")
        if p.parent.name not in NOT_APPS | NOT_CODE and not p.parent.name.startswith(".")
    )


def module_files() -> dict[str, Path]:
    """Every module of the application by dotted name (``manage`` too), migrations left out."""
    modules = {"manage": ROOT / "manage.py"}
    for package in project_packages():
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts or NOT_CODE.intersection(parts):
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def resolve(name: str, modules: set[str] | dict[str, Path]) -> str | None:
    """The project module that ``import name`` loads last (``a.b.c`` -> ``a.b`` when ``c`` is
    a name inside it); None for the standard library and third-party packages."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(source: str, module: str, is_package: bool, modules: set[str]) -> dict[str, int]:
    """The project modules ``module`` imports, anywhere in its source (at the top, inside
    functions, under ``if TYPE_CHECKING``, by ``importlib.import_module("...")``), each with
    the line of its first import."""
    package = module if is_package else module.rpartition(".")[0]
    found: dict[str, int] = {}

    def add(name: str, line: int) -> None:
        target = resolve(name, modules)
        if target is not None and target != module:
            found.setdefault(target, line)

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                # ``from a import b``: the module a.b when there is one, else a itself.
                submodule = f"{base}.{alias.name}"
                add(submodule if submodule in modules else base, node.lineno)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            add(node.args[0].value, node.lineno)
    return found


def import_graph() -> tuple[Imports, dict[str, Path]]:
    """Who imports whom among the application's modules, and where each module lives."""
    files = module_files()
    names = set(files)
    graph = {
        module: imports_of(
            path.read_text(encoding="utf-8"), module, path.name == "__init__.py", names
        )
        for module, path in files.items()
    }
    return graph, files


def app_of(module: str) -> str:
    """The top-level package a module belongs to."""
    return module.partition(".")[0]


def app_graph(graph: Imports) -> Imports:
    """Who imports whom among the apps (the first import line of one module kept as a hint)."""
    apps: Imports = {}
    for module, targets in graph.items():
        for target, line in targets.items():
            if app_of(target) != app_of(module):
                apps.setdefault(app_of(module), {}).setdefault(app_of(target), line)
    return apps


def strongly_connected(graph: Imports) -> list[list[str]]:
    """The groups of nodes that reach each other (Tarjan's algorithm, without recursion);
    only groups of two or more: each is at least one cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph.get(target, ())))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return sorted(groups)


def shortest_cycle(graph: Imports, group: list[str]) -> list[str]:
    """One shortest cycle through the group's first node, staying inside the group."""
    first, members = group[0], set(group)
    came_from: dict[str, str] = {}
    queue = deque([first])
    while queue:
        node = queue.popleft()
        for target in sorted(graph.get(node, ())):
            if target not in members:
                continue
            if target == first:
                path = [node]
                while path[-1] != first:
                    path.append(came_from[path[-1]])
                return [*reversed(path), first]
            if target not in came_from:
                came_from[target] = node
                queue.append(target)
    return group  # not reached: a strongly connected group always has a cycle


def describe_cycles(graph: Imports, files: dict[str, Path] | None) -> str:
    """Every cycle group, with one shortest cycle in it and where each of its imports is."""
    lines = []
    for group in strongly_connected(graph):
        cycle = shortest_cycle(graph, group)
        steps = []
        for module, target in pairwise(cycle):
            where = ""
            if files is not None:
                where = f" ({files[module].relative_to(ROOT)}:{graph[module][target]})"
            steps.append(f"{module}{where} -> {target}")
        lines.append(f"  {len(group)} in a cycle: {', '.join(group)}\n    " + "\n    ".join(steps))
    return "\n".join(lines)


def imports_between(
    graph: Imports, files: dict[str, Path], importers: set[str] | None, imported: set[str]
) -> list[tuple[str, str]]:
    """``(module, "path:line module imports target")`` for every import by a module of the
    ``importers`` apps (of any app when None) of a module of another app among ``imported``."""
    found = []
    for module, targets in sorted(graph.items()):
        if importers is not None and app_of(module) not in importers:
            continue
        for target, line in sorted(targets.items()):
            if app_of(target) in imported and app_of(target) != app_of(module):
                where = f"{files[module].relative_to(ROOT)}:{line}"
                found.append((module, f"  {where} {module} imports {target}"))
    return found


def python_files() -> list[Path]:
    """Every .py file of the repository (tests and benchmarks too), migrations left out."""
    found = []
    for folder, subfolders, names in os.walk(ROOT):
        # Not into a venv or node_modules (tens of thousands of files), nor migrations.
        subfolders[:] = [d for d in subfolders if d not in NOT_CODE and d != "migrations"]
        found += [Path(folder) / name for name in names if name.endswith(".py")]
    return sorted(found)


# --- the reader reads what it should ------------------------------------------------------


def test_the_rules_read_every_app():
    assert set(project_packages()) >= KNOWN_APPS
    graph, _files = import_graph()
    assert "layers" in app_graph(graph)["tiles"]  # tiles builds on layers: read, not assumed


def test_the_size_rule_reads_tests_and_bench_but_not_migrations():
    files = {str(path.relative_to(ROOT)) for path in python_files()}
    assert {"manage.py", "tests/test_architecture.py", "bench/tiles.py"} <= files
    assert list(ROOT.glob("layers/migrations/0*.py"))  # there are migrations to leave out
    assert not any("/migrations/" in name for name in files)
    assert not any(name.startswith((".venv/", "node_modules/")) for name in files)


def test_imports_inside_functions_and_relative_imports_count():
    modules = {"layers", "layers.registry", "layers.sql", "tiles", "tiles.cache", "tiles.mvt"}
    source = (
        "import os\n"
        "from . import cache\n"
        "def render():\n"
        "    from layers.registry import get_layer\n"
        "    import_module('layers.sql')\n"
    )
    assert imports_of(source, "tiles.mvt", False, modules) == {
        "tiles.cache": 2,
        "layers.registry": 4,
        "layers.sql": 5,
    }


def test_a_cycle_is_found_and_shown_with_its_imports():
    graph = {"a.x": {"b.y": 3}, "b.y": {"a.x": 7, "c.z": 1}, "c.z": {}}
    assert strongly_connected(graph) == [["a.x", "b.y"]]
    shown = describe_cycles(graph, None)
    assert shown == "  2 in a cycle: a.x, b.y\n    a.x -> b.y\n    b.y -> a.x"


# --- the rules -------------------------------------------------------------------------------


def test_no_import_cycle_between_modules():
    graph, files = import_graph()
    cycles = describe_cycles(graph, files)
    assert not cycles, f"import cycles between modules:\n{cycles}"


def test_no_import_cycle_between_apps():
    graph, files = import_graph()
    apps = app_graph(graph)
    found = []
    for group in strongly_connected(apps):
        cycle = " -> ".join(shortest_cycle(apps, group))
        found.append(f"  {', '.join(group)} reach each other ({cycle}), by these imports:")
        found += [line for _module, line in imports_between(graph, files, set(group), set(group))]
    assert not found, "import cycles between apps:\n" + "\n".join(found)


def test_the_kernel_imports_no_app():
    graph, files = import_graph()
    apps = set(project_packages()) - {KERNEL}
    found = [line for _module, line in imports_between(graph, files, {KERNEL}, apps)]
    assert not found, f"{KERNEL}/ imports apps ({len(found)}):\n" + "\n".join(found)


def test_nothing_imports_the_composition_root():
    graph, files = import_graph()
    found = [
        line
        for module, line in imports_between(graph, files, None, {COMPOSITION_ROOT})
        if module not in ENTRY_POINTS
    ]
    assert not found, f"modules import {COMPOSITION_ROOT} ({len(found)}):\n" + "\n".join(found)


def test_layers_imports_no_app_built_on_it():
    graph, files = import_graph()
    found = [line for _module, line in imports_between(graph, files, {"layers"}, ABOVE_LAYERS)]
    assert not found, (
        f"layers imports {', '.join(sorted(ABOVE_LAYERS))} ({len(found)}):\n" + "\n".join(found)
    )


def test_no_module_over_400_lines():
    sizes = []
    for path in python_files():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            sizes.append((lines, str(path.relative_to(ROOT))))
    listed = "\n".join(f"  {name} {lines}" for lines, name in sorted(sizes, reverse=True))
    assert not sizes, f"{len(sizes)} modules over {MAX_LINES} lines (split them by job):\n{listed}"
