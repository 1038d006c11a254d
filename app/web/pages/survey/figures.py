"""Figures for the survey explorer, as pure functions of query results and language.

Likert items become diverging stacked bars (agreeing side right of zero, disagreeing left, the
neutral answer split across zero); other coded questions grouped bars with 95 % intervals;
numeric variables bars of means with intervals. Suppressed groups keep their row, labelled
"too few respondents", so a missing bar is never unexplained.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from app.language import format_interval, format_number, format_share, percent_suffix
from app.language import gettext as _
from app.query.estimates import EstimateRow, MeanResult, ShareResult
from app.web.kit.charts import DIVERGING, PALETTE, base_layout, empty_figure, percent_axis, plain, plain_result
from app.web.views import listed_rows

MAX_COLOUR_GROUPS = 6  # more groups than this: one row per group instead of one colour per group


def _pct(proportion: float | None) -> float:
    """A proportion as the percentage the chart draws: to the tenth shown (no finer number leaves the server)."""
    return round(100 * (proportion or 0.0), 1)


def group_label(group: str, n: int | None, lang: str) -> str:
    """``Kvinne (n = 240)``; a suppressed group keeps just its name."""
    return group if n is None else f"{group} (n = {format_number(n, lang)})"


def number_text(value: float | None, lang: str, decimals: int = 0) -> str:
    """A number as shown, or "–" when there is none."""
    return "–" if value is None else format_number(value, lang, decimals)


def share_text(proportion: float | None, lang: str, decimals: int = 1) -> str:
    """A proportion as a percentage, or "–" when there is none."""
    return "–" if proportion is None else format_share(proportion, lang, decimals)


def _gap(end: float | None, start: float | None) -> float | None:
    """``end − start`` to two decimals (an error bar's length); None, no bar, when either is missing."""
    return None if end is None or start is None else round(end - start, 2)


def _hover(row: EstimateRow, lang: str) -> str:
    return (
        f"<b>{row.group}</b><br>{row.label}: {share_text(row.estimate, lang)}<br>"
        + _("95 % interval: {interval}", lang).format(interval=format_interval(row.ci_low, row.ci_high, lang, 1))
        + f"<br>n = {number_text(row.n, lang)}"
    )


def _groups(result) -> list[tuple[str, int | None, bool]]:
    """(name, n, suppressed) per listed group, in order."""
    seen: dict[str, tuple[str, int | None, bool]] = {}
    for row in listed_rows(result.rows):
        seen.setdefault(row.group, (row.group, row.n, row.suppressed))
    return list(seen.values())


def _height(rows: int, per_row: int = 34, extra: int = 150) -> int:
    return max(300, min(1600, extra + per_row * rows))


def _too_few_trace(labels: list[str], lang: str, x: float = 0) -> go.Scatter:
    """A text-only row for each suppressed group: the label stays, the bar is replaced by words."""
    return go.Scatter(
        x=[x] * len(labels),
        y=labels,
        mode="text",
        text=[_("too few respondents", lang)] * len(labels),
        textposition="middle right",
        textfont={"color": "#495057", "size": 13},
        hoverinfo="skip",
        showlegend=False,
        cliponaxis=False,
    )


def likert_sides(codes: list) -> tuple[list, list, list]:
    """Split category codes (in answer order, positive end first) into positive, neutral and negative.

    A collapsed code like ``"1+2"`` counts by its first answer code. With an odd number of
    original answers the middle one is neutral.
    """
    first = [int(str(c).split("+")[0]) for c in codes]
    last = [int(str(c).split("+")[-1]) for c in codes]
    low, high = min(first), max(last)
    middle = (low + high) / 2
    spans = list(zip(codes, first, last, strict=True))
    positive = [c for c, _start, end in spans if end < middle]
    neutral = [c for c, start, end in spans if start == middle == end]
    negative = [c for c, start, _end in spans if start > middle]
    return positive, neutral, negative


def _side_colours(positive: list, negative: list) -> dict:
    colours = {}
    pos_scale, neg_scale = DIVERGING[:2], DIVERGING[3:]
    for i, code in enumerate(positive):  # extreme first → darkest
        colours[code] = pos_scale[min(i, len(pos_scale) - 1)] if len(positive) > 1 else pos_scale[0]
    for i, code in enumerate(reversed(negative)):  # extreme last → darkest
        colours[code] = neg_scale[::-1][min(i, len(neg_scale) - 1)] if len(negative) > 1 else neg_scale[-1]
    return colours


def likert_figure(result: ShareResult, title: str, lang: str) -> go.Figure:
    """Diverging stacked bars: one row per group, negative answers to the left of zero."""
    result, title = plain_result(result), plain(title)  # codebook texts drawn as text, never as markup
    groups = _groups(result)
    shown = [g for g in groups if not g[2]]
    if not shown:
        return empty_figure(_("Too few respondents to show", lang), lang)
    labels = {name: group_label(name, n, lang) for name, n, _s in groups}
    codes = list(dict.fromkeys(r.code for r in result.rows))
    names = {r.code: r.label for r in result.rows}
    positive, neutral, negative = likert_sides(codes)
    colours = _side_colours(positive, negative)
    colours.update({c: DIVERGING[2] for c in neutral})
    fig = go.Figure(layout=base_layout(lang, title, height=_height(len(groups), 44, 190)))
    rank = {c: i for i, c in enumerate(codes)}

    def add(code, sign: int, half: bool, legend: bool):
        rows = [r for r in result.rows if r.code == code and not r.suppressed]
        factor = 0.5 if half else 1.0
        fig.add_trace(
            go.Bar(
                y=[labels[r.group] for r in rows],
                x=[round(sign * factor * _pct(r.estimate), 2) for r in rows],
                orientation="h",
                name=names[code],
                marker_color=colours[code],
                legendrank=rank[code],
                legendgroup=str(code),
                showlegend=legend,
                customdata=[_hover(r, lang) for r in rows],
                hovertemplate="%{customdata}<extra></extra>",
                text=[
                    format_share(r.estimate, lang, 0)
                    if r.estimate is not None and r.estimate * factor >= 0.08 and not half
                    else ""
                    for r in rows
                ],
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,
                textfont={"color": "white" if colours[code] in (DIVERGING[0], DIVERGING[4]) else "#212529"},
            )
        )

    # Stacking runs outwards from zero in trace order on each side.
    for code in neutral:
        add(code, -1, True, False)
        add(code, 1, True, True)
    for code in negative:
        add(code, -1, False, True)
    for code in reversed(positive):
        add(code, 1, False, True)
    _add_side_intervals(fig, result, shown, labels, neutral)
    hidden = [labels[name] for name, _n, s in groups if s]
    if hidden:
        fig.add_trace(_too_few_trace(hidden, lang, x=0))
    fig.update_layout(barmode="relative", bargap=0.35)
    bottom_legend(fig)
    fig.update_yaxes(
        autorange="reversed", categoryorder="array", categoryarray=[labels[g[0]] for g in groups], automargin=True
    )
    reach = _reach(result, positive, neutral, negative)
    ticks = list(range(-reach, reach + 1, 25))
    fig.update_xaxes(
        range=[-reach, reach],
        tickvals=ticks,
        ticktext=[f"{abs(v)}{percent_suffix(lang)}" for v in ticks],
        gridcolor="#e5e5e5",
        zeroline=True,
        zerolinecolor="#212529",
        zerolinewidth=1.5,
    )
    return fig


def _add_side_intervals(fig: go.Figure, result: ShareResult, shown: list, labels: dict, neutral: list) -> None:
    """The 95 % interval of the share at each end of a diverging bar, drawn where that end is."""
    by_group = {r.group: r.group_code for r in result.rows}
    for side, sign in (("positive", 1), ("negative", -1)):
        xs, ys, plus, minus = [], [], [], []
        for name, _n, _s in shown:
            end = result.sides.get(by_group[name], {}).get(side)
            if end is None or end.ci_low is None or end.ci_high is None:
                continue
            middle = sum(r.estimate or 0 for r in result.rows if r.group == name and r.code in neutral) / 2
            xs.append(round(sign * (_pct(middle) + _pct(end.estimate)), 2))
            ys.append(labels[name])
            high = round(_pct(end.ci_high) - _pct(end.estimate), 1)
            low = round(_pct(end.estimate) - _pct(end.ci_low), 1)
            plus.append(high if sign > 0 else low)
            minus.append(low if sign > 0 else high)
        if xs:
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="markers",
                    marker={"size": 1, "color": "#212529"},
                    showlegend=False,
                    hoverinfo="skip",
                    error_x={
                        "type": "data",
                        "symmetric": False,
                        "array": plus,
                        "arrayminus": minus,
                        "color": "#212529",
                        "thickness": 1.5,
                        "width": 5,
                    },
                )
            )


