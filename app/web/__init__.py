"""Dash app factory. Pages live in ``app/web/pages`` (one module each, see its registry)."""

from __future__ import annotations

import logging

import dash

from app import resources
from app.config import Config
from app.db import session as db_session
from app.web import shell
from app.web.kit import page_state
from app.web.kit import site as web_site
from app.web.pages import site
from app.web.server import auth, callback_guard, delivery, health, jobs, limits, response_cache, security
from app.web.views import export, handouts

log = logging.getLogger(__name__)

ASSETS_DIR = resources.assets_dir()


def create_app(config: Config | None = None, dev_tools: bool = False) -> dash.Dash:
    """Build the Dash app (and its Flask server) without touching the database.

    Args:
        config: settings to use; read from the environment when omitted.
        dev_tools: for ``app.run(debug=True)`` (``fjernarbeid serve --debug``): Dash adds its error handler
            when it starts, which Flask refuses once the app has answered a request, so the app is not
            warmed up here (one process, no race to avoid).
    """
    config = config or Config.from_env()
    db_session.configure(config, web=True)  # the statement_timeout of web requests

    app = dash.Dash(
        __name__,
        assets_folder=str(ASSETS_DIR),
        serve_locally=True,
        suppress_callback_exceptions=True,
        title="Fjernarbeid",
        update_title=None,  # type: ignore[arg-type]  # Dash documents None (no title while updating); its stub says str
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.server.config["SECRET_KEY"] = config.resolved_secret_key()
    app.server.config["FJERNARBEID"] = config
    app.index_string = app.index_string.replace("<html>", f'<html lang="{config.language}">')
    pages = site()
    web_site.install(app.server, pages)  # first: the shell's navigation lists the pages
    with app.server.app_context():
        app.layout = shell.layout(config.language)
    shell.register_callbacks(app, config.language)
    for page in pages:
        if page.register_callbacks is not None:  # a page with controls the state cannot describe alone
            page.register_callbacks(app)
        else:
            page_state.register(app, page)
        for kind, work in page.jobs.items():
            jobs.add_runner(kind, work)
    jobs.add_runner("handout", handouts.run)
    auth.install(app.server, config)  # before the response cache: who may read comes first
    limits.install(app, config)  # its hook runs first of all: no body is read before its size is known
    callback_guard.install(app)  # wrong types in a callback request: 400, not 500
    security.install(app, config)
    health.register(app.server)
    export.register(app.server)
    handouts.register(app.server)  # /deck/<token>.pdf: built by the job queue, not in the request
    shell.register_not_found(app)
    delivery.install(app)  # before the response cache, which must see uncompressed answers
    response_cache.install(
        app.server, app.config.routes_pathname_prefix, config.cache_mb * 1024 * 1024, config.data_dir / "response-cache"
    )
    if not dev_tools:
        _finish_setup(app)
    return app


def _finish_setup(app: dash.Dash) -> None:
    """Let Dash finish its one-time setup now, in one thread.

    Dash does it lazily on the first request and marks it done before its script paths are
    registered, so concurrent first requests to a threaded worker can get a 500 for a script.
    Serving the index once here (no database involved) removes that race.
    """
    app.server.test_client().get("/")
