"""What the "About data and methods" page documents: each survey's provenance, the reference
data in use and the software/schema versions, so a reader can cite and reproduce a figure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, func, select
from sqlalchemy.orm import Session

from app.db.migrate import current_revision
from app.db.models import ImportBatch, Municipality, Respondent, Survey
from app.db.session import get_engine
from app.db.visibility import readable


@dataclass(frozen=True)
class BatchInfo:
    """The import that produced the data a page shows (file and checksum make it traceable)."""

    file_name: str
    sha256: str
    imported_at: dt.datetime
    row_count: int | None

    @property
    def short_sha(self) -> str:
        return self.sha256[:12]


@dataclass(frozen=True)
class SurveyDetails:
    slug: str
    title: dict[str, str]
    year: int
    citation: str
    fieldwork_start: dt.date | None
    fieldwork_end: dt.date | None
    population: dict[str, str] | None
    weighting: dict[str, str] | None
    is_synthetic: bool
    synthetic_note: dict[str, str] | None
    respondents: int
    batch: BatchInfo | None


def survey_details(session: Session) -> list[SurveyDetails]:
    """Every survey the current audience may see (``app.db.visibility``) with its documentation fields and
    latest successful import, real ones first."""
    counts = select(Respondent.survey_id, func.count().label("n")).group_by(Respondent.survey_id).subquery()
    respondents: ColumnElement[int] = counts.c.n
    rows = session.execute(
        select(Survey, func.coalesce(respondents, 0))
        .outerjoin(counts, counts.c.survey_id == Survey.id)
        .where(readable())
        .order_by(Survey.is_synthetic, Survey.year.desc(), Survey.slug)
    ).all()
    return [
        SurveyDetails(
            s.slug,
            s.title,
            s.year,
            s.citation,
            s.fieldwork_start,
            s.fieldwork_end,
            s.population,
            s.weighting,
            s.is_synthetic,
            s.synthetic_note,
            n,
            latest_batch(session, s.slug),
        )
        for s, n in rows
    ]


def latest_batch(session: Session, slug: str) -> BatchInfo | None:
    batch = session.scalars(
        select(ImportBatch)
        .where(ImportBatch.kind == "survey", ImportBatch.survey_slug == slug, ImportBatch.status == "succeeded")
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
        .limit(1)
    ).first()
    if batch is None:
        return None
    return BatchInfo(batch.file_name, batch.sha256, batch.created_at, batch.row_count)


@dataclass(frozen=True)
class ReferenceInfo:
    centrality_classifications: list[str]
    population_years: list[int]


def reference_info(session: Session) -> ReferenceInfo:
    """Which centrality classification and population year the municipality table holds."""
    classifications = session.scalars(
        select(Municipality.centrality_classification)
        .where(Municipality.centrality_classification.is_not(None))
        .distinct()
        .order_by(Municipality.centrality_classification)
    ).all()
    years = session.scalars(
        select(Municipality.population_year).distinct().order_by(Municipality.population_year)
    ).all()
    return ReferenceInfo([c for c in classifications if c is not None], list(years))  # the query excludes None


def schema_revision(engine: Engine | None = None) -> str | None:
    """The Alembic revision the database is migrated to (the app's own engine unless given)."""
    return current_revision(engine if engine is not None else get_engine())
