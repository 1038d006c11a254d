"""One engine per process (pool pre-ping) and short-lived sessions.

Nothing here connects at import: ``get_engine()`` is called by the first command or request
that needs the database.

The web app configures its engine with a ``statement_timeout`` (``FJERNARBEID_STATEMENT_TIMEOUT_MS``),
so one slow query cannot hold a worker; commands (import, seed, db) configure theirs without one.
A cancelled statement raises ``QueryTimeout`` in both.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg.errors
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.config import Config
from app.db.embedded import embedded_database_url, to_sqlalchemy_url
from app.errors import DatabaseUnavailable, QueryTimeout

_lock = threading.Lock()
_engine: Engine | None = None
_config: Config | None = None
_statement_timeout_ms = 0


def configure(config: Config, *, web: bool = False) -> None:
    """Use ``config`` for the engine created next (tests, commands and the app factory call this).

    Args:
        web: the web app's engine (the app factory passes True): PostgreSQL cancels any statement
            that runs longer than ``config.statement_timeout_ms`` (0: no limit). Commands leave it
            False: an import legitimately runs for minutes.
    """
    global _config, _engine, _statement_timeout_ms, _import_engine
    with _lock:
        if _engine is not None:
            _engine.dispose()
        if _import_engine is not None:
            _import_engine.dispose()
        _config, _engine, _import_engine = config, None, None
        _statement_timeout_ms = config.statement_timeout_ms if web else 0


def database_url(config: Config) -> str:
    if config.database_url:
        return to_sqlalchemy_url(config.database_url)
    return embedded_database_url(config.data_dir)


def get_engine() -> Engine:
    global _engine
    with _lock:
        if _engine is None:
            config = _config or Config.from_env()
            url = database_url(config)
            connect_args: dict = {"connect_timeout": config.connect_timeout, "prepare_threshold": None}
            if _statement_timeout_ms > 0:
                # set at connection start (no extra round trip per request); kept with options
                # the URL may already carry, such as a search_path
                options = make_url(url).query.get("options")
                options = " ".join(options) if isinstance(options, tuple) else options
                timeout = f"-c statement_timeout={_statement_timeout_ms}"
                connect_args["options"] = f"{options} {timeout}" if options else timeout
            _engine = create_engine(
                url,
                pool_pre_ping=True,
                pool_size=5,
                max_overflow=5,
                # prepare_threshold=None: no server-side prepared statements, so PostgreSQL plans
                # each aggregate for its actual question ids instead of switching to a generic
                # plan after five runs (measured 2-3x slower at 100 000 respondents).
                connect_args=connect_args,
            )
        return _engine


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session for one command or request: commit on success, roll back on error.

    Raises:
        DatabaseUnavailable: the server could not be reached.
        QueryTimeout: the server cancelled a statement (``statement_timeout``, or an operator).
    """
    try:
        session = sessionmaker(bind=get_engine(), expire_on_commit=False)()
    except OperationalError as exc:
        raise DatabaseUnavailable(_describe(exc)) from exc
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        if isinstance(exc.orig, psycopg.errors.QueryCanceled):
            raise QueryTimeout(_describe_cancel(exc)) from exc
        raise DatabaseUnavailable(_describe(exc)) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


_import_engine: Engine | None = None


def get_import_engine() -> Engine:
    """The engine of imports started in the web app: ``FJERNARBEID_IMPORT_DATABASE_URL`` (the owner's
    rights, when the web server's own role may not write survey tables) or the usual database, and
    never the web requests' statement timeout (an import may run for minutes)."""
    global _import_engine
    with _lock:
        if _import_engine is None:
            config = _config or Config.from_env()
            url = to_sqlalchemy_url(config.import_database_url) if config.import_database_url else database_url(config)
            _import_engine = create_engine(
                url, pool_pre_ping=True, pool_size=1, max_overflow=1,
                connect_args={"connect_timeout": config.connect_timeout, "prepare_threshold": None},
            )  # fmt: skip
        return _import_engine


@contextmanager
def import_scope(trial: bool = False) -> Iterator[Session]:
    """A session for an import from the web: committed on success, or always rolled back when ``trial``
    (an import tried for its report and preview)."""
    session = sessionmaker(bind=get_import_engine(), expire_on_commit=False)()
    try:
        yield session
        if trial:
            session.rollback()
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def check_database() -> None:
    """Run ``SELECT 1``; raise DatabaseUnavailable when the server does not answer."""
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        raise DatabaseUnavailable(_describe(exc)) from exc


def _describe(exc: OperationalError) -> str:
    first_line = str(exc.orig or exc).strip().splitlines()[0] if str(exc.orig or exc).strip() else "no answer"
    return f"The database cannot be reached ({first_line}). Check DATABASE_URL or that PostgreSQL is running."


def _describe_cancel(exc: OperationalError) -> str:
    reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "canceling statement"
    limit = (
        f" (the limit is {_statement_timeout_ms} ms, FJERNARBEID_STATEMENT_TIMEOUT_MS)" if _statement_timeout_ms else ""
    )
    return f"The database cancelled a query: {reason}{limit}."
