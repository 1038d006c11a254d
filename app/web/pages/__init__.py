"""The page registry: one module per page, each with ``PATH``, ``NAME`` (an English message id),
``layout(lang, search)`` and ``register_callbacks(app)``. Component ids are constants in the
module that owns them, prefixed with the page's name."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

# In navigation order. tests/test_pages.py checks that every one exists.
PAGE_MODULES = (
    "overview",
    "municipality",
    "survey",
    "relationships",
    "mobility",
    "national",
    "coworking",
    "measures",
    "interviews",
    "decks",
    "about",
    # for editors and admins, reached from the account bar (each has ROLE)
    "edit_coworking",
    "edit_progress",
    "edit_criteria",
    "audit",
    "admin_import",
)


def pages() -> list[ModuleType]:
    return [
        importlib.import_module(f"app.web.pages.{name}")
        for name in PAGE_MODULES
        if importlib.util.find_spec(f"app.web.pages.{name}") is not None
    ]


def path_of(name: str) -> str:
    """The address of the page module ``name`` (a page links to another without importing it)."""
    if name not in PAGE_MODULES:
        raise KeyError(f"No page module {name!r}; the pages are {', '.join(PAGE_MODULES)}.")
    return importlib.import_module(f"app.web.pages.{name}").PATH


def page_for(pathname: str | None) -> ModuleType | None:
    path = (pathname or "/").rstrip("/") or "/"
    return next((p for p in pages() if p.PATH == path), None)
