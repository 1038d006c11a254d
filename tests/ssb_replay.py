"""A stand-in for SSB's PxWebApi v2 on 127.0.0.1: a real HTTP server (``http.server`` in a thread) that
answers ``GET …/tables/{id}/data?…`` with an answer SSB really gave, recorded byte for byte, and keeps every
request it was sent. Nothing of ours is replaced: the fetcher speaks HTTP to it as it would to SSB.

The recorded answers are in /work/shared/real/ssb (provenance in its README.md), unchanged:

- ``download-07459_20220914-092711.json``: SSB's JSON-stat answer for table 07459 (population 1 January
  2022, every municipality with SSB's ``K-`` codes, sex and age eliminated), recorded in
  purplebugs/elastic-data-tool. It was the answer to a request of SSB's older API, not to the v2 GET the
  fetcher sends (v2 was not reachable from here): the replay checks that the fetcher sends its requests,
  reads a real answer and imports SSB's figures, not that SSB accepts the v2 request as written.
- ``13861.json``: a json-stat2 answer for table 13861 (wage inequality; a table the dashboard does not read),
  recorded by storebrand/tap-pxwebapi's tests.
- ``29843.json``: a JSON-stat 1.x answer of SSB's (index of production), recorded in 26fe/jsonstat.py's tests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REAL = Path("/work/shared/real/ssb")
ANSWERS = {
    "07459": REAL / "download-07459_20220914-092711.json",
    "13861": REAL / "13861.json",
}
PREFIX = "/api/pxwebapi/v2"


@dataclass
class Replay:
    base: str
    answers: dict[str, Path]
    requests: list[str] = field(default_factory=list)  # path and query of every GET, as received

    def urls(self) -> list[str]:
        origin = self.base[: -len(PREFIX)]
        return [origin + path for path in self.requests]


@contextmanager
def replay_server(answers: dict[str, Path] | None = None, delay: float = 0.0) -> Iterator[Replay]:
    """Serve ``answers`` (table → recorded file) at ``http://127.0.0.1:PORT/api/pxwebapi/v2``, each after
    ``delay`` seconds (as a slow connection would); any other address is a 404, as SSB answers an unknown
    table."""
    replay = Replay("", dict(ANSWERS if answers is None else answers))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            replay.requests.append(self.path)
            route = self.path.split("?", 1)[0].removeprefix(PREFIX).strip("/").split("/")
            path = replay.answers.get(route[1]) if len(route) == 3 and route[::2] == ["tables", "data"] else None
            if path is None:
                self.send_error(404, "Not found")
                return
            time.sleep(delay)
            body = path.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    replay.base = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    try:
        yield replay
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then closed)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
