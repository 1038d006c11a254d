"""The ``fjernarbeid`` command: database, seed, import, query, mobility and serve.

Expected failures (unreachable database, bad input) print one clear message and exit
non-zero; only a bug shows a traceback. Imports end every failure, a bug included, in one
message and exit code 4 (``-v`` logs the details), and record the attempt in import_batch.

One module per command group, each holding its commands' arguments (``add_parsers``) beside
their handlers (``cmd_*``): ``database`` (db, seed), ``imports`` (import, codebook),
``statistics`` (query, mobility, compare), ``backup`` (export-all, import-all), ``accounts``
(users, regions), ``surveys`` (who may see them), ``measures`` (a measures catalogue to and from YAML),
``small_area`` (small-area) and ``server`` (serve, worker); ``common`` holds what they share (the database engine, the shell user). This module only assembles them and runs one.

A new group is a module with ``add_parsers(subparsers)`` (each command sets ``func=cmd_…``, a
function of ``(args, config)`` returning the exit code) plus its name in ``GROUPS`` below, whose
order is the order of ``fjernarbeid --help``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from app.cli import accounts, backup, database, fetch, imports, measures, server, small_area, statistics, surveys
from app.config import Config
from app.errors import FjernarbeidError

GROUPS = (database, imports, fetch, statistics, backup, accounts, surveys, measures, small_area, server)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fjernarbeid", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        config = Config.from_env()
        return args.func(args, config)
    except FjernarbeidError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
