"""What a page is (``Page``) and the pages of the running app (``Site``).

Each page module ends with one ``PAGE = Page(...)``: a typed record, so a page that lacks a part fails when
the app is built, not when a visitor first needs the part. The app factory builds the ``Site`` from the
page modules (``app.web.pages.site``) and installs it on the Flask app; everything below the pages that
must find a page by its address (exports, slides, saved views, handouts) asks ``installed()``, so the
framework never imports a page, and a page never imports another (``site.path_of("measures")`` links to
it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from app.web.kit import urls
from app.web.kit.page_state import Spec

EXTENSION = "fjernarbeid.site"  # the key of the installed Site in Flask's ``app.extensions``
_SEGMENT = re.compile(r"<([a-z_]+)>")


@dataclass(frozen=True)
class Page:
    """One page of the dashboard.

    Args:
        name: its module's name (``survey``), the key other pages link by.
        path: its address (``/undersoking``).
        title: its name in the navigation, an English message id.
        layout: ``layout(lang)`` for a page with ``state``, else ``layout(lang, search)``; no database.
        id: prefix of its component ids (a page with ``state``).
        state: its parameters, parsed from the address (``page_state.Spec``); with it, ``render``.
        render: ``render(state, session) -> {"content": …, "views": […], …}``.
        extra_outputs: outputs of its main callback beyond ``content``, by name.
        on_failure: values of ``extra_outputs`` when its render fails and ``content`` says why (e.g. hide the
            charts of the state before); the others stay as they were.
        register_callbacks: for a page whose controls the state cannot describe alone (it wires its own).
        role: the role an account needs to open it (an editing page, reached from the account bar), held
            nationally or in a region; with ``national`` held nationally.
        national: only an account with ``role`` nationally opens it (imports, the change log).
        jobs: work it hands to the job queue, by kind (``{"import": run_import_job}``).
        path_params: parameters of ``state`` that are part of the path, in order: with ``("kommune",)``
            ``/kommune/4622`` is the page with ``kommune=4622``.
        in_navigation: a page for everyone shown in the navigation (False: reached by links, as a region's
            start page ``/region/<slug>`` is from Oversikt and Kommune).
    """

    name: str
    path: str
    title: str
    layout: Callable[..., Any]
    id: str = ""
    state: Spec | None = None
    render: Callable[..., Mapping[str, Any]] | None = None
    extra_outputs: Mapping[str, Any] = field(default_factory=dict)
    on_failure: Mapping[str, Any] = field(default_factory=dict)
    register_callbacks: Callable[[Any], None] | None = None
    role: str | None = None
    national: bool = False
    jobs: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    path_params: tuple[str, ...] = ()
    in_navigation: bool = True

    def opens_for(self, who: Any) -> bool:
        """Whether the logged-in account ``who`` (an ``app.db.users.Account``, or None) may open this page."""
        if self.role is None:
            return True
        if who is None or not who.may(self.role):
            return False
        return not self.national or who.national(self.role)

    def __post_init__(self) -> None:
        where = f"Page {self.name!r} ({self.path})"
        if not self.path.startswith("/"):
            raise ValueError(f"{where}: a path starts with '/'.")
        if (self.state is None) != (self.render is None):
            raise TypeError(f"{where}: a page has both state and render, or neither.")
        if self.state is not None and not self.id:
            raise TypeError(f"{where}: a page with state needs an id (the prefix of its component ids).")
        if set(self.on_failure) - set(self.extra_outputs):
            raise ValueError(f"{where}: on_failure names outputs that are not among its extra_outputs.")
        for name in self.path_params:
            if self.state is None or name not in {p.name for p in self.state.params}:
                raise ValueError(f"{where}: the path parameter {name!r} is not a parameter of its state.")

    @property
    def has_views(self) -> bool:
        """Its charts and tables are views: exports, slides and decks can take them."""
        return self.state is not None

    @property
    def template(self) -> str:
        """The address with its path parameters: ``/kommune/<kommune>``."""
        return "/".join([self.path.rstrip("/"), *(f"<{name}>" for name in self.path_params)])

    def match(self, pathname: str) -> dict[str, str] | None:
        """The path parameters ``pathname`` gives, or None when it is not this page's address."""
        path = pathname.rstrip("/") or "/"
        if path == self.path:
            return {}
        if not self.path_params or not path.startswith(self.path.rstrip("/") + "/"):
            return None
        values = path[len(self.path.rstrip("/")) + 1 :].split("/")
        if len(values) != len(self.path_params) or not all(values):
            return None
        return dict(zip(self.path_params, values, strict=True))

    def query_for(self, pathname: str | None, search: str | None) -> str:
        """The query string that says everything ``pathname`` and ``search`` choose: ``/kommune/4622?lang=nn``
        is ``?lang=nn&kommune=4622`` (the path wins over the same name in the query)."""
        found = self.match(pathname or self.path) or {}
        return urls.with_changes(search, **found) if found else (search or "")

    def address(self, params: Mapping[str, str]) -> tuple[str, dict[str, str]]:
        """(path, the remaining query parameters) for ``params``: path parameters move into the path
        (in order, as far as they are given)."""
        rest = dict(params)
        segments = []
        for name in self.path_params:
            if not rest.get(name):
                break
            segments.append(rest.pop(name))
        return "/".join([self.path.rstrip("/"), *segments]) if segments else self.path, rest


class Site:
    """The pages of the app, in navigation order; looked up by name, by address, and by export name."""

    def __init__(self, pages: Sequence[Page]) -> None:
        for kind, keys in (("name", [p.name for p in pages]), ("path", [p.path for p in pages])):
            repeated = sorted({k for k in keys if keys.count(k) > 1})
            if repeated:
                raise ValueError(f"Two pages have the same {kind}: {', '.join(repeated)}.")
        self._pages = tuple(pages)

    def __iter__(self) -> Iterator[Page]:
        return iter(self._pages)

    def __len__(self) -> int:
        return len(self._pages)

    def named(self, name: str) -> Page:
        found = next((p for p in self._pages if p.name == name), None)
        if found is None:
            raise KeyError(f"No page named {name!r}; the pages are {', '.join(p.name for p in self._pages)}.")
        return found

    def path_of(self, name: str) -> str:
        """The address of page ``name`` (how a page links to another without importing it)."""
        return self.named(name).path

    def for_path(self, pathname: str | None) -> Page | None:
        """The page at ``pathname`` (``/kommune/4622`` included), or None."""
        return next((p for p in self._pages if p.match(pathname or "/") is not None), None)

    def locate(self, pathname: str | None) -> tuple[Page | None, dict[str, str]]:
        """The page at ``pathname`` and the path parameters it gives."""
        for page in self._pages:
            found = page.match(pathname or "/")
            if found is not None:
                return page, found
        return None, {}

    def with_views(self) -> list[Page]:
        return [p for p in self._pages if p.has_views]


def installed() -> Site:
    """The pages of the app serving this request (or running this job)."""
    try:
        return current_app.extensions[EXTENSION]
    except (RuntimeError, KeyError) as error:
        raise RuntimeError("No site is installed: call this inside the app built by app.web.create_app.") from error


def install(server: Any, site: Site) -> None:
    server.extensions[EXTENSION] = site


def link_to(state: Any, name: str, **params: Any) -> str:
    """An address on page ``name`` with ``params`` (None dropped), keeping the language of ``state``'s page;
    a path parameter goes in the path (``/kommune/4622``)."""
    path, rest = installed().named(name).address({k: v for k, v in params.items() if v not in (None, "", [])})
    return state.link(path, **rest)
