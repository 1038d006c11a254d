"""``fjernarbeid import`` (survey, coworking, centrality, ssb) and ``codebook draft``.

Every import runs through ``_run_import``: one transaction, and any failure, a bug included, ends in one
message and exit code 4 (``-v`` logs the details), with the attempt recorded in import_batch.
"""

from __future__ import annotations

import argparse
import logging
import sys

from app.cli.common import _engine, _user
from app.config import Config

log = logging.getLogger("fjernarbeid")


def add_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    imp = subparsers.add_parser("import", help="import a data file (validated, all or nothing)")
    impsub = imp.add_subparsers(dest="import_command", required=True)
    survey = impsub.add_parser("survey", help="respondent file (CSV, XLSX or SPSS .sav) with its codebook")
    survey.add_argument("file")
    survey.add_argument("--codebook", required=True, help="codebook YAML (docs/codebook-format.md)")
    survey.add_argument("--survey", help="survey slug (default: the codebook's)")
    survey.add_argument("--replace", action="store_true", help="swap the survey's data for this file")
    survey.add_argument(
        "--margins", action="append", metavar="MARGINS.csv", help="population margins to rake weights to (repeatable)"
    )
    survey.set_defaults(func=cmd_import_survey)
    cowork = impsub.add_parser(
        "coworking", help="coworking inventory (CSV, XLSX or GeoJSON, see seed/coworking_README.md)"
    )
    cowork.add_argument("file")
    cowork.add_argument("--replace", action="store_true", help="remove spaces that are not in the file")
    cowork.set_defaults(func=cmd_import_coworking)
    central = impsub.add_parser("centrality", help="an SSB centrality classification exported from KLASS")
    central.add_argument("file")
    central.add_argument("--name", required=True, help='name of the classification, e.g. "SSB sentralitet 2025"')
    central.add_argument("--set-default", action="store_true", help="use it for the derived variable centrality")
    central.set_defaults(func=cmd_import_centrality)
    ssb = impsub.add_parser(
        "ssb",
        help="an SSB table downloaded as CSV or JSON-stat (07459, 03321, 11616, 11618, 06913, 09429; docs/ssb-import.md)",
    )
    ssb.add_argument("file")
    ssb.add_argument("--table", help="the table number, e.g. 07459 (default: the one the file names)")
    ssb.add_argument(
        "--leave-out-split",
        action="store_true",
        help="leave out the figures of a municipality divided since (e.g. 1507 Ålesund 2020–2023) instead of refusing",
    )
    ssb.set_defaults(func=cmd_import_ssb)

    codebook = subparsers.add_parser("codebook", help="codebooks for survey data files (docs/codebook-format.md)")
    codebook_sub = codebook.add_subparsers(dest="codebook_command", required=True)
    draft = codebook_sub.add_parser(
        "draft",
        help="draft a codebook from a data file (SPSS labels, Nettskjema, Excel question texts, CSV values); "
        "prints YAML with the decisions left to you marked TODO",
    )
    draft.add_argument("file", help="the survey's data file: .sav, .xlsx, .csv or Nettskjema's .txt")
    draft.add_argument(
        "--nettskjema-codebook", metavar="FILE", help="Nettskjema's codebook: the classic .txt or the v3 elements .json"
    )
    draft.set_defaults(func=cmd_codebook_draft)


def _run_import(kind: str, path, do_import, record_failure):
    """Run ``do_import(session)`` in one transaction; on any failure log the attempt and end with one line.

    A validation problem keeps its message. Anything unexpected (a bug, a database error) is
    summed up in one line without SQL or parameters; ``-v`` logs the full traceback. Both roll
    back everything, are recorded with ``record_failure(session, error)`` in a fresh
    transaction, and end in ImportValidationError (exit code 4). An unreachable database stays
    DatabaseUnavailable (exit code 3).
    """
    from app.db.session import check_database, session_scope
    from app.errors import DatabaseUnavailable, ImportValidationError

    try:
        with session_scope() as session:
            return do_import(session)
    except ImportValidationError as exc:
        error = exc
    except Exception as exc:  # a failed import must end in one line, whatever broke
        if isinstance(exc, DatabaseUnavailable):
            try:
                check_database()
            except DatabaseUnavailable:
                raise exc from None  # really unreachable: exit code 3, nowhere to log the attempt
            cause = exc.__cause__
            exc = (
                cause if isinstance(cause, Exception) else exc
            )  # the server answers: a deadlock, a full disk … is an error of this import
        log.info("The %s import of %s failed on an unexpected error:", kind, path, exc_info=exc)
        error = ImportValidationError(
            f"{path.name}: the {kind} import stopped on an unexpected error ({_one_line(exc)}); nothing was "
            "imported. Run the command again with -v to see the details, and report them if the file looks right.",
            problems=[{"message": f"unexpected error: {_one_line(exc)}", "error": type(exc).__name__}],
        )
    try:
        with session_scope() as session:
            record_failure(session, error)
    except Exception as exc:  # the import's own message matters more
        log.info("Recording the failed attempt failed:", exc_info=True)
        log.warning("the failed attempt could not be recorded in import_batch (%s)", _one_line(exc))
    raise error


