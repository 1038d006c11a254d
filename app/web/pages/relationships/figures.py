"""The pure pieces of the Samanhengar page: readings written from the estimates, tests in plain
words, figures with 95 % intervals, and the tables that are the charts' text alternative.

Functions of query results and language only (no database, no callbacks), unit-tested in
tests/test_relationships_figures.py.
"""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go
from dash import dcc, html

from app.language import N_, format_number, format_share, percent_suffix
from app.language import gettext as _
from app.query.estimates import EstimateRow, MeanResult, ShareResult, Test
from app.query.relationships import WALD_METHOD
from app.web.kit.charts import PALETTE, base_layout, figure_of, percent_axis, percent_axis_settings, plain
from app.web.views.light_table import rows_table

ALPHA = 0.05


# --- numbers ------------------------------------------------------------------------------------


def top_rows(result: ShareResult) -> list[EstimateRow]:
    """The first answer category of each group: the merged top-2 share when ``collapse='top2'``."""
    seen, rows = set(), []
    for row in result.rows:
        if row.group_code not in seen:
            seen.add(row.group_code)
            rows.append(row)
    return rows


def shown_rows(rows) -> list:
    return [r for r in rows if not r.suppressed and r.estimate is not None]


def _interval_text(row, lang: str) -> str:
    """``76 % (70–81)``; the interval in percentage points of the same scale."""
    if row.suppressed or row.estimate is None:
        return _("too few respondents", lang)
    text = format_share(row.estimate, lang, 0)
    if row.ci_low is not None and row.ci_high is not None:
        text += f" ({format_number(row.ci_low * 100, lang)}–{format_number(row.ci_high * 100, lang)})"
    return text


def p_text(p_value: float, lang: str) -> str:
    return "p < " + format_number(0.001, lang, 3) if p_value < 0.001 else "p = " + format_number(p_value, lang, 3)


def _method(test: Test, lang: str) -> str:
    return _("Wald test", lang) if test.method == WALD_METHOD else _("Rao–Scott test", lang)


def describe_test(test: Test | None, lang: str) -> str:
    """The test in plain words: significant or not, with method and p-value."""
    if test is None:
        return _("No test: too few groups with enough respondents, or too sparse a table.", lang)
    values = {"method": _method(test, lang), "p": p_text(test.p_value, lang)}
    if test.p_value < ALPHA:
        return _(
            "The difference is statistically significant ({method}, {p}): a difference this large would "
            "rarely arise by chance alone.",
            lang,
        ).format(**values)
    return _(
        "The difference is not statistically significant ({method}, {p}): it could be due to chance.", lang
    ).format(**values)


def statement_tests(results: list[ShareResult], lang: str) -> list[str]:
    lines = []
    for result in results:
        if result.test is None:
            lines.append(f"{result.question}: " + describe_test(None, lang))
            continue
        values = {
            "statement": result.question,
            "method": _method(result.test, lang),
            "p": p_text(result.test.p_value, lang),
        }
        template = (
            N_("“{statement}”: statistically significant difference ({method}, {p}).")
            if result.test.p_value < ALPHA
            else N_("“{statement}”: no statistically significant difference ({method}, {p}).")
        )
        lines.append(_(template, lang).format(**values))
    return lines


def first_and_last(rows):
    shown = shown_rows(rows)
    return (shown[0], shown[-1]) if len(shown) >= 2 else None


def reading_agree(results: list[ShareResult], lang: str) -> str:
    """The statement whose share differs most between the first and last group, in one sentence."""
    best = None
    for result in results:
        ends = first_and_last(top_rows(result))
        if ends and (best is None or abs(ends[0].estimate - ends[1].estimate) > best[0]):
            best = (abs(ends[0].estimate - ends[1].estimate), result, ends)
    if best is None:
        return _("Too few respondents in the groups to compare.", lang)
    _gap, result, (first, last) = best
    return _(
        "Among those answering “{a}”, {x} agree with “{statement}”, compared with {y} among those answering “{b}”.",
        lang,
    ).format(
        a=first.group,
        x=format_share(first.estimate, lang, 0),
        statement=result.question,
        y=format_share(last.estimate, lang, 0),
        b=last.group,
    )


def over_half_hour(result: ShareResult) -> list[tuple[str, float | None, float | None, float | None]]:
    """Per group: the share accepting more than 30 minutes (1 − "up to 30 minutes") and its interval.

    The logit interval of a complement is the complement of the interval, so it carries over.
    """
    out: list[tuple[str, float | None, float | None, float | None]] = []
    for row in top_rows(result):  # code 1 = up to 30 minutes comes first
        if row.suppressed or row.estimate is None:
            out.append((row.group, None, None, None))
        else:
            out.append(
                (
                    row.group,
                    1 - row.estimate,
                    None if row.ci_high is None else 1 - row.ci_high,
                    None if row.ci_low is None else 1 - row.ci_low,
                )
            )
    return out


