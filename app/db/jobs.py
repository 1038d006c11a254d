"""Long work runs as jobs, not inside a request: the job table and the queue.

**Library: procrastinate** (PostgreSQL-only task queue, psycopg 3). We already run PostgreSQL, so a queue
there needs no Redis or RabbitMQ: a job is queued in the same database the dashboard reads, the worker
is woken by ``LISTEN/NOTIFY`` and takes work with ``SELECT … FOR UPDATE SKIP LOCKED``, and procrastinate
adds what a hand-made table would have to grow: worker heartbeats, stalled-worker clean-up and a
documented schema. Its schema is applied by migration 0009 from the SQL file of the pinned version
(``pyproject.toml`` pins ``>=3.10,<3.11``: a newer minor version may change the schema and then needs a
new migration). The web app only enqueues (procrastinate's synchronous connector, a psycopg pool of its
own, so Flask/gunicorn threads never touch an event loop); ``fjernarbeid worker`` (or a thread of
``fjernarbeid serve``) runs the asynchronous worker, which runs our synchronous tasks in threads.

procrastinate knows *that* a job is to be run; what the dashboard shows about it is in our own table
``job`` (model ``app.db.models.Job``): kind, owner (``user:<id>`` or ``client:<address>``), state
(queued, running, succeeded, failed, cancelled), progress (current, total, and a step as a message key
with parameters, translated where it is shown), the result (a file under ``FJERNARBEID_DATA_DIR/jobs`` or
JSON), the error, and the times. Cancelling is cooperative: the owner sets ``cancel_requested``; a
running job sees it at its next progress report (between steps or rows) and stops, and since imports are
one transaction, that is a rollback.

Nothing here imports Dash or Flask: the tasks themselves (a handout, an import) are in ``app/web/server/jobs.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from dataclasses import dataclass
from typing import Any

import procrastinate
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.config import Config
from app.db.models import Job
from app.errors import FjernarbeidError

log = logging.getLogger(__name__)

QUEUE = "fjernarbeid"
TASK = "fjernarbeid.run_job"
ACTIVE = ("queued", "running")
FINISHED = ("succeeded", "failed", "cancelled")
MAX_ACTIVE = 2  # jobs of one kind queued or running per owner
RETRY_AFTER_SECONDS = 30


class JobLimitReached(FjernarbeidError):
    """The owner already has ``MAX_ACTIVE`` jobs of this kind queued or running."""

    def __init__(self, kind: str, limit: int = MAX_ACTIVE) -> None:
        super().__init__(f"At most {limit} {kind} jobs may wait or run at once for you; try again when one is done.")
        self.kind = kind
        self.limit = limit
        self.retry_after = RETRY_AFTER_SECONDS


class JobCancelled(Exception):  # noqa: N818 - not an error: the owner asked for it
    """Raised inside a running job when its owner cancelled it (the job's work is rolled back)."""


@dataclass(frozen=True)
class JobInfo:
    id: int
    kind: str
    owner: str
    key: str | None
    state: str
    params: dict[str, Any]
    step: str | None
    step_params: dict[str, Any] | None
    current: int | None
    total: int | None
    result: dict[str, Any] | None
    error: str | None
    cancel_requested: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    def as_dict(self) -> dict[str, Any]:
        """What a client may see of its job (JSON)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "step": self.step,
            "step_params": self.step_params,
            "current": self.current,
            "total": self.total,
            "error": self.error,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


def _info(job: Job) -> JobInfo:
    return JobInfo(
        job.id, job.kind, job.owner, job.key, job.state, dict(job.params or {}), job.step,
        dict(job.step_params) if job.step_params is not None else None, job.progress_current, job.progress_total,
        dict(job.result) if job.result is not None else None, job.error, job.cancel_requested, job.created_at,
        job.updated_at,
    )  # fmt: skip


def get_job(session: Session, job_id: int) -> JobInfo | None:
    job = session.get(Job, job_id, populate_existing=True)
    return _info(job) if job is not None else None


def latest_job(session: Session, owner: str, kind: str) -> JobInfo | None:
    """The owner's newest job of ``kind`` (a page finds its job again after a reload, or in another tab)."""
    job = session.scalar(select(Job).where(Job.owner == owner, Job.kind == kind).order_by(Job.id.desc()).limit(1))
    return _info(job) if job is not None else None


def job_for_key(session: Session, key: str) -> JobInfo | None:
    """The job doing (or that did) the work ``key``: one queued or running, else the newest that succeeded."""
    job = session.scalar(
        select(Job)
        .where(Job.key == key, Job.state.in_((*ACTIVE, "succeeded")))
        .order_by((Job.state == "succeeded").asc(), Job.id.desc())
        .limit(1)
    )
    return _info(job) if job is not None else None


def active_count(session: Session, owner: str, kind: str) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Job).where(Job.owner == owner, Job.kind == kind, Job.state.in_(ACTIVE))
        )
        or 0
    )


