"""Pieces shared by pages: language resolution, the synthetic-data label, friendly errors."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

import dash_bootstrap_components as dbc
from dash import html
from flask import current_app, has_app_context

from app.config import LANGUAGES
from app.errors import DatabaseUnavailable, QueryTimeout
from app.language import gettext as _
from app.language import pick
from app.query.metadata import QueryError
from app.web.server.response_cache import do_not_cache_this_response

if TYPE_CHECKING:
    from dash import dcc

log = logging.getLogger(__name__)


def aria(**attributes: str) -> dict[str, Any]:
    """ARIA attributes as keyword arguments for a Dash component: ``html.Nav(..., **aria(label="Meny"))``
    gives ``aria-label="Meny"`` (Python names cannot hold the hyphen)."""
    return {f"aria-{name}": value for name, value in attributes.items()}


def default_language() -> str:
    if has_app_context():
        config = current_app.config.get("FJERNARBEID")
        if config is not None:
            return config.language
    return "nb"


def page_language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else default_language()


def synthetic_label(note: dict[str, str] | None, lang: str) -> html.Div:
    """The label every view of synthetic data carries."""
    return html.Div(
        [html.Strong(_("Synthetic data", lang) + ": "), pick(note, lang)],
        className="alert alert-warning synthetic-label",
        role="note",
    )


def _alert(title: str, body: str, color: str, class_name: str) -> dbc.Alert:
    return dbc.Alert(
        [html.H2(title, className="h5"), html.P(body, className="mb-0")], color=color, className=class_name
    )


def render_failed(lang: str) -> dbc.Alert:
    return dbc.Alert(
        _("Something went wrong while drawing this view. The error has been logged.", lang),
        color="danger",
        className="render-failed",
    )


def error_message(error: Exception, lang: str) -> dbc.Alert:
    """The message for a failed render: each kind of failure says what it is, and "the database does
    not answer" only when it does not. The details go to the log, never to the page."""
    if isinstance(error, DatabaseUnavailable):
        log.warning("database unavailable: %s", error)
        return _alert(
            _("The data are not available right now", lang),
            _(
                "The database does not answer. Try again in a moment; the page recovers "
                "by itself when the database is back.",
                lang,
            ),
            "danger",
            "database-error",
        )
    if isinstance(error, QueryError):  # a view the chosen survey cannot answer
        log.warning("view cannot be computed: %s", error)
        return _alert(
            _("This view cannot be computed", lang),
            _(
                "The chosen survey does not have what these settings ask for (a question, a breakdown or an "
                "answer code). Choose other settings, or go back to the page's defaults.",
                lang,
            ),
            "warning",
            "query-error",
        )
    if isinstance(error, QueryTimeout):
        log.warning("view stopped by the statement timeout: %s", error)
        return _alert(
            _("This view took too long", lang),
            _(
                "Computing it was stopped so that the dashboard stays quick for everyone. Try fewer filters, "
                "or try again in a moment.",
                lang,
            ),
            "warning",
            "query-timeout",
        )
    log.error("error while rendering a view", exc_info=error)
    return render_failed(lang)


def friendly(render: Callable) -> Callable:
    """Wrap a layout (called as ``layout(lang, search)``) so the user sees a message, never a traceback."""

    @wraps(render)
    def wrapper(*args, **kwargs):
        lang = page_language(args[0] if args else kwargs.get("lang"))
        try:
            return render(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - shown as a message, logged with its details
            do_not_cache_this_response()
            return error_message(error, lang)

    return wrapper


MAX_NOTICES = 5  # ignored parameters named in the notice; an address can hold thousands


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def notices(ignored: list[tuple[str, str]], lang: str) -> list:
    """Tell the user which address parameters were ignored (bad or stale) instead of failing."""
    if not ignored:
        return []
    shown = [f"{name}={_shorten(value)}" for name, value in ignored[:MAX_NOTICES]]
    items = ", ".join(shown) + (" …" if len(ignored) > MAX_NOTICES else "")
    return [
        dbc.Alert(
            _("Some settings in the address were not recognised and the defaults are shown instead:", lang)
            + f" {items}",
            color="info",
            dismissable=True,
            className="url-notice",
        )
    ]


def labelled_dropdown(lang: str, component_id: str, label: str, options: list[dict], value, **kwargs) -> html.Div:
    """A dropdown with a visible label tied to it (WCAG: every control has a label), its own
    texts ("2 selected", "Search", …) in the page's language."""
    from dash import dcc

    return html.Div(
        [
            html.Label(label, htmlFor=component_id, className="form-label fw-semibold", id=f"{component_id}-label"),
            dcc.Dropdown(
                id=component_id,
                options=options,
                value=value,
                clearable=kwargs.pop("clearable", False),
                labels=dropdown_labels(lang),
                **kwargs,
            ),
        ],
        className="mb-3",
    )


def dropdown_labels(lang: str) -> dcc.Dropdown.Labels:
    return {
        "select_all": _("Select all", lang),
        "deselect_all": _("Deselect all", lang),
        "selected_count": _("{num_selected} selected", lang),
        "search": _("Search", lang),
        "clear_search": _("Clear search", lang),
        "clear_selection": _("Clear selection", lang),
        "no_options_found": _("No options found", lang),
    }


def survey_label(state) -> list:
    """The synthetic-data label for the state's survey (nothing for a real survey)."""
    survey = state.survey_info()
    return [synthetic_label(survey.synthetic_note, state.lang)] if survey is not None and survey.is_synthetic else []


def key_figure_card(title: str, value: str, detail: str, link: tuple[str, str] | None, card_id: str) -> dbc.Card:
    """A headline number with its uncertainty and a link to the page that explains it."""
    from dash import dcc

    body = [
        html.H2(title, className="h6 text-muted mb-1"),
        html.P(value, className="display-6 mb-1 key-figure-value"),
        html.P(detail, className="small mb-2"),
    ]
    if link:
        href, text = link
        body.append(dcc.Link(text, href=href, className="small"))
    return dbc.Card(dbc.CardBody(body), className="h-100 key-figure", id=card_id)


def needs_message(missing: list[str], lang: str, explorer_link: str) -> dbc.Alert:
    """For a page built for particular questions: which of them the chosen survey lacks, and where its own
    questions can be explored instead. Never an error: a council's own survey simply asks other things."""
    from dash import dcc

    return dbc.Alert(
        [
            html.P(
                _(
                    "This page is built on questions of the NORCE questionnaire that the chosen survey does not have: "
                    "{variables}.",
                    lang,
                ).format(variables=", ".join(missing)),
                className="mb-1",
            ),
            html.P(
                [
                    _("Its own questions can be explored, broken down and filtered in the", lang),
                    " ",
                    dcc.Link(_("Survey explorer", lang), href=explorer_link, className="alert-link"),
                    ".",
                ],
                className="mb-0",
            ),
        ],
        color="info",
        className="survey-lacks",
        id="survey-lacks",
    )
