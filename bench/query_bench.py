"""Breakdown-query benchmark: ``estimate_shares`` vs a per-request pandas reference vs the bare SQL floor.

Run from the repository root::

    python -m bench.query_bench [--sizes 500,10000,100000,1000000] [--repeat 30]

What it does, in one run:

1. Starts an embedded PostgreSQL in a temporary directory (or uses ``BENCH_DATABASE_URL``, a role
   allowed to CREATE DATABASE) through ``bench.import_bench.BenchDatabase``, migrates the fresh
   database and loads the reference data (``seed_all(surveys=False)``).
2. For each size (ascending): writes a synthetic NORCE 2025 respondent file with
   ``bench.import_bench.generate_csv`` (numpy, fixed seed) and imports it as survey
   ``bench_<n>`` with the real importer, in a subprocess that is watched: progress is printed,
   and the size is skipped (and reported as skipped) if the import exceeds ``--import-timeout``
   seconds or ``--import-max-rss-gb`` of resident memory. Then ``VACUUM ANALYZE``. Surveys
   accumulate: the 100 000 measurement runs with the smaller surveys still in the tables.
3. For each query (``q22 by age_group where gender=2``; ``q23 by centrality where
   home_office_3plus=1``), after 3 warm-ups, times ``--repeat`` calls of

   (a) **layer**: ``estimate_shares(session, slug, variable, by=..., where=...)`` in a fresh
       ``app.db.session.session_scope()`` per call — the app's own pooled engine
       (``pool_pre_ping``) and commit, as a web request does;
   (b) **pandas**: per call, one ``pandas.read_sql`` of the survey's whole microdata (respondent
       id, weight, question variable, code — every answer of the survey), pivot to wide,
       filter, and weighted shares per group (proportions only). Missing-code metadata is looked
       up once, outside the timing. Skipped above ``--pandas-max-rows`` answers (memory);
   (c) **SQL floor**: the exact aggregate statement ``cell_aggregates`` sends (captured once
       from SQLAlchemy, with its bound parameters; it reads the wide ``answer_vector`` rows
       the importer keeps) replayed on a warm autocommit psycopg connection;
   (d) **long-table SQL**: the same cells aggregated straight from the normalised tables
       (respondent ⋈ answer per variable ⋈ answer_option), hand-written — the floor without
       the importer's wide rows, for comparison;
   (e) for the breakdown, ``cell_aggregates(session, meta, question, by, where, False)`` on a
       warm session with the metadata looked up once (SQLAlchemy compile + the aggregate).

   It checks the layer's estimates against pandas, records one instrumented layer call
   (every statement, its time, transaction events) and ``EXPLAIN (ANALYZE, BUFFERS)`` of the
   aggregate.
4. Prints a table per size and writes ``bench/results/query.json``.

Targets (issue): at 100 000 respondents the layer's p95 ≤ 100 ms, ≥ 5× faster than pandas
(pandas p95 / layer p95) and within 2× of the bare SQL (layer / floor).

The import subprocess entry point is this module with ``--worker import``.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypedDict

from bench.import_bench import CODEBOOK, REPO_ROOT, RESULTS_DIR, SEED, BenchDatabase, generate_csv

RESULT_PREFIX = "QUERY_BENCH_RESULT "
WARMUPS = 3
TARGET_SIZE = 100_000
TARGET_P95_MS = 100.0
TARGET_SPEEDUP = 5.0
TARGET_FLOOR_RATIO = 2.0


class Query(TypedDict):
    name: str
    variable: str
    by: str
    where: dict[str, list[int]]  # filter variable -> selected codes


QUERIES: list[Query] = [
    {"name": "q22 by age_group where gender=2", "variable": "q22", "by": "age_group", "where": {"gender": [2]}},
    {
        "name": "q23 by centrality where home_office_3plus=1",
        "variable": "q23",
        "by": "centrality",
        "where": {"home_office_3plus": [1]},
    },
]

PANDAS_SQL = (
    "SELECT r.id AS respondent_id, r.weight, q.variable, a.code "
    "FROM respondent r "
    "JOIN survey s ON s.id = r.survey_id "
    "JOIN answer a ON a.respondent_id = r.id "
    "JOIN question q ON q.id = a.question_id "
    "WHERE s.slug = %(slug)s"
)


# --- timing helpers -----------------------------------------------------------------------


def _summary(samples: list[float]) -> dict:
    import numpy as np

    ms = np.array(samples) * 1000.0
    return {
        "runs": len(samples),
        "median_ms": round(float(np.median(ms)), 3),
        "p95_ms": round(float(np.percentile(ms, 95)), 3),  # linear interpolation between order statistics
        "min_ms": round(float(ms.min()), 3),
        "max_ms": round(float(ms.max()), 3),
        "samples_ms": [round(float(x), 3) for x in ms],
    }


def _time_calls(fn: Callable[[], Any], repeat: int, warmups: int = WARMUPS) -> tuple[dict, Any]:
    result = None
    for _ in range(warmups):
        result = fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    return _summary(samples), result


def _time_interleaved(
    fns: dict[str, Callable[[], Any]], repeat: int, warmups: int = WARMUPS
) -> dict[str, tuple[dict, Any]]:
    """Round-robin: each round calls every function once, in order; per-function statistics and last results."""
    results: dict[str, Any] = {name: None for name in fns}
    for _ in range(warmups):
        for name, fn in fns.items():
            results[name] = fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            results[name] = fn()
            samples[name].append(time.perf_counter() - start)
    return {name: (_summary(samples[name]), results[name]) for name in fns}


# --- import (watched subprocess) ----------------------------------------------------------


def _worker_import(args: argparse.Namespace) -> dict:
    import resource

    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from app.ingest.survey_import import import_survey

    engine = create_engine(args.url)
    start = time.perf_counter()
    with Session(engine) as session:
        result = import_survey(session, Path(args.csv), CODEBOOK, slug=args.slug, created_by="query bench")
        session.commit()
    seconds = time.perf_counter() - start
    engine.dispose()
    return {
        "status": result.status,
        "respondents": result.respondents,
        "answers": result.answers,
        "seconds": seconds,
        "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _import_watched(url: str, csv: Path, slug: str, timeout: float, max_rss_gb: float) -> dict:
    """Run the importer in a subprocess; kill it past ``timeout`` s or ``max_rss_gb`` GB RSS."""
    command = [
        sys.executable,
        "-m",
        "bench.query_bench",
        "--worker",
        "import",
        "--url",
        url,
        "--csv",
        str(csv),
        "--slug",
        slug,
    ]
    limit_kib = max_rss_gb * 1024 * 1024
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_kib, last_report, reason = 0, start, None
    while process.poll() is None:
        time.sleep(0.5)
        peak_kib = max(peak_kib, _rss_kib(process.pid))
        elapsed = time.perf_counter() - start
        if elapsed > timeout:
            reason = f"import exceeded {timeout:.0f} s"
        elif peak_kib > limit_kib:
            reason = f"import exceeded {max_rss_gb:g} GB RSS"
        if reason:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            break
        if time.perf_counter() - last_report >= 15:
            last_report = time.perf_counter()
            print(
                f"    ... importing: {elapsed:.0f} s elapsed, RSS {_rss_kib(process.pid) / 1024:.0f} MB "
                f"(peak {peak_kib / 1024:.0f} MB)",
                flush=True,
            )
    stdout, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    if reason:
        return {
            "skipped": True,
            "reason": reason,
            "elapsed_s": round(elapsed, 1),
            "peak_rss_mb": round(peak_kib / 1024, 1),
        }
    if process.returncode != 0:
        sys.stderr.write(stdout + stderr)
        raise RuntimeError(f"import worker failed with exit code {process.returncode}")
    line = next(x for x in reversed(stdout.splitlines()) if x.startswith(RESULT_PREFIX))
    result = json.loads(line[len(RESULT_PREFIX) :])
    result["peak_rss_mb"] = round(max(peak_kib, result["maxrss_kib"]) / 1024, 1)
    result["process_seconds"] = round(elapsed, 2)
    return result


# --- the three measured approaches --------------------------------------------------------


def layer_call(slug: str, query: Query):
    from app.config import Config
    from app.db.session import session_scope
    from app.query.estimates import estimate_shares

    with session_scope() as session:  # the threshold of a deployment that leaves FJERNARBEID_MIN_N unset
        return estimate_shares(
            session, slug, query["variable"], by=query["by"], where=query["where"], min_n=Config.min_n
        )


def pandas_call(engine, slug: str, query: Query, missing: dict[str, set[int]]):
    """The "load the microdata into pandas per request" reference: weighted shares per group."""
    import pandas as pd

    with engine.connect() as connection:
        long = pd.read_sql(_sa_text(PANDAS_SQL), connection, params={"slug": slug})
    wide = long.pivot(index=["respondent_id", "weight"], columns="variable", values="code").reset_index()
    variable, by = query["variable"], query["by"]
    keep = wide[variable].notna() & ~wide[variable].isin(missing[variable])
    keep &= wide[by].notna() & ~wide[by].isin(missing[by])
    for filter_variable, codes in query["where"].items():
        keep &= wide[filter_variable].isin(codes)
    base = wide.loc[keep, [by, variable, "weight"]]
    cells = base.groupby([by, variable])["weight"].sum()
    shares = cells / cells.groupby(level=0).transform("sum")
    return {(int(g), int(y)): float(v) for (g, y), v in shares.items()}


def _sa_text(sql: str):
    """PANDAS_SQL in SQLAlchemy's named-parameter style."""
    from sqlalchemy import text

    return text(sql.replace("%(slug)s", ":slug"))


