"""Every number that reaches a browser is rounded as it is shown (issue 19).

Every callback of every page is called over HTTP as the browser would, with the values the page's
layout starts with and the address of a few representative views; every float in every answer (and
in the initial layout, and in the data files) is checked against the decimals its view shows:

* a figure's traces: 1 decimal (shares in percent, people, seats), 2 for the views of means (below);
* anything else in an answer (tables, stores): 3 decimals at most (p-values are shown with three);
* data files (json): a percent column 1 decimal, other number columns at most 3.

Exempt, by key: a trace's drawing settings (``width``, ``fillpattern``, ``opacity``, ``line``), and ``lat``, ``lon``, ``geojson``, ``coordinates`` and the x/y of a map drawn on equal-aspect
axes (a figure whose y axis has ``scaleanchor``): public boundaries and addresses, not estimates.
"""

from __future__ import annotations

import json
from typing import Any

import plotly.io.json as pio_json
import pytest

from app.web.pages import pages
from tests.dash_calls import _concrete

# (page path, address): the default view of each page and a few representative selections
SELECTIONS = [
    ("/", ""),
    ("/", "?survey=demo_national&region=hardangerradet"),
    ("/kommune", "?kommune=4622&survey=demo_national"),
    ("/undersoking", ""),
    ("/undersoking", "?survey=demo_national&question=q22&by=age_group"),
    ("/undersoking", "?survey=demo_national&question=q6_1&by=gender"),
    ("/undersoking", "?survey=demo_national&question=factory_index&by=education"),
    ("/undersoking", "?survey=demo_national&question=q22&with=demo_hardanger"),
    ("/undersoking", "?survey=demo_national&question=q22&by=gender&with=demo_hardanger"),
    ("/samanhengar", ""),
    ("/mobilitet", ""),
    ("/mobilitet", "?survey=demo_national&filters=attractive"),
    ("/nasjonalt", ""),
    ("/kontorfellesskap", ""),
    ("/tiltak", ""),
    ("/om", ""),
]
FIGURE_DECIMALS = 1
# views of means (an index from 1 to 5) show two decimals
MEAN_FIGURES = {"relationships-chart-factory"}
MEAN_ADDRESSES = ("question=factory_index",)
OTHER_DECIMALS = 3
EXEMPT_KEYS = frozenset({"lat", "lon", "geojson", "coordinates"})
# a trace's drawing settings, set in code and not derived from data: a bar's width on its axis, a pattern's
# solidity, opacity, line widths
STYLE_KEYS = frozenset({"width", "fillpattern", "opacity", "line"})


def decimals(value: float) -> int:
    if value.is_integer():
        return 0
    text = repr(value)
    if "e" in text or "E" in text:
        mantissa, exponent = text.lower().split("e")
        places = len(mantissa.split(".")[1]) if "." in mantissa else 0
        return max(0, places - int(exponent))
    return len(text.split(".")[1]) if "." in text else 0


def too_fine(value: Any, allowed: int, where: str, found: list[str], graph: str | None = None) -> None:
    """Collect every float in ``value`` with more decimals than allowed (figures by their own rule)."""
    if isinstance(value, float):
        if decimals(value) > allowed:
            found.append(f"{where}: {value!r} (> {allowed} decimals)")
    elif isinstance(value, list):
        for item in value:
            too_fine(item, allowed, where, found, graph)
    elif isinstance(value, dict):
        if "data" in value and "layout" in value and isinstance(value["data"], list):
            _figure(value, graph or where, found)
            return
        own = value.get("id") if isinstance(value.get("id"), str) else None
        props = value.get("props")
        if isinstance(props, dict) and isinstance(props.get("id"), str):
            own = props["id"]
        for key, item in value.items():
            if key not in EXEMPT_KEYS:
                too_fine(item, allowed, f"{where}/{key}", found, own or graph)


_MEANS = False  # set per selection: the survey page shows means


def _figure(figure: dict, graph: str, found: list[str]) -> None:
    allowed = 2 if graph in MEAN_FIGURES or (_MEANS and graph == "survey-chart") else FIGURE_DECIMALS
    is_map = (figure.get("layout", {}).get("yaxis") or {}).get("scaleanchor") == "x"
    for number, trace in enumerate(figure["data"]):
        for key, item in trace.items():
            if key in EXEMPT_KEYS or key in STYLE_KEYS or (is_map and key in ("x", "y")):
                continue
            too_fine(item, allowed, f"{graph} trace {number} {trace.get('type', '')}.{key}", found, graph)


def _layout_values(component: Any, values: dict[str, Any]) -> None:
    """``"id.prop" → value`` of every component with an id in a layout (as JSON)."""
    if isinstance(component, dict):
        props = component.get("props")
        if isinstance(props, dict) and isinstance(props.get("id"), str):
            for prop, value in props.items():
                if prop != "children":
                    values[f"{props['id']}.{prop}"] = value
        for item in component.values():
            _layout_values(item, values)
    elif isinstance(component, list):
        for item in component:
            _layout_values(item, values)


def _page_values(page, search: str) -> dict[str, Any]:
    import inspect

    lang = "nb"
    layout = page.layout(lang, search) if len(inspect.signature(page.layout).parameters) > 1 else page.layout(lang)
    values: dict[str, Any] = {}
    _layout_values(json.loads(pio_json.to_json_plotly(layout)), values)
    for key in [k for k in values if k.endswith(".refresh")]:  # a dcc.Location: the page's address
        location = key.rsplit(".", 1)[0]
        values[f"{location}.search"] = search
        values[f"{location}.pathname"] = page.path
        values[f"{location}.href"] = f"http://localhost{page.path}{search}"
    return values


