"""``fjernarbeid export-all`` and ``import-all``: a complete copy of the data and its restore (README: Backup)."""

from __future__ import annotations

import argparse

from app.cli.common import _engine, _user
from app.cli.imports import _run_import
from app.config import Config


def add_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = subparsers.add_parser("export-all", help="a complete, re-importable copy for admins (README: Backup)")
    export.add_argument("directory", help="a new or empty directory")
    export.set_defaults(func=cmd_export_all)
    restore = subparsers.add_parser("import-all", help="restore a copy made by export-all, all or nothing")
    restore.add_argument("directory")
    restore.set_defaults(func=cmd_import_all)


def cmd_export_all(args, config: Config) -> int:
    from pathlib import Path

    from app.db.session import session_scope
    from app.ingest.backup import export_all

    _engine(config)
    with session_scope() as session:
        report = export_all(session, Path(args.directory))
    print(f"Exported to {args.directory}: {report.summary()}.")
    return 0


def cmd_import_all(args, config: Config) -> int:
    from pathlib import Path

    from app.db import migrate
    from app.ingest.backup import import_all

    engine = _engine(config)
    migrate.upgrade(engine)
    directory = Path(args.directory)
    report = _run_import(
        "backup", directory, lambda session: import_all(session, directory, created_by=_user()), lambda s, e: None
    )
    print(f"Restored from {args.directory}: {report.summary()}.")
    return 0