def capture_aggregate(engine, slug: str, query: Query) -> dict:
    """Look up the metadata once; capture the exact SQL + parameters ``cell_aggregates`` sends."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from app.query.estimates import cell_aggregates
    from app.query.metadata import survey_meta

    statements: list[tuple[str, object]] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    with Session(engine) as session:
        meta = survey_meta(session, slug)
        question, by = meta.question(query["variable"]), meta.question(query["by"])
        event.listen(engine, "before_cursor_execute", listener)
        try:
            cells = cell_aggregates(session, meta, question, by, query["where"], False)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    sql, params = statements[-1]
    ((filter_variable, filter_codes),) = query["where"].items()
    long_params = {
        "sid": meta.id,
        "qy": question.id,
        "qg": by.id,
        "qf": meta.question(filter_variable).id,
        "fcodes": list(filter_codes),
    }
    return {
        "meta": meta,
        "question": question,
        "by": by,
        "sql": sql,
        "params": params,
        "cells": cells,
        "long_params": long_params,
        "statements_in_cell_aggregates": len(statements),
    }


def _shown_cells(cells) -> list[tuple]:
    """(group, answer, n) summed over the patterns that meet every filter, groups in the breakdown only."""
    totals: dict[tuple, int] = {}
    for g, y, pattern, n in cells:
        if g is not None and None not in pattern:
            totals[(g, y)] = totals.get((g, y), 0) + n
    return sorted((g, y, n) for (g, y), n in totals.items())


# The same cells from the normalised tables: one join per variable, "don't know" codes excluded.
LONG_TABLE_SQL = """
SELECT g.code AS g, y.code AS y, count(*), sum(r.weight), sum(r.weight * r.weight)
FROM respondent r
JOIN answer y ON y.respondent_id = r.id AND y.question_id = %(qy)s
JOIN answer_option oy ON oy.question_id = y.question_id AND oy.code = y.code AND NOT oy.is_missing
JOIN answer g ON g.respondent_id = r.id AND g.question_id = %(qg)s
JOIN answer_option og ON og.question_id = g.question_id AND og.code = g.code AND NOT og.is_missing
JOIN answer f ON f.respondent_id = r.id AND f.question_id = %(qf)s AND f.code = ANY(%(fcodes)s)
WHERE r.survey_id = %(sid)s
GROUP BY g.code, y.code
"""


def _libpq_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def instrumented_layer_call(engine, slug: str, query: Query) -> dict:
    """One layer call with every statement and transaction event on ``engine`` timed."""
    from sqlalchemy import event

    log: list[dict] = []
    pending: dict = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        pending["start"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        log.append(
            {
                "kind": "statement",
                "sql": " ".join(statement.split())[:110],
                "full_sql": statement,
                "ms": round((time.perf_counter() - pending["start"]) * 1000, 3),
                "rows": cursor.rowcount,
            }
        )

    def on_checkout(dbapi_connection, record, proxy):
        log.append({"kind": "pool checkout (incl. pre-ping)"})

    def on_commit(conn):
        log.append({"kind": "commit"})

    hooks: list[tuple[Any, str, Callable[..., None]]] = [
        (engine, "before_cursor_execute", before),
        (engine, "after_cursor_execute", after),
        (engine.pool, "checkout", on_checkout),
        (engine, "commit", on_commit),
    ]
    for target, name, fn in hooks:
        event.listen(target, name, fn)
    try:
        start = time.perf_counter()
        layer_call(slug, query)
        total = (time.perf_counter() - start) * 1000
    finally:
        for target, name, fn in hooks:
            event.remove(target, name, fn)
    statements = [x for x in log if x["kind"] == "statement"]
    sql_ms = sum(x["ms"] for x in statements)
    aggregate_ms = sum(x["ms"] for x in statements if "GROUP BY" in x["full_sql"])
    for x in statements:
        del x["full_sql"]
    return {
        "total_ms": round(total, 3),
        "statements": len(statements),
        "statement_ms": round(sql_ms, 3),
        "aggregate_ms": round(aggregate_ms, 3),
        "other_statements_ms": round(sql_ms - aggregate_ms, 3),
        "outside_statements_ms": round(total - sql_ms, 3),
        "events": log,
    }


def explain(conn, sql: str, params) -> list[str]:
    with conn.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params, prepare=False)
        return [row[0] for row in cursor.fetchall()]


# --- driver -------------------------------------------------------------------------------


def measure_size(
    db_url: str, engine, pg, slug: str, n: int, repeat: int, pandas_max_rows: int, answers_in_survey: int
) -> list[dict]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app.db.models import AnswerOption, Question, Survey
    from app.query.estimates import cell_aggregates

    with Session(engine) as session:
        rows = session.execute(
            select(Question.variable, AnswerOption.code)
            .join(AnswerOption, AnswerOption.question_id == Question.id)
            .join(Survey, Survey.id == Question.survey_id)
            .where(Survey.slug == slug, AnswerOption.is_missing.is_(True))
        ).all()
    missing: dict[str, set[int]] = {}
    for variable, code in rows:
        missing.setdefault(variable, set()).add(code)
    for q in QUERIES:
        for v in (q["variable"], q["by"], *q["where"]):
            missing.setdefault(v, set())

    out = []
    for query in QUERIES:
        load_before = [round(x, 2) for x in os.getloadavg()]
        print(f"  {query['name']} (load average {load_before[0]:.1f})", flush=True)
        captured = capture_aggregate(engine, slug, query)
        sql, params = captured["sql"], captured["params"]

        def floor():  # never server-side prepared: PostgreSQL plans it for these parameter values
            with pg.cursor() as cursor:
                cursor.execute(sql, params, prepare=False)
                return cursor.fetchall()

        def long_table_sql():
            with pg.cursor() as cursor:
                cursor.execute(LONG_TABLE_SQL, captured["long_params"], prepare=False)
                return cursor.fetchall()

        # Layer, floors and cell_aggregates() alternate within each round, so a busy machine
        # slows them alike; pandas (seconds per call) runs as its own block afterwards.
        with Session(engine) as warm:
            meta, qi, bi = captured["meta"], captured["question"], captured["by"]
            timed = _time_interleaved(
                {
                    "layer": lambda: layer_call(slug, query),
                    "floor": floor,
                    "long_table_sql": long_table_sql,
                    "cell_aggregates": lambda: cell_aggregates(warm, meta, qi, bi, query["where"], False),
                },
                repeat,
            )
            # Instrumented right after the timed rounds, while ``warm`` still holds its connection,
            # so it runs on the pooled connection the timed layer calls used (same prepared-plan state).
            profile = instrumented_layer_call(engine, slug, query)
            warm.rollback()
        (layer, result), (floor_stats, floor_rows), (cell_stats, _), (long_stats, long_rows) = (
            timed["layer"],
            timed["floor"],
            timed["cell_aggregates"],
            timed["long_table_sql"],
        )
        for label, st in (
            ("layer", layer),
            ("floor", floor_stats),
            ("long-table SQL", long_stats),
            ("cell_aggregates()", cell_stats),
        ):
            print(f"    {label:19}: median {st['median_ms']:9.2f} ms, p95 {st['p95_ms']:9.2f} ms", flush=True)

        pandas_stats, pandas_shares, pandas_note = None, None, None
        if answers_in_survey > pandas_max_rows:
            pandas_note = (
                f"skipped: {answers_in_survey:,} answer rows > --pandas-max-rows {pandas_max_rows:,} "
                "(read_sql of all of them would need many GB)"
            )
            print(f"    {'pandas':19}: {pandas_note}", flush=True)
        else:
            pandas_stats, pandas_shares = _time_calls(
                lambda: pandas_call(engine, slug, query, missing), repeat, warmups=WARMUPS
            )
            print(
                f"    {'pandas':19}: median {pandas_stats['median_ms']:9.2f} ms, p95 {pandas_stats['p95_ms']:9.2f} ms",
                flush=True,
            )

        # correctness: the layer's shares equal pandas' (and the floor returns the same cells)
        layer_shares = {(int(r.group_code), int(r.code)): r.estimate for r in result.rows if r.estimate is not None}
        max_diff = None
        if pandas_shares is not None:
            keys = set(layer_shares) | set(pandas_shares)
            max_diff = max(abs(layer_shares.get(k, 0.0) - pandas_shares.get(k, 0.0)) for k in keys)
        # The layer's statement groups by breakdown, answer and one pattern column per filter (the
        # disclosure check's hypercube); the cells shown are those meeting every filter.
        filters = len(query["where"])
        layer_cells = _shown_cells((g, y, pattern, n) for g, y, pattern, n, _, _ in captured["cells"])
        floor_cells = _shown_cells(
            (row[0], row[1], tuple(row[3 : 3 + filters]), row[3 + filters]) for row in floor_rows
        )
        cells_match = floor_cells == layer_cells == sorted((g, y, c) for g, y, c, _, _ in long_rows)

        plan = explain(pg, sql, params)
        long_plan = explain(pg, LONG_TABLE_SQL, captured["long_params"])

        def ratio(a, b):
            return round(a / b, 2) if a is not None and b else None

        out.append(
            {
                "query": query["name"],
                "variable": query["variable"],
                "by": query["by"],
                "where": query["where"],
                "loadavg_before": load_before,
                "loadavg_after": [round(x, 2) for x in os.getloadavg()],
                "groups": len({r.group_code for r in result.rows}),
                "rows_returned": len(result.rows),
                "n_design": result.n_design,
                "n_in_base": sum(n for _g, _y, n in layer_cells),
                "layer": layer,
                "pandas": pandas_stats,
                "pandas_note": pandas_note,
                "sql_floor": floor_stats,
                "long_table_sql": long_stats,
                "cell_aggregates_fn": cell_stats,
                "speedup_vs_pandas_p95": ratio(pandas_stats and pandas_stats["p95_ms"], layer["p95_ms"]),
                "speedup_vs_pandas_median": ratio(pandas_stats and pandas_stats["median_ms"], layer["median_ms"]),
                "layer_over_floor_median": ratio(layer["median_ms"], floor_stats["median_ms"]),
                "layer_over_floor_p95": ratio(layer["p95_ms"], floor_stats["p95_ms"]),
                "max_abs_diff_layer_vs_pandas": max_diff,
                "floor_and_long_table_cells_match_layer": cells_match,
                "aggregate_sql": " ".join(sql.split()),
                "aggregate_params": {k: v for k, v in (params or {}).items()} if isinstance(params, dict) else params,
                "layer_call_profile": profile,
                "explain_analyze": plan,
                "explain_analyze_long_table": long_plan,
            }
        )
    return out


def run_benchmark(args: argparse.Namespace, sizes: list[int]) -> dict:
    import psycopg
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session

    from app.config import Config
    from app.db import session as app_session
    from app.db.migrate import upgrade
    from app.ingest.seed import seed_all

    work_dir = Path(tempfile.mkdtemp(prefix="fjq-data-"))
    atexit.register(shutil.rmtree, work_dir, True)
    print(
        f"Starting database ({'BENCH_DATABASE_URL' if os.environ.get('BENCH_DATABASE_URL') else 'embedded'})...",
        flush=True,
    )
    started = time.perf_counter()
    db = BenchDatabase()
    engine = create_engine(db.url)
    upgrade(engine)
    with Session(engine) as session:
        seed_all(session, surveys=False)
        session.commit()
    with engine.connect() as conn:
        server_version = conn.execute(text("SHOW server_version")).scalar()
        settings = {
            name: conn.execute(text(f"SHOW {name}")).scalar()
            for name in ("shared_buffers", "work_mem", "effective_cache_size", "max_parallel_workers_per_gather", "jit")
        }
    print(
        f"  PostgreSQL {server_version}, database {db.name}: migrated and seeded in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )

    # The layer runs through the app's own engine and session_scope (pool_pre_ping, commit).
    app_session.configure(Config(database_url=db.url, data_dir=work_dir))
    app_engine = app_session.get_engine()
    pg = psycopg.connect(_libpq_url(db.url), autocommit=True)

    results, skipped = [], []
    for n in sizes:
        slug = f"bench_{n}"
        csv_path = work_dir / f"respondents_{n}.csv"
        print(f"\n{n:,} respondents", flush=True)
        start = time.perf_counter()
        info = generate_csv(csv_path, n)
        gen_s = time.perf_counter() - start
        print(f"  generated {info['bytes'] / 1e6:.1f} MB CSV in {gen_s:.1f} s; importing ...", flush=True)
        imported = _import_watched(db.url, csv_path, slug, args.import_timeout, args.import_max_rss_gb)
        csv_path.unlink(missing_ok=True)
        if imported.get("skipped"):
            note = (
                f"{n:,} respondents skipped: {imported['reason']} (after {imported['elapsed_s']} s, "
                f"peak RSS {imported['peak_rss_mb']} MB)"
            )
            print(f"  {note}", flush=True)
            skipped.append({"size": n, **imported, "note": note})
            continue
        if imported["status"] != "succeeded" or imported["respondents"] != n:
            raise RuntimeError(f"import did not succeed: {imported}")
        print(
            f"  imported {imported['answers']:,} answers in {imported['seconds']:.1f} s "
            f"(peak RSS {imported['peak_rss_mb']:.0f} MB); VACUUM ANALYZE ...",
            flush=True,
        )
        start = time.perf_counter()
        pg.execute("VACUUM ANALYZE")
        vacuum_s = time.perf_counter() - start
        count = pg.execute("SELECT count(*) FROM answer").fetchone()
        assert count is not None  # an aggregate without GROUP BY returns one row
        answers_total = count[0]
        print(f"  VACUUM ANALYZE {vacuum_s:.1f} s; answer table now {answers_total:,} rows", flush=True)
        per_query = measure_size(
            db.url, app_engine, pg, slug, n, args.repeat, args.pandas_max_rows, imported["answers"]
        )
        results.append(
            {
                "size": n,
                "slug": slug,
                "csv_bytes": info["bytes"],
                "generate_s": round(gen_s, 2),
                "import_s": round(imported["seconds"], 2),
                "import_peak_rss_mb": imported["peak_rss_mb"],
                "answers_in_survey": imported["answers"],
                "answers_in_database": answers_total,
                "vacuum_analyze_s": round(vacuum_s, 2),
                "queries": per_query,
            }
        )
        _write(args.out, _report(args, db, server_version, settings, results, skipped))  # partial results

    pg.close()
    app_session.configure(Config(database_url=db.url, data_dir=work_dir))  # disposes the app engine
    engine.dispose()
    report = _report(args, db, server_version, settings, results, skipped)
    _write(args.out, report)
    return report


def _report(args, db, server_version, settings, results, skipped) -> dict:
    return {
        "benchmark": "estimate_shares (layer) vs per-request pandas vs bare SQL aggregate (floor)",
        "codebook": str(CODEBOOK.relative_to(REPO_ROOT)),
        "seed": SEED,
        "repeat": args.repeat,
        "warmups": WARMUPS,
        "p95": "numpy.percentile(samples, 95), linear interpolation",
        "server": db.server,
        "postgresql": server_version,
        "postgresql_settings": settings,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "targets": {
            "size": TARGET_SIZE,
            "layer_p95_ms_max": TARGET_P95_MS,
            "speedup_vs_pandas_p95_min": TARGET_SPEEDUP,
            "layer_over_floor_max": TARGET_FLOOR_RATIO,
        },
        "results": results,
        "skipped": skipped,
    }


def _write(path: Path, report: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")


def format_tables(report: dict) -> str:
    headers = [
        "query",
        "layer med",
        "layer p95",
        "pandas med",
        "pandas p95",
        "floor med",
        "floor p95",
        "×pandas (p95)",
        "layer/floor med",
        "layer/floor p95",
        "long-table SQL med",
        "long-table SQL p95",
        "stmts",
    ]
    blocks = []
    for size in report["results"]:
        lines = []
        for q in size["queries"]:
            pandas = q["pandas"]
            lines.append(
                [
                    q["query"],
                    f"{q['layer']['median_ms']:.1f}",
                    f"{q['layer']['p95_ms']:.1f}",
                    f"{pandas['median_ms']:.1f}" if pandas else "skipped",
                    f"{pandas['p95_ms']:.1f}" if pandas else "–",
                    f"{q['sql_floor']['median_ms']:.1f}",
                    f"{q['sql_floor']['p95_ms']:.1f}",
                    f"{q['speedup_vs_pandas_p95']:.1f}×" if q["speedup_vs_pandas_p95"] else "–",
                    f"{q['layer_over_floor_median']:.2f}×",
                    f"{q['layer_over_floor_p95']:.2f}×",
                    f"{q['long_table_sql']['median_ms']:.1f}",
                    f"{q['long_table_sql']['p95_ms']:.1f}",
                    str(q["layer_call_profile"]["statements"]),
                ]
            )
        widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]

        def fmt(cells, widths=widths):
            return (
                "| "
                + " | ".join(
                    c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=False))
                )
                + " |"
            )

        title = (
            f"{size['size']:,} respondents ({size['answers_in_survey']:,} answers; import "
            f"{size['import_s']:.1f} s) — times in ms, {report['repeat']} runs after {report['warmups']} warm-ups"
        )
        blocks.append(
            "\n".join([title, fmt(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(fmt, lines)])
        )
    return "\n\n".join(blocks)


def target_lines(report: dict) -> list[str]:
    lines = []
    for size in report["results"]:
        if size["size"] != TARGET_SIZE:
            continue
        for q in size["queries"]:
            p95 = q["layer"]["p95_ms"]
            speed = q["speedup_vs_pandas_p95"]
            ratio = q["layer_over_floor_p95"]
            checks = [
                f"p95 {p95:.1f} ms {'≤' if p95 <= TARGET_P95_MS else '>'} {TARGET_P95_MS:.0f} ms "
                f"[{'ok' if p95 <= TARGET_P95_MS else 'MISSED'}]",
                (
                    f"{speed:.1f}× vs pandas [{'ok' if speed >= TARGET_SPEEDUP else 'MISSED'}]"
                    if speed
                    else "pandas skipped"
                ),
                f"layer/floor p95 {ratio:.2f}× (median {q['layer_over_floor_median']:.2f}×) "
                f"[{'ok' if ratio <= TARGET_FLOOR_RATIO else 'MISSED'}]",
            ]
            lines.append(f"  {q['query']}: " + "; ".join(checks))
    return lines


def profile_lines(report: dict) -> list[str]:
    lines = []
    for size in report["results"]:
        for q in size["queries"]:
            p = q["layer_call_profile"]
            lines.append(
                f"  {size['size']:>9,} {q['query']}: one layer call {p['total_ms']:.1f} ms = "
                f"aggregate {p['aggregate_ms']:.1f} + {p['statements'] - 1} other statements "
                f"{p['other_statements_ms']:.1f} + outside statements (pool/ping/begin/commit/Python) "
                f"{p['outside_statements_ms']:.1f}; cell_aggregates() med "
                f"{q['cell_aggregates_fn']['median_ms']:.1f} ms; layer≟pandas max |Δ| "
                f"{q['max_abs_diff_layer_vs_pandas'] if q['max_abs_diff_layer_vs_pandas'] is not None else '–'}"
                f"; floor and long-table cells match: {q['floor_and_long_table_cells_match_layer']}"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.query_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500,10000,100000,1000000", help="respondent counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per approach (after 3 warm-ups)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "query.json", help="JSON results file")
    parser.add_argument(
        "--import-timeout",
        type=float,
        default=600.0,
        help="skip a size whose import takes longer than this many seconds",
    )
    parser.add_argument(
        "--import-max-rss-gb",
        type=float,
        default=4.0,
        help="skip a size whose import process grows beyond this resident memory",
    )
    parser.add_argument(
        "--pandas-max-rows",
        type=int,
        default=20_000_000,
        help="skip the pandas reference above this many answer rows in the survey",
    )
    parser.add_argument("--worker", choices=["import"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--slug", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(RESULT_PREFIX + json.dumps(_worker_import(args)), flush=True)
        return 0

    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    if args.repeat < 1 or not sizes or min(sizes) < 1:
        parser.error("--sizes needs positive integers and --repeat at least 1")
    report = run_benchmark(args, sizes)
    print()
    print(format_tables(report))
    for s in report["skipped"]:
        print(f"\nSKIPPED {s['note']}")
    if any(size["size"] == TARGET_SIZE for size in report["results"]):
        print(
            f"\nTargets at {TARGET_SIZE:,} respondents (p95 ≤ {TARGET_P95_MS:.0f} ms, ≥ {TARGET_SPEEDUP:.0f}× "
            f"faster than pandas, ≤ {TARGET_FLOOR_RATIO:.0f}× the bare SQL):"
        )
        print("\n".join(target_lines(report)))
    print("\nWhere one layer call's time goes:")
    print("\n".join(profile_lines(report)))
    largest = report["results"][-1] if report["results"] else None
    if largest:
        print(
            f"\nEXPLAIN (ANALYZE, BUFFERS) of the aggregate, {largest['size']:,} respondents, "
            f"{largest['queries'][0]['query']}:"
        )
        print("\n".join("  " + line for line in largest["queries"][0]["explain_analyze"]))
    print(
        "\nlayer = estimate_shares in a fresh session_scope() per call (app engine, pool_pre_ping); "
        "pandas = read_sql of all the survey's answers + pivot + weighted shares per call; "
        "floor = the captured aggregate SQL (over answer_vector) on a warm autocommit psycopg connection; "
        "long-table SQL = the same cells joined from respondent/answer/answer_option. "
        "Layer, floor, long-table SQL and cell_aggregates() alternate within each round."
    )
    loads = [q["loadavg_before"][0] for size in report["results"] for q in size["queries"]]
    if loads:
        print(
            f"1-minute load average before each query block: {min(loads):.1f}–{max(loads):.1f} "
            f"on {os.cpu_count()} CPUs."
        )
    print(f"Written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
