"""Kontorfellesskap: coworking spaces on a map of the region's municipalities, a sortable table,
seats against a rough indicator of demand, and the municipalities with no offer.

The map uses the local boundary file only (no web tiles); the table is its text alternative.
"""

from __future__ import annotations

import json

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from app.db.models import SPACE_STATUSES
from app.language import N_, format_number, format_share, number_locale
from app.language import gettext as _
from app.query.boundaries import boundaries, neighbours
from app.query.coworking import capacity_by_municipality, known_seats, list_spaces, spaces_without_seats
from app.query.estimates import estimate_category
from app.query.metadata import survey_meta
from app.query.publish import publishable
from app.web.kit import page_state
from app.web.kit.charts import graph_config
from app.web.kit.components import key_figure_card, labelled_dropdown, needs_message, survey_label
from app.web.kit.grid_texts import grid_texts
from app.web.kit.page_state import NATIONAL, Option, PageState, Param, Spec, chosen_survey, region_param, survey_param
from app.web.kit.shared_texts import SEATS_UNKNOWN, SEATS_UNKNOWN_MEANING, STATUS_NAMES, unknown_seats_text
from app.web.kit.site import Page, link_to
from app.web.pages.coworking.figures import (
    DemandRow,
    demand_figure,
    demand_rows,
    map_figure,
    municipality_seats_text,
)
from app.web.views import Column, DataTable, View, survey_source
from app.web.views.block import Views

PATH = "/kontorfellesskap"
NAME = N_("Coworking")
NO_SPACES = N_("No spaces with the chosen status.")

ID = "coworking"
SURVEY = "coworking-survey"
REGION = "coworking-region"
STATUS = "coworking-status"
CONTENT = "coworking-content"
MAP = "coworking-map"
DEMAND_CHART = "coworking-demand-chart"
GRID = "coworking-grid"
ROW_COUNT = "coworking-row-count"
TOTAL_SEATS = "coworking-total-seats"
NO_OFFER = "coworking-no-offer"
CAPACITY_TABLE = "coworking-capacity-table"

DEFAULT_STATUSES = ("active",)
WEEKLY_CODES = (1, 2, 3)  # q12: every day, 3–4 days, 1–2 days a week

STATE = Spec(
    region_param(REGION, national=N_("All registered spaces")),
    Param(
        "status",
        STATUS,
        options=lambda _context: [Option(s, STATUS_NAMES[s]) for s in SPACE_STATUSES],
        default=DEFAULT_STATUSES,
        many=True,
        widget="checklist",
        in_words=True,
    ),
    survey_param(SURVEY),
)


def layout(lang: str) -> html.Div:
    return html.Div(
        [
            *page_state.frame(ID),
            html.H1(_("Coworking", lang)),
            html.P(
                _(
                    "Where people can work near home: coworking spaces in the region, their capacity against a "
                    "rough indicator of demand, and the municipalities with no offer.",
                    lang,
                ),
                className="lead",
            ),
            dbc.Row(
                [
                    dbc.Col(labelled_dropdown(lang, REGION, _("Region", lang), [], None), md=3),
                    dbc.Col(
                        html.Fieldset(
                            [
                                html.Legend(_("Status", lang), className="form-label fw-semibold fs-6"),
                                # dbc's checklist: plain checkboxes with labels (Dash 4's nests them in a listbox, failing axe)
                                dbc.Checklist(id=STATUS, options=[], value=[], inline=True),
                            ],
                            className="mb-3",
                        ),
                        md=4,
                    ),
                    dbc.Col(
                        labelled_dropdown(lang, SURVEY, _("Survey (for the demand indicator)", lang), [], None),
                        md=5,
                    ),
                ]
            ),
            dcc.Loading(html.Div(id=CONTENT), type="dot"),
        ]
    )


