"""What a planner starts from about one municipality: SSB's figures (population, age, change,
commuting, education) and the survey's key figures for the municipality, its region, its county and
the country — each direct estimate suppressed where too small, never replaced by another area's, and
a model-based estimate beside them, labelled as such."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import (
    CommutingFlow,
    EducationLevel,
    Municipality,
    PopulationAgeSex,
    PopulationChange,
    PopulationTotal,
    Region,
    RegionMember,
)
from app.query.estimates import QueryError, estimate_categories
from app.query.small_area import small_area_estimate


@dataclass(frozen=True)
class Place:
    kommunenummer: str
    name: str
    county_number: str
    county_name: str
    centrality_class: int | None
    population: int
    population_year: int
    region_slug: str | None
    region_name: str | None
    region_id: int | None


def municipalities(session: Session) -> list[tuple[str, str, str | None]]:
    """(kommunenummer, name, region slug) of every municipality, by name."""
    rows = session.execute(
        select(Municipality.kommunenummer, Municipality.name, Region.slug)
        .outerjoin(RegionMember, RegionMember.kommunenummer == Municipality.kommunenummer)
        .outerjoin(Region, Region.id == RegionMember.region_id)
        .order_by(Municipality.name)
    ).all()
    seen: dict[str, tuple[str, str, str | None]] = {}
    for number, name, slug in rows:
        seen.setdefault(number, (number, name, slug))
    return list(seen.values())


def place(session: Session, kommunenummer: str) -> Place:
    m = session.get(Municipality, kommunenummer)
    if m is None:
        raise QueryError(f"No municipality has the number {kommunenummer!r}.")
    region = session.execute(
        select(Region.slug, Region.name, Region.id)
        .join(RegionMember, RegionMember.region_id == Region.id)
        .where(RegionMember.kommunenummer == kommunenummer)
        .order_by(Region.name)
    ).first()
    return Place(
        m.kommunenummer,
        m.name,
        m.county_number,
        m.county_name,
        m.centrality_class,
        m.population,
        m.population_year,
        *(region if region else (None, None, None)),
    )


def population_trend(session: Session, kommunenummer: str) -> list[tuple[int, int, bool]]:
    """(year, residents 1 January, is an SSB figure) — 2024 borders."""
    return [
        (r.year, r.population, r.is_ssb_figure)
        for r in session.scalars(
            select(PopulationTotal).where(PopulationTotal.kommunenummer == kommunenummer).order_by(PopulationTotal.year)
        )
    ]


def age_pyramid(session: Session, kommunenummer: str) -> tuple[int | None, list[tuple[int, int, int]]]:
    """(year, [(age, men, women)]) for the latest year."""
    year = session.scalar(
        select(func.max(PopulationAgeSex.year)).where(PopulationAgeSex.kommunenummer == kommunenummer)
    )
    by_age: dict[int, list[int]] = {}
    for sex, age, people in session.execute(
        select(PopulationAgeSex.sex, PopulationAgeSex.age, PopulationAgeSex.population).where(
            PopulationAgeSex.kommunenummer == kommunenummer, PopulationAgeSex.year == year
        )
    ):
        by_age.setdefault(age, [0, 0])[sex - 1] = people
    return year, [(age, men, women) for age, (men, women) in sorted(by_age.items())]


def population_change(session: Session, kommunenummer: str) -> list[tuple[int, int, int]]:
    """(year, birth surplus, net migration) where SSB 06913 is loaded (Vestland)."""
    return [
        (r.year, r.birth_surplus, r.net_migration)
        for r in session.scalars(
            select(PopulationChange)
            .where(PopulationChange.kommunenummer == kommunenummer)
            .order_by(PopulationChange.year)
        )
    ]


@dataclass(frozen=True)
class Commuting:
    year: int
    employed_residents: int  # living here, working anywhere in Norway
    jobs: int  # working here, living anywhere in Norway
    staying: int  # living and working here
    out_flows: list[tuple[str, int]]  # (municipality, residents working there), largest first
    in_flows: list[tuple[str, int]]  # (municipality, workers living there), largest first
    by_year: list[tuple[int, int, int, int]]  # (year, employed residents, jobs, staying)


def commuting(session: Session, kommunenummer: str, top: int = 10) -> Commuting | None:
    """Where the municipality's employed residents work and where its workers live (SSB 03321)."""
    names = dict(session.execute(select(Municipality.kommunenummer, Municipality.name)).all())
    years = []
    for year in session.scalars(select(CommutingFlow.year).distinct().order_by(CommutingFlow.year)):
        out = dict(
            session.execute(
                select(CommutingFlow.work, CommutingFlow.employed).where(
                    CommutingFlow.year == year, CommutingFlow.home == kommunenummer
                )
            ).all()
        )
        into = dict(
            session.execute(
                select(CommutingFlow.home, CommutingFlow.employed).where(
                    CommutingFlow.year == year, CommutingFlow.work == kommunenummer
                )
            ).all()
        )
        years.append((year, out, into))
    if not years:
        return None
    year, out, into = years[-1]

    def largest(flows: dict[str, int]) -> list[tuple[str, int]]:
        others = sorted(((names.get(k, k), v) for k, v in flows.items() if k != kommunenummer), key=lambda x: -x[1])
        return others[:top]

    return Commuting(
        year,
        sum(out.values()),
        sum(into.values()),
        out.get(kommunenummer, 0),
        largest(out),
        largest(into),
        [(y, sum(o.values()), sum(i.values()), o.get(kommunenummer, 0)) for y, o, i in years],
    )


