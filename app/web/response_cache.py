"""Answers to Dash callback requests, remembered per data version.

A page's callbacks are pure functions of their inputs and the database, and the database only
changes by imports and seeding. So an identical callback request (same body: same page, filters
and language) gets the identical answer until the data version changes, and a council meeting
where twenty people open the same view computes it once. Answers to failed renders (the
friendly error messages) are never kept, and when the data version cannot be read (database
down) requests bypass the cache.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict

from flask import Flask, Response, g, has_request_context, request

from app.db.session import session_scope
from app.query.data_version import data_version

log = logging.getLogger(__name__)

CALLBACK_ROUTE = "_dash-update-component"


class ResponseCache:
    """Least-recently-used bytes, bounded by their total size."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def put(self, key: tuple, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self._size -= len(old) if old is not None else 0
            self._items[key] = body
            self._size += len(body)
            while self._size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)
            # entries of older data versions can never be asked for again
            version = key[0]
            for stale in [k for k in self._items if k[0] != version]:
                self._size -= len(self._items.pop(stale))


def do_not_cache_this_response() -> None:
    """Called by a callback whose answer must not be reused (it shows an error)."""
    if has_request_context():
        g.fjernarbeid_no_cache = True


def install(server: Flask, routes_prefix: str, max_bytes: int) -> ResponseCache | None:
    if max_bytes <= 0:
        return None
    cache = ResponseCache(max_bytes)
    path = routes_prefix + CALLBACK_ROUTE

    @server.before_request
    def serve_remembered():
        if request.method != "POST" or request.path != path:
            return None
        try:
            with session_scope() as session:
                version = data_version(session)
        except Exception:  # noqa: BLE001 - database down: compute, so the page shows why
            log.debug("data version unavailable; callback not cached", exc_info=True)
            return None
        g.fjernarbeid_cache_key = (version, hashlib.sha256(request.get_data()).digest())
        body = cache.get(g.fjernarbeid_cache_key)
        if body is None:
            return None
        return Response(body, mimetype="application/json", headers={"X-Fjernarbeid-Cache": "hit"})

    @server.after_request
    def remember(response: Response) -> Response:
        key = g.pop("fjernarbeid_cache_key", None)
        if (key is not None and response.status_code == 200 and not g.get("fjernarbeid_no_cache")
                and response.headers.get("X-Fjernarbeid-Cache") != "hit"):
            cache.put(key, response.get_data())
            response.headers["X-Fjernarbeid-Cache"] = "miss"
        return response

    return cache
