"""The database's data version: a counter PostgreSQL increments on every write to content tables."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import DataVersion


def data_version(session: Session) -> int:
    """Changes whenever anything a page shows may have changed (see migration 0003)."""
    return session.scalar(select(DataVersion.version).where(DataVersion.id == 1)) or 0
