"""Security headers on every response, no server software banner, and which proxies are believed.

Behind ``FJERNARBEID_TRUSTED_PROXIES`` reverse proxies, werkzeug's ``ProxyFix`` takes the client's
address from their ``X-Forwarded-For`` and the scheme from ``X-Forwarded-Proto`` (so ``Secure``
cookies and HSTS follow the browser's HTTPS); with 0, both headers are ignored.

The Content-Security-Policy allows only the app's own origin: scripts from its own files plus
Dash's inline scripts by their hashes (``Dash.csp_hashes``, so no 'unsafe-inline' for scripts);
inline styles, which Plotly and React set on elements; images from the app and ``data:``/``blob:``
URLs (Plotly's own PNG download); nothing may frame the pages unless a deployment names the sites
(``FJERNARBEID_FRAME_ANCESTORS``).
"""

from __future__ import annotations

from collections.abc import Sequence

import dash
from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Config

SERVER_NAME = "fjernarbeid"


def content_security_policy(script_hashes: Sequence[str], frame_ancestors: tuple[str, ...]) -> str:
    ancestors = " ".join(frame_ancestors) or "'none'"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' " + " ".join(script_hashes),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )


def install(app: dash.Dash, config: Config) -> None:
    """Add the headers to every answer (pages, callbacks, assets, exports, errors)."""
    server: Flask = app.server
    policy: list[str] = []  # built on the first answer: Dash knows its inline scripts once set up

    @server.after_request
    def _headers(response: Response) -> Response:
        if not policy:
            policy.append(content_security_policy(app.csp_hashes(), config.frame_ancestors))
        headers = response.headers
        headers["Content-Security-Policy"] = policy[0]
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        if not config.frame_ancestors:
            headers["X-Frame-Options"] = "DENY"
        if request.is_secure:
            headers["Strict-Transport-Security"] = "max-age=31536000"
        headers.pop("Server", None)
        return response

    if config.trusted_proxies:
        server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            server.wsgi_app, x_for=config.trusted_proxies, x_proto=config.trusted_proxies
        )
    hide_server_banner()


def hide_server_banner() -> None:
    """Neither Werkzeug (``fjernarbeid serve``) nor gunicorn says which software and Python answer."""
    from werkzeug.serving import WSGIRequestHandler

    WSGIRequestHandler.version_string = lambda self: SERVER_NAME  # type: ignore[method-assign]
    try:
        import gunicorn.http.wsgi as gunicorn_wsgi
    except ImportError:  # pragma: no cover - gunicorn is a dependency, but the dev server does not need it
        return
    gunicorn_wsgi.SERVER = SERVER_NAME
