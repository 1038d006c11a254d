"""The job queue between tests: a worker started for some tests must not leave work for another's.

Workers started by a test (beside gunicorn, or in the test's own process) take every queued job of the
database, so a job one test leaves queued would run in the next test's worker, with another data
directory and other registered kinds.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]


def forget_queued_jobs(database_url: str) -> None:
    """Cancel whatever is still queued or running, in our table and in procrastinate's."""
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE job SET state = 'cancelled', cancel_requested = true WHERE state IN ('queued', 'running')")
        )
        connection.execute(text("DELETE FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"))
    engine.dispose()


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    """``fjernarbeid worker`` as production runs it beside gunicorn."""
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def ask_jobs_to_stop(database_url: str) -> None:
    """Ask every queued or running job to cancel itself, the way an owner does: a running one ends at its next
    progress report instead of working on to its end."""
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE job SET cancel_requested = true WHERE state IN ('queued', 'running')"))
    engine.dispose()


def stop_worker(worker: subprocess.Popen, database_url: str) -> None:
    """Stop the worker as production does (SIGTERM lets the running job finish), its running job cancelled
    first so that the worker need not finish work no test waits for (a 30-page handout: 10 s)."""
    ask_jobs_to_stop(database_url)
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=10)
    forget_queued_jobs(database_url)
