"""Load another SSB centrality classification from a KLASS export.

Accepted files (CSV as KLASS exports them, ``;``-separated, UTF-8 or Windows-1252):

* a correspondence table (*korrespondansetabell*) with ``sourceCode`` and ``targetCode``
  columns, one side a 4-digit kommunenummer and the other the class 1–6;
* a code list (*kodeliste*) with ``code``, ``parentCode`` and ``level``: level-2 rows are
  municipalities whose parent is the class (the index value may be in ``notes``).

With ``set_default`` the classification becomes the one shown as ``centrality``; surveys
must then be imported again (``--replace``) for their derived ``centrality`` to follow.
Every attempt is recorded as an ``ImportBatch`` of kind ``centrality``.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.db.models import CentralityClass, ImportBatch, Municipality
from app.db.upsert import upsert
from app.errors import ImportValidationError
from app.ingest.batches import record_failed_import, sha256_of
from app.ingest.problems import Problems
from app.ingest.tables import open_table

KIND = "centrality"


def _class_code(value: str | None) -> int | None:
    match = re.search(r"\b([1-6])\b", value or "")
    return int(match.group(1)) if match else None


def import_centrality(
    session: Session, path: Path, classification: str, set_default: bool = False, created_by: str | None = None
) -> int:
    """Store the classes in ``centrality_class`` under ``classification``; returns rows changed.

    The caller commits; on a problem nothing has been written and ``record_failure`` logs the attempt.

    Raises:
        ImportValidationError: unreadable file, unknown layout, unknown municipality numbers or classes
            outside 1–6.
    """
    path = Path(path)
    if not classification.strip() or len(classification) > 200:
        raise ImportValidationError(
            f"--name {classification[:60]!r}: the classification needs a name of 1 to 200 characters. "
            'Fix: e.g. --name "SSB sentralitet 2025".'
        )
    table = open_table(path)
    header = [h.lower() for h in table.header]
    problems = Problems(path.name)
    known = {m for (m,) in session.query(Municipality.kommunenummer).all()}
    rows: dict[str, dict] = {}

    if {"sourcecode", "targetcode"} <= set(header):
        source, target = header.index("sourcecode"), header.index("targetcode")
        for number, cells in table.rows(problems):
            a, b = cells[source], cells[target]
            municipality, klass = (a, b) if a and len(a) == 4 else (b, a)
            _add(rows, problems, known, number, municipality, _class_code(klass), None, classification)
    elif {"code", "parentcode", "level"} <= set(header):
        code, parent, level = header.index("code"), header.index("parentcode"), header.index("level")
        notes = header.index("notes") if "notes" in header else None
        for number, cells in table.rows(problems):
            if cells[level] != "2":
                continue
            index = None
            if notes is not None and cells[notes] and re.fullmatch(r"\d+", cells[notes]):
                index = int(cells[notes])
            _add(rows, problems, known, number, cells[code], _class_code(cells[parent]), index, classification)
    else:
        problems.add(
            1,
            None,
            ",".join(table.header),
            "a KLASS correspondence (sourceCode, targetCode) or code list (code, parentCode, level)",
            "export the classification from KLASS as CSV",
        )
    if not rows and not problems:
        problems.add(None, None, None, "at least one municipality row", "check that the export has level-2 rows")
    problems.raise_if_any()

    changed = upsert(session, CentralityClass, list(rows.values()), ["classification", "kommunenummer"])
    if set_default:
        for row in rows.values():
            session.execute(
                update(Municipality)
                .where(Municipality.kommunenummer == row["kommunenummer"])
                .values(centrality_class=row["centrality_class"], centrality_classification=classification)
            )
    session.add(
        ImportBatch(
            file_name=path.name,
            sha256=sha256_of(path),
            kind=KIND,
            row_count=len(rows),
            status="succeeded",
            created_by=created_by,
        )
    )
    session.flush()
    return changed


def record_failure(session: Session, path: Path, error: Exception, created_by: str | None = None) -> None:
    """Log a failed centrality import (see ``app.ingest.batches``)."""
    record_failed_import(session, path, error, KIND, created_by)


def _add(rows, problems, known, number, municipality, klass, index, classification) -> None:
    if municipality is None or municipality not in known:
        problems.add(
            number,
            "code",
            municipality,
            "a municipality number of the 2024 structure",
            "use the KLASS version for the current municipalities",
        )
        return
    if klass is None:
        problems.add(number, "class", None, "a centrality class 1–6", "check the export's class column")
        return
    rows[municipality] = {
        "classification": classification,
        "kommunenummer": municipality,
        "centrality_class": klass,
        "index_value": index,
    }