def _reach(result: ShareResult, positive: list, neutral: list, negative: list) -> int:
    """Half-width of a symmetric axis that holds the longest side, in steps of 25 percentage points."""
    longest = 0.0
    for name, _n, suppressed in _groups(result):
        if suppressed:
            continue
        rows = [r for r in result.rows if r.group == name]
        share = {r.code: (r.estimate or 0) for r in rows}
        middle = sum(share[c] for c in neutral) / 2
        ends = result.sides.get(rows[0].group_code, {}) if rows else {}
        reach = {
            side: max(sum(share[c] for c in codes), (ends[side].ci_high or 0) if side in ends else 0)
            for side, codes in (("positive", positive), ("negative", negative))
        }
        longest = max(longest, middle + reach["positive"], middle + reach["negative"])
    return int(min(100, max(25, 25 * math.ceil(round(100 * longest, 6) / 25))))


def bottom_legend(fig: go.Figure) -> None:
    """The legend below the plot at a fixed distance, so it never covers the axis of a short chart."""
    fig.update_layout(
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0}, margin={"b": 100}
    )


def bar_figure(result: ShareResult, title: str, lang: str) -> go.Figure:
    """Horizontal bars with 95 % intervals (error bars).

    Without a breakdown one row per answer; with a few groups one colour per group (rows are
    answers); with many groups one row per group and one colour per answer.
    """
    result, title = plain_result(result), plain(title)  # codebook texts drawn as text, never as markup
    groups = _groups(result)
    shown = [g for g in groups if not g[2]]
    if not shown:
        return empty_figure(_("Too few respondents to show", lang), lang)
    labels = {name: group_label(name, n, lang) for name, n, _s in groups}
    codes = list(dict.fromkeys(r.code for r in result.rows))
    names = {r.code: r.label for r in result.rows}
    rows_ok = [r for r in result.rows if not r.suppressed]
    hidden = [labels[name] for name, _n, s in groups if s]
    fig = go.Figure()
    if result.by is None:
        _add_bars(fig, rows_ok, [r.label for r in rows_ok], labels[shown[0][0]], PALETTE[0], lang)
        categories, n_rows = [r.label for r in rows_ok], len(rows_ok)
    elif len(groups) > MAX_COLOUR_GROUPS:
        for i, code in enumerate(codes):
            rows = [r for r in rows_ok if r.code == code]
            _add_bars(fig, rows, [labels[r.group] for r in rows], names[code], PALETTE[i % len(PALETTE)], lang)
        if hidden:
            fig.add_trace(_too_few_trace(hidden, lang))
        categories, n_rows = [labels[g[0]] for g in groups], len(groups) * max(1, len(codes) // 2)
    else:
        for i, (name, _n, suppressed) in enumerate(groups):
            rows = [r for r in rows_ok if r.group == name]
            trace_name = labels[name] if not suppressed else _("{group}: too few respondents", lang).format(group=name)
            _add_bars(fig, rows or [], [names[r.code] for r in rows], trace_name, PALETTE[i % len(PALETTE)], lang)
        categories, n_rows = [names[c] for c in codes], len(codes) * len(shown)
    top = max((r.ci_high if r.ci_high is not None else r.estimate or 0) for r in rows_ok)
    fig.update_layout(base_layout(lang, title, height=_height(n_rows, 22, 200)))
    fig.update_layout(barmode="group", bargap=0.25, showlegend=result.by is not None)
    if result.by is not None:
        bottom_legend(fig)
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=categories, automargin=True)
    percent_axis(fig, "x", lang, max_value=min(100, max(10, round(100 * top + 8))))
    return fig


