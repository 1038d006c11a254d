"""Mobilitetspotensial: from jobs that can be done anywhere to potential movers for the region.

The report's reasoning (NORCE 2025, 3.2.5) as a funnel. Every assumption is a control kept in
the address, so a council can show exactly which numbers it used; the survey uncertainty is an
error bar, and a sensitivity ("tornado") chart shows which assumption moves the result most.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Input, Output, State, ctx, dcc, html, no_update

from app.db.session import session_scope
from app.query.catalog import list_regions, list_surveys
from app.query.metadata import survey_meta
from app.query.mobility import JOBS_ANYWHERE, MobilityResult, default_region_share, mobility_funnel, \
    standard_conditions
from app.web import state
from app.web.charts import GRAPH_CONFIG, PALETTE, base_layout
from app.web.components import (
    default_language, default_survey, friendly_render, labelled_dropdown, notices, survey_label, survey_options,
)
from app.web.i18n import format_number, format_share, pick
from app.web.i18n import gettext as _

PATH = "/mobilitet"
NAME = "Mobility potential"

URL = "mobility-url"
SURVEY = "mobility-survey"
REGION = "mobility-region"
JOBS = "mobility-jobs"
FILTERS = "mobility-filters"
AGES = "mobility-ages"
CENTRALITY = "mobility-centrality"
SHARE = "mobility-share"
SHARE_RESET = "mobility-share-reset"
SHARE_SOURCE = "mobility-share-source"
CONTENT = "mobility-content"
HEADLINE = "mobility-headline"
FUNNEL_CHART = "mobility-funnel"
TORNADO_CHART = "mobility-tornado"
ASSUMPTIONS = "mobility-assumptions"

NATIONAL = "norge"  # no region step: potential movers for all of Norway
JOBS_MIN, JOBS_MAX, JOBS_STEP = 1_000_000, 1_600_000, 50_000
SHARE_MAX, SHARE_STEP = 5.0, 0.05  # region share slider, in per cent
FILTER_KEYS = ("attractive", "take_job", "travel")
TRAVEL_TIME_MIN = 2  # q21 code 2 = "up to one hour": accepts at least an hour's trip

ASSUMPTION_NAMES = {
    "jobs_anywhere": "Number of jobs that can be done anywhere",
    "survey_share": "Survey uncertainty (95 %)",
    "region_share": "Share who could choose the region",
}
# English/nynorsk versions of the query layer's (bokmål) source texts; bokmål shows the query's own text.
SOURCE_IDS = {
    "jobs_anywhere": "NORCE (2025) ch. 3.2.5: 40–50 % of jobs, 1.2–1.4 million (Ingelsrud et al. 2022); "
                     "the project outline (seed 000): about 1.4 million.",
    "region_share": "The region's share of the population of rural municipalities (Statistics Norway "
                    "centrality 5–6), 1 Jan 2026 — a simplification: equal attraction per inhabitant.",
}


def _choices(session, search: str):
    """Validated page state from the address; bad values fall back to defaults with a notice."""
    surveys = list_surveys(session)
    regions = list_regions(session)
    raw = state.parse(search)
    resolved = state.Resolved()
    survey = resolved.choice(raw, "survey", [s.slug for s in surveys], default_survey(surveys))
    region_default = next((r.slug for r in regions if r.slug == "hardangerradet"),
                          regions[0].slug if regions else NATIONAL)
    region = resolved.choice(raw, "region", [r.slug for r in regions] + [NATIONAL], region_default)
    jobs = resolved.number(raw, "jobs", JOBS_MIN, JOBS_MAX, JOBS_ANYWHERE.default)
    filters = resolved.choices(raw, "filters", FILTER_KEYS)
    meta = survey_meta(session, survey)
    age_info, centrality_info = meta.question("age_group"), meta.question("centrality")
    ages = resolved.choices(raw, "age", [c for c, _l, missing in age_info.options if not missing])
    centrality = resolved.choices(raw, "centrality", [c for c, _l, missing in centrality_info.options if not missing])
    share_default, share_source = (None, None) if region == NATIONAL else default_region_share(session, region)
    share = None
    if share_default is not None:
        share = round(resolved.number(raw, "share", 0, SHARE_MAX, share_default * 100), 2) / 100 \
            if "share" in raw else share_default
    return dict(surveys=surveys, regions=regions, survey=survey, region=region, jobs=jobs, filters=filters,
                ages=ages, centrality=centrality, share=share, share_default=share_default,
                share_source=share_source, age_info=age_info, centrality_info=centrality_info, resolved=resolved)


def _marks(labels: dict) -> dict:
    """Slider marks in full-contrast text (Dash greys out marks beyond the handle)."""
    return {v: {"label": text, "style": {"color": "#212529"}} for v, text in labels.items()}


def _share_slider(share: float | None) -> float | None:
    """The region share as the slider shows it: per cent with two decimals (the exact default is used in
    the calculation; a slider value within 0.005 of it counts as the default)."""
    return None if share is None else round(share * 100, 2)


def _options(info, lang: str) -> list[dict]:
    return [{"label": pick(label, lang), "value": code} for code, label, missing in info.options if not missing]


def _source_text(name: str, source: str, lang: str) -> str:
    if lang == "nb" or name not in SOURCE_IDS:
        return source
    return _(SOURCE_IDS[name], lang)


def layout(lang: str, search: str) -> html.Div:
    with session_scope() as session:
        c = _choices(session, search)
    region_options = [{"label": r.name, "value": r.slug} for r in c["regions"]] + [
        {"label": _("All of Norway (no region step)", lang), "value": NATIONAL}]
    filter_options = [
        {"label": _("Find a rural municipality attractive (q23)", lang), "value": "attractive"},
        {"label": _("Can probably take the job along (q14)", lang), "value": "take_job"},
        {"label": _("Accept at least one hour's trip to the office (q21)", lang), "value": "travel"},
    ]
    controls = [
        labelled_dropdown(lang, SURVEY, _("Survey", lang), survey_options(c["surveys"], lang), c["survey"]),
        labelled_dropdown(lang, REGION, _("Region", lang), region_options, c["region"]),
        html.Div([
            html.Label(_("Jobs that can be done anywhere", lang), htmlFor=JOBS, id=f"{JOBS}-label",
                       className="form-label fw-semibold"),
            dcc.Slider(id=JOBS, min=JOBS_MIN, max=JOBS_MAX, step=JOBS_STEP, value=c["jobs"],
                       marks=_marks({v: format_number(v / 1e6, lang, 1) + " " + _("million", lang)
                                     for v in (JOBS_MIN, JOBS_ANYWHERE.default, JOBS_MAX)}),
                       tooltip={"placement": "bottom", "always_visible": False}),
            html.P(_("Default", lang) + f" {format_number(JOBS_ANYWHERE.default, lang)}, "
                   + _("range", lang) + f" {format_number(JOBS_ANYWHERE.low, lang)}–"
                   f"{format_number(JOBS_ANYWHERE.high, lang)}. " + _("Source", lang) + ": "
                   + _source_text("jobs_anywhere", JOBS_ANYWHERE.source, lang), className="small text-muted"),
        ], className="mb-3"),
        html.Fieldset([
            html.Legend(_("Only those who also …", lang), className="form-label fw-semibold fs-6"),
            dbc.Checklist(id=FILTERS, options=filter_options, value=c["filters"]),
        ], className="mb-3"),
        labelled_dropdown(lang, AGES, _("Age groups", lang), _options(c["age_info"], lang), c["ages"], multi=True,
                          clearable=True, placeholder=_("All age groups", lang)),
        labelled_dropdown(lang, CENTRALITY, _("Centrality of current residence", lang),
                          _options(c["centrality_info"], lang), c["centrality"], multi=True, clearable=True,
                          placeholder=_("All centrality classes", lang)),
        html.Div([
            html.Label(_("Share who could choose the region (%)", lang), htmlFor=SHARE, id=f"{SHARE}-label",
                       className="form-label fw-semibold"),
            dcc.Slider(id=SHARE, min=0, max=SHARE_MAX, step=SHARE_STEP,
                       value=_share_slider(c["share"]),
                       disabled=c["share"] is None, marks=_marks({v: str(v) for v in range(0, 6)}),
                       tooltip={"placement": "bottom", "always_visible": False}),
            html.P(id=SHARE_SOURCE, className="small text-muted mb-1"),
            dbc.Button(_("Reset to default", lang), id=SHARE_RESET, size="sm", color="secondary", outline=True),
        ], className="mb-3"),
    ]
    return html.Div([
        dcc.Location(id=URL, refresh=False),
        html.H1(_("Mobility potential", lang)),
        html.P(_("How many people have a job they can do anywhere and would consider moving — and how many "
                 "of them could choose this region? Change the assumptions and see how much the answer moves.",
                 lang), className="lead"),
        dbc.Row([
            dbc.Col(html.Section(controls, **{"aria-label": _("Assumptions", lang)}), lg=4),
            dbc.Col(dcc.Loading(html.Div(id=CONTENT), type="dot"), lg=8),
        ]),
    ])


def register_callbacks(app) -> None:
    @app.callback(Output(URL, "search"),
                  Input(SURVEY, "value"), Input(REGION, "value"), Input(JOBS, "value"), Input(FILTERS, "value"),
                  Input(AGES, "value"), Input(CENTRALITY, "value"), Input(SHARE, "value"),
                  Input(SHARE_RESET, "n_clicks"), State(URL, "search"), prevent_initial_call=True)
    def _controls_to_url(survey, region, jobs, filters, ages, centrality, share, _reset, search):
        with session_scope() as session:
            shown = _choices(session, search)
        params = {**state.parse(search), "survey": survey, "region": region,
                  "jobs": None if jobs in (None, JOBS_ANYWHERE.default) else int(jobs),
                  "filters": [k for k in FILTER_KEYS if k in (filters or [])],
                  "age": sorted(ages or []), "centrality": sorted(centrality or []),
                  "share": _share_param(share, shown, region)}
        new = state.build(params, search)
        return no_update if new == (search or "") else new

    @app.callback(Output(CONTENT, "children"), Output(SURVEY, "value"), Output(REGION, "value"),
                  Output(JOBS, "value"), Output(FILTERS, "value"), Output(AGES, "value"),
                  Output(CENTRALITY, "value"), Output(SHARE, "value"), Output(SHARE, "disabled"),
                  Output(SHARE_SOURCE, "children"), Input(URL, "search"))
    def _render(search):
        lang = state.parse(search).get("lang") or default_language()
        return render(lang, search)


def _share_param(share, shown: dict, region: str) -> str | None:
    """The region share for the address, in per cent; left out when it is the region's default, so a
    new region or "reset" brings back that region's own default."""
    if share is None or region == NATIONAL or region != shown["region"] or ctx.triggered_id == SHARE_RESET:
        return None
    if shown["share_default"] is not None and abs(share - shown["share_default"] * 100) < 0.005:
        return None
    return f"{share:g}"


