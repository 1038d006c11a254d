"""Presentation mode: any view as a slide for a projector, and a deck as a sequence of slides.

``?present=1`` on any page's address shows its first chart (or ``chart=<id>``) as a slide: the view's key
sentence as the headline (its title when it has none), the chart's title (a saved slide's own) and the
selection in words under it, the chart with text of at least 20 px and the presenter's note large beside
it, then the source and the synthetic-data label, sized to fit a 1280×720 screen without scrolling. A
number the chart would draw as a sliver (the end of a funnel) is shown as a key figure instead: the
number, its range, what it counts. A deck plays as the same addresses with ``deck=<token>&slide=<k>``; the
arrow keys, PageUp/PageDown (a clicker) and the on-screen buttons step through it and Esc leaves
(``assets/present.js``). The slide's look is ``assets/slides.css``.
"""

from __future__ import annotations

import copy
import re
import textwrap
from dataclasses import dataclass

import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component

from app.db.decks import DeckError, DeckInfo, shown_deck
from app.db.session import session_scope
from app.language import error_text
from app.language import gettext as _
from app.web.kit import urls
from app.web.kit.charts import graph_config
from app.web.kit.components import aria, error_message
from app.web.kit.page_state import parse_search
from app.web.kit.site import installed
from app.web.views import View, n_text
from app.web.views.block import data_table
from app.web.views.export import OWN_PARAMS, chosen_view, render_views

