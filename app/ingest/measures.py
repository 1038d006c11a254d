"""The measures catalogue's template (``seed/measures.yaml``): the five measure areas of NORCE (2025)
chapter 4 with their activities, and the eight opportunities for municipalities (seed 000). Regions get a
copy of it (``app.db.catalogues``); loading the template again changes the template only."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import MeasureActivity, MeasureArea, Opportunity
from app.db.upsert import upsert
from app.ingest.codebook import I18nText
from app.ingest.problems import document_error


class ActivitySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    title: I18nText


class AreaSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    number: int
    title: I18nText
    rationale: I18nText
    source: str
    evidence: list[str] = []
    evidence_note: I18nText | None = None
    activities: list[ActivitySpec]


class OpportunitySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: int
    title: I18nText
    source: str


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    areas: list[AreaSpec]
    opportunities: list[OpportunitySpec]


def load_measures(session: Session, path: Path, region_id: int | None = None) -> int:
    """Load the catalogue in ``path`` as the template (``region_id`` None) or as ``region_id``'s own
    catalogue; idempotent (rows are matched by code within the catalogue). The number of rows changed."""
    try:
        catalogue = Catalogue.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        raise document_error(
            path.name,
            exc,
            f"{path.name}: the measures catalogue does not follow the format; nothing was loaded. Fix: correct the "
            "fields below like the entries around them:",
            "correct the field like the entries around it",
        ) from None
    changed = upsert(
        session,
        MeasureArea,
        [
            {
                "region_id": region_id,
                "code": a.code,
                "number": a.number,
                "title": a.title.as_dict(),
                "rationale": a.rationale.as_dict(),
                "source": a.source,
                "evidence": a.evidence,
                "evidence_note": a.evidence_note.as_dict() if a.evidence_note else None,
            }
            for a in catalogue.areas
        ],
        ["region_id", "code"],
    )
    in_catalogue = MeasureArea.region_id.is_(None) if region_id is None else MeasureArea.region_id == region_id
    area_ids = dict(session.execute(select(MeasureArea.code, MeasureArea.id).where(in_catalogue)).all())
    changed += upsert(
        session,
        MeasureActivity,
        [
            {"code": act.code, "area_id": area_ids[a.code], "position": i, "title": act.title.as_dict()}
            for a in catalogue.areas
            for i, act in enumerate(a.activities, start=1)
        ],
        ["area_id", "code"],
    )
    changed += upsert(
        session,
        Opportunity,
        [
            {"region_id": region_id, "number": o.number, "title": o.title.as_dict(), "source": o.source}
            for o in catalogue.opportunities
        ],
        ["region_id", "number"],
    )
    return changed
