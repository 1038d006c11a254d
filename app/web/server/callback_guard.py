"""A callback request with values of the wrong type is the client's mistake: 400, logged in one line.

The browser's renderer sends each callback the values its components hold: text in an input, a list
of choices, a number of clicks. A hand-made request can send anything instead (a number, a list, an
object or null where a text belongs, or a body that is not a callback request at all). The code that
reads those values then fails with ``TypeError``, ``ValueError``, ``KeyError``, ``AttributeError`` or
``IndexError``, or PostgreSQL refuses the value as a query parameter (a list where a text belongs); this
answers such a failure with 400 instead of 500, and logs one warning line with the error, where it was
raised and which callback was asked, instead of a traceback per request. Every other error (the
database unreachable or too slow, …) is left to the usual handling.
"""

from __future__ import annotations

import functools
import inspect
import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dash
import psycopg
import sqlalchemy.exc
from flask import Response, request

log = logging.getLogger(__name__)

BAD_INPUT = (TypeError, ValueError, KeyError, AttributeError, IndexError, sqlalchemy.exc.DBAPIError)
APP_ROOT = Path(__file__).resolve().parents[1]


def install(app: dash.Dash) -> None:
    """Guard Dash's callback route of ``app`` (registered by then)."""
    server = app.server
    endpoint = app.config.routes_pathname_prefix + "_dash-update-component"  # Dash names it by its path
    view: Callable[..., Any] = server.view_functions[endpoint]

    if inspect.iscoroutinefunction(view):  # Dash's async dispatch (dash[async] installed)

        @functools.wraps(view)
        async def guarded_async(*args: Any, **kwargs: Any) -> Any:
            try:
                return await view(*args, **kwargs)
            except BAD_INPUT as error:
                if not _caused_by_values(error):
                    raise
                return _refuse(error)

        server.view_functions[endpoint] = guarded_async
    else:

        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return view(*args, **kwargs)
            except BAD_INPUT as error:
                if not _caused_by_values(error):
                    raise
                return _refuse(error)

        server.view_functions[endpoint] = guarded


def _caused_by_values(error: BaseException) -> bool:
    """Python's own type and lookup errors; of the database's, those about a value sent as a parameter:
    one PostgreSQL cannot take (``DataError``), cannot compare with the column (no such operator), or
    the driver cannot send (a dict, a list of mixed types)."""
    if not isinstance(error, sqlalchemy.exc.DBAPIError):
        return True
    cause = error.orig
    return (
        isinstance(error, sqlalchemy.exc.DataError)
        or isinstance(cause, psycopg.errors.UndefinedFunction | psycopg.errors.DatatypeMismatch)
        or (type(cause) is psycopg.ProgrammingError and "adapt" in str(cause))
    )


def _refuse(error: BaseException) -> Response:
    body = request.get_json(silent=True)
    output = body.get("output") if isinstance(body, dict) else None
    log.warning(
        "Callback request refused (400): %s: %.200s at %s; output %.120r",
        type(error).__name__,
        " ".join(str(error.orig if isinstance(error, sqlalchemy.exc.DBAPIError) else error).split()),
        _where(error),
        output,
    )
    return Response("Malformed callback request.\n", status=400, mimetype="text/plain")


def _where(error: BaseException) -> str:
    """The innermost frame of the app's own code, else the innermost frame (``file:line``)."""
    frames = traceback.extract_tb(error.__traceback__)
    own = [f for f in frames if f.filename.startswith(str(APP_ROOT))]
    if not (own or frames):
        return "?"
    frame = (own or frames)[-1]
    path = Path(frame.filename)
    shown = path.relative_to(APP_ROOT.parent) if path.is_relative_to(APP_ROOT.parent) else path.name
    return f"{shown}:{frame.lineno}"
