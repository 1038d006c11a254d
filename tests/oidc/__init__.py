"""A real OpenID provider on loopback for the single sign-on tests: panva's ``oidc-provider`` (pinned in
package.json and package-lock.json) run by Node from ``provider.js``, started once per test session.

``npm ci`` installs it into ``tests/oidc/node_modules`` the first time (the npm registry must be
reachable then), so the README's test command needs nothing else than Node and npm.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CLIENT_SECRET = "loopback-test-secret-" + "x" * 16
# the app's addresses as the Flask test client and the session's live server use them
REDIRECT_URIS = ("http://localhost/logg-inn/sso/svar",)
LOGOUT_URIS = ("http://localhost/",)
START_TIMEOUT = 60


def _install() -> None:
    if (HERE / "node_modules" / "oidc-provider" / "package.json").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("the single sign-on tests need Node and npm (Debian: apt-get install nodejs npm)")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True, timeout=600)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_provider(
    port: int | None = None,
    redirect_uris: tuple[str, ...] = REDIRECT_URIS,
    logout_uris: tuple[str, ...] = LOGOUT_URIS,
) -> Iterator[str]:
    """The provider's issuer (``http://127.0.0.1:<port>``), stopped when the generator is closed: a
    session-scoped fixture yields from it. The app's callback addresses must be known to it."""
    _install()
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.fail("the single sign-on tests need Node (Debian: apt-get install nodejs)")
    env = {
        **os.environ,
        "PORT": str(port or free_port()),
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URIS": " ".join(redirect_uris),
        "LOGOUT_URIS": " ".join(logout_uris),
    }
    process = subprocess.Popen(
        [node, str(HERE / "provider.js")],
        cwd=HERE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    ready: list[str] = []
    output: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:  # read to the end, so the provider never blocks on a full pipe
            output.append(line)
            if line.startswith("ready ") and not ready:
                ready.append(line.split()[1])

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    for _ in range(START_TIMEOUT * 10):
        if ready or process.poll() is not None:
            break
        threading.Event().wait(0.1)
    if not ready:
        process.kill()
        pytest.fail("the OpenID provider did not start:\n" + "".join(output))
    try:
        yield ready[0]
    finally:  # also when the generator is closed (``close()``) rather than run on
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
