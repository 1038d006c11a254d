"""Load test: simulated users clicking through filters against gunicorn, on loopback only.

    python -m bench.load_test [--users 50] [--seconds 60] [--workers 4] [--survey demo_national]
    python -m bench.load_test --cache-mb 0 --distinct      # every request a state nobody asked for before
    python -m bench.load_test --cache-mb 0 --distinct --compare-processes --workers 1   # two app processes vs one

Starts gunicorn (``app.wsgi:server``) on a free 127.0.0.1 port against ``DATABASE_URL`` (or an
embedded PostgreSQL seeded with the demo data), then runs ``--users`` threads for ``--seconds``:
each user repeatedly asks for one page's main callback (the one driven by ``<page>-url.search``)
as the browser does after a click, with a think time of 0.2–1 s between clicks.

- By default the state is drawn at random from a few per page and a language (15 states × 3
  languages = 45 distinct requests), so most answers come from the response cache, as in a
  meeting where many open the same views.
- ``--distinct``: every request asks for a state no one asked for before. For each page the
  states are generated from what the database holds (every survey; for the survey page each
  question × breakdown × one filter value × language, for the mobility page job counts ×
  conditions × age groups × regions × language, and so on), shuffled, and each is handed out
  once. A page whose states are used up is no longer asked for (the report gives how many each
  page had). With ``--cache-mb 0`` this measures computing every request.

Reports requests, errors, median, p95 and p99 latency and requests per second per CPU
(``os.cpu_count()``, shared with the simulated users) overall, per page and split by whether the
server's response cache answered (``hit``) or the page was computed (``miss``), and the same for
a reference request (``/health``) measured in the same run. ``--cache-mb 0`` switches the
response cache off. Every loop is bounded in time and stops by itself.

Target (issue 10 §3) for ``--cache-mb 0 --distinct`` with 50 users on 2 cores: p95 ≤ 1.5 s, no errors.

``--compare-processes`` (issue 24 §3): one app process against the database, then two — each a gunicorn of
``--workers`` × ``--threads`` with its own data directory, as two containers behind one proxy — with the
simulated users spread over them in turn (user i to process i mod 2), as a proxy balancing its clients'
connections does. Phases 1, 2, 2, 1 of ``--seconds`` each, fresh
processes every phase; it prints each phase and the ratio of two processes' callbacks per second to one's
(``bench/results/load-processes.json``).
"""

from __future__ import annotations

import argparse
import atexit
import datetime
import itertools
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

from bench.common import commit, save_report

ROOT = Path(__file__).resolve().parents[1]

SEARCHES = {
    "overview": ["?survey={s}&region=hardangerradet", "?survey={s}&region=norge", "?survey={s}"],
    "survey": [
        "?survey={s}&question=q22&by=age_group",
        "?survey={s}&question=q23&by=centrality&f_gender=2",
        "?survey={s}&question=q12&by=education",
        "?survey={s}&question=factory_index&by=gender",
    ],
    "relationships": ["?survey={s}"],
    "mobility": [
        "?survey={s}&region=hardangerradet",
        "?survey={s}&jobs=1400000&filters=none",
        "?survey={s}&jobs=1200000&filters=attractive,take_job&region=norge",
    ],
    "coworking": ["?region=hardangerradet&survey={s}", "?region=hardangerradet&status=active&survey={s}"],
    "measures": ["?survey={s}&region=hardangerradet"],
    "about": ["?survey={s}"],
}


LANGUAGES = ("nb", "nn", "en")
TARGET_P95_MS = 1500.0

# Parameter values the pages accept (a value a page does not know falls back to its default with a notice).
BREAKDOWNS = ("none", "age_group", "gender", "education", "centrality", "home_office_3plus")
FILTER_DIMENSIONS = ("age_group", "gender", "education", "centrality", "home_office_3plus")
MOBILITY_CONDITIONS = ("attractive", "take_job", "travel")
MOBILITY_JOBS = range(1_000_000, 1_600_001, 50_000)
COWORKING_STATUSES = ("active", "planned", "closed")
MEASURE_STATUSES = ("all", "not_started", "planned", "in_progress", "done", "paused")
NATIONAL = "norge"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from app.db import migrate
    from app.db.embedded import embedded_database_url
    from app.ingest.seed import seed_all

    data_dir = Path(tempfile.mkdtemp(prefix="fj-load-"))
    data_dir.chmod(0o755)
    url = embedded_database_url(data_dir, "fjernarbeid")
    engine = create_engine(url)
    migrate.upgrade(engine)
    with Session(engine) as session:
        seed_all(session)
        session.commit()
    return url


