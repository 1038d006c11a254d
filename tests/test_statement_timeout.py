"""Web requests have a statement_timeout; commands do not; a cancelled query is a failed view, not a dead database."""

import pytest
from sqlalchemy import create_engine, text

from app.cli import common
from app.config import Config
from app.db import session as db_session
from app.errors import DatabaseUnavailable, QueryTimeout
from app.web import create_app
from bench.load_test import main_callbacks_in, payload


@pytest.fixture
def tiny_timeout(database_url, tmp_path):
    config = Config(database_url=database_url, data_dir=tmp_path, secret_key="x", statement_timeout_ms=100)
    yield config
    db_session.configure(Config(database_url=database_url, data_dir=tmp_path, secret_key="x"))


def test_a_slow_query_of_the_web_app_is_cancelled_as_query_timeout(tiny_timeout):
    create_app(tiny_timeout)
    with pytest.raises(QueryTimeout, match="100 ms") as caught, db_session.session_scope() as session:
        session.execute(text("SELECT pg_sleep(2)"))
    assert not isinstance(caught.value, DatabaseUnavailable)
    with db_session.session_scope() as session:  # the pool's connection is fine afterwards
        assert session.execute(text("SHOW statement_timeout")).scalar() == "100ms"
        assert session.execute(text("SELECT pg_sleep(0.01), 1")).one()[1] == 1


def test_commands_are_not_limited(tiny_timeout):
    common._engine(tiny_timeout)  # how every command (import, seed, db …) sets up the database
    with db_session.session_scope() as session:
        assert session.execute(text("SHOW statement_timeout")).scalar() == "0"
        session.execute(text("SELECT pg_sleep(0.3)"))  # three times the web limit


def test_without_a_limit_a_cancelled_statement_of_the_web_app_is_still_a_query_timeout(database_url, tmp_path):
    config = Config(database_url=database_url, data_dir=tmp_path, secret_key="x", statement_timeout_ms=0)
    create_app(config)
    try:
        with pytest.raises(QueryTimeout) as caught, db_session.session_scope() as session:
            assert session.execute(text("SHOW statement_timeout")).scalar() == "0"
            session.execute(text("SET LOCAL statement_timeout = '20ms'"))  # as pg_cancel_backend would
            session.execute(text("SELECT pg_sleep(2)"))
        assert "limit" not in str(caught.value)
    finally:
        db_session.configure(config)


def test_options_in_the_database_url_are_kept(database_url, tmp_path):
    url = database_url + ("&" if "?" in database_url else "?") + "options=-c%20application_name%3Dfjtest"
    config = Config(database_url=url, data_dir=tmp_path, secret_key="x", statement_timeout_ms=1234)
    db_session.configure(config, web=True)
    try:
        with db_session.session_scope() as session:
            assert session.execute(text("SHOW statement_timeout")).scalar() == "1234ms"
            assert session.execute(text("SHOW application_name")).scalar() == "fjtest"
    finally:
        db_session.configure(Config(database_url=database_url, data_dir=tmp_path, secret_key="x"))


def overview_request(client, search: str) -> dict:
    """The request that redraws the overview for ``search`` (found in Dash's dependencies, as the load test does)."""
    callbacks = main_callbacks_in(client.get("/_dash-dependencies").get_json())
    return payload(callbacks["overview"], search)


def test_a_page_whose_query_is_cancelled_shows_a_message_and_is_not_cached(tiny_timeout, database_url):
    client = create_app(tiny_timeout).server.test_client()
    request = overview_request(client, "?survey=demo_national")
    blocker = create_engine(database_url).connect()
    try:
        # every table locked by another transaction: each statement of the request waits until cancelled
        tables = blocker.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
        blocker.execute(text("LOCK TABLE " + ", ".join(f'"{t}"' for t in tables) + " IN ACCESS EXCLUSIVE MODE"))
        response = client.post("/_dash-update-component", json=request)
    finally:
        blocker.rollback()
        blocker.close()
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Traceback" not in body and "canceling statement" not in body
    assert "database-error" not in body  # the database answers: not "the data are not available"
    assert "query-timeout" in body  # "This view took too long" instead of the view
    assert "X-Fjernarbeid-Cache" not in response.headers
    again = client.post("/_dash-update-component", json=request)
    assert '"color":"danger"' not in again.get_data(as_text=True)  # the next request draws the page
