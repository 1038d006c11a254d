"""``fjernarbeid fetch ssb TABLE``: a table the dashboard reads, straight from SSB's PxWebApi v2
(``app/ingest/ssb_fetch.py``), checked and imported in one transaction.

Without internet it prints one line and exits 3, having changed nothing; a table the dashboard does not
read, or an answer the importer refuses, exits 4 (the refused answer is logged in import_batch);
``--dry-run`` prints the requests, one address a line, and asks nothing.
"""

from __future__ import annotations

import argparse
import sys

from app.cli.common import _engine, _user
from app.config import Config


def add_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fetch = subparsers.add_parser("fetch", help="fetch figures from a public source and import them")
    fetchsub = fetch.add_subparsers(dest="fetch_command", required=True)
    ssb = fetchsub.add_parser(
        "ssb",
        help="a table the dashboard reads (07459, 03321, 11616, 11618, 06913, 09429) from SSB's PxWebApi v2 "
        "(FJERNARBEID_SSB_API), checked and imported all or nothing",
    )
    ssb.add_argument("table", help="the table number, e.g. 07459")
    ssb.add_argument(
        "--from",
        dest="first_year",
        type=int,
        metavar="YEAR",
        help="every year from YEAR on (default: the newest only)",
    )
    ssb.add_argument(
        "--municipalities",
        nargs="+",
        default=["all"],
        metavar="all|region SLUG",
        help="all municipalities (default) or a region's, e.g. --municipalities region hardangerradet",
    )
    ssb.add_argument("--dry-run", action="store_true", help="print the requests (one address a line); ask nothing")
    ssb.set_defaults(func=cmd_fetch_ssb)


def _region(choice: list[str]) -> str | None:
    from app.errors import FjernarbeidError

    if choice == ["all"]:
        return None
    if len(choice) == 2 and choice[0] == "region" and choice[1].strip():
        return choice[1].strip()
    raise FjernarbeidError(
        f"--municipalities {' '.join(choice)}: write 'all' or 'region SLUG', e.g. --municipalities region "
        "hardangerradet."
    )


def cmd_fetch_ssb(args, config: Config) -> int:
    from pathlib import Path

    from app.cli.imports import _TerminalProgress
    from app.db.session import session_scope
    from app.errors import ImportValidationError
    from app.ingest.ssb_fetch import QUERIES, check_table, divisions_of, fetch_ssb, plan, region_members
    from app.ingest.ssb_import import not_read, record_failure

    table = check_table(args.table)
    region = _region(args.municipalities)
    if args.dry_run:
        if table not in QUERIES:
            raise ImportValidationError(not_read(table, None))
        members = divisions = None
        if region:
            _engine(config)
            with session_scope() as session:
                members, divisions = region_members(session, region), divisions_of(session)
        requests = plan(table, config.ssb_api, args.first_year, members, divisions)
        for request in requests:
            print(request.url)
        most = f"{max(r.cells for r in requests):,}".replace(",", " ")
        print(
            f"Dry run: {len(requests)} request(s) for SSB table {table}, each of at most {most} cells (SSB answers "
            "at most 800 000); nothing was asked or changed.",
            file=sys.stderr,
        )
        return 0
    _engine(config)
    progress = _TerminalProgress()

    def report(step: str, current: int | None = None, total: int | None = None) -> None:
        progress("asking SSB" if step == "download" else step, current, total)

    try:
        with session_scope() as session:
            result = fetch_ssb(
                session,
                table,
                base=config.ssb_api,
                first_year=args.first_year,
                region=region,
                created_by=_user(),
                report=report,
            )
    except ImportValidationError as error:
        if table in QUERIES:  # SSB's answer was refused: logged like a refused file
            with session_scope() as session:
                record_failure(session, Path(f"ssb-api_{table}.json"), table, error, created_by=_user())
        raise
    finally:
        progress.close()
    print(result.summary())
    return 0
