"""Published figures (``seed/published_figures.csv``) and national context series.

Every figure the source reports state, with location and verbatim quote, so pages can show
the published number beside the one computed from the data.
"""

from __future__ import annotations

import csv
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db.models import ContextSeries, PublishedFigure
from app.db.upsert import table_of, upsert
from app.ingest.problems import Problems

# How the source words an approximate figure (seed/README.md, "CSV conventions").
QUALIFIERS = ("about", "over", "under", "nearly", "at least", "range")
RANGE = re.compile(r"^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$")


def parse_value(text: str) -> tuple[float, float | None]:
    """``"15"`` → (15, None); ``"1/3"`` → (0.333…, None); ``"40-50"`` → (40, 50)."""
    text = text.strip()
    if "/" in text:
        return float(Fraction(text)), None
    match = RANGE.match(text)
    if match:
        return float(match.group(1)), float(match.group(2))
    return float(text), None


def _figure_rows(path: Path) -> list[dict[str, Any]]:
    rows = []
    problems = Problems(path.name)
    with path.open(encoding="utf-8", newline="") as handle:
        for number, r in enumerate(csv.DictReader(handle), start=2):
            try:
                value, high = parse_value(r["value"])
            except ValueError:
                problems.add(
                    number, "value", r["value"], "a number, a range lo-hi or a fraction a/b", "correct the value"
                )
                continue
            qualifier = (r.get("qualifier") or "").strip()
            if qualifier and qualifier not in QUALIFIERS:
                problems.add(
                    number, "qualifier", qualifier, ", ".join(QUALIFIERS) + " or empty", "correct the qualifier"
                )
                continue
            rows.append(
                {
                    "source_document": r["source"],
                    "location": r["section"] or None,
                    "survey_code": r["survey"] or None,
                    "question_variable": ("q" + r["question_id"]) if r["question_id"] else None,
                    "measure": r["measure"],
                    "breakdown": r["breakdown"] or None,
                    "categories": r["categories"] or None,
                    "value": value,
                    "value_high": high,
                    "unit": r["unit"],
                    "approx": r["approx"].strip().lower() == "true",
                    "qualifier": qualifier or None,
                    "quote": r["quote"],
                }
            )
    problems.raise_if_any()
    return rows


def load_published_figures(session: Session, path: Path) -> int:
    """Replace the table's content when the file differs from it; returns rows changed (0 if equal)."""
    rows = _figure_rows(path)
    columns = list(rows[0]) if rows else []
    table = table_of(PublishedFigure)
    existing = [
        dict(zip(columns, values, strict=False))
        for values in session.execute(select(*[table.c[c] for c in columns]).order_by(table.c.id)).all()
    ]
    if existing == rows:
        return 0
    session.execute(delete(PublishedFigure))
    session.execute(table.insert(), rows)
    return len(rows)


def load_context_series(session: Session, path: Path) -> int:
    """National series such as AFI 2022 Tabell 1, one row per printed table cell."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            {
                "series_code": r["series_code"],
                "label": {"nb": r["series_nb"], "nn": r["series_nn"], "en": r["series_en"]},
                "year": int(r["year"]),
                "survey_name": r["survey_name"],
                "value": float(r["value"]),
                "unit": r["unit"],
                "source": r["source"],
                "quote": r.get("quote") or None,
            }
            for r in csv.DictReader(handle)
        ]
    return upsert(session, ContextSeries, rows, ["series_code", "year", "survey_name"])
