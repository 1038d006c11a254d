"""Test session: one real PostgreSQL server for the whole run.

With ``TEST_DATABASE_URL`` (a role allowed to CREATE DATABASE) that server is used; otherwise
an embedded cluster is started in a temporary directory and stopped at the end. Each test
gets a migrated, seeded database and runs inside a transaction rolled back afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
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
def empty_database_url(pg_server) -> Iterator[str]:
    url = pg_server.create_database("fjt_empty")
    yield url
    pg_server.drop_database(url)


@pytest.fixture
def app_config(database_url, tmp_path) -> Config:
    return Config(database_url=database_url, data_dir=tmp_path, secret_key="test-secret")


@pytest.fixture
def client(app_config):
    from app.web import create_app

    app = create_app(app_config)
    yield app.server.test_client()
    db_session.configure(app_config)
