"""The pages, in navigation order: each module (or package, when it has figures of its own) ends with
``PAGE = Page(...)`` (``app.web.kit.site``). Component ids are constants in the module that owns them,
prefixed with the page's id. Only the app factory and the tests import this registry; the rest of the
web floor finds a page through ``site.installed()``."""

from __future__ import annotations

import importlib

from app.web.kit.site import Page, Site

# In navigation order. tests/test_pages.py checks that every one exists.
PAGE_MODULES = (
    "overview",
    "region",  # each council's start page, /region/<slug>: linked from Oversikt and Kommune, not in the navigation
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
    # for editors and admins, reached from the account bar (each has a role)
    "edit_coworking",
    "edit_progress",
    "edit_criteria",
    "edit_catalogue",
    "audit",
    "admin_import",
    "admin_regions",
)


def page(name: str) -> Page:
    """The ``PAGE`` of module ``name``; a module without one fails here, naming what it lacks."""
    module = importlib.import_module(f"app.web.pages.{name}")
    found = getattr(module, "PAGE", None)
    if not isinstance(found, Page):
        raise TypeError(f"{module.__name__} must end with PAGE = Page(...) (app.web.kit.site.Page).")
    if found.name != name:
        raise ValueError(f"{module.__name__}: PAGE.name is {found.name!r}, not {name!r}.")
    return found


def site() -> Site:
    """Every page, in navigation order."""
    return Site([page(name) for name in PAGE_MODULES])


def pages() -> list[Page]:
    return list(site())


def page_for(pathname: str | None) -> Page | None:
    """The page at ``pathname`` (for tests and the command line; the web floor asks ``site.installed()``)."""
    return site().for_path(pathname)
