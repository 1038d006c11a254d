"""Server time of each page's main callback, on the demo survey and on 100 000 respondents.

    python -m bench.pages_bench [--repeat 20] [--size 100000]

Builds a database (embedded PostgreSQL, or BENCH_DATABASE_URL's server) with the demo data and
a generated survey of ``--size`` respondents imported by the real importer, then times each
page's ``render(lang, search)`` — the function behind the callback that redraws the page when
its URL state changes — inside a Flask request context, for the filter states the load test
uses. The reference measured in the same run is ``SELECT 1`` through the same engine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from bench.load_test import SEARCHES

ROOT = Path(__file__).resolve().parents[1]


def _stats(samples: list[float]) -> dict:
    ordered = sorted(s * 1000 for s in samples)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1),
    }


def _timed(fn, repeat: int) -> dict:
    for _ in range(2):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return _stats(samples)


def build_database(size: int) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session

    from app.db import migrate
    from app.ingest.seed import seed_all
    from app.ingest.survey_import import import_survey
    from bench.import_bench import BenchDatabase, generate_csv

    db = BenchDatabase()
    engine = create_engine(db.url)
    migrate.upgrade(engine)
    with Session(engine) as session:
        seed_all(session)
        session.commit()
    if size:
        csv = Path(tempfile.mkdtemp(prefix="fjb-pages-")) / f"survey_{size}.csv"
        generate_csv(csv, size)
        print(f"importing {size} respondents …", flush=True)
        started = time.perf_counter()
        with Session(engine) as session:
            import_survey(session, csv, ROOT / "seed" / "codebooks" / "norce2025.yaml", slug=f"bench_{size}")
            session.commit()
        print(f"  imported in {time.perf_counter() - started:.0f} s", flush=True)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return db.url


def run(args) -> dict:
    from sqlalchemy import text

    from app.config import Config
    from app.db.session import get_engine
    from app.web import create_app
    from app.web.pages import pages

    url = build_database(args.size)
    app = create_app(Config(database_url=url, data_dir=Path(tempfile.mkdtemp()), secret_key="bench"))
    surveys = ["demo_national"] + ([f"bench_{args.size}"] if args.size else [])
    report: dict = {"repeat": args.repeat, "size": args.size, "pages": {}}
    with app.server.test_request_context("/"):

        def reference():
            with get_engine().connect() as conn:
                conn.execute(text("SELECT 1"))

        report["reference_select_1"] = _timed(reference, args.repeat)
        for page in pages():
            name = page.__name__.rsplit(".", 1)[1]
            render = getattr(page, "render", None)
            if render is None or name not in SEARCHES:
                continue
            for survey in surveys:
                searches = [s.format(s=survey) for s in SEARCHES[name]]
                samples = []
                for search in searches:
                    for _ in range(2):
                        render("nb", search)
                    for _ in range(max(1, args.repeat // len(searches))):
                        started = time.perf_counter()
                        render("nb", search)
                        samples.append(time.perf_counter() - started)
                report["pages"][f"{name} [{survey}]"] = _stats(samples)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--size", type=int, default=100_000, help="respondents in the large survey (0: none)")
    args = parser.parse_args()
    report = run(args)
    ref = report["reference_select_1"]
    print(f"\nreference SELECT 1: median {ref['median_ms']} ms, p95 {ref['p95_ms']} ms")
    print(f"{'page [survey]':40} {'median ms':>10} {'p95 ms':>8} {'p95 / ref':>10}")
    for name, row in report["pages"].items():
        ratio = row["p95_ms"] / ref["p95_ms"] if ref["p95_ms"] else float("nan")
        print(f"{name:40} {row['median_ms']:>10} {row['p95_ms']:>8} {ratio:>10.0f}")
    out = ROOT / "bench" / "results" / "pages.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
