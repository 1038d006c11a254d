"""Every import attempt, succeeded or failed, is a row in ``import_batch``.

A failed import has rolled back everything it wrote, so its attempt is logged afterwards in a
transaction of its own; the three importers (survey, coworking, centrality) log it the same way.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy.orm import Session

from app.db.models import ImportBatch
from app.ingest.problems import storable

NO_FILE = "0" * 64  # the digest logged when the file cannot be read at all


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_failed_import(
    session: Session,
    path: Path,
    error: Exception,
    kind: str,
    created_by: str | None = None,
    survey_slug: str | None = None,
) -> ImportBatch:
    """Log a failed import of ``path`` (call it in a fresh transaction, after the data rollback)."""
    path = Path(path)
    try:
        digest = sha256_of(path) if path.is_file() else NO_FILE
    except OSError:
        digest = NO_FILE
    report = storable(getattr(error, "problems", None) or [{"message": str(error)}])
    batch = ImportBatch(
        file_name=path.name[:300],
        sha256=digest,
        kind=kind,
        survey_slug=survey_slug,
        status="failed",
        error_report=report,
        created_by=created_by,
    )
    session.add(batch)
    session.flush()
    return batch
