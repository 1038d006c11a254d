"""Om data og metode: where every number comes from and how it is computed, so a council can
cite the dashboard, judge its uncertainty and see that demo numbers are not findings."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

import app as fjernarbeid
from app.language import N_, fill, format_long_date, format_number, pick
from app.language import gettext as _
from app.language.mobility import jobs_anywhere_source
from app.query.about import SurveyDetails, reference_info, schema_revision, survey_details
from app.query.mobility import JOBS_ANYWHERE
from app.web.kit import page_state
from app.web.kit.components import labelled_dropdown, survey_label
from app.web.kit.page_state import PageState, Spec, survey_param
from app.web.kit.site import Page
from app.web.views import Column, DataTable, View
from app.web.views.block import toolbar

PATH = "/om"
NAME = N_("About data and methods")

ID = "about"
SURVEY = "about-survey"
CONTENT = "about-content"
ATTRIBUTION = "about-attribution"
MIN_N = "about-min-n"
VERSION = "about-version"

OSLO = ZoneInfo("Europe/Oslo")

# The seed documents (see the seeds README) and what the dashboard takes from each.
SOURCES = (
    (
        "NORCE (2025): rapport fra fase 2 av forskningsprosjektet om fjernarbeid, i samarbeid med Hardangerrådet. "
        "Spørreskjema: «Undersøkelse blant yrkesaktive, april/mai 2025» (Respons Analyse for NORCE). "
        "Tittel, forfattere og rapportnummer står ikke i teksten prosjektet har.",
        N_(
            "The questionnaire and codebook of the main survey, the published figures the demo data are calibrated to, "
            "the relationships the dashboard reproduces, the mobility arithmetic (about 15 % of 1.2–1.4 million jobs) "
            "and the five measure areas."
        ),
    ),
    (
        "Ingelsrud, M. H., Aksnes, S. Y. m.fl. (2022): Hjemme–Borte–Uavgjort. Hjemmekontor og annet fjernarbeid. "
        "AFI-rapport 2022:04, Arbeidsforskningsinstituttet AFI, OsloMet.",
        N_(
            "The national time series of who can work from home (Tabell 1) and benchmarks for home-office frequency "
            "and wishes."
        ),
    ),
    (
        "Prosjektpresentasjon om fjernarbeid i Hardanger (udatert, uten forfatter).",
        N_(
            "The headline potential (50 % of jobs, about 1.4 million), the factory-paradigm hypothesis and the eight "
            "opportunities for municipalities."
        ),
    ),
    (
        "Presentasjon om hjemmearbeid i staten, IA-frokostseminar (trolig høsten 2022).",
        N_("Employer-side context and notes on regulation of home office."),
    ),
    (
        "Bærum kommune (2020–2021): Digitalt kontor – hjemmekontor.",
        N_(
            "An example of a municipality's own employee survey and guidelines, with benchmarks for home-office "
            "conditions."
        ),
    ),
)


STATE = Spec(survey_param(SURVEY))


def layout(lang: str) -> html.Div:
    return html.Div(
        [
            *page_state.frame(ID),
            html.H1(_("About data and methods", lang)),
            html.P(
                _("Where the numbers come from, how they are computed and which versions of the data are shown.", lang),
                className="lead",
            ),
            dbc.Row(
                dbc.Col(
                    labelled_dropdown(lang, SURVEY, _("Survey to show in detail", lang), [], None),
                    md=7,
                )
            ),
            dcc.Loading(html.Div(id=CONTENT), type="dot"),
        ]
    )


def render(state: PageState, session) -> dict:
    """Sources, survey cards (the chosen one expanded), methods, versions."""
    lang, survey = state.lang, state["survey"]
    surveys = survey_details(session)
    reference = reference_info(session)
    revision = schema_revision()
    min_n = page_state.min_n()
    imports = imports_view(surveys, lang)
    return {
        "content": [
            *survey_label(state),
            _sources(lang),
            html.Section(
                [
                    html.H2(_("Surveys in the database", lang), className="h3 mt-4"),
                    *(
                        [_survey_card(s, s.slug == survey, lang) for s in surveys]
                        or [html.P(_("No survey has been imported yet.", lang))]
                    ),
                ]
            ),
            _methods(min_n, lang),
            _reference(reference, lang),
            _version(surveys, revision, lang),
            toolbar(PATH, imports, state),
        ],
        "views": [imports],
    }


def _sources(lang: str) -> html.Section:
    return html.Section(
        [
            html.H2(_("Sources", lang), className="h3 mt-3"),
            html.Ul(
                [
                    html.Li([html.Cite(title), html.Br(), _("Used for", lang) + ": " + _(use, lang)], className="mb-2")
                    for title, use in SOURCES
                ],
                id="about-sources",
            ),
        ]
    )


def _survey_card(s: SurveyDetails, selected: bool, lang: str) -> dbc.Card:
    """One survey; the one chosen in the address is highlighted and opened."""
    title = _("{title} (synthetic)", lang).format(title=pick(s.title, lang)) if s.is_synthetic else pick(s.title, lang)
    header = [
        html.H3(title, className="h5 mb-1"),
        html.P(_("Citation: {citation}", lang).format(citation=s.citation), className="mb-1 small"),
        html.P(_("Respondents: {n}", lang).format(n=format_number(s.respondents, lang)), className="mb-1 small"),
    ]
    if s.is_synthetic:
        header.append(
            html.Div(
                [
                    html.Strong(_("Synthetic data", lang) + ": "),
                    pick(s.synthetic_note, lang),
                    " ",
                    _("The real microdata are not public; the demo numbers are not findings.", lang),
                ],
                className="alert alert-warning synthetic-label py-2 mb-2",
                role="note",
            )
        )
    details = [
        _term(_("Fieldwork", lang), _fieldwork(s, lang)),
        _term(_("Population", lang), pick(s.population, lang) or "–"),
        _term(_("Weighting", lang), pick(s.weighting, lang) or "–"),
        _term(_("Latest import", lang), _batch_text(s, lang)),
    ]
    return dbc.Card(
        dbc.CardBody(
            [
                *header,
                html.Details(
                    [html.Summary(_("Details", lang)), html.Dl(details, className="mb-0 mt-2")],
                    open=selected,
                    id=f"about-details-{s.slug}",
                ),
            ]
        ),
        id=f"about-card-{s.slug}",
        className="mb-3 about-survey" + (" about-survey-selected" if selected else ""),
        color="primary" if selected else None,
        outline=selected,
        style={"borderWidth": "3px"} if selected else None,
    )


def _term(name: str, value: str) -> html.Div:
    return html.Div([html.Dt(name), html.Dd(value)])


def _fieldwork(s: SurveyDetails, lang: str) -> str:
    if s.fieldwork_start is None:
        return _("None: the rows were generated, not collected.", lang) if s.is_synthetic else "–"
    return f"{_date(s.fieldwork_start, lang)} – {_date(s.fieldwork_end, lang) if s.fieldwork_end else ''}"


def _date(value: dt.date, lang: str) -> str:
    return format_long_date(value, lang)


def _timestamp(value: dt.datetime, lang: str) -> str:
    local = value.astimezone(OSLO) if value.tzinfo else value
    return _date(local.date(), lang) + local.strftime(" %H:%M")


def _batch_text(s: SurveyDetails, lang: str) -> str:
    b = s.batch
    if b is None:
        return _("No import recorded", lang)
    rows = format_number(b.row_count, lang) if b.row_count is not None else "–"
    return _("{file} · {imported} · {rows} rows", lang).format(
        file=b.file_name, imported=_timestamp(b.imported_at, lang), rows=rows
    )


def _methods(min_n: int, lang: str) -> html.Section:
    """The estimation methods in words; each matches a call in R's survey package (tests/r_reference)."""
    jobs = JOBS_ANYWHERE
    items: list[Component | str] = [
        _("The base for every share excludes “don't know” and unanswered.", lang),
        _("Proportions are weighted with the survey weights.", lang),
        _(
            "Standard errors use Taylor linearisation for a design with weights only, as in R's survey package: "
            "svydesign(ids=~1, weights=~w); subgroups are estimated as domains (subset), not as separate samples.",
            lang,
        ),
        _(
            '95 % intervals for proportions are logit intervals, as svyciprop(method="logit"); a share of exactly '
            "0 or 100 % gets the Korn–Graubard (Clopper–Pearson) interval instead, so it is never 0–0 %.",
            lang,
        ),
        _(
            "Differences between groups are tested for independence with the Rao–Scott F test, as "
            'svychisq(statistic="F"), over the groups that are shown.',
            lang,
        ),
        _("Means (e.g. the factory-paradigm index) have a normal-approximation 95 % interval.", lang),
        _(
            "The factory-paradigm index is the mean of six statements about home office and the workplace; its "
            "internal consistency is reported as Cronbach's alpha.",
            lang,
        ),
        html.Span(
            fill(
                _(
                    "Suppression: groups with fewer than {min_n} unweighted respondents are hidden and shown as “too "
                    "few respondents”, exactly like groups with none. A group is hidden too when a view with one "
                    "filter value more or less would differ from it by fewer respondents than that, and more groups "
                    "are hidden until the hidden ones together cannot be worked out from the total. Numbers leave "
                    "the server rounded as they are shown.",
                    lang,
                ),
                min_n=html.Strong(str(min_n), id=MIN_N),
            )
        ),
        _("Weights are raked (iterative proportional fitting) to age group × gender margins.", lang),
        _(
            "Mobility potential: the number of jobs that can be done anywhere is an assumption, {default} "
            "({low}–{high}). Source: {source}",
            lang,
        ).format(
            default=format_number(jobs.default, lang),
            low=format_number(jobs.low, lang),
            high=format_number(jobs.high, lang),
            source=jobs_anywhere_source(lang),
        ),
    ]
    return html.Section(
        [
            html.H2(_("Methods", lang), className="h3 mt-4"),
            html.Ul([html.Li(item) for item in items], id="about-methods"),
            html.P(_("The estimates are checked against R's survey package in the automated tests.", lang)),
        ]
    )


