"""gunicorn started by a test on loopback, the way the README runs it, and stopped again."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(
    arguments: list[str],
    env: dict[str, str],
    output: IO[str] | None = None,
    python: str | Path = sys.executable,
    cwd: Path = ROOT,
) -> tuple[subprocess.Popen, str]:
    """``gunicorn ARGUMENTS`` bound to a free loopback port (``--bind`` is set or replaced); its output goes to
    ``output``, or to a pipe read when it fails to start. Started by ``python`` (another environment's) in
    ``cwd``, the checkout unless told. Returns the process and its address."""
    port = free_port()
    arguments = list(arguments)
    if "--bind" in arguments:
        arguments[arguments.index("--bind") + 1] = f"127.0.0.1:{port}"
    else:
        arguments = ["--bind", f"127.0.0.1:{port}", *arguments]
    proc = subprocess.Popen(
        [str(python), "-m", "gunicorn", *arguments],
        cwd=cwd,
        env=env,
        stdout=output if output is not None else subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return proc, f"http://127.0.0.1:{port}"


def wait_until_healthy(proc: subprocess.Popen, url: str, seconds: float = 60, log: Path | None = None) -> None:
    """Until ``/health`` answers 200; a server that exits or takes longer fails the test with its output."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(url + "/health", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            said = log.read_text() if log is not None else (proc.stdout.read() if proc.stdout else "")
            pytest.fail("gunicorn did not start:\n" + said)
        time.sleep(0.3)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