def main_callbacks(base: str) -> dict[str, dict]:
    """For each page, the request that recomputes its content from the URL state."""
    return main_callbacks_in(requests.get(base + "/_dash-dependencies", timeout=30).json())


def main_callbacks_in(deps: list[dict]) -> dict[str, dict]:
    """``main_callbacks`` from the answer of ``/_dash-dependencies``: the callbacks whose inputs are the page's address,
    ``<page>-url.search`` and ``<page>-url.pathname``."""
    found = {}
    for dep in deps:
        inputs = dep["inputs"]
        if (
            [i["property"] for i in inputs] == ["search", "pathname"]
            and inputs[0]["id"].endswith("-url")
            and inputs[1]["id"] == inputs[0]["id"]
        ):
            page = inputs[0]["id"][: -len("-url")]
            outputs = dep["output"].strip(".").split("...")
            found[page] = {
                "output": dep["output"],
                "outputs": [dict(zip(("id", "property"), o.split("."), strict=False)) for o in outputs]
                if dep["output"].startswith("..")
                else dict(zip(("id", "property"), dep["output"].split("."), strict=False)),
                "input_id": inputs[0]["id"],
                "state": dep.get("state", []),
            }
    return found


def payload(callback: dict, search: str) -> dict:
    return {
        "output": callback["output"],
        "outputs": callback["outputs"],
        "inputs": [
            {"id": callback["input_id"], "property": "search", "value": search},
            {"id": callback["input_id"], "property": "pathname", "value": None},  # the page's own path
        ],
        "changedPropIds": [callback["input_id"] + ".search"],
        "state": [{"id": s["id"], "property": s["property"], "value": None} for s in callback["state"]],
    }


def distinct_states(url: str, seed: int = 1) -> dict[str, list[str]]:
    """For each page, every state (query string with language) to hand out once, shuffled."""
    from sqlalchemy import create_engine, text

    from app.db.embedded import to_sqlalchemy_url

    engine = create_engine(to_sqlalchemy_url(url))
    with engine.connect() as conn:
        surveys: list[str] = list(conn.execute(text("SELECT slug FROM survey ORDER BY slug")).scalars())
        regions: list[str] = [*conn.execute(text("SELECT slug FROM region ORDER BY slug")).scalars(), NATIONAL]
        coded = conn.execute(
            text(
                "SELECT s.slug, q.variable, array_agg(o.code ORDER BY o.position) FROM question q "
                "JOIN survey s ON s.id = q.survey_id JOIN answer_option o ON o.question_id = q.id "
                "WHERE NOT o.is_missing GROUP BY s.slug, q.variable ORDER BY s.slug, q.variable"
            )
        ).all()
    engine.dispose()
    codes: dict[tuple[str, str], list[int]] = {(row[0], row[1]): list(row[2]) for row in coded}
    subsets = [
        ",".join(c) for n in range(len(MOBILITY_CONDITIONS) + 1) for c in itertools.combinations(MOBILITY_CONDITIONS, n)
    ]
    states: dict[str, list[str]] = {page: [] for page in SEARCHES}
    for s, lang in itertools.product(surveys, LANGUAGES):
        questions = [v for (slug, v) in codes if slug == s and v not in FILTER_DIMENSIONS]
        filters = [""] + [f"&f_{d}={c}" for d in FILTER_DIMENSIONS for c in codes.get((s, d), [])]
        ages = [""] + [f"&age={c}" for c in codes.get((s, "age_group"), [])]
        states["survey"] += [
            f"?survey={s}&question={q}&by={b}{f}&lang={lang}"
            for q, b, f in itertools.product(questions, BREAKDOWNS, filters)
        ]
        states["mobility"] += [
            f"?survey={s}&region={r}&jobs={j}&filters={c or 'none'}{a}&lang={lang}"
            for r, j, c, a in itertools.product(regions, MOBILITY_JOBS, subsets, ages)
        ]
        states["overview"] += [f"?survey={s}&region={r}&lang={lang}" for r in regions]
        states["coworking"] += [
            f"?survey={s}&region={r}&status={st or 'active'}&lang={lang}"
            for r in regions
            for st in (",".join(c) for n in (1, 2, 3) for c in itertools.combinations(COWORKING_STATUSES, n))
        ]
        states["measures"] += [
            f"?survey={s}&region={r}&status={st}&lang={lang}" for r in regions for st in MEASURE_STATUSES
        ]
        states["relationships"].append(f"?survey={s}&lang={lang}")
        states["about"].append(f"?survey={s}&lang={lang}")
    rng = random.Random(seed)
    for page_states in states.values():
        rng.shuffle(page_states)
    return states


