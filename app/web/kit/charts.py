"""One Plotly look for every chart: calm, colour-blind-safe (Okabe–Ito), Norwegian numbers.

Figures are built by pure functions of query results and language, so they are unit-tested
without a browser.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Sequence
from typing import Any, TypeVar

import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.utils import convert_to_base64

from app.language import percent_suffix

# Okabe & Ito (2008) colour-blind-safe palette; dark enough on white for text at large sizes.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
# Diverging scale for Likert items: positive end blue, negative end orange-red, neutral grey.
DIVERGING = ["#08519C", "#6BAED6", "#BDBDBD", "#F4A582", "#B2182B"]
SEPARATORS = {"nb": ",\u00a0", "nn": ",\u00a0", "en": ".,"}
# Inter, as the page's text (Designsystemet's digdir theme; served from assets/vendor/designsystemet/inter/); an
# image drawn where Inter is not installed falls back to the system's sans-serif
FONT = "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


Result = TypeVar("Result")

# Plotly's default template ("plotly"), cut to what these charts can use. Every figure carries its template
# (7 kB as JSON), copied when the figure is made, copied again when it is sent, and read by the browser.
# Its parts for other kinds of chart (3-D, polar, ternary and geographic axes; heatmaps, contours, surfaces and
# the other trace types) change nothing in a bar, line or table chart, so leaving them out changes no pixel
# of these and sends 3 kB instead of 7 per chart. A trace type not kept here would be drawn without
# Plotly's defaults for it: add it to TRACE_TYPES when a page starts using one.
TRACE_TYPES = ("bar", "scatter", "table")
OTHER_AXES = ("polar", "ternary", "scene", "geo", "mapbox", "map", "smith")


def _slim_template() -> go.layout.Template:
    full = pio.templates["plotly"].to_plotly_json()
    layout = {key: value for key, value in full["layout"].items() if key not in OTHER_AXES}
    data = {kind: traces for kind, traces in full["data"].items() if kind in TRACE_TYPES}
    return go.layout.Template(layout=layout, data=data)


pio.templates["fjernarbeid"] = _slim_template()
pio.templates.default = "fjernarbeid"


def plain(text: Any) -> Any:
    """Text from a codebook, a data file or a person as Plotly must draw it: as its own characters.

    Plotly reads a subset of HTML (``<b>``, ``<br>``, ``<a href>``, ``<span style>`` …) in every text of a
    figure — titles, tick labels, legend names, hover texts, annotations — and shows ``&lt;`` as ``<``.
    So such text is escaped once, where it enters a figure, and the figure's own markup stays markup.
    Anything that is not a string (None, a number) is returned as it is."""
    return html.escape(text, quote=False) if isinstance(text, str) else text


def plain_result(result: Result) -> Result:
    """A query result (``ShareResult``, ``MeanResult``) with its question, breakdown, group and answer
    labels made ``plain``, for a figure builder to draw."""
    texts = ("question", "by_label", "group", "label")

    def escaped(item: Any, **more: Any) -> Any:
        names = [f.name for f in dataclasses.fields(item) if f.name in texts]
        return dataclasses.replace(item, **{name: plain(getattr(item, name)) for name in names}, **more)

    more: dict[str, Any] = {}
    if hasattr(result, "rows"):
        more["rows"] = [escaped(row) for row in result.rows]
    if hasattr(result, "suppressed_groups"):
        more["suppressed_groups"] = [plain(group) for group in result.suppressed_groups]
    return escaped(result, **more)


def base_layout(lang: str, title: str | None = None, height: int = 420) -> dict:
    return dict(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 17}} if title else None,
        font={"family": FONT, "size": 14, "color": "#212529"},
        separators=SEPARATORS.get(lang, ",\u00a0"),
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 10, "r": 10, "t": 60 if title else 20, "b": 40},
        height=height,
        legend={"orientation": "h", "yanchor": "bottom", "y": -0.25, "x": 0},
        hoverlabel={"font": {"family": FONT}},
    )


def layout_with(layout: dict, **changes: Any) -> dict:
    """``layout`` with ``changes`` merged in, nested dicts key by key, as ``update_layout`` merges them: for
    ``figure_of``, whose figures Plotly's own ``update_*`` would check property by property (issue 21 §5).
    Write properties as Plotly stores them (an axis title as ``{"text": …}``)."""
    merged = dict(layout)
    for key, value in changes.items():
        old = merged.get(key)
        merged[key] = layout_with(old, **value) if isinstance(old, dict) and isinstance(value, dict) else value
    return merged


# Plotly's validation of every property of a trace built by ``figure_of`` (tests switch it on, to hold that
# the figures come out the same with it)
VALIDATE = False


def figure_of(traces: Sequence[dict], layout: dict | go.Layout) -> go.Figure:
    """A figure made at once from traces written as dicts (``{"type": "bar", ...}``), without Plotly checking
    and copying each property and each number of each list: the age pyramid's two traces of 106 bars took
    some 15 ms to validate, the county map's 50 traces 30 ms. The figure is the same as with validation
    (``tests/test_municipality_page.py`` compares them) and is used as any other: ``update_layout``,
    ``update_xaxes``, ``View``'s rounding."""
    return go.Figure(data=list(traces), layout=layout, _validate=VALIDATE)