def _reference(reference, lang: str) -> html.Section:
    classification = ", ".join(reference.centrality_classifications) or "–"
    years = ", ".join(str(y) for y in reference.population_years) or "–"
    return html.Section(
        [
            html.H2(_("Reference data", lang), className="h3 mt-4"),
            html.P(
                _(
                    "Municipal boundaries © Kartverket (CC BY 4.0). Population and centrality: "
                    "Statistics Norway (CC BY 4.0). Postal codes: Posten Bring, postal code register.",
                    lang,
                ),
                id=ATTRIBUTION,
            ),
            html.Ul(
                [
                    html.Li(
                        _("Centrality classification in use: {name}", lang).format(name=classification),
                        id="about-centrality",
                    ),
                    html.Li(
                        _("Population as of 1 January {years}", lang).format(years=years), id="about-population-year"
                    ),
                ]
            ),
        ]
    )


def imports_view(surveys: list[SurveyDetails], lang: str) -> View:
    """The latest import of each survey, for the data addresses."""
    columns = [
        Column("survey", _("Survey", lang)),
        Column("file", _("File", lang)),
        Column("imported", _("Imported", lang)),
        Column("rows", _("Rows", lang), "integer"),
    ]
    rows = [
        {
            "survey": pick(s.title, lang),
            "file": s.batch.file_name,
            "imported": _timestamp(s.batch.imported_at, lang),
            "rows": s.batch.row_count,
        }
        for s in surveys
        if s.batch is not None
    ]
    return View("about-imports", _("Latest import of each survey", lang), DataTable(columns, rows))


