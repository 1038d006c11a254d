"""Chart images under load do not take the server down (issue 19).

The README's production gunicorn command (read from the README itself, bound to a free loopback
port) serves the test database; 20 clients ask for chart images at the same moment, a few times
each, while another thread polls ``/health``. No worker may be killed (gunicorn logs "WORKER TIMEOUT"
or "SIGKILL"), no request may fail with a 5xx (429 with ``Retry-After`` is how a full image queue
says no), and ``/health`` must keep answering: p95 ≤ 1 s.

At the same moment 3 clients ask for the handout of a presentation with 30 views: handouts are built by
the job queue (``app/web/views/handouts.py``), so ``/deck/<token>.pdf`` must answer at once (202 with the job's
progress, 429 if the job limit is reached, or the finished file) however busy the images keep the server.

Bounded: 20 clients × 3 images and 3 handout requests, each request at most 90 s, the whole burst at most
4 minutes.
"""

from __future__ import annotations

import os
import re
import shlex
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.queue import start_worker, stop_worker
from tests.servers import start_gunicorn, stop, wait_until_healthy

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 20
IMAGES_PER_CLIENT = 3
HEALTH_P95_SECONDS = 1.0
HANDOUT_CLIENTS = 3
HANDOUT_VIEWS = 30
HANDOUT_SECONDS = 5.0  # "at once", with the images taking most of the CPU
BURST_SECONDS = 240
QUERIES = [
    "undersoking.png?survey=demo_national&question=q22&by=age_group",
    "undersoking.svg?survey=demo_national&question=q23&by=gender",
    "undersoking.png?survey=demo_national&question=q12&by=education",
    "oversikt.png?survey=demo_national&region=hardangerradet",
    "undersoking.pdf?survey=demo_national&question=q6_1&by=gender",
]

pytestmark = pytest.mark.slow


def readme_gunicorn_arguments() -> list[str]:
    """The arguments of the gunicorn command in the README's "Production deployment" section."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Production deployment", 1)[1]
    line = next(line for line in section.splitlines() if re.match(r"^(\.venv/bin/)?gunicorn ", line.strip()))
    return shlex.split(line)[1:]


@pytest.fixture
def production_server(database_url, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FJERNARBEID_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "load-test-" + "k" * 40,
    }
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:  # on loopback only: start_gunicorn replaces the README's --bind
        proc, url = start_gunicorn(readme_gunicorn_arguments(), env, output=log)
    wait_until_healthy(proc, url, log=log_path)
    worker = start_worker(env)  # handouts are built beside gunicorn, as the README says to run it
    yield url, log_path
    stop_worker(worker, database_url)
    stop(proc)


@pytest.fixture
def handout_deck(database_url):
    """A presentation with 30 views of the survey page (removed afterwards)."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from app.db.decks import add_view, create_deck, delete_deck

    engine = create_engine(database_url)
    with Session(engine) as session:
        deck = create_deck(session, "Lasttest")
        questions = ["q22", "q23", "q12"]
        bys = ["age_group", "gender", "education", "centrality", "none"]
        for i in range(HANDOUT_VIEWS):
            query = f"?survey=demo_national&question={questions[i % 3]}&by={bys[i // 3 % 5]}&f_gender={1 + i // 15}"
            add_view(session, deck.token, "/undersoking", query, f"Visning {i + 1}")
        session.commit()
    yield deck.token
    with Session(engine) as session:
        delete_deck(session, deck.token)
        session.commit()
    engine.dispose()


def test_twenty_clients_asking_for_images_at_once_kill_no_worker_and_health_stays_fast(production_server, handout_deck):
    url, log_path = production_server
    start = threading.Barrier(CLIENTS + HANDOUT_CLIENTS + 1)
    handouts: list[tuple[int, float]] = []
    done = threading.Event()
    answers: list[tuple[int, str | None]] = []
    errors: list[str] = []
    health: list[tuple[float, int]] = []

    def client(number: int) -> None:
        start.wait()
        for i in range(IMAGES_PER_CLIENT):
            query = QUERIES[(number + i) % len(QUERIES)]
            try:
                answer = requests.get(f"{url}/export/{query}", timeout=90)
                answers.append((answer.status_code, answer.headers.get("Retry-After")))
            except requests.RequestException as error:
                errors.append(f"{query}: {error!r}")

    def handout() -> None:
        start.wait()
        began = time.monotonic()
        try:
            status = requests.get(f"{url}/deck/{handout_deck}.pdf", timeout=90).status_code
        except requests.RequestException as error:
            errors.append(f"handout: {error!r}")
            return
        handouts.append((status, time.monotonic() - began))

    def poll_health() -> None:
        start.wait()
        while not done.is_set():
            began = time.monotonic()
            try:
                status = requests.get(url + "/health", timeout=30).status_code
            except requests.RequestException:
                status = 0
            health.append((time.monotonic() - began, status))
            time.sleep(0.1)

    clients = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    clients += [threading.Thread(target=handout) for _ in range(HANDOUT_CLIENTS)]
    poller = threading.Thread(target=poll_health)
    for thread in [*clients, poller]:
        thread.start()
    deadline = time.monotonic() + BURST_SECONDS
    for thread in clients:
        thread.join(max(0.0, deadline - time.monotonic()))
    done.set()
    poller.join(60)
    assert not any(t.is_alive() for t in clients), f"the burst took longer than {BURST_SECONDS} s"

    log = log_path.read_text()
    assert "WORKER TIMEOUT" not in log and "SIGKILL" not in log, log[-3000:]
    assert not errors, errors[:5]
    statuses = sorted(status for status, _ in answers)
    assert len(answers) == CLIENTS * IMAGES_PER_CLIENT
    assert set(statuses) <= {200, 429}, f"answers: {statuses}\n{log[-3000:]}"
    assert statuses.count(200) >= CLIENTS, f"most images should be drawn: {statuses}"
    assert all(retry and int(retry) >= 1 for status, retry in answers if status == 429)
    assert len(handouts) == HANDOUT_CLIENTS and {s for s, _ in handouts} <= {200, 202, 429}, handouts
    assert max(seconds for _, seconds in handouts) <= HANDOUT_SECONDS, f"handouts answered in {handouts}"

    assert len(health) >= 5 and all(status == 200 for _, status in health), health
    seconds = sorted(s for s, _ in health)
    p95 = seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))]
    print(
        f"images: {statuses.count(200)} drawn, {statuses.count(429)} refused (429); "
        f"/health: {len(seconds)} polls, median {seconds[len(seconds) // 2]:.3f} s, p95 {p95:.3f} s, "
        f"max {seconds[-1]:.3f} s; handouts: {[(s, round(t, 2)) for s, t in handouts]}"
    )
    assert p95 <= HEALTH_P95_SECONDS, f"/health p95 {p95:.2f} s: {[round(s, 2) for s in seconds]}"
