"""The web server's own PostgreSQL role: it reads everything but writes only what the web app edits.

Migrations, seeding and imports run as the owner of the tables (``DATABASE_URL`` of the commands). The
web server can connect as a second role (``fjernarbeid db grant-web ROLE`` gives it its rights) that
can read the survey tables but not change them, so a flaw in the web app cannot alter respondents'
answers. What the web app writes: coworking spaces, measure progress, presentations, accounts' last
logins, sessions and failed logins, the audit trail, and the data version the triggers count.

Web imports (surveys, coworking inventories, SSB tables by admins) need the owner's rights; a
deployment with the two roles gives the web server the owner's URL for them in
``FJERNARBEID_IMPORT_DATABASE_URL``.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

WEB_WRITES = (
    "coworking_space",
    "measure_progress",
    "deck",
    "deck_view",
    "audit_entry",
    "app_user",
    "user_session",
    "login_throttle",
    "data_version",
    "import_batch",
)
    # the job queue (app/db/jobs.py): the web app enqueues and follows jobs, keeps uploads by reference
    "job",
    "upload",
    "procrastinate_jobs",
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_workers",


def grant_web_role(engine: Engine, role: str) -> None:
    """Give ``role`` (which must exist) read access to every table and write access to ``WEB_WRITES`` only."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise ValueError(f"{role!r} is not a plain PostgreSQL role name")
    with engine.begin() as connection:
        schema: str = connection.execute(text("SELECT current_schema()")).scalar_one()
        connection.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
        connection.execute(
            text(f'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA "{schema}" FROM "{role}"')
        )
        connection.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"'))
        for table in WEB_WRITES:
            connection.execute(text(f'GRANT INSERT, UPDATE, DELETE ON "{table}" TO "{role}"'))
        connection.execute(text(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{role}"'))
