"""The web server's own database role reads the survey tables but cannot change them."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from app.db.roles import grant_web_role


@pytest.fixture
def web_engine(engine, database_url):
    role = f"web_{secrets.token_hex(3)}"
    with engine.begin() as connection:
        connection.execute(text(f"CREATE ROLE {role} LOGIN"))
    grant_web_role(engine, role)
    web = create_engine(make_url(database_url).set(username=role))
    yield web
    web.dispose()
    with engine.begin() as connection:
        connection.execute(text(f"DROP OWNED BY {role}"))
        connection.execute(text(f"DROP ROLE {role}"))


def test_the_web_role_reads_answers_but_cannot_change_them(web_engine):
    with web_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM answer")).scalar_one() > 0
    for statement in (
        "UPDATE respondent SET weight = 2",
        "DELETE FROM answer",
        "INSERT INTO survey (slug) VALUES ('x')",
    ):
        with web_engine.connect() as connection, pytest.raises(ProgrammingError, match="permission denied"):
            connection.execute(text(statement))


def test_the_web_role_writes_what_the_web_app_edits(web_engine):
    with web_engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(text("UPDATE coworking_space SET seats = seats WHERE false"))
        inserted = connection.execute(
            text(
                "INSERT INTO audit_entry (actor, action, entity) VALUES ('test', 'test.check', 'nothing') RETURNING id"
            )
        ).scalar_one()
        assert inserted > 0
        transaction.rollback()
