"""Identical callback requests are answered from memory until the data change."""

import pytest
from sqlalchemy import create_engine, text

from app.config import Config
from app.query.data_version import data_version
from app.web import create_app
from app.web.server.response_cache import ResponseCache
from tests.test_health import overview_request

CACHE_HEADER = "X-Fjernarbeid-Cache"


def post(client, search):
    response = client.post("/_dash-update-component", json=overview_request(search))
    assert response.status_code == 200
    return response


def test_a_repeated_request_is_served_from_memory_with_the_same_answer(client):
    first = post(client, "?survey=demo_national&region=hardangerradet")
    again = post(client, "?survey=demo_national&region=hardangerradet")
    other = post(client, "?survey=demo_national&region=norge")
    assert (first.headers[CACHE_HEADER], again.headers[CACHE_HEADER], other.headers[CACHE_HEADER]) == (
        "miss",
        "hit",
        "miss",
    )
    assert again.get_data() == first.get_data() != other.get_data()


def test_any_write_to_the_data_makes_the_next_request_recompute(client, database_url):
    search = "?survey=demo_national&region=norge&lang=en"
    post(client, search)
    assert post(client, search).headers[CACHE_HEADER] == "hit"
    engine = create_engine(database_url)
    with engine.begin() as conn:  # a write that changes nothing still moves the data version
        conn.execute(text("UPDATE municipality SET population = population WHERE kommunenummer = '4622'"))
    engine.dispose()
    assert post(client, search).headers[CACHE_HEADER] == "miss"
    assert post(client, search).headers[CACHE_HEADER] == "hit"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE municipality SET population = population",
        "DELETE FROM published_figure WHERE false",
        "UPDATE answer_vector SET weight = weight WHERE false",
        "UPDATE measure_progress SET status = status",
    ],
)
def test_every_statement_on_a_content_table_moves_the_data_version(db, statement):
    before = data_version(db)
    db.execute(text(statement))
    assert data_version(db) == before + 1


def test_answers_showing_an_error_are_not_kept(tmp_path):
    config = Config(
        database_url="postgresql://nobody@127.0.0.1:1/none", data_dir=tmp_path, secret_key="x", connect_timeout=1
    )
    client = create_app(config).server.test_client()
    response = client.post("/_dash-update-component", json=overview_request(""))
    assert "database-error" in response.get_data(as_text=True)
    assert CACHE_HEADER not in response.headers


def test_the_cache_drops_least_recently_used_answers_beyond_its_size():
    cache = ResponseCache(max_bytes=10)
    cache.put((1, b"a"), b"12345")
    cache.put((1, b"b"), b"12345")
    assert cache.get((1, b"a")) == b"12345"  # now most recently used
    cache.put((1, b"c"), b"123")
    assert cache.get((1, b"b")) is None and cache.get((1, b"a")) and cache.get((1, b"c"))
    cache.put((2, b"a"), b"1")  # a new data version makes older answers unreachable: dropped
    assert [cache.get((1, k)) for k in (b"a", b"c")] == [None, None]


def test_cache_can_be_switched_off(make_app):
    app = make_app(cache_mb=0)
    client = app.server.test_client()
    assert CACHE_HEADER not in post(client, "?survey=demo_national").headers


def test_workers_sharing_a_data_directory_reuse_each_others_answers(make_app):
    first = make_app().server.test_client()
    second = make_app().server.test_client()  # another gunicorn worker, same machine
    computed = post(first, "?survey=demo_hardanger&region=hardangerradet")
    reused = post(second, "?survey=demo_hardanger&region=hardangerradet")
    assert (computed.headers[CACHE_HEADER], reused.headers[CACHE_HEADER]) == ("miss", "hit")
    assert reused.get_data() == computed.get_data()


