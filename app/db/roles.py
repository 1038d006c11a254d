"""The web server's own PostgreSQL role: it reads everything but writes only what the web app edits.

Migrations, seeding and imports run as the owner of the tables (``DATABASE_URL`` of the commands). The
web server can connect as a second role (``fjernarbeid db grant-web ROLE`` gives it its rights) that
can read the survey tables but not change them, so a flaw in the web app cannot alter respondents'
answers. What the web app writes: coworking spaces, measure progress, success criteria and their measured values,
the measures catalogues' activities and opportunities and their areas' titles and rationales (a region's admins
change its catalogue), presentations, accounts' last logins, sessions and failed logins, the audit trail, the
data version the triggers count, and the jobs it queues (with the uploads they import); and the regions national
admins make in the browser (``/admin/regioner``), with their members and their copy of the catalogue's template. The
worker that runs the jobs connects as the owner.

Web imports (surveys, coworking inventories, SSB tables by admins) need the owner's rights; a
deployment with the two roles gives the web server the owner's URL for them in
``FJERNARBEID_IMPORT_DATABASE_URL``.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

# Tables the web app inserts, changes and deletes rows of. Everything else it may only read, or write as
# narrowly as WEB_PRIVILEGES says. A table named here that a migration has not made yet is skipped.
WEB_WRITES = (
    "coworking_space",
    "deck",
    "deck_view",
    "user_session",  # a login adds its session, logout and expiry delete it
    "login_throttle",  # failed logins per (name, address)
    "measure_activity",  # a catalogue's admins add, retitle, move and remove activities (app.ingest.catalogue_editing)
    "opportunity",  # and its opportunities
)
# Narrower rights: exactly these privileges; a column list limits an UPDATE to those columns.
WEB_PRIVILEGES: dict[str, tuple[str, ...]] = {
    "measure_progress": ("INSERT", "UPDATE"),  # recorded and changed, never deleted
    "measure_criterion": ("INSERT", "UPDATE"),  # success criteria: set and changed, never deleted
    "criterion_measurement": ("INSERT",),  # measured values: a history, corrected by a newer one
    # an area's texts; areas are added with a new region's copy of the template (/admin/regioner) and otherwise
    # added and removed by import only
    "measure_area": ("INSERT", "UPDATE (title, rationale)"),
    "audit_entry": ("INSERT",),  # the change log is added to, never changed or emptied
    "region": ("INSERT",),  # a national admin makes a region in the browser (app/db/regions.py); never changed
    "region_member": ("INSERT",),  # its members, with it
    # a login's time; never names, roles, passwords or disabling. Single sign-on's people are added and their
    # role set at each login by app_user_sso_login() (migration 0015, SECURITY DEFINER): it touches only
    # accounts linked to a provider, so the web role needs no right on app_user for it.
    "app_user": ("UPDATE (last_login_at)",),
    "data_version": ("UPDATE (version)",),  # the triggers count the web's own edits as the invoker
    # The job queue (app/db/jobs.py): the web app queues jobs, its admins cancel and confirm them, and an
    # upload is kept by reference until it is imported; the worker, which runs them, is not the web role.
    "job": ("INSERT", "UPDATE (state, cancel_requested, params, queue_job_id, updated_at)"),
    "upload": ("INSERT", "DELETE"),
    "procrastinate_jobs": ("INSERT",),  # procrastinate's defer function, run as the caller
    "procrastinate_events": ("INSERT",),  # written by the trigger of that insert
}


def grant_web_role(engine: Engine, role: str) -> None:
    """Give ``role`` (which must exist) read access to every table, write access to ``WEB_WRITES`` and the
    narrow ``WEB_PRIVILEGES``, and the sequences of the tables it inserts into; nothing else."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise ValueError(f"{role!r} is not a plain PostgreSQL role name")
    with engine.begin() as connection:
        schema: str = connection.execute(text("SELECT current_schema()")).scalar_one()
        tables: set[str] = set(
            connection.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = :schema"), {"schema": schema}
            ).scalars()
        )
        connection.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
        # revoking a table's privilege revokes its column privileges too, so a narrowed grant does not linger
        connection.execute(text(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM "{role}"'))
        connection.execute(text(f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA "{schema}" FROM "{role}"'))
        connection.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"'))
        privileges: dict[str, tuple[str, ...]] = {table: ("INSERT", "UPDATE", "DELETE") for table in WEB_WRITES}
        privileges.update(WEB_PRIVILEGES)
        for table, granted in privileges.items():
            if table not in tables:
                continue
            connection.execute(text(f'GRANT {", ".join(granted)} ON "{schema}"."{table}" TO "{role}"'))
            if "INSERT" in granted:
                sequences: list[str] = list(
                    connection.execute(
                        text(
                            "SELECT s.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid "
                            "JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace n ON n.oid = t.relnamespace "
                            "WHERE s.relkind = 'S' AND t.relname = :table AND n.nspname = :schema"
                        ),
                        {"table": table, "schema": schema},
                    ).scalars()
                )
                for sequence in sequences:
                    connection.execute(text(f'GRANT USAGE, SELECT ON SEQUENCE "{schema}"."{sequence}" TO "{role}"'))
