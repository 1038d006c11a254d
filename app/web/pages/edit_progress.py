"""Registrer framdrift: editors record how far a municipality (or the region) has come with an
activity of the measures catalogue: status, the date of the status, who owns it, a due date, a note
and a link. The Tiltak page shows it at once. Optimistic locking and the audit trail as for coworking
spaces (``app/ingest/editing.py``); the role is checked in each callback.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from app.db.access import editable_places
from app.db.session import session_scope
from app.ingest.editing import EditConflict, EditError, find_progress, save_progress
from app.language import N_, pick
from app.language import gettext as _
from app.web.kit import urls
from app.web.kit.components import page_language
from app.web.kit.forms import (
    PLACES_OF_CHOSEN_CATALOGUE,
    answered,
    catalogue_choices,
    choice,
    field,
    names_of,
    refused,
    save_outputs,
    text_input,
    translated,
)
from app.web.kit.page_state import parse_search
from app.web.kit.shared_texts import STATUS_TEXT
from app.web.kit.site import Page, installed
from app.web.server import auth
from app.web.server.response_cache import do_not_cache_this_response

PATH = "/rediger/tiltak"
NAME = N_("Record measure progress")
ROLE = "editor"

# each field's label: the form shows it, and the error summary links to the field by it
LABELS = {
    "status": N_("Status"),
    "status_date": N_("Date of the status"),
    "due_date": N_("Due"),
    "owner": N_("Owner"),
    "link": N_("Link"),
    "note": N_("Note"),
}

URL = "edit-progress-url"
ACTIVITY = "edit-progress-activity"
PLACE = "edit-progress-place"
FIELD = "edit-progress-field"
FEEDBACK = "edit-progress-feedback"
LOADED = "edit-progress-loaded"  # the version of the record the form holds (None: nothing recorded yet)
SAVE = "edit-progress-save"
MESSAGE = "edit-progress-message"
PLACES_OF = "edit-progress-places-of"  # each activity's catalogue, and the places each catalogue takes
FIELDS = ("status", "status_date", "owner", "due_date", "note", "link")


def layout(lang: str, search: str = "") -> html.Div:
    with session_scope() as session:
        # only the catalogues and places of the account's regions (app.db.access; the save checks again)
        allowed = editable_places(session, auth.account(), ROLE)
        choices = catalogue_choices(session, lang, allowed, parse_search(search).get("region"))
    activities, catalogue_of = [], {}
    for choice_ in choices:
        for area in choice_.catalogue.areas:
            for activity in area.activities:
                label = f"{choice_.prefix}{area.number}. {pick(area.title, lang)} – {pick(activity.title, lang)}"
                activities.append({"label": label, "value": str(activity.id)})
                catalogue_of[str(activity.id)] = choice_.key
    places_of = {c.key: c.places for c in choices}
    place_choices = places_of[catalogue_of[activities[0]["value"]]] if activities else []
    statuses = [{"label": _(text, lang), "value": value} for value, text in STATUS_TEXT.items()]

    def f(name: str, control: Any, help_text: str | None = None) -> html.Div:
        return field(FIELD, FEEDBACK, name, _(LABELS[name], lang), control, help_text)

    date_help = _("YYYY-MM-DD, e.g. 2026-12-01", lang)
    return html.Div(
        [
            dcc.Location(id=URL, refresh=False),
            dcc.Store(id=LOADED),
            dcc.Store(id=PLACES_OF, data={"catalogue_of": catalogue_of, "places_of": places_of}),
            html.H1(_("Record measure progress", lang)),
            html.P(
                _(
                    "Choose an activity and a municipality (or the whole region), then record where it stands. The "
                    "Measures page shows it at once; every save is kept in the change log.",
                    lang,
                )
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(_("Activity", lang), html_for=ACTIVITY, className="fw-semibold"),
                            dbc.Select(
                                id=ACTIVITY, options=activities, value=activities[0]["value"] if activities else None
                            ),
                        ],
                        md=8,
                    ),
                    dbc.Col(
                        [
                            dbc.Label(_("Municipality or region", lang), html_for=PLACE, className="fw-semibold"),
                            dbc.Select(
                                id=PLACE,
                                options=place_choices,
                                value=place_choices[0]["value"] if place_choices else None,
                            ),
                        ],
                        md=4,
                    ),
                ],
                className="mb-4",
            ),
            dbc.Row(
                [
                    dbc.Col(f("status", choice(statuses)), md=4),
                    dbc.Col(f("status_date", text_input(10), date_help), md=4),
                    dbc.Col(f("due_date", text_input(10), date_help), md=4),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(f("owner", text_input(200)), md=6),
                    dbc.Col(
                        f(
                            "link",
                            text_input(500, input_type="url"),
                            _("A decision, a case or a web page", lang),
                        ),
                        md=6,
                    ),
                ]
            ),
            f("note", dbc.Textarea(maxLength=4000, rows=4)),
            dbc.Button(_("Save", lang), id=SAVE, color="primary"),
            html.Div(id=MESSAGE, role="status", className="mt-3"),
        ]
    )


def _shown(values: dict[str, Any] | None, name: str) -> str:
    if values is None:
        return "not_started" if name == "status" else ""
    value = values.get(name)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def register_callbacks(app) -> None:
    app.clientside_callback(
        PLACES_OF_CHOSEN_CATALOGUE,
        Output(PLACE, "options"),
        Output(PLACE, "value"),
        Input(ACTIVITY, "value"),
        State(PLACES_OF, "data"),
        State(PLACE, "value"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output({"type": FIELD, "name": ALL}, "value"),
        Output({"type": FIELD, "name": ALL}, "invalid"),
        Output(LOADED, "data"),
        Output(MESSAGE, "children", allow_duplicate=True),
        Input(ACTIVITY, "value"),
        Input(PLACE, "value"),
        prevent_initial_call="initial_duplicate",
    )
    def _load(activity, place):
        do_not_cache_this_response()
        auth.require(ROLE)
        names = names_of(ctx.outputs_list[0])
        if not activity or not place:
            return [no_update] * len(names), [False] * len(names), None, None
        with session_scope() as session:
            try:
                stored = find_progress(session, int(activity), place)
            except EditError:
                stored = None
        return (
            [_shown(stored, n) for n in names],
            [False] * len(names),
            {"version": stored["version"] if stored else None},
            None,
        )

    @app.callback(
        *save_outputs(FIELD, FEEDBACK, LOADED, MESSAGE),
        Input(SAVE, "n_clicks"),
        State(ACTIVITY, "value"),
        State(PLACE, "value"),
        State({"type": FIELD, "name": ALL}, "value"),
        State(LOADED, "data"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _save(clicks, activity, place, values, loaded, search):
        do_not_cache_this_response()
        if not clicks:  # the renderer never sends this; no_update cannot stand for the fields' list outputs
            raise PreventUpdate
        who = auth.require(ROLE)
        lang = page_language(parse_search(search).get("lang"))
        names = names_of(ctx.outputs_list[0])
        version = (loaded or {}).get("version")
        try:
            with session_scope() as session:
                stored = save_progress(
                    session, who, int(activity or 0), place or "", dict(zip(names, values, strict=True)), version
                )
        except EditError as error:
            return refused(FIELD, names, error.problems, lang, translated(LABELS, lang))
        except EditConflict:
            with session_scope() as session:
                current = find_progress(session, int(activity), place)
            message = dbc.Alert(
                _(
                    "Nothing was saved: someone else recorded progress here after you opened it. The form now shows "
                    "what is stored; make your change again.",
                    lang,
                ),
                color="warning",
            )
            return answered(
                names,
                [_shown(current, n) for n in names],
                {"version": current["version"] if current else None},
                message,
            )
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
            id="edit-progress-saved",
        )
        return answered(names, [_shown(stored, n) for n in names], {"version": stored["version"]}, message)


PAGE = Page(
    name="edit_progress", path=PATH, title=NAME, layout=layout, register_callbacks=register_callbacks, role=ROLE
)
