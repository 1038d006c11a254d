"""The web server's own database role reads the survey tables but cannot change them."""

from __future__ import annotations

import datetime as dt
import secrets

import procrastinate
import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

from app.db import jobs, uploads, users


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


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO app_user (name, password_hash, role, session_stamp) VALUES ('evil', 'x', 'admin', 'x')",
        "UPDATE app_user SET role = 'admin'",
        "UPDATE app_user SET password_hash = 'x'",
        "UPDATE app_user SET disabled = false",
        "UPDATE app_user SET name = 'kari'",
        "DELETE FROM app_user",
        "INSERT INTO user_region_role (user_id, region_id, role) SELECT id, 1, 'admin' FROM app_user",
        "UPDATE user_region_role SET role = 'admin'",
        "DELETE FROM user_region_role",
        "UPDATE region SET name = 'Egen'",  # a region is made in the browser, never changed or removed there
        "DELETE FROM region",
        "DELETE FROM region_member",
        "UPDATE audit_entry SET actor = 'someone else'",
        "DELETE FROM audit_entry",
        "TRUNCATE audit_entry",
        "INSERT INTO answer (respondent_id, question_id, number) VALUES (1, 1, 1)",
        "UPDATE answer SET code = code",
        "UPDATE answer_vector SET weight = 1",
        "TRUNCATE answer",
        "DELETE FROM measure_progress",
        "DELETE FROM measure_criterion",
        "UPDATE interview_quote SET text = 'x'",
        "TRUNCATE coworking_space",
        "UPDATE import_batch SET status = 'failed'",
        "UPDATE data_version SET id = 2",
        "SELECT nextval(pg_get_serial_sequence('app_user', 'id'))",
    ],
)
def test_the_web_role_is_refused_what_the_web_app_never_writes(web_engine, statement):
    with web_engine.connect() as connection, pytest.raises(ProgrammingError, match="permission denied"):
        connection.execute(text(statement))


def test_the_web_role_may_do_each_write_the_web_app_does(web_engine):
    with web_engine.connect() as connection:
        transaction = connection.begin()
        version = connection.execute(text("SELECT version FROM data_version")).scalar_one()
        space = connection.execute(
            text(
                "INSERT INTO coworking_space (name, kommunenummer, seats, cell_offices, meeting_rooms, facilities, "
                "status, is_example) VALUES ('Rolletest', '4622', 0, 0, 0, '[]', 'active', false) RETURNING id"
            )
        ).scalar_one()
        connection.execute(text("UPDATE coworking_space SET seats = 4 WHERE id = :id"), {"id": space})
        connection.execute(text("DELETE FROM coworking_space WHERE id = :id"), {"id": space})
        assert connection.execute(text("SELECT version FROM data_version")).scalar_one() == version + 3  # triggers
        progress = connection.execute(
            text(
                "INSERT INTO measure_progress (activity_id, kommunenummer, status, is_example) "
                "SELECT min(id), '4622', 'planned', false FROM measure_activity RETURNING id"
            )
        ).scalar_one()
        connection.execute(text("UPDATE measure_progress SET note = 'ok' WHERE id = :id"), {"id": progress})
        criterion = connection.execute(
            text(
                "INSERT INTO measure_criterion (area_id, description, target_value, target_date, is_example) "
                "SELECT min(id), 'Mål', 3, '2027-12-31', false FROM measure_area RETURNING id"
            )
        ).scalar_one()
        connection.execute(text("UPDATE measure_criterion SET target_value = 4 WHERE id = :id"), {"id": criterion})
        deck = connection.execute(
            text("INSERT INTO deck (token, title) VALUES (repeat('t', 24), 'Møte') RETURNING id")
        ).scalar_one()
        connection.execute(
            text(
                "INSERT INTO deck_view (deck_id, position, path, query_string, title, note) "
                "VALUES (:deck, 1, '/', '', 'Oversikt', '')"
            ),
            {"deck": deck},
        )
        connection.execute(text("UPDATE deck SET title = 'Nytt møte' WHERE id = :id"), {"id": deck})
        connection.execute(text("DELETE FROM deck WHERE id = :id"), {"id": deck})
        connection.execute(text("UPDATE app_user SET last_login_at = now()"))
        entry = connection.execute(
            text(
                "INSERT INTO audit_entry (actor, action, entity) VALUES ('test', 'test.check', 'nothing') RETURNING id"
            )
        ).scalar_one()
        assert (
            connection.execute(text("SELECT actor FROM audit_entry WHERE id = :id"), {"id": entry}).scalar() == "test"
        )
        tables = set(connection.execute(text("SELECT tablename FROM pg_tables")).scalars())
        for table in ("user_session", "login_throttle"):  # sessions and login limits (migration 0010)
            if table in tables:
                for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE"):
                    assert connection.execute(
                        text("SELECT has_table_privilege(:table, :privilege)"), {"table": table, "privilege": privilege}
                    ).scalar_one(), (table, privilege)
        transaction.rollback()


