"""The login limits against the README's gunicorn deployment: failures back off per typed name and client
address (the owner elsewhere still logs in), parallel guesses cannot slip past the limit, and the client
address comes from ``X-Forwarded-For`` only behind trusted proxies."""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import delete, select

from app.db.models import LoginThrottle
from app.db.users import MAX_FAILURES_PER_PAIR
from tests.accounts import PASSWORD, committed, test_accounts
from tests.servers import start_gunicorn, wait_until_healthy

PARALLEL = 19


def _start(database_url: str, data_dir: Path, trusted_proxies: int, **settings: str) -> tuple[subprocess.Popen, str]:
    """gunicorn as the README starts it (three workers), with these settings."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FJERNARBEID_DATA_DIR": str(data_dir),
        "SECRET_KEY": "a test secret key long enough for the app to accept it",
        "FJERNARBEID_TRUSTED_PROXIES": str(trusted_proxies),
        **settings,
    }
    return start_gunicorn(["--workers", "3", "--timeout", "60", "--graceful-timeout", "5", "app.wsgi:server"], env)


@pytest.fixture(scope="module")
def servers(database_url, engine, tmp_path_factory):
    """Two gunicorn servers as the README starts them, on the test database: with no trusted proxy and
    with one."""
    started = [_start(database_url, tmp_path_factory.mktemp(f"proxies{n}"), n) for n in (0, 1)]
    try:
        for proc, url in started:
            wait_until_healthy(proc, url, seconds=90)
        yield [url for _, url in started]
    finally:
        for proc, _ in started:
            proc.terminate()
        for proc, _ in started:
            proc.wait(timeout=20)
        with committed(engine) as session:  # nothing of this module slows down logins of later tests
            session.execute(delete(LoginThrottle))


@pytest.fixture(scope="module")
def accounts(engine):
    yield from test_accounts(engine, "limits")


def login(url: str, name: str, password: str, forwarded_for: str | None = None) -> int:
    """The status of a login through the form, as a browser (behind a proxy naming ``forwarded_for``)."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    with requests.Session() as browser:
        page = browser.get(url + "/logg-inn", headers=headers, timeout=30).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        answer = browser.post(
            url + "/logg-inn",
            data={"name": name, "password": password, "csrf_token": token},
            headers=headers,
            allow_redirects=False,
            timeout=60,
        )
        return answer.status_code


def test_parallel_guesses_are_checked_no_more_than_the_limit(servers, accounts, engine):
    """19 wrong passwords at once from one address (three gunicorn workers): at most five reach the
    password check (401), the rest are refused (429)."""
    url, attacker = servers[1], "203.0.113.19"
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        answers = Counter(
            pool.map(lambda i: login(url, accounts["admin"], f"gjetting {i:04d}", attacker), range(PARALLEL))
        )
    assert answers[401] <= MAX_FAILURES_PER_PAIR and answers[401] + answers[429] == PARALLEL, answers
    with committed(engine) as session:
        failures = session.scalar(
            select(LoginThrottle.failures).where(
                LoginThrottle.name == accounts["admin"], LoginThrottle.address == attacker
            )
        )
    assert failures == answers[401]


def test_the_owner_logs_in_from_elsewhere_while_the_guesser_waits(servers, accounts):
    url, attacker, owner = servers[1], "203.0.113.7", "198.51.100.2"
    for attempt in range(MAX_FAILURES_PER_PAIR):
        assert login(url, accounts["editor"], f"gjetting {attempt:04d}", attacker) == 401
    assert login(url, accounts["editor"], PASSWORD, attacker) == 429  # even with the right password
    assert login(url, accounts["editor"], PASSWORD, owner) == 303  # the owner, from another address


def test_forwarded_for_is_ignored_without_a_trusted_proxy(servers, engine):
    """Without a trusted proxy every request counts as the connection's address, whatever it claims."""
    names = test_accounts(engine, "direct")
    name = next(names)["editor"]
    try:
        for attempt in range(MAX_FAILURES_PER_PAIR):
            assert login(servers[0], name, f"gjetting {attempt:04d}", f"192.0.2.{attempt}") == 401
        assert login(servers[0], name, PASSWORD, "192.0.2.200") == 429
        with committed(engine) as session:
            addresses = set(session.scalars(select(LoginThrottle.address).where(LoginThrottle.name == name)))
        assert addresses == {"127.0.0.1"}
    finally:
        names.close()


@pytest.mark.parametrize("trusted", [0, 1])
def test_https_is_believed_from_a_trusted_proxy_only(make_app, trusted):
    """Behind a TLS proxy (X-Forwarded-Proto: https) cookies are Secure and HSTS is sent, but only when
    the proxy is trusted: otherwise anyone could claim HTTPS."""
    app = make_app(trusted_proxies=trusted)
    answer = app.server.test_client().get(
        "/logg-inn", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.9"}
    )
    cookie = next(c for c in answer.headers.getlist("Set-Cookie") if c.startswith("_csrf_token="))
    assert ("Secure" in cookie) == bool(trusted)
    assert ("Strict-Transport-Security" in answer.headers) == bool(trusted)