def _one_line(exc: BaseException) -> str:
    """An exception as one short line: the database's own message for SQL errors, never the SQL or its parameters."""
    from sqlalchemy.exc import StatementError

    from app.errors import QueryTimeout

    if isinstance(exc, QueryTimeout) and exc.__cause__ is not None:
        exc = exc.__cause__  # the database's own words ("canceling statement due to statement timeout")
    if isinstance(exc, StatementError) and exc.orig is not None:
        label, text = "database error", str(exc.orig)
    else:
        label, text = type(exc).__name__, str(exc)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    first = lines[0] if lines else ""
    if len(first) > 200:
        first = first[:199] + "…"
    return f"{label}: {first}" if first else label


IMPORT_STEPS = {
    "read": "reading the file",
    "check": "checking rows",
    "weights": "computing the weights",
    "save": "saving",
}


class _TerminalProgress:
    """An import's progress as a tqdm bar when stdout is a terminal; nothing otherwise (a log, a pipe, cron)."""

    def __init__(self) -> None:
        self.bar = None
        if sys.stdout.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=None, unit=" rows", file=sys.stdout, leave=False, dynamic_ncols=True)

    def __call__(self, step: str, current: int | None = None, total: int | None = None) -> None:
        if self.bar is None:
            return
        self.bar.set_description(IMPORT_STEPS.get(step, step), refresh=False)
        if total is not None and self.bar.total != total:
            self.bar.total = total
        if current is not None:
            self.bar.n = current
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def cmd_import_survey(args, config: Config) -> int:
    from pathlib import Path

    from app.ingest.survey_import import import_survey, record_failure

    _engine(config)
    path, codebook = Path(args.file), Path(args.codebook)
    progress = _TerminalProgress()
    try:
        result = _run_import(
            "survey",
            path,
            lambda session: import_survey(
                session,
                path,
                codebook,
                slug=args.survey,
                replace=args.replace,
                margin_paths=[Path(m) for m in args.margins or []],
                created_by=_user(),
                progress=progress,
            ),
            lambda session, error: record_failure(
                session, path, args.survey, error, created_by=_user(), codebook_path=codebook
            ),
        )
    finally:
        progress.close()
    return _print_outcome(result)


def cmd_import_coworking(args, config: Config) -> int:
    from pathlib import Path

    from app.ingest.coworking_import import import_coworking, record_failure

    _engine(config)
    path = Path(args.file)
    progress = _TerminalProgress()
    try:
        result = _run_import(
            "coworking",
            path,
            lambda session: import_coworking(
                session, path, replace=args.replace, created_by=_user(), progress=progress
            ),
            lambda session, error: record_failure(session, path, error, created_by=_user()),
        )
    finally:
        progress.close()
    return _print_outcome(result)


def cmd_import_centrality(args, config: Config) -> int:
    from pathlib import Path

    from app.ingest.centrality import import_centrality, record_failure

    _engine(config)
    path = Path(args.file)
    changed = _run_import(
        "centrality",
        path,
        lambda session: import_centrality(session, path, args.name, set_default=args.set_default, created_by=_user()),
        lambda session, error: record_failure(session, path, error, created_by=_user()),
    )
    print(
        f"Centrality classification {args.name!r}: {changed} municipalities inserted or changed"
        + (
            " and made the default; re-import surveys with --replace to update their centrality."
            if args.set_default
            else "."
        )
    )
    return 0


def cmd_import_ssb(args, config: Config) -> int:
    from pathlib import Path

    from app.ingest.ssb_import import import_ssb, record_failure

    _engine(config)
    path = Path(args.file)
    result = _run_import(
        "ssb",
        path,
        lambda session: import_ssb(session, path, args.table, created_by=_user(), leave_out_split=args.leave_out_split),
        lambda session, error: record_failure(session, path, args.table, error, created_by=_user()),
    )
    print(result.summary())
    return 0


def cmd_codebook_draft(args, config: Config) -> int:
    from pathlib import Path

    from app.ingest.codebook import open_decisions
    from app.ingest.codebook_draft import draft_codebook

    nettskjema = Path(args.nettskjema_codebook) if args.nettskjema_codebook else None
    text = draft_codebook(Path(args.file), nettskjema)
    sys.stdout.write(text)
    print(
        f"Drafted a codebook for {Path(args.file).name} with {len(open_decisions(text))} decisions marked TODO. "
        "Edit them, then: fjernarbeid import survey FILE --codebook CODEBOOK (docs/codebook-format.md).",
        file=sys.stderr,
    )
    return 0


def _print_outcome(result) -> int:
    """What a survey or coworking import says when it is done: its warnings, then its summary."""
    for warning in result.warnings:
        print(f"warning: {warning}")
    print(result.summary())
    return 0