def start_server(url: str, args, workers: int | None = None) -> tuple[subprocess.Popen, str]:
    """One app process (a gunicorn master with its workers, as one container runs it) on a free loopback port,
    with a data directory of its own; it and its address, once ``/health`` answers."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "FJERNARBEID_DATA_DIR": _scratch("fj-load-app-"),
    }
    if args.cache_mb is not None:
        env["FJERNARBEID_CACHE_MB"] = str(args.cache_mb)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers or args.workers),
            "--threads",
            str(args.threads),
            "--timeout",
            "60",
            "app.wsgi:server",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(base + "/health", timeout=5).status_code == 200:
                return server, base
        except requests.RequestException:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            stop_server(server)
            raise SystemExit("gunicorn did not start")
        time.sleep(0.3)


def _scratch(prefix: str) -> str:
    """A directory of this run's own, removed when the run ends."""
    folder = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=30)


def drive(args, bases: list[str], callbacks: dict, pages: list[str], unused: dict[str, list[str]]) -> dict:
    """``args.users`` simulated users for ``args.seconds``, spread over ``bases`` in turn (user i asks
    ``bases[i % len(bases)]``, as a proxy balancing its clients' connections over several app processes; handing
    each request to the next process instead leaves a user's connection to each idle beyond gunicorn's keep-alive
    of 2 s, and the reused connection is then reset). The raw results and the time taken."""
    results: list[tuple[str, float, bool, str | None]] = []
    lock = threading.Lock()
    started_at = time.monotonic()
    stop_at = started_at + args.seconds

    def next_request(rng: random.Random) -> tuple[str, str | None]:
        """A page and the query string to ask it for (None: the /health reference)."""
        if not args.distinct:
            page = rng.choice(pages + ["health"])
            if page == "health":
                return page, None
            return page, rng.choice(SEARCHES[page]).format(s=args.survey) + "&lang=" + rng.choice(LANGUAGES)
        with lock:
            left = [p for p in pages if unused[p]]
            page = rng.choice(left + ["health"])
            return page, (unused[page].pop() if page != "health" else None)

    def user(seed: int) -> None:
        rng = random.Random(seed)
        session = requests.Session()
        base = bases[seed % len(bases)]
        while time.monotonic() < stop_at:
            page, search = next_request(rng)
            started = time.perf_counter()
            cache = None
            try:
                if search is None:
                    ok = session.get(base + "/health", timeout=30).status_code == 200
                else:
                    response = session.post(
                        base + "/_dash-update-component", json=payload(callbacks[page], search), timeout=30
                    )
                    text = response.text
                    ok = response.status_code == 200 and "Traceback" not in text and '"color":"danger"' not in text
                    cache = response.headers.get("X-Fjernarbeid-Cache")
            except requests.RequestException:
                ok = False
            with lock:
                results.append((page, time.perf_counter() - started, ok, cache))
            time.sleep(rng.uniform(0.2, 1.0))  # think time between clicks

    load_before = os.getloadavg()
    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(args.users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=args.seconds + 60)
    return {
        "results": results,
        "elapsed": time.monotonic() - started_at,
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
    }


def summary(rows: list, elapsed: float) -> dict:
    cpus = os.cpu_count() or 1
    times = sorted(r[1] * 1000 for r in rows)
    if not times:
        return {"requests": 0}

    def pct(q: float) -> float:
        return round(times[min(len(times) - 1, int(q * len(times)))], 1)

    return {
        "requests": len(rows),
        "errors": sum(not r[2] for r in rows),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "per_second": round(len(rows) / elapsed, 2),
        "per_second_per_cpu": round(len(rows) / elapsed / cpus, 2),
    }


