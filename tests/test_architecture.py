"""The layers, enforced: every import of `planner` and `screens` counted (inside functions and
`TYPE_CHECKING` blocks too), no import cycle among their modules, each layer importing only the
layers below it, and the domain never importing Textual or the screens. Checked twice, by the
import graph here and by `lint-imports` over the contracts in pyproject.toml, so that the written
contracts cannot drift from what this test holds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent

# Top first: a module may import its own layer and any layer below it, never one above.
LAYERS = [
    "screens",
    "planner.cli",
    "planner.sync",  # CardDAV/CalDAV sync and reminders: reads cards with the importers, events from the exports
    "planner.io",
    "planner.services",
    "planner.scheduling",
    "planner.store",
    "planner.core",
]
# Modules of `planner` that belong to no layer, and where they stand instead.
PLACED = {
    "planner": "planner.core",  # the package itself: only its docstring and __version__, which any layer may read
    "planner.__main__": "planner.cli",  # `python -m planner`: the command line's entry point
}
UI = ("textual", "screens")


def build_graph() -> grimp.ImportGraph:
    # cache_dir=None: nothing written into the working tree
    return grimp.build_graph("planner", "screens", include_external_packages=True, cache_dir=None)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return build_graph()


def is_ours(module: str) -> bool:
    return module.split(".")[0] in ("planner", "screens")


def layer_of(module: str) -> str | None:
    if module in PLACED:
        return PLACED[module]
    return next((layer for layer in LAYERS if module == layer or module.startswith(layer + ".")), None)


def where(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    return ", ".join(f"line {d['line_number']}" for d in details) or "added"


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every set of our modules that import each other in a circle (strongly connected components
    with more than one module, or a module importing itself), each sorted."""
    modules = sorted(m for m in graph.modules if is_ours(m))
    edges = {m: sorted(n for n in graph.find_modules_directly_imported_by(m) if is_ours(n)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in modules:  # Tarjan's algorithm, iterative: the graph may be deeper than the recursion limit
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    found.append(sorted(component))
    return sorted(found)


def upward_imports(graph: grimp.ImportGraph) -> list[str]:
    """Each import of ours that goes up a layer (or into a module no layer holds), one line each."""
    found = []
    for importer in sorted(m for m in graph.modules if is_ours(m)):
        mine = layer_of(importer)
        for imported in sorted(m for m in graph.find_modules_directly_imported_by(importer) if is_ours(m)):
            theirs = layer_of(imported)
            if imported == "planner.__main__" or mine is None or theirs is None:
                allowed = False
            else:
                allowed = LAYERS.index(theirs) >= LAYERS.index(mine)
            if not allowed:
                found.append(f"{importer} ({mine or 'no layer'}) imports {imported} ({theirs or 'no layer'}) "
                             f"at {where(graph, importer, imported)}")
    return found


def domain_reaches_the_ui(graph: grimp.ImportGraph) -> list[str]:
    """Each way `planner` reaches Textual or the screens, through any chain of imports."""
    found = []
    for target in UI:
        if target not in graph.modules:
            continue
        for chain in sorted(graph.find_shortest_chains(importer="planner", imported=target, as_packages=True)):
            found.append(" -> ".join(chain))
    return found


def test_every_module_has_a_layer(graph):
    ours = sorted(m for m in graph.modules if is_ours(m))
    assert len(ours) > 50  # the graph really holds the project
    assert [m for m in ours if layer_of(m) is None] == []


def test_no_import_cycle(graph):
    found = cycles(graph)
    assert found == [], "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_the_domain_never_imports_textual_or_the_screens(graph):
    assert "textual" in graph.modules  # counted: the screens import it
    found = domain_reaches_the_ui(graph)
    assert found == [], "planner reaches the UI:\n" + "\n".join(found)


def test_layers_import_only_downwards(graph):
    found = upward_imports(graph)
    assert found == [], "imports against the layers:\n" + "\n".join(found)


def lint_imports(cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """`lint-imports` (import-linter, from the test extra) on the tree at `cwd`, without its cache."""
    script = Path(sys.executable).with_name("lint-imports")
    command = str(script) if script.exists() else shutil.which("lint-imports")
    assert command, "lint-imports is not installed: pip install -e '.[test]'"
    return subprocess.run([command, "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_written_contracts_hold():
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


# The checkers can fail: the real graph with one import added.


def test_an_added_upward_import_is_reported():
    graph = build_graph()
    graph.add_import(importer="planner.store.models", imported="planner.services.contacts",
                     line_number=999, line_contents="from planner.services.contacts import add_contact")
    assert upward_imports(graph) == [
        "planner.store.models (planner.store) imports planner.services.contacts (planner.services) at line 999"]


def test_an_import_from_a_module_outside_the_layers_is_reported():
    graph = build_graph()
    graph.add_module("planner.helpers")
    graph.add_import(importer="planner.helpers", imported="planner.core.dates", line_number=3,
                     line_contents="from planner.core import dates")
    assert layer_of("planner.helpers") is None
    assert upward_imports(graph) == [
        "planner.helpers (no layer) imports planner.core.dates (planner.core) at line 3"]


def test_an_added_cycle_is_reported():
    graph = build_graph()
    # a real import inside one layer, then its way back
    importer, imported = "planner.store.connect", "planner.store.backup"
    assert graph.direct_import_exists(importer=importer, imported=imported)
    assert cycles(graph) == []
    graph.add_import(importer=imported, imported=importer)
    assert cycles(graph) == [sorted([importer, imported])]


def test_a_longer_added_cycle_is_reported_with_all_its_modules():
    graph = build_graph()
    chain = graph.find_shortest_chain(importer="screens.app", imported="planner.core.dates")
    assert chain is not None and len(chain) >= 3
    graph.add_import(importer=chain[-1], imported=chain[0])
    (found,) = cycles(graph)
    assert set(chain) <= set(found)


def test_a_textual_import_deep_in_the_domain_is_reported():
    graph = build_graph()
    graph.add_import(importer="planner.core.dates", imported="textual")
    found = domain_reaches_the_ui(graph)
    assert found == ["planner.core.dates -> textual"]


def test_both_checkers_catch_imports_added_inside_functions_of_a_copy(tmp_path):
    """A copy of the tree with three imports added inside functions, where start-up never runs them:
    an upward one, one closing a cycle inside a layer, and Textual deep in the domain."""
    for name in ("planner", "screens"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    added = {
        "planner/store/backup.py": "from planner.services import contacts",
        "planner/store/models.py": "from planner.store import migrations",
        "planner/core/dates.py": "import textual",
    }
    for path, line in added.items():
        with open(tmp_path / path, "a") as source:
            source.write(f"\n\ndef _added():\n    {line}\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    check = (
        "import sys; sys.path.insert(0, sys.argv[1]); import test_architecture as a, json, planner; "
        "assert planner.__file__.startswith(sys.argv[2]), planner.__file__; g = a.build_graph(); "
        "print(json.dumps([a.upward_imports(g), a.cycles(g), a.domain_reaches_the_ui(g)]))"
    )
    ours = subprocess.run([sys.executable, "-c", check, str(ROOT / "tests"), str(tmp_path)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert ours.returncode == 0, ours.stderr
    upward, found_cycles, ui = json.loads(ours.stdout)
    assert [line.split(" at ")[0] for line in upward] == [
        "planner.store.backup (planner.store) imports planner.services.contacts (planner.services)"]
    assert any({"planner.store.migrations", "planner.store.models"} <= set(cycle) for cycle in found_cycles)
    assert ui == ["planner.core.dates -> textual"]
    theirs = lint_imports(tmp_path, env)
    assert theirs.returncode == 1
    assert "Contracts: 0 kept, 2 broken." in theirs.stdout
    assert "planner.store.backup -> planner.services.contacts" in theirs.stdout
    assert "planner.core.dates -> textual" in theirs.stdout
