"""Suksesskriterier: editors set goals and success criteria for a measure area or one of its activities
(NORCE 2025, chapter 4: "Definere mål for bruk og suksesskriterier"): what counts as success, a target (a
number with its unit, or words), whether the number is a level to reach or a ceiling, and the date it is
due. For a numeric target they record the values measured per municipality or for the region, on a date;
the Tiltak page shows each place's latest value against the target. Optimistic locking and the audit
trail as for measure progress (``app/ingest/editing.py``); the role is checked in each callback.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from app.db.access import editable_places
from app.db.session import session_scope
from app.ingest.editing import (
    EditConflict,
    EditError,
    find_criteria,
    find_measurements,
    load_criterion,
    measure_key,
    record_measurement,
    save_criterion,
)
from app.language import N_, format_number, pick
from app.language import gettext as _
from app.web.kit import urls
from app.web.kit.components import page_language
from app.web.kit.forms import (
    PLACES_OF_CHOSEN_CATALOGUE,
    answered,
    catalogue_choices,
    choice,
    error_summary,
    field,
    marks,
    names_of,
    place_options,
    refused,
    save_outputs,
    text_input,
    translated,
)
from app.web.kit.page_state import parse_search
from app.web.kit.site import Page, installed
from app.web.server import auth
from app.web.server.response_cache import do_not_cache_this_response

PATH = "/rediger/suksesskriterier"
NAME = N_("Success criteria")
ROLE = "editor"

# each field's label: the form shows it, and the error summary links to the field by it
LABELS = {
    "description": N_("What counts as success"),
    "target_value": N_("Target (number)"),
    "target_unit": N_("Unit"),
    "at_most": N_("The number is"),
    "target_date": N_("Due"),
    "target_text": N_("Target (in words)"),
}

# the labels of the measured value's form
MEASURED_LABELS = {
    "place": N_("Municipality or region"),
    "value": N_("Measured value"),
    "measured_on": N_("Measured on"),
    "note": N_("How it was measured"),
}

URL = "edit-criteria-url"
MEASURE = "edit-criteria-measure"
CRITERION = "edit-criteria-criterion"
FIELD = "edit-criteria-field"
FEEDBACK = "edit-criteria-feedback"
LOADED = "edit-criteria-loaded"  # {"id", "version"} of the criterion the form holds (id None: a new one)
SAVE = "edit-criteria-save"
MESSAGE = "edit-criteria-message"
NEW = "new"
FIELDS = ("description", "target_value", "target_unit", "at_most", "target_text", "target_date")
# recording a measured value of the loaded criterion
MEASURED = "edit-criteria-measured"  # the section, shown for a saved criterion with a numeric target
MEASURED_FIELD = "edit-criteria-measured-field"
MEASURED_FEEDBACK = "edit-criteria-measured-feedback"
MEASURED_SAVE = "edit-criteria-measured-save"
MEASURED_MESSAGE = "edit-criteria-measured-message"
MEASURED_LIST = "edit-criteria-measured-list"
PLACES_OF = "edit-criteria-places-of"  # each measure's catalogue, and the places each catalogue takes


def layout(lang: str, search: str = "") -> html.Div:
    with session_scope() as session:
        # only the catalogues and places of the account's regions (app.db.access; the save checks again)
        allowed = editable_places(session, auth.account(), ROLE)
        choices = catalogue_choices(session, lang, allowed, parse_search(search).get("region"))
    measures, catalogue_of = [], {}
    for choice_ in choices:
        slug, prefix = choice_.catalogue.region_slug, choice_.prefix
        for area in choice_.catalogue.areas:
            named = [(measure_key("area", area.code, slug), f"{prefix}{area.number}. {pick(area.title, lang)}")]
            named += [
                (measure_key("activity", a.code, slug), f"{prefix}{area.number}. – {pick(a.title, lang)}")
                for a in area.activities
            ]
            measures += [{"label": label, "value": key} for key, label in named]
            catalogue_of.update({key: choice_.key for key, _label in named})
    places_of = {c.key: c.places for c in choices}
    places = places_of[catalogue_of[measures[0]["value"]]] if measures else []

    def f(name: str, control: Any, help_text: str | None = None) -> html.Div:
        return field(FIELD, FEEDBACK, name, _(LABELS[name], lang), control, help_text)

    def m(name: str, control: Any, help_text: str | None = None) -> html.Div:
        return field(MEASURED_FIELD, MEASURED_FEEDBACK, name, _(MEASURED_LABELS[name], lang), control, help_text)

    kinds = [
        {"label": _("a level to reach (at least)", lang), "value": "false"},
        {"label": _("a ceiling (at most)", lang), "value": "true"},
    ]
    place_control = choice(places)
    place_control.value = places[0]["value"] if places else None

    return html.Div(
        [
            dcc.Location(id=URL, refresh=False),
            dcc.Store(id=LOADED),
            dcc.Store(id=PLACES_OF, data={"catalogue_of": catalogue_of, "places_of": places_of}),
            html.H1(_("Success criteria", lang)),
            html.P(
                _(
                    "Choose a measure area or one of its activities, then set what counts as success: a target "
                    "(a number with its unit, words, or both) and the date it is due. The Measures page shows how "
                    "far each municipality and the region have come against it; every save is kept in the change "
                    "log.",
                    lang,
                )
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(_("Measure", lang), html_for=MEASURE, className="fw-semibold"),
                            dbc.Select(id=MEASURE, options=measures, value=measures[0]["value"] if measures else None),
                        ],
                        md=7,
                    ),
                    dbc.Col(
                        [
                            dbc.Label(_("Criterion", lang), html_for=CRITERION, className="fw-semibold"),
                            dbc.Select(id=CRITERION, options=[], value=NEW),
                        ],
                        md=5,
                    ),
                ],
                className="mb-4",
            ),
            f("description", dbc.Textarea(maxLength=1000, rows=3)),
            dbc.Row(
                [
                    dbc.Col(f("target_value", text_input(20)), md=3),
                    dbc.Col(f("target_unit", text_input(60), _("e.g. coworking spaces, %", lang)), md=3),
                    dbc.Col(f("at_most", choice(kinds)), md=3),
                    dbc.Col(
                        f(
                            "target_date",
                            text_input(10),
                            _("YYYY-MM-DD, e.g. 2026-12-01", lang),
                        ),
                        md=3,
                    ),
                ]
            ),
            f(
                "target_text",
                text_input(500),
                _("Instead of a number, or beside it", lang),
            ),
            dbc.Button(_("Save", lang), id=SAVE, color="primary"),
            html.Div(id=MESSAGE, role="status", className="mt-3"),
            html.Section(
                [
                    html.H2(_("Measured values", lang), className="h4 mt-4"),
                    html.P(
                        _(
                            "Record what has been measured against this criterion's number, in a municipality or for "
                            "the whole region, and when. The Measures page shows each place's latest value against "
                            "the target. A correction is a newer value; the old one stays in the change log.",
                            lang,
                        )
                    ),
                    dbc.Row(
                        [
                            dbc.Col(m("place", place_control), md=4),
                            dbc.Col(m("value", text_input(20)), md=2),
                            dbc.Col(m("measured_on", text_input(10), _("YYYY-MM-DD", lang)), md=2),
                            dbc.Col(m("note", text_input(500), _("Optional", lang)), md=4),
                        ]
                    ),
                    dbc.Button(_("Record the value", lang), id=MEASURED_SAVE, color="secondary"),
                    html.Div(id=MEASURED_MESSAGE, role="status", className="mt-3"),
                    html.Div(id=MEASURED_LIST, className="mt-2"),
                ],
                id=MEASURED,
                hidden=True,
            ),
        ]
    )


def _measurements_table(stored: list[dict[str, Any]], places: dict[str, str], lang: str) -> Any:
    """The values recorded for the criterion, newest first."""
    if not stored:
        return html.P(_("No values have been recorded for this criterion yet.", lang), className="text-muted")
    head = html.Thead(
        html.Tr(
            [
                html.Th(_("Municipality or region", lang), scope="col"),
                html.Th(_("Measured value", lang), scope="col"),
                html.Th(_("Measured on", lang), scope="col"),
                html.Th(_("How it was measured", lang), scope="col"),
                html.Th(_("Recorded by", lang), scope="col"),
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(places.get(row["place"], row["place"])),
                    html.Td(format_number(row["value"], lang, 0 if float(row["value"]).is_integer() else 2)),
                    html.Td(f"{row['measured_on']:%d.%m.%Y}"),
                    html.Td(row["note"] or ""),
                    html.Td(row["updated_by"] or (_("example", lang) if row["is_example"] else "")),
                ]
            )
            for row in stored
        ]
    )
    caption = html.Caption(_("Values recorded for this criterion, newest first", lang), className="small")
    return dbc.Table(
        [caption, head, body], bordered=True, size="sm", className="caption-top", id="edit-criteria-values"
    )


def _place_names(lang: str) -> dict[str, str]:
    with session_scope() as session:
        return {o["value"]: o["label"] for o in place_options(session, lang)}


def _shown(values: dict[str, Any] | None, name: str) -> str:
    if values is None:
        return ""
    value = values.get(name)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_number(value, "en", 0 if value.is_integer() else 2).replace(",", "")
    return "" if value is None else str(value)


def _options(stored: list[dict[str, Any]], lang: str) -> list[dict[str, str]]:
    options = [{"label": _("New criterion", lang), "value": NEW}]
    options += [{"label": c["description"][:80], "value": str(c["id"])} for c in stored]
    return options


def register_callbacks(app) -> None:
    app.clientside_callback(
        PLACES_OF_CHOSEN_CATALOGUE,
        Output({"type": MEASURED_FIELD, "name": "place"}, "options"),
        Output({"type": MEASURED_FIELD, "name": "place"}, "value"),
        Input(MEASURE, "value"),
        State(PLACES_OF, "data"),
        State({"type": MEASURED_FIELD, "name": "place"}, "value"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(CRITERION, "options"),
        Output(CRITERION, "value"),
        Input(MEASURE, "value"),
        State(URL, "search"),
    )
    def _choices(measure, search):
        do_not_cache_this_response()
        auth.require(ROLE)
        lang = page_language(parse_search(search).get("lang"))
        if not measure or not isinstance(measure, str):
            return _options([], lang), NEW
        with session_scope() as session:
            try:
                stored = find_criteria(session, measure)
            except EditError:
                stored = []
        return _options(stored, lang), NEW

    @app.callback(
        Output({"type": FIELD, "name": ALL}, "value"),
        Output({"type": FIELD, "name": ALL}, "invalid"),
        Output(LOADED, "data"),
        Output(MESSAGE, "children", allow_duplicate=True),
        Input(CRITERION, "value"),
        State(LOADED, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def _load(criterion, loaded):
        do_not_cache_this_response()
        auth.require(ROLE)
        names = names_of(ctx.outputs_list[0])
        if isinstance(loaded, dict) and loaded.get("id") is not None and str(loaded["id"]) == str(criterion):
            raise PreventUpdate  # the form already holds it: it was just saved
        stored = None
        if isinstance(criterion, str) and criterion.isdigit():
            with session_scope() as session:
                stored = load_criterion(session, int(criterion))
        return (
            [_shown(stored, n) for n in names],
            [False] * len(names),
            {"id": stored["id"], "version": stored["version"]} if stored else {"id": None, "version": None},
            None,
        )

    @app.callback(
        *save_outputs(FIELD, FEEDBACK, LOADED, MESSAGE),
        Output(CRITERION, "options", allow_duplicate=True),
        Output(CRITERION, "value", allow_duplicate=True),
        Input(SAVE, "n_clicks"),
        State(MEASURE, "value"),
        State({"type": FIELD, "name": ALL}, "value"),
        State(LOADED, "data"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _save(clicks, measure, values, loaded, search):
        do_not_cache_this_response()
        if not clicks:  # the renderer never sends this; no_update cannot stand for the fields' list outputs
            raise PreventUpdate
        who = auth.require(ROLE)
        lang = page_language(parse_search(search).get("lang"))
        names = names_of(ctx.outputs_list[0])
        loaded = loaded if isinstance(loaded, dict) else {}
        criterion_id, version = loaded.get("id"), loaded.get("version")
        criterion_id = criterion_id if isinstance(criterion_id, int) else None
        version = version if isinstance(version, int) else None
        try:
            with session_scope() as session:
                stored = save_criterion(
                    session,
                    who,
                    measure if isinstance(measure, str) else "",
                    dict(zip(names, values, strict=True)),
                    criterion_id,
                    version,
                )
                options = _options(find_criteria(session, measure), lang)
        except EditError as error:
            return *refused(FIELD, names, error.problems, lang, translated(LABELS, lang)), no_update, no_update
        except EditConflict as conflict:
            current = conflict.current
            message = dbc.Alert(
                _(
                    "Nothing was saved: someone else changed this criterion after you opened it. The form now shows "
                    "what is stored; make your change again.",
                    lang,
                ),
                color="warning",
            )
            held = {"id": current["id"], "version": current["version"]} if current else {"id": None, "version": None}
            return *answered(names, [_shown(current, n) for n in names], held, message), no_update, no_update
        back_lang = urls.language_kept(search, lang)
        message = dbc.Alert(
            [
                _("Saved.", lang),
                " ",
                dcc.Link(
                    _("See it on the Measures page", lang),
                    href=urls.link(installed().path_of("measures"), back_lang),
                    className="alert-link",
                ),
            ],
            color="success",
            id="edit-criteria-saved",
        )
        held = {"id": stored["id"], "version": stored["version"]}
        shown = [_shown(stored, n) for n in names]
        return *answered(names, shown, held, message), options, str(stored["id"])

    @app.callback(
        Output(MEASURED, "hidden"),
        Output(MEASURED_LIST, "children"),
        Input(LOADED, "data"),
        State(URL, "search"),
    )
    def _measured_section(loaded, search):
        """Shown for a saved criterion whose target is a number, with the values recorded so far."""
        do_not_cache_this_response()
        auth.require(ROLE)
        criterion_id = loaded.get("id") if isinstance(loaded, dict) else None
        if not isinstance(criterion_id, int):
            return True, None
        lang = page_language(parse_search(search).get("lang"))
        with session_scope() as session:
            stored = load_criterion(session, criterion_id)
            if stored is None or stored["target_value"] is None:
                return True, None
            values = find_measurements(session, criterion_id)
        return False, _measurements_table(values, _place_names(lang), lang)

    @app.callback(
        Output({"type": MEASURED_FIELD, "name": ALL}, "invalid"),
        Output({"type": MEASURED_FEEDBACK, "name": ALL}, "children"),
        Output(MEASURED_MESSAGE, "children"),
        Output(MEASURED_LIST, "children", allow_duplicate=True),
        Input(MEASURED_SAVE, "n_clicks"),
        State(LOADED, "data"),
        State({"type": MEASURED_FIELD, "name": ALL}, "value"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _record(clicks, loaded, values, search):
        do_not_cache_this_response()
        if not clicks:
            raise PreventUpdate
        who = auth.require(ROLE)
        lang = page_language(parse_search(search).get("lang"))
        names = names_of(ctx.outputs_list[0])
        criterion_id = loaded.get("id") if isinstance(loaded, dict) else None
        given = dict(zip(names, values, strict=True))
        place = given.pop("place", None)
        try:
            if not isinstance(criterion_id, int):
                raise EditError([])
            with session_scope() as session:
                record_measurement(session, who, criterion_id, place if isinstance(place, str) else "", given)
                stored = find_measurements(session, criterion_id)
        except EditError as error:
            invalid, said = marks(names, error.problems, lang)
            heading = _("Nothing was recorded. Correct the marked fields.", lang)
            summary = error_summary(
                heading, MEASURED_FIELD, names, error.problems, lang, translated(MEASURED_LABELS, lang)
            )
            return invalid, said, summary, no_update
        message = dbc.Alert(_("Recorded.", lang), color="success", id="edit-criteria-recorded")
        return [False] * len(names), [""] * len(names), message, _measurements_table(stored, _place_names(lang), lang)


PAGE = Page(
    name="edit_criteria", path=PATH, title=NAME, layout=layout, register_callbacks=register_callbacks, role=ROLE
)
