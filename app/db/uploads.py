"""Files uploaded in the browser, kept by reference.

An upload is written once to ``<data dir>/uploads/<random id>/<cleaned name>`` (folder 0700, file 0600) and
registered in the table ``upload`` with its owner, slot, size and SHA-256. The browser and the job queue
only ever pass the random id; the server finds the file from its row, checks that it lies inside the
upload folder and that its content is unchanged, and never opens a path a client sent. Uploads that were
not confirmed (imported) within a day are deleted (``delete_stale``, at every worker start and upload).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db.models import Upload
from app.errors import FjernarbeidError

MAX_AGE = dt.timedelta(days=1)
ID = re.compile(r"[A-Za-z0-9_-]{20,40}")


class UploadMissing(FjernarbeidError):
    """No upload of this owner has this id, or its file is gone or changed."""


@dataclass(frozen=True)
class StoredUpload:
    id: str
    slot: str
    filename: str
    sha256: str
    path: Path


def uploads_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "uploads"


def clean_name(name: str | None) -> str:
    """A file name safe to store: no folders, no odd characters, at most 120 characters."""
    base = Path(str(name or "file").replace("\\", "/")).name
    cleaned = re.sub(r"[^\w.\- ]", "_", base, flags=re.UNICODE).strip(" .") or "file"
    return cleaned[:120]


def store(session: Session, data_dir: Path, owner: str, slot: str, name: str | None, raw: bytes) -> StoredUpload:
    """Write ``raw`` as a new upload (0600 in a 0700 folder named by a random id) and register it."""
    upload_id = secrets.token_urlsafe(18)
    filename = clean_name(name)
    root = uploads_dir(data_dir)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = root / upload_id
    folder.mkdir(mode=0o700)
    path = folder / filename
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(raw)
    digest = hashlib.sha256(raw).hexdigest()
    session.add(Upload(id=upload_id, owner=owner, slot=slot, filename=filename, sha256=digest, size=len(raw)))
    session.flush()
    return StoredUpload(upload_id, slot, filename, digest, path)


def resolve(session: Session, data_dir: Path, upload_id: object, owner: str) -> StoredUpload:
    """The owner's upload ``upload_id``, its file checked to be inside the upload folder and unchanged.

    Raises:
        UploadMissing: not an id, not this owner's, the file gone, outside the folder or changed.
    """
    if not isinstance(upload_id, str) or not ID.fullmatch(upload_id):
        raise UploadMissing("The uploaded file is not known here; upload it again.")
    row = session.get(Upload, upload_id)
    if row is None or row.owner != owner:
        raise UploadMissing("The uploaded file is not known here; upload it again.")
    root = uploads_dir(data_dir).resolve()
    path = (root / row.id / row.filename).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise UploadMissing(f"{row.filename}: the uploaded file is gone; upload it again.")
    if hashlib.sha256(path.read_bytes()).hexdigest() != row.sha256:
        raise UploadMissing(f"{row.filename}: the uploaded file has changed since it was checked; upload it again.")
    return StoredUpload(row.id, row.slot, row.filename, row.sha256, path)


def confirm_and_delete(session: Session, data_dir: Path, upload_ids: list[str]) -> None:
    """Uploads that were imported: their files are no longer needed."""
    for upload_id in upload_ids:
        if isinstance(upload_id, str) and ID.fullmatch(upload_id):
            shutil.rmtree(uploads_dir(data_dir) / upload_id, ignore_errors=True)
    session.execute(delete(Upload).where(Upload.id.in_([u for u in upload_ids if isinstance(u, str)])))


def delete_stale(session: Session, data_dir: Path, now: dt.datetime | None = None) -> int:
    """Delete uploads older than a day that were never imported, and folders no row knows; how many."""
    limit = (now or dt.datetime.now(dt.UTC)) - MAX_AGE
    stale = list(session.scalars(select(Upload.id).where(Upload.created_at < limit, Upload.confirmed.is_(False))))
    if stale:
        session.execute(delete(Upload).where(Upload.id.in_(stale)))
    root = uploads_dir(data_dir)
    known = set(session.scalars(select(Upload.id)))
    removed = 0
    if root.is_dir():
        for folder in root.iterdir():
            if folder.name in known:
                continue
            age = dt.datetime.fromtimestamp(folder.lstat().st_mtime, dt.UTC)
            if folder.name in stale or age < limit:
                shutil.rmtree(folder, ignore_errors=True) if folder.is_dir() else folder.unlink(missing_ok=True)
                removed += 1
    return removed