def reading_travel(result: ShareResult, lang: str) -> str:
    shown = [(group, share) for group, share, _low, _high in over_half_hour(result) if share is not None]
    if len(shown) < 2:
        return _("Too few respondents in the groups to compare.", lang)
    (a, x), (b, y) = shown[0], shown[-1]
    return _(
        "Among those with home office “{a}”, {x} accept more than 30 minutes' travel to the office (one way), "
        "compared with {y} among those with “{b}”.",
        lang,
    ).format(a=a, x=format_share(x, lang, 0), y=format_share(y, lang, 0), b=b)


def reading_factory(result: MeanResult, lang: str) -> str:
    ends = first_and_last(result.rows)
    if ends is None:
        return _("Too few respondents in the groups to compare.", lang)
    first, last = ends
    return _(
        "Those for whom moving is “{a}” score {x} on average on the factory-paradigm index, compared with {y} "
        "among those answering “{b}” (1 = most positive view of remote work, 5 = strongest belief in "
        "presence at the office).",
        lang,
    ).format(
        a=first.group, x=format_number(first.estimate, lang, 1), y=format_number(last.estimate, lang, 1), b=last.group
    )


def reading_centrality(result: ShareResult, lang: str) -> str:
    ends = first_and_last(top_rows(result))
    if ends is None:
        return _("Too few respondents in the groups to compare.", lang)
    first, last = ends
    return _(
        "In municipalities with centrality “{a}”, {x} find living in a rural municipality attractive, compared "
        "with {y} in municipalities with centrality “{b}”.",
        lang,
    ).format(
        a=first.group, x=format_share(first.estimate, lang, 0), y=format_share(last.estimate, lang, 0), b=last.group
    )


def reading_education(result: ShareResult, lang: str) -> str:
    shown = shown_rows(top_rows(result))
    if len(shown) < 2:
        return _("Too few respondents in the groups to compare.", lang)
    low = min(shown, key=lambda r: r.estimate)
    high = max(shown, key=lambda r: r.estimate)
    return _(
        "The share who find living in a rural municipality attractive is lowest among those with education "
        "“{low}” ({x}) and highest among those with “{high}” ({y}).",
        lang,
    ).format(
        low=low.group, x=format_share(low.estimate, lang, 0), high=high.group, y=format_share(high.estimate, lang, 0)
    )


# --- figures ------------------------------------------------------------------------------------


def _wrap(text: str, width: int = 28) -> str:
    """Codebook text in lines for a figure: each line ``plain`` (never markup), joined by Plotly's ``<br>``."""
    return "<br>".join(plain(line) for line in textwrap.wrap(text, width)) or plain(text)


def _error(est: list, low: list, high: list) -> dict:
    return dict(
        type="data",
        symmetric=False,
        color="#333333",
        thickness=1.5,
        width=4,
        array=[0 if h is None or e is None else round((h - e) * 100, 1) for e, h in zip(est, high, strict=False)],
        arrayminus=[
            0 if lo is None or e is None else round((e - lo) * 100, 1) for e, lo in zip(est, low, strict=False)
        ],
    )


def _hover(lang: str, axis: str = "x") -> str:
    suffix = percent_suffix(lang)
    return "%{" + ("y" if axis == "x" else "x") + "}: %{" + axis + ":.0f}" + suffix + "<extra></extra>"


def facet_figure(results: list[ShareResult], lang: str, title: str) -> go.Figure:
    """One panel per statement, groups as horizontal bars with 95 % intervals.

    The panels' axes and titles are laid out here in one layout dict (what ``make_subplots``
    with shared y axes would produce): building the figure in one go is several times faster
    than Plotly's incremental updates, and this page draws ten figures.
    """
    count, spacing = len(results), 0.06
    width = (1 - spacing * (count - 1)) / count
    x_axis = {**percent_axis_settings(lang), "dtick": 25}
    traces, layout = (
        [],
        {
            **base_layout(lang, plain(title), height=340),
            "margin": {"l": 10, "r": 20, "t": 105, "b": 40},
            "bargap": 0.35,
            "annotations": [],
        },
    )
    for i, result in enumerate(results, start=1):
        suffix = "" if i == 1 else str(i)
        left = (i - 1) * (width + spacing)
        rows = top_rows(result)
        est = [None if r.suppressed else r.estimate for r in rows]
        labels = [_wrap(r.group, 30) for r in rows]
        traces.append(
            dict(
                type="bar",
                x=[None if e is None else round(e * 100, 1) for e in est],
                y=labels,
                orientation="h",
                xaxis=f"x{suffix}",
                yaxis=f"y{suffix}",
                marker={"color": PALETTE[0]},
                hovertemplate=_hover(lang),
                showlegend=False,
                error_x=_error(est, [r.ci_low for r in rows], [r.ci_high for r in rows]),
            )
        )
        layout[f"xaxis{suffix}"] = {**x_axis, "domain": [left, left + width], "anchor": f"y{suffix}"}
        layout[f"yaxis{suffix}"] = {
            "anchor": f"x{suffix}",
            "autorange": "reversed",
            **({} if i == 1 else {"matches": "y", "showticklabels": False}),
        }
        layout["annotations"].append(
            {
                "text": _wrap(result.question, 26),
                "x": left + width / 2,
                "y": 1.0,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 13},
            }
        )
        layout["annotations"] += _suppressed_annotations(rows, labels, lang, f"x{suffix}", f"y{suffix}")
    return figure_of(traces, layout)  # the traces as dicts, unvalidated (``charts.figure_of``)