SLIDE = "present-slide"
PREV = "present-prev"
NEXT = "present-next"
EXIT = "present-exit"
COUNTER = "present-counter"
KEY_NUMBER = "present-key-number"
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
    (the slide says it above the chart) and its height from the screen. Nothing the page's chart shows is
    left out at that size: long category names are wrapped and every one gets its tick, number axes get
    fewer, level ticks, and an interval drawn on its own (whiskers at a bar's end) moves to the bar's lower
    edge, off the bar's labels."""
    fig = go.Figure(copy.deepcopy(figure.to_dict()))

    def bigger(font) -> dict:
        return {"size": max(minimum, (font.size if font is not None and font.size else 0))}

    fig.update_layout(
        title=None,
        height=None,
        autosize=True,
        font={"size": max(minimum + 2, fig.layout.font.size or 0), "color": "#000"},
        legend={"font": bigger(fig.layout.legend.font)},
        margin={"t": 20, "b": 40, "l": 10, "r": 20},
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
    for trace in fig.data:  # a legend beside the chart (a map's) is no wider than a wrapped category name
        if isinstance(trace.name, str) and len(trace.name) > WRAP_Y and trace.showlegend is not False:
            trace.name = wrap(trace.name, WRAP_Y)
    _every_category_named(fig, "y", WRAP_Y)
    _every_category_named(fig, "x", WRAP_X)
    _level_number_ticks(fig)
    _whiskers_off_the_labels(fig)
    return fig


WRAP_Y = 30  # characters a line of a category name on the side of a horizontal chart holds at 20 px
WRAP_X = 16  # … under a column
SLIVER = 0.02  # a value under this share of a chart's largest is drawn too thin to read: it gets a key-figure slide


def _is_name(value) -> bool:
    return isinstance(value, str) and not re.fullmatch(r"[\d\s.,:+\-–%]*", value.replace("<br>", ""))


def wrap(label: str, width: int) -> str:
    """``label`` in lines of at most ``width`` characters (at spaces; lines it already has are kept)."""
    return "<br>".join(
        "<br>".join(textwrap.wrap(line, width, break_long_words=False) or [""]) for line in label.split("<br>")
    )


def _categories(fig: go.Figure, letter: str, axis) -> list:
    """The category axis's categories in its order (its array, else as the traces first name them)."""
    if axis.categoryorder == "array" and axis.categoryarray is not None:
        return list(axis.categoryarray)
    seen: dict = {}
    for trace in fig.data:
        if getattr(trace, f"{letter}axis", None) in (None, letter):
            for value in getattr(trace, letter, None) or ():
                seen.setdefault(value, None)
    return list(seen)


def _every_category_named(fig: go.Figure, letter: str, width: int) -> None:
    """On the main ``letter`` axis of named categories: wrap long names (in every trace, alike) and tick each
    one, so none is skipped for want of room."""
    axis = fig.layout[f"{letter}axis"]
    if axis.type not in (None, "-", "category") or axis.tickvals is not None:
        return
    names = [
        getattr(t, letter)
        for t in fig.data
        if getattr(t, f"{letter}axis", None) in (None, letter) and getattr(t, letter, None) is not None
    ]
    values = [v for listed in names for v in listed]
    if not values or not all(_is_name(v) for v in values):
        return
    if letter == "y":  # a name of more than three lines crowds its neighbours: a wider column instead, up to half again
        longest = max(len(v) for v in values)
        width = min(width * 3 // 2, max(width, -(-longest // 3) + 6))
    wrapped = {v: wrap(v, width) for v in values}
    for trace in fig.data:
        if getattr(trace, f"{letter}axis", None) in (None, letter) and getattr(trace, letter, None) is not None:
            trace[letter] = [wrapped[v] for v in getattr(trace, letter)]
    if axis.categoryarray is not None:
        axis.categoryarray = [wrapped.get(v, v) for v in axis.categoryarray]
    for note in [*(fig.layout.annotations or ()), *(fig.layout.shapes or ())]:  # placed at a category by its name
        for key in (letter, f"{letter}0", f"{letter}1"):
            if note[f"{letter}ref"] in (None, letter) and key in note and note[key] in wrapped:
                note[key] = wrapped[note[key]]
    axis.update(type="category", tickmode="linear", tick0=0, dtick=1, automargin=True)


def _level_number_ticks(fig: go.Figure) -> None:
    """Number axes with ticks of their own choosing: at most five, level (never turned), so 20 px labels
    cannot run into each other."""

    def level(axis) -> None:
        if axis.type in (None, "-", "linear") and axis.tickvals is None and axis.dtick is None:
            axis.update(nticks=min(axis.nticks or 5, 5), tickangle=0, automargin=True)

    fig.for_each_xaxis(level)


def _whiskers_off_the_labels(fig: go.Figure) -> None:
    """A horizontal interval drawn on its own (a scatter trace of whiskers on a category axis, at the end of
    a bar whose label sits in the bar's middle) is drawn along the bar's lower edge instead, through no label."""
    axis = fig.layout.yaxis
    if not any(t.type == "bar" for t in fig.data):  # dots with intervals are no bars' ends: left where they are
        return
    whiskers = [
        t
        for t in fig.data
        if t.type == "scatter"
        and (t.marker.size if t.marker and t.marker.size is not None else 6) <= 2  # whiskers alone, no dot
        and t.error_x is not None
        and t.error_x.visible is not False
        and t.error_x.array is not None
        and t.yaxis in (None, "y")
        and t.y is not None
        and all(isinstance(v, str) for v in t.y)
    ]
    if not whiskers or axis.type != "category":
        return
    categories = _categories(fig, "y", axis)
    index = {name: k for k, name in enumerate(categories)}
    if not all(v in index for t in whiskers for v in t.y):
        return
    downwards = axis.autorange == "reversed"
    edge = 0.8 * (1 - (fig.layout.bargap if fig.layout.bargap is not None else 0.2)) / 2
    free = next(k for k in range(2, 20) if f"yaxis{k}" not in fig.layout.to_plotly_json())
    span = [len(categories) - 0.5, -0.5] if downwards else [-0.5, len(categories) - 0.5]
    fig.layout[f"yaxis{free}"] = {"overlaying": "y", "range": span, "visible": False, "fixedrange": True}
    for trace in whiskers:
        trace.y = [index[v] + (edge if downwards else -edge) for v in trace.y]
        trace.yaxis = f"y{free}"


@dataclass(frozen=True)
class KeyFigure:
    """The number a view is about, as its table shows it, with its range and what it counts."""

    number: str
    low: str
    high: str
    label: str


def key_figure(view: View, lang: str) -> KeyFigure | None:
    """The number a slide is about when its chart would draw it as a sliver: the table's last value when it
    is under 2 % of the column's largest and the table gives its range (columns ``KEY``, ``KEY_low`` and
    ``KEY_high``), as at the end of a funnel. None for every other view."""
    table = view.table
    columns = {c.key: c for c in table.columns}
    if not table.rows:
        return None
    last = table.rows[-1]
    for column in table.columns:
        low, high = columns.get(f"{column.key}_low"), columns.get(f"{column.key}_high")
        if column.kind not in ("integer", "number") or low is None or high is None:
            continue
        values = [r[column.key] for r in table.rows if isinstance(r.get(column.key), int | float)]
        value = last.get(column.key)
        if not isinstance(value, int | float) or not values or value >= SLIVER * max(values):
            continue
        number = table.cell_text(last, column, lang)
        figure = view.figure or go.Figure()
        drawn = [str(t) for trace in figure.data for t in (getattr(trace, "text", None) or ())]
        drawn += [str(a.text) for a in figure.layout.annotations or () if a.text]
        if any("≈" in t and t.replace("≈", "").strip() == number for t in drawn):
            number = "≈\u00a0" + number  # the chart says it is rounded: so does the slide
        label = next((str(last[c.key]) for c in table.columns if c.kind == "text" and last.get(c.key)), "")
        return KeyFigure(number, table.cell_text(last, low, lang), table.cell_text(last, high, lang), label)
    return None


def _title_size(text: str) -> str:
    """The headline's class: a key sentence of two or three lines is set smaller than a short title."""
    return "slide-title" + (" slide-title-long" if len(text) > 150 else " slide-title-medium" if len(text) > 80 else "")


def _note_size(text: str) -> str:
    return "slide-note" + (" slide-note-long" if len(text) > 400 else " slide-note-medium" if len(text) > 180 else "")


def slide(pathname: str | None, search: str | None, lang: str) -> html.Div:
    """The slide for an address in presentation mode (a message slide when the address shows nothing).

    The headline is the view's key sentence (its title when it has none); under it, smaller, the chart's
    title (a saved slide's own title) and the selection; the presenter's note, large, beside the chart; a
    number the chart would draw as a sliver gets a key-figure slide instead (the number, its range, the
    sentence)."""
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
    headline = view.sentence or title
    selection = rendered.state.describe() or _("Everyone", lang)
    key = key_figure(view, lang) if view.figure is not None else None
    main: Component
    if key is not None:
        main = html.Div(
            [
                html.P(key.label, className="slide-key-label"),
                html.P(key.number, className="slide-key-number", id=KEY_NUMBER),
                html.P(
                    _("Range: {low} to {high}", lang).format(low=key.low, high=key.high), className="slide-key-range"
                ),
            ],
            className="slide-key",
        )
    elif view.figure is not None:
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
    caption: list[Component | str] = (
        [] if title == headline else [html.Span(title, className="slide-chart-title"), " · "]
    )
    note = saved.note if saved and saved.note else ""
    body: list[Component | None] = [
        html.Header(
            [
                html.H1(headline, className=_title_size(headline)),
                html.P(
                    [*caption, html.Span(_("Selection", lang) + ": ", className="fw-semibold"), str(selection)],
                    className="slide-selection",
                ),
            ]
        ),
        html.Div(
            [
                html.Div(main, className="slide-main"),
                html.Aside(note, className=_note_size(note), **aria(label=_("Note", lang))) if note else None,
            ],
            className="slide-body" + (" slide-body-noted" if note else ""),
        ),
        html.P([source, " ", html.Strong(view.synthetic)] if view.synthetic else [source], className="slide-source"),
    ]
    return _frame(body, deck, number, pathname, search, lang)


def _deck(token: str) -> DeckInfo:
    """The deck as the viewer may see it: a view of a survey they may not see is no slide for them."""
    with session_scope() as session:
        return shown_deck(session, token)


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
    shown = [b for b in body if b is not None]
    source = [b for b in shown if getattr(b, "className", None) == "slide-source"]
    footer = html.Footer([*source, controls], className="slide-footer")
    return html.Div([*[b for b in shown if b not in source], footer], className="slide", id=SLIDE)


def _step(component_id: str, arrow: str, label: str, href: str | None):
    """A step button: a link (client-side, so the slide changes without reloading), or a disabled stub."""
    content = [html.Span(arrow, **aria(hidden="true")), html.Span(label, className="visually-hidden")]
    if href is None:
        return html.Span(
            content, id=component_id, className="btn btn-outline-secondary disabled", **aria(disabled="true")
        )
    return dcc.Link(content, id=component_id, href=href, className="btn btn-dark", title=label)
