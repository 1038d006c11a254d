"""Tiltakskatalog: a region's admins change their own measures catalogue (README: Measures catalogues), a
national admin any region's and the template, which regions made later copy. An area's title and rationale,
its activities (add, retitle, move up or down, remove) and the opportunities. An activity with progress,
success criteria or measured values recorded against it is not removed: the page says how many there are.

The writes are ``app.ingest.catalogue_editing``'s, which asks ``app.db.access.check_catalogue`` (403 outside
the account's regions); the role is checked in each callback. The catalogues offered are those the account
may change; ``?region=<slug>`` chooses one.
"""

from __future__ import annotations

from typing import Any, Literal

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from app.db.access import editable_places
from app.db.session import session_scope
from app.ingest.catalogue_editing import (
    InUse,
    add_activity,
    catalogue_region,
    load_catalogue,
    move_activity,
    remove_activity,
    remove_opportunity,
    save_activity,
    save_area,
    save_opportunity,
)
from app.ingest.editing import EditError
from app.language import N_, error_text, pick
from app.language import gettext as _
from app.web.kit import urls
from app.web.kit.components import aria, page_language
from app.web.kit.forms import (
    catalogue_name,
    editable_catalogues,
    error_summary,
    field,
    marks,
    names_of,
    text_input,
    translated,
)
from app.web.kit.page_state import parse_search
from app.web.kit.site import Page, installed
from app.web.server import auth
from app.web.server.response_cache import do_not_cache_this_response

PATH = "/rediger/katalog"
NAME = N_("Measures catalogue")
ROLE = "admin"
TEMPLATE = "-"  # the catalogue choice that stands for the template (no region's slug starts with "-")
NEW = "new"

TITLE_LABELS = {
    "title_nb": N_("Title (bokmål)"),
    "title_nn": N_("Title (nynorsk)"),
    "title_en": N_("Title (English)"),
}
AREA_LABELS = {
    **TITLE_LABELS,
    "rationale_nb": N_("Rationale (bokmål)"),
    "rationale_nn": N_("Rationale (nynorsk)"),
    "rationale_en": N_("Rationale (English)"),
}
OPPORTUNITY_LABELS = {**TITLE_LABELS, "source": N_("Source")}

URL = "edit-catalogue-url"
CATALOGUE = "edit-catalogue-catalogue"
CHANGED = "edit-catalogue-changed"  # bumped by every change: the lists are read again
OVERVIEW = "edit-catalogue-overview"
AREA = "edit-catalogue-area"
AREA_FIELD = "edit-catalogue-area-field"
AREA_FEEDBACK = "edit-catalogue-area-feedback"
AREA_SAVE = "edit-catalogue-area-save"
AREA_MESSAGE = "edit-catalogue-area-message"
ACTIVITY = "edit-catalogue-activity"
ACTIVITY_FIELD = "edit-catalogue-activity-field"
ACTIVITY_FEEDBACK = "edit-catalogue-activity-feedback"
ACTIVITY_SAVE = "edit-catalogue-activity-save"
ACTIVITY_UP = "edit-catalogue-activity-up"
ACTIVITY_DOWN = "edit-catalogue-activity-down"
ACTIVITY_REMOVE = "edit-catalogue-activity-remove"
ACTIVITY_MESSAGE = "edit-catalogue-activity-message"
OPPORTUNITY = "edit-catalogue-opportunity"
OPPORTUNITY_FIELD = "edit-catalogue-opportunity-field"
OPPORTUNITY_FEEDBACK = "edit-catalogue-opportunity-feedback"
OPPORTUNITY_SAVE = "edit-catalogue-opportunity-save"
OPPORTUNITY_REMOVE = "edit-catalogue-opportunity-remove"
OPPORTUNITY_MESSAGE = "edit-catalogue-opportunity-message"


