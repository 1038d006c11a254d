"""Test session: one real PostgreSQL server for the whole run.

With ``TEST_DATABASE_URL`` (a role allowed to CREATE DATABASE) that server is used; otherwise
an embedded cluster is started in a temporary directory and stopped at the end. Each test
gets a migrated, seeded database and runs inside a transaction rolled back afterwards.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from app.config import Config
from app.db import migrate
from app.db import session as db_session
from app.db.embedded import embedded_database_url, to_sqlalchemy_url
from tests.servers import start_gunicorn, stop, wait_until_healthy


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        metavar="DIR",
        default=None,
        help="browser tests save the README's screenshots into DIR (`python -m tools.screenshots` passes "
        "docs/screenshots); without it they save none, and a test run leaves the working tree as it was",
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    """mypy takes a minute: when its test is selected, it starts now, beside the other tests."""
    from tests import test_tooling

    if not session.config.option.collectonly and any(i.nodeid == test_tooling.MYPY_TEST for i in session.items):
        test_tooling.start_mypy()


def pytest_sessionfinish(session: pytest.Session) -> None:
    from tests import test_tooling

    test_tooling.stop_mypy()


class PostgresServerForTests:
    """Creates and drops throw-away databases on one server."""

    def __init__(self, admin_url: str):
        self.admin_url = to_sqlalchemy_url(admin_url)

    def url_for(self, database: str) -> str:
        return make_url(self.admin_url).set(database=database).render_as_string(hide_password=False)

    def _libpq(self, url: str) -> str:
        return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

    def create_database(self, prefix: str = "fjt") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self._libpq(self.admin_url), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url_for(name)

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        with psycopg.connect(self._libpq(self.admin_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory) -> PostgresServerForTests:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        data_dir = Path(tmp_path_factory.mktemp("embedded-pg"))
        data_dir.chmod(0o755)
        url = embedded_database_url(data_dir, "postgres")
    return PostgresServerForTests(url)


@pytest.fixture(scope="session")
def database_url(pg_server) -> Iterator[str]:
    """A database migrated to head and seeded once for the session."""
    from app.ingest.seed import seed_all

    url = pg_server.create_database("fjt_main")
    engine = create_engine(url)
    migrate.upgrade(engine)
    with Session(engine) as session:
        seed_all(session)
        session.commit()
    engine.dispose()
    yield url
    pg_server.drop_database(url)


@pytest.fixture(scope="session")
def engine(database_url) -> Iterator[Engine]:
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test (savepoints inside)."""
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    yield session
    session.close()
    transaction.rollback()
    connection.close()


@pytest.fixture
def web_engine(engine, database_url):
    """An engine connected as a fresh role with the web server's rights (``fjernarbeid db grant-web``), dropped
    afterwards: what the web app may and may not write, tried for real."""
    from sqlalchemy import text

    from app.db.roles import grant_web_role

    role = f"web_{secrets.token_hex(3)}"
    with engine.begin() as connection:
        connection.execute(text(f"CREATE ROLE {role} LOGIN"))
    grant_web_role(engine, role)
    web = create_engine(make_url(database_url).set(username=role))
    yield web
    web.dispose()
    with engine.begin() as connection:
        connection.execute(text(f"DROP OWNED BY {role}"))
        connection.execute(text(f"DROP ROLE {role}"))


@pytest.fixture
def empty_database_url(pg_server) -> Iterator[str]:
    url = pg_server.create_database("fjt_empty")
    yield url
    pg_server.drop_database(url)


@pytest.fixture
def app_config(database_url, tmp_path) -> Config:
    return Config(database_url=database_url, data_dir=tmp_path, secret_key="test-secret")


@pytest.fixture(scope="session")
def session_app(database_url, tmp_path_factory):
    """The app on the test database with the default settings, built once for the session. Tests ask for
    ``app``, fixtures of a module for ``module_app``: both make it the current app first (below)."""
    from app.web import create_app

    return create_app(Config(database_url=database_url, data_dir=tmp_path_factory.mktemp("app"), secret_key="t"))


def _current(app):
    """``app``, with the process's database engine pointed at its settings again: building an app does that
    (``db_session.configure``), so another app built since (``make_app``, a test's own) is undone here."""
    config = app.server.config["FJERNARBEID"]
    if db_session._config is not config or db_session._statement_timeout_ms != config.statement_timeout_ms:
        db_session.configure(config, web=True)
    return app


@pytest.fixture
def app(session_app):
    """The session's app (default settings), current for this test."""
    return _current(session_app)


@pytest.fixture(scope="module")
def module_app(session_app):
    """The session's app for a module-scoped fixture that computes something once from it."""
    return _current(session_app)


@pytest.fixture
def make_app(app_config) -> Iterator[Callable[..., object]]:
    """A new app of the test's own, on its own data directory (empty response cache and uploads), with
    settings changed from ``app_config``: ``make_app(max_request_kb=1)``."""
    from app.web import create_app

    def make(**changes):
        return create_app(dataclasses.replace(app_config, **changes))

    yield make
    db_session.configure(app_config)


@pytest.fixture
def client(make_app):
    """A test client of a new app of the test's own (nothing cached by an earlier test)."""
    return make_app().server.test_client()


@pytest.fixture(scope="session")
def live_env(database_url, tmp_path_factory) -> dict[str, str]:
    """The environment of the session's gunicorn server and of a job worker beside it: one database, one data
    directory."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "live-server-" + secrets.token_urlsafe(24),
        "FJERNARBEID_DATA_DIR": str(tmp_path_factory.mktemp("live")),
        "FJERNARBEID_LANGUAGE": "nb",
    }


@pytest.fixture(scope="session")
def live_server(live_env, tmp_path_factory) -> Iterator[str]:
    """One gunicorn server with the default settings on the test database for the whole session (the browser
    tests and the tests of the production path); its address."""
    log_path = tmp_path_factory.mktemp("live-log") / "gunicorn.log"
    with log_path.open("w") as log:
        proc, url = start_gunicorn(
            ["--workers", "2", "--threads", "4", "--timeout", "60", "app.wsgi:server"], live_env, output=log
        )
    wait_until_healthy(proc, url, log=log_path)
    yield url
    stop(proc)