def bars_figure(result: ShareResult, lang: str, title: str) -> go.Figure:
    """The top-2 share per group as horizontal bars with 95 % intervals."""
    rows = top_rows(result)
    est = [None if r.suppressed else r.estimate for r in rows]
    labels = [_wrap(r.group, 26) for r in rows]
    height = 110 + sum(max(40, 22 * label.count("<br>") + 30) for label in labels)
    layout = {
        **base_layout(lang, _wrap(title, 55), height=height),
        "margin": {"l": 10, "r": 20, "t": 70, "b": 40},
        "bargap": 0.3,
        "xaxis": {**percent_axis_settings(lang), "dtick": 25},
        "yaxis": {"autorange": "reversed"},
    }
    notes = _suppressed_annotations(rows, labels, lang)
    if notes:  # none is no key, as Plotly's validation leaves it
        layout["annotations"] = notes
    return figure_of(
        [
            dict(
                type="bar",
                x=[None if e is None else round(e * 100, 1) for e in est],
                y=labels,
                orientation="h",
                marker={"color": PALETTE[0]},
                error_x=_error(est, [r.ci_low for r in rows], [r.ci_high for r in rows]),
                hovertemplate=_hover(lang),
            )
        ],
        layout,
    )


def _suppressed_annotations(rows, labels, lang: str, xref: str = "x", yref: str = "y", x: float = 1) -> list[dict]:
    """Say "too few respondents" where a suppressed group's bar would be, never an unexplained gap."""
    return [
        {
            "x": x,
            "y": label,
            "xref": xref,
            "yref": yref,
            "text": _("too few respondents", lang),
            "showarrow": False,
            "xanchor": "left",
            "font": {"size": 12, "color": "#555555"},
        }
        for row, label in zip(rows, labels, strict=False)
        if row.suppressed or row.estimate is None
    ]


def _marksuppressed_note(
    fig: go.Figure, rows, labels, lang: str, xref: str = "x", yref: str = "y", x: float = 1
) -> None:
    for annotation in _suppressed_annotations(rows, labels, lang, xref, yref, x):
        fig.add_annotation(**annotation)


def travel_figure(result: ShareResult, lang: str) -> go.Figure:
    """Acceptable travel time (q21) for the two home-office groups side by side."""
    fig = go.Figure(
        layout=base_layout(
            lang, _("Acceptable travel time to the office (one way), by home office use", lang), height=380
        )
    )
    groups: dict = {}
    for row in result.rows:
        groups.setdefault(row.group, []).append(row)
    for i, (group, rows) in enumerate(groups.items()):
        est = [None if r.suppressed else r.estimate for r in rows]
        fig.add_trace(
            go.Bar(
                x=[plain(r.label) for r in rows],
                y=[None if e is None else round(e * 100, 1) for e in est],
                name=plain(group),
                marker_color=PALETTE[i % len(PALETTE)],
                hovertemplate=_hover(lang, "y"),
                error_y=_error(est, [r.ci_low for r in rows], [r.ci_high for r in rows]),
            )
        )
    percent_axis(fig, "y", lang)
    fig.update_layout(legend={"title": {"text": plain(result.by_label or "")}}, bargap=0.25)
    return fig