def run(args) -> dict:
    url = database_url()
    server, base = start_server(url, args)
    try:
        callbacks = main_callbacks(base)
        pages = [p for p in SEARCHES if p in callbacks]
        unused = {p: states for p, states in distinct_states(url).items() if p in pages} if args.distinct else {}
        available = {p: len(states) for p, states in unused.items()}
        driven = drive(args, [base], callbacks, pages, unused)
    finally:
        stop_server(server)
    results, elapsed = driven["results"], driven["elapsed"]
    callbacks_only = [r for r in results if r[0] != "health"]
    report = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "commit": commit(),
        "users": args.users,
        "seconds": args.seconds,
        "elapsed_s": round(elapsed, 1),
        "workers": args.workers,
        "threads": args.threads,
        "cache_mb": args.cache_mb,
        "distinct": args.distinct,
        "cpu_count": os.cpu_count() or 1,
        "loadavg_before": driven["loadavg_before"],
        "loadavg_after": driven["loadavg_after"],
        "all_callbacks": summary(callbacks_only, elapsed),
        "cache_hits": summary([r for r in callbacks_only if r[3] == "hit"], elapsed),
        "cache_misses": summary([r for r in callbacks_only if r[3] != "hit"], elapsed),
        "reference_health": summary([r for r in results if r[0] == "health"], elapsed),
        "per_page": {p: summary([r for r in results if r[0] == p], elapsed) for p in pages},
        "distinct_states_available": available,
        "target_p95_ms": TARGET_P95_MS,
    }
    report["target_met"] = (
        report["all_callbacks"].get("p95_ms", float("inf")) <= TARGET_P95_MS
        and report["all_callbacks"].get("errors", 1) == 0
    )
    return report