def _requests(app, values: dict[str, Any]):
    """A request for every callback whose plain inputs are all on this page."""
    for key, entry in app.callback_map.items():
        plain = [i["id"] for i in entry["inputs"] if not i["id"].startswith("{")]
        if not plain or not all(any(k.startswith(i + ".") for k in values) for i in plain):
            continue
        declared = entry["output"] if isinstance(entry["output"], list) else [entry["output"]]
        outputs = [_concrete(o.component_id_str(), o.component_property, {}, values, False) for o in declared]
        inputs = [_concrete(i["id"], i["property"], {}, values, True) for i in entry["inputs"]]
        state = [_concrete(s["id"], s["property"], {}, values, True) for s in entry["state"]]
        first = next(i for i in inputs if isinstance(i, dict))
        many = isinstance(entry["output"], list) and (
            len(outputs) > 1 or declared[0].component_id_str().startswith("{")
        )
        yield (
            key,
            {
                "output": key,
                "outputs": outputs if many else outputs[0],
                "inputs": inputs,
                "state": state,
                "changedPropIds": [f"{first['id']}.{first['property']}"],
            },
        )


@pytest.mark.parametrize("path, search", SELECTIONS, ids=[p + s for p, s in SELECTIONS])
def test_every_callback_answer_carries_numbers_as_shown(app, path, search):
    global _MEANS
    _MEANS = any(m in search for m in MEAN_ADDRESSES)
    page = next(p for p in pages() if p.path == path)
    client = app.server.test_client()
    values = _page_values(page, search)
    found: list[str] = []
    answered = 0
    for key, body in _requests(app, values):
        response = client.post("/_dash-update-component", json=body)
        if response.status_code != 200:
            continue  # PreventUpdate (204), or a callback that needs a login or a click
        answered += 1
        too_fine(response.get_json(), OTHER_DECIMALS, key, found)
    assert answered, f"no callback of {path} answered"
    assert not found, f"{path}{search}: numbers finer than shown:\n" + "\n".join(found[:10])


def test_the_initial_layout_carries_no_unrounded_number(app):
    client = app.server.test_client()
    found: list[str] = []
    too_fine(client.get("/_dash-layout").get_json(), OTHER_DECIMALS, "layout", found)
    with app.server.test_request_context("/"):  # as a page's layout is built: inside a request of the app
        for page in pages():
            too_fine(json.loads(pio_json.to_json_plotly(_page_values(page, ""))), OTHER_DECIMALS, page.path, found)
    assert not found, found[:10]


@pytest.mark.parametrize("path, search", [s for s in SELECTIONS if s[0] not in ("/nasjonalt",)])
def test_data_files_carry_numbers_as_shown(app, path, search):
    from app.web.views.export import export_name

    client = app.server.test_client()
    response = client.get(f"/data/{export_name(path)}.json{search}")
    if response.status_code == 404 and b"no" in response.data.lower():
        pytest.skip(f"{path} has no data file")
    assert response.status_code == 200, response.data[:300]
    found: list[str] = []
    for view in response.get_json()["views"]:
        kinds = {c["key"]: c["kind"] for c in view["columns"]}
        for row in view["rows"]:
            for key, value in row.items():
                if key == "suppressed":  # which cells are withheld, and why: words, not numbers
                    continue
                allowed = 1 if kinds[key] == "percent" else 0 if kinds[key] == "integer" else OTHER_DECIMALS
                too_fine(value, allowed, f"{view['id']}.{key}", found)
    assert not found, found[:10]


def test_the_check_finds_an_unrounded_number():
    """The walker itself: the survey comparison's old payload fails, its rounded one passes."""
    found: list[str] = []
    figure = {"data": [{"type": "scatter", "x": [1.1810608055217413], "error_x": {"array": [2.8604198827254117]}}]}
    too_fine({"figure": {**figure, "layout": {}}}, OTHER_DECIMALS, "answer", found)
    assert len(found) == 2
    found.clear()
    too_fine({"figure": {"data": [{"x": [1.2], "error_x": {"array": [2.8]}}], "layout": {}}}, 3, "answer", found)
    too_fine(
        {"lat": [60.123456789], "map": {"data": [{"x": [5.123456]}], "layout": {"yaxis": {"scaleanchor": "x"}}}},
        3,
        "m",
        found,
    )
    assert not found


def test_a_view_rounds_its_figure_once_and_leaves_a_maps_places_alone():
    import plotly.graph_objects as go

    from app.web.views import Column, DataTable, View

    table = DataTable([Column("value", "Andel", "percent", 1)], [])
    chart = go.Figure(
        go.Scatter(x=[1.1810608055217413], y=["a"], error_x={"array": [2.8604198827254117], "arrayminus": [2.93]})
    )
    View("v", "t", table, chart)
    assert chart.data[0].x == (1.2,) and chart.data[0].error_x.array == (2.9,)
    means = go.Figure(go.Bar(x=[3.14159]))
    View("m", "t", DataTable([Column("value", "Snitt", "number", 2)], []), means)
    assert means.data[0].x == (3.14,)
    places = go.Figure(go.Scatter(x=[5.123456], y=[60.654321], marker={"size": [12.3456]}))
    places.update_yaxes(scaleanchor="x")
    View("map", "t", table, places)
    assert places.data[0].x == (5.123456,) and places.data[0].marker.size == (12.3,)