def test_a_request_for_an_answer_being_computed_waits_for_it(make_app, app_config, database_url):
    import json
    import threading

    from app.web.server.response_cache import SharedStore, cache_key

    client = make_app().server.test_client()
    body = json.dumps(overview_request("?survey=demo_national&region=norge&lang=nn")).encode()
    engine = create_engine(database_url)
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version FROM data_version")).scalar()
    engine.dispose()
    store = SharedStore(app_config.data_dir / "response-cache", 1 << 20)
    key = cache_key(version, "localhost", body)  # the test client's host
    held = store.lock(key)  # as if another worker were computing this answer
    answers = []
    waiting = threading.Thread(
        target=lambda: answers.append(
            client.post("/_dash-update-component", data=body, content_type="application/json")
        )
    )
    waiting.start()
    waiting.join(timeout=1.0)
    assert waiting.is_alive() and not answers  # blocked on the other worker's lock
    store.put(key, b'{"computed": "elsewhere"}')
    held.close()
    waiting.join(timeout=30)
    assert answers[0].headers[CACHE_HEADER] == "hit" and answers[0].get_data() == b'{"computed": "elsewhere"}'


def test_without_a_writable_data_directory_the_cache_stays_in_memory(make_app, tmp_path):
    not_a_directory = tmp_path / "plain-file"
    not_a_directory.write_text("")
    client = make_app(data_dir=not_a_directory).server.test_client()
    assert post(client, "?survey=demo_national&lang=nn").headers[CACHE_HEADER] == "miss"
    assert post(client, "?survey=demo_national&lang=nn").headers[CACHE_HEADER] == "hit"


def test_a_new_version_of_the_code_does_not_reuse_answers_drawn_by_the_old_one(make_app, monkeypatch):
    from app.web.server import response_cache

    first = make_app().server.test_client()
    assert post(first, "?survey=demo_national").headers[CACHE_HEADER] == "miss"
    monkeypatch.setattr(response_cache, "code_version", lambda: "upgraded")  # as after an upgrade and restart
    restarted = make_app().server.test_client()
    assert post(restarted, "?survey=demo_national").headers[CACHE_HEADER] == "miss"
    assert post(restarted, "?survey=demo_national").headers[CACHE_HEADER] == "hit"


def test_the_shared_directory_keeps_no_lock_files_and_at_most_its_bound(make_app, app_config, monkeypatch):
    from app.web.server import response_cache

    monkeypatch.setattr(response_cache, "MAX_SHARED_FILES", 3)
    client = make_app().server.test_client()
    searches = [
        f"?survey=demo_national&region={r}&lang={lang}"
        for r in ("norge", "hardangerradet")
        for lang in ("nb", "en", "nn")
    ]
    for search in searches:
        assert post(client, search).headers[CACHE_HEADER] == "miss"
    files = [p for p in (app_config.data_dir / "response-cache").rglob("*") if p.is_file()]
    assert [p.name for p in files if p.suffix] == []  # no .lock (nor .tmp) left after the answers
    assert len(files) == 3
    assert post(client, searches[-1]).headers[CACHE_HEADER] == "hit"


def test_files_a_killed_process_left_are_removed_but_a_held_lock_stays(tmp_path):
    import os

    from app.web.server.response_cache import ABANDONED_AFTER_S, SharedStore

    store = SharedStore(tmp_path, max_bytes=1 << 20, max_files=10)
    held = store.lock(("g", b"\x01"))  # an answer being computed right now
    generation = tmp_path / "g"
    abandoned = [generation / "02.lock", generation / "tmpx.tmp"]
    for path in abandoned:
        path.write_text("")
    long_ago = os.stat(held.path).st_mtime - ABANDONED_AFTER_S - 60
    for path in [*abandoned, held.path]:
        os.utime(path, (long_ago, long_ago))
    store.put(("g", b"\x03"), b"{}")
    assert sorted(p.name for p in generation.iterdir()) == ["01.lock", "03"]
    held.close()
    assert sorted(p.name for p in generation.iterdir()) == ["03"]