def render(state: PageState, session) -> dict:
    """Everything below the controls."""
    lang, survey, region = state.lang, state["survey"], state["region"]
    statuses = state["status"] or list(DEFAULT_STATUSES)
    slug = None if region == NATIONAL else region
    spaces = list_spaces(session, slug, statuses)
    capacity = capacity_by_municipality(session, slug, statuses)
    lacks = survey_meta(session, survey).missing(["q12"]) if survey else ["q12"]
    weekly = (
        None
        if lacks
        else publishable(
            estimate_category(session, survey, "q12", WEEKLY_CODES, min_n=page_state.min_n()), share_decimals=2
        )
    )  # shown as a whole percentage
    weekly_share = weekly.estimate if weekly else None
    rows = demand_rows(capacity, weekly_share)
    no_offer = [m for m in capacity if m.spaces == 0]
    total = known_seats(spaces)  # spaces with unknown seats are counted apart, never as 0
    unknown = spaces_without_seats(spaces)
    unknown_text = unknown_seats_text(unknown, lang)
    scope = boundaries(m.kommunenummer for m in capacity)
    status_text = ", ".join(_(STATUS_NAMES[s], lang).lower() for s in statuses)

    cards = [
        key_figure_card(
            _("Seats", lang),
            format_number(total, lang),
            _("Status", lang) + f": {status_text}" + (f" · {unknown_text}" if unknown else ""),
            None,
            TOTAL_SEATS,
        ),
        key_figure_card(
            _("Spaces", lang),
            format_number(len(spaces), lang),
            _("Municipalities with a space", lang) + f": {len(capacity) - len(no_offer)} / {len(capacity)}",
            None,
            "coworking-card-spaces",
        ),
        key_figure_card(
            _("Municipalities with no space", lang),
            format_number(len(no_offer), lang),
            _("Status", lang) + f": {status_text}",
            None,
            "coworking-card-no-offer",
        ),
        key_figure_card(
            _("Use home office at least weekly", lang),
            format_share(weekly_share, lang, 0),
            _("The chosen survey does not ask this", lang)
            if weekly is None
            else _("Too few respondents to show", lang)
            if weekly.estimate is None
            else _("Whole survey", lang) + f", n = {format_number(weekly.n, lang)}",
            None,
            "coworking-card-weekly",
        ),
    ]
    figures = dbc.Row([dbc.Col(card, md=6, lg=3) for card in cards], className="g-3 mb-3")
    views = Views(PATH, state)
    inventory = _("Coworking inventory of the dashboard", lang)
    population = _("Population: Statistics Norway (SSB), 1 January; boundaries © Kartverket", lang)
    space_map = map_figure(scope, neighbours(scope), spaces, {m.kommunenummer for m in no_offer}, lang)
    examples = _("example data, to be replaced", lang) if any(s.is_example for s in spaces) else ""
    map_section = html.Section(
        [
            html.H2(_("Map of the coworking spaces", lang), className="h4"),
            views.block(
                View(
                    MAP,
                    _("Map of the coworking spaces", lang),
                    _spaces_table(spaces, lang),
                    space_map,
                    source=inventory,
                    synthetic=examples,
                    sentence=_("{spaces} spaces with {seats} seats", lang).format(
                        spaces=format_number(len(spaces), lang), seats=format_number(total, lang)
                    )
                    + (f" ({unknown_text})" if unknown else ""),
                    method=_(SEATS_UNKNOWN_MEANING, lang) if unknown else "",
                ),
                graph=dcc.Graph(id=MAP, figure=space_map, config=graph_config(lang, scrollZoom=False)),
            ),
            html.P(
                [
                    _(
                        "Marker size shows the number of seats. Hatched municipalities have no space with the chosen "
                        "status. The table below lists every space shown on the map.",
                        lang,
                    ),
                    " ",
                    _("Municipal boundaries © Kartverket (CC BY 4.0)", lang),
                ],
                className="small",
                id="coworking-map-note",
            ),
        ]
    )
    demand_section = html.Section(
        [
            html.H2(_("Capacity against demand", lang), className="h4"),
            needs_message(lacks, lang, link_to(state, "survey", survey=survey))
            if weekly is None
            else views.block(
                View(
                    DEMAND_CHART,
                    _("Capacity against demand", lang),
                    _demand_table(rows, lang),
                    demand_figure(rows, lang),
                    n=weekly.n if weekly else None,
                    source=f"{inventory}. {population}. {employed_source(rows, lang)}. "
                    + survey_source(chosen_survey(state), lang)[0],
                    method=_(
                        "Seats per 1 000 employed residents who use home office at least weekly (rough indicator).",
                        lang,
                    )
                    + (" " + _(SEATS_UNKNOWN_MEANING, lang) if unknown else ""),
                    synthetic=survey_source(chosen_survey(state), lang)[1],
                )
            ),
            html.P(
                _(
                    "Rough indicator: the survey's share of employed people who use home office at least weekly "
                    "(whole survey, not the municipality) × the municipality's employed residents aged 15–74. It "
                    "assumes the share is the same everywhere, so it shows relative need between municipalities "
                    "rather than a number of people. The table below gives the numbers.",
                    lang,
                )
                + " "
                + employed_source(rows, lang)
                + ".",
                className="small",
                id="coworking-demand-note",
            ),
        ]
    )
    content = [
        *survey_label(state),
        *_example_label(spaces, lang),
        figures,
        dbc.Row([dbc.Col(map_section, lg=7), dbc.Col(demand_section, lg=5)], className="g-3"),
        _no_offer_section(no_offer, status_text, lang),
        _capacity_table(rows, lang),
        _spaces_section(spaces, lang),
    ]
    return {"content": content, "views": views.views}