def submit(
    session: Session, kind: str, owner: str, params: dict[str, Any], key: str | None = None, limit: int = MAX_ACTIVE
) -> tuple[JobInfo, bool]:
    """A new queued job, or (with ``key``) the one already queued or running for the same work.

    Returns the job and whether it is new; a new one must be handed to the queue with ``enqueue`` once
    this transaction is committed.

    Raises:
        JobLimitReached: the owner has ``limit`` jobs of ``kind`` queued or running.
    """
    if key is not None:
        running = session.scalar(select(Job).where(Job.key == key, Job.state.in_(ACTIVE)).limit(1))
        if running is not None:
            return _info(running), False
    if active_count(session, owner, kind) >= limit:
        raise JobLimitReached(kind, limit)
    statement = insert(Job).values(kind=kind, owner=owner, key=key, params=params)
    if key is not None:  # two requests at once: the second joins the first
        statement = statement.on_conflict_do_nothing(
            index_elements=[Job.key], index_where=Job.state.in_(ACTIVE) & Job.key.is_not(None)
        )
    new_id = session.scalar(statement.returning(Job.id))
    if new_id is None:
        joined = session.scalar(select(Job).where(Job.key == key, Job.state.in_(ACTIVE)).limit(1))
        assert joined is not None
        return _info(joined), False
    info = get_job(session, new_id)
    assert info is not None
    return info, True


def start(session: Session, job_id: int) -> JobInfo | None:
    """Mark a queued job running; None if it is gone, finished or was cancelled before it started."""
    job = session.get(Job, job_id, with_for_update=True)
    if job is None or job.state != "queued":
        return None
    if job.cancel_requested:
        job.state, job.updated_at = "cancelled", func.now()
        return None
    job.state, job.updated_at = "running", func.now()
    session.flush()
    session.refresh(job)
    return _info(job)


def report(
    session: Session,
    job_id: int,
    step: str,
    current: int | None = None,
    total: int | None = None,
    params: dict[str, Any] | None = None,
) -> bool:
    """Record how far a running job has come; True when its owner asked to cancel it."""
    cancel = session.scalar(
        update(Job)
        .where(Job.id == job_id)
        .values(step=step, step_params=params, progress_current=current, progress_total=total, updated_at=func.now())
        .returning(Job.cancel_requested)
    )
    return bool(cancel)


def finish(session: Session, job_id: int, state: str, result: dict[str, Any] | None = None, error: str | None = None):
    assert state in FINISHED
    session.execute(
        update(Job).where(Job.id == job_id).values(state=state, result=result, error=error, updated_at=func.now())
    )


def cancel(session: Session, job_id: int, owner: str) -> JobInfo | None:
    """The owner cancels a job: a queued one ends at once, a running one at its next progress report."""
    job = session.get(Job, job_id, with_for_update=True)
    if job is None or job.owner != owner:
        return None
    if job.state in ACTIVE:
        job.cancel_requested = True
        if job.state == "queued":
            job.state = "cancelled"
        job.updated_at = func.now()
        session.flush()
        session.refresh(job)
    return _info(job)


def update_params(session: Session, job_id: int, **changes: Any) -> None:
    """Add ``changes`` to a job's parameters (e.g. that a checked import has been confirmed)."""
    job = session.get(Job, job_id, with_for_update=True)
    if job is not None:
        job.params = dict(job.params or {}) | changes


def set_queue_id(session: Session, job_id: int, queue_job_id: int) -> None:
    session.execute(update(Job).where(Job.id == job_id).values(queue_job_id=queue_job_id))


def fail_abandoned(session: Session) -> int:
    """Jobs marked running whose queue entry is no longer being worked on (a worker that was killed): failed,
    so their owners see it and may start again. Run when a worker starts."""
    from sqlalchemy import text

    rows = session.execute(
        text(
            "UPDATE job SET state = 'failed', updated_at = now(), "
            "error = 'The worker stopped while this job ran; start it again.' "
            "WHERE state = 'running' AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs q "
            "WHERE q.id = job.queue_job_id AND (q.status = 'todo' OR q.status = 'doing' AND q.worker_id IN "
            "(SELECT w.id FROM procrastinate_workers w WHERE w.last_heartbeat > now() - interval '1 minute')))"
        )
    )
    return rows.rowcount or 0  # type: ignore[attr-defined]


# --- the queue --------------------------------------------------------------------------------------------


def conninfo(config: Config) -> str:
    """A libpq connection string for procrastinate: the database the app uses (also the embedded cluster's
    Unix socket)."""
    from app.db.session import database_url

    return make_url(database_url(config)).set(drivername="postgresql").render_as_string(hide_password=False)


_queue_lock = threading.Lock()
_queue_app: tuple[int, str, procrastinate.App] | None = None  # (process id, conninfo, app)


def queue_app(config: Config) -> procrastinate.App:
    """This process's procrastinate app for enqueuing (synchronous connector, a small pool of its own)."""
    global _queue_app
    info = conninfo(config)
    with _queue_lock:
        if _queue_app is None or _queue_app[0] != os.getpid() or _queue_app[1] != info:
            if _queue_app is not None and _queue_app[0] == os.getpid():
                _queue_app[2].close()
            connector = procrastinate.SyncPsycopgConnector(
                conninfo=info, min_size=0, max_size=2, kwargs={"connect_timeout": config.connect_timeout}
            )
            _queue_app = (os.getpid(), info, procrastinate.App(connector=connector).open())
        return _queue_app[2]


def enqueue(config: Config, job_id: int) -> None:
    """Hand a committed job to the queue (a worker picks it up within a moment)."""
    from app.db.session import session_scope

    queue_job_id = queue_app(config).configure_task(name=TASK, queue=QUEUE).defer(job_id=job_id)
    with session_scope() as session:
        set_queue_id(session, job_id, queue_job_id)