@friendly_render(extra_outputs=9)
def render(lang: str, search: str):
    """The page's main callback: the funnel, the sensitivity and the assumptions for the state in ``search``."""
    from flask import current_app

    with session_scope() as session:
        c = _choices(session, search)
        conditions = standard_conditions(
            attractive="attractive" in c["filters"], take_job="take_job" in c["filters"],
            travel_time_min=TRAVEL_TIME_MIN if "travel" in c["filters"] else None,
            age_groups=c["ages"], centrality=c["centrality"])
        min_n = current_app.config["FJERNARBEID"].min_n
        result = mobility_funnel(session, c["survey"], c["jobs"], conditions, c["share"], c["share_source"], lang,
                                 min_n=min_n)
        baseline = mobility_funnel(session, c["survey"], lang=lang, min_n=min_n)
    share_source = "" if c["share_source"] is None else (
        _("Default", lang) + f" {format_share(c['share_default'], lang, 2)}. " + _("Source", lang) + ": "
        + _source_text("region_share", c["share_source"], lang))
    if c["region"] == NATIONAL:
        share_source = _("Choose a region to add the last step.", lang)
    content = [
        *survey_label(c["surveys"], c["survey"], lang),
        *notices(c["resolved"].ignored, lang),
        headline(result, lang),
        dcc.Graph(id=FUNNEL_CHART, figure=funnel_figure(result, lang), config=GRAPH_CONFIG),
        funnel_table(result, lang),
        html.H2(_("Which assumption matters most?", lang), className="h4 mt-4"),
        html.P(sensitivity_sentence(result, lang), id=f"{TORNADO_CHART}-summary"),
        dcc.Graph(id=TORNADO_CHART, figure=tornado_figure(result, lang), config=GRAPH_CONFIG),
        html.H2(_("Assumptions and sources", lang), className="h4 mt-4"),
        assumptions_table(result, lang),
        html.P(report_check(baseline, lang), className="small"),
    ]
    share_value = _share_slider(c["share"])
    return (content, c["survey"], c["region"], c["jobs"], c["filters"], c["ages"], c["centrality"], share_value,
            c["share"] is None, share_source)