def _example_label(spaces, lang: str) -> list:
    """Example inventory rows must never be mistaken for real spaces."""
    if not any(s.is_example for s in spaces):
        return []
    return [
        html.Div(
            [
                html.Strong(_("Example data – replace with real spaces", lang)),
                ". ",
                _("The spaces below are invented examples, not real offers.", lang),
            ],
            className="alert alert-warning example-label",
            role="note",
        )
    ]


def _no_offer_section(no_offer, status_text: str, lang: str) -> html.Section:
    body: Component
    if no_offer:
        body = html.Ul(
            [
                html.Li(
                    _("{municipality} ({inhabitants} inhabitants)", lang).format(
                        municipality=m.name, inhabitants=format_number(m.population, lang)
                    )
                )
                for m in no_offer
            ],
            className="mb-0",
        )
    else:
        body = html.P(_("Every municipality in the selection has at least one space.", lang), className="mb-0")
    return html.Section(
        [
            html.H2(_("Municipalities with no space", lang), className="h4"),
            html.P(_("Status", lang) + f": {status_text}", className="small text-muted mb-1"),
            body,
        ],
        id=NO_OFFER,
        className="my-3",
    )


def _quarter(period: str | None, lang: str) -> str:
    """ "2022-Q4" as the language says it ("4. kvartal 2022", "Q4 2022")."""
    if not period or "-Q" not in period:
        return period or "–"
    year, quarter = period.split("-Q", 1)
    return _("Q{quarter} {year}", lang).format(quarter=quarter, year=year)


def _employed_period(rows) -> str | None:
    return next((r.employed_period for r in rows if r.employed_period), None)


def employed_heading(rows, lang: str) -> str:
    """The employed residents' column: what they are, from which table and quarter."""
    return _("Employed residents 15–74 (SSB 11618, {quarter})", lang).format(
        quarter=_quarter(_employed_period(rows), lang)
    )


def employed_source(rows, lang: str) -> str:
    return _(
        "Employed residents aged 15–74 by place of residence: Statistics Norway (SSB), table 11618, {quarter}", lang
    ).format(quarter=_quarter(_employed_period(rows), lang))


def _demand_table(rows: list[DemandRow], lang: str) -> DataTable:
    unknown = _(SEATS_UNKNOWN, lang)
    columns = [
        Column("municipality", _("Municipality", lang)),
        Column("population", _("Inhabitants", lang), "integer"),
        Column("seats", _("Seats", lang), "integer", missing=unknown),
        Column("per_1000", _("Seats per 1 000 inhabitants", lang), "number", missing=unknown),
        Column("employed", employed_heading(rows, lang), "integer"),
        Column("remote", _("Employed residents who use home office at least weekly (≈)", lang), "integer"),
        Column("per_1000_remote", _("Seats per 1 000 of them", lang), "number"),
    ]
    if any(r.unknown_seats for r in rows):  # how many spaces each municipality's seats leave out
        columns.insert(3, Column("unknown_seats", _("Spaces with unknown seats", lang), "integer"))
    return DataTable(
        columns,
        [
            {
                "municipality": r.name,
                "population": r.population,
                "seats": None if r.seats_unknown else r.seats,
                "unknown_seats": r.unknown_seats,
                "per_1000": None if r.seats_per_1000 is None else round(r.seats_per_1000, 1),
                "employed": r.employed,
                "remote": None if r.remote_weekly is None else round(r.remote_weekly, -1),
                "per_1000_remote": None if r.seats_per_1000_remote is None else round(r.seats_per_1000_remote, 1),
            }
            for r in rows
        ],
    )


def _spaces_table(spaces, lang: str) -> DataTable:
    columns = [
        Column("name", _("Name", lang)),
        Column("municipality", _("Municipality", lang)),
        Column("seats", _("Seats", lang), "integer", missing=_(SEATS_UNKNOWN, lang)),
        Column("status", _("Status", lang)),
        Column("address", _("Address", lang)),
    ]
    return DataTable(
        columns,
        [
            {
                "name": s.name,
                "municipality": s.municipality,
                "seats": s.seats,
                "status": _(STATUS_NAMES[s.status], lang) if s.status in STATUS_NAMES else s.status,
                "address": ", ".join(filter(None, [s.address, s.postal_code])),
            }
            for s in spaces
        ],
    )


