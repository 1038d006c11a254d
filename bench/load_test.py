"""Load test: simulated users clicking through filters against gunicorn, on loopback only.

    python -m bench.load_test [--users 50] [--seconds 60] [--workers 4] [--survey demo_national]

Starts gunicorn (``app.wsgi:server``) on a free 127.0.0.1 port against ``DATABASE_URL`` (or an
embedded PostgreSQL seeded with the demo data), then runs ``--users`` threads for ``--seconds``:
each user repeatedly asks for one page's main callback (the one driven by ``<page>-url.search``)
with a randomly chosen filter state and language (15 states × 3 languages = 45 distinct
requests), as the browser does after a click. Reports requests, errors, median and p95 latency
overall, per page and split by whether the server's response cache answered (``hit``) or the
page was computed (``miss``), and the same for a reference request (``/health``) measured in
the same run. ``--cache-mb 0`` switches the response cache off, to measure computing every
request. Every loop is bounded in time and stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

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
    """``main_callbacks`` from the answer of ``/_dash-dependencies``: the callbacks whose one input is ``<page>-url.search``."""
    found = {}
    for dep in deps:
        inputs = dep["inputs"]
        if len(inputs) == 1 and inputs[0]["id"].endswith("-url") and inputs[0]["property"] == "search":
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
        "inputs": [{"id": callback["input_id"], "property": "search", "value": search}],
        "changedPropIds": [callback["input_id"] + ".search"],
        "state": [{"id": s["id"], "property": s["property"], "value": None} for s in callback["state"]],
    }


def run(args) -> dict:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "load-test",
        "FJERNARBEID_DATA_DIR": tempfile.mkdtemp(prefix="fj-load-app-"),
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
            str(args.workers),
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
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/health", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.3)
        callbacks = main_callbacks(base)
        pages = [p for p in SEARCHES if p in callbacks]
        results: list[tuple[str, float, bool, str | None]] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + args.seconds

        def user(seed: int) -> None:
            rng = random.Random(seed)
            session = requests.Session()
            while time.monotonic() < stop_at:
                page = rng.choice(pages + ["health"])
                started = time.perf_counter()
                cache = None
                try:
                    if page == "health":
                        ok = session.get(base + "/health", timeout=30).status_code == 200
                    else:
                        search = rng.choice(SEARCHES[page]).format(s=args.survey) + "&lang=" + rng.choice(LANGUAGES)
                        response = session.post(
                            base + "/_dash-update-component", json=payload(callbacks[page], search), timeout=30
                        )
                        ok = response.status_code == 200 and "Traceback" not in response.text
                        cache = response.headers.get("X-Fjernarbeid-Cache")
                except requests.RequestException:
                    ok = False
                with lock:
                    results.append((page, time.perf_counter() - started, ok, cache))
                time.sleep(rng.uniform(0.2, 1.0))  # think time between clicks

        threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(args.users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.seconds + 60)
    finally:
        server.terminate()
        server.wait(timeout=30)

    def summary(rows):
        times = sorted(r[1] * 1000 for r in rows)
        if not times:
            return {"requests": 0}
        return {
            "requests": len(rows),
            "errors": sum(not r[2] for r in rows),
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1),
        }

    report = {
        "users": args.users,
        "seconds": args.seconds,
        "workers": args.workers,
        "cache_mb": args.cache_mb,
        "all_callbacks": summary([r for r in results if r[0] != "health"]),
        "cache_hits": summary([r for r in results if r[0] != "health" and r[3] == "hit"]),
        "cache_misses": summary([r for r in results if r[0] != "health" and r[3] != "hit"]),
        "reference_health": summary([r for r in results if r[0] == "health"]),
        "per_page": {p: summary([r for r in results if r[0] == p]) for p in pages},
    }
    return report


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
    args = parser.parse_args()
    report = run(args)
    print(
        f"{args.users} users for {args.seconds} s, gunicorn {args.workers} workers × {args.threads} threads, "
        f"response cache {'default' if args.cache_mb is None else f'{args.cache_mb} MB'}"
    )
    print(f"{'page':15} {'requests':>8} {'errors':>6} {'median ms':>10} {'p95 ms':>8}")
    for name, row in [
        ("ALL callbacks", report["all_callbacks"]),
        ("  cache hits", report["cache_hits"]),
        ("  computed", report["cache_misses"]),
        ("(ref) /health", report["reference_health"]),
        *report["per_page"].items(),
    ]:
        print(
            f"{name:15} {row.get('requests', 0):>8} {row.get('errors', 0):>6} {row.get('median_ms', 0):>10} "
            f"{row.get('p95_ms', 0):>8}"
        )
    out = ROOT / "bench" / "results" / ("load-cache-off.json" if args.cache_mb == 0 else "load.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
