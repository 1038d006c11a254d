"""Region: a regional council's start page, ``/region/<slug>`` (README: "Each council's start page").

The region's name and its member municipalities, its key figures as Oversikt computes them (the survey's
shares with their intervals, falling back to the county or the country where the region has too few
respondents; coworking seats; measure progress), how far the region's own measures catalogue has come in each
of its places, the surveys the visitor may see that are public or the region's own, and the pages to go on
to. ``/region`` alone is the default region (``FJERNARBEID_DEFAULT_REGION``); a slug that is no region is a 404.
"""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
from dash import Output, dcc, html

from app.language import N_, format_number, pick
from app.language import gettext as _
from app.query.catalog import SurveyInfo, list_surveys
from app.query.measures import MET, ON_THE_WAY, OVERDUE, STATUSES
from app.query.metadata import survey_meta
from app.query.overview import coworking_capacity, key_figures, measure_progress
from app.query.region import CatalogueSummary, RegionFacts, catalogue_summary, region_facts
from app.web.kit import page_state
from app.web.kit.components import aria, key_figure_card, labelled_dropdown, survey_label
from app.web.kit.page_state import PageState, Spec, chosen_survey, region_param, survey_param
from app.web.kit.shared_texts import STATUS_TEXT, unknown_seats_text
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

PATH = "/region"
NAME = N_("Regional council")

ID = "region"
REGION = "region-choice"
SURVEY = "region-survey"
HEAD = "region-head"
CONTENT = "region-content"
KEY_FIGURES = "region-key-figures"
MEASURES = "region-measures"
MEMBERS = "region-members"
SURVEYS = "region-surveys"
ONWARD = "region-onward"

STATE = Spec(region_param(REGION, national=None), survey_param(SURVEY))

STANDING_TEXT = {MET: N_("Met"), ON_THE_WAY: N_("On the way"), OVERDUE: N_("Overdue")}
VISIBILITY_TEXT = {
    "public": N_("public"),
    "region": N_("only for the region's signed-in accounts"),
    "private": N_("private: named accounts only"),
}


def layout(lang: str) -> html.Div:
    return html.Div(
        [
            *page_state.frame(ID),
            html.Div(html.H1(_("Region", lang)), id=HEAD),
            dbc.Row(
                [
                    dbc.Col(labelled_dropdown(lang, REGION, _("Region", lang), [], None, searchable=True), md=5),
                    dbc.Col(labelled_dropdown(lang, SURVEY, _("Survey", lang), [], None), md=7),
                ]
            ),
            dcc.Loading(html.Div(id=CONTENT), type="dot"),
        ]
    )


def render(state: PageState, session) -> dict:
    lang, slug = state.lang, state["region"]
    facts = region_facts(session, slug) if slug else None
    if facts is None:  # no region in the database yet
        return {
            HEAD: html.H1(_("Region", lang)),
            "content": dbc.Alert(
                _(
                    "There are no regions yet. A national administrator makes them (Regions, or the command line).",
                    lang,
                ),
                color="info",
                id="region-none",
            ),
            "views": [],
        }
    views = Views(PATH, state)
    survey = state["survey"]
    key_cards, key_view = _key_figures(session, state, facts, survey) if survey else ([], None)
    summary = catalogue_summary(session, slug, dt.date.today())
    head = [
        html.H1(facts.name, id="region-name"),
        html.P(
            _(
                "The start page of the regional council: its municipalities, its key figures, its measures and its "
                "surveys.",
                lang,
            ),
            className="lead",
        ),
    ]
    content = [
        _members(state, facts),
        html.H2(_("Key figures", lang), className="h4 mt-4"),
        *survey_label(state),
        *(
            []
            if key_view is None
            else [dbc.Row(key_cards, className="g-3"), html.Div(toolbar(PATH, key_view, state), className="mb-3")]
        ),
        dbc.Row(
            [
                dbc.Col(_coworking_card(session, state, slug), md=6, className="mb-3"),
                dbc.Col(_progress_card(session, state, slug), md=6, className="mb-3"),
            ],
            className="g-3",
        ),
        _measures(state, facts, summary, views),
        _surveys(session, state, facts),
        _onward(state, facts),
    ]
    if key_view is not None:
        views.views.insert(0, key_view)
    return {HEAD: head, "content": content, "views": views.views}