def round_people(value: float) -> float:
    """Round to a precision the survey can carry: thousands for big numbers, fewer digits for small."""
    for limit, digits in ((10_000, -3), (1_000, -2), (100, -1)):
        if value >= limit:
            return round(value, digits)
    return round(value)


def _interval(low: float, high: float, lang: str) -> str:
    return f"{format_number(round_people(low), lang)}–{format_number(round_people(high), lang)}"


def _share_text(share: float, lang: str) -> str:
    return format_share(share, lang, 2 if share < 0.01 else 1)


def people_text(value: float, lang: str) -> str:
    return "≈\u00a0" + format_number(round_people(value), lang)


def headline(result: MobilityResult, lang: str) -> dbc.Card:
    last = result.steps[-1]
    low, high = format_number(round_people(last.people_low), lang), format_number(round_people(last.people_high), lang)
    title = (_("Potential movers who could choose the region", lang) if result.region_share is not None
             else _("Potential movers with a job they can do anywhere", lang))
    words = _("With these assumptions, about {n} people; the 95 % interval goes from {low} to {high}.", lang).format(
        n=format_number(round_people(last.people), lang), low=low, high=high)
    if last.share and last.share_se and last.share_se / last.share > 0.5:
        words += " " + _("Very uncertain: few respondents meet all the conditions.", lang)
    return dbc.Card(dbc.CardBody([
        html.H2(title, className="h6 text-muted mb-1"),
        html.P(people_text(last.people, lang), className="display-6 mb-1 key-figure-value"),
        html.P(words, className="mb-0"),
    ]), id=HEADLINE, className="mb-3 key-figure")