def layout(lang: str, search: str = "") -> html.Div:
    wanted = parse_search(search).get("region")
    with session_scope() as session:
        # only the catalogues the account may change (app.db.access; every write checks again)
        offered = editable_catalogues(session, editable_places(session, auth.account(), ROLE))
    options = [{"label": catalogue_name(c, lang), "value": c.region_slug or TEMPLATE} for c in offered]
    values = [o["value"] for o in options]
    chosen = wanted if wanted in values else (values[0] if values else None)
    languages_note = _("Nynorsk and English may be left empty: the bokmål text is used.", lang)

    def titles(field_type: str, feedback: str, labels: dict[str, str], width: int) -> list:
        return [
            field(field_type, feedback, name, _(labels[name], lang), text_input(width))
            for name in ("title_nb", "title_nn", "title_en")
        ]

    area_fields = titles(AREA_FIELD, AREA_FEEDBACK, AREA_LABELS, 300) + [
        field(AREA_FIELD, AREA_FEEDBACK, name, _(AREA_LABELS[name], lang), dbc.Textarea(maxLength=4000, rows=4))
        for name in ("rationale_nb", "rationale_nn", "rationale_en")
    ]
    return html.Div(
        [
            dcc.Location(id=URL, refresh=False),
            dcc.Store(id=CHANGED, data={"n": 0}),
            html.H1(_("Measures catalogue", lang)),
            html.P(
                _(
                    "A region's measures catalogue starts as a copy of the report's five areas and eight "
                    "opportunities, and is the region's to change: the Measures page shows it, and progress and "
                    "success criteria are recorded against its activities. An activity with anything recorded "
                    "against it cannot be removed. Every change is kept in the change log.",
                    lang,
                )
            ),
            html.Div(
                [
                    dbc.Label(_("Catalogue", lang), html_for=CATALOGUE, className="fw-semibold"),
                    dbc.Select(id=CATALOGUE, options=options, value=chosen),
                ],
                className="mb-4",
            ),
            html.Section(
                [html.H2(_("Areas and activities", lang), className="h4"), html.Div(id=OVERVIEW)],
                className="mb-4",
                **aria(live="polite"),
            ),
            html.Section(
                [
                    html.H2(_("Change an area", lang), className="h4"),
                    html.Div(
                        [
                            dbc.Label(_("Area", lang), html_for=AREA, className="fw-semibold"),
                            dbc.Select(id=AREA, options=[]),
                        ],
                        className="mb-3",
                    ),
                    html.P(languages_note, className="small text-muted"),
                    *area_fields,
                    dbc.Button(_("Save the area", lang), id=AREA_SAVE, color="primary"),
                    html.Div(id=AREA_MESSAGE, role="status", className="mt-3"),
                ],
                className="mb-5",
            ),
            html.Section(
                [
                    html.H2(_("Activities of the area", lang), className="h4"),
                    html.Div(
                        [
                            dbc.Label(_("Activity", lang), html_for=ACTIVITY, className="fw-semibold"),
                            dbc.Select(id=ACTIVITY, options=[], value=NEW),
                            dbc.FormText(_("Choose “New activity” to add one at the end of the area.", lang)),
                        ],
                        className="mb-3",
                    ),
                    *titles(ACTIVITY_FIELD, ACTIVITY_FEEDBACK, TITLE_LABELS, 300),
                    html.Div(
                        [
                            dbc.Button(_("Save the activity", lang), id=ACTIVITY_SAVE, color="primary"),
                            dbc.Button(_("Move up", lang), id=ACTIVITY_UP, color="secondary", outline=True),
                            dbc.Button(_("Move down", lang), id=ACTIVITY_DOWN, color="secondary", outline=True),
                            dcc.ConfirmDialogProvider(
                                dbc.Button(_("Remove the activity", lang), color="danger", outline=True),
                                id=ACTIVITY_REMOVE,
                                message=_(
                                    "Remove this activity from the catalogue? It is refused while anything is "
                                    "recorded against it.",
                                    lang,
                                ),
                            ),
                        ],
                        className="d-flex flex-wrap gap-2",
                    ),
                    html.Div(id=ACTIVITY_MESSAGE, role="status", className="mt-3"),
                ],
                className="mb-5",
            ),
            html.Section(
                [
                    html.H2(_("Opportunities for municipalities", lang), className="h4"),
                    html.Div(
                        [
                            dbc.Label(_("Opportunity", lang), html_for=OPPORTUNITY, className="fw-semibold"),
                            dbc.Select(id=OPPORTUNITY, options=[], value=NEW),
                        ],
                        className="mb-3",
                    ),
                    *titles(OPPORTUNITY_FIELD, OPPORTUNITY_FEEDBACK, OPPORTUNITY_LABELS, 300),
                    field(
                        OPPORTUNITY_FIELD,
                        OPPORTUNITY_FEEDBACK,
                        "source",
                        _(OPPORTUNITY_LABELS["source"], lang),
                        text_input(300),
                        _("Optional: where it comes from", lang),
                    ),
                    html.Div(
                        [
                            dbc.Button(_("Save the opportunity", lang), id=OPPORTUNITY_SAVE, color="primary"),
                            dcc.ConfirmDialogProvider(
                                dbc.Button(_("Remove the opportunity", lang), color="danger", outline=True),
                                id=OPPORTUNITY_REMOVE,
                                message=_("Remove this opportunity from the catalogue?", lang),
                            ),
                        ],
                        className="d-flex flex-wrap gap-2",
                    ),
                    html.Div(id=OPPORTUNITY_MESSAGE, role="status", className="mt-3"),
                ]
            ),
        ]
    )


