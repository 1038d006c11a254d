"""The ``fjernarbeid`` command: database, seed, import, query, mobility and serve.

Expected failures (unreachable database, bad input) print one clear message and exit
non-zero; only a bug shows a traceback. Imports end every failure, a bug included, in one
message and exit code 4 (``-v`` logs the details), and record the attempt in import_batch.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence

from app.config import Config
from app.errors import FjernarbeidError

log = logging.getLogger("fjernarbeid")


def _engine(config: Config):
    from app.db import session as db_session

    db_session.configure(config)
    db_session.check_database()
    return db_session.get_engine()


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


def cmd_compare(args, config: Config) -> int:
    """Two surveys' shares of one question side by side, with the difference, its interval and test."""
    import json

    from app.db.session import session_scope
    from app.language import pick
    from app.query.compare import compare_shares

    min_n = _min_n(args.min_n, config)
    _engine(config)
    with session_scope() as session:
        result = compare_shares(
            session, args.survey, args.with_survey, args.question, args.by, args.collapse, min_n=min_n
        )
    if args.format == "json":
        document = {k: v for k, v in result.__dict__.items() if k != "rows"} | {"rows": result.as_records()}
        print(json.dumps(document, ensure_ascii=False, indent=2, default=str))
        return 0

    def share(value: float | None) -> str:
        return "–" if value is None else f"{100 * value:5.1f}"

    print(f"{args.question}: {pick(result.question, args.lang)}   A = {result.survey_a}, B = {result.survey_b}")
    print(f"{'group':14} {'answer':34} {'A %':>6} {'B %':>6} {'difference':>10} {'95 % CI':>16} {'p':>7}")
    for r in result.rows:
        group = pick(r.group, args.lang) if r.group else "all"
        if r.suppressed:
            print(
                f"{group[:14]:14} {pick(r.label, args.lang)[:34]:34}  hidden (fewer than {min_n} respondents in A or B)"
            )
            continue
        interval = f"{share(r.ci_low)} to {share(r.ci_high)}"
        p = "–" if r.p_value is None else f"{r.p_value:.3f}"
        print(
            f"{group[:14]:14} {pick(r.label, args.lang)[:34]:34} {share(r.a):>6} {share(r.b):>6} "
            f"{share(r.difference):>10} {interval:>16} {p:>7}"
        )
    print(result.method)
    return 0


def cmd_db_grant_web(args, config: Config) -> int:
    from app.db.roles import grant_web_role

    grant_web_role(_engine(config), args.role)
    print(f"Role {args.role!r} may now read every table and write only what the web app edits.")
    return 0


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
    for warning in result.warnings:
        print(f"warning: {warning}")
    print(result.summary())
    return 0


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
    for warning in result.warnings:
        print(f"warning: {warning}")
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


def _parse_where(items: list[str] | None) -> dict[str, list[int]]:
    from app.errors import FjernarbeidError

    where: dict[str, list[int]] = {}
    for item in items or []:
        name, _, values = item.partition("=")
        try:
            where[name.strip()] = [int(v) for v in values.split(",") if v.strip()]
        except ValueError:
            raise FjernarbeidError(
                f"--where {item!r}: write DIM=code1,code2 with answer codes, e.g. age_group=1,2."
            ) from None
        if not name.strip() or not where[name.strip()]:
            raise FjernarbeidError(f"--where {item!r}: write DIM=code1,code2, e.g. age_group=1,2.")
    return where


def cmd_query(args, config: Config) -> int:
    from app.db.session import session_scope
    from app.language import localized
    from app.query.estimates import MeanResult, ShareResult, estimate_mean, estimate_shares
    from app.query.format import render
    from app.query.metadata import survey_meta
    from app.query.publish import publishable

    min_n = _min_n(args.min_n, config)
    _engine(config)
    where = _parse_where(args.where)
    with session_scope() as session:
        numeric = survey_meta(session, args.survey).question(args.question).is_numeric
        result: MeanResult | ShareResult
        if numeric:
            result = estimate_mean(session, args.survey, args.question, by=args.by, where=where, min_n=min_n)
        else:
            result = estimate_shares(
                session,
                args.survey,
                args.question,
                by=args.by,
                where=where,
                collapse=args.collapse,
                include_missing=args.include_missing,
                min_n=min_n,
            )
    print(render(localized(result if args.exact else publishable(result), args.lang), args.format))
    return 0


def _min_n(requested: int | None, config: Config) -> int:
    """``--min-n``: at least 1; below the deployment's ``FJERNARBEID_MIN_N`` it works, with a warning."""
    if requested is None:
        return config.min_n
    if requested < 1:
        raise FjernarbeidError(f"--min-n {requested}: the smallest group shown must be at least 1 respondent.")
    if requested < config.min_n:
        print(
            f"warning: --min-n {requested} is below this deployment's minimum (FJERNARBEID_MIN_N={config.min_n}); "
            "groups that small may identify respondents. Do not publish the output.",
            file=sys.stderr,
        )
    return requested