def figure_json(figure: go.Figure) -> dict:
    """The figure as Plotly's ``to_dict`` gives it to the browser (data and layout, numpy arrays as typed-array
    specs), without its deep copy of every number: only the dicts and lists on the way to a value are copied
    (Plotly replaces numpy arrays in place), lists of numbers are shared. The copy was a fifth of a Kommune
    render (issue 21 §5). Plotly keeps a figure's properties in ``_data`` and ``_layout``."""

    def copied(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: copied(value) for key, value in node.items()}
        if isinstance(node, list | tuple) and any(isinstance(value, dict | list | tuple) for value in node):
            return [copied(value) for value in node]
        return node

    answer = {"data": copied(figure._data), "layout": copied(figure._layout)}
    convert_to_base64(answer)
    return answer


def empty_figure(message: str, lang: str) -> go.Figure:
    fig = go.Figure(layout=base_layout(lang, height=220))
    fig.add_annotation(text=message, showarrow=False, font={"size": 15})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def percent_axis(fig: go.Figure, axis: str = "x", lang: str = "nb", max_value: float = 100) -> None:
    update = percent_axis_settings(lang, max_value)
    (fig.update_xaxes if axis == "x" else fig.update_yaxes)(**update)


def percent_axis_settings(lang: str, max_value: float = 100) -> dict:
    """A 0–``max_value`` % axis, with the language's percent sign spacing."""
    return {
        "ticksuffix": percent_suffix(lang),
        "range": [0, max_value],
        "gridcolor": "#e5e5e5",
        "zeroline": False,
    }


GRAPH_CONFIG = {
    "displaylogo": False,
    # images come from each chart's download menu (with title, selection and source, drawn on the server);
    # nothing is sent to Plotly's cloud
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage", "sendDataToCloud"],
    "showSendToCloud": False,
    "showEditInChartStudio": False,
}


def graph_config(lang: str, **extra: object) -> Any:  # Dash's stub wants its own Config type for the same keys
    """The charts' toolbar settings, with Plotly's own texts (tooltips, dates) in the page's language
    (``assets/plotly_locales.js``; English is Plotly's default)."""
    return {**GRAPH_CONFIG, "locale": lang if lang in ("nb", "nn") else "en", **extra}


def ring_lines(rings: Sequence[Sequence[tuple[float, float]]]) -> tuple[list, list]:
    """All rings of a municipality as one None-separated line, so it is one trace."""
    xs: list = []
    ys: list = []
    for ring in rings:
        xs.extend([x for x, _ in ring] + [None])
        ys.extend([y for _, y in ring] + [None])
    return xs, ys


def ring_arrays(rings: Sequence[Sequence[tuple[float, float]]]) -> tuple[Any, Any]:
    """``ring_lines`` as two float32 arrays, the rings separated by NaN (a gap, as None is).

    A county map carries some 4 400 points: as lists Plotly validates and copies every number, and the
    answer writes each as text; as arrays they are checked as one, copied as one block, and sent as
    Plotly's typed arrays (base64, 4 bytes a number). float32 keeps a coordinate to well under a metre."""
    import numpy as np

    count = sum(len(ring) + 1 for ring in rings)
    xs = np.empty(count, dtype=np.float32)
    ys = np.empty(count, dtype=np.float32)
    at = 0
    for ring in rings:
        points = np.asarray(ring, dtype=np.float32).reshape(-1, 2)
        xs[at : at + len(points)], ys[at : at + len(points)] = points[:, 0], points[:, 1]
        xs[at + len(points)] = ys[at + len(points)] = np.nan
        at += len(points) + 1
    return xs, ys
