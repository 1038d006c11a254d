"""Accounts for tests that call write paths over HTTP: an editor and an admin in the shared test
database, and a test client logged in through the login form as a browser would be."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.db.models import AppUser
from app.db.users import add_user
from app.web.server.auth import CSRF_COOKIE, CSRF_HEADER, LOGIN_PATH

PASSWORD = "et langt passord for test"


@contextmanager
def committed(engine) -> Iterator[Session]:
    """A committed session on the test database: the app under test sees what is written."""
    with Session(engine) as session, session.begin():
        yield session


def test_accounts(engine, prefix: str) -> Iterator[dict[str, str]]:
    """An editor and an admin (role → name), removed when the generator is closed."""
    names = {role: f"{prefix}-{role}-{secrets.token_hex(3)}" for role in ("editor", "admin")}
    with committed(engine) as session:
        for role, name in names.items():
            add_user(session, name, role, PASSWORD, "test")
    yield names
    with committed(engine) as session:
        session.execute(delete(AppUser).where(AppUser.name.in_(names.values())))


test_accounts.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def logged_in(app, name: str | None):
    """A test client of ``app``, logged in as ``name`` through the login form (anonymous for None)."""
    client = app.server.test_client()
    page = client.get(LOGIN_PATH).get_data(as_text=True)
    if name:
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        answer = client.post(LOGIN_PATH, data={"name": name, "password": PASSWORD, "csrf_token": token})
        assert answer.status_code == 303, answer.get_data(as_text=True)
    return client


def csrf(client) -> dict[str, str]:
    """The header Dash's renderer sends with every callback: the session's CSRF token from its cookie."""
    cookie = client.get_cookie(CSRF_COOKIE)
    return {CSRF_HEADER: cookie.value} if cookie else {}
