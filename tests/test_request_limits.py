"""Request bodies are limited before anything reads them: 413 for anyone above FJERNARBEID_MAX_REQUEST_KB
on any route, with or without Content-Length; only a logged-in admin's upload callback may send more."""

from __future__ import annotations

import base64
import socket
from urllib.parse import urlsplit

import pytest

from app.web.server.limits import upload_callbacks
from tests.accounts import csrf, logged_in, test_accounts
from tests.dash_calls import callback_request
from tests.servers import wait_until_healthy
from tests.test_login_limits import _start

LIMIT_KB = 256  # small, so that the tests send little
ABOVE = (LIMIT_KB + 64) * 1024


@pytest.fixture(scope="module")
def accounts(engine):
    yield from test_accounts(engine, "limits")


@pytest.fixture
def app(make_app):
    return make_app(max_request_kb=LIMIT_KB)


def upload_request(app, size: int) -> dict:
    """The import page's callback with a file of ``size`` bytes in its first upload (and nothing chosen
    to import, so that it answers without storing anything)."""
    entry = next(app.callback_map[key] for key in upload_callbacks(app) if _trigger(app, key) == "import-check")
    trigger = entry["inputs"][0]
    contents = next(s for s in entry["state"] if s["property"] == "contents")
    data_url = "data:application/octet-stream;base64," + base64.b64encode(b"x" * size).decode()
    return callback_request(
        app, trigger["id"], {f"{trigger['id']}.{trigger['property']}": 1, f"{contents['id']}.contents": data_url}
    )


def padded(request: dict, size: int) -> dict:
    return {**request, "padding": "x" * size}


def _trigger(app, key: str) -> str:
    return app.callback_map[key]["inputs"][0]["id"]


def test_only_the_import_pages_check_and_draft_take_uploads(app):
    """The callbacks that may receive a large body are exactly the import page's two that read its files."""
    assert sorted(_trigger(app, key) for key in upload_callbacks(app)) == ["import-check", "import-draft"]


@pytest.mark.parametrize("path", ["/_dash-update-component", "/logg-inn", "/", "/finnes-ikke"])
def test_a_large_anonymous_body_is_refused_on_any_route(app, path):
    body = padded(callback_request(app, "shell-url", {"shell-url.pathname": "/"}), ABOVE)
    assert app.server.test_client().post(path, json=body).status_code == 413


@pytest.mark.parametrize(("who", "status"), [(None, 413), ("editor", 413), ("admin", 200)])
def test_only_an_admin_may_send_a_large_upload(app, accounts, who, status):
    client = logged_in(app, accounts.get(who))
    answer = client.post("/_dash-update-component", json=upload_request(app, ABOVE), headers=csrf(client))
    assert answer.status_code == status


def test_an_admin_may_not_send_a_large_body_to_another_callback(app, accounts):
    client = logged_in(app, accounts["admin"])
    body = padded(callback_request(app, "shell-url", {"shell-url.pathname": "/"}), ABOVE)
    assert client.post("/_dash-update-component", json=body, headers=csrf(client)).status_code == 413
    small = callback_request(app, "shell-url", {"shell-url.pathname": "/"})
    assert client.post("/_dash-update-component", json=small, headers=csrf(client)).status_code == 200


@pytest.fixture(scope="module")
def server_url(database_url, tmp_path_factory):
    proc, url = _start(database_url, tmp_path_factory.mktemp("bodies"), 0, FJERNARBEID_MAX_REQUEST_KB=str(LIMIT_KB))
    try:
        wait_until_healthy(proc, url, seconds=90)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _raw_post(url: str, head: bytes, chunks: list[bytes]) -> int:
    """Send a request over a plain socket (so that nothing adds a Content-Length) and return the status
    the server answers, even when it answers before the whole body is sent."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        try:
            sock.sendall(head)
            for chunk in chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered early and closed: the answer is still there to read
        answer = b""
        try:
            while b"\r\n" not in answer:
                data = sock.recv(4096)
                if not data:
                    break
                answer += data
        except ConnectionResetError:
            pass
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0


def test_gunicorn_refuses_a_large_body_with_content_length(server_url):
    body = b'{"output": "x", "padding": "' + b"x" * ABOVE + b'"}'
    head = (
        b"POST /_dash-update-component HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
    )
    assert _raw_post(server_url, head, [body]) == 413


def test_gunicorn_refuses_a_large_chunked_body(server_url):
    piece = b"x" * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    head = (
        b"POST /_dash-update-component HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    opening = b'{"output": "x", "padding": "'
    chunks = [f"{len(opening):x}\r\n".encode() + opening + b"\r\n"] + [chunk] * (ABOVE // len(piece) + 2)
    assert _raw_post(server_url, head, [*chunks, b"0\r\n\r\n"]) == 413
