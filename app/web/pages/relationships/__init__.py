"""Samanhengar: the NORCE (2025) report's key relationships, re-estimated from the chosen survey.

One section per finding: the report's claim with its chapter, a chart with 95 % intervals, the
test in plain words and a one-line reading written from the estimates (never hard-coded), and a
table with the same numbers as the chart's text alternative. Figures, readings and tables are
pure functions of query results in app/web/pages/relationships/figures.py.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from app.language import N_, localized
from app.language import gettext as _
from app.query.metadata import survey_meta
from app.query.relationships import NEEDED, Findings, findings
from app.web.kit import page_state
from app.web.kit.components import aria, labelled_dropdown, needs_message, survey_label
from app.web.kit.page_state import PageState, Spec, survey_param
from app.web.kit.site import Page, link_to
from app.web.pages.relationships import figures as view
from app.web.views import mean_table, share_table, survey_view
from app.web.views.block import Views

PATH = "/samanhengar"
NAME = N_("Relationships")
ID = "relationships"

SURVEY = "relationships-survey"
CONTENT = "relationships-content"

STATE = Spec(survey_param(SURVEY))

# Section anchors (also the jump list's targets) and chart ids are built from these keys.
SECTIONS = ("home-office", "workspace", "doughnut", "factory", "attractiveness")


def _section_titles(lang: str) -> dict[str, str]:
    return {
        "home-office": _("Home office use and views of home office", lang),
        "workspace": _("Workspace at home and views of home office", lang),
        "doughnut": _("The doughnut effect: home office and acceptable travel time", lang),
        "factory": _("Factory paradigm and willingness to move", lang),
        "attractiveness": _("Centrality, education and the appeal of rural municipalities", lang),
    }


def layout(lang: str) -> html.Div:
    titles = _section_titles(lang)
    return html.Div(
        [
            *page_state.frame(ID),
            # the first finding's chart on the first screen: the survey beside the introduction, the findings
            # as one line of links
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.H1(_("Relationships", lang)),
                            html.P(
                                _(
                                    "The report's key findings, each reproduced from the survey you choose: the claim "
                                    "as the report states it, a chart with 95 % intervals, a test, and a one-line "
                                    "reading of the numbers.",
                                    lang,
                                ),
                                className="mb-2",
                            ),
                        ],
                        lg=7,
                    ),
                    dbc.Col(labelled_dropdown(lang, SURVEY, _("Survey", lang), [], None), lg=5, className="pt-lg-2"),
                ]
            ),
            html.Nav(
                [
                    html.Span(
                        _("Jump to a finding", lang) + ":",
                        className="fw-semibold me-2",
                        id="relationships-jump-label",
                    ),
                    html.Ul(
                        [html.Li(html.A(titles[key], href=f"#relationships-{key}")) for key in SECTIONS],
                        className="small list-inline-links",
                    ),
                ],
                className="mb-2 small",
                **aria(labelledby="relationships-jump-label"),
            ),
            dcc.Loading(html.Div(id=CONTENT), type="dot"),
        ]
    )


def render(state: PageState, session) -> dict:
    """Every finding for the chosen survey."""
    lang = state.lang
    missing = survey_meta(session, state["survey"]).missing(NEEDED)
    if missing:
        link = link_to(state, "survey", survey=state["survey"])
        return {"content": [*survey_label(state), needs_message(missing, lang, link)], "views": []}
    found = findings(session, state["survey"], min_n=page_state.min_n()).published().map(lambda r: localized(r, lang))
    views = Views(PATH, state)
    return {
        "content": [
            *survey_label(state),
            *sections(found, views),
            html.P(  # how to read them, after the findings: the first chart comes first
                _(
                    "The claims are quoted from the report; the charts, tests and readings are computed from the "
                    "survey chosen above. A difference is called statistically significant when a difference this "
                    "large would arise by chance less than 5 % of the time if there were no relationship. "
                    "Error bars show 95 % intervals.",
                    lang,
                ),
                className="small text-body-secondary mt-3",
            ),
        ],
        "views": views.views,
    }


def sections(found: Findings, views: Views) -> list:
    lang = views.state.lang
    titles = _section_titles(lang)
    chart = _charts(views, titles)
    return [
        _statements_section(
            "home-office",
            titles,
            lang,
            _(
                "More use of home office goes with more positive views of how home office affects "
                "efficiency, collaboration, creativity and building a good working environment.",
                lang,
            ),
            found.home_office,
            chart,
            _("Share who agree (fully or partly) – by home office use", lang),
            _("Share who agree, by home office use", lang),
        ),
        _statements_section(
            "workspace",
            titles,
            lang,
            _(
                "Employees with their own room or a fixed place at home rate these conditions "
                "significantly more positively than employees without a fixed workplace at home.",
                lang,
            ),
            found.workspace,
            chart,
            _("Share who agree (fully or partly) – by workspace at home", lang),
            _("Share who agree, by workspace at home", lang),
        ),
        _section(
            "doughnut",
            titles,
            lang,
            "NORCE (2025) kap. 3.2.5",
            _(
                "Acceptable travel time differs significantly between those who work from home 3 days a week or "
                "more and those who do so less often. The report reads this as support for “the doughnut "
                "effect”: more home office can mean accepting longer travel to the office, and so living "
                "outside central areas.",
                lang,
            ),
            [
                chart(
                    "doughnut",
                    view.travel_figure(found.travel, lang),
                    share_table([found.travel], lang),
                    [found.travel],
                    view.reading_travel(found.travel, lang),
                    view.travel_table(found.travel, lang),
                )
            ],
            view.reading_travel(found.travel, lang),
            [view.describe_test(found.travel.test, lang)],
            view.suppressed_note([found.travel], lang),
        ),
        _section(
            "factory",
            titles,
            lang,
            "NORCE (2025) kap. 3.2.5",
            _(
                "There is a significant relationship between the factory paradigm and willingness to move: a lower "
                "score on the index (a more positive view of remote work) goes with greater willingness to move "
                "to another municipality.",
                lang,
            ),
            [
                chart(
                    "factory",
                    view.mean_figure(found.factory, lang),
                    mean_table(found.factory, lang),
                    [found.factory],
                    view.reading_factory(found.factory, lang),
                    view.mean_table(found.factory, lang),
                )
            ],
            view.reading_factory(found.factory, lang),
            [view.describe_test(found.factory_test, lang)],
            view.suppressed_note([found.factory], lang) + view.alpha_note(found.factory, lang),
        ),
        _attractiveness_section(found, titles, chart, lang),
    ]


def _charts(views: Views, titles: dict[str, str]):
    """A function that makes the view block of one finding's chart (its id from the finding's key): its data
    (all answers, for the exports) and the table its switch shows (what the chart draws, with intervals)."""

    def chart(key: str, figure: go.Figure, data, results: list, sentence: str, shown, title: str | None = None):
        title = title or titles[key]
        view = survey_view(views.state, f"relationships-chart-{key}", title, data, figure, results, sentence)
        return views.block(view, table=shown)

    return chart


def _statements_section(
    key: str, titles: dict, lang: str, claim: str, results: list, chart, figure_title: str, table_caption: str
) -> html.Section:
    """A finding about the four home-office statements: one panel each, their tests and table."""
    return _section(
        key,
        titles,
        lang,
        "NORCE (2025) kap. 3.2.3",
        claim,
        [
            chart(
                key,
                view.facet_figure(results, lang, figure_title),
                share_table(results, lang, with_question=True),
                results,
                view.reading_agree(results, lang),
                view.statements_table(results, lang, table_caption),
            )
        ],
        view.reading_agree(results, lang),
        view.statement_tests(results, lang),
        view.suppressed_note(results, lang),
    )


def _section(key, titles, lang, source, claim, charts, reading, tests, extra=()) -> html.Section:
    return html.Section(
        [
            html.H2(titles[key], className="h4"),
            html.Blockquote(
                [html.P(claim, className="mb-1"), html.Footer(source, className="blockquote-footer mt-0")],
                className="relationships-claim border-start border-3 ps-3 mb-2",
            ),
            *charts,
            *extra,
            html.P(reading, className="relationships-reading fw-semibold mb-1"),
            *[html.P(t, className="relationships-test small mb-1") for t in tests],
        ],
        id=f"relationships-{key}",
        className="mb-5",
    )


def _attractiveness_section(found: Findings, titles, chart, lang) -> html.Section:
    title = _("Find living in a rural municipality attractive", lang)
    parts = []
    for key, result, reading in (
        ("centrality", found.centrality, view.reading_centrality),
        ("education", found.education, view.reading_education),
    ):
        caption = title + " – " + (result.by_label or "")
        parts.append(
            dbc.Col(
                [
                    chart(
                        f"attractiveness-{key}",
                        view.bars_figure(result, lang, caption),
                        share_table([result], lang),
                        [result],
                        reading(result, lang),
                        view.share_table(result, lang, caption),
                        caption,
                    ),
                    *view.suppressed_note([result], lang),
                    html.P(
                        reading(result, lang),
                        className="relationships-reading fw-semibold mb-1",
                        id=f"relationships-reading-{key}",
                    ),
                    html.P(view.describe_test(result.test, lang), className="relationships-test small mb-1"),
                ],
                lg=6,
            )
        )
    return html.Section(
        [
            html.H2(titles["attractiveness"], className="h4"),
            html.Blockquote(
                [
                    html.P(
                        _(
                            "There is a negative relationship between centrality and how attractive people find living in a "
                            "rural municipality; still, just under 25 % of those living in central municipalities (index 1 "
                            "and 2) find it very or fairly attractive. The higher the education, the less attractive rural "
                            "municipalities are as a place to live.",
                            lang,
                        ),
                        className="mb-1",
                    ),
                    html.Footer("NORCE (2025) kap. 3.2.5", className="blockquote-footer mt-0"),
                ],
                className="relationships-claim border-start border-3 ps-3 mb-2",
            ),
            dbc.Row(parts, className="g-4"),
        ],
        id="relationships-attractiveness",
        className="mb-5",
    )


PAGE = Page(name="relationships", path=PATH, title=NAME, layout=layout, id=ID, state=STATE, render=render)