def cmd_mobility(args, config: Config) -> int:
    from app.db.session import session_scope
    from app.language.mobility import in_words
    from app.query.format import render
    from app.query.mobility import (
        is_rural_region,
        mobility_funnel,
        net_migration,
        publishable,
        regional_funnel,
        standard_conditions,
    )

    _engine(config)

    def ints(text: str | None) -> list[int]:
        return [int(v) for v in text.split(",")] if text else []

    with session_scope() as session:
        attractive = args.attractive
        if attractive is None:  # default: on for a region with rural municipalities, as on the page
            attractive = bool(args.region) and is_rural_region(session, args.region)
        conditions = standard_conditions(
            attractive, args.take_job, args.travel_time, ints(args.age_group), ints(args.centrality)
        )
        shares, net = None, None
        if args.region:
            leave_out = args.leave_out_residents is not False  # default: on with a region, as on the page
            result, shares = regional_funnel(
                session,
                args.survey,
                args.region,
                args.jobs,
                conditions,
                args.region_share,
                min_n=config.min_n,
                leave_out_residents=leave_out,
            )
            net = net_migration(session, args.region)
        else:
            result = mobility_funnel(
                session,
                args.survey,
                jobs_anywhere=args.jobs,
                conditions=conditions,
                region_share=args.region_share,
                min_n=config.min_n,
            )
    given = "--region-share" if args.region_share is not None else None  # the share's source: the user
    shown = result if args.exact else publishable(result)
    print(
        render(in_words(shown, args.lang, shares, given, net, min_n=config.min_n), args.format)
    )  # labels and sources in --lang
    return 0


def cmd_small_area(args, config: Config) -> int:
    """A municipality's model-based share, with full precision (it is a model's prediction, and the checks
    against R need every digit)."""
    import json

    from app.db.session import session_scope
    from app.language import pick
    from app.language.small_area import caveats
    from app.query.small_area import small_area_estimate

    _engine(config)
    with session_scope() as session:
        result = small_area_estimate(
            session, args.survey, args.question, args.municipality, args.collapse, education=args.education
        )
    document = result.as_dict()
    document["question"] = pick(result.question, args.lang)
    document["synthetic_note"] = pick(result.synthetic_note, args.lang) if result.synthetic_note else None
    document["caveats"] = caveats(args.lang, education=args.education)  # what it cannot say, in --lang
    for cell in document["cells"]:
        for label in ("age_group_label", "gender_label", "education_label"):
            if label in cell:
                cell[label] = pick(cell[label], args.lang)
    if args.format == "json":
        print(json.dumps(document, ensure_ascii=False, indent=1))
        return 0
    print(
        f"{result.municipality} ({result.kommunenummer}), centrality class {result.centrality}: {document['question']}"
    )
    print(f"answers counted: {', '.join(str(c) for c in result.categories)}")
    for key in ("estimate", "se", "ci_low", "ci_high"):
        print(f"{key:>16}: {document[key]:.6f}")
    print(f"{'population_year':>16}: {result.population_year}")
    if result.education_year is not None:
        print(f"{'education_year':>16}: {result.education_year}")
    print(f"{'respondents':>16}: {result.respondents} (the whole survey; the model is not a direct estimate)")
    print(f"{'method':>16}: {result.method}")
    for caveat in document["caveats"]:
        print(f"{'caveat':>16}: {caveat}")
    education = "education" if args.education else ""
    print(f"\n{'age group':<12} {'gender':<10} {education:<12} {'residents':>10} {'weight':>8} {'predicted':>10}")
    for cell in document["cells"]:
        print(
            f"{cell['age_group_label']:<12} {cell['gender_label']:<10} {cell.get('education_label', ''):<12.12} "
            f"{cell['population']:>10.1f} {cell['weight']:>8.4f} {cell['predicted']:>10.6f}"
        )
    return 0