def education(session: Session, kommunenummer: str, county_number: str) -> list[dict]:
    """Education levels (% of residents 16+) for the municipality, the county and Norway. SSB publishes
    the municipalities; the county's and Norway's shares here are the municipalities' weighted by their
    residents aged 16 and over on 1 January of the latest year (SSB 07459)."""
    year = session.scalar(select(func.max(EducationLevel.year)))
    if year is None:
        return []
    adults = (
        select(PopulationAgeSex.kommunenummer, func.sum(PopulationAgeSex.population).label("adults"))
        .where(PopulationAgeSex.age >= 16)
        .group_by(PopulationAgeSex.kommunenummer)
        .subquery()
    )
    rows = session.execute(
        select(
            EducationLevel.level,
            EducationLevel.label,
            EducationLevel.kommunenummer,
            Municipality.county_number,
            EducationLevel.percent,
            adults.c.adults,
        )
        .join(Municipality, Municipality.kommunenummer == EducationLevel.kommunenummer)
        .join(adults, adults.c.kommunenummer == EducationLevel.kommunenummer)
        .where(EducationLevel.year == year)
    ).all()
    levels: dict[str, dict] = {}
    for level, label, number, county, percent_value, weight_value in rows:
        percent, weight = float(cast(float, percent_value)), float(cast(float, weight_value))
        item = levels.setdefault(
            str(level), {"level": level, "label": label, "year": year, "municipality": None, "sums": [0.0, 0, 0.0, 0]}
        )
        if number == kommunenummer:
            item["municipality"] = percent
        sums = item["sums"]
        sums[0] += percent * weight
        sums[1] += weight
        if county == county_number:
            sums[2] += percent * weight
            sums[3] += weight
    return [
        {
            "level": item["level"],
            "label": item["label"],
            "year": item["year"],
            "municipality": item["municipality"],
            "county": round(item["sums"][2] / item["sums"][3], 1) if item["sums"][3] else None,
            "norway": round(item["sums"][0] / item["sums"][1], 1) if item["sums"][1] else None,
        }
        for _, item in sorted(levels.items())
    ]


@dataclass(frozen=True)
class AreaFigure:
    """A survey share in one area: a direct estimate (None when suppressed), or a model-based one."""

    level: str  # municipality | region | county | national | model
    name: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    n: int | None


def survey_figures(
    session: Session, survey: str, items: list[tuple[str, tuple[int, ...]]], where: Place, min_n: int
) -> dict[str, list[AreaFigure]]:
    """Per (variable, codes): the direct estimate in the municipality, its region, its county and the
    country (each suppressed when too small, none replaced by another area's figure), and the
    model-based estimate for the municipality (None when the survey cannot give one)."""
    levels = [("municipality", where.name, {"municipality": [int(where.kommunenummer)]})]
    if where.region_id is not None:
        levels.append(("region", where.region_name or "", {"region": [where.region_id]}))
    levels += [("county", where.county_name, {"county": [int(where.county_number)]}), ("national", "", {})]
    figures: dict[str, list[AreaFigure]] = {variable: [] for variable, _ in items}
    for level, name, filters in levels:
        rows: list[Any]
        try:
            rows = estimate_categories(session, survey, items, where=filters, min_n=min_n)
        except QueryError:  # the survey lacks this geography
            rows = [None] * len(items)
        for (variable, _codes), row in zip(items, rows, strict=True):
            shown = row is not None and not row.suppressed
            figures[variable].append(
                AreaFigure(
                    level,
                    name,
                    row.estimate if shown else None,
                    row.ci_low if shown else None,
                    row.ci_high if shown else None,
                    row.n if shown else None,
                )
            )
    for variable, codes in items:
        try:
            model = small_area_estimate(session, survey, variable, where.kommunenummer, categories=codes)
        except QueryError:
            figures[variable].append(AreaFigure("model", where.name, None, None, None, None))
            continue
        figures[variable].append(
            AreaFigure("model", where.name, model.estimate, model.ci_low, model.ci_high, model.respondents)
        )
    return figures
