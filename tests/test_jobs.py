"""Long work runs as jobs (issue 19): the job table and procrastinate's queue against the real PostgreSQL,
a worker run in this process until the queue is empty, and the handout route that answers at once."""

from __future__ import annotations

import io
import secrets

import pytest
from pypdf import PdfReader
from sqlalchemy import delete

from app.db import jobs
from app.db.decks import add_view, create_deck, delete_deck
from app.db.models import Job
from app.db.session import session_scope
from app.web.server import jobs as web_jobs

CALLS: list[int] = []


def counting_runner(job, report):
    """A job kind for tests: reports three steps, may be told to fail, records that it ran."""
    CALLS.append(job.id)
    for step in range(1, 4):
        report("check", step * 1000, 3000)
    if job.params.get("fail"):
        from app.errors import ImportValidationError

        raise ImportValidationError("svar.csv, row 7, column q3: 9 is not an answer code; fix: use 1–5.")
    return {"rows": 3000}


def cancelling_runner(job, report):
    """Cancels itself through the owner's path, then reports: the report must stop it."""
    with session_scope() as session:
        jobs.cancel(session, job.id, job.owner)
    report("save")
    return {"never": True}


@pytest.fixture
def server(make_app):
    app = make_app()
    web_jobs.add_runner("test", counting_runner)
    web_jobs.add_runner("test_cancel", cancelling_runner)
    owner = f"user:test-{secrets.token_hex(4)}"
    app.server.config["TEST_OWNER"] = owner
    yield app.server
    with session_scope() as session:
        session.execute(delete(Job).where(Job.owner == owner))


def submit(server, kind="test", **params):
    with server.app_context(), session_scope() as session:
        job, created = jobs.submit(session, kind, server.config["TEST_OWNER"], params)
    assert created
    jobs.enqueue(server.config["FJERNARBEID"], job.id)
    return job


def run_worker(server):
    web_jobs.run_worker(server.config["FJERNARBEID"], server, wait=False, signals=False)


def job(job_id):
    with session_scope() as session:
        return jobs.get_job(session, job_id)


def test_a_job_is_queued_run_by_the_worker_and_its_progress_kept(server):
    queued = submit(server)
    assert job(queued.id).state == "queued"
    run_worker(server)
    done = job(queued.id)
    assert done.state == "succeeded" and done.result == {"rows": 3000}
    assert (done.step, done.current, done.total) == ("check", 3000, 3000)
    assert queued.id in CALLS
    running_view = jobs.JobInfo(**{**done.__dict__, "state": "running", "current": 40000, "total": 100000})
    assert web_jobs.describe(running_view, "nb") == "Kontrollerer rad 40\xa0000 av 100\xa0000"


def test_a_failure_is_kept_with_its_message(server):
    failing = submit(server, fail=True)
    run_worker(server)
    failed = job(failing.id)
    assert failed.state == "failed" and "row 7, column q3" in failed.error


def test_the_owner_cancels_a_queued_job_and_a_running_one(server):
    queued = submit(server)
    with session_scope() as session:
        assert jobs.cancel(session, queued.id, "user:someone-else") is None  # not the owner's
        assert jobs.cancel(session, queued.id, server.config["TEST_OWNER"]).state == "cancelled"
    running = submit(server, kind="test_cancel")
    CALLS.clear()
    run_worker(server)
    assert queued.id not in CALLS  # never started
    assert job(running.id).state == "cancelled" and job(running.id).result is None


def test_more_than_two_jobs_of_a_kind_per_owner_are_refused(server):
    submit(server)
    submit(server)
    with server.app_context(), session_scope() as session, pytest.raises(jobs.JobLimitReached):
        jobs.submit(session, "test", server.config["TEST_OWNER"], {})
    with session_scope() as session:  # another owner, or another kind, is not limited by these
        other, _ = jobs.submit(session, "test", server.config["TEST_OWNER"] + "x", {})
        session.execute(delete(Job).where(Job.id == other.id))
    run_worker(server)


@pytest.fixture
def deck_token(server):
    with server.app_context(), session_scope() as session:
        token = create_deck(session, "Handout").token
        add_view(session, token, "/undersoking", "?survey=demo_national&by=gender", "Flytting etter kjønn", "Merk")
    yield token
    with server.app_context(), session_scope() as session:
        delete_deck(session, token)
        session.execute(delete(Job).where(Job.key.like("handout:%")))


@pytest.mark.slow  # draws a chart with kaleido
def test_the_handout_route_answers_at_once_joins_the_same_job_and_then_sends_the_file(server, deck_token):
    client = server.test_client()
    first = client.get(f"/deck/{deck_token}.pdf?lang=nb", headers={"Accept": "application/json"})
    assert first.status_code == 202 and first.headers["Retry-After"]  # nothing was drawn in the request
    again = client.get(f"/deck/{deck_token}.pdf?lang=nb", headers={"Accept": "application/json"})
    assert again.status_code == 202 and again.get_json()["id"] == first.get_json()["id"]  # joined
    other_client = server.test_client()
    joined = other_client.get(
        f"/deck/{deck_token}.pdf?lang=nb",
        headers={"Accept": "application/json"},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert joined.get_json()["id"] == first.get_json()["id"]  # whoever asks
    page = client.get(f"/deck/{deck_token}.pdf?lang=nb", headers={"Accept": "text/html"})
    assert page.status_code == 202 and b"<progress" in page.data and b"http-equiv='refresh'" in page.data
    run_worker(server)
    ready = client.get(f"/deck/{deck_token}.pdf?lang=nb")
    assert ready.status_code == 200 and ready.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(ready.data))
    assert len(reader.pages) == 2 and "Flytting etter kjønn" in reader.pages[1].extract_text()  # a cover, a view
    assert list((server.config["FJERNARBEID"].data_dir / "jobs").glob("handout-*.pdf"))  # kept
    assert client.get("/deck/not-a-deck-token-at-all.pdf").status_code == 404


def test_a_client_beyond_the_limit_gets_429_with_retry_after(server):
    made = []
    with server.app_context(), session_scope() as session:
        for number in range(3):
            token = create_deck(session, f"Grense {number}").token
            add_view(session, token, "/tiltak", "", "Framdrift")
            made.append(token)
    client = server.test_client()
    try:
        answers = [client.get(f"/deck/{t}.pdf", headers={"Accept": "application/json"}) for t in made]
        assert [a.status_code for a in answers] == [202, 202, 429]
        assert int(answers[2].headers["Retry-After"]) > 0
    finally:
        with server.app_context(), session_scope() as session:
            session.execute(delete(Job).where(Job.key.like("handout:%")))
            for token in made:
                delete_deck(session, token)
