"""A region's landing page (``/region/<slug>``): the region, its members, the surveys that are its own, and
how far its measures catalogue has come in each place (its municipalities and the region as a whole)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Municipality, Region, RegionMember, Survey
from app.query.measures import (
    MET,
    ON_THE_WAY,
    OVERDUE,
    STATUSES,
    catalogue,
    criteria,
    progress_grid,
    standing,
)


@dataclass(frozen=True)
class RegionFacts:
    slug: str
    name: str
    members: list[tuple[str, str]]  # (kommunenummer, name), by name
    own_surveys: frozenset[str]  # slugs of the surveys that belong to it (``survey.region_id``)


def region_facts(session: Session, slug: str) -> RegionFacts | None:
    """The region ``slug`` with its members and its own surveys (None: no such region). Which of the surveys
    the asker may see is ``app.query.catalog.list_surveys``'s to say."""
    region = session.scalar(select(Region).where(Region.slug == slug))
    if region is None:
        return None
    members = session.execute(
        select(Municipality.kommunenummer, Municipality.name)
        .join(RegionMember, RegionMember.kommunenummer == Municipality.kommunenummer)
        .where(RegionMember.region_id == region.id)
        .order_by(Municipality.name)
    ).all()
    own = session.scalars(select(Survey.slug).where(Survey.region_id == region.id))
    return RegionFacts(region.slug, region.name, [(n, m) for n, m in members], frozenset(own))


@dataclass(frozen=True)
class PlaceMeasures:
    """One place's standing in the region's catalogue: activities by status, success criteria by standing."""

    key: str  # kommunenummer, or "region"
    name: str
    is_region: bool
    statuses: dict[str, int]  # every status of ``STATUSES``, not_started included
    standings: dict[str, int]  # met | on_the_way | overdue


@dataclass(frozen=True)
class CatalogueSummary:
    areas: int
    activities: int
    criteria: int
    example_criteria: int
    recorded: int  # progress records in the region's places
    places: list[PlaceMeasures]  # the members by name, then the region as a whole


def catalogue_summary(session: Session, slug: str, today: dt.date) -> CatalogueSummary:
    """The region's own measures catalogue (``app.query.measures``) counted per place: each activity's status
    there (no record: not started) and each success criterion's standing there (``standing``)."""
    areas = catalogue(session, slug)
    grid = progress_grid(session, slug)
    goals = criteria(session, slug)
    by_code = {a.code: a for a in areas}
    places = []
    for place in grid.places:
        statuses = dict.fromkeys(STATUSES, 0)
        for area in areas:
            for activity in area.activities:
                statuses[grid.get(activity.id, place.key).status] += 1
        standings = dict.fromkeys((MET, ON_THE_WAY, OVERDUE), 0)
        for goal in goals:
            standings[standing(goal, by_code[goal.area_code], grid, place.key, today).state] += 1
        places.append(PlaceMeasures(place.key, place.name, place.is_region, statuses, standings))
    return CatalogueSummary(
        len(areas),
        sum(len(a.activities) for a in areas),
        len(goals),
        sum(g.is_example for g in goals),
        grid.recorded,
        places,
    )
