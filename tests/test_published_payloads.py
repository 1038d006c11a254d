"""What reaches the browser is what is displayed: rounded figures, no exact floats, no weighted counts.

Each page's main callback is rendered as the server would answer it, serialised exactly as Dash
does, and every number in the answer is checked. An exact share (0.15234871…) or a weighted
base in a payload would let anyone who opens the browser's network tab redo the differencing
arithmetic that rounding on the screen is meant to prevent.
"""

from __future__ import annotations

import json
import re

import plotly.io.json as pio_json
import pytest

from app.query.estimates import estimate_mean, estimate_shares
from app.web.pages import page_for
from tests.page_answers import page_answer

# (path, query string): charts and tables of every kind the pages draw
VIEWS = [
    ("/", "?survey=demo_national&region=hardangerradet"),
    ("/region/hardangerradet", "?survey=demo_national"),
    ("/undersoking", "?survey=demo_national&question=q22&by=age_group"),
    ("/undersoking", "?survey=demo_national&question=q6_1&by=gender"),  # Likert, with side intervals
    ("/undersoking", "?survey=demo_national&question=q6_1&collapse=top2"),
    ("/undersoking", "?survey=demo_national&question=factory_index&by=education"),  # means
    ("/undersoking", "?survey=demo_hardanger&question=q22&by=municipality"),
    ("/undersoking", "?survey=demo_national&question=q23&by=centrality&view=table"),
    ("/samanhengar", "?survey=demo_national"),
    ("/kontorfellesskap", "?survey=demo_national"),
    ("/tiltak", "?survey=demo_national"),
    ("/mobilitet", "?survey=demo_national&filters=attractive"),
    ("/kommune", "?kommune=4622&survey=demo_national"),
]

FORBIDDEN_KEYS = ("n_weighted", "se", "share_se")


NOT_DATA = ("geojson", "lon", "lat", "coordinates")  # public map geometry


def _payload(app, path: str, search: str, lang: str = "nb") -> str:
    output = page_answer(app, page_for(path), search, lang)
    return json.dumps(_without(json.loads(pio_json.to_json_plotly(output))))


def _without(value):
    if isinstance(value, dict):
        if "map" in str(value.get("id", "")):  # the coworking map: public boundaries and addresses
            return {k: _without(v) for k, v in value.items() if k != "figure"}
        if "data" in value and "layout" in value:  # a figure: its traces, and the texts written on it
            annotations = [a.get("text") for a in value["layout"].get("annotations", [])]
            return {"data": _without(value["data"]), "annotations": annotations}
        return {k: _without(v) for k, v in value.items() if k not in NOT_DATA}
    if isinstance(value, list):
        return [_without(v) for v in value]
    return value


def _numbers(payload: str) -> list[float]:
    return [float(m) for m in re.findall(r"(?<![\w.])-?\d+\.\d+(?:[eE]-?\d+)?", payload)]


def _keys(value, found: set) -> set:
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(key)
            _keys(item, found)
    elif isinstance(value, list):
        for item in value:
            _keys(item, found)
    return found


@pytest.mark.parametrize("path, search", VIEWS, ids=[p + s for p, s in VIEWS])
def test_every_number_in_a_page_answer_is_rounded_as_shown(app, path, search):
    payload = _payload(app, path, search)
    assert "database-error" not in payload and "render-failed" not in payload
    too_precise = [x for x in _numbers(payload) if abs(x * 1000 - round(x * 1000)) > 1e-6]
    assert not too_precise, f"numbers finer than displayed in {path}{search}: {too_precise[:5]}"
    leaked = set(FORBIDDEN_KEYS) & _keys(json.loads(payload), set())
    assert not leaked


def test_the_exact_estimates_of_a_view_are_not_in_its_answer(app, db):
    payload = _payload(app, "/undersoking", "?survey=demo_national&question=q22&by=age_group")
    exact = estimate_shares(db, "demo_national", "q22", by="age_group", min_n=10)
    shown = [r for r in exact.rows if not r.suppressed]
    assert shown
    for row in shown:
        for value in (row.estimate, 100 * row.estimate, row.ci_low, row.ci_high, row.n_weighted):
            assert repr(value) not in payload and f"{value:.6f}" not in payload
    means = estimate_mean(db, "demo_national", "factory_index", by="education", min_n=10)
    payload = _payload(app, "/undersoking", "?survey=demo_national&question=factory_index&by=education")
    for row in means.rows:
        if not row.suppressed:
            assert repr(row.estimate) not in payload and f"{row.estimate:.6f}" not in payload
