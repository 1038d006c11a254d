"""Numbers leave the server as they are shown: rounded once, to the view's displayed precision.

A chart's hover shows 1,2 but its trace carried 1.1810608055217413: anyone who opens the browser's
network tab (or a downloaded data file) would get the unrounded estimate, which rounding on the
screen is meant to withhold (the differencing arithmetic of disclosure control needs exact numbers).
``round_figure`` rounds every number a figure's traces carry — x, y, z, base, error bars, customdata,
numeric text, marker sizes — to ``decimals``; ``View`` applies it to its figure (``views.py``), so
every chart a page, a slide, an image or a handout shows is rounded in one place.

Map coordinates and geometry are left alone — ``lat``, ``lon``, ``geojson``, ``locations``, and x and y of
a map drawn on equal-aspect axes (``scaleanchor``): they are public boundaries and addresses, not estimates.
"""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go

# trace properties that are places on a map, not numbers derived from the data
NOT_DATA = frozenset({"lat", "lon", "geojson", "locations", "featureidkey", "coordinates"})
# the trace's data arrays (and nested objects holding data arrays)
DATA_KEYS = ("x", "y", "z", "base", "text", "customdata", "values", "r", "theta", "open", "high", "low", "close")
NESTED = {
    "error_x": ("array", "arrayminus", "value", "valueminus"),
    "error_y": ("array", "arrayminus", "value", "valueminus"),
    "marker": ("size", "color"),
    "cells": ("values",),
}


def round_value(value: Any, decimals: int) -> Any:
    """``value`` with every float in it rounded (lists, tuples and numpy arrays walked); anything else as is."""
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return value
        rounded = round(value, decimals)
        return int(rounded) if decimals <= 0 else rounded
    if isinstance(value, list | tuple):
        return [round_value(v, decimals) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return round_value(value.tolist(), decimals)
    return value


def round_trace(trace: dict[str, Any], decimals: int) -> dict[str, Any]:
    """A trace (as a dict) with its data arrays rounded."""
    out = dict(trace)
    for key in DATA_KEYS:
        if key in out and key not in NOT_DATA:
            out[key] = round_value(out[key], decimals)
    for key, inner in NESTED.items():
        if isinstance(out.get(key), dict):
            nested = dict(out[key])
            for name in inner:
                if name in nested and not isinstance(nested[name], str):
                    nested[name] = round_value(nested[name], decimals)
            out[key] = nested
    return out


def round_figure(figure: go.Figure | None, decimals: int = 1) -> go.Figure | None:
    """``figure`` with the numbers of its traces rounded to ``decimals`` (in place; also returned)."""
    if figure is None:
        return None
    # a map drawn on equal-aspect axes (coworking spaces, the model map): x and y are places, not numbers
    places = ("x", "y") if figure.layout.yaxis.scaleanchor == "x" else ()
    rounded = [round_trace(trace.to_plotly_json(), decimals) for trace in figure.data]
    with figure.batch_update():
        for trace, data in zip(figure.data, rounded, strict=True):
            for key in (*DATA_KEYS, *NESTED):
                if key in data and key in trace and key not in places:
                    trace[key] = data[key]
    return figure
