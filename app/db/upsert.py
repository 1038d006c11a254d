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
