"""How responses travel: compressed when the browser accepts it, and cacheable where the URL allows.

- **Compression** (flask-compress): the index page, Dash's JSON (layout, dependencies, callback
  answers, including those the response cache replays), scripts and stylesheets are sent brotli-
  or gzip-compressed when the request's ``Accept-Encoding`` allows it, with ``Vary:
  Accept-Encoding``. Scripts and stylesheets are compressed once per process and kept (only the
  app's own files, so the memory is bounded); everything else is compressed per response.
- **Browser caching**: a URL whose address changes with its content — Dash's fingerprinted
  component scripts (``…/dash_renderer.v4_4_1m1796111073.min.js``) and ``assets/`` files with
  the ``?m=<modification time>`` Dash puts in the page — is cached for a year (``immutable``).
  Everything else a browser may keep must be revalidated (``no-cache``): Dash's unfingerprinted
  scripts (plotly's bundle, lazily loaded chunks) carry an ``ETag``, ``assets/`` files an ``ETag``
  and ``Last-Modified``, so an unchanged file costs a 304; the index, layout and dependencies
  are fetched again.

The response cache (``response_cache``) keeps uncompressed answers, so one cached answer serves
clients with and without compression: its hook runs before compression because it is
registered after it (Flask runs ``after_request`` hooks in reverse order).
"""

from __future__ import annotations

import os
import threading
import uuid

import dash
from dash.fingerprint import check_fingerprint
from flask import Flask, Request, Response, request
from flask_compress import Compress
from werkzeug.security import safe_join

ONE_YEAR = 365 * 24 * 3600
SUITE_ARGS = {"package_name", "fingerprinted_path"}  # Dash's route for component scripts
ASSETS_ENDPOINT = "_dash_assets.static"
_NOT_KEPT = "not-kept:"


class CompressedFiles:
    """flask-compress's cache backend: compressed scripts and stylesheets, per file and algorithm.

    Keys come from ``_file_key``: one per file the app serves (not per URL, so made-up
    fingerprints add nothing), or a unique key marked not-kept for any other response.
    """

    max_entries = 512  # far more than the app's files × 2 algorithms; a bound, not a budget

    def __init__(self) -> None:
        self._bodies: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        return None if _NOT_KEPT in key else self._bodies.get(key)

    def set(self, key: str, value: bytes) -> None:
        if _NOT_KEPT in key:
            return
        with self._lock:
            while len(self._bodies) >= self.max_entries:
                self._bodies.pop(next(iter(self._bodies)))
            self._bodies[key] = value


def install(app: dash.Dash) -> None:
    """Compress responses and set their Cache-Control; call before ``response_cache.install``."""
    server: Flask = app.server
    assets_folder = app.config.assets_folder
    server.config.update(
        COMPRESS_ALGORITHM=["br", "gzip"],  # br where accepted (every current browser), else gzip
        COMPRESS_BR_LEVEL=5,  # plotly.min.js: 4.8 MB → 1.29 MB in 86 ms, once per process
        COMPRESS_LEVEL=6,
        COMPRESS_MIN_SIZE=500,
        COMPRESS_STREAMS=False,  # assets are read whole below; nothing else is streamed
        COMPRESS_CACHE_BACKEND=CompressedFiles,
        COMPRESS_CACHE_KEY=lambda req: _file_key(req, assets_folder),
    )
    server.extensions["compress"] = Compress(server)

    @server.after_request
    def cache_headers(response: Response) -> Response:  # runs before compression (registered after it)
        if request.method not in ("GET", "HEAD"):
            return response
        kind = _kind(request)
        control = response.cache_control
        if kind == "suite":
            if response.status_code == 200 and control.max_age:  # Dash: fingerprinted URL, one year
                control.public, control.immutable = True, True
            else:
                control.no_cache = True  # revalidated with Dash's ETag
        elif kind == "asset":
            if response.status_code == 200 and response.is_streamed:
                response.direct_passthrough = False
                response.make_sequence()  # a file of a few kB: compressed whole, and kept
            if _asset_is_current(request, assets_folder):
                control.no_cache = None
                control.public, control.max_age, control.immutable = True, ONE_YEAR, True
        elif kind == "favicon":
            if request.args.get("v") == dash.__version__:
                control.public, control.max_age, control.immutable = True, ONE_YEAR, True
        elif response.mimetype in ("text/html", "application/json") and not control:
            control.no_cache = True  # index, layout, dependencies: fetched again, never stale
        return response


def _kind(req: Request) -> str | None:
    if req.endpoint == ASSETS_ENDPOINT:
        return "asset"
    if req.view_args and SUITE_ARGS <= req.view_args.keys():
        return "suite"
    if req.path.endswith("/_favicon.ico"):
        return "favicon"
    return None


def _asset_path(req: Request, assets_folder: str) -> str | None:
    filename = (req.view_args or {}).get("filename")
    return safe_join(assets_folder, filename) if filename else None


def _asset_is_current(req: Request, assets_folder: str) -> bool:
    """True for the URL Dash writes into the page (``?m=`` its modification time) while the file is unchanged."""
    path, stamp = _asset_path(req, assets_folder), req.args.get("m")
    try:
        return path is not None and stamp is not None and float(stamp) == os.path.getmtime(path)
    except (OSError, ValueError):
        return False


def _file_key(req: Request, assets_folder: str) -> str:
    """The key under which a compressed script or stylesheet is kept: the file itself, not the URL."""
    kind, args = _kind(req), req.view_args or {}
    if kind == "suite" and req.method in ("GET", "HEAD"):
        path_in_package, _ = check_fingerprint(args["fingerprinted_path"])
        return f"suite:{args['package_name']}/{path_in_package}"
    if kind == "asset" and req.method in ("GET", "HEAD") and "Range" not in req.headers:
        path = _asset_path(req, assets_folder)
        try:
            stat = os.stat(path) if path else None
        except OSError:
            stat = None
        if stat is not None:
            return f"asset:{path}:{stat.st_mtime_ns}:{stat.st_size}"
    return _NOT_KEPT + uuid.uuid4().hex