def cmd_users(args, config: Config) -> int:
    """Local accounts (``app/db/users.py``); each change is in the audit trail as made by the shell user."""
    import getpass
    import sys

    from app.db import users
    from app.db.session import session_scope

    _engine(config)
    actor = f"cli:{_user()}"

    def password() -> str:
        if args.password_stdin:
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Again: "):
            raise users.UserError("The two passwords differ.")
        return first

    with session_scope() as session:
        if args.users_command == "add":
            account = users.add_user(session, args.name, args.role, password(), actor)
            print(f"User {account.name!r} added with the role {account.role}.")
        elif args.users_command == "set-role":
            users.set_role(session, args.name, args.role, actor)
            print(f"User {args.name!r} now has the role {args.role}; their sessions have ended.")
        elif args.users_command in ("disable", "enable"):
            users.set_disabled(session, args.name, args.users_command == "disable", actor)
            print(f"User {args.name!r} {args.users_command}d.")
        elif args.users_command == "set-password":
            users.set_password(session, args.name, password(), actor)
            print(f"Password of {args.name!r} changed; their sessions have ended.")
        else:
            for user in users.list_users(session):
                last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
                state = "disabled" if user.disabled else "active"
                print(f"{user.name:30} {user.role:8} {state:9} last login {last}")
    return 0


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def cmd_worker(args, config: Config) -> int:
    """Run jobs (handouts, browser imports) until stopped (SIGINT/SIGTERM let the running job finish)."""
    from app.db import migrate
    from app.web import create_app
    from app.web.server.jobs import run_worker

    engine = _engine(config)
    if migrate.current_revision(engine) != migrate.head_revision(engine):
        raise FjernarbeidError("The database schema is not at the newest revision; run `fjernarbeid db upgrade` first.")
    print(f"Worker running ({args.concurrency} jobs at a time; Ctrl+C to stop).")
    run_worker(config, create_app(config).server, concurrency=args.concurrency)
    return 0


def _start_worker_thread(config: Config, server) -> None:
    """``serve``'s own worker: a thread beside the development server (the queue lives in PostgreSQL, so a
    separate ``fjernarbeid worker`` works the same)."""
    import threading

    from app.web.server.jobs import run_worker

    def work() -> None:
        try:
            run_worker(config, server, signals=False)
        except Exception:  # noqa: BLE001 - the dashboard keeps serving; jobs wait for a worker
            log.exception("the job worker stopped; jobs wait until `fjernarbeid worker` runs")

    threading.Thread(target=work, name="fjernarbeid-worker", daemon=True).start()


