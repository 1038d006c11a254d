"""The national picture: published figures on home office in Norway, as the sources state them.

Everything here is read from ``published_figure`` (``seed/published_figures.csv``: every figure with
its location and verbatim quote). Nothing is computed but the selection: AFI 2022 (Ingelsrud m.fl.,
seed 003) for employees in Norway, and a presentation on home work in the state sector (seed 002).
A figure is found by its source, the start of its location and its measure; a figure that is not in
the table is None, and the page says so rather than show another number.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import PublishedFigure
from app.query.data_version import remembered
from app.query.estimates import EstimateRow, estimate_categories
from app.query.metadata import survey_meta

AFI = "003_6884e29e1a1c698d.txt"
STATE_EMPLOYERS = "002_65d39f797cde444f.txt"
TABLE_1 = "1 Tabell 1"
# AFI 2022 Tabell 1, in the table's order: the survey behind each column and its year.
TABLE_1_WAVES = (("AKU 2017", 2017), ("LKU 2019", 2019), ("YSAB2020", 2020), ("HK2021", 2021), ("HK2022", 2022))
TABLE_1_ROWS = {
    "fixed": "possibility to work from home: yes, as a fixed arrangement",
    "when_needed": "possibility to work from home: yes, but only when needed",
    "total": "has possibility of home office (total)",
    "none": "no possibility of home office",
    "unknown": "don't know / no answer (possibility of home office)",
    "n": "number of respondents (unweighted N)",
}


@dataclass(frozen=True)
class Figure:
    """One published figure: the value as stated, its unit, base and where it stands in the source."""

    value: float
    unit: str
    base: str | None
    location: str | None
    quote: str
    source: str
    qualifier: str | None = None  # how the source words it: about, over, under, nearly, at least, range
    value_high: float | None = None  # the top of a range


@dataclass(frozen=True)
class Wave:
    survey: str
    year: int
    values: dict[str, float | None]  # TABLE_1_ROWS key → percent (n: respondents); None: not asked


def _figure(row: PublishedFigure) -> Figure:
    return Figure(
        row.value, row.unit, row.breakdown, row.location, row.quote, row.source_document, row.qualifier, row.value_high
    )


def home_office_possibility(session: Session) -> list[Wave]:
    """AFI 2022 Tabell 1: who could work from home, 2017–2022 (LKU 2019 has no split into fixed and
    when needed: its question was another)."""
    rows = session.scalars(
        select(PublishedFigure).where(
            PublishedFigure.source_document == AFI, PublishedFigure.location.startswith(TABLE_1)
        )
    ).all()
    waves = []
    for survey, year in TABLE_1_WAVES:
        values: dict[str, float | None] = {}
        for key, measure in TABLE_1_ROWS.items():
            found = next((r for r in rows if r.measure == f"{measure} ({survey})"), None)
            values[key] = found.value if found else None
        waves.append(Wave(survey, year, values))
    return waves


def find_figure(session: Session, source: str, location: str, measure: str, base: str | None = None) -> Figure | None:
    """The figure of ``source`` whose location starts with ``location``, with exactly ``measure`` (and a base
    starting with ``base``), or None: the first by id, as ``published`` lists them."""
    return pick_figure(published(session), source, location, measure, base)


def pick_figure(
    rows: tuple[tuple[str, str | None, str, str | None, Figure], ...],
    source: str,
    location: str,
    measure: str,
    base: str | None = None,
) -> Figure | None:
    """``find_figure`` in the rows ``published`` gave (a page that looks up many reads them once)."""
    for row_source, row_location, row_measure, row_base, figure in rows:
        if (
            row_source == source
            and row_measure == measure
            and row_location is not None
            and row_location.startswith(location)
            and (base is None or (row_base is not None and row_base.startswith(base)))
        ):
            return figure
    return None


def published(session: Session) -> tuple[tuple[str, str | None, str, str | None, Figure], ...]:
    """Every published figure as (source, location, measure, base, figure), by id, read once per data version:
    Nasjonalt looks up some 30 of them on every render, and they change only with an import."""

    def read() -> tuple[tuple[str, str | None, str, str | None, Figure], ...]:
        rows = session.scalars(select(PublishedFigure).order_by(PublishedFigure.id)).all()
        return tuple((r.source_document, r.location, r.measure, r.breakdown, _figure(r)) for r in rows)

    return remembered(session, ("national.published",), read)


@dataclass(frozen=True)
class Benchmark:
    """A survey's own share for a national figure, as its codebook declares (``benchmarks:``)."""

    national: str  # the national figure's key
    variable: str
    categories: tuple[int, ...]
    note: dict[str, str]
    estimate: EstimateRow


def benchmarks(session: Session, survey: str, *, min_n: int) -> list[Benchmark]:
    """The survey's benchmarks with their weighted shares (suppressed below ``min_n`` as everywhere), remembered
    until the data version changes (the threshold is in the key)."""
    found = remembered(session, ("national.benchmarks", survey, min_n), lambda: _benchmarks(session, survey, min_n))
    return list(found)


def _benchmarks(session: Session, survey: str, min_n: int) -> tuple[Benchmark, ...]:
    declared = survey_meta(session, survey).codebook.get("benchmarks") or []
    if not declared:
        return ()
    rows = estimate_categories(session, survey, [(b["variable"], b["categories"]) for b in declared], min_n=min_n)
    return tuple(
        Benchmark(b["national"], b["variable"], tuple(b["categories"]), b["note"], row)
        for b, row in zip(declared, rows, strict=True)
    )
