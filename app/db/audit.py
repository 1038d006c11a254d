"""The audit trail: every change made through the app or the command line, with who, when, before
and after. Written in the transaction of the change itself, so there is no change without its entry."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import AuditEntry


def plain(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """``values`` with dates, decimals … as JSON can hold them."""
    if values is None:
        return None
    result: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        elif isinstance(value, decimal.Decimal):
            value = float(value)
        result[key] = value
    return result


def record(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    session.add(
        AuditEntry(
            actor=actor[:80],
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=plain(before),
            after=plain(after),
        )
    )


def entries(session: Session, limit: int = 500, entity: str | None = None) -> list[AuditEntry]:
    """The newest entries first."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    return list(session.scalars(query))
