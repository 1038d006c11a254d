"""Oversikt: the region's key figures with their uncertainty, each linking to its page."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from app.language import N_, format_interval, format_number, percent_suffix, pick
from app.language import gettext as _
from app.query.metadata import QueryError, survey_meta
from app.query.mobility import JOBS_ANYWHERE, NotNationalSurvey, mobility_funnel, publishable, round_people
from app.query.overview import context_series, coworking_capacity, key_figures, measure_progress
from app.web.kit import page_state
from app.web.kit.charts import base_layout, percent_axis
from app.web.kit.components import key_figure_card, labelled_dropdown, survey_label
from app.web.kit.page_state import NATIONAL, PageState, Spec, chosen_survey, region_param, survey_param
from app.web.kit.shared_texts import unknown_seats_text
from app.web.kit.site import Page, link_to
from app.web.views import (
    SURVEY_METHOD,
    Column,
    DataTable,
    View,
    survey_source,
)
from app.web.views.block import Views, toolbar
from app.web.views.key_figures import key_figure_specs, key_table, share_card

PATH = "/"
NAME = N_("Overview")

ID = "overview"
SURVEY = "overview-survey"
REGION = "overview-region"
CONTENT = "overview-content"
CONTEXT_CHART = "overview-context-chart"
KEY_FIGURES = "overview-key-figures"

STATE = Spec(survey_param(SURVEY), region_param(REGION))


def layout(lang: str) -> html.Div:
    return html.Div(
        [
            *page_state.frame(ID),
            html.H1(_("Overview", lang)),
            html.P(
                _(
                    "Remote-work research for regional councils: who can work from anywhere, who would move, "
                    "and what the region can do.",
                    lang,
                ),
                className="lead",
            ),
            dbc.Row(
                [
                    dbc.Col(labelled_dropdown(lang, SURVEY, _("Survey", lang), [], None), md=7),
                    dbc.Col(labelled_dropdown(lang, REGION, _("Region", lang), [], None), md=5),
                ]
            ),
            dcc.Loading(html.Div(id=CONTENT), type="dot"),
        ]
    )


def render(state: PageState, session) -> dict:
    """Everything below the selectors."""
    lang, survey, region, min_n = state.lang, state["survey"], state["region"], page_state.min_n()
    region_slug = None if region == NATIONAL else region
    chosen = key_figure_specs(survey_meta(session, survey), lang)
    by_variable = key_figures(session, survey, [(v, codes) for v, codes, _t in chosen], region_slug, min_n)
    try:  # the national funnel, published rounded; a regional survey, or one without q22, cannot give it
        funnel = publishable(mobility_funnel(session, survey, min_n=min_n))
    except (NotNationalSurvey, QueryError):
        funnel = None
    capacity = coworking_capacity(session, region_slug)
    progress = measure_progress(session, region_slug)
    series = context_series(session)
    query = state.query()
    cards = [
        share_card(
            title,
            by_variable[variable],
            lang,
            (link_to(state, "survey", survey=survey, question=variable), _("See the survey explorer", lang)),
            f"overview-card-{CARD_IDS.get(variable, variable)}",
        )
        for variable, _codes, title in chosen
    ]
    cards.append(_mobility_card(funnel, lang, "/mobilitet" + query))
    coworking = key_figure_card(
        _("Coworking seats in the region", lang) if region != NATIONAL else _("Coworking seats", lang),
        format_number(capacity["seats"], lang),
        _("{spaces} spaces", lang).format(spaces=format_number(capacity["spaces"], lang))
        + (" · " + unknown_seats_text(capacity["unknown_seats"], lang) if capacity["unknown_seats"] else "")
        + (" · " + _("example data, to be replaced", lang) if capacity["has_examples"] else ""),
        ("/kontorfellesskap" + query, _("See the map", lang)),
        "overview-card-coworking",
    )
    done = progress.get("done", 0)
    total = sum(progress.values())
    measures = key_figure_card(
        _("Measure activities under way or done", lang),
        f"{progress.get('in_progress', 0) + done} / {total}",
        _("{done} done, {planned} planned", lang).format(done=done, planned=progress.get("planned", 0)),
        ("/tiltak" + query, _("See the measures", lang)),
        "overview-card-measures",
    )
    figures = [by_variable[variable] for variable, _codes, _title in chosen]
    key_view = View(
        KEY_FIGURES,
        _("Key figures", lang),
        key_table([title for _v, _c, title in chosen], figures, lang),
        n=max((f.n or 0 for f in figures), default=0) or None,
        source=survey_source(chosen_survey(state), lang)[0],
        method=_(SURVEY_METHOD, lang),
        synthetic=survey_source(chosen_survey(state), lang)[1],
    )
    views = Views(PATH, state)
    views.views.append(key_view)
    return {
        "content": [
            *survey_label(state),
            *([] if chosen else [_no_key_figures(lang, link_to(state, "survey", survey=survey))]),
            dbc.Row([dbc.Col(c, md=6, lg=3, className="mb-3") for c in cards], className="g-3"),
            *(
                [
                    html.P(
                        dcc.Link(
                            _(
                                "{region}: SSB's figures, the survey beside county and Norway, each municipality", lang
                            ).format(region=state.label("region")),
                            href=link_to(state, "municipality", kommune=region, survey=survey),
                            id="overview-region-link",
                        ),
                        className="mb-2",
                    ),
                    html.P(
                        dcc.Link(
                            _("{region}'s start page: members, measures and surveys", lang).format(
                                region=state.label("region")
                            ),
                            href=link_to(state, "region", region=region, survey=survey),
                            id="overview-start-page-link",
                        ),
                        className="mb-2",
                    ),
                ]
                if region != NATIONAL
                else []
            ),
            toolbar(PATH, key_view, state),
            dbc.Row(
                [
                    dbc.Col(coworking, md=6, lg=3, className="mb-3"),
                    dbc.Col(measures, md=6, lg=3, className="mb-3"),
                    dbc.Col(_context_chart(series, views), lg=6),
                ],
                className="g-3",
            ),
        ],
        "views": views.views,
    }


CARD_IDS = {"q12": "weekly", "q22": "willing", "q23": "attractive"}  # the cards' ids since before key_figures


def _no_key_figures(lang: str, explorer: str) -> dbc.Alert:
    return dbc.Alert(
        [
            _("The chosen survey's codebook names no key figures (key_figures in docs/codebook-format.md).", lang),
            " ",
            dcc.Link(_("Explore its questions", lang), href=explorer, className="alert-link"),
        ],
        color="info",
        id="overview-no-key-figures",
    )


def _mobility_card(funnel, lang: str, href: str) -> dbc.Card:
    """The national mobility potential (q22 × jobs that can be done anywhere), labelled as national: it
    counts people anywhere in Norway who would consider moving to any other municipality, not movers
    into the region."""
    title = _(
        "All of Norway: find moving to another municipality relevant and have a job that can be done anywhere", lang
    )
    link = (href, _("Adjust the assumptions", lang))
    if funnel is None:
        return key_figure_card(
            title,
            "–",
            _("Needs a national survey: the chosen survey asks residents of one region.", lang),
            link,
            "overview-card-mobility",
        )
    willing = funnel.steps[1]
    if willing.suppressed:
        return key_figure_card(title, "–", _("Too few respondents to show", lang), link, "overview-card-mobility")
    detail = " · ".join(
        [
            _("95 % interval: {interval}", lang).format(
                interval=format_interval(
                    round_people(willing.people_low), round_people(willing.people_high), lang, share=False
                )
            ),
            _("assumes {jobs} jobs", lang).format(jobs=format_number(JOBS_ANYWHERE.default, lang)),
            _("moving to any municipality, not only to this region", lang),
            _("people who say they would consider it: a pool, not a forecast, with no time frame", lang),
        ]
    )
    return key_figure_card(
        title, "≈\u00a0" + format_number(round_people(willing.people), lang), detail, link, "overview-card-mobility"
    )


def _context_chart(series, views: Views) -> dbc.Card:
    lang = views.state.lang
    title = _("Employees who can work from home, Norway", lang)
    fig = go.Figure(layout=base_layout(lang, title, height=300))
    by_code: dict[str, list] = {}
    for point in series:
        by_code.setdefault(point.series_code, []).append(point)
    for code, points in by_code.items():
        if code not in ("can_wfh_total", "can_wfh_fixed"):
            continue
        # Points only, no line: each year comes from a different survey, and 2019's asked another question.
        fig.add_trace(
            go.Scatter(
                x=[p.year for p in points],
                y=[p.value for p in points],
                mode="markers",
                marker={"size": 10},
                name=pick(points[0].label, lang),
                customdata=[p.survey_name for p in points],
                hovertemplate="%{x} (%{customdata}): %{y:.0f}" + percent_suffix(lang) + "<extra></extra>",
            )
        )
    percent_axis(fig, "y", lang)
    fig.update_xaxes(dtick=1, gridcolor="#f0f0f0")
    # the legend below the year axis, at a fixed distance (it covered the years when placed in paper units)
    fig.update_layout(
        height=340,
        margin={"b": 90},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
    )
    source = series[0].source if series else ""
    columns = [
        Column("series", _("Series", lang)),
        Column("year", _("Year", lang)),
        Column("value", _("Share (%)", lang), "percent", 0),
        Column("survey", _("Survey", lang)),
    ]
    rows = [
        {"series": pick(p.label, lang), "year": str(p.year), "value": p.value, "survey": p.survey_name}
        for p in series
        if p.series_code in ("can_wfh_total", "can_wfh_fixed")
    ]
    view = View(
        CONTEXT_CHART,
        title,
        DataTable(columns, rows),
        fig,
        source=source,
        sentence=_("Not from the survey above.", lang),
    )
    return dbc.Card(
        dbc.CardBody(
            [
                views.block(view),
                html.P(
                    _("Source", lang) + f": {source}. " + _("Not from the survey above.", lang), className="small mb-1"
                ),
                html.P(
                    _(
                        "Each year comes from a different survey: AKU 2017, Levekårsundersøkelsen 2019, YS "
                        "Arbeidslivsbarometer 2020 and AFI's surveys 2021 and 2022. 2019 asked another question, and only "
                        "employees with office work, so it is not comparable with the other years; the points are therefore "
                        "not joined by a line.",
                        lang,
                    ),
                    className="small mb-0 context-break-note",
                ),
            ]
        )
    )


PAGE = Page(name="overview", path=PATH, title=NAME, layout=layout, id=ID, state=STATE, render=render)
