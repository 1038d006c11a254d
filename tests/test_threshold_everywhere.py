"""The disclosure threshold travels with every request (issue 21 §1): a deployment with ``FJERNARBEID_MIN_N=15``
shows no group of 10 to 14 respondents on any page or at any data address, while the same request in a
deployment with the default threshold (10) does show one, so the test fails when a page publishes at a
threshold of its own.

Every registered page with a state is covered, so a new page is too. Each page is rendered for its default
address, any ``HINTS`` and each of its parameters changed one at a time (a spread of the values of a parameter
with many), until an address shows a group of 10 to 14 respondents at the default threshold. What a page
shows is read twice: from the query layer, whose disclosure decisions are recorded as they are made (the
threshold each was made with, and the size of every group it let through), and from the page's views (their
``n`` columns), as the data addresses write them. A page whose figures all rest on 15 or more respondents in
the demo data (whole-survey or whole-county figures) cannot show the difference; for it the test checks
that, and that every decision made for it used the deployment's threshold.
"""

from __future__ import annotations

import inspect
import json
import pkgutil
import sys
from collections import Counter
from dataclasses import dataclass, field
from importlib import import_module

import pytest

import app.query
from app.config import Config
from app.db.session import session_scope
from app.query import disclosure
from app.query.data_version import forget_remembered
from app.web.pages import pages
from app.web.views.export import export_name

STRICT = 15  # the deployment's FJERNARBEID_MIN_N
DEFAULT = 10  # the default (Config.min_n); checked below
SMALL = range(DEFAULT, STRICT)  # groups one threshold shows and the other hides

# Addresses known to show a group of 10–14 respondents at the default threshold in the demo data (tried first,
# to keep the test fast; the search below finds others when the demo data change).
HINTS = {
    "survey": ["?survey=demo_national&question=q22&by=municipality"],
    "municipality": ["?kommune=5532&survey=demo_national", "?kommune=5520&survey=demo_national"],
    "mobility": ["?survey=demo_national&region=hardangerradet&filters=attractive%2Coutside&centrality=5"],
}
SPREAD = 24  # values tried of a parameter with many (every k-th)
STATEFUL = [p for p in pages() if p.has_views]


def _name(page) -> str:
    return page.name


@dataclass
class Decisions:
    """What the query layer decided while one request was answered."""

    thresholds: Counter = field(default_factory=Counter)
    shown: list[int] = field(default_factory=list)  # sizes of the groups let through

    @property
    def small(self) -> list[int]:
        return [n for n in self.shown if n in SMALL]


@pytest.fixture
def decisions(monkeypatch) -> Decisions:
    """Every disclosure decision, recorded: ``hidden_groups`` (which every breakdown, single figure and funnel
    step goes through) and ``check_min_n`` (which every query function calls first), wherever a module of the
    app imported them."""
    seen = Decisions()
    hidden_groups, check_min_n = disclosure.hidden_groups, disclosure.check_min_n

    def recorded_hidden_groups(cells, groups, min_n):
        hidden = hidden_groups(cells, groups, min_n)
        size: Counter = Counter()
        for (group, pattern), n in cells.items():
            if disclosure.is_selected(pattern):
                size[group] += n
        seen.thresholds[min_n] += 1
        seen.shown.extend(size[g] for g in groups if g not in hidden)
        return hidden

    def recorded_check_min_n(min_n):
        seen.thresholds[min_n] += 1
        return check_min_n(min_n)

    for module in [m for name, m in sys.modules.items() if name.startswith("app.")]:
        for attribute, spy in (("hidden_groups", recorded_hidden_groups), ("check_min_n", recorded_check_min_n)):
            if getattr(module, attribute, None) is getattr(disclosure, attribute):
                monkeypatch.setattr(module, attribute, spy)
    return seen