def _members(state: PageState, facts: RegionFacts) -> html.Section:
    lang = state.lang
    links = [
        html.Li(dcc.Link(f"{name}", href=link_to(state, "municipality", kommune=number)), id=f"region-member-{number}")
        for number, name in facts.members
    ]
    return html.Section(
        [
            html.H2(_("Member municipalities", lang), className="h4"),
            html.Ul(links, className="list-inline-links mb-1"),
            html.P(
                dcc.Link(
                    _("{region}: SSB's figures, the survey beside county and Norway, each municipality", lang).format(
                        region=facts.name
                    ),
                    href=link_to(state, "municipality", kommune=facts.slug, survey=state["survey"]),
                    id="region-municipality-link",
                ),
                className="small",
            ),
        ],
        id=MEMBERS,
    )


def _key_figures(session, state: PageState, facts: RegionFacts, survey: str) -> tuple[list, View | None]:
    """The survey's key figures for the region (as Oversikt computes them) as cards, and their view."""
    lang = state.lang
    chosen = key_figure_specs(survey_meta(session, survey), lang)
    if not chosen:
        return [], None
    found = key_figures(session, survey, [(v, codes) for v, codes, _t in chosen], facts.slug, page_state.min_n())
    figures = [found[variable] for variable, _codes, _title in chosen]
    cards = [
        dbc.Col(
            share_card(
                title,
                figure,
                lang,
                (link_to(state, "survey", survey=survey, question=variable), _("See the survey explorer", lang)),
                f"region-card-{index}",
            ),
            md=6,
            lg=4,
            className="mb-3",
        )
        for index, ((variable, _codes, title), figure) in enumerate(zip(chosen, figures, strict=True))
    ]
    source, synthetic = survey_source(chosen_survey(state), lang)
    view = View(
        KEY_FIGURES,
        _("Key figures", lang),
        key_table([title for _v, _c, title in chosen], figures, lang),
        n=max((f.n or 0 for f in figures), default=0) or None,
        source=source,
        method=_(SURVEY_METHOD, lang),
        synthetic=synthetic,
    )
    return cards, view


def _coworking_card(session, state: PageState, slug: str) -> dbc.Card:
    lang = state.lang
    capacity = coworking_capacity(session, slug)
    detail = _("{spaces} spaces", lang).format(spaces=format_number(capacity["spaces"], lang))
    if capacity["unknown_seats"]:
        detail += " · " + unknown_seats_text(capacity["unknown_seats"], lang)
    if capacity["has_examples"]:
        detail += " · " + _("example data, to be replaced", lang)
    return key_figure_card(
        _("Coworking seats in the region", lang),
        format_number(capacity["seats"], lang),
        detail,
        (link_to(state, "coworking", region=slug), _("See the map", lang)),
        "region-card-coworking",
    )


def _progress_card(session, state: PageState, slug: str) -> dbc.Card:
    """The activities of the region's catalogue under way or done in the region as a whole (as on Oversikt)."""
    lang = state.lang
    progress = measure_progress(session, slug)
    done = progress.get("done", 0)
    return key_figure_card(
        _("Measure activities under way or done", lang),
        f"{progress.get('in_progress', 0) + done} / {sum(progress.values())}",
        _("{done} done, {planned} planned", lang).format(done=done, planned=progress.get("planned", 0)),
        (link_to(state, "measures", region=slug), _("See the measures", lang)),
        "region-card-measures",
    )