def _version(surveys: list[SurveyDetails], revision: str | None, lang: str) -> html.Section:
    rows = [
        html.Tr(
            [
                html.Td(pick(s.title, lang)),
                html.Td(s.batch.file_name),
                html.Td(_timestamp(s.batch.imported_at, lang)),
                html.Td(
                    format_number(s.batch.row_count, lang) if s.batch.row_count is not None else "–",
                    className="text-end",
                ),
            ]
        )
        for s in surveys
        if s.batch is not None
    ]
    table = (
        dbc.Table(
            [
                html.Caption(_("Latest import of each survey", lang)),
                html.Thead(
                    html.Tr(
                        [html.Th(_(h, lang), scope="col") for h in ("Survey", N_("File"), N_("Imported"), N_("Rows"))]
                    )
                ),
                html.Tbody(rows),
            ],
            size="sm",
            bordered=True,
            responsive=True,
            className="caption-top",
        )
        if rows
        else html.P(_("No import recorded", lang))
    )
    return html.Section(
        [
            html.H2(_("Version", lang), className="h3 mt-4"),
            html.Ul(
                [
                    html.Li(_("Application version: {version}", lang).format(version=fjernarbeid.__version__)),
                    html.Li([_("Database schema revision", lang) + ": ", html.Code(revision or "–")]),
                ],
                id=VERSION,
            ),
            table,
        ]
    )


PAGE = Page(name="about", path=PATH, title=NAME, layout=layout, id=ID, state=STATE, render=render)
