"""A county's municipalities coloured by a model-based estimate, with its uncertainty on the map.

Drawn like the coworking map (plain scatter traces over the local boundaries, nothing fetched). The
colour is the estimate in five bands; a municipality whose 95 % interval is wider than
``WIDE_PP`` percentage points is hatched, so a planner sees at once where the model is unsure; one
the model cannot speak for is grey.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from app.language import format_share
from app.language import gettext as _
from app.query.boundaries import Ring
from app.web.kit.charts import base_layout, empty_figure, figure_of, layout_with, plain, ring_arrays

WIDE_PP = 20  # an interval wider than this (percentage points) is hatched
BLUES = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]  # light to dark; text stays readable
UNKNOWN_FILL = "#eeeeee"


def bands(values: Sequence[float]) -> list[float]:
    """Five equal bands over the estimates' range, at whole percentages."""
    low, high = min(values), max(values)
    low, high = int(100 * low) / 100, (int(100 * high) + 1) / 100
    step = (high - low) / 5 or 0.01
    return [low + k * step for k in range(6)]


def band_decimals(edges: Sequence[float]) -> int:
    """Decimals that tell the bands apart: none while every edge is a whole percentage, else one. Estimates
    within two points (14–16 %) make bands of 0,4 points, which whole percentages would label 15 %–15 %."""
    return 0 if all(abs(100 * e - round(100 * e)) < 1e-9 for e in edges) else 1


def model_map(
    shapes: Mapping[str, tuple[str, Sequence[Ring]]],
    estimates: Mapping[str, tuple[float, float, float]],
    chosen: set[str],
    lang: str,
    height: int = 560,
) -> go.Figure:
    """``estimates``: kommunenummer → (estimate, ci_low, ci_high) as proportions; ``chosen`` (a municipality,
    or a region's members) is outlined."""
    if not shapes:
        return empty_figure(_("No municipal boundaries to draw.", lang), lang)
    # the traces as dicts, and the figure made of them at once (``figure_of``: without validating each)
    traces: list[dict] = []
    edges = bands([e[0] for e in estimates.values()]) if estimates else []
    places = band_decimals(edges) if edges else 0
    labels = [  # each band's legend text, written once (not once per municipality)
        f"{format_share(edges[k], lang, places)}–{format_share(edges[k + 1], lang, places)}"
        for k in range(len(edges) - 1)
    ]
    shown: set[str] = set()
    for number, (name, rings) in sorted(shapes.items(), key=lambda item: item[0] in chosen):
        xs, ys = ring_arrays(rings)
        found = estimates.get(number)
        if found is None:
            key, fill, legend = "none", UNKNOWN_FILL, _("No model-based estimate", lang)
            text = f"{plain(name)}: " + _("no model-based estimate", lang)
            wide = False
        else:
            estimate, low, high = found
            band = min(4, max(0, next((k for k in range(5) if estimate < edges[k + 1]), 4)))
            fill = BLUES[band]
            key = f"band{band}"
            legend = labels[band]
            wide = (high - low) * 100 > WIDE_PP
            text = (
                f"<b>{plain(name)}</b><br>{format_share(estimate, lang, 1)} "  # as the table: a tenth of a point
                f"({format_share(low, lang, 1)}–{format_share(high, lang, 1)})"
            )
        traces.append(
            dict(
                type="scatter",
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=fill,
                fillpattern={"shape": "/", "fgcolor": "#333", "size": 7, "solidity": 0.25} if wide else None,
                line={"color": "#000" if number in chosen else "#555", "width": 3 if number in chosen else 0.7},
                name=legend,
                legendgroup=key,
                showlegend=False,  # the legend has one plain swatch per band (below), not a hatched shape
                hoveron="fills",
                text=text,
                hoverinfo="text",
            )
        )
        if key not in shown:
            shown.add(key)
            traces.append(
                dict(
                    type="scatter",
                    x=[None],
                    y=[None],
                    mode="markers",
                    marker={"symbol": "square", "size": 14, "color": fill, "line": {"color": "#555", "width": 1}},
                    name=legend,
                    legendgroup=key,
                    legendrank=int(key[4:]) if key.startswith("band") else 99,
                )
            )
    traces.append(  # a legend entry for the hatching
        dict(
            type="scatter",
            x=[None],
            y=[None],
            mode="markers",
            marker={
                "symbol": "square-x-open",
                "size": 14,
                "color": "#333",
            },
            name=_("Hatched: 95 % interval wider than {pp} percentage points", lang).format(pp=WIDE_PP),
            legendrank=100,
        )
    )
    return figure_of(
        traces,
        layout_with(
            base_layout(lang, height=height),
            xaxis={"visible": False},
            yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 2.0},  # about right at 60° N
            legend={"orientation": "v", "y": 1, "yanchor": "top", "x": 1.01},
            margin={"r": 10},
        ),
    )