def _config(database_url, data_dir, min_n: int | None) -> Config:
    """The configuration a deployment reads from its environment, with ``FJERNARBEID_MIN_N`` set or not."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DATABASE_URL", database_url)
        env.setenv("FJERNARBEID_DATA_DIR", str(data_dir))
        env.setenv("SECRET_KEY", "threshold-test-" + "k" * 32)
        if min_n is None:
            env.delenv("FJERNARBEID_MIN_N", raising=False)
        else:
            env.setenv("FJERNARBEID_MIN_N", str(min_n))
        return Config.from_env()


@pytest.fixture(scope="module")
def apps(database_url, tmp_path_factory) -> dict[int, object]:
    """Two deployments on the test database: ``FJERNARBEID_MIN_N=15``, and the variable unset."""
    from app.web import create_app

    strict = _config(database_url, tmp_path_factory.mktemp("min15"), STRICT)
    default = _config(database_url, tmp_path_factory.mktemp("min10"), None)
    assert (strict.min_n, default.min_n, Config.min_n) == (STRICT, DEFAULT, DEFAULT)
    return {STRICT: create_app(strict), DEFAULT: create_app(default)}


def _render(app, page, search: str, seen: Decisions) -> tuple[Decisions, list[int]]:
    """The page's decisions and the ``n`` its views show for ``search``, as its callback renders it (errors are
    raised, not turned into a message)."""
    seen.thresholds.clear()
    seen.shown.clear()
    forget_remembered()  # decided afresh, not served from what an earlier request computed (under its own min_n)
    with app.server.app_context(), session_scope() as session:
        state = page.state.parse(session, app.server.config["FJERNARBEID"], search, "nb")
        outputs = page.render(state, session)
    rows = [row for view in outputs.get("views", []) for row in view.table.rows]
    return Decisions(Counter(seen.thresholds), list(seen.shown)), _ns(rows)


def _ns(rows: list[dict]) -> list[int]:
    """The respondents a table shows per group: its ``n`` and ``<level>_n`` columns."""
    return [v for row in rows for k, v in row.items() if (k == "n" or k.endswith("_n")) and isinstance(v, int)]


def _data(app, page, search: str, seen: Decisions) -> tuple[Decisions, list[int]]:
    seen.thresholds.clear()
    seen.shown.clear()
    forget_remembered()
    response = app.server.test_client().get(f"/data/{export_name(page.path)}.json{search}")
    assert response.status_code == 200, (page.path, search, response.data[:300])
    rows = [row for view in json.loads(response.data)["views"] for row in view["rows"]]
    return Decisions(Counter(seen.thresholds), list(seen.shown)), _ns(rows)


def _addresses(app, page) -> list[str]:
    """``HINTS``, the default address, and each parameter changed on its own."""
    with app.server.app_context(), session_scope() as session:
        state = page.state.parse(session, app.server.config["FJERNARBEID"], "", "nb")
    found = [*HINTS.get(_name(page), []), ""]
    for param in page.state.params:
        options = state.options.get(param.name, [])
        for option in options[:: max(1, len(options) // SPREAD)]:
            value = [option.value] if param.many else option.value
            found.append(state.query(explicit=True, **{param.name: value}))
    return list(dict.fromkeys(found))


@pytest.mark.parametrize("page", STATEFUL, ids=_name)
def test_no_page_or_data_address_shows_a_group_under_the_configured_threshold(page, apps, decisions):
    strict, default = apps[STRICT], apps[DEFAULT]
    contrast, smallest, tried = None, None, []
    for search in _addresses(default, page):
        seen, ns = _render(default, page, search, decisions)
        assert set(seen.thresholds) <= {DEFAULT}, (search, seen.thresholds)
        tried.append(search)
        smallest = min([*seen.shown, *([smallest] if smallest is not None else [])], default=None)
        if seen.small:
            contrast = search
            break
    if smallest is None:  # no survey figures on this page (e.g. interviews, about): nothing to suppress
        for search in tried[:3]:
            seen, _ns_shown = _render(strict, page, search, decisions)
            assert not seen.thresholds, (search, seen.thresholds)
        return

    for search in {"", *([contrast] if contrast is not None else [])}:
        seen, ns = _render(strict, page, search, decisions)
        assert seen.thresholds and set(seen.thresholds) == {STRICT}, (search, seen.thresholds)
        assert not seen.small and not [n for n in ns if n in SMALL], (search, seen.small, ns)
        data, data_ns = _data(strict, page, search, decisions)
        assert set(data.thresholds) <= {STRICT} and not data.small, (search, data.thresholds, data.small)
        assert not [n for n in data_ns if n in SMALL], (search, data_ns)

    if contrast is None:
        # Every group this page shows in the demo data rests on 15 or more respondents, so no threshold up to 15
        # changes it: the decisions above prove that it is asked with the deployment's.
        assert smallest >= STRICT, (_name(page), smallest)
        return
    # The same request at the default threshold shows a group of 10–14, on the page and at its data address.
    seen, ns = _render(default, page, contrast, decisions)
    data, data_ns = _data(default, page, contrast, decisions)
    assert seen.small and data.small and set(data.thresholds) == {DEFAULT}, (contrast, data.thresholds)
    if ns:  # the views carry n: the small group is in them
        assert [n for n in ns if n in SMALL] and [n for n in data_ns if n in SMALL], (contrast, ns)
    # …and the data's description says which threshold it was written under
    for deployment, min_n in ((strict, STRICT), (default, DEFAULT)):
        body = deployment.server.test_client().get(f"/data/{export_name(page.path)}.metadata.json{contrast}").data
        described = json.loads(body)
        assert described["min_n"] == min_n and f"færre enn {min_n} " in described["suppression"], (contrast, min_n)


def test_no_query_function_has_a_default_threshold():
    """``min_n`` is required wherever the query layer (or a text about its results) takes it: a caller that
    forgets it fails at once rather than publishing at some built-in value."""
    modules = [import_module(f"app.query.{m.name}") for m in pkgutil.iter_modules(app.query.__path__)]
    modules.append(import_module("app.language.mobility"))
    with_default = []
    for module in modules:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            parameter = inspect.signature(function).parameters.get("min_n")
            if function.__module__ == module.__name__ and parameter is not None:
                if parameter.default is not inspect.Parameter.empty:
                    with_default.append(f"{module.__name__}.{name}")
    assert with_default == []
