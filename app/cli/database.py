"""``fjernarbeid db`` (schema migrations, the web server's role) and ``seed``; ``serve``'s database preparation."""

from __future__ import annotations

import argparse

from app.cli.common import _engine
from app.config import Config


def add_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = subparsers.add_parser("db", help="database schema (Alembic migrations)")
    dbsub = db.add_subparsers(dest="db_command", required=True)
    up = dbsub.add_parser("upgrade", help="migrate to the newest schema (or REVISION)")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=cmd_db_upgrade)
    down = dbsub.add_parser("downgrade", help="migrate down to REVISION (default: base, empty)")
    down.add_argument("revision", nargs="?", default="base")
    down.set_defaults(func=cmd_db_downgrade)
    cur = dbsub.add_parser("current", help="show the current and newest revision")
    cur.set_defaults(func=cmd_db_current)
    grant = dbsub.add_parser("grant-web", help="give the web server's own role its rights (README: Database roles)")
    grant.add_argument("role", help="an existing PostgreSQL role, e.g. fjernarbeid_web")
    grant.set_defaults(func=cmd_db_grant_web)

    seed = subparsers.add_parser("seed", help="load reference and demo data from seed/ (idempotent)")
    seed.set_defaults(func=cmd_seed)


def cmd_db_upgrade(args, config: Config) -> int:
    from app.db import migrate

    engine = _engine(config)
    migrate.upgrade(engine, args.revision)
    print(f"Database schema is at revision {migrate.current_revision(engine)}.")
    return 0


def cmd_db_downgrade(args, config: Config) -> int:
    from app.db import migrate

    engine = _engine(config)
    migrate.downgrade(engine, args.revision)
    print(f"Database schema is at revision {migrate.current_revision(engine) or 'base (empty)'}.")
    return 0


def cmd_db_current(args, config: Config) -> int:
    from app.db import migrate

    engine = _engine(config)
    current, head = migrate.current_revision(engine), migrate.head_revision(engine)
    print(f"current: {current or 'base (empty)'}  head: {head}")
    return 0 if current == head else 1


def cmd_db_grant_web(args, config: Config) -> int:
    from app.db.roles import grant_web_role

    grant_web_role(_engine(config), args.role)
    print(f"Role {args.role!r} may now read every table and write only what the web app edits.")
    return 0


def cmd_seed(args, config: Config) -> int:
    from app.db import migrate
    from app.db.session import session_scope
    from app.ingest.seed import seed_all

    engine = _engine(config)
    migrate.upgrade(engine)
    with session_scope() as session:
        report = seed_all(session)
    for step, n in report.changed.items():
        print(f"  {step}: {n} rows inserted or changed")
    print("Seed complete." if report.total else "Seed complete: nothing changed, the data were already there.")
    return 0


def prepare_database(config: Config) -> None:
    """Migrate an empty (or outdated) database and load the demo data on first run."""
    from app.db import migrate
    from app.db.session import session_scope
    from app.ingest.seed import seed_all

    engine = _engine(config)
    was_empty = migrate.is_empty(engine)
    if migrate.current_revision(engine) != migrate.head_revision(engine):
        print("Migrating the database schema …")
        migrate.upgrade(engine)
    if was_empty and config.auto_seed:
        print("Empty database: loading the demo data from seed/ …")
        with session_scope() as session:
            report = seed_all(session)
        print(f"Loaded {report.total} rows.")
