"""Oversikt: what data the dashboard holds, and for which region."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from app.db.session import session_scope
from app.query.catalog import list_regions, list_surveys, reference_counts
from app.web.components import friendly, page_language, synthetic_label
from app.web.i18n import format_number, pick
from app.web.i18n import gettext as _

dash.register_page(__name__, path="/", name="Overview", order=0)

SURVEY_LIST = "overview-survey-list"
REGION_LIST = "overview-region-list"


@friendly
def layout(lang: str | None = None, **_params) -> html.Div:
    lang = page_language(lang)
    with session_scope() as session:
        surveys = list_surveys(session)
        regions = list_regions(session)
        counts = reference_counts(session)
    return html.Div(
        [
            html.H1(_("Overview", lang)),
            html.P(_("Remote-work research for regional councils: who can work from anywhere, "
                     "who would move, and what the region can do.", lang), className="lead"),
            *[synthetic_label(s.synthetic_note, lang) for s in surveys if s.is_synthetic][:1],
            dbc.Row(
                [
                    dbc.Col(_survey_card(surveys, lang), md=7),
                    dbc.Col(_reference_card(regions, counts, lang), md=5),
                ],
                className="g-3",
            ),
        ]
    )


def _survey_card(surveys, lang: str) -> dbc.Card:
    if not surveys:
        body = html.P(_("No survey has been imported yet.", lang))
    else:
        body = html.Ul(
            [
                html.Li(
                    [
                        html.Strong(pick(s.title, lang)),
                        f" — {format_number(s.respondents, lang)} " + _("respondents", lang),
                        dbc.Badge(_("Synthetic", lang), color="warning", text_color="dark", className="ms-2")
                        if s.is_synthetic else None,
                    ]
                )
                for s in surveys
            ],
            id=SURVEY_LIST,
        )
    return dbc.Card([dbc.CardHeader(html.H2(_("Surveys", lang), className="h5 mb-0")), dbc.CardBody(body)])


def _reference_card(regions, counts, lang: str) -> dbc.Card:
    items = [
        html.Li(f"{format_number(counts.municipalities, lang)} " + _("municipalities in", lang)
                + f" {format_number(counts.counties, lang)} " + _("counties", lang)),
        html.Li(f"{format_number(counts.postal_codes, lang)} " + _("postal codes", lang)),
        html.Li(f"{format_number(counts.coworking_spaces, lang)} " + _("coworking spaces", lang)),
    ]
    region_items = [
        html.Li([html.Strong(r.name), ": ", ", ".join(f"{name} ({number})" for number, name in r.members)])
        for r in regions
    ]
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Reference data", lang), className="h5 mb-0")),
            dbc.CardBody([html.Ul(items), html.H3(_("Regions", lang), className="h6"),
                          html.Ul(region_items, id=REGION_LIST)]),
        ]
    )