def mean_figure(result: MeanResult, lang: str) -> go.Figure:
    """Mean factory-paradigm index (1–5) per answer to q22, with 95 % intervals."""
    rows = result.rows
    est = [None if r.suppressed else r.estimate for r in rows]
    labels = [_wrap(r.group, 30) for r in rows]
    fig = go.Figure(
        go.Scatter(
            x=est,
            y=labels,
            mode="markers",
            marker={"size": 11, "color": PALETTE[5]},
            error_x=dict(
                type="data",
                symmetric=False,
                color="#333333",
                thickness=1.5,
                width=5,
                array=[
                    0 if r.suppressed or r.estimate is None or r.ci_high is None else round(r.ci_high - r.estimate, 2)
                    for r in rows
                ],
                arrayminus=[
                    0 if r.suppressed or r.estimate is None or r.ci_low is None else round(r.estimate - r.ci_low, 2)
                    for r in rows
                ],
            ),
            hovertemplate="%{y}: %{x:.2f}<extra></extra>",
        )
    )
    fig.update_layout(**base_layout(lang, _("Mean factory-paradigm index, by willingness to move", lang), height=320))
    fig.update_yaxes(autorange="reversed")
    _marksuppressed_note(fig, rows, labels, lang, x=1.05)
    fig.update_xaxes(
        range=[1, 5],
        dtick=0.5,
        gridcolor="#e5e5e5",
        title=_("Index: 1 = positive view of remote work, 5 = presence at the office matters", lang),
    )
    return fig


# --- text alternatives ------------------------------------------------------------------------


def _table(caption: str, header: list[str], body: list[list[str]]) -> dcc.Markdown:
    """The table as one component (``light_table.rows_table``): the same ``<table>``, caption and header cells,
    without Dash's machinery for each of its cells."""
    return rows_table(caption, header, body, "table table-sm relationships-table")


def statements_table(results: list[ShareResult], lang: str, caption: str) -> dcc.Markdown:
    groups = top_rows(results[0])
    columns = [{r.group_code: r for r in top_rows(res)} for res in results]
    body = [
        [g.group] + [_interval_text(col[g.group_code], lang) if g.group_code in col else "–" for col in columns]
        for g in groups
    ]
    return _table(
        caption + " " + _("(95 % interval in brackets)", lang),
        [results[0].by_label or ""] + [r.question for r in results],
        body,
    )


def share_table(result: ShareResult, lang: str, caption: str) -> dcc.Markdown:
    body = [
        [r.group, _interval_text(r, lang), "–" if r.n is None else format_number(r.n, lang)] for r in top_rows(result)
    ]
    return _table(
        caption + " " + _("(95 % interval in brackets)", lang), [result.by_label or "", _("Share", lang), "n"], body
    )


def travel_table(result: ShareResult, lang: str) -> dcc.Markdown:
    groups: dict[str, dict[int | str, EstimateRow]] = {}
    for row in result.rows:
        groups.setdefault(row.group, {})[row.code] = row
    first = next(iter(groups.values()), {})
    body = [[row.label] + [_interval_text(g[code], lang) for g in groups.values()] for code, row in first.items()]
    body.append(
        [_("More than 30 minutes", lang)]
        + [
            _("too few respondents", lang) if x is None else format_share(x, lang, 0)
            for _g, x, _l, _h in over_half_hour(result)
        ]
    )
    return _table(
        _("Acceptable travel time to the office (one way), by home office use", lang)
        + " "
        + _("(95 % interval in brackets)", lang),
        [result.question] + list(groups),
        body,
    )


def mean_table(result: MeanResult, lang: str) -> dcc.Markdown:
    body = []
    for r in result.rows:
        if r.suppressed or r.estimate is None:
            body.append([r.group, _("too few respondents", lang), "–"])
            continue
        text = format_number(r.estimate, lang, 2)
        if r.ci_low is not None and r.ci_high is not None:
            text += f" ({format_number(r.ci_low, lang, 2)}–{format_number(r.ci_high, lang, 2)})"
        body.append([r.group, text, "–" if r.n is None else format_number(r.n, lang)])
    return _table(
        _("Mean factory-paradigm index, by willingness to move", lang) + " " + _("(95 % interval in brackets)", lang),
        [_("Moving to another municipality is …", lang), _("Mean index", lang), "n"],
        body,
    )


def suppressed_note(results, lang: str) -> list:
    names = list(dict.fromkeys(name for r in results for name in r.suppressed_groups))
    if not names:
        return []
    return [
        html.P(
            _("Too few respondents to show", lang) + ": " + ", ".join(names) + ".",
            className="small text-body-secondary mb-1 relationships-suppressed",
        )
    ]


def alpha_note(result: MeanResult, lang: str) -> list:
    if result.cronbach_alpha is None:
        return []
    return [
        html.P(
            _("The index is the mean of six statements on home office and the workplace; Cronbach's alpha", lang)
            + " "
            + format_number(result.cronbach_alpha, lang, 2)
            + ".",
            className="small text-body-secondary mb-1",
        )
    ]
