"""Chart images from one warm Chromium per process, behind a gate: N at once, a bounded queue, 429 beyond.

Speed is measured in bench/export_bench.py; these tests check the behaviour only.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import plotly.graph_objects as go
import pytest

from app.web.server import image_server
from app.web.server.image_server import Busy, RenderGate, WarmBrowser

SURVEY_IMAGE = "/export/undersoking.png?survey=demo_national&question=q22&by=gender"


def _hold(gate: RenderGate, entered: threading.Event, release: threading.Event, outcome: list) -> None:
    try:
        with gate.turn():
            entered.set()
            release.wait(10)
        outcome.append("drawn")
    except Busy:
        outcome.append("busy")


def test_the_gate_lets_n_draw_q_wait_and_refuses_the_rest_at_once():
    gate = RenderGate(slots=2, queue=1)
    release = threading.Event()
    outcomes: list = []
    holders = []
    for _ in range(2):
        entered = threading.Event()
        holder = threading.Thread(target=_hold, args=(gate, entered, release, outcomes))
        holder.start()
        assert entered.wait(5)
        holders.append(holder)
    waiter_entered = threading.Event()
    waiter = threading.Thread(target=_hold, args=(gate, waiter_entered, release, outcomes))
    waiter.start()
    deadline = time.monotonic() + 5
    while gate.waiting < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert gate.running == 2 and gate.waiting == 1 and not waiter_entered.is_set()

    started = time.monotonic()
    with pytest.raises(Busy) as refused, gate.turn():
        pass
    assert time.monotonic() - started < 1, "a full queue refuses at once instead of waiting"
    assert refused.value.retry_after >= 1

    release.set()
    for thread in [*holders, waiter]:
        thread.join(10)
    assert outcomes == ["drawn"] * 3 and waiter_entered.is_set()
    assert gate.running == 0 and gate.waiting == 0


def test_a_wait_that_lasts_too_long_is_refused_and_unbounded_work_waits_its_turn():
    gate = RenderGate(slots=1, queue=5, wait_seconds=0.2)
    with gate.turn():
        with pytest.raises(Busy), gate.turn():
            pass
    gate = RenderGate(slots=1, queue=0)
    done = threading.Event()

    def handout() -> None:
        with gate.turn(bounded=False):  # a handout page waits even though the queue holds none
            done.set()

    with gate.turn():
        thread = threading.Thread(target=handout)
        thread.start()
        time.sleep(0.2)
        assert not done.is_set()
    thread.join(5)
    assert done.is_set()


class _SlowBrowser:
    """Stands in for Chromium: each image takes a while, so the gate fills."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def render(self, figure: dict, opts: dict) -> bytes:
        self.release.wait(10)
        return b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def test_beyond_the_queue_an_image_request_gets_429_with_retry_after(client, monkeypatch):
    browser, gate = _SlowBrowser(), RenderGate(slots=1, queue=1)
    monkeypatch.setattr(image_server, "browser_and_gate", lambda renders, queue: (browser, gate))
    statuses: list[int] = []

    def ask() -> None:
        statuses.append(client.application.test_client().get(SURVEY_IMAGE).status_code)

    askers = [threading.Thread(target=ask) for _ in range(2)]
    for asker in askers:
        asker.start()
    deadline = time.monotonic() + 30
    while (gate.running, gate.waiting) != (1, 1) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert (gate.running, gate.waiting) == (1, 1)
    refused = client.get(SURVEY_IMAGE)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    browser.release.set()
    for asker in askers:
        asker.join(30)
    assert statuses == [200, 200]


def test_the_settings_reach_the_gate(make_app):
    from app.web.views.export import image_settings

    app = make_app(image_renders=3, image_queue=5)
    with app.server.app_context():
        assert image_settings() == (3, 5)


def test_importing_the_app_starts_no_browser():
    """gunicorn imports the app and forks: a browser started at import would be shared by every worker."""
    code = (
        "import app.wsgi\n"
        "from app.web.server import image_server\n"
        "assert image_server.current() == (None, None), image_server.current()\n"
    )
    env = {**os.environ, "SECRET_KEY": "x" * 40, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_one_browser_draws_every_image_of_a_process_and_a_dead_one_is_replaced():
    if not os.path.exists(os.environ.get("BROWSER_PATH") or "/usr/bin/chromium"):
        pytest.skip("no Chromium")
    browser = WarmBrowser(tabs=2)
    figure = go.Figure(go.Bar(x=[1, 2], y=["a", "b"], orientation="h")).to_dict()
    opts = {"format": "png", "width": 400, "height": 300, "scale": 1}
    try:
        images = [browser.render(figure, opts) for _ in range(3)]
        assert all(i.startswith(b"\x89PNG") for i in images) and browser.starts == 1
        pid = browser.pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while browser.pid() == pid and time.monotonic() < deadline:
            time.sleep(0.1)
        svg = browser.render(figure, {**opts, "format": "svg"})
        assert svg.startswith(b"<svg") and browser.starts == 2 and browser.pid() not in (None, pid)
        # two threads at once get their own image each, not each other's
        answers: dict[str, bytes] = {}
        threads = [
            threading.Thread(target=lambda f=f: answers.__setitem__(f, browser.render(figure, {**opts, "format": f})))
            for f in ("png", "svg", "pdf")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert answers["png"].startswith(b"\x89PNG") and answers["svg"].startswith(b"<svg")
        assert answers["pdf"].startswith(b"%PDF")
    finally:
        last = browser.pid()
        browser.stop()
    assert browser.pid() is None
    if last is not None:
        deadline = time.monotonic() + 10
        while _running(last) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _running(last), "the browser is closed when it is stopped"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone for our purposes
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except OSError:
        return False
