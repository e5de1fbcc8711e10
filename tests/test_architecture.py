"""The layer rules, read from the source: tui -> flows -> tasks -> catalog, one way.

Every import counts, wherever it is written (module level, inside a function, or under
TYPE_CHECKING): a lazy import still ties the layers together.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("catalog", "tasks", "flows", "tui")  # lowest first
HEAVY = {"prefect", "textual", "typer", "apprise"}
SQL_CALLS = {"text", "select", "insert", "update", "delete"}
SQL_MODULES = ("sqlalchemy", "sqlmodel")
# SQL as it starts; prose ("Select a row to see its details.") has no FROM after the SELECT.
SQL_LITERAL = re.compile(r"^\s*(select\s.*\bfrom\b|insert\s+into\s|update\s+\w+\s+set\s"
                         r"|delete\s+from\s|create\s+(unique\s+)?(table|index|schema|view)\s)",
                         re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Module:
    name: str  # dondoc.catalog.store.queries
    path: Path
    tree: ast.Module

    @property
    def layer(self) -> str:
        return self.name.split(".")[1]

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"


def _modules() -> dict[str, Module]:
    out = {}
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            name = ".".join(("dondoc", *parts))
            out[name] = Module(name, path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return out


MODULES = _modules()


def _imports(module: Module) -> list[tuple[str, int]]:
    """(imported module, line) of every import in the module; `from a import b` counts as
    a.b when a.b is a module of ours, else as a."""
    out = []
    package = module.name if module.is_package else module.name.rpartition(".")[0]
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            out.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                out.append((full if full in MODULES else base, node.lineno))
    return out


def _where(module: Module, line: int) -> str:
    return f"{module.path.relative_to(ROOT)}:{line}"


def test_the_source_is_found() -> None:
    # A broken walk would make every rule below pass on nothing.
    assert {"dondoc.catalog.store.queries", "dondoc.tasks.remind", "dondoc.flows.deployments",
            "dondoc.tui.app.app", "dondoc.tui.cli"} <= set(MODULES)


def test_imports_point_down_the_layers() -> None:
    wrong = []
    for module in MODULES.values():
        rank = LAYERS.index(module.layer)
        for name, line in _imports(module):
            parts = name.split(".")
            if parts[0] == "dondoc" and len(parts) > 1 and parts[1] in LAYERS:
                if LAYERS.index(parts[1]) > rank:
                    wrong.append(f"{_where(module, line)} {module.layer} imports {name}")
            elif module.layer == "catalog" and parts[0] in HEAVY:
                wrong.append(f"{_where(module, line)} catalog imports {name}")
    assert wrong == []


def test_no_bare_top_level_imports() -> None:
    bare = [f"{_where(m, line)} {name}" for m in MODULES.values()
            for name, line in _imports(m) if name.split(".")[0] in LAYERS]
    assert bare == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_circles() -> None:
    graph = {name: {n for n, _ in _imports(m) if n in MODULES and n != name}
             for name, m in MODULES.items()}
    assert _cycles(graph) == []


def test_the_circle_finder_finds_circles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def _sql_in(module: Module) -> list[str]:
    from_sql = {alias.asname or alias.name
                for node in ast.walk(module.tree) if isinstance(node, ast.ImportFrom)
                and (node.module or "").split(".")[0] in SQL_MODULES
                for alias in node.names if alias.name in SQL_CALLS}
    docstrings = {id(node.body[0].value) for node in ast.walk(module.tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef,
                                       ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "exec_driver_sql":
                found.append(f"{_where(module, node.lineno)} exec_driver_sql")
            elif isinstance(func, ast.Name) and func.id in from_sql:
                found.append(f"{_where(module, node.lineno)} {func.id}()")
            elif (isinstance(func, ast.Attribute) and func.attr in SQL_CALLS
                  and isinstance(func.value, ast.Attribute) and func.value.attr == "__table__"):
                found.append(f"{_where(module, node.lineno)} __table__.{func.attr}()")
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in docstrings and SQL_LITERAL.match(node.value)):
            found.append(f"{_where(module, node.lineno)} {node.value[:40]!r}")
    return found


def test_sql_lives_in_the_store() -> None:
    outside = [hit for m in MODULES.values() if not m.name.startswith("dondoc.catalog.store")
               for hit in _sql_in(m)]
    assert outside == []


@pytest.mark.parametrize("source, hits", [
    ("conn.exec_driver_sql('x')", 1),
    ("from sqlalchemy import select\nselect(t)", 1),
    ("from sqlalchemy import text as sql\nsql('x')", 1),
    ("q = 'select id from task'", 1),
    ("q = f'delete from task where id = {x}'", 1),
    ("Task.__table__.insert()", 1),
    ("'''Select the rows from the list.'''\nq = 'update the screen'", 0),
    ("q = 'Select a row to see its details.'", 0),
    ("q = 'create table t (id int)'", 1),
])
def test_the_sql_finder(source: str, hits: int) -> None:
    module = Module("dondoc.tasks.x", ROOT / "tasks" / "x.py", ast.parse(source))
    assert len(_sql_in(module)) == hits


def test_the_store_itself_has_sql() -> None:
    # The finder must recognise the store's SQL, or the rule above proves nothing.
    assert _sql_in(MODULES["dondoc.catalog.store.queries"])
    assert _sql_in(MODULES["dondoc.catalog.store.reminder_scan"])
