"""Presentasjonar: the logged-in editor's presentations (on any computer), and one presentation's views to
reorder, retitle, annotate, duplicate, play, hand out as PDF or delete.

A presentation is opened by its link (``/presentasjon?deck=<token>``), by anyone; views are added with
"Save view to a presentation" above every page with data. Only its owner (or an admin) changes it; the
presentations this browser made before decks had owners are listed too, and become the first editor's to
change one.
"""

from __future__ import annotations

import json

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from dash.development.base_component import Component

from app.db.access import Actor, NotAllowed
from app.db.audit import record
from app.db.decks import (
    DeckError,
    DeckInfo,
    decks_of,
    deletable,
    delete_deck,
    duplicate_view,
    edit_view,
    editable,
    find_decks,
    move_view,
    remove_view,
    rename_deck,
    shown_deck,
    shown_decks,
)
from app.db.session import session_scope
from app.language import N_, error_text
from app.language import gettext as _
from app.web.kit import urls
from app.web.kit.components import aria, error_message, page_language
from app.web.kit.page_state import parse_search
from app.web.kit.site import Page, installed
from app.web.server import auth
from app.web.server.response_cache import do_not_cache_this_response
from app.web.views.present import slide_address
from app.web.views.save import KNOWN_DECKS

PATH = "/presentasjon"
NAME = N_("Presentations")

URL = "decks-url"
LIST = "decks-list"
EDITOR = "decks-editor"
RENAME = "decks-rename"
RENAME_FIELD = '{"index":0,"type":"decks-rename"}'  # the id Dash gives the rename field in the page
RENAME_SAVE = "decks-rename-save"
DELETE = "decks-delete"
PLAY = "decks-play"
HANDOUT = "decks-handout"
UP = "decks-up"
DOWN = "decks-down"
REMOVE = "decks-remove"
DUPLICATE = "decks-duplicate"
EDIT_TITLE = "decks-edit-title"
EDIT_NOTE = "decks-edit-note"
EDIT_SAVE = "decks-edit-save"
MESSAGE = "decks-message"
HANDOUT_STATUS = "decks-handout-status"
HANDOUT_POLL = "decks-handout-poll"
HANDOUT_READY = "decks-handout-ready"


def layout(lang: str, search: str = "") -> html.Div:
    token = parse_search(search).get("deck")
    intro = _(
        "A presentation is a series of views for a meeting. Add a view with “Save view to a presentation” above "
        "any page with data; play it on the projector with the arrow keys, or hand it out as a PDF. Anyone with "
        "the link to a presentation can show it; it belongs to the editor who made it, who sees it here on any "
        "computer once logged in.",
        lang,
    )
    return html.Div(
        [
            dcc.Location(id=URL, refresh=False),
            html.H1(_("Presentations", lang)),
            html.P(intro),
            html.Div(id=MESSAGE, role="status"),
            # every id a callback names is in the layout whether a deck is chosen or not (no console errors)
            html.Div(id=EDITOR),
            html.Div(id=LIST, hidden=bool(token)),
            html.Div(id=HANDOUT_STATUS, role="status", className="mt-2"),
            dcc.Interval(id=HANDOUT_POLL, interval=1500, disabled=True),
        ]
    )


