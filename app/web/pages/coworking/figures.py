"""Figures for the coworking page, as pure functions of query results (unit-tested without a browser).

The map is drawn with plain cartesian scatter traces over the local municipal boundaries: no map
tiles, no Mapbox, no world topojson — nothing is fetched from the internet.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from app.language import N_, format_number
from app.language import gettext as _
from app.query.boundaries import Ring, bbox
from app.query.coworking import MunicipalityCapacity, Space
from app.web.kit.charts import PALETTE, base_layout, empty_figure, plain, ring_lines
from app.web.kit.shared_texts import seats_text

Boundaries = Mapping[str, tuple[str, Sequence[Ring]]]

STATUS_STYLE = {  # colour and symbol, so status does not rely on colour alone
    "active": (PALETTE[0], "circle"),
    "planned": (PALETTE[5], "diamond"),
    "closed": ("#6c757d", "x"),
}
STATUS_LEGEND = {"active": N_("Active space"), "planned": N_("Planned space"), "closed": N_("Closed space")}
OFFER_FILL, OFFER_LINE = "rgba(86, 180, 233, 0.18)", "#4a6f8a"
NO_OFFER_FILL, NO_OFFER_LINE = "rgba(230, 159, 0, 0.35)", "#8a5a00"
CONTEXT_FILL, CONTEXT_LINE = "rgba(0, 0, 0, 0.03)", "#c8c8c8"


def _label_point(rings: Sequence[Ring]) -> tuple[float, float]:
    """A point for the name: the centre of the largest ring's bounding box (good enough for labels)."""
    largest = max(rings, key=len)
    x0, y0, x1, y1 = bbox([largest])
    return (x0 + x1) / 2, (y0 + y1) / 2