def _measures(state: PageState, facts: RegionFacts, summary: CatalogueSummary, views: Views) -> html.Section:
    """The region's own catalogue: each place's activities by status and success criteria by standing."""
    lang = state.lang
    columns = [
        Column("place", _("Municipality", lang)),
        *[Column(status, _(STATUS_TEXT[status], lang), "integer") for status in STATUSES],
        *[
            Column(
                f"criteria_{state_}", _("Success criteria: {standing}", lang).format(standing=_(text, lang)), "integer"
            )
            for state_, text in STANDING_TEXT.items()
        ],
    ]
    rows = [
        {
            "place": _("{name} (whole region)", lang).format(name=p.name) if p.is_region else p.name,
            **p.statuses,
            **{f"criteria_{key}": n for key, n in p.standings.items()},
        }
        for p in summary.places
    ]
    view = View(
        MEASURES,
        _("The region's measures: activities by status and success criteria by standing, per place", lang),
        DataTable(columns, rows),
        source=_("Measures catalogue: NORCE (2025), chapter 4; progress as recorded by the region", lang),
    )
    said = _(
        "The region's own catalogue has {areas} measure areas with {activities} activities and {criteria} success "
        "criteria.",
        lang,
    ).format(
        areas=format_number(summary.areas, lang),
        activities=format_number(summary.activities, lang),
        criteria=format_number(summary.criteria, lang),
    )
    notes = [said]
    if summary.example_criteria:
        notes.append(
            _("{n} of the success criteria are examples, to be replaced by the region's own.", lang).format(
                n=format_number(summary.example_criteria, lang)
            )
        )
    notes.append(
        _("No progress has been recorded for these activities yet.", lang)
        if summary.recorded == 0
        else _("Activities with no progress recorded are shown as not started.", lang)
    )
    return html.Section(
        [
            html.H2(_("The region's measures", lang), className="h4 mt-4"),
            html.P(" ".join(notes), className="small", id="region-measures-note"),
            views.block(view),
            html.P(
                dcc.Link(
                    _("See the measures", lang), href=link_to(state, "measures", region=facts.slug), id="region-tiltak"
                ),
                className="small",
            ),
        ],
        id="region-measures-section",
    )


def _shown_surveys(session, facts: RegionFacts) -> list[SurveyInfo]:
    """The surveys the visitor may see (``list_surveys``) that are public or the region's own."""
    return [s for s in list_surveys(session) if s.visibility == "public" or s.slug in facts.own_surveys]


def _surveys(session, state: PageState, facts: RegionFacts) -> html.Section:
    lang = state.lang
    items = []
    for s in _shown_surveys(session, facts):
        title = pick(s.title, lang)
        if s.is_synthetic:
            title = _("{title} (synthetic)", lang).format(title=title)
        detail = [
            str(s.year),
            _("{n} respondents", lang).format(n=format_number(s.respondents, lang)),
            _(VISIBILITY_TEXT.get(s.visibility, s.visibility), lang),
        ]
        if s.slug in facts.own_surveys:
            detail.append(_("the region's own", lang))
        items.append(
            html.Li(
                [dcc.Link(title, href=link_to(state, "survey", survey=s.slug)), " – " + ", ".join(detail)],
                id=f"region-survey-{s.slug}",
            )
        )
    return html.Section(
        [
            html.H2(_("Surveys", lang), className="h4 mt-4"),
            html.Ul(items, className="mb-1") if items else html.P(_("No survey to show.", lang)),
        ],
        id=SURVEYS,
    )


def _onward(state: PageState, facts: RegionFacts) -> html.Nav:
    lang, slug = state.lang, facts.slug
    links = [
        (_("Measures", lang), link_to(state, "measures", region=slug)),
        (_("Coworking spaces", lang), link_to(state, "coworking", region=slug)),
        (_("Survey explorer", lang), link_to(state, "survey", survey=state["survey"])),
        (_("Municipality", lang), link_to(state, "municipality", kommune=slug, survey=state["survey"])),
        (_("Overview", lang), link_to(state, "overview", region=slug, survey=state["survey"])),
    ]
    return html.Nav(
        [
            html.H2(_("Go on to", lang), className="h4 mt-4"),
            html.Ul([html.Li(dcc.Link(text, href=href)) for text, href in links], className="list-inline-links"),
        ],
        id=ONWARD,
        **aria(label=_("Go on to", lang)),
    )


PAGE = Page(
    name="region",
    path=PATH,
    title=NAME,
    layout=layout,
    id=ID,
    state=STATE,
    render=render,
    extra_outputs={HEAD: Output(HEAD, "children")},
    path_params=("region",),
    in_navigation=False,
)
