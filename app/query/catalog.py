"""What data the database holds: surveys, regions and the counts pages show as context."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.db.models import Municipality, Region, RegionMember, Respondent, Survey
from app.db.visibility import may_see
from app.query.data_version import remembered


@dataclass(frozen=True)
class SurveyInfo:
    slug: str
    title: dict[str, str]
    year: int
    citation: str
    is_synthetic: bool
    synthetic_note: dict[str, str] | None
    respondents: int
    coverage: str = "national"  # whom the sample represents: national | regional
    survey_id: int = 0
    visibility: str = "public"  # who may see it: public | region | private (app/db/visibility.py)


def list_surveys(session: Session) -> list[SurveyInfo]:
    """The surveys the current audience may see (``app.db.visibility``: anonymous visitors the public ones)
    with their respondent counts, real surveys first, then by year and slug.

    Every page's state asks for them, and counting the respondents reads every respondent of every survey
    (100 000 of one survey: ~15 ms): remembered (all of them) until the data version changes."""
    every = remembered(session, "catalog.list_surveys", lambda: _list_surveys(session))
    return [s for s in every if may_see(s.survey_id, s.visibility)]


def _list_surveys(session: Session) -> list[SurveyInfo]:
    counts = select(Respondent.survey_id, func.count().label("n")).group_by(Respondent.survey_id).subquery()
    respondents: ColumnElement[int] = counts.c.n
    rows = session.execute(
        select(Survey, func.coalesce(respondents, 0))
        .outerjoin(counts, counts.c.survey_id == Survey.id)
        .order_by(Survey.is_synthetic, Survey.year.desc(), Survey.slug)
    ).all()
    return [
        SurveyInfo(
            s.slug, s.title, s.year, s.citation, s.is_synthetic, s.synthetic_note, n, s.coverage, s.id, s.visibility
        )
        for s, n in rows
    ]


@dataclass(frozen=True)
class RegionInfo:
    slug: str
    name: str
    members: list[tuple[str, str]]  # (kommunenummer, name)


def list_regions(session: Session) -> list[RegionInfo]:
    rows = session.execute(
        select(Region.slug, Region.name, Municipality.kommunenummer, Municipality.name)
        .join(RegionMember, RegionMember.region_id == Region.id)
        .join(Municipality, Municipality.kommunenummer == RegionMember.kommunenummer)
        .order_by(Region.name, Municipality.name)
    ).all()
    regions: dict[str, RegionInfo] = {}
    for slug, name, number, mname in rows:
        regions.setdefault(slug, RegionInfo(slug, name, [])).members.append((number, mname))
    return list(regions.values())


def respondent_count(session: Session, survey_slug: str) -> int:
    """How many respondents the survey has now (0 when there is no such survey)."""
    count = session.scalar(
        select(func.count())
        .select_from(Respondent)
        .join(Survey, Survey.id == Respondent.survey_id)
        .where(Survey.slug == survey_slug)
    )
    return int(count or 0)


def coworking_space_count(session: Session) -> int:
    """How many spaces the coworking inventory holds now."""
    from app.db.models import CoworkingSpace

    return int(session.scalar(select(func.count()).select_from(CoworkingSpace)) or 0)