def _region_of(session, catalogue: Any) -> int | None:
    """The region id of the chosen catalogue (None: the template); ``EditError`` for an unknown one."""
    if not isinstance(catalogue, str) or not catalogue:
        raise EditError([])
    return catalogue_region(session, None if catalogue == TEMPLATE else catalogue)


def _overview(found: dict[str, Any], lang: str) -> list:
    parts: list = []
    for area in found["areas"]:
        parts.append(html.H3(f"{area['number']}. {pick(area['title'], lang)}", className="h6 mt-3"))
        activities = [html.Li(pick(x["title"], lang)) for x in area["activities"]]
        parts.append(html.Ol(activities) if activities else html.P(_("No activities.", lang), className="small"))
    return parts or [html.P(_("This catalogue has no areas.", lang))]


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _kept(value: Any, options: list[dict[str, str]], fallback: str | None) -> str | None:
    return value if any(o["value"] == value for o in options) else fallback


def _texts(values: dict[str, Any] | None, names: list[str]) -> list[str]:
    """The form's fields from stored values: ``title_nb`` from ``title["nb"]`` …"""
    if values is None:
        return [""] * len(names)
    shown = []
    for name in names:
        kind, _sep, language = name.rpartition("_")
        stored = values.get(kind) if language in ("nb", "nn", "en") else values.get(name)
        shown.append((stored or {}).get(language, "") if isinstance(stored, dict) else (stored or ""))
    return shown


def _refused(field_type: str, names: list[str], error: EditError, lang: str, labels: dict[str, str]) -> tuple:
    invalid, said = marks(names, error.problems, lang)
    summary = error_summary(
        _("Nothing was saved. Correct the marked fields.", lang), field_type, names, error.problems, lang, labels
    )
    return invalid, said, summary


def _bumped(changed: Any, **chosen: Any) -> dict[str, Any]:
    n = changed.get("n", 0) if isinstance(changed, dict) else 0
    return {"n": n + 1 if isinstance(n, int) else 1, **chosen}


def _lang(search: Any) -> str:
    return page_language(parse_search(search if isinstance(search, str) else "").get("lang"))


