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
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db.models import CentralityClass, Municipality
from app.db.upsert import upsert
from app.errors import ImportValidationError
from app.ingest.batches import record_failed_import, record_import, sha256_of
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
    problems = Problems(path.name)
    columns = table.columns(problems)
    known = {m for (m,) in session.execute(select(Municipality.kommunenummer))}
    rows: dict[str, dict[str, Any]] = {}

    def add(number: int, municipality: str | None, klass: int | None, index: int | None = None) -> None:
        if municipality is None or municipality not in known:
            problems.add(
                number,
                "code",
                municipality,
                "a municipality number of the 2024 structure",
                "use the KLASS version for the current municipalities",
            )
        elif klass is None:
            problems.add(number, "class", None, "a centrality class 1–6", "check the export's class column")
        else:
            rows[municipality] = {
                "classification": classification,
                "kommunenummer": municipality,
                "centrality_class": klass,
                "index_value": index,
            }

    if {"sourcecode", "targetcode"} <= columns.index.keys():
        for number, cells in table.rows(problems):
            values = columns.values(cells)
            a, b = values["sourcecode"], values["targetcode"]
            municipality, klass = (a, b) if a and len(a) == 4 else (b, a)
            add(number, municipality, _class_code(klass))
    elif {"code", "parentcode", "level"} <= columns.index.keys():
        for number, cells in table.rows(problems):
            values = columns.values(cells)
            if values["level"] != "2":
                continue
            notes = values.get("notes")
            index = int(notes) if notes is not None and re.fullmatch(r"\d+", notes) else None
            add(number, values["code"], _class_code(values["parentcode"]), index)
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
    record_import(session, path, sha256_of(path), KIND, "succeeded", created_by, rows=len(rows))
    return changed


def record_failure(session: Session, path: Path, error: Exception, created_by: str | None = None) -> None:
    """Log a failed centrality import (see ``app.ingest.batches``)."""
    record_failed_import(session, path, error, KIND, created_by)
