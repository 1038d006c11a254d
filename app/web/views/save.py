""" "Save this view": put the current page and its full state into a presentation (a deck).

The button sits above every page with data. A deck belongs to the editor who made it: the dialog offers
that account's decks (on any computer), and the ones this browser made before decks had owners (their
tokens, remembered in local storage, ``KNOWN_DECKS``), which become the account's when a view is saved
into them. The slide's title follows the chart chosen in the dialog.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from app.db.access import home_region
from app.db.audit import record
from app.db.decks import DeckError, add_view, create_deck, decks_of, editable, find_decks
from app.db.session import session_scope
from app.language import error_text
from app.language import gettext as _
from app.web.kit import urls
from app.web.kit.page_state import parse_search
from app.web.kit.site import installed
from app.web.server import auth
from app.web.server.response_cache import do_not_cache_this_response
from app.web.views.export import render_views
from app.web.views.present import DECKS_PATH, page_search

OPEN = "save-view-open"
MODAL = "save-view-modal"
TITLE = "save-view-title"
NOTE = "save-view-note"
CHART = "save-view-chart"
DECK = "save-view-deck"
NEW_TITLE = "save-view-new-title"
SUBMIT = "save-view-submit"
STATUS = "save-view-status"
BAR = "save-view-bar"
KNOWN_DECKS = "known-decks"  # tokens of the decks this browser made before decks had owners (local storage)
NEW = "__new__"


def bar(lang: str) -> html.Div:
    """The button and its dialog (the shell shows them above pages with data; the store of known decks is
    the shell's, so it outlives a change of language)."""
    return html.Div(
        [
            html.Div(
                dbc.Button(
                    _("Save view to a presentation", lang),
                    id=OPEN,
                    color="secondary",
                    outline=True,
                    size="sm",
                ),
                id=BAR,
                className="container-xl d-flex justify-content-end save-view-bar",
            ),
            dbc.Modal(
                [
                    dbc.ModalHeader(dbc.ModalTitle(_("Save view to a presentation", lang))),
                    dbc.ModalBody(
                        [
                            _field(_("Title of the slide", lang), dbc.Input(id=TITLE, maxLength=200)),
                            _field(
                                _("Chart", lang), dcc.Dropdown(id=CHART, clearable=False), label_id=f"{CHART}-label"
                            ),
                            _field(
                                _("Note (shown on the slide and in the handout)", lang),
                                dbc.Textarea(id=NOTE, maxLength=2000, rows=3),
                            ),
                            _field(
                                _("Presentation", lang),
                                dcc.Dropdown(id=DECK, clearable=False),
                                label_id=f"{DECK}-label",
                            ),
                            _field(
                                _("Title of the new presentation", lang),
                                dbc.Input(id=NEW_TITLE, maxLength=200, value=_("Council meeting", lang)),
                            ),
                            html.Div(id=STATUS, role="status"),
                        ]
                    ),
                    dbc.ModalFooter(dbc.Button(_("Save", lang), id=SUBMIT, color="primary")),
                ],
                id=MODAL,
                is_open=False,
            ),
        ],
        className="save-view",
    )


def _field(label: str, control, label_id: str | None = None) -> html.Div:
    control_id = control.id
    return html.Div(
        [
            html.Label(
                label, htmlFor=control_id, className="form-label fw-semibold", id=label_id or f"{control_id}-label"
            ),
            control,
        ],
        className="mb-3",
    )


def register_callbacks(app: dash.Dash, url: str, language_of) -> None:
    """``url``: the shell's location; ``language_of(search)``: the page's language."""

    @app.callback(
        Output(MODAL, "is_open"),
        Output(TITLE, "value"),
        Output(CHART, "options"),
        Output(CHART, "value"),
        Output(DECK, "options"),
        Output(DECK, "value"),
        Output(STATUS, "children"),
        Input(OPEN, "n_clicks"),
        State(url, "pathname"),
        State(url, "search"),
        State(KNOWN_DECKS, "data"),
        prevent_initial_call=True,
    )
    def _open(clicks, pathname, search, known):
        if not clicks:  # the shell draws the button anew with each address: that is no click
            return (no_update,) * 7
        do_not_cache_this_response()  # decks change without a new data version
        lang = language_of(search)
        who = auth.account()
        if who is None or not who.may("editor"):
            login = html.A(_("Log in", lang), href=urls.login(lang, pathname or "/"))
            refusal = dbc.Alert([_("Saving views needs an editor's login.", lang), " ", login], color="info")
            return True, no_update, [], None, [], None, refusal
        page = installed().for_path(pathname)
        if page is None:  # an address no page answers has no view to save
            return (
                True,
                no_update,
                [],
                None,
                [],
                None,
                dbc.Alert(_("This page has no view to save.", lang), color="warning"),
            )
        rendered = render_views(page, page_search(page.query_for(pathname, search)), lang)
        charts = [{"label": v.title, "value": v.id} for v in rendered.views]
        with session_scope() as session:
            mine = decks_of(session, who.id, who.region_ids("editor"))
            older = find_decks(session, list(known or []), without_owner=True)
        decks = [*mine, *older]
        options = [{"label": d.title, "value": d.token} for d in decks]
        options.append({"label": _("New presentation", lang), "value": NEW})
        first = charts[0] if charts else {"label": _(page.title, lang), "value": None}
        return True, first["label"], charts, first["value"], options, options[0]["value"], None

    # the slide's title follows the chart chosen (the dialog opens with the first chart's)
    app.clientside_callback(
        """function (chart, options) {
            const chosen = (options || []).find(o => o.value === chart);
            return chosen ? chosen.label : window.dash_clientside.no_update;
        }""",
        Output(TITLE, "value", allow_duplicate=True),
        Input(CHART, "value"),
        State(CHART, "options"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(STATUS, "children", allow_duplicate=True),
        Output(NOTE, "value"),  # emptied once saved: a note belongs to its slide, not to the next one
        Input(SUBMIT, "n_clicks"),
        State(url, "pathname"),
        State(url, "search"),
        State(TITLE, "value"),
        State(NOTE, "value"),
        State(CHART, "value"),
        State(DECK, "value"),
        State(NEW_TITLE, "value"),
        prevent_initial_call=True,
    )
    def _save(clicks, pathname, search, title, note, chart, token, new_title):
        if not clicks:  # drawn anew, not clicked
            return no_update, no_update
        do_not_cache_this_response()  # a write: every click is carried out
        who = auth.require("editor")
        lang = language_of(search)
        page = installed().for_path(pathname)
        if page is None or not page.has_views:
            return dbc.Alert(_("This page has no view to save.", lang), color="warning"), no_update
        params = parse_search(page_search(page.query_for(pathname, search)))
        params.pop("lang", None)  # a deck is shown in the language of whoever plays it
        if chart:
            params["chart"] = chart
        query = urls.query(params)
        try:
            with session_scope() as session:
                if token in (None, NEW):
                    deck_title = new_title or _("Council meeting", lang)
                    token = create_deck(session, deck_title, owner_id=who.id, region_id=home_region(who)).token
                else:
                    editable(session, token, who)
                saved = add_view(session, token, page.path, query, title or _(page.title, lang), note or "")
                record(session, who.name, "deck.add_view", "deck", token, None, {"path": page.path, "query": query})
        except DeckError as error:
            return dbc.Alert(error_text(error, lang), color="danger"), no_update
        saved_message = dbc.Alert(
            [
                _("Saved as view {number} of the presentation.", lang).format(number=saved.position),
                " ",
                dcc.Link(
                    _("Open the presentation", lang),
                    href=urls.link(DECKS_PATH, urls.language_kept(search, lang), deck=token),
                    id="save-view-link",
                ),
            ],
            color="success",
            className="mb-0",
        )
        return saved_message, ""