def _capacity_table(rows: list[DemandRow], lang: str) -> html.Section:
    """The numbers behind the demand chart (its text alternative)."""

    def num(value, decimals=0):
        return "–" if value is None else format_number(value, lang, decimals)

    headings = (
        "Municipality",
        N_("Inhabitants"),
        "Seats",
        N_("Seats per 1 000 inhabitants"),
        None,  # employed residents, with their table and quarter
        N_("Employed residents who use home office at least weekly (≈)"),
        N_("Seats per 1 000 of them"),
    )
    head = html.Thead(
        html.Tr(
            [
                html.Th(
                    employed_heading(rows, lang) if h is None else _(h, lang),
                    scope="col",
                    className="text-end" if i else None,
                )
                for i, h in enumerate(headings)
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [html.Th(r.name, scope="row")]
                + [
                    html.Td(v, className="text-end")
                    for v in (
                        num(r.population),
                        municipality_seats_text(r, lang),
                        _(SEATS_UNKNOWN, lang) if r.seats_per_1000 is None else num(r.seats_per_1000, 1),
                        num(r.employed),
                        num(None if r.remote_weekly is None else round(r.remote_weekly, -1)),
                        num(r.seats_per_1000_remote, 1),
                    )
                ]
            )
            for r in rows
        ]
    )
    return html.Section(
        [
            html.H2(_("Seats and demand by municipality", lang), className="h4"),
            html.Div(
                html.Table([head, body], className="table table-sm table-striped", id=CAPACITY_TABLE),
                className="table-responsive",
            ),
        ],
        className="my-3",
    )


def _spaces_section(spaces, lang: str) -> html.Section:
    marks = number_locale(lang)  # the browser formats the table's numbers as the language writes them
    number = (
        f"params.value == null ? '' : d3.formatLocale({{decimal: {marks['decimal']!r}, "
        f"thousands: {marks['thousands']!r}, grouping: [3], currency: ['', '']}}).format(',.0f')(params.value)"
    )

    def col(field, header, numeric=False, **extra):
        spec = {
            "field": field,
            "headerName": _(header, lang),
            "filter": "agNumberColumnFilter" if numeric else "agTextColumnFilter",
        }
        if numeric:
            spec.update(type="numericColumn", valueFormatter={"function": number}, width=150)
        return {**spec, **extra}

    # unknown seats (NULL) say so; they sort and filter as no number, never as 0
    unknown = json.dumps(_(SEATS_UNKNOWN, lang))
    seats_format = {"function": number.replace("params.value == null ? ''", f"params.value == null ? {unknown}", 1)}

    row_data = [
        {
            "name": s.name,
            "municipality": s.municipality,
            "status": _(STATUS_NAMES[s.status], lang),
            "seats": s.seats,
            "cell_offices": s.cell_offices,
            "meeting_rooms": s.meeting_rooms,
            "price_day": s.price_day_nok,
            "price_month": s.price_month_nok,
            "opening_hours": s.opening_hours or "",
            "facilities": ", ".join(s.facilities),
            "address": " ".join(p for p in (s.address, s.postal_code) if p),
            "operator": s.operator or "",
            "contact": " ".join(p for p in (s.contact, s.website) if p),
            "example": _("Yes", lang) if s.is_example else _("No", lang),
        }
        for s in spaces
    ]
    columns = [
        col("name", N_("Name"), pinned="left", width=260),
        col("municipality", "Municipality", width=140),
        col("status", "Status", width=110),
        col("seats", "Seats", True, valueFormatter=seats_format),
        col("cell_offices", N_("Cell offices"), True),
        col("meeting_rooms", N_("Meeting rooms"), True),
        col("price_day", N_("Price per day (NOK)"), True, width=150),
        col("price_month", N_("Price per month (NOK)"), True, width=160),
        col("opening_hours", N_("Opening hours"), width=240),
        col("facilities", N_("Facilities"), width=260),
        col("address", N_("Address"), width=160),
        col("operator", N_("Operator"), width=150),
        col("contact", N_("Contact"), width=180),
        col("example", N_("Example data"), width=130),
    ]
    return html.Section(
        [
            html.H2(_("All spaces shown", lang), className="h4"),
            html.P(
                _("Spaces shown", lang)
                + f": {format_number(len(spaces), lang)}. "
                + _("Sort by clicking a column heading; filter from the column menu.", lang),
                id=ROW_COUNT,
                className="small",
            ),
            dag.AgGrid(
                id=GRID,
                rowData=row_data,
                columnDefs=columns,
                defaultColDef={"sortable": True, "resizable": True, "filter": True},
                dashGridOptions={
                    "domLayout": "autoHeight",
                    "animateRows": False,
                    "localeText": grid_texts(lang, noRowsToShow=NO_SPACES),
                    "tabToNextCell": {"function": "false"},  # Tab leaves the table; arrows move inside it
                    "tabToNextHeader": {"function": "false"},
                },
                style={"height": None},
            ),
        ],
        className="my-3",
    )


PAGE = Page(name="coworking", path=PATH, title=NAME, layout=layout, id=ID, state=STATE, render=render)
