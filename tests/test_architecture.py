"""The house rules of ``../shared/DESIGN.md``, checked on the source: imports flow
``api -> matcher -> embeddings``, there are no import circles, and the command line starts
without loading the heavy parts."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGES = ("api", "embeddings", "matcher")


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            if "migrations" in parts:  # Alembic scripts are loaded by path, not imported
                continue
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, top_level_only: bool) -> Iterator[str]:
    """Our modules that ``module`` imports (a submodule import also imports its parents)."""
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if top_level_only and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            for end in range(1, len(parts) + 1):
                candidate = ".".join(parts[:end])
                if candidate in MODULES and candidate != module:
                    yield candidate
        stack.extend(ast.iter_child_nodes(node))


def _graph(top_level_only: bool) -> dict[str, set[str]]:
    return {
        module: set(_imports(ast.parse(path.read_text("utf-8")), module, top_level_only))
        for module, path in MODULES.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            # A package importing its own submodule and back is how packages work.
            if len(component) > 1 and not _package_and_children(component):
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def _package_and_children(component: list[str]) -> bool:
    shortest = min(component, key=len)
    return all(member == shortest or member.startswith(shortest + ".") for member in component)


def test_the_walk_sees_the_whole_house() -> None:
    assert {"api.cli.app", "api.http.app", "matcher.engine", "embeddings.base"} <= set(MODULES)
    assert "matcher.engine" in _graph(top_level_only=True)["api.http.engine"]


def test_there_are_no_import_circles() -> None:
    assert _cycles(_graph(top_level_only=True)) == []


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [("embeddings", ("matcher", "api")), ("matcher", ("api",)), ("api.cli", ())],
)
def test_imports_flow_one_way(package: str, forbidden: tuple[str, ...]) -> None:
    graph = _graph(top_level_only=False)
    wrong = {
        (module, target)
        for module, targets in graph.items()
        if module == package or module.startswith(package + ".")
        for target in targets
        if any(target == f or target.startswith(f + ".") for f in forbidden)
    }
    assert wrong == set()


def test_the_http_service_never_imports_the_command_line() -> None:
    graph = _graph(top_level_only=False)
    assert {
        (module, target)
        for module, targets in graph.items()
        if module.startswith("api.http")
        for target in targets
        if target.startswith("api.cli")
    } == set()


HEAVY = ("numpy", "torch", "sentence_transformers", "fastapi", "sqlalchemy", "matplotlib")


def test_help_loads_none_of_the_heavy_parts() -> None:
    code = (
        "import sys\n"
        "from api.cli.app import main\n"
        "main(['--help'])\n"
        "main(['rank', '--help'])\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_cli_default_backend_is_the_engines() -> None:
    from api.cli.common import DEFAULT_BACKEND
    from embeddings import DEFAULT_BACKEND as ENGINE_DEFAULT

    assert DEFAULT_BACKEND == ENGINE_DEFAULT
