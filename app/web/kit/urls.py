"""Addresses inside the dashboard, written in one place.

A page's own address comes from its state (``PageState.query`` and ``PageState.link``, see
``app.web.kit.page_state``); every other link — the navigation, the language switch, the login form and
its way back, a deck, the editing pages' "see it on the page" — is built here, so that the language
travels the same way everywhere and no module writes ``?lang=`` or a query string by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qs, urlencode

LOGIN_PATH = "/logg-inn"


def parse(search: str | None) -> dict[str, str]:
    """``?a=1&b=x`` → ``{"a": "1", "b": "x"}`` (the first value of each name)."""
    return {k: v[0] for k, v in parse_qs((search or "").lstrip("?"), keep_blank_values=False).items() if v}


def query(params: Mapping[str, object]) -> str:
    """``?a=1&b=x`` for ``params``; None and empty values are left out, a list is written comma-separated."""
    kept = {name: _text(value) for name, value in params.items() if value not in (None, "", [], ())}
    return "?" + urlencode(kept) if kept else ""


def link(path: str, lang: str | None = None, **params: object) -> str:
    """``path`` with ``params`` and, when given, the language first."""
    return path + query({"lang": lang, **params})


def with_changes(search: str | None, **changes: object) -> str:
    """The query string ``search`` with ``changes`` (None removes a parameter)."""
    params: dict[str, object] = dict(parse(search))
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    return query(params)


def here(pathname: str | None, search: str | None) -> str:
    """The current page's address: its path and query string."""
    search = search or ""
    return (pathname or "/") + (search if search.startswith("?") or not search else "?" + search)


def login(lang: str | None, back_to: str | None = None) -> str:
    """The login page in ``lang``, returning to ``back_to`` (a path on this site) afterwards."""
    return LOGIN_PATH + query({"lang": lang, "next": back_to})


def language_kept(search: str | None, lang: str) -> str | None:
    """``lang`` if the address chose its language (so a link made from it keeps it), else None."""
    return lang if parse(search).get("lang") else None


def _text(value: object) -> str:
    if isinstance(value, (list, tuple, set)):
        return ",".join(str(v) for v in value)
    return str(value)
