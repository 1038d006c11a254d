"""The house's rules, read from the code's imports (the standard library's ``ast``, nothing run):

* no import cycles between modules of ``app``;
* dependencies point one way: ``app.db`` ← ``app.ingest``, ``app.stats``, ``app.query`` ← ``app.language``
  (translations, number formats, the texts the web and the command line share) ← ``app.web`` ← ``app.cli``
  (``app.config``, ``app.errors`` and ``app.resources`` are below them all);
* the lower floors never import Dash or Plotly; a page writes no SQL; no page imports another page.

Every import counts, including those inside functions: a lazy import still ties the two modules together.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
FLOORS = {
    "app.db": 0,
    "app.stats": 1,
    "app.ingest": 1,
    "app.query": 1,
    "app.language": 2,
    "app.web": 3,
    "app.cli": 4,
    "app.wsgi": 4,
}
BASE = ("app.config", "app.errors", "app.resources")
LOWER_FLOORS = ("app.db", "app.stats", "app.ingest", "app.query", "app.language")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(APP.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """Every module (of ``app`` or outside) ``name`` imports, resolved as far as a module of ``app``."""
    path = MODULES[name]
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            for alias in node.names:
                child = f"{module}.{alias.name}"
                found.add(child if child in MODULES else module)
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def _floor(name: str) -> int | None:
    return next((floor for prefix, floor in FLOORS.items() if name == prefix or name.startswith(prefix + ".")), None)


def _cycles() -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(GRAPH[node] & MODULES.keys()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                other = stack.pop()
                group.append(other)
                if other == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return found


def test_the_modules_are_read():
    assert {"app.db.models", "app.query.estimates", "app.language", "app.web.pages.survey"} <= MODULES.keys()
    assert "app.db.models" in GRAPH["app.query.estimates"]


def test_no_import_cycles():
    assert _cycles() == []


def test_dependencies_point_down():
    upward = [
        f"{name} → {other}"
        for name, imported in GRAPH.items()
        for other in imported & MODULES.keys()
        if (mine := _floor(name)) is not None and (theirs := _floor(other)) is not None and theirs > mine
    ]
    base_upward = [f"{name} → {other}" for name in BASE for other in GRAPH[name] & MODULES.keys() if other not in BASE]
    assert upward == [] and base_upward == []


@pytest.mark.parametrize("library", ["dash", "dash_bootstrap_components", "plotly", "flask"])
def test_the_lower_floors_know_no_web_library(library):
    users = [
        name
        for name, imported in GRAPH.items()
        if name.startswith(LOWER_FLOORS) and any(m == library or m.startswith(library + ".") for m in imported)
    ]
    assert users == []


def _page_of(name: str) -> str | None:
    """The page a module belongs to: ``app.web.pages.survey.figures`` → ``survey`` (None: not a page's)."""
    parts = name.split(".")
    return parts[3] if len(parts) > 3 and parts[:3] == ["app", "web", "pages"] else None


def test_pages_write_no_sql_and_import_no_other_page():
    pages = {name: imported for name, imported in GRAPH.items() if _page_of(name)}
    assert {"survey", "municipality", "about"} <= {_page_of(name) for name in pages}
    with_sql = [name for name, imported in pages.items() if any(m.split(".")[0] == "sqlalchemy" for m in imported)]
    other_page = [
        f"{name} → {other}"
        for name, imported in pages.items()
        for other in imported
        if other == "app.web.pages" or _page_of(other) not in (None, _page_of(name))
    ]
    assert with_sql == [] and other_page == []


# The web floor by role (docs/architecture.md): its kit and its server parts are at the bottom, the views
# (a chart or table with its files and its slide) use them, the pages use all three, and only the shell
# and the app factory know the pages.
WEB_ROOMS = {"app.web.kit": 0, "app.web.server": 0, "app.web.views": 1, "app.web.pages": 2}
WEB_TOP = ("app.web", "app.web.shell")


def _room(name: str) -> int | None:
    if name in WEB_TOP:
        return 3
    return next((room for prefix, room in WEB_ROOMS.items() if name == prefix or name.startswith(prefix + ".")), None)


def test_the_web_floor_has_rooms_by_role():
    web = [name for name in MODULES if name.startswith("app.web.")]
    assert all(_room(name) is not None for name in web), [name for name in web if _room(name) is None]
    upward = [
        f"{name} → {other}"
        for name in web
        for other in GRAPH[name] & MODULES.keys()
        if other.startswith("app.web") and (_room(other) or 0) > (_room(name) or 0)
    ]
    assert upward == []


def test_only_the_app_factory_knows_the_page_registry():
    users = sorted(name for name, imported in GRAPH.items() if "app.web.pages" in imported and name != "app.web.pages")
    assert users == ["app.web"]