def funnel_figure(result: MobilityResult, lang: str) -> go.Figure:
    """Horizontal bars, first step on top, with the 95 % interval as error bars and "≈ n" labels."""
    steps = result.steps
    fig = go.Figure(layout=base_layout(lang, _("From jobs that can be done anywhere to potential movers", lang),
                                       height=120 + 55 * len(steps)))
    colours = [PALETTE[4]] + [PALETTE[0]] * (len(steps) - 2) + [PALETTE[5]] if len(steps) > 1 else [PALETTE[4]]
    fig.add_trace(go.Bar(
        y=[s.label for s in steps], x=[s.people for s in steps], orientation="h", marker_color=colours,
        error_x={"type": "data", "symmetric": False, "array": [s.people_high - s.people for s in steps],
                 "arrayminus": [s.people - s.people_low for s in steps], "color": "#333", "thickness": 1.5},
        customdata=[_interval(s.people_low, s.people_high, lang) for s in steps],
        hovertemplate="%{y}: %{x:,.0f}<br>" + _("Interval", lang) + ": %{customdata}<extra></extra>",
    ))
    for s in steps:
        fig.add_annotation(x=s.people_high, y=s.label, text=people_text(s.people, lang), showarrow=False,
                           xanchor="left", xshift=6, font={"size": 13})
    top = max(s.people_high for s in steps)
    fig.update_xaxes(range=[0, top * 1.3], gridcolor="#e5e5e5", tickformat=",.0f", title=_("People", lang))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(showlegend=False, margin={"l": 10, "r": 20, "t": 60, "b": 50})
    return fig


def funnel_table(result: MobilityResult, lang: str) -> dbc.Table:
    """The funnel as numbers (the chart's text alternative)."""
    head = html.Thead(html.Tr([html.Th(_("Step", lang), scope="col"), html.Th(_("Share", lang), scope="col"),
                               html.Th(_("People", lang), scope="col"),
                               html.Th(_("95 % interval", lang), scope="col")]))
    rows = []
    for s in result.steps:
        interval = _interval(s.people_low, s.people_high, lang)
        if s.key == "jobs":
            interval += " (" + _("assumption's range", lang) + ")"
        rows.append(html.Tr([html.Th(s.label, scope="row", className="fw-normal"),
                             html.Td("–" if s.share is None else _share_text(s.share, lang)),
                             html.Td(people_text(s.people, lang)), html.Td(interval)]))
    return dbc.Table([head, html.Tbody(rows)], size="sm", striped=True, className="small", id=f"{FUNNEL_CHART}-table")