def _add_bars(
    fig: go.Figure,
    rows: list[EstimateRow],
    y: list[str],
    name: str,
    colour: str,
    lang: str,
    visible_in_legend: bool = True,
) -> None:
    x = [_pct(r.estimate) for r in rows]
    fig.add_trace(
        go.Bar(
            x=x,
            y=y,
            orientation="h",
            name=name,
            marker_color=colour,
            showlegend=visible_in_legend,
            error_x={
                "type": "data",
                "symmetric": False,
                "color": "#343a40",
                "thickness": 1.2,
                "width": 3,
                "array": [
                    round(_pct(r.ci_high if r.ci_high is not None else r.estimate) - _pct(r.estimate), 1) for r in rows
                ],
                "arrayminus": [
                    round(_pct(r.estimate) - _pct(r.ci_low if r.ci_low is not None else r.estimate), 1) for r in rows
                ],
            },
            customdata=[_hover(r, lang) for r in rows],
            hovertemplate="%{customdata}<extra></extra>",
        )
    )


def mean_figure(result: MeanResult, title: str, lang: str) -> go.Figure:
    """Bars of weighted means with 95 % intervals, one row per group."""
    result, title = plain_result(result), plain(title)  # codebook texts drawn as text, never as markup
    shown = [r for r in result.rows if not r.suppressed]
    if not shown:
        return empty_figure(_("Too few respondents to show", lang), lang)
    labels = [group_label(r.group, r.n, lang) for r in listed_rows(result.rows)]
    fig = go.Figure(layout=base_layout(lang, title, height=_height(len(result.rows), 40, 170)))
    fig.add_trace(
        go.Bar(
            x=[r.estimate for r in shown],
            y=[group_label(r.group, r.n, lang) for r in shown],
            orientation="h",
            marker_color=PALETTE[0],
            showlegend=False,
            error_x={
                "type": "data",
                "symmetric": False,
                "color": "#343a40",
                "thickness": 1.2,
                "width": 3,
                "array": [_gap(r.ci_high, r.estimate) for r in shown],
                "arrayminus": [_gap(r.estimate, r.ci_low) for r in shown],
            },
            customdata=[
                f"<b>{r.group}</b><br>"
                + _("Mean", lang)
                + f": {number_text(r.estimate, lang, 2)}<br>"
                + _("95 % interval: {interval}", lang).format(
                    interval=format_interval(r.ci_low, r.ci_high, lang, 2, share=False)
                )
                + f"<br>n = {number_text(r.n, lang)}"
                for r in shown
            ],
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    hidden = [group_label(r.group, None, lang) for r in listed_rows(result.rows) if r.suppressed]
    if hidden:
        fig.add_trace(_too_few_trace(hidden, lang, x=0))
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels, automargin=True)
    fig.update_xaxes(gridcolor="#e5e5e5", rangemode="tozero", title=_("Mean", lang))
    return fig
