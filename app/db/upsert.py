"""Idempotent bulk writes: insert new rows, update changed ones, leave equal rows alone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, func, or_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.db.models import Base

MAX_PARAMETERS = 30_000  # bound values per statement; PostgreSQL takes at most 65 535


def table_of(model: type[Base]) -> Table:
    """The table a model maps (the stubs type ``__table__`` as any FromClause; ours are tables)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def upsert(
    session: Session,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    touch: str | None = None,
) -> int:
    """Insert or update ``rows`` of ``model`` matched on the unique ``keys``.

    Args:
        touch: a timestamp column set to now() on the rows an update actually changes.

    Returns:
        How many rows were inserted or actually changed (0 when the data were already there),
        which is what makes ``fjernarbeid seed`` provably idempotent.
    """
    if not rows:
        return 0
    table = table_of(model)
    size = max(1, min(2000, MAX_PARAMETERS // len(rows[0])))
    changed = 0
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        stmt = insert(table).values(list(chunk))
        columns = [c for c in chunk[0] if c not in keys]
        if columns:
            updates: dict[str, Any] = {c: stmt.excluded[c] for c in columns}
            if touch:
                updates[touch] = func.now()
            stmt = stmt.on_conflict_do_update(
                index_elements=list(keys),
                set_=updates,
                where=or_(*[table.c[c].is_distinct_from(stmt.excluded[c]) for c in columns]),
            )
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
        changed += len(session.execute(stmt.returning(table.c[keys[0]])).all())
    return changed


def copy_upsert(session: Session, model: type[Base], rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> int:
    """``upsert`` for tens of thousands of rows: COPY into a temporary table, then one INSERT … ON CONFLICT
    from it. Building one statement per 2 000 rows costs seconds of Python for a large reference table at
    every ``fjernarbeid seed``; this costs a fraction of one. Same result and the same count."""
    if not rows:
        return 0
    table = table_of(model)
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    staging = f"staging_{table.name}"
    connection = session.connection().connection.driver_connection  # psycopg's own connection
    assert connection is not None
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TEMPORARY TABLE "{staging}" (LIKE "{table.name}" INCLUDING DEFAULTS) ON COMMIT DROP')
        with cursor.copy(f'COPY "{staging}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
        others = [c for c in columns if c not in keys]
        conflict = ", ".join(f'"{k}"' for k in keys)
        if others:
            sets = ", ".join(f'"{c}" = excluded."{c}"' for c in others)
            changed = " OR ".join(f't."{c}" IS DISTINCT FROM excluded."{c}"' for c in others)
            action = f"DO UPDATE SET {sets} WHERE {changed}"
        else:
            action = "DO NOTHING"
        cursor.execute(
            f'INSERT INTO "{table.name}" AS t ({names}) SELECT {names} FROM "{staging}" ON CONFLICT ({conflict}) {action}'
        )
        count = cursor.rowcount
        cursor.execute(f'DROP TABLE "{staging}"')
    return count
