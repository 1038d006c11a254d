"""Pieces shared by pages: language resolution, the synthetic-data label, friendly errors."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

import dash_bootstrap_components as dbc
from dash import html
from flask import current_app, has_app_context

from app.config import LANGUAGES
from app.errors import FjernarbeidError
from app.web.i18n import gettext as _
from app.web.i18n import pick

log = logging.getLogger(__name__)


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


def database_error(lang: str) -> dbc.Alert:
    return dbc.Alert(
        [
            html.H2(_("The data are not available right now", lang), className="h5"),
            html.P(_("The database does not answer. Try again in a moment; the page recovers "
                     "by itself when the database is back.", lang), className="mb-0"),
        ],
        color="danger",
        className="database-error",
    )


def friendly(render: Callable) -> Callable:
    """Wrap a layout or callback so the user sees a message, never a traceback."""

    @wraps(render)
    def wrapper(*args, **kwargs):
        lang = page_language(kwargs.get("lang"))
        try:
            return render(*args, **kwargs)
        except FjernarbeidError:
            log.warning("database unavailable while rendering %s", render.__name__, exc_info=True)
            return database_error(lang)
        except Exception:  # noqa: BLE001 - shown as a message, logged with traceback
            log.exception("error while rendering %s", render.__name__)
            return dbc.Alert(_("Something went wrong while drawing this view. The error has been logged.", lang),
                             color="danger")

    return wrapper
