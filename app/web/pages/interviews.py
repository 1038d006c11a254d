"""Intervju: the seven interviews with remote workers who live in Hardanger, the report's only local
evidence (NORCE 2025, section 3.1): each theme with what the report says, its quotes verbatim and in
Norwegian with their section, how the survey's findings match it, and the measure areas it bears on.

The themes and quotes are data (seed/interviews.yaml, in the interview tables), not text of this page.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from app.language import N_, pick
from app.language import gettext as _
from app.query.interviews import Theme, themes
from app.query.measures import catalogue
from app.web.kit import page_state
from app.web.kit.components import labelled_dropdown
from app.web.kit.page_state import Context, Option, PageState, Param, Spec
from app.web.kit.site import Page, link_to
from app.web.views import Column, DataTable, View
from app.web.views.block import toolbar

PATH = "/intervju"
NAME = N_("Interviews")

ID = "interviews"
AREA = "interviews-area"
CONTENT = "interviews-content"
OVERVIEW = "interviews-overview"

ALL = "all"
REPORT = "NORCE (2025)"


def _area_options(context: Context) -> list[Option]:
    return [Option(ALL, N_("All measure areas"))] + [Option(a.code, a.title) for a in catalogue(context.session)]


STATE = Spec(Param("area", AREA, options=_area_options, default=ALL, in_words=True))


def layout(lang: str) -> html.Div:
    return html.Div(
        [
            *page_state.frame(ID),
            html.H1(_("Interviews", lang)),
            html.P(
                _(
                    "The report's only local evidence: interviews with seven remote workers who live in Hardanger, "
                    "its themes, the quotes as the report gives them, and how they match the survey's findings and "
                    "the measure areas.",
                    lang,
                ),
                className="lead",
            ),
            dbc.Row(dbc.Col(labelled_dropdown(lang, AREA, _("Themes bearing on", lang), [], None), md=6)),
            dcc.Loading(html.Div(id=CONTENT), type="dot"),
        ]
    )


def render(state: PageState, session) -> dict:
    lang, area = state.lang, state["area"]
    chosen = themes(session, None if area == ALL else area)
    areas = {a.code: a for a in catalogue(session)}
    view = quotes_view(chosen, areas, lang)
    return {
        "views": [view],
        "content": [
            html.P(
                _(
                    "Seven interviews show experiences, not shares: they say what matters to people who already "
                    "live here, not how many think so. The quotes are verbatim and in Norwegian, as the report has "
                    "them; each gives its section of the report.",
                    lang,
                ),
                className="alert alert-info",
                role="note",
            ),
            _overview(chosen, areas, state),
            toolbar(PATH, view, state),
            *[_theme_card(theme, areas, state) for theme in chosen],
        ],
    }


def _area_links(codes: list[str], areas: dict, state: PageState) -> list:
    links: list = []
    for code in codes:
        if code not in areas:
            continue
        if links:
            links.append(", ")
        area = areas[code]
        href = link_to(state, "measures") + f"#measures-area-{code}"
        links.append(dcc.Link(f"{area.number}. {pick(area.title, state.lang)}", href=href))
    return links


def _overview(chosen: list[Theme], areas: dict, state: PageState) -> html.Section:
    lang = state.lang
    head = html.Tr(
        [
            html.Th(_("Theme", lang), scope="col"),
            html.Th(_("Quotes", lang), scope="col"),
            html.Th(_("The survey (section)", lang), scope="col"),
            html.Th(_("Measure areas", lang), scope="col"),
        ]
    )
    rows = [
        html.Tr(
            [
                html.Th(
                    html.A(f"{pick(t.title, lang)} ({t.section})", href=f"#interviews-theme-{t.code}"),
                    scope="row",
                    className="fw-normal",
                ),
                html.Td(str(len(t.quotes))),
                html.Td(t.survey_section),
                html.Td(_area_links(t.measure_areas, areas, state)),
            ]
        )
        for t in chosen
    ]
    caption = html.Caption(
        _(
            "The themes of the interviews (NORCE 2025, section 3.1) and where they meet the survey and the measures",
            lang,
        ),
        className="small",
    )
    return html.Section(
        html.Div(
            dbc.Table(
                [caption, html.Thead(head), html.Tbody(rows)],
                bordered=True,
                size="sm",
                className="caption-top align-middle mb-0",
            ),
            className="table-responsive",
        ),
        id=OVERVIEW,
        className="mb-4",
    )


def _theme_card(theme: Theme, areas: dict, state: PageState) -> dbc.Card:
    lang = state.lang
    quotes: list[Component] = [
        html.Figure(
            [
                html.Blockquote(html.P(quote.text, lang="nb"), className="blockquote fs-6 mb-1"),
                html.Figcaption(
                    _("{report}, section {section}", lang).format(report=REPORT, section=quote.section),
                    className="blockquote-footer mt-1",
                ),
            ],
            className="border-start border-3 ps-3 mb-3 interviews-quote",
        )
        for quote in theme.quotes
    ]
    if not quotes:
        quotes = [html.P(_("The report gives no quotes for this theme.", lang), className="text-muted small")]
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2(pick(theme.title, lang), className="h4"),
                html.P(
                    _("{report}, section {section}", lang).format(report=REPORT, section=theme.section),
                    className="small text-muted",
                ),
                html.P(pick(theme.summary, lang)),
                html.H3(_("In their own words", lang), className="h6"),
                *quotes,
                html.Div(
                    [
                        html.H3(_("What the survey found", lang), className="h6"),
                        html.P(pick(theme.survey, lang), className="mb-1"),
                        html.P(
                            _("{report}, section {section}", lang).format(report=REPORT, section=theme.survey_section),
                            className="small text-muted mb-0",
                        ),
                    ],
                    className="border border-start border-4 border-info-subtle rounded p-3 mb-3",
                ),
                html.P(
                    [html.Strong(_("Measure areas", lang) + ": "), *_area_links(theme.measure_areas, areas, state)],
                    className="mb-0",
                ),
            ]
        ),
        className="mb-4",
        id=f"interviews-theme-{theme.code}",
    )


def quotes_view(chosen: list[Theme], areas: dict, lang: str) -> View:
    """Every quote shown, with its theme and section, as one table for the data files."""
    columns = [
        Column("theme", _("Theme", lang)),
        Column("section", _("Section", lang)),
        Column("quote", _("Quote", lang)),
        Column("areas", _("Measure areas", lang)),
    ]
    rows = [
        {
            "theme": pick(t.title, lang),
            "section": q.section,
            "quote": q.text,
            "areas": "; ".join(pick(areas[c].title, lang) for c in t.measure_areas if c in areas),
        }
        for t in chosen
        for q in t.quotes
    ]
    return View(
        "interviews-quotes",
        _("Quotes from the interviews", lang),
        DataTable(columns, rows),
        source=_("NORCE (2025), section 3.1: interviews with seven remote workers living in Hardanger", lang),
    )


PAGE = Page(name="interviews", path=PATH, title=NAME, layout=layout, id=ID, state=STATE, render=render)