def cmd_serve(args, config: Config) -> int:
    import os

    from app.web import create_app

    prepare_database(config)
    app = create_app(config)
    if not args.no_worker and not (args.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true"):
        _start_worker_thread(config, app.server)  # with --debug only in the reloader's child
    # A service manager stops with SIGTERM: exit normally so the embedded PostgreSQL is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"Dashboard on http://{args.host}:{args.port}/  (Ctrl+C to stop)")
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fjernarbeid", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="database schema (Alembic migrations)")
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

    seed = sub.add_parser("seed", help="load reference and demo data from seed/ (idempotent)")
    seed.set_defaults(func=cmd_seed)

    imp = sub.add_parser("import", help="import a data file (validated, all or nothing)")
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

    codebook = sub.add_parser("codebook", help="codebooks for survey data files (docs/codebook-format.md)")
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
    query = sub.add_parser("query", help="weighted estimates with intervals, breakdowns and tests")
    query.add_argument("--survey", required=True, help="survey slug, e.g. demo_national")
    query.add_argument("--question", required=True, help="variable, e.g. q22 or factory_index")
    query.add_argument("--by", help="breakdown dimension, e.g. age_group, region, centrality")
    query.add_argument("--where", action="append", metavar="DIM=v1,v2", help="filter (repeatable)")
    query.add_argument("--collapse", choices=["top2", "bottom2"], help="merge the first or last two categories")
    query.add_argument("--include-missing", action="store_true", help="keep don't-know codes in the base")
    query.add_argument(
        "--min-n",
        type=int,
        help="suppress groups smaller than this (default FJERNARBEID_MIN_N; at least 1, a warning below the default)",
    )
    query.add_argument(
        "--exact",
        action="store_true",
        help="print unrounded estimates, standard errors and weighted counts (for checking against "
        "other software; groups are suppressed all the same). Default: rounded as published",
    )
    query.add_argument("--lang", default="nb", choices=["nb", "nn", "en"])
    query.add_argument("--format", default="table", choices=["table", "json", "csv"])
    query.set_defaults(func=cmd_query)

    from app.query.mobility import JOBS_ANYWHERE

    mob = sub.add_parser("mobility", help="funnel from remote-capable jobs to potential movers")
    mob.add_argument("--survey", required=True)
    jobs_default = f"{JOBS_ANYWHERE.default:,.0f}".replace(",", " ")
    mob.add_argument(
        "--jobs",
        type=float,
        default=JOBS_ANYWHERE.default,
        help=f"jobs that can be done anywhere (default {jobs_default}; NORCE (2025) ch. 3.2.5: "
        f"40–50 %% of all jobs, {JOBS_ANYWHERE.low / 1e6:g}–{JOBS_ANYWHERE.high / 1e6:g} million "
        "(Ingelsrud et al. 2022))",
    )
    mob.add_argument(
        "--attractive",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="only those finding living in a rural municipality attractive (default: on with a --region "
        "that has rural municipalities, else off)",
    )
    mob.add_argument("--take-job", action="store_true", help="only those likely to take the job along (q14)")
    mob.add_argument(
        "--travel-time", type=int, choices=[2, 3, 4], metavar="2|3|4", help="only those accepting q21 ≥ this code"
    )
    mob.add_argument("--age-group", help="only these age groups, e.g. 1,2")
    mob.add_argument("--centrality", help="only residents of these centrality classes, e.g. 1,2")
    mob.add_argument(
        "--region",
        help="add the region step with the region's share of employed residents in the "
        "municipalities movers could choose (SSB 11618), e.g. hardangerradet",
    )
    mob.add_argument(
        "--leave-out-residents",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="leave out those who already live in the --region (default: on), when there are enough of them to "
        "do so without revealing them",
    )
    mob.add_argument(
        "--region-share", type=float, help="share (0–1) that could choose the region, instead of the region's default"
    )
    mob.add_argument(
        "--exact",
        action="store_true",
        help="print unrounded numbers and standard errors (for checking); default: rounded as shown",
    )
    mob.add_argument(
        "--lang",
        default="nb",
        choices=["nb", "nn", "en"],
        metavar="nb|nn|en",
        help="language of the labels and sources",
    )
    mob.add_argument("--format", default="table", choices=["table", "json", "csv"], metavar="table|json|csv")
    mob.set_defaults(func=cmd_mobility)

    compare = sub.add_parser("compare", help="the same question in two surveys: shares, difference, interval, test")
    compare.add_argument("--survey", required=True, help="survey A, e.g. the earlier wave")
    compare.add_argument("--with", dest="with_survey", required=True, help="survey B")
    compare.add_argument("--question", required=True)
    compare.add_argument("--by", help="a breakdown both surveys have, e.g. gender")
    compare.add_argument("--collapse", choices=["top2", "bottom2"])
    compare.add_argument("--min-n", type=int)
    compare.add_argument("--lang", choices=["nb", "nn", "en"], default="nb")
    compare.add_argument("--format", choices=["table", "json"], default="table")
    compare.set_defaults(func=cmd_compare)

    export = sub.add_parser("export-all", help="a complete, re-importable copy for admins (README: Backup)")
    export.add_argument("directory", help="a new or empty directory")
    export.set_defaults(func=cmd_export_all)
    restore = sub.add_parser("import-all", help="restore a copy made by export-all, all or nothing")
    restore.add_argument("directory")
    restore.set_defaults(func=cmd_import_all)

    users_parser = sub.add_parser("users", help="local accounts: editors and admins (docs in README, Accounts)")
    users_sub = users_parser.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="add a user (the password is asked for, or read from stdin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["editor", "admin"])
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    role = users_sub.add_parser("set-role", help="change a user's role (ends their sessions)")
    role.add_argument("name")
    role.add_argument("role", choices=["editor", "admin"])
    for name, text in (
        ("disable", "stop a user from logging in (ends their sessions)"),
        ("enable", "let a user in again"),
    ):
        users_sub.add_parser(name, help=text).add_argument("name")
    pw = users_sub.add_parser("set-password", help="set a user's password (ends their sessions)")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true")
    users_sub.add_parser("list", help="the users, their roles and last logins")
    users_parser.set_defaults(func=cmd_users)

    small = sub.add_parser(
        "small-area",
        help="model-based share for one municipality (modellbasert anslag: a model over the whole survey, "
        "weighted by the municipality's residents; not a direct estimate)",
    )
    small.add_argument("--survey", required=True)
    small.add_argument("--question", required=True, help="a question with answer categories, e.g. q22")
    small.add_argument(
        "--collapse", choices=["top2"], help="count the two first answers (default: the first answer only)"
    )
    small.add_argument("--municipality", required=True, help="kommunenummer, e.g. 4622")
    small.add_argument(
        "--education",
        action="store_true",
        help="add education as a covariate, raking the cells to SSB 09429's education level too "
        "(the survey's codebook must declare education_covariate)",
    )
    small.add_argument("--lang", default="nb", choices=["nb", "nn", "en"], metavar="nb|nn|en")
    small.add_argument("--format", default="table", choices=["table", "json"], metavar="table|json")
    small.set_defaults(func=cmd_small_area)

    serve = sub.add_parser("serve", help="development server; prepares an empty database first")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument("--debug", action="store_true")
    serve.add_argument("--no-worker", action="store_true", help="do not run jobs in this process")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run jobs: deck handouts and imports started in the browser")
    worker.add_argument("--concurrency", type=int, default=2, help="jobs run at the same time (default 2)")
    worker.set_defaults(func=cmd_worker)
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


if __name__ == "__main__":
    sys.exit(main())