def compare_processes(args) -> dict:
    """One app process against the database, then two (each ``--workers`` × ``--threads``, each with a data
    directory of its own, as two containers behind one proxy), in the order 1, 2, 2, 1 so that a machine
    getting busier or quieter weighs on both alike; every phase runs ``--seconds`` with fresh processes. With
    ``--distinct`` every phase gets the same states in the same order. The ratio is two processes' callbacks
    per second over one's."""
    url = database_url()
    states = distinct_states(url) if args.distinct else {}
    phases: list[dict] = []
    for processes in (1, 2, 2, 1):
        servers = [start_server(url, args) for _ in range(processes)]
        try:
            bases = [base for _, base in servers]
            callbacks = main_callbacks(bases[0])
            pages = [p for p in SEARCHES if p in callbacks]
            unused = {p: list(s) for p, s in states.items() if p in pages}
            driven = drive(args, bases, callbacks, pages, unused)
        finally:
            for server, _ in servers:
                stop_server(server)
        callbacks_only = [r for r in driven["results"] if r[0] != "health"]
        phases.append(
            {
                "processes": processes,
                "loadavg_before": driven["loadavg_before"],
                "loadavg_after": driven["loadavg_after"],
                "callbacks": summary(callbacks_only, driven["elapsed"]),
                "health": summary([r for r in driven["results"] if r[0] == "health"], driven["elapsed"]),
            }
        )

    def joined(n: int) -> dict:
        rows = [p["callbacks"] for p in phases if p["processes"] == n]
        return {
            "per_second": round(statistics.mean(r["per_second"] for r in rows), 2),
            "median_ms": round(statistics.mean(r["median_ms"] for r in rows), 1),
            "p95_ms": round(statistics.mean(r["p95_ms"] for r in rows), 1),
            "errors": sum(r["errors"] for r in rows),
        }

    one, two = joined(1), joined(2)
    return {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "commit": commit(),
        "users": args.users,
        "seconds_per_phase": args.seconds,
        "workers_per_process": args.workers,
        "threads": args.threads,
        "cache_mb": args.cache_mb,
        "distinct": args.distinct,
        "cpu_count": os.cpu_count() or 1,
        "phases": phases,
        "one_process": one,
        "two_processes": two,
        "throughput_ratio": round(two["per_second"] / one["per_second"], 2) if one["per_second"] else None,
        "p95_ratio": round(two["p95_ms"] / one["p95_ms"], 2) if one["p95_ms"] else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--survey", default="demo_national")
    parser.add_argument(
        "--cache-mb",
        type=int,
        default=None,
        help="FJERNARBEID_CACHE_MB for the server (default: the app's default; 0 = off)",
    )
    parser.add_argument(
        "--distinct", action="store_true", help="every request a state nobody asked for before (see the module doc)"
    )
    parser.add_argument(
        "--compare-processes",
        action="store_true",
        help="one app process, then two with the users spread over them (phases 1, 2, 2, 1 of --seconds each): the ratio",
    )
    args = parser.parse_args()
    if args.compare_processes:
        print_comparison(compare_processes(args), args)
        return
    report = run(args)
    print(
        f"{args.users} users for {args.seconds} s, gunicorn {args.workers} workers × {args.threads} threads, "
        f"response cache {'default' if args.cache_mb is None else f'{args.cache_mb} MB'}, "
        f"{'all-distinct states' if args.distinct else 'states drawn from 45'}; commit {report['commit']}, "
        f"{report['date']}, {report['cpu_count']} CPUs, load average before "
        f"{', '.join(f'{x:.2f}' for x in report['loadavg_before'])}, after "
        f"{', '.join(f'{x:.2f}' for x in report['loadavg_after'])}"
    )
    print(
        f"{'page':15} {'requests':>8} {'errors':>6} {'median ms':>10} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>6} "
        f"{'req/s/CPU':>9} {'states':>7}"
    )
    for name, row in [
        ("ALL callbacks", report["all_callbacks"]),
        ("  cache hits", report["cache_hits"]),
        ("  computed", report["cache_misses"]),
        ("(ref) /health", report["reference_health"]),
        *report["per_page"].items(),
    ]:
        states = report["distinct_states_available"].get(name, "")
        print(
            f"{name:15} {row.get('requests', 0):>8} {row.get('errors', 0):>6} {row.get('median_ms', 0):>10} "
            f"{row.get('p95_ms', 0):>8} {row.get('p99_ms', 0):>8} {row.get('per_second', 0):>6} "
            f"{row.get('per_second_per_cpu', 0):>9} {states:>7}"
        )
    verdict = "met" if report["target_met"] else "NOT met"
    print(f"target: callbacks p95 ≤ {TARGET_P95_MS:g} ms and no errors — {verdict}")
    name = "load-cache-off" if args.cache_mb == 0 else "load"
    save_report(f"{name}{'-distinct' if args.distinct else ''}", report)


def print_comparison(report: dict, args) -> None:
    print(
        f"{args.users} users, {args.seconds} s per phase, each app process gunicorn {args.workers} worker(s) × "
        f"{args.threads} threads, response cache {'default' if args.cache_mb is None else f'{args.cache_mb} MB'}, "
        f"{'all-distinct states' if args.distinct else 'states drawn from 45'}; commit {report['commit']}, "
        f"{report['date']}, {report['cpu_count']} CPUs"
    )
    print(
        f"{'phase':>5} {'processes':>9} {'load before':>12} {'requests':>8} {'errors':>6} {'req/s':>6} {'median ms':>9} "
        f"{'p95 ms':>8}"
    )
    for number, phase in enumerate(report["phases"], start=1):
        row = phase["callbacks"]
        print(
            f"{number:>5} {phase['processes']:>9} {phase['loadavg_before'][0]:>12.2f} {row.get('requests', 0):>8} "
            f"{row.get('errors', 0):>6} {row.get('per_second', 0):>6} {row.get('median_ms', 0):>9} "
            f"{row.get('p95_ms', 0):>8}"
        )
    one, two = report["one_process"], report["two_processes"]
    print(
        f"one process: {one['per_second']} callbacks/s, p95 {one['p95_ms']} ms; two processes: {two['per_second']} "
        f"callbacks/s, p95 {two['p95_ms']} ms; ratio two/one: throughput {report['throughput_ratio']}×, "
        f"p95 {report['p95_ratio']}×"
    )
    save_report("load-processes", report)


if __name__ == "__main__":
    main()
