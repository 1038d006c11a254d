"""Coworking spaces (kontorfellesskap) for a region: the inventory, capacity per municipality and
the municipalities without an offer.

A region is a slug from ``region``; ``None`` means every registered space. The municipalities
"in scope" for ``None`` are those with a registered space or in some region, so the capacity
table stays a readable list instead of all of Norway's municipalities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from app.db.models import CoworkingSpace, Municipality, MunicipalityStatistic, Region, RegionMember

ACTIVE = ("active",)
# The people a survey share of employed people applies to: employed residents aged 15–74 (SSB 11618), latest
# quarter loaded
EMPLOYED = "employed_by_residence_15_74"


@dataclass(frozen=True)
class Space:
    id: int
    name: str
    kommunenummer: str
    municipality: str
    address: str | None
    postal_code: str | None
    latitude: float | None
    longitude: float | None
    seats: int | None  # None: unknown (the list did not say), never counted as 0
    cell_offices: int
    meeting_rooms: int
    price_day_nok: float | None
    price_month_nok: float | None
    price_note: str | None
    opening_hours: str | None
    facilities: list[str]
    operator: str | None
    contact: str | None
    website: str | None
    status: str
    is_example: bool


@dataclass(frozen=True)
class MunicipalityCapacity:
    kommunenummer: str
    name: str
    population: int
    centrality_class: int | None
    spaces: int
    seats: int  # the seats of the spaces that say how many (see ``unknown_seats``)
    employed: int | None = None  # employed residents aged 15–74 (SSB 11618) in ``employed_period``
    employed_period: str | None = None  # e.g. "2022-Q4"
    unknown_seats: int = 0  # spaces whose number of seats is unknown (not in ``seats``)

    @property
    def seats_per_1000(self) -> float:
        """Seats per 1 000 inhabitants (0 when the population is unknown)."""
        return 1000 * self.seats / self.population if self.population else 0.0


def _region_numbers(region_slug: str):
    return (
        select(RegionMember.kommunenummer)
        .join(Region, Region.id == RegionMember.region_id)
        .where(Region.slug == region_slug)
    )


def _scope_condition(region_slug: str | None):
    """Which municipalities a region covers (see the module docstring for ``None``)."""
    if region_slug:
        return Municipality.kommunenummer.in_(_region_numbers(region_slug))
    return or_(
        Municipality.kommunenummer.in_(select(CoworkingSpace.kommunenummer)),
        Municipality.kommunenummer.in_(select(RegionMember.kommunenummer)),
    )


def list_spaces(session: Session, region_slug: str | None = None, statuses: Sequence[str] = ACTIVE) -> list[Space]:
    """The spaces with one of ``statuses`` in the region (all regions for ``None``), by municipality and name."""
    stmt = (
        select(CoworkingSpace, Municipality.name)
        .join(Municipality, Municipality.kommunenummer == CoworkingSpace.kommunenummer)
        .where(CoworkingSpace.status.in_(list(statuses)))
        .order_by(Municipality.name, CoworkingSpace.name)
    )
    if region_slug:
        stmt = stmt.where(CoworkingSpace.kommunenummer.in_(_region_numbers(region_slug)))
    return [
        Space(
            s.id,
            s.name,
            s.kommunenummer,
            mname,
            s.address,
            s.postal_code,
            s.latitude,
            s.longitude,
            None if s.seats is None else int(s.seats),
            int(s.cell_offices or 0),
            int(s.meeting_rooms or 0),
            None if s.price_day_nok is None else float(s.price_day_nok),
            None if s.price_month_nok is None else float(s.price_month_nok),
            s.price_note,
            s.opening_hours,
            [str(f) for f in (s.facilities or [])],
            s.operator,
            s.contact,
            s.website,
            s.status,
            bool(s.is_example),
        )
        for s, mname in session.execute(stmt).all()
    ]


def capacity_by_municipality(
    session: Session, region_slug: str | None = None, statuses: Sequence[str] = ACTIVE
) -> list[MunicipalityCapacity]:
    """Every municipality in scope with its population, its employed residents (SSB 11618, the latest quarter
    loaded) and the spaces/seats with ``statuses`` (zero where there are none), by name."""
    spaces = (
        select(
            CoworkingSpace.kommunenummer,
            func.count(CoworkingSpace.id).label("spaces"),
            func.sum(CoworkingSpace.seats).label("seats"),
            func.count(CoworkingSpace.id).filter(CoworkingSpace.seats.is_(None)).label("unknown"),
        )
        .where(CoworkingSpace.status.in_(list(statuses)))
        .group_by(CoworkingSpace.kommunenummer)
        .subquery()
    )
    space_count: ColumnElement[int] = spaces.c.spaces
    seat_sum: ColumnElement[int] = spaces.c.seats
    unknown: ColumnElement[int] = spaces.c.unknown
    rows = session.execute(
        select(
            Municipality.kommunenummer,
            Municipality.name,
            Municipality.population,
            Municipality.centrality_class,
            func.coalesce(space_count, 0),
            func.coalesce(seat_sum, 0),
            func.coalesce(unknown, 0),
        )
        .outerjoin(spaces, spaces.c.kommunenummer == Municipality.kommunenummer)
        .where(_scope_condition(region_slug))
        .order_by(Municipality.name)
    ).all()
    period = session.scalar(
        select(func.max(MunicipalityStatistic.period)).where(MunicipalityStatistic.measure == EMPLOYED)
    )
    employed = dict(
        session.execute(
            select(MunicipalityStatistic.kommunenummer, MunicipalityStatistic.value).where(
                MunicipalityStatistic.measure == EMPLOYED, MunicipalityStatistic.period == period
            )
        ).all()
    )
    return [
        MunicipalityCapacity(
            k, n, int(p or 0), c, int(sp), int(se), employed.get(k), period if k in employed else None, int(un)
        )
        for k, n, p, c, sp, se, un in rows
    ]


def municipalities_without_space(
    session: Session, region_slug: str | None = None, statuses: Sequence[str] = ACTIVE
) -> list[MunicipalityCapacity]:
    """Municipalities in scope with no space of ``statuses`` (default: no active space)."""
    return [m for m in capacity_by_municipality(session, region_slug, statuses) if m.spaces == 0]


def total_seats(session: Session, region_slug: str | None = None, statuses: Sequence[str] = ACTIVE) -> int:
    """Seats in the spaces with ``statuses`` in the region that say how many (the page's headline number; the
    spaces with unknown seats are counted by ``unknown_seats``, never as 0)."""
    return known_seats(list_spaces(session, region_slug, statuses))


def unknown_seats(session: Session, region_slug: str | None = None, statuses: Sequence[str] = ACTIVE) -> int:
    """How many spaces with ``statuses`` in the region have no number of seats."""
    return spaces_without_seats(list_spaces(session, region_slug, statuses))


def known_seats(spaces: Sequence[Space]) -> int:
    """The seats of the spaces that say how many."""
    return sum(s.seats for s in spaces if s.seats is not None)


def spaces_without_seats(spaces: Sequence[Space]) -> int:
    """How many of the spaces have unknown seats."""
    return sum(1 for s in spaces if s.seats is None)