def register_callbacks(app) -> None:
    _handout_callbacks(app)

    @app.callback(Output(LIST, "children"), Input(KNOWN_DECKS, "data"), State(URL, "search"))
    def _list(known, search):
        do_not_cache_this_response()  # decks change without a new data version
        lang = page_language(parse_search(search).get("lang"))
        who = auth.account()
        with session_scope() as session:
            mine = decks_of(session, who.id, who.region_ids("editor")) if who is not None else []
            older = find_decks(session, list(known or []), without_owner=True)
            mine, older = shown_decks(session, mine), shown_decks(session, older)  # a hidden view is not counted
        sections: list[Component] = []
        if who is None:
            login = html.A(_("Log in", lang), href=urls.login(lang, urls.link(PATH, parse_search(search).get("lang"))))
            sections.append(html.P([_("Log in to see your presentations.", lang), " ", login], className="decks-none"))
        elif mine:
            sections.append(_deck_list(_("Your presentations", lang), mine, search, lang, "decks-mine"))
        else:
            sections.append(html.P(_("You have made no presentation yet.", lang), className="decks-none"))
        if older:
            title = _("Made in this browser before presentations belonged to accounts", lang)
            sections.append(_deck_list(title, older, search, lang, "decks-known"))
        return html.Section(sections)

    @app.callback(
        Output(EDITOR, "children"),
        Output(MESSAGE, "children"),
        Output(KNOWN_DECKS, "data", allow_duplicate=True),
        Input(URL, "search"),
        Input({"type": UP, "index": ALL}, "n_clicks"),
        Input({"type": DOWN, "index": ALL}, "n_clicks"),
        Input({"type": REMOVE, "index": ALL}, "n_clicks"),
        Input({"type": RENAME_SAVE, "index": ALL}, "n_clicks"),
        Input({"type": DELETE, "index": ALL}, "submit_n_clicks"),
        Input({"type": DUPLICATE, "index": ALL}, "n_clicks"),
        Input({"type": EDIT_SAVE, "index": ALL}, "n_clicks"),
        State({"type": RENAME, "index": ALL}, "value"),
        State({"type": EDIT_TITLE, "index": ALL}, "value"),
        State({"type": EDIT_NOTE, "index": ALL}, "value"),
        State(KNOWN_DECKS, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def _edit(search, _up, _down, _remove, _rename, _delete, _duplicate, _save, new_titles, titles, notes, known):
        do_not_cache_this_response()  # a write, or a read of what the data version does not track
        lang = page_language(parse_search(search).get("lang"))
        token = parse_search(search).get("deck") or ""
        if not token:  # the list of this browser's presentations, not one of them
            return None, None, no_update
        trigger = ctx.triggered_id
        clicked = bool(ctx.triggered and ctx.triggered[0].get("value"))
        kind = trigger["type"] if clicked and isinstance(trigger, dict) else None
        who = auth.require("admin" if kind == DELETE else "editor") if kind else None
        try:
            with session_scope() as session:
                if who is not None and kind is not None:
                    editable(session, token, who)  # its owner's, its region's or a national admin's
                    if kind == DELETE:
                        deletable(session, token, who)  # an admin's, nationally or of its region
                    record(
                        session,
                        who.name,
                        f"deck.{kind.removeprefix('decks-')}",
                        "deck",
                        token,
                        None,
                        {"view": trigger["index"]},
                    )
                if kind in (UP, DOWN, REMOVE):
                    view_id = int(trigger["index"])
                    if kind == REMOVE:
                        remove_view(session, token, view_id)
                    else:
                        move_view(session, token, view_id, -1 if kind == UP else 1)
                elif kind == DUPLICATE:
                    duplicate_view(session, token, int(trigger["index"]))
                elif kind == EDIT_SAVE:
                    view_id = int(trigger["index"])
                    at = [item["id"]["index"] for item in ctx.states_list[1]].index(view_id)
                    edit_view(session, token, view_id, titles[at] or "", notes[at] or "")
                elif kind == RENAME_SAVE:
                    rename_deck(session, token, (new_titles or [""])[0] or "")
                elif kind == DELETE:
                    delete_deck(session, token)
                    remaining = [t for t in (known or []) if t != token]
                    done = dbc.Alert(_("The presentation is deleted.", lang), color="success")
                    return html.P(dcc.Link(_("See your presentations", lang), href=PATH)), done, remaining
                deck = shown_deck(session, token)  # without the views of surveys this person may not see
        except (DeckError, NotAllowed) as error:
            return None, dbc.Alert(error_text(error, lang), color="warning"), no_update
        except Exception as error:  # noqa: BLE001 - shown as a message, logged with its details
            return None, error_message(error, lang), no_update
        return editor(deck, search, lang, auth.account()), None, no_update


def _handout_callbacks(app) -> None:
    @app.callback(
        Output(HANDOUT_STATUS, "children"),
        Output(HANDOUT_POLL, "disabled"),
        Input(HANDOUT, "n_clicks"),
        Input(HANDOUT_POLL, "n_intervals"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _handout(clicks, _ticks, search):
        """The handout is made by the worker: start (or join) its job, show its progress, then the link."""
        from flask import request

        from app.db.jobs import JobLimitReached
        from app.web.server.jobs import describe, owner_of_request, percent
        from app.web.views.handouts import ensure_handout

        do_not_cache_this_response()
        if not clicks:
            return no_update, no_update
        params = parse_search(search)
        lang = page_language(params.get("lang"))
        token = params.get("deck") or ""
        try:
            state = ensure_handout(token, lang, owner_of_request(), request.host_url)
        except DeckError as error:
            return dbc.Alert(str(error), color="warning"), True
        except JobLimitReached:
            message = _("You already have two handouts being made; try again when one is ready.", lang)
            return dbc.Alert(message, color="warning"), True
        if state.file is not None:
            link = html.A(
                _("Download the handout (PDF)", lang),
                href=urls.link(f"/deck/{token}.pdf", lang),
                id=HANDOUT_READY,
                className="btn btn-success",
            )
            return link, True
        job = state.job
        if job is None or job.state == "failed":
            reason = (job.error if job is not None else "") or ""
            return dbc.Alert(_("The handout could not be made:", lang) + " " + reason, color="danger"), True
        done = percent(job)
        return [
            dbc.Progress(value=done, label=f"{done} %", className="mb-1", style={"maxWidth": "40rem"}),
            html.Span(describe(job, lang), className="small text-muted"),
        ], False


def _deck_list(title: str, decks: list[DeckInfo], search: str | None, lang: str, class_name: str) -> html.Div:
    return html.Div(
        [
            html.H2(title, className="h4"),
            html.Ul(
                [
                    html.Li(
                        [
                            dcc.Link(d.title, href=_deck_link(d.token, search)),
                            " ",
                            html.Span(
                                _("{count} views", lang).format(count=len(d.views)), className="text-muted small"
                            ),
                        ]
                    )
                    for d in decks
                ],
                className=class_name,
            ),
        ]
    )


def _deck_link(token: str, search: str | None) -> str:
    return urls.link(PATH, urls.parse(search).get("lang"), deck=token)


def editor(deck: DeckInfo, search: str | None, lang: str, who: Actor | None = "trusted") -> list:
    """The deck's title (to rename), its actions and its views in order (to move, retitle, annotate, duplicate
    or remove). Without the login of its owner, an editor of its region or a national admin (``who``; a
    string: everything) only showing it and handing it out; the callbacks check the same again."""
    may_edit = deck.may_edit(who)
    in_address = parse_search(search).get("lang")
    first = (
        slide_address(deck.views[0].path, deck.views[0].query_string, deck.token, 1, in_address) if deck.views else None
    )
    actions = html.Div(
        [
            html.A(_("Present", lang) + " ▶", href=first or "#", id=PLAY, className="btn btn-primary")
            if first
            else None,
            html.Button(_("Handout (PDF)", lang), id=HANDOUT, className="btn btn-outline-primary")
            if deck.views
            else None,
            dcc.ConfirmDialogProvider(
                dbc.Button(_("Delete the presentation", lang), color="danger", outline=True),
                id={"type": DELETE, "index": 0},
                message=_("Delete this presentation and its views? This cannot be undone.", lang),
            )
            if deck.may_delete(who)
            else None,
        ],
        className="d-flex flex-wrap gap-2 mb-3",
    )
    rename = html.Div(
        [
            html.Label(_("Title of the presentation", lang), htmlFor=RENAME_FIELD, className="form-label fw-semibold"),
            dbc.InputGroup(
                [
                    dbc.Input(id={"type": RENAME, "index": 0}, value=deck.title, maxLength=200),
                    dbc.Button(_("Rename", lang), id={"type": RENAME_SAVE, "index": 0}, color="secondary"),
                ]
            ),
        ],
        className="mb-3",
        style={"maxWidth": "40rem"},
    )
    views = [_view_row(deck, k, view, in_address, lang, may_edit) for k, view in enumerate(deck.views, start=1)]
    login = html.P(
        [
            _("Changing the presentation needs an editor's login.", lang),
            " ",
            html.A(_("Log in", lang), href=urls.login(lang, _deck_link(deck.token, search))),
        ]
        if who is None
        else _("This presentation belongs to another editor: you may show it and hand it out, not change it.", lang),
        className="alert alert-info",
        id="decks-login",
    )
    return [
        html.H2(deck.title, className="h3", id="decks-title"),
        rename if may_edit else login,
        actions,
        html.Ol(views, className="list-group list-group-numbered decks-views")
        if views
        else html.P(_("No views yet: add one with “Save view to a presentation” above a page.", lang)),
    ]


def _view_row(deck: DeckInfo, number: int, view, in_address: str | None, lang: str, may_edit: bool) -> html.Li:
    page = installed().for_path(view.path)
    page_name = _(page.title, lang) if page else view.path
    address = view.path + urls.with_changes(view.query_string, lang=in_address)
    buttons = [
        _icon_button("↑", UP, view.id, _("Move up", lang), disabled=number == 1),
        _icon_button("↓", DOWN, view.id, _("Move down", lang), disabled=number == len(deck.views)),
        _icon_button(_("Duplicate", lang), DUPLICATE, view.id, _("Duplicate the slide", lang)),
        _icon_button("✕", REMOVE, view.id, _("Remove from the presentation", lang), danger=True),
    ]
    edit = html.Details(
        [
            html.Summary(_("Edit title and note", lang), className="small"),
            html.Label(
                _("Title of the slide", lang), htmlFor=_dom_id(EDIT_TITLE, view.id), className="form-label small mt-2"
            ),
            dbc.Input(
                id={"type": EDIT_TITLE, "index": view.id}, value=view.title, maxLength=200, className="decks-edit-title"
            ),
            html.Label(
                _("Note (shown on the slide and in the handout)", lang),
                htmlFor=_dom_id(EDIT_NOTE, view.id),
                className="form-label small mt-2",
            ),
            dbc.Textarea(
                id={"type": EDIT_NOTE, "index": view.id},
                value=view.note,
                maxLength=2000,
                rows=3,
                className="decks-edit-note",
            ),
            dbc.Button(
                _("Save title and note", lang),
                id={"type": EDIT_SAVE, "index": view.id},
                color="secondary",
                size="sm",
                className="mt-2 decks-edit-save",
            ),
        ],
        className="decks-edit mt-1",
    )
    return html.Li(
        [
            html.Div(
                [
                    html.Div(dcc.Link(view.title, href=address), className="fw-semibold decks-view-title"),
                    html.Div(page_name, className="small text-muted"),
                    html.Div(view.note, className="small decks-view-note") if view.note else None,
                    edit if may_edit else None,
                ],
                className="ms-2 me-auto",
            ),
            html.A(  # a new page load: this page's callbacks must not answer for a page that is gone
                _("Present from here", lang),
                href=slide_address(view.path, view.query_string, deck.token, number, in_address),
                className="btn btn-sm btn-link",
            ),
            html.Div(buttons, className="btn-group", role="group") if may_edit else None,
        ],
        className="list-group-item d-flex justify-content-between align-items-start decks-view",
    )


def _dom_id(kind: str, index: int) -> str:
    """The id Dash gives a pattern-matching component in the page (for a label's ``for``)."""
    return json.dumps({"index": index, "type": kind}, sort_keys=True, separators=(",", ":"))


def _icon_button(icon: str, kind: str, view_id: int, label: str, disabled: bool = False, danger: bool = False):
    colour = "danger" if danger else "secondary"
    return html.Button(
        icon,
        id={"type": kind, "index": view_id},
        disabled=disabled,
        className=f"btn btn-sm btn-outline-{colour}",
        title=label,
        **aria(label=label),
    )


PAGE = Page(name="decks", path=PATH, title=NAME, layout=layout, register_callbacks=register_callbacks)