def register_callbacks(app) -> None:
    @app.callback(
        Output(OVERVIEW, "children"),
        Output(AREA, "options"),
        Output(AREA, "value"),
        Output(OPPORTUNITY, "options"),
        Output(OPPORTUNITY, "value"),
        Input(CATALOGUE, "value"),
        Input(CHANGED, "data"),
        State(AREA, "value"),
        State(OPPORTUNITY, "value"),
        State(URL, "search"),
    )
    def _show(catalogue, changed, area, opportunity, search):
        """The chosen catalogue's areas and activities, and the choices of the forms (kept where they still are)."""
        do_not_cache_this_response()
        auth.require(ROLE)
        lang = _lang(search)
        try:
            with session_scope() as session:
                found = load_catalogue(session, _region_of(session, catalogue))
        except EditError:
            return [], [], None, [], NEW
        areas = [{"label": f"{a['number']}. {pick(a['title'], lang)}", "value": str(a["id"])} for a in found["areas"]]
        chances = [{"label": _("New opportunity", lang), "value": NEW}] + [
            {"label": f"{o['number']}. {pick(o['title'], lang)}", "value": str(o["id"])} for o in found["opportunities"]
        ]
        if ctx.triggered_id == CATALOGUE:  # another catalogue: start from its first area
            area, opportunity = None, NEW
        wanted = changed.get("opportunity") if isinstance(changed, dict) else None
        return (
            _overview(found, lang),
            areas,
            _kept(area, areas, areas[0]["value"] if areas else None),
            chances,
            _kept(str(wanted) if wanted else opportunity, chances, NEW),
        )

    @app.callback(
        Output({"type": AREA_FIELD, "name": ALL}, "value"),
        Output({"type": AREA_FIELD, "name": ALL}, "invalid"),
        Output(ACTIVITY, "options"),
        Output(ACTIVITY, "value"),
        Input(AREA, "value"),
        Input(CHANGED, "data"),
        State(CATALOGUE, "value"),
        State(ACTIVITY, "value"),
        State(URL, "search"),
    )
    def _area(area, changed, catalogue, activity, search):
        """The chosen area's texts in its form, and its activities to choose from."""
        do_not_cache_this_response()
        auth.require(ROLE)
        lang = _lang(search)
        names = names_of(ctx.outputs_list[0])
        area_id = _int(area)
        stored = None
        if area_id is not None:
            with session_scope() as session:
                try:
                    found = load_catalogue(session, _region_of(session, catalogue))
                except EditError:
                    found = {"areas": []}
            stored = next((a for a in found["areas"] if a["id"] == area_id), None)
        activities = [{"label": _("New activity", lang), "value": NEW}] + [
            {"label": f"{x['position']}. {pick(x['title'], lang)}", "value": str(x["id"])}
            for x in (stored["activities"] if stored else [])
        ]
        wanted = changed.get("activity") if isinstance(changed, dict) else None
        if ctx.triggered_id == AREA:
            activity = NEW
        return (
            _texts(stored, names),
            [False] * len(names),
            activities,
            _kept(str(wanted) if wanted else activity, activities, NEW),
        )

    @app.callback(
        Output({"type": ACTIVITY_FIELD, "name": ALL}, "value"),
        Output({"type": ACTIVITY_FIELD, "name": ALL}, "invalid"),
        Output(ACTIVITY_UP, "disabled"),
        Output(ACTIVITY_DOWN, "disabled"),
        Input(ACTIVITY, "value"),
        State(AREA, "value"),
        State(CATALOGUE, "value"),
    )
    def _activity(activity, area, catalogue):
        """The chosen activity's titles in the form (empty for a new one)."""
        do_not_cache_this_response()
        auth.require(ROLE)
        names = names_of(ctx.outputs_list[0])
        activity_id = _int(activity)
        stored = None
        if activity_id is not None:
            with session_scope() as session:
                try:
                    found = load_catalogue(session, _region_of(session, catalogue))
                except EditError:
                    found = {"areas": []}
            stored = next((x for a in found["areas"] for x in a["activities"] if x["id"] == activity_id), None)
        return _texts(stored, names), [False] * len(names), stored is None, stored is None

    @app.callback(
        Output({"type": OPPORTUNITY_FIELD, "name": ALL}, "value"),
        Output({"type": OPPORTUNITY_FIELD, "name": ALL}, "invalid"),
        Input(OPPORTUNITY, "value"),
        State(CATALOGUE, "value"),
    )
    def _opportunity(opportunity, catalogue):
        do_not_cache_this_response()
        auth.require(ROLE)
        names = names_of(ctx.outputs_list[0])
        opportunity_id = _int(opportunity)
        stored = None
        if opportunity_id is not None:
            with session_scope() as session:
                try:
                    found = load_catalogue(session, _region_of(session, catalogue))
                except EditError:
                    found = {"opportunities": []}
            stored = next((o for o in found["opportunities"] if o["id"] == opportunity_id), None)
        return _texts(stored, names), [False] * len(names)

    @app.callback(
        Output({"type": AREA_FIELD, "name": ALL}, "invalid", allow_duplicate=True),
        Output({"type": AREA_FEEDBACK, "name": ALL}, "children"),
        Output(AREA_MESSAGE, "children"),
        Output(CHANGED, "data", allow_duplicate=True),
        Input(AREA_SAVE, "n_clicks"),
        State(AREA, "value"),
        State({"type": AREA_FIELD, "name": ALL}, "value"),
        State(CHANGED, "data"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _save_area(clicks, area, values, changed, search):
        do_not_cache_this_response()
        if not clicks:
            raise PreventUpdate
        who = auth.require(ROLE)
        lang = _lang(search)
        names = names_of(ctx.outputs_list[0])
        try:
            area_id = _int(area)
            if area_id is None:
                raise EditError([])
            with session_scope() as session:
                save_area(session, who, area_id, dict(zip(names, values, strict=True)))
        except EditError as error:
            return *_refused(AREA_FIELD, names, error, lang, translated(AREA_LABELS, lang)), no_update
        message = dbc.Alert(_("Saved.", lang), color="success", id="edit-catalogue-area-saved")
        return [False] * len(names), [""] * len(names), message, _bumped(changed)

    @app.callback(
        Output({"type": ACTIVITY_FIELD, "name": ALL}, "invalid", allow_duplicate=True),
        Output({"type": ACTIVITY_FEEDBACK, "name": ALL}, "children"),
        Output(ACTIVITY_MESSAGE, "children"),
        Output(CHANGED, "data", allow_duplicate=True),
        Input(ACTIVITY_SAVE, "n_clicks"),
        State(AREA, "value"),
        State(ACTIVITY, "value"),
        State({"type": ACTIVITY_FIELD, "name": ALL}, "value"),
        State(CHANGED, "data"),
        State(CATALOGUE, "value"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _save_activity(clicks, area, activity, values, changed, catalogue, search):
        """Add an activity to the chosen area (``New activity``) or change the chosen one's titles."""
        do_not_cache_this_response()
        if not clicks:
            raise PreventUpdate
        who = auth.require(ROLE)
        lang = _lang(search)
        names = names_of(ctx.outputs_list[0])
        given = dict(zip(names, values, strict=True))
        try:
            with session_scope() as session:
                if activity == NEW:
                    area_id = _int(area)
                    if area_id is None:
                        raise EditError([])
                    stored = add_activity(session, who, area_id, given)
                    said = _("The activity is added at the end of the area.", lang)
                else:
                    activity_id = _int(activity)
                    if activity_id is None:
                        raise EditError([])
                    stored = save_activity(session, who, activity_id, given)
                    said = _("Saved.", lang)
        except EditError as error:
            return *_refused(ACTIVITY_FIELD, names, error, lang, translated(TITLE_LABELS, lang)), no_update
        slug = catalogue if isinstance(catalogue, str) and catalogue != TEMPLATE else None
        back = urls.link(installed().path_of("measures"), urls.language_kept(search, lang), region=slug)
        message = dbc.Alert(
            [said, " ", dcc.Link(_("See it on the Measures page", lang), href=back, className="alert-link")],
            color="success",
            id="edit-catalogue-activity-saved",
        )
        return [False] * len(names), [""] * len(names), message, _bumped(changed, activity=stored["id"])

    @app.callback(
        Output(ACTIVITY_MESSAGE, "children", allow_duplicate=True),
        Output(CHANGED, "data", allow_duplicate=True),
        Input(ACTIVITY_UP, "n_clicks"),
        Input(ACTIVITY_DOWN, "n_clicks"),
        State(ACTIVITY, "value"),
        State(CHANGED, "data"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _move(up, down, activity, changed, search):
        do_not_cache_this_response()
        if not (up or down):
            raise PreventUpdate
        who = auth.require(ROLE)
        lang = _lang(search)
        activity_id = _int(activity)
        if activity_id is None:
            return dbc.Alert(_("Choose an activity first.", lang), color="warning"), no_update
        direction: Literal["up", "down"] = "up" if ctx.triggered_id == ACTIVITY_UP else "down"
        try:
            with session_scope() as session:
                moved = move_activity(session, who, activity_id, direction)
        except EditError:
            return dbc.Alert(_("Choose an activity first.", lang), color="warning"), no_update
        if not moved:
            said = _("It is already first.", lang) if direction == "up" else _("It is already last.", lang)
            return dbc.Alert(said, color="info"), no_update
        return dbc.Alert(_("Moved.", lang), color="success"), _bumped(changed, activity=activity_id)

    @app.callback(
        Output(ACTIVITY_MESSAGE, "children", allow_duplicate=True),
        Output(CHANGED, "data", allow_duplicate=True),
        Input(ACTIVITY_REMOVE, "submit_n_clicks"),
        State(ACTIVITY, "value"),
        State(CHANGED, "data"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _remove_activity(clicks, activity, changed, search):
        do_not_cache_this_response()
        if not clicks:
            raise PreventUpdate
        who = auth.require(ROLE)
        lang = _lang(search)
        activity_id = _int(activity)
        if activity_id is None:
            return dbc.Alert(_("Choose an activity first.", lang), color="warning"), no_update
        try:
            with session_scope() as session:
                remove_activity(session, who, activity_id)
        except EditError:
            return dbc.Alert(_("Choose an activity first.", lang), color="warning"), no_update
        except InUse as in_use:
            in_use.values["name"] = pick(in_use.title, lang)
            said = error_text(in_use, lang)
            return dbc.Alert(said, color="warning", id="edit-catalogue-in-use"), no_update
        message = dbc.Alert(_("The activity is removed.", lang), color="success", id="edit-catalogue-removed")
        return message, _bumped(changed)

    @app.callback(
        Output({"type": OPPORTUNITY_FIELD, "name": ALL}, "invalid", allow_duplicate=True),
        Output({"type": OPPORTUNITY_FEEDBACK, "name": ALL}, "children"),
        Output(OPPORTUNITY_MESSAGE, "children"),
        Output(CHANGED, "data", allow_duplicate=True),
        Input(OPPORTUNITY_SAVE, "n_clicks"),
        State(CATALOGUE, "value"),
        State(OPPORTUNITY, "value"),
        State({"type": OPPORTUNITY_FIELD, "name": ALL}, "value"),
        State(CHANGED, "data"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _save_opportunity(clicks, catalogue, opportunity, values, changed, search):
        do_not_cache_this_response()
        if not clicks:
            raise PreventUpdate
        who = auth.require(ROLE)
        lang = _lang(search)
        names = names_of(ctx.outputs_list[0])
        try:
            with session_scope() as session:
                stored = save_opportunity(
                    session,
                    who,
                    _region_of(session, catalogue),
                    dict(zip(names, values, strict=True)),
                    None if opportunity == NEW else _int(opportunity) or 0,
                )
        except EditError as error:
            return *_refused(OPPORTUNITY_FIELD, names, error, lang, translated(OPPORTUNITY_LABELS, lang)), no_update
        message = dbc.Alert(_("Saved.", lang), color="success", id="edit-catalogue-opportunity-saved")
        return [False] * len(names), [""] * len(names), message, _bumped(changed, opportunity=stored["id"])

    @app.callback(
        Output(OPPORTUNITY_MESSAGE, "children", allow_duplicate=True),
        Output(CHANGED, "data", allow_duplicate=True),
        Output(OPPORTUNITY, "value", allow_duplicate=True),
        Input(OPPORTUNITY_REMOVE, "submit_n_clicks"),
        State(OPPORTUNITY, "value"),
        State(CHANGED, "data"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _remove_opportunity(clicks, opportunity, changed, search):
        do_not_cache_this_response()
        if not clicks:
            raise PreventUpdate
        who = auth.require(ROLE)
        lang = _lang(search)
        opportunity_id = _int(opportunity)
        try:
            if opportunity_id is None:
                raise EditError([])
            with session_scope() as session:
                remove_opportunity(session, who, opportunity_id)
        except EditError:
            return dbc.Alert(_("Choose an opportunity first.", lang), color="warning"), no_update, no_update
        return dbc.Alert(_("The opportunity is removed.", lang), color="success"), _bumped(changed), NEW


PAGE = Page(
    name="edit_catalogue", path=PATH, title=NAME, layout=layout, register_callbacks=register_callbacks, role=ROLE
)