def map_figure(
    scope: Boundaries, context: Boundaries, spaces: Sequence[Space], no_offer: set[str], lang: str, height: int = 520
) -> go.Figure:
    """Municipalities of the region (hatched where there is no offer), neighbours in grey, spaces as
    markers sized by seats."""
    if not scope:
        return empty_figure(_("No municipal boundaries to draw.", lang), lang)
    fig = go.Figure(layout=base_layout(lang, height=height))
    for _number, (_name, rings) in context.items():
        xs, ys = ring_lines(rings)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=CONTEXT_FILL,
                line={"color": CONTEXT_LINE, "width": 0.6},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    shown = {"offer": False, "none": False}
    for number, (name, rings) in scope.items():
        xs, ys = ring_lines(rings)
        empty = number in no_offer
        key = "none" if empty else "offer"
        legend = _("No space", lang) if empty else _("Has a space", lang)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                name=legend,
                legendgroup=key,
                showlegend=not shown[key],
                fillcolor=NO_OFFER_FILL if empty else OFFER_FILL,
                fillpattern={"shape": "/", "fgcolor": NO_OFFER_LINE, "size": 8, "solidity": 0.15} if empty else None,
                line={"color": NO_OFFER_LINE if empty else OFFER_LINE, "width": 1.2},
                hoveron="fills",
                text=plain(name),
                hoverinfo="text",
            )
        )
        shown[key] = True
    labels = [_label_point(rings) for _, rings in scope.values()]
    fig.add_trace(
        go.Scatter(
            x=[p[0] for p in labels],
            y=[p[1] for p in labels],
            mode="text",
            text=[plain(name) for name, _ in scope.values()],
            textfont={"size": 13, "color": "#333"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    placed = [s for s in spaces if s.latitude is not None and s.longitude is not None]
    for status in ("active", "planned", "closed"):
        group = [s for s in placed if s.status == status]
        if not group:
            continue
        colour, symbol = STATUS_STYLE[status]
        fig.add_trace(
            go.Scatter(
                x=[s.longitude for s in group],
                y=[s.latitude for s in group],
                mode="markers",
                name=_(STATUS_LEGEND[status], lang),
                marker={  # a space whose seats are unknown: the smallest marker, and "unknown" when pointed at
                    "size": [8 + 2.2 * math.sqrt(s.seats or 0) for s in group],
                    "color": colour,
                    "symbol": symbol,
                    "line": {"color": "white", "width": 1.2},
                    "opacity": 0.9,
                },
                # what editors type is drawn as text: Plotly would read markup in it
                customdata=[[plain(s.name), seats_text(s.seats, lang), plain(s.municipality)] for s in group],
                hovertemplate="<b>%{customdata[0]}</b><br>"
                + _("Seats", lang)
                + ": %{customdata[1]}<br>"
                + _("Municipality", lang)
                + ": %{customdata[2]}<extra></extra>",
            )
        )
    x0, y0, x1, y1 = bbox(r for _, rings in scope.values() for r in rings)
    pad_x, pad_y = (x1 - x0) * 0.04 + 0.02, (y1 - y0) * 0.04 + 0.02
    mean_lat = (y0 + y1) / 2
    fig.update_xaxes(visible=False, range=[x0 - pad_x, x1 + pad_x], constrain="domain")
    fig.update_yaxes(
        visible=False,
        range=[y0 - pad_y, y1 + pad_y],
        scaleanchor="x",
        scaleratio=1 / math.cos(math.radians(mean_lat)),
        constrain="domain",
    )
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 10, "b": 10},
        dragmode="pan",
        legend={"orientation": "h", "yanchor": "top", "y": -0.01, "x": 0},
    )
    return fig


@dataclass(frozen=True)
class DemandRow:
    """Seats in a municipality next to a rough indicator of employed residents who use home office weekly."""

    kommunenummer: str
    name: str
    population: int
    seats: int  # of the spaces that say how many
    seats_per_1000: float | None  # None: every space's seats are unknown
    remote_weekly: float | None  # employed residents × survey share, to the nearest ten; None: share suppressed
    seats_per_1000_remote: float | None  # None also when every space's seats are unknown
    employed: int | None = None  # employed residents aged 15–74 (SSB 11618)
    employed_period: str | None = None  # e.g. "2022-Q4"
    spaces: int = 0
    unknown_seats: int = 0  # spaces whose seats are unknown: the rates count the known seats only (a lower bound)

    @property
    def seats_unknown(self) -> bool:
        """Whether no space of the municipality says how many seats it has (there is no number to show)."""
        return self.spaces > 0 and self.unknown_seats == self.spaces


def demand_rows(capacity: Sequence[MunicipalityCapacity], weekly_share: float | None) -> list[DemandRow]:
    """The indicator: the survey's share using home office at least weekly × the municipality's employed
    residents aged 15–74 (SSB 11618), the population the share is a share of.

    Rough on purpose: the share is the whole survey's (employed people aged 25–60), not the municipality's,
    so it shows relative need between municipalities rather than a head count. Without employed residents
    loaded there is no indicator.
    """
    rows = []
    for m in capacity:
        remote = None if weekly_share is None or m.employed is None else float(round(weekly_share * m.employed, -1))
        unknown = m.spaces > 0 and m.unknown_seats == m.spaces
        per_remote = round(1000 * m.seats / remote, 1) if remote and not unknown else None
        rows.append(
            DemandRow(
                m.kommunenummer,
                m.name,
                m.population,
                m.seats,
                None if unknown else m.seats_per_1000,
                remote,
                per_remote,
                m.employed,
                m.employed_period,
                m.spaces,
                m.unknown_seats,
            )
        )
    return rows


def demand_figure(rows: Sequence[DemandRow], lang: str, height: int = 380) -> go.Figure:
    """Horizontal bars: seats per 1 000 residents who use home office weekly, per municipality."""
    usable = sorted(
        ((r, r.seats_per_1000_remote) for r in rows if r.seats_per_1000_remote is not None), key=lambda pair: pair[1]
    )  # (row, indicator)
    if not usable:
        return empty_figure(_("Too few respondents to estimate the indicator.", lang), lang)
    height = max(height, 90 + 34 * len(usable))
    title = _("Seats per 1 000 employed residents<br>who use home office at least weekly", lang)
    fig = go.Figure(layout=base_layout(lang, title, height=height))
    fig.add_trace(
        go.Bar(
            y=[plain(r.name) for r, _indicator in usable],
            x=[indicator for _r, indicator in usable],
            orientation="h",
            marker={"color": [NO_OFFER_LINE if r.spaces == 0 else PALETTE[0] for r, _indicator in usable]},
            text=[format_number(indicator, lang, 1) if r.spaces else _("no space", lang) for r, indicator in usable],
            textposition="outside",
            cliponaxis=False,
            customdata=[
                [municipality_seats_text(r, lang), format_number(round(r.remote_weekly or 0, -1), lang)]
                for r, _indicator in usable
            ],
            hovertemplate="<b>%{y}</b><br>"
            + _("Seats", lang)
            + ": %{customdata[0]}<br>"
            + _("Employed residents who use home office at least weekly", lang)
            + ": ≈ %{customdata[1]}<extra></extra>",
            showlegend=False,
        )
    )
    top = max(indicator for _r, indicator in usable)
    fig.update_xaxes(
        title=_("Seats per 1 000 (rough indicator)", lang),
        gridcolor="#e5e5e5",
        range=[0, top * 1.2 if top else 1],
        zeroline=True,
        zerolinecolor="#999",
    )
    fig.update_yaxes(automargin=True)
    fig.update_layout(margin={"l": 10, "r": 30, "t": 80, "b": 50})
    return fig


def municipality_seats_text(row: DemandRow, lang: str) -> str:
    """A municipality's seats as the table says them: "12", "12 (1 without a number)", or "unknown"."""
    if row.seats_unknown:
        return seats_text(None, lang)
    if row.unknown_seats:
        return (
            format_number(row.seats, lang)
            + " ("
            + _("{n} without a number", lang).format(n=format_number(row.unknown_seats, lang))
            + ")"
        )
    return format_number(row.seats, lang)
