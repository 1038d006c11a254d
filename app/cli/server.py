"""``fjernarbeid serve`` (the development server, with its own job worker) and ``worker`` (the job queue's)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from app.cli.common import _engine
from app.cli.database import prepare_database
from app.config import Config
from app.errors import FjernarbeidError

log = logging.getLogger("fjernarbeid")


def add_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subparsers.add_parser("serve", help="development server; prepares an empty database first")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument("--debug", action="store_true")
    serve.add_argument("--no-worker", action="store_true", help="do not run jobs in this process")
    serve.set_defaults(func=cmd_serve)

    worker = subparsers.add_parser("worker", help="run jobs: deck handouts and imports started in the browser")
    worker.add_argument("--concurrency", type=int, default=2, help="jobs run at the same time (default 2)")
    worker.set_defaults(func=cmd_worker)


def cmd_serve(args, config: Config) -> int:
    import os

    from app.web import create_app

    prepare_database(config)
    app = create_app(config, dev_tools=args.debug)
    if not args.no_worker and not (args.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true"):
        _start_worker_thread(config, app.server)  # with --debug only in the reloader's child
    # A service manager stops with SIGTERM: exit normally so the embedded PostgreSQL is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"Dashboard on http://{args.host}:{args.port}/  (Ctrl+C to stop)")
    app.run(host=args.host, port=args.port, debug=args.debug)
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
