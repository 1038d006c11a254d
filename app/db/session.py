"""One engine per process (pool pre-ping) and short-lived sessions.

Nothing here connects at import: ``get_engine()`` is called by the first command or request
that needs the database.

The web app configures its engine with a ``statement_timeout`` (``FJERNARBEID_STATEMENT_TIMEOUT_MS``),
so one slow query cannot hold a worker; commands (import, seed, db) configure theirs without one.
A cancelled statement raises ``QueryTimeout`` in both.

**Reads on a replica.** With ``DATABASE_READ_URL`` (a streaming replica of ``DATABASE_URL``) the pages'
queries run on the replica through ``read_scope``; everything else (writes, editing, logins and sessions,
imports, jobs, decks) keeps ``session_scope`` on the primary. A read session is one ``REPEATABLE READ``
transaction: every statement in it, the data version (``app.query.data_version``) too, sees the one
snapshot of what the replica had replayed when it began, so an answer and the version it is remembered
under always belong together, however far the replica lags. Without ``DATABASE_READ_URL``, ``read_scope``
is ``session_scope``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
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
_read_engine: Engine | None = None


def configure(config: Config, *, web: bool = False) -> None:
    """Use ``config`` for the engine created next (tests, commands and the app factory call this).

    Args:
        web: the web app's engine (the app factory passes True): PostgreSQL cancels any statement
            that runs longer than ``config.statement_timeout_ms`` (0: no limit). Commands leave it
            False: an import legitimately runs for minutes.
    """
    global _config, _engine, _statement_timeout_ms, _import_engine, _read_engine
    with _lock:
        for old in (_engine, _import_engine, _read_engine):
            if old is not None:
                old.dispose()
        _config, _engine, _import_engine, _read_engine = config, None, None, None
        _statement_timeout_ms = config.statement_timeout_ms if web else 0


def database_url(config: Config) -> str:
    if config.database_url:
        return to_sqlalchemy_url(config.database_url)
    return embedded_database_url(config.data_dir)


def get_engine() -> Engine:
    """The primary's engine (``DATABASE_URL``): every write, and every read that is not a page's."""
    global _engine
    with _lock:
        if _engine is None:
            config = _config or Config.from_env()
            _engine = _web_engine(database_url(config), config)
        return _engine


def reads_on_replica() -> bool:
    """True when ``DATABASE_READ_URL`` sends the pages' queries to a replica."""
    return bool((_config or Config.from_env()).database_read_url)


def get_read_engine() -> Engine:
    """The engine of the pages' queries: the replica's (``DATABASE_READ_URL``), each transaction
    ``REPEATABLE READ``; without a replica, the primary's ``get_engine()``."""
    global _read_engine
    config = _config or Config.from_env()
    if not config.database_read_url:
        return get_engine()
    with _lock:
        if _read_engine is None:
            _read_engine = _web_engine(
                to_sqlalchemy_url(config.database_read_url), config, isolation_level="REPEATABLE READ"
            )
        return _read_engine


def _web_engine(url: str, config: Config, **options) -> Engine:
    connect_args: dict = {"connect_timeout": config.connect_timeout, "prepare_threshold": None}
    if _statement_timeout_ms > 0:
        # set at connection start (no extra round trip per request); kept with options
        # the URL may already carry, such as a search_path
        url_options = make_url(url).query.get("options")
        url_options = " ".join(url_options) if isinstance(url_options, tuple) else url_options
        timeout = f"-c statement_timeout={_statement_timeout_ms}"
        connect_args["options"] = f"{url_options} {timeout}" if url_options else timeout
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        # prepare_threshold=None: no server-side prepared statements, so PostgreSQL plans
        # each aggregate for its actual question ids instead of switching to a generic
        # plan after five runs (measured 2-3x slower at 100 000 respondents).
        connect_args=connect_args,
        **options,
    )


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session on the primary for one command or request: commit on success, roll back on error.

    Raises:
        DatabaseUnavailable: the server could not be reached.
        QueryTimeout: the server cancelled a statement (``statement_timeout``, or an operator).
    """
    with _scope(get_engine) as session:
        yield session


@contextmanager
def read_scope() -> Iterator[Session]:
    """A session for a page's queries: on the replica when ``DATABASE_READ_URL`` is set (one ``REPEATABLE
    READ`` transaction, read only: the replica refuses writes), else exactly ``session_scope()``.

    Raises:
        DatabaseUnavailable: the server could not be reached.
        QueryTimeout: the server cancelled a statement (``statement_timeout``, or an operator).
    """
    with _scope(get_read_engine, "DATABASE_READ_URL" if reads_on_replica() else "DATABASE_URL") as session:
        yield session


@contextmanager
def _scope(engine: Callable[[], Engine], setting: str = "DATABASE_URL") -> Iterator[Session]:
    """``setting``: the one to check when the server cannot be reached (in the message for the log)."""
    try:
        session = sessionmaker(bind=engine(), expire_on_commit=False)()
    except OperationalError as exc:
        raise DatabaseUnavailable(_describe(exc, setting)) from exc
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        if isinstance(exc.orig, psycopg.errors.QueryCanceled):
            raise QueryTimeout(_describe_cancel(exc)) from exc
        if isinstance(exc.orig, psycopg.errors.SerializationFailure):  # a replica's conflict with recovery
            raise QueryTimeout(_describe_cancel(exc)) from exc
        raise DatabaseUnavailable(_describe(exc, setting)) from exc
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
    """Run ``SELECT 1`` on the primary and, with ``DATABASE_READ_URL``, on the replica the pages read from;
    raise DatabaseUnavailable naming the setting of the one that does not answer (a load balancer asking
    ``/health`` must notice a replica that is down: every page reads from it)."""
    engines = [(get_engine(), "DATABASE_URL")]
    if reads_on_replica():
        engines.append((get_read_engine(), "DATABASE_READ_URL"))
    for engine, setting in engines:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except OperationalError as exc:
            raise DatabaseUnavailable(_describe(exc, setting)) from exc


def _describe(exc: OperationalError, setting: str = "DATABASE_URL") -> str:
    first_line = str(exc.orig or exc).strip().splitlines()[0] if str(exc.orig or exc).strip() else "no answer"
    return f"The database cannot be reached ({first_line}). Check {setting} or that PostgreSQL is running."


def _describe_cancel(exc: OperationalError) -> str:
    reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "canceling statement"
    limit = (
        f" (the limit is {_statement_timeout_ms} ms, FJERNARBEID_STATEMENT_TIMEOUT_MS)" if _statement_timeout_ms else ""
    )
    return f"The database cancelled a query: {reason}{limit}."
