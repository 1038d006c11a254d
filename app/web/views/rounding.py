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


def round_figure(figure: go.Figure | None, decimals: int = 1) -> go.Figure | None:
    """``figure`` with the numbers of its traces rounded to ``decimals`` (in place; also returned).

    Each trace's properties are read where the trace keeps them (Plotly's ``_props``, falling back to a copy):
    copying every trace (``to_plotly_json``) copied the county map's 4 400 boundary points on each render only
    to leave them alone, and Plotly's own property lookup costs more still (issue 21 §5). Only a changed
    property is written back, through Plotly's API."""
    if figure is None:
        return None
    # a map drawn on equal-aspect axes (coworking spaces, the model map): x and y are places, not numbers
    places = ("x", "y") if figure.layout.yaxis.scaleanchor == "x" else ()
    with figure.batch_update():
        for trace in figure.data:
            props = getattr(trace, "_props", None)
            held: dict[str, Any] = props if isinstance(props, dict) else trace.to_plotly_json()
            for key in DATA_KEYS:
                if key in places or key in NOT_DATA or held.get(key) is None:
                    continue
                rounded = round_value(held[key], decimals)
                if not _same(rounded, held[key]):
                    trace[key] = rounded
            for key, inner in NESTED.items():
                nested = held.get(key)
                if not isinstance(nested, dict):
                    continue
                for name in inner:
                    value = nested.get(name)
                    if value is not None and not isinstance(value, str):
                        rounded = round_value(value, decimals)
                        if not _same(rounded, value):
                            trace[key][name] = rounded
    return figure


def _same(rounded: Any, value: Any) -> bool:
    """Whether rounding left ``value`` as it was (most of a page's numbers are rounded where they are made)."""
    if rounded is value:
        return True
    if isinstance(value, tuple):
        value = list(value)
    elif hasattr(value, "tolist"):
        return False  # a numpy array is written back as a list of rounded numbers
    return type(rounded) is type(value) and rounded == value
