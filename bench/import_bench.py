"""Survey import benchmark: ``import_survey`` end to end against a PostgreSQL ``COPY`` floor.

Run from the repository root::

    python -m bench.import_bench [--sizes 500,10000,100000] [--repeat 3]

What it does (details in bench/README.md):

1. Starts an embedded PostgreSQL in a temporary directory (or uses ``BENCH_DATABASE_URL``, a
   role allowed to CREATE DATABASE), creates a fresh database, migrates it and loads the
   reference data (``seed_all(surveys=False)``).
2. For each size, writes a synthetic respondent file in the importer's CSV format for the NORCE
   2025 codebook (numpy, fixed seed, vectorised).
3. For each size and repeat, runs in a fresh Python subprocess (so ``ru_maxrss`` is that run's
   own peak): (a) ``import_survey`` + commit; (b) ``COPY`` of the same file into an UNLOGGED
   staging table of as many text columns. A third kind of subprocess only imports the same
   modules and connects: its ``ru_maxrss`` is the baseline subtracted from the import's peak.
4. Prints a table and writes it as JSON to ``bench/results/import.json``.

The subprocess entry point is this module with ``--worker {baseline,import,copy,profile}``.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
CODEBOOK = REPO_ROOT / "seed" / "codebooks" / "norce2025.yaml"
POSTAL_CODES = REPO_ROOT / "seed" / "reference" / "postal_codes.csv"
RESULTS_DIR = REPO_ROOT / "bench" / "results"
STAGING_TABLE = "bench_copy_staging"
ANSWER_STAGING_TABLE = "bench_answer_staging"
ANSWER_COLUMNS = "respondent_id bigint, question_id integer, code smallint, number double precision"
RESULT_PREFIX = "BENCH_RESULT "
SEED = 20250424
MISSING_SHARE = 0.02  # share of answers given the codebook's "ikke sikker" (missing) code
MB = 1024.0  # ru_maxrss is in KiB on Linux


# --- synthetic data -----------------------------------------------------------------------

_ASKED_IF = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$")


def generate_csv(path: Path, n: int, codebook_path: Path = CODEBOOK, seed: int = SEED) -> dict:
    """Write ``n`` valid respondents for ``codebook_path`` to ``path``; return a small summary.

    Every cell is drawn with numpy in one vectorised call per column, so 100 000 rows take
    about a second, most of it in ``DataFrame.to_csv``.

    - ``id``: B0000001, B0000002, ...
    - postal codes: uniform over the category G/B codes in seed/reference/postal_codes.csv
      (street and street-and-box codes, as in seed/data), written as 4-digit strings;
    - birth year: uniform over ages 25–60 in the survey year, clipped to the question's range;
    - other numbers: small integers from the question's minimum (Poisson), clipped to its range;
    - coded questions: a valid code from ``options``; the missing ("ikke sikker") codes get
      ``MISSING_SHARE`` of answers together, the other codes share the rest uniformly;
    - ``asked_if`` routing (``q13``/``q14`` when ``q12 < 6``) leaves the cell empty when false;
    - ``vekt``: log-normal weights rescaled to mean 1.
    """
    import numpy as np
    import pandas as pd

    from app.ingest.codebook import load_codebook

    codebook = load_codebook(codebook_path)
    rng = np.random.default_rng([seed, n])
    postal = pd.read_csv(POSTAL_CODES, dtype=str, keep_default_na=False)
    postal_pool = postal.loc[postal["kategori"].isin(["G", "B"]), "postnummer"].to_numpy(dtype=str)

    numbers = np.arange(1, n + 1)
    columns: dict[str, object] = {"id": np.char.add("B", np.char.zfill(numbers.astype(str), 7))}
    raw: dict[str, np.ndarray] = {}
    for q in codebook.questions:
        if q.type == "postal_code":
            columns[q.variable] = postal_pool[rng.integers(0, len(postal_pool), n)]
            continue
        if q.options:
            codes = np.array([o.code for o in q.options])
            missing = np.array([o.missing for o in q.options])
            p = np.where(
                missing,
                MISSING_SHARE / max(missing.sum(), 1),
                (1 - (MISSING_SHARE if missing.any() else 0)) / (~missing).sum(),
            )
            values = rng.choice(codes, size=n, p=p / p.sum())
        elif q.type == "year":
            low = codebook.survey.year - 60 if q.min is None else max(q.min, codebook.survey.year - 60)
            high = codebook.survey.year - 25 if q.max is None else min(q.max, codebook.survey.year - 25)
            values = rng.integers(int(low), int(high) + 1, n)
        else:
            low = 0 if q.min is None else int(q.min)
            high = low + 10 if q.max is None else int(q.max)
            values = np.clip(low + rng.poisson(1.5, n), low, high)
        raw[q.variable] = values
        columns[q.variable] = values

    routed = 0
    for q in codebook.questions:
        match = _ASKED_IF.match(q.asked_if or "")
        if not match or match.group(1) not in raw:
            continue
        source, op, value = raw[match.group(1)], match.group(2), float(match.group(3))
        asked = {
            "<": source < value,
            "<=": source <= value,
            ">": source > value,
            ">=": source >= value,
            "==": source == value,
            "!=": source != value,
        }[op]
        column = pd.array(raw[q.variable], dtype="Int64")
        column[~asked] = pd.NA
        columns[q.variable] = column
        routed += int((~asked).sum())

    weights = rng.lognormal(0.0, 0.3, n)
    columns["vekt"] = weights / weights.mean()
    frame = pd.DataFrame(columns)
    frame.to_csv(path, index=False, float_format="%.6f", lineterminator="\n")
    return {
        "questions": len(codebook.questions),
        "derived": len(codebook.derived),
        "columns": frame.shape[1],
        "empty_cells": routed,
        "bytes": path.stat().st_size,
    }


# --- subprocess workers -------------------------------------------------------------------


def _maxrss_kib() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _setup(url: str):
    """What every worker does before measuring: import the modules, create the engine, connect."""
    import numpy  # noqa: F401
    import pandas  # noqa: F401
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session  # noqa: F401

    import app.ingest.survey_import  # noqa: F401

    engine = create_engine(url)
    with engine.connect() as connection:  # the pooled connection is reused by the measured step
        connection.execute(text("SELECT 1"))
    return engine


def _worker(args: argparse.Namespace) -> dict:
    engine = _setup(args.url)
    out: dict = {"mode": args.worker}
    if args.worker == "baseline":
        pass
    elif args.worker in ("import", "profile"):
        from sqlalchemy.orm import Session

        from app.ingest.survey_import import import_survey

        def run():
            with Session(engine) as session:
                result = import_survey(session, Path(args.csv), CODEBOOK, slug=args.slug, created_by="bench")
                session.commit()
            return result

        if args.worker == "profile":
            import cProfile

            profiler = cProfile.Profile()
            start = time.perf_counter()
            result = profiler.runcall(run)
            out["seconds"] = time.perf_counter() - start
            profiler.dump_stats(args.profile_out)
        else:
            start = time.perf_counter()
            result = run()
            out["seconds"] = time.perf_counter() - start
        out.update(status=result.status, respondents=result.respondents, answers=result.answers)
    elif args.worker == "copy":
        raw = engine.raw_connection()
        try:
            connection = raw.driver_connection
            start = time.perf_counter()
            with connection.cursor() as cursor, Path(args.csv).open("rb") as handle:
                statement = (
                    f"COPY {STAGING_TABLE} FROM STDIN (FORMAT csv, HEADER true)"
                    if args.target == "csv"
                    else f"COPY {ANSWER_STAGING_TABLE} FROM STDIN"
                )
                with cursor.copy(statement) as copy:
                    while block := handle.read(1 << 20):
                        copy.write(block)
                rows = cursor.rowcount
            connection.commit()
            out["seconds"] = time.perf_counter() - start
            out["rows"] = rows
        finally:
            raw.close()
    engine.dispose()
    out["maxrss_kib"] = _maxrss_kib()
    return out


def _run_worker(
    mode: str,
    url: str,
    csv: Path | None = None,
    slug: str | None = None,
    profile_out: Path | None = None,
    target: str = "csv",
) -> dict:
    command = [sys.executable, "-m", "bench.import_bench", "--worker", mode, "--url", url, "--target", target]
    if csv is not None:
        command += ["--csv", str(csv)]
    if slug is not None:
        command += ["--slug", slug]
    if profile_out is not None:
        command += ["--profile-out", str(profile_out)]
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise RuntimeError(f"worker {mode} failed with exit code {completed.returncode}")
    line = next(x for x in reversed(completed.stdout.splitlines()) if x.startswith(RESULT_PREFIX))
    result = json.loads(line[len(RESULT_PREFIX) :])
    result["process_seconds"] = elapsed
    return result


# --- database -----------------------------------------------------------------------------


class BenchDatabase:
    """A fresh, migrated, reference-seeded database on an embedded or given server."""

    def __init__(self, keep: bool = False):
        import psycopg
        from sqlalchemy.engine import make_url

        from app.db.embedded import to_sqlalchemy_url

        given = os.environ.get("BENCH_DATABASE_URL")
        self.name = f"fjb_{uuid.uuid4().hex[:10]}"
        if given:
            self.server = "BENCH_DATABASE_URL"
            admin = to_sqlalchemy_url(given)
            self._libpq_admin = make_url(admin).set(drivername="postgresql").render_as_string(hide_password=False)
            with psycopg.connect(self._libpq_admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
            self.url = make_url(admin).set(database=self.name).render_as_string(hide_password=False)
            if not keep:
                atexit.register(self._drop)
        else:
            from app.db.embedded import embedded_database_url

            self.server = "embedded"
            data_dir = Path(tempfile.mkdtemp(prefix="fjb-pg-"))
            data_dir.chmod(0o755)  # the server runs as another user when we are root
            # atexit is LIFO: registered before the server's own stop handler, so this runs after it.
            atexit.register(shutil.rmtree, data_dir, True)
            self.url = embedded_database_url(data_dir, self.name)

    def _drop(self) -> None:
        import psycopg

        with psycopg.connect(self._libpq_admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def prepare(self, staging_columns: int) -> str:
        from sqlalchemy import create_engine, text
        from sqlalchemy.orm import Session

        from app.db.migrate import upgrade
        from app.ingest.seed import seed_all

        self.engine = create_engine(self.url)
        upgrade(self.engine)
        with Session(self.engine) as session:
            seed_all(session, surveys=False)
            session.commit()
        columns = ", ".join(f"c{i} text" for i in range(1, staging_columns + 1))
        with self.engine.begin() as conn:
            conn.execute(text(f"CREATE UNLOGGED TABLE {STAGING_TABLE} ({columns})"))
            conn.execute(text(f"CREATE UNLOGGED TABLE {ANSWER_STAGING_TABLE} ({ANSWER_COLUMNS})"))
            version = conn.execute(text("SHOW server_version")).scalar()
        return str(version)

    def execute(self, *statements: str, autocommit: bool = False):
        from sqlalchemy import text

        options = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
        with self.engine.connect().execution_options(**options) as conn:
            results = [conn.execute(text(s)) for s in statements]
            values = [r.scalar() if r.returns_rows else None for r in results]
            if not autocommit:
                conn.commit()
        return values

    def count_survey_answers(self, slug: str) -> int:
        return self.execute(
            "SELECT count(*) FROM answer a JOIN question q ON q.id = a.question_id "
            f"JOIN survey s ON s.id = q.survey_id WHERE s.slug = '{slug}'"
        )[0]

    def clear_surveys(self) -> None:
        """Empty the survey tables (only bench data is in them) so every run starts alike."""
        self.execute(
            "TRUNCATE answer, answer_option, respondent, question, survey",
            "DELETE FROM import_batch WHERE kind = 'survey'",
        )
        self.execute("VACUUM ANALYZE", "CHECKPOINT", autocommit=True)

    def dump_answers(self, path: Path) -> None:
        """Write the answer rows as stored (text COPY format) to ``path``."""
        raw = self.engine.raw_connection()
        try:
            connection = raw.driver_connection
            assert connection is not None  # a connection just checked out of the pool is open
            with connection.cursor() as cursor, path.open("wb") as handle:
                with cursor.copy(
                    "COPY (SELECT respondent_id, question_id, code, number FROM answer) TO STDOUT"
                ) as copy:
                    for block in copy:
                        handle.write(block)
            connection.commit()
        finally:
            raw.close()

    def clear_staging(self) -> None:
        self.execute(f"TRUNCATE {STAGING_TABLE}, {ANSWER_STAGING_TABLE}")
        self.execute("CHECKPOINT", autocommit=True)


# --- driver -------------------------------------------------------------------------------


def _mb(kib: float) -> float:
    return kib / MB


def run_benchmark(sizes: list[int], repeat: int, out_path: Path, profile: bool, keep_files: bool) -> dict:
    load_start = [round(x, 2) for x in os.getloadavg()]
    work_dir = Path(tempfile.mkdtemp(prefix="fjb-data-"))
    if not keep_files:
        atexit.register(shutil.rmtree, work_dir, True)
    else:
        print(f"Generated files are kept in {work_dir}")

    print(
        f"Starting database ({'BENCH_DATABASE_URL' if os.environ.get('BENCH_DATABASE_URL') else 'embedded'})...",
        flush=True,
    )
    started = time.perf_counter()
    db = BenchDatabase()
    from app.ingest.codebook import load_codebook

    codebook = load_codebook(CODEBOOK)
    staging_columns = 1 + len(codebook.questions) + 1  # id, questions, vekt
    server_version = db.prepare(staging_columns)
    print(
        f"  PostgreSQL {server_version}, database {db.name}: migrated and seeded in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )

    baselines = [_run_worker("baseline", db.url)["maxrss_kib"] for _ in range(repeat)]
    baseline_kib = statistics.median(baselines)
    print(f"  baseline subprocess (imports + connect): {_mb(baseline_kib):.1f} MB max RSS", flush=True)

    rows_out = []
    for n in sizes:
        csv_path = work_dir / f"respondents_{n}.csv"
        start = time.perf_counter()
        info = generate_csv(csv_path, n)
        gen_seconds = time.perf_counter() - start
        print(f"\n{n} respondents: generated {info['bytes'] / 1e6:.1f} MB CSV in {gen_seconds:.2f} s", flush=True)
        slug = f"bench_{n}"
        imports, copies, answer_copies = [], [], []
        answers_path = work_dir / f"answers_{n}.tsv"
        for r in range(repeat):
            db.clear_surveys()
            result = _run_worker("import", db.url, csv_path, slug)
            if result["status"] != "succeeded" or result["respondents"] != n:
                raise RuntimeError(f"import did not succeed: {result}")
            result["answers_in_db"] = db.count_survey_answers(slug)
            imports.append(result)
            print(
                f"  import #{r + 1}: {result['seconds']:.2f} s, max RSS {_mb(result['maxrss_kib']):.1f} MB, "
                f"{result['answers']} answers",
                flush=True,
            )
            db.clear_staging()
            copy = _run_worker("copy", db.url, csv_path)
            if copy["rows"] != n:
                raise RuntimeError(f"COPY loaded {copy['rows']} rows, expected {n}")
            copies.append(copy)
            print(f"  COPY   #{r + 1}: {copy['seconds']:.3f} s, max RSS {_mb(copy['maxrss_kib']):.1f} MB", flush=True)
            if r == 0:
                db.dump_answers(answers_path)
            db.clear_staging()
            answer_copy = _run_worker("copy", db.url, answers_path, target="answers")
            if answer_copy["rows"] != result["answers"]:
                raise RuntimeError(f"answer COPY loaded {answer_copy['rows']} rows, expected {result['answers']}")
            answer_copies.append(answer_copy)
            print(f"  COPY answer rows #{r + 1}: {answer_copy['seconds']:.3f} s", flush=True)

        import_median = statistics.median(x["seconds"] for x in imports)
        copy_median = statistics.median(x["seconds"] for x in copies)
        peak_kib = statistics.median(x["maxrss_kib"] for x in imports)
        rows_out.append(
            {
                "size": n,
                "questions": info["questions"],
                "derived_variables": info["derived"],
                "respondents_x_questions": n * info["questions"],
                "answers_written": imports[-1]["answers"],
                "answers_in_db": imports[-1]["answers_in_db"],
                "csv_bytes": info["bytes"],
                "generate_seconds": round(gen_seconds, 3),
                "import_seconds": [round(x["seconds"], 4) for x in imports],
                "import_median_s": round(import_median, 4),
                "copy_seconds": [round(x["seconds"], 4) for x in copies],
                "copy_median_s": round(copy_median, 4),
                "ratio_import_to_copy": round(import_median / copy_median, 1),
                "answer_rows_copy_seconds": [round(x["seconds"], 4) for x in answer_copies],
                "answer_rows_copy_median_s": round(statistics.median(x["seconds"] for x in answer_copies), 4),
                "import_peak_rss_mb": round(_mb(peak_kib), 1),
                "import_peak_rss_over_baseline_mb": round(_mb(peak_kib - baseline_kib), 1),
                "copy_peak_rss_over_baseline_mb": round(
                    _mb(statistics.median(x["maxrss_kib"] for x in copies) - baseline_kib), 1
                ),
                "baseline_rss_mb": round(_mb(baseline_kib), 1),
                "respondents_per_s": round(n / import_median),
                "answers_per_s": round(imports[-1]["answers"] / import_median),
            }
        )

    profile_info = None
    if profile and sizes:
        n = max(sizes)
        db.clear_surveys()
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        stats_path = RESULTS_DIR / f"import_profile_{n}.pstats"
        result = _run_worker("profile", db.url, work_dir / f"respondents_{n}.csv", f"bench_{n}", stats_path)
        profile_info = {"size": n, "seconds_under_cprofile": round(result["seconds"], 2), "pstats": str(stats_path)}
        print(f"\ncProfile of the {n}-respondent import ({result['seconds']:.1f} s under the profiler): {stats_path}")
        import pstats

        pstats.Stats(str(stats_path)).sort_stats("tottime").print_stats(20)

    db.clear_surveys()
    report = {
        "benchmark": "survey import (app.ingest.survey_import.import_survey) vs PostgreSQL COPY floor",
        "codebook": str(CODEBOOK.relative_to(REPO_ROOT)),
        "seed": SEED,
        "repeat": repeat,
        "server": db.server,
        "postgresql": server_version,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "loadavg_start": load_start,  # other work on the machine makes timings noisy; check these
        "loadavg_end": [round(x, 2) for x in os.getloadavg()],
        "baseline_rss_mb_runs": [round(_mb(b), 1) for b in baselines],
        "results": rows_out,
        "profile": profile_info,
    }
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def format_table(rows: list[dict]) -> str:
    headers = [
        "size",
        "resp×questions",
        "answers written",
        "import med (s)",
        "COPY floor med (s)",
        "ratio",
        "import peak RSS −base (MB)",
        "baseline RSS (MB)",
        "rows/s",
        "answer-rows COPY (s)",
    ]
    lines = [
        [
            f"{r['size']:,}",
            f"{r['size']:,}×{r['questions']} = {r['respondents_x_questions']:,}",
            f"{r['answers_written']:,}",
            f"{r['import_median_s']:.2f}",
            f"{r['copy_median_s']:.3f}",
            f"{r['ratio_import_to_copy']:.1f}×",
            f"{r['import_peak_rss_over_baseline_mb']:.1f}",
            f"{r['baseline_rss_mb']:.1f}",
            f"{r['respondents_per_s']:,}",
            f"{r['answer_rows_copy_median_s']:.2f}",
        ]
        for r in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]

    def fmt(cells):
        return "| " + " | ".join(c.rjust(w) for c, w in zip(cells, widths, strict=False)) + " |"

    return "\n".join([fmt(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(fmt, lines)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500,10000,100000", help="respondent counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; medians are reported")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "import.json", help="JSON results file")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also run cProfile on one import of the largest size and print the top functions",
    )
    parser.add_argument("--keep-files", action="store_true", help="keep the generated CSV files (path printed)")
    # subprocess entry point
    parser.add_argument("--worker", choices=["baseline", "import", "copy", "profile"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--slug", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    parser.add_argument("--target", choices=["csv", "answers"], default="csv", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(RESULT_PREFIX + json.dumps(_worker(args)), flush=True)
        return 0

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.repeat < 1 or not sizes or min(sizes) < 1:
        parser.error("--sizes needs positive integers and --repeat at least 1")
    report = run_benchmark(sizes, args.repeat, args.out, args.profile, args.keep_files)
    print()
    print(format_table(report["results"]))
    print(
        f"\nCOPY floor: the same CSV into an UNLOGGED table of {report['results'][0]['questions'] + 2} text columns, "
        "no indexes or constraints. Answer-rows COPY: the rows the importer wrote to answer, COPYed into an "
        "UNLOGGED table of the same four column types, no indexes or constraints.\n"
        "RSS is the importing process only (not the PostgreSQL server); rows/s = respondents per second."
    )
    print(f"Written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
