"""The interviews of NORCE (2025), section 3.1: themes in report order with their quotes, and the measure
areas each bears on (loaded from seed/interviews.yaml by the seed)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db.models import InterviewTheme


@dataclass(frozen=True)
class Quote:
    text: str  # verbatim, in Norwegian as the report has it
    section: str


@dataclass(frozen=True)
class Theme:
    code: str
    section: str
    title: dict[str, str]
    summary: dict[str, str]
    survey: dict[str, str]
    survey_section: str
    measure_areas: list[str]
    quotes: list[Quote]


def themes(session: Session, area: str | None = None) -> list[Theme]:
    """The themes in the report's order; with ``area``, only those bearing on that measure area."""
    rows = session.scalars(
        select(InterviewTheme).options(selectinload(InterviewTheme.quotes)).order_by(InterviewTheme.position)
    )
    return [
        Theme(
            t.code,
            t.section,
            t.title,
            t.summary,
            t.survey,
            t.survey_section,
            list(t.measure_areas or []),
            [Quote(q.text, q.section) for q in t.quotes],
        )
        for t in rows
        if area is None or area in (t.measure_areas or [])
    ]