@pytest.fixture
def outdated_user(engine):
    """An account whose hash was made with weaker Argon2 parameters than today's (an older release)."""
    name, password = f"gammal{secrets.token_hex(3)}", "eit langt passord for testen"
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(password)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO app_user (name, password_hash, role, session_stamp) VALUES (:n, :h, 'editor', 'x')"),
            {"n": name, "h": weak},
        )
    yield name, password, weak
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM app_user WHERE name = :n"), {"n": name})


def test_a_login_through_the_web_role_works_with_an_outdated_hash_and_leaves_it(web_engine, outdated_user):
    name, password, weak = outdated_user
    with Session(web_engine) as session:
        account = users.authenticate(session, name, password, "192.0.2.7")
        assert account is not None and account.name == name
        users.start_session(session, account)
        session.commit()
    with web_engine.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM app_user WHERE name = :n"), {"n": name}).scalar()
    assert stored == weak  # the web role may not write hashes: unchanged, and the login went through


def test_a_login_through_the_owner_brings_an_outdated_hash_up_to_date(engine, outdated_user):
    name, password, weak = outdated_user
    with Session(engine) as session:
        assert users.authenticate(session, name, password, "192.0.2.8") is not None
        session.commit()
        stored = session.scalar(text("SELECT password_hash FROM app_user WHERE name = :n"), {"n": name})
    assert stored != weak and not PasswordHasher().check_needs_rehash(stored)


def test_the_web_role_queues_cancels_and_confirms_jobs_and_keeps_uploads(web_engine, database_url, tmp_path):
    """What the web app does with jobs, done as the web role: queue one (also in procrastinate's table),
    keep an upload, confirm a checked import, cancel; the worker's part runs as the owner."""
    with Session(web_engine) as session:
        stored = uploads.store(session, tmp_path, "user:1", "data", "svar.csv", b"id;vekt\n1;1\n")
        job, created = jobs.submit(session, "rolletest", "user:1", {"uploads": {"data": stored.id}})
        jobs.update_params(session, job.id, confirmed=True)
        session.commit()
    assert created
    web_url = make_url(database_url).set(username=web_engine.url.username, drivername="postgresql")
    connector = procrastinate.SyncPsycopgConnector(conninfo=web_url.render_as_string(hide_password=False))
    with procrastinate.App(connector=connector).open() as queue:
        queued = queue.configure_task(name=jobs.TASK, queue="rolletest").defer(job_id=job.id)
    with Session(web_engine) as session:
        jobs.set_queue_id(session, job.id, queued)
        cancelled = jobs.cancel(session, job.id, "user:1")
        uploads.delete_stale(session, tmp_path, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
        session.commit()
    assert cancelled is not None and cancelled.state == "cancelled"
    with web_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM upload WHERE id = :id"), {"id": stored.id}).scalar() == 0
        with pytest.raises(ProgrammingError, match="permission denied"):
            connection.execute(text("DELETE FROM job WHERE id = :id"), {"id": job.id})
        connection.rollback()
        with pytest.raises(ProgrammingError, match="permission denied"):  # the result is the worker's to write
            connection.execute(text("UPDATE job SET result = '{}' WHERE id = :id"), {"id": job.id})


def test_the_web_role_makes_a_region_with_its_members_and_its_catalogue(web_engine):
    """A national admin's new region in the browser (/admin/regioner): the region, its members, the copy of the
    measures catalogue's template and the change log, all through the web's own role."""
    from app.db.regions import add_region
    from app.query.measures import catalogue

    with Session(web_engine) as session:
        made = add_region(session, f"rolle-{secrets.token_hex(3)}", "Rolletest", ["4613", "4614"], "test")
        assert made.members == ("4613", "4614") and len(catalogue(session, made.slug)) == 5
        session.rollback()
