"""Presentation mode: any view as a slide for a projector, and a deck as a sequence of slides.

``?present=1`` on any page's address shows its first chart (or ``chart=<id>``) as a slide: the
title, the selection in words, the chart with text of at least 20 px, its key sentence, the source
and the synthetic-data label, sized to fit a 1280×720 screen without scrolling. A deck plays as the
same addresses with ``deck=<token>&slide=<k>``; the arrow keys, PageUp/PageDown (a clicker) and the
on-screen buttons step through it and Esc leaves (``assets/present.js``).
"""

from __future__ import annotations

import copy

import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component

from app.db.decks import DeckError, DeckInfo, get_deck
from app.db.session import session_scope
from app.language import error_text
from app.language import gettext as _
from app.web.kit import urls
from app.web.kit.charts import graph_config
from app.web.kit.components import aria, error_message
from app.web.kit.page_state import parse_search
from app.web.kit.site import installed
from app.web.views import n_text
from app.web.views.block import data_table
from app.web.views.export import OWN_PARAMS, chosen_view, render_views

SLIDE = "present-slide"
PREV = "present-prev"
NEXT = "present-next"
EXIT = "present-exit"
COUNTER = "present-counter"
MIN_TEXT_PX = 20
DECKS_PATH = "/presentasjon"


def presenting(search: str | None) -> bool:
    return parse_search(search).get("present") == "1"


def page_search(search: str | None) -> str:
    """The page's own query string: without the presentation's and the export's parameters."""
    return urls.query({k: v for k, v in parse_search(search).items() if k not in OWN_PARAMS})


def slide_address(path: str, query_string: str, token: str, number: int, lang: str | None) -> str:
    return path + urls.with_changes(query_string, lang=lang or None, present="1", deck=token, slide=str(number))


def enlarge(figure: go.Figure, minimum: int = MIN_TEXT_PX) -> go.Figure:
    """A copy of ``figure`` for a projector: every text at least ``minimum`` px, black on white, no title
    (the slide says it above the chart) and its height from the screen."""
    fig = go.Figure(copy.deepcopy(figure.to_dict()))

    def bigger(font) -> dict:
        return {"size": max(minimum, (font.size if font is not None and font.size else 0))}

    fig.update_layout(
        title=None,
        height=None,
        autosize=True,
        font={"size": max(minimum + 2, fig.layout.font.size or 0), "color": "#000"},
        legend={"font": bigger(fig.layout.legend.font)},
        margin={"t": 20, "b": 60},
        uniformtext={"minsize": minimum, "mode": "hide"},  # a label too long for its bar at this size is left out
    )
    fig.for_each_xaxis(lambda axis: axis.update(tickfont=bigger(axis.tickfont), title_font=bigger(axis.title.font)))
    fig.for_each_yaxis(lambda axis: axis.update(tickfont=bigger(axis.tickfont), title_font=bigger(axis.title.font)))
    for annotation in fig.layout.annotations or []:
        annotation.font = {**(annotation.font.to_plotly_json() if annotation.font else {}), **bigger(annotation.font)}
    for trace in fig.data:
        for key in ("textfont", "insidetextfont", "outsidetextfont"):
            if key in trace and trace[key] is not None:
                trace[key] = {**trace[key].to_plotly_json(), **bigger(trace[key])}
    return fig


