"""The interviews of NORCE (2025), section 3.1 (``seed/interviews.yaml``): themes with what the report
says, how the survey's findings match them and the measure areas they bear on, and the quotes verbatim
in Norwegian with the section they are in."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from app.db.models import InterviewQuote, InterviewTheme, MeasureArea
from app.db.upsert import upsert
from app.errors import ImportValidationError
from app.ingest.codebook import I18nText
from app.ingest.problems import document_error


class ThemeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=40)
    section: str = Field(max_length=20)
    title: I18nText
    summary: I18nText
    survey: I18nText
    survey_section: str = Field(max_length=40)
    measure_areas: list[str] = []
    quotes: list[str] = []


class Interviews(BaseModel):
    model_config = ConfigDict(extra="forbid")
    themes: list[ThemeSpec]


def load_interviews(session: Session, path: Path) -> int:
    """Insert or update the themes and quotes of ``path``; quotes no longer in it are removed. Returns how
    many rows changed (0 when the database already holds the file)."""
    try:
        document = Interviews.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        raise document_error(
            path.name,
            exc,
            f"{path.name}: the interviews do not follow the format; nothing was loaded. Fix: correct the fields "
            "below like the entries around them:",
            "correct the field like the entries around it",
        ) from None
    areas = set(session.scalars(select(MeasureArea.code).where(MeasureArea.region_id.is_(None))))  # the template
    unknown = sorted({a for t in document.themes for a in t.measure_areas} - areas)
    if unknown:
        raise ImportValidationError(
            f"{path.name}: unknown measure areas {', '.join(unknown)}. Fix: use the codes of the measures catalogue."
        )
    changed = upsert(
        session,
        InterviewTheme,
        [
            {
                "code": t.code,
                "position": i,
                "section": t.section,
                "title": t.title.as_dict(),
                "summary": t.summary.as_dict(),
                "survey": t.survey.as_dict(),
                "survey_section": t.survey_section,
                "measure_areas": t.measure_areas,
            }
            for i, t in enumerate(document.themes, start=1)
        ],
        ["code"],
    )
    ids = dict(session.execute(select(InterviewTheme.code, InterviewTheme.id)).all())
    rows = [
        {"theme_id": ids[t.code], "position": i, "text": " ".join(q.split()), "section": t.section}
        for t in document.themes
        for i, q in enumerate(t.quotes, start=1)
    ]
    changed += upsert(session, InterviewQuote, rows, ["theme_id", "position"])
    kept = [(r["theme_id"], r["position"]) for r in rows]
    stale = delete(InterviewQuote)
    if kept:
        stale = stale.where(tuple_(InterviewQuote.theme_id, InterviewQuote.position).not_in(kept))
    changed += session.execute(stale).rowcount or 0  # type: ignore[attr-defined]
    gone = delete(InterviewTheme).where(InterviewTheme.code.not_in([t.code for t in document.themes]))
    changed += session.execute(gone).rowcount or 0  # type: ignore[attr-defined]
    return changed
