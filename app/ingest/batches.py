"""Every import attempt, succeeded, unchanged or failed, is a row in ``import_batch``.

The three importers (survey, coworking, centrality) log their attempts here, the same way. A
failed import has rolled back everything it wrote, so its attempt is logged afterwards in a
transaction of its own. Whether a file is the one already imported is asked here too.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import ImportBatch
from app.ingest.problems import storable

NO_FILE = "0" * 64  # the digest logged when the file cannot be read at all
FILE_NAME_MAX = 300  # import_batch.file_name


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_import(
    session: Session,
    path: Path,
    digest: str,
    kind: str,
    status: str,
    created_by: str | None = None,
    survey_slug: str | None = None,
    rows: int | None = None,
    warnings: list[str] | None = None,
    report: list[Any] | None = None,
) -> ImportBatch:
    """Log an import of ``path`` (status succeeded, unchanged or failed) in ``session``'s transaction."""
    batch = ImportBatch(
        file_name=Path(path).name[:FILE_NAME_MAX],
        sha256=digest,
        kind=kind,
        survey_slug=survey_slug,
        row_count=rows,
        status=status,
        error_report=report,
        warnings=warnings or None,
        created_by=created_by,
    )
    session.add(batch)
    session.flush()
    return batch


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
    return record_import(session, path, digest, kind, "failed", created_by, survey_slug, report=report)


def last_succeeded_sha256(session: Session, kind: str, survey_slug: str | None = None) -> str | None:
    """The digest of the file the last succeeded import of ``kind`` (of that survey) read.

    The data in the database are that file's: an unchanged or failed import changes nothing.
    """
    query = select(ImportBatch.sha256).where(ImportBatch.kind == kind, ImportBatch.status == "succeeded")
    if survey_slug is not None:
        query = query.where(ImportBatch.survey_slug == survey_slug)
    return session.scalar(query.order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc()).limit(1))
