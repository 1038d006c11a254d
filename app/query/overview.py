"""Headline numbers for a region: survey key figures (falling back to a larger area when the
region's group is too small), coworking capacity, measure progress and the national series."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import (
    ContextSeries,
    CoworkingSpace,
    MeasureActivity,
    MeasureArea,
    MeasureProgress,
    Municipality,
    Region,
    RegionMember,
)
from app.query.estimates import QueryError, estimate_categories


@dataclass
class KeyFigure:
    variable: str
    codes: tuple[int, ...]
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    n: int | None
    level: str  # region | county | national
    level_name: str
    reason: str = ""  # no figure: "not_covered" when the survey's respondents cover none of the areas


def region_levels(session: Session, region_slug: str | None) -> list[tuple[str, str, dict]]:
    """[(level, name, where-filter)] from the region up to the whole country."""
    levels = []
    if region_slug:
        region = session.scalar(select(Region).where(Region.slug == region_slug))
        if region is not None:
            levels.append(("region", region.name, {"region": [region.id]}))
            counties = session.execute(
                select(Municipality.county_number, Municipality.county_name)
                .join(RegionMember, RegionMember.kommunenummer == Municipality.kommunenummer)
                .where(RegionMember.region_id == region.id)
                .distinct()
            ).all()
            if len(counties) == 1:
                number, name = counties[0]
                levels.append(("county", name, {"county": [int(number)]}))
    levels.append(("national", "", {}))  # named by the page, in its language
    return levels


def key_figures(
    session: Session, survey: str, items: list[tuple[str, tuple[int, ...]]], region_slug: str | None, min_n: int
) -> dict[str, KeyFigure]:
    """The weighted share answering one of ``codes``, per (variable, codes), each in the smallest area
    (region, county, country) with at least ``min_n`` respondents; one scan per area level tried. Only areas
    the survey's respondents cover are tried: a survey of one region's residents says nothing about its
    county or the country (``app.query.municipality.covers``)."""
    from app.query.municipality import covers, sampled_municipalities

    found: dict[str, KeyFigure] = {}
    sampled = sampled_municipalities(session, survey)
    covered = False
    for level, name, where in region_levels(session, region_slug):
        if not covers(sampled, _numbers(session, where)):
            continue
        covered = True
        pending = [(variable, codes) for variable, codes in items if variable not in found]
        if not pending:
            break
        try:
            rows = estimate_categories(session, survey, pending, where=where, min_n=min_n)
        except QueryError:
            continue  # the survey lacks this geography: try the next level up
        for (variable, codes), row in zip(pending, rows, strict=False):
            if not row.suppressed:
                found[variable] = KeyFigure(variable, codes, row.estimate, row.ci_low, row.ci_high, row.n, level, name)
    reason = "" if covered else "not_covered"
    return {
        variable: found.get(variable, KeyFigure(variable, codes, None, None, None, None, "none", "", reason))
        for variable, codes in items
    }


def _numbers(session: Session, where: dict) -> tuple[str, ...] | None:
    """The municipalities of an area level's filter (None: the whole country)."""
    if "region" in where:
        return tuple(
            session.scalars(select(RegionMember.kommunenummer).where(RegionMember.region_id.in_(where["region"])))
        )
    if "county" in where:
        counties = [f"{int(c):02d}" for c in where["county"]]
        return tuple(
            session.scalars(select(Municipality.kommunenummer).where(Municipality.county_number.in_(counties)))
        )
    return None


def coworking_capacity(session: Session, region_slug: str | None) -> dict:
    stmt = select(
        func.count(CoworkingSpace.id),
        func.coalesce(func.sum(CoworkingSpace.seats), 0),
        func.bool_or(CoworkingSpace.is_example),
        func.count(CoworkingSpace.id).filter(CoworkingSpace.seats.is_(None)),
    ).where(CoworkingSpace.status == "active")
    if region_slug:
        stmt = (
            stmt.join(RegionMember, RegionMember.kommunenummer == CoworkingSpace.kommunenummer)
            .join(Region, Region.id == RegionMember.region_id)
            .where(Region.slug == region_slug)
        )
    spaces, seats, any_example, unknown = session.execute(stmt).one()
    return {
        "spaces": int(cast(int, spaces)),
        "seats": int(cast(int, seats)),  # of the spaces that say how many
        "unknown_seats": int(cast(int, unknown)),  # spaces whose seats are unknown (not counted as 0)
        "has_examples": bool(any_example),
    }


def measure_progress(session: Session, region_slug: str | None) -> dict[str, int]:
    """How many activities of the region's catalogue (all of Norway: the template's) have each status in the
    region as a whole (activities without a record: not started)."""
    areas = select(MeasureArea.id).where(
        MeasureArea.region_id.is_(None)
        if not region_slug
        else MeasureArea.region_id == select(Region.id).where(Region.slug == region_slug).scalar_subquery()
    )
    total = session.scalar(select(func.count()).where(MeasureActivity.area_id.in_(areas))) or 0
    counts: dict[str, int] = {}
    if region_slug:
        rows = session.execute(
            select(MeasureProgress.status, func.count(func.distinct(MeasureProgress.activity_id)))
            .join(Region, Region.id == MeasureProgress.region_id)
            .where(Region.slug == region_slug)
            .group_by(MeasureProgress.status)
        ).all()
        counts = {status: int(n) for status, n in rows}
    counts["not_started"] = counts.get("not_started", 0) + total - sum(counts.values())
    return counts


def context_series(session: Session) -> list[ContextSeries]:
    return list(session.scalars(select(ContextSeries).order_by(ContextSeries.series_code, ContextSeries.year)))
