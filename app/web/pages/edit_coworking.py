"""Rediger kontorfellesskap: editors create, change and retire coworking spaces in the browser.

Validated like an imported row and inside the chosen municipality (``app/ingest/editing.py``); the
form keeps the version it loaded, so a save after someone else's is refused with their values shown.
Every save is in the audit trail. The role is checked in each callback, not only by the shell, and the
account's regions in each write (``app.db.access``); the form offers only the spaces and municipalities of
the account's regions.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from app.db.access import editable_places
from app.db.session import session_scope
from app.ingest.editing import EditConflict, EditError, delete_space, load_space, save_space
from app.language import N_
from app.language import gettext as _
from app.query.coworking import list_spaces
from app.query.municipality import municipalities
from app.web.kit import urls
from app.web.kit.components import page_language
from app.web.kit.forms import answered, choice, field, names_of, refused, save_outputs, text_input, translated
from app.web.kit.page_state import parse_search
from app.web.kit.site import Page, installed
from app.web.server import auth
from app.web.server.response_cache import do_not_cache_this_response

PATH = "/rediger/kontorfellesskap"
NAME = N_("Edit coworking spaces")
ROLE = "editor"

# each field's label: the form shows it, and the error summary links to the field by it
LABELS = {
    "name": N_("Name"),
    "kommunenummer": N_("Municipality"),
    "address": N_("Address"),
    "postal_code": N_("Postal code"),
    "latitude": N_("Latitude"),
    "longitude": N_("Longitude"),
    "seats": N_("Desk places"),
    "cell_offices": N_("Closed offices"),
    "meeting_rooms": N_("Meeting rooms"),
    "price_day_nok": N_("Price per day (NOK)"),
    "price_month_nok": N_("Price per month (NOK)"),
    "price_note": N_("Note on prices"),
    "opening_hours": N_("Opening hours"),
    "facilities": N_("Facilities"),
    "operator": N_("Operator"),
    "contact": N_("Contact"),
    "website": N_("Website"),
    "status": N_("Status"),
}

URL = "edit-coworking-url"
PICK = "edit-coworking-pick"
FIELD = "edit-coworking-field"
FEEDBACK = "edit-coworking-feedback"
LOADED = "edit-coworking-loaded"  # {"id": …, "version": …} of the space the form holds
SAVE = "edit-coworking-save"
DELETE = "edit-coworking-delete"
MESSAGE = "edit-coworking-message"
NEW = "new"
STATUS_TEXT = {"active": N_("Open"), "planned": N_("Planned"), "closed": N_("Closed (retired)")}


def layout(lang: str, search: str = "") -> html.Div:
    """Only the spaces and municipalities the account may change (``app.db.access``; the save checks again)."""
    with session_scope() as session:
        allowed = editable_places(session, auth.account(), ROLE)
        spaces = [s for s in list_spaces(session, None, statuses=tuple(STATUS_TEXT)) if allowed.allows(s.kommunenummer)]
        places = [p for p in municipalities(session) if allowed.allows(p[0])]
    pick = [{"label": _("New space", lang), "value": NEW}] + [
        {"label": f"{s.name} ({s.municipality})", "value": str(s.id)} for s in sorted(spaces, key=lambda s: s.name)
    ]
    first = [p for p in places if p[2]] + [p for p in places if not p[2]]  # the regions' members first
    municipality_options = [{"label": f"{name} ({number})", "value": number} for number, name, _slug in first]
    status_options = [{"label": _(text, lang), "value": value} for value, text in STATUS_TEXT.items()]

    def f(name: str, control: Any, help_text: str | None = None) -> html.Div:
        return field(FIELD, FEEDBACK, name, _(LABELS[name], lang), control, help_text)

    form = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(f("name", text_input(200)), md=6),
                    dbc.Col(f("kommunenummer", choice(municipality_options)), md=6),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(f("address", text_input(300)), md=8),
                    dbc.Col(f("postal_code", text_input(4, inputMode="numeric")), md=4),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(f("latitude", text_input(20), _("Degrees north, e.g. 60,37", lang)), md=6),
                    dbc.Col(f("longitude", text_input(20), _("Degrees east, e.g. 6,14", lang)), md=6),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(
                        f(
                            "seats",
                            text_input(6, inputMode="numeric"),
                            _("Empty: unknown (not 0)", lang),
                        ),
                        md=4,
                    ),
                    dbc.Col(f("cell_offices", text_input(6, inputMode="numeric")), md=4),
                    dbc.Col(f("meeting_rooms", text_input(6, inputMode="numeric")), md=4),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(f("price_day_nok", text_input(12)), md=4),
                    dbc.Col(f("price_month_nok", text_input(12)), md=4),
                    dbc.Col(f("price_note", text_input(300)), md=4),
                ]
            ),
            f("opening_hours", text_input(300)),
            f(
                "facilities",
                text_input(500),
                _("Separated by |, e.g. wifi|kaffi|parkering", lang),
            ),
            dbc.Row(
                [
                    dbc.Col(f("operator", text_input(200)), md=4),
                    dbc.Col(f("contact", text_input(300)), md=4),
                    dbc.Col(f("website", text_input(300, input_type="url")), md=4),
                ]
            ),
            f(
                "status",
                choice(status_options),
                _("A space that has closed is retired, not deleted.", lang),
            ),
            html.Div(
                [
                    dbc.Button(_("Save", lang), id=SAVE, color="primary"),
                    dcc.ConfirmDialogProvider(
                        dbc.Button(_("Delete the space", lang), color="danger", outline=True),
                        id=DELETE,
                        message=_(
                            "Delete this space for good? A space that has closed is usually retired instead.", lang
                        ),
                    )
                    if _is_admin()
                    else None,
                ],
                className="d-flex gap-2",
            ),
        ],
        className="edit-form",
    )
    return html.Div(
        [
            dcc.Location(id=URL, refresh=False),
            dcc.Store(id=LOADED),
            html.H1(_("Edit coworking spaces", lang)),
            html.P(
                _(
                    "Create a space, or choose one to change or retire. The map and the capacity figures on the "
                    "coworking page show the change at once; every save is kept in the change log.",
                    lang,
                )
            ),
            html.Div(
                [
                    dbc.Label(_("Space", lang), html_for=PICK, className="fw-semibold"),
                    dbc.Select(id=PICK, options=pick, value=NEW),
                ],
                className="mb-4",
            ),
            form,
            html.Div(id=MESSAGE, role="status", className="mt-3"),
        ]
    )


def _is_admin() -> bool:
    who = auth.account()
    return who is not None and who.may("admin")


def _shown(values: dict[str, Any], name: str) -> str:
    value = values.get(name)
    if value is None:
        return ""
    if name == "facilities":
        return "|".join(value)
    if isinstance(value, Decimal | float):
        return f"{value:g}".replace(".", ",") if name not in ("latitude", "longitude") else str(value)
    return str(value)


def register_callbacks(app) -> None:
    @app.callback(
        Output({"type": FIELD, "name": ALL}, "value"),
        Output({"type": FIELD, "name": ALL}, "invalid"),
        Output(LOADED, "data"),
        Output(MESSAGE, "children", allow_duplicate=True),
        Input(PICK, "value"),
        prevent_initial_call="initial_duplicate",
    )
    def _load(choice_value):
        do_not_cache_this_response()
        who = auth.require(ROLE)
        names = names_of(ctx.outputs_list[0])
        if not choice_value or choice_value == NEW:
            blank = {"status": "active"}  # seats empty: unknown until someone knows
            return [_shown(blank, n) for n in names], [False] * len(names), None, None
        with session_scope() as session:
            values = load_space(session, int(choice_value), who)
        if values is None:
            return [no_update] * len(names), [False] * len(names), None, None
        return (
            [_shown(values, n) for n in names],
            [False] * len(names),
            {"id": values["id"], "version": values["version"]},
            None,
        )

    @app.callback(
        *save_outputs(FIELD, FEEDBACK, LOADED, MESSAGE),
        Input(SAVE, "n_clicks"),
        State({"type": FIELD, "name": ALL}, "value"),
        State(LOADED, "data"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _save(clicks, values, loaded, search):
        do_not_cache_this_response()
        if not clicks:  # the renderer never sends this; no_update cannot stand for the fields' list outputs
            raise PreventUpdate
        who = auth.require(ROLE)
        lang = page_language(parse_search(search).get("lang"))
        names = names_of(ctx.outputs_list[0])
        form = dict(zip(names, values, strict=True))
        space_id = (loaded or {}).get("id")
        version = (loaded or {}).get("version")
        try:
            with session_scope() as session:
                stored = save_space(session, who, form, space_id, version)
        except EditError as error:
            return refused(FIELD, names, error.problems, lang, translated(LABELS, lang))
        except EditConflict as conflict:
            current = conflict.current
            message = dbc.Alert(
                _(
                    "Nothing was saved: someone else changed this space after you opened it. The form now shows "
                    "what is stored; make your change again.",
                    lang,
                )
                if current
                else _("Nothing was saved: the space has been deleted.", lang),
                color="warning",
            )
            # deleted: the form keeps what was typed (a list output cannot hold no_update)
            shown = [_shown(current, n) for n in names] if current else ["" if v is None else v for v in values]
            kept = {"id": current["id"], "version": current["version"]} if current else None
            return answered(names, shown, kept, message)
        back_lang = urls.language_kept(search, lang)
        message = dbc.Alert(
            [
                _("Saved: {name}.", lang).format(name=stored["name"]),
                " ",
                dcc.Link(
                    _("See it on the coworking page", lang),
                    href=urls.link(installed().path_of("coworking"), back_lang),
                    className="alert-link",
                ),
            ],
            color="success",
            id="edit-coworking-saved",
        )
        return answered(
            names, [_shown(stored, n) for n in names], {"id": stored["id"], "version": stored["version"]}, message
        )

    @app.callback(
        Output(MESSAGE, "children", allow_duplicate=True),
        Output(LOADED, "data", allow_duplicate=True),
        Input(DELETE, "submit_n_clicks"),
        State(LOADED, "data"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _delete(clicks, loaded, search):
        do_not_cache_this_response()
        if not clicks:
            return no_update, no_update
        who = auth.require("admin")
        lang = page_language(parse_search(search).get("lang"))
        if not loaded or not loaded.get("id"):
            return dbc.Alert(_("Choose a saved space first.", lang), color="warning"), no_update
        try:
            with session_scope() as session:
                delete_space(session, who, int(loaded["id"]), int(loaded["version"]))
        except EditConflict:
            return dbc.Alert(
                _("Nothing was deleted: someone else changed the space; choose it again.", lang), color="warning"
            ), no_update
        return dbc.Alert(_("The space is deleted.", lang), color="success", id="edit-coworking-deleted"), None


PAGE = Page(
    name="edit_coworking", path=PATH, title=NAME, layout=layout, register_callbacks=register_callbacks, role=ROLE
)
