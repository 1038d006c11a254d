"""Idempotent bulk writes: insert new rows, update changed ones, leave equal rows alone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session


def upsert(session: Session, model: type, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> int:
    """Insert or update ``rows`` of ``model`` matched on the unique ``keys``.

    Returns:
        How many rows were inserted or actually changed (0 when the data were already there),
        which is what makes ``fjernarbeid seed`` provably idempotent.
    """
    if not rows:
        return 0
    table = model.__table__
    changed = 0
    for start in range(0, len(rows), 2000):
        chunk = rows[start : start + 2000]
        stmt = insert(table).values(list(chunk))
        columns = [c for c in chunk[0] if c not in keys]
        if columns:
            stmt = stmt.on_conflict_do_update(
                index_elements=list(keys),
                set_={c: stmt.excluded[c] for c in columns},
                where=or_(*[table.c[c].is_distinct_from(stmt.excluded[c]) for c in columns]),
            )
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
        changed += len(session.execute(stmt.returning(table.c[keys[0]])).all())
    return changed
