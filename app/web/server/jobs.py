"""The work the job queue does (``app/db/jobs.py``): deck handouts and imports started in the browser, and
the worker that runs them.

``fjernarbeid worker`` runs ``run_worker`` in the foreground; ``fjernarbeid serve`` runs it in a thread of
its own. A job runs inside the Flask app's context (the handout renders pages exactly as a request would),
reports its progress through a ``Reporter`` (a step key and numbers, translated by ``describe`` for the page
that shows it) and ends succeeded (with a result), failed (with the message) or cancelled.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import procrastinate
from flask import Flask, request

from app.config import Config
from app.db import jobs
from app.db.session import session_scope
from app.errors import FjernarbeidError
from app.language import N_, format_number
from app.language import gettext as _

log = logging.getLogger(__name__)

# What a job is doing, by the key its code reports (translated where it is shown).
STEPS = {
    "queued": N_("Waiting for its turn"),
    "read": N_("Reading the file"),
    "check": N_("Checking row {current} of {total}"),
    "check_rows": N_("Checking row {current}"),
    "draft": N_("Reading row {current} of {total} for the draft"),
    "draft_rows": N_("Reading row {current} for the draft"),
    "weights": N_("Computing the weights"),
    "save": N_("Saving"),
    "preview": N_("Preparing the preview"),
    "handout": N_("Drawing page {current} of {total}"),
    "done": N_("Done"),
    "cancelling": N_("Cancelling"),
}
# Each kind's work, ``work(job, report) -> result``: added by the app factory (a handout; a page's own jobs,
# such as the browser's imports), so the queue knows no page.
RUNNERS: dict[str, Callable[..., dict[str, Any]]] = {}
REPORT_EVERY = 0.5  # seconds between two writes of the same step's progress

blueprint = procrastinate.Blueprint()
_server: list[Flask] = []  # the Flask app jobs run in (set by run_worker)


def owner_of_request() -> str:
    """Whose job this is: the logged-in account, or the anonymous client's address."""
    from app.web.server import auth

    who = auth.account()
    if who is not None:
        return f"user:{who.id}"
    return f"client:{(request.remote_addr or 'unknown')[:100]}"


def describe(job: jobs.JobInfo | None, lang: str) -> str:
    """The job's step in words, numbers formatted for ``lang`` (``Kontrollerer rad 40 000 av 100 000``)."""
    if job is None:
        return ""
    if job.state == "queued":
        return _(STEPS["queued"], lang)
    step = job.step or "queued"
    if job.cancel_requested and job.state == "running":
        step = "cancelling"
    if step in ("check", "draft") and job.total is None:
        step = f"{step}_rows"
    message = _(STEPS.get(step, STEPS["queued"]), lang)
    return message.format(current=format_number(job.current or 0, lang), total=format_number(job.total or 0, lang))


def percent(job: jobs.JobInfo | None) -> int:
    if job is None:
        return 0
    if job.state == "succeeded":
        return 100
    if job.current is not None and job.total:
        return max(0, min(100, round(100 * job.current / job.total)))
    return 0


class Reporter:
    """A running job's progress, written to its row in its own short transactions (so others see it while
    the job's work is still uncommitted); raises ``JobCancelled`` when the owner has cancelled it."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._last: tuple[str | None, float] = (None, 0.0)
        self._pending: tuple | None = None

    def __call__(self, step: str, current: int | None = None, total: int | None = None, **params: Any) -> None:
        now = time.monotonic()
        self._pending = (step, current, total, params or None)
        if step == self._last[0] and now - self._last[1] < REPORT_EVERY:
            return
        self._last = (step, now)
        if self.flush():
            raise jobs.JobCancelled()

    def flush(self) -> bool:
        """Write the last report not yet written; True when the owner has cancelled the job."""
        pending, self._pending = self._pending, None
        if pending is None:
            return False
        with session_scope() as session:
            return jobs.report(session, self.job_id, *pending)


def add_runner(kind: str, work: Callable[..., dict[str, Any]]) -> None:
    """``work(job, report)`` does the jobs of ``kind``."""
    RUNNERS[kind] = work


def _runner(kind: str) -> Callable[[jobs.JobInfo, Reporter], dict[str, Any]]:
    if kind not in RUNNERS:
        raise LookupError(f"No work is known for jobs of kind {kind!r}: build the app with create_app first.")
    return RUNNERS[kind]


def execute(job_id: int) -> str:
    """Run job ``job_id`` (the queue's task); its final state."""
    with session_scope() as session:
        job = jobs.start(session, job_id)
    if job is None:
        return "skipped"
    report = Reporter(job_id)
    server = _server[0]
    try:
        with server.test_request_context(base_url=job.params.get("host") or "http://localhost/"):
            result = _runner(job.kind)(job, report)
        report.flush()
    except jobs.JobCancelled:
        state, result, error = "cancelled", None, None
    except FjernarbeidError as failure:
        state, result, error = "failed", None, str(failure)
    except Exception as failure:  # noqa: BLE001 - a job must end with a message, whatever broke
        log.exception("job %s (%s) failed", job_id, job.kind)
        state, result, error = "failed", None, f"The job stopped on an unexpected error ({type(failure).__name__})."
    else:
        state, error = "succeeded", None
    with session_scope() as session:
        jobs.finish(session, job_id, state, result, error)
    return state


@blueprint.task(name=jobs.TASK, queue=jobs.QUEUE)
def run_job(job_id: int) -> None:
    execute(job_id)


def worker_app(config: Config) -> procrastinate.App:
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=jobs.conninfo(config)))
    app.add_tasks_from(blueprint, namespace="")
    return app


def prepare(config: Config, server: Flask) -> Flask:
    """Everything a worker needs before its first job: the Flask app (the caller makes it: this module is
    below the app factory), stale uploads gone, abandoned jobs marked failed."""
    from app.db.uploads import delete_stale

    _server[:] = [server]
    with session_scope() as session:
        removed = delete_stale(session, config.data_dir)
        failed = jobs.fail_abandoned(session)
    if removed or failed:
        log.info("worker start: %d stale uploads deleted, %d abandoned jobs marked failed", removed, failed)
    return server


def run_worker(config: Config, server: Flask, wait: bool = True, signals: bool = True, concurrency: int = 2) -> None:
    """Run the worker: until stopped (``wait``), or until the queue is empty (tests)."""
    prepare(config, server)
    worker_app(config).run_worker(
        queues=[jobs.QUEUE],
        wait=wait,
        concurrency=concurrency,
        install_signal_handlers=signals,
        delete_jobs="successful",
    )