def _sorted_sensitivity(result: MobilityResult) -> list[dict]:
    return sorted(result.sensitivity, key=lambda r: r["high"] - r["low"], reverse=True)


def sensitivity_sentence(result: MobilityResult, lang: str) -> str:
    rows = _sorted_sensitivity(result)
    if not rows:
        return ""
    top = rows[0]
    name = _(ASSUMPTION_NAMES.get(top["assumption"], top["assumption"]), lang)
    return _("The assumption that matters most is “{name}”: across its range the result goes from {low} "
             "to {high}.", lang).format(name=name, low=format_number(round_people(top["low"]), lang),
                                        high=format_number(round_people(top["high"]), lang))


def tornado_figure(result: MobilityResult, lang: str) -> go.Figure:
    """One bar per assumption from the result at its low end to its high end; the widest on top."""
    rows = _sorted_sensitivity(result)
    names = [_(ASSUMPTION_NAMES.get(r["assumption"], r["assumption"]), lang) for r in rows]
    fig = go.Figure(layout=base_layout(lang, _("How much the result moves across each assumption's range", lang),
                                       height=140 + 60 * len(rows)))
    fig.add_trace(go.Bar(y=names, x=[r["high"] - r["low"] for r in rows], base=[r["low"] for r in rows],
                         orientation="h", marker_color=PALETTE[0], hoverinfo="skip", width=0.55))
    for name, r in zip(names, rows):
        fig.add_annotation(x=r["low"], y=name, text=format_number(round_people(r["low"]), lang), showarrow=False,
                           xanchor="right", xshift=-4, font={"size": 12})
        fig.add_annotation(x=r["high"], y=name, text=format_number(round_people(r["high"]), lang), showarrow=False,
                           xanchor="left", xshift=4, font={"size": 12})
    final = result.steps[-1].people
    fig.add_vline(x=final, line_dash="dash", line_color="#333")
    top = max([r["high"] for r in rows] + [final]) if rows else final
    fig.update_xaxes(range=[0, top * 1.25], gridcolor="#e5e5e5", tickformat=",.0f",
                     title=_("Potential movers", lang))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(showlegend=False, margin={"l": 10, "r": 20, "t": 60, "b": 50})
    return fig


def assumptions_table(result: MobilityResult, lang: str) -> dbc.Table:
    """Each assumption: the value used, the range tried in the sensitivity chart, and its source."""
    last_share = next((s for s in reversed(result.steps) if s.key != "region"), result.steps[-1])
    rows = []
    for a in result.assumptions:
        if a["name"] == "jobs_anywhere":
            value, span = format_number(result.jobs_anywhere, lang), \
                f"{format_number(a['low'], lang)}–{format_number(a['high'], lang)}"
        else:
            value = format_share(result.region_share, lang, 2)
            span = f"{format_share(a['low'], lang, 2)}–{format_share(a['high'], lang, 2)}"
        rows.append((a["name"], value, span, _source_text(a["name"], a["source"], lang)))
    if last_share.share is not None:
        low, high = last_share.people_low / result.jobs_anywhere, last_share.people_high / result.jobs_anywhere
        rows.insert(1, ("survey_share", _share_text(last_share.share, lang),
                        f"{_share_text(low, lang)}–{_share_text(high, lang)}",
                        _("The survey: weighted share meeting every chosen condition (q22 = very or fairly "
                          "relevant), n =", lang) + f" {format_number(last_share.n, lang)}"))
    head = html.Thead(html.Tr([html.Th(_(h, lang), scope="col")
                               for h in ("Assumption", "Value", "Range", "Source")]))
    body = html.Tbody([html.Tr([html.Th(_(ASSUMPTION_NAMES.get(n, n), lang), scope="row", className="fw-normal"),
                                html.Td(v), html.Td(s), html.Td(src, className="small")]) for n, v, s, src in rows])
    return dbc.Table([head, body], size="sm", bordered=True, id=ASSUMPTIONS)


def report_check(baseline: MobilityResult, lang: str) -> str:
    """Tie the tool to the report: the default assumptions give the report's "rundt 200 000"."""
    last = baseline.steps[-1]
    return _("Check against the report: 1.2–1.4 million jobs × about 15 % gives \u201caround 200,000\u201d "
             "(NORCE 2025). The default assumptions without filters or region give {n} ({share}), which "
             "reproduces it.", lang).format(n=people_text(last.people, lang), share=format_share(last.share, lang, 1))