def slide(pathname: str | None, search: str | None, lang: str) -> html.Div:
    """The slide for an address in presentation mode (a message slide when the address shows nothing)."""
    params = parse_search(search)
    page = installed().for_path(pathname)
    token = params.get("deck")
    try:
        deck = _deck(token) if token else None
        number = _number(params.get("slide"), deck)
        saved = deck.views[number - 1] if deck and deck.views else None
        rendered = (
            render_views(page, page_search(page.query_for(pathname, search)), lang) if page and page.has_views else None
        )
    except DeckError as error:
        return _frame(
            [html.H1(_("This presentation cannot be shown", lang)), html.P(error_text(error, lang))],
            None,
            1,
            pathname,
            search,
            lang,
        )
    except Exception as error:  # noqa: BLE001 - shown as a message, logged with its details
        return _frame([error_message(error, lang)], None, 1, pathname, search, lang)
    view = chosen_view(rendered, params.get("chart")) if rendered else None
    if rendered is None or view is None:
        nothing = [html.H1(_("Nothing to present on this page", lang)), html.P(_("Choose a page with a chart.", lang))]
        return _frame(nothing, deck, number, pathname, search, lang)
    title = saved.title if saved else view.title
    selection = rendered.state.describe() or _("Everyone", lang)
    main: Component
    if view.figure is not None:
        main = dcc.Graph(
            id=f"{SLIDE}-chart",
            figure=enlarge(view.figure),
            config=graph_config(lang, displayModeBar=False),
            responsive=True,
            style={"height": "100%"},
        )
    else:
        main = html.Div(data_table(view.table, view.title, lang), className="slide-table")
    source = _("Source", lang) + ": " + (view.source or "–") + (f" ({n_text(view.n, lang)})" if view.n else "")
    body: list[Component | None] = [
        html.Header(
            [
                html.H1(title, className="slide-title"),
                html.P(
                    [html.Span(_("Selection", lang) + ": ", className="fw-semibold"), selection],
                    className="slide-selection",
                ),
            ]
        ),
        html.Div(main, className="slide-main"),
        html.P(view.sentence, className="slide-sentence") if view.sentence else None,
        html.P(saved.note, className="slide-note") if saved and saved.note else None,
        html.P(
            [source, *([html.Br(), html.Strong(view.synthetic)] if view.synthetic else [])], className="slide-source"
        ),
    ]
    return _frame(body, deck, number, pathname, search, lang)


def _deck(token: str) -> DeckInfo:
    with session_scope() as session:
        return get_deck(session, token)


def _number(text: str | None, deck: DeckInfo | None) -> int:
    count = len(deck.views) if deck else 1
    try:
        number = int(text or 1)
    except ValueError:
        number = 1
    return min(max(number, 1), max(count, 1))


def _frame(
    body: list, deck: DeckInfo | None, number: int, pathname: str | None, search: str | None, lang: str
) -> html.Div:
    """The slide with its controls: previous, "k / n", next and leave (to the deck, or to the page)."""
    count = len(deck.views) if deck else 1
    in_address = parse_search(search).get("lang")

    def go_to(k: int) -> str | None:
        if deck is None or not 1 <= k <= count:
            return None
        view = deck.views[k - 1]
        return slide_address(view.path, view.query_string, deck.token, k, in_address)

    leave = urls.link(DECKS_PATH, in_address, deck=deck.token) if deck else (pathname or "/") + page_search(search)
    controls = html.Nav(
        [
            _step(PREV, "←", _("Previous", lang), go_to(number - 1)),
            html.Span(f"{number} / {count}", id=COUNTER, className="slide-counter", **aria(live="polite")),
            _step(NEXT, "→", _("Next", lang), go_to(number + 1)),
            html.A(_("Leave (Esc)", lang), id=EXIT, href=leave, className="btn btn-outline-dark slide-exit"),
        ],
        className="slide-controls",
        **aria(label=_("Presentation", lang)),
    )
    return html.Div([*[b for b in body if b is not None], controls], className="slide", id=SLIDE)


def _step(component_id: str, arrow: str, label: str, href: str | None):
    """A step button: a link (client-side, so the slide changes without reloading), or a disabled stub."""
    content = [html.Span(arrow, **aria(hidden="true")), html.Span(label, className="visually-hidden")]
    if href is None:
        return html.Span(
            content, id=component_id, className="btn btn-outline-secondary disabled", **aria(disabled="true")
        )
    return dcc.Link(content, id=component_id, href=href, className="btn btn-dark", title=label)
