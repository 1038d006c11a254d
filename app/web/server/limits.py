"""How large a request body may be, decided before anything reads it.

Every body is limited to ``FJERNARBEID_MAX_REQUEST_KB`` (also Flask's ``MAX_CONTENT_LENGTH``): a
``Content-Length`` above it is answered 413 by the first hook of the request, before the login, the
CSRF check, the response cache or Dash look at the body, and a chunked body without one is read by
that hook up to the limit and answered 413 as soon as it passes it (for everyone: browsers send
uploads with a length).

Only the callbacks that carry files a browser uploads (those with a ``dcc.Upload``'s ``contents`` as
input or state: the import page's) may send more, up to ``UPLOAD_REQUEST_BYTES``, and only for a
logged-in admin: the role is read from the session before a byte of the body is, and the body is then
parsed only to check that it is one of those callbacks.
"""

from __future__ import annotations

import io

import dash
from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from app.config import Config
from app.web.server import auth

UPLOAD_REQUEST_BYTES = 160 * 1024 * 1024  # three uploads of 50 MB, base64-encoded, in one callback
UPLOAD_PROPERTY = "contents"  # dcc.Upload's file, as a data: URL
UPLOAD_ROLE = "admin"


def upload_callbacks(app: dash.Dash) -> frozenset[str]:
    """The callbacks (their ``output`` keys, as Dash's requests name them) that receive uploaded files."""
    return frozenset(
        key
        for key, entry in app.callback_map.items()
        if any(item.get("property") == UPLOAD_PROPERTY for item in (*entry["inputs"], *entry["state"]))
    )


def install(app: dash.Dash, config: Config) -> None:
    server = app.server
    limit = config.max_request_kb * 1024
    server.config["MAX_CONTENT_LENGTH"] = limit
    dispatch = app.config.routes_pathname_prefix + "_dash-update-component"
    uploads: list[frozenset[str]] = []  # found on the first large request: every callback is registered by then

    def _limit_body() -> None:
        length = request.content_length
        if length is None:
            if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
                _read_chunked(limit)
            return
        if length <= limit:
            return
        if request.path != dispatch or length > UPLOAD_REQUEST_BYTES:
            raise RequestEntityTooLarge()
        who = auth.account()  # from the session cookie alone
        if who is None or not who.national(UPLOAD_ROLE):
            raise RequestEntityTooLarge()
        request.max_content_length = UPLOAD_REQUEST_BYTES
        if not uploads:
            uploads.append(upload_callbacks(app))
        body = request.get_json(silent=True)
        output = body.get("output") if isinstance(body, dict) else None
        if not isinstance(output, str) or output not in uploads[0]:
            raise RequestEntityTooLarge()

    server.before_request_funcs.setdefault(None, []).insert(0, _limit_body)  # before every other hook


def _read_chunked(limit: int) -> None:
    """Read a body sent without ``Content-Length`` (chunked), at most ``limit`` bytes and one more: 413 if
    it is longer, else the request reads it from memory. (Werkzeug's own limit on such a stream stops at
    the limit without an error, and the truncated body would be answered as malformed.)"""
    stream, body = request.environ["wsgi.input"], bytearray()
    while len(body) <= limit:
        data = stream.read(limit + 1 - len(body))
        if not data:
            break
        body += data
    if len(body) > limit:
        raise RequestEntityTooLarge()
    request.environ["wsgi.input"] = io.BytesIO(bytes(body))
    request.environ["wsgi.input_terminated"] = True
