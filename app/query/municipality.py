"""What a planner starts from about one municipality: SSB's figures (population, age, change,
commuting, education) and the survey's key figures for the municipality, its region, its county and
the country — each direct estimate suppressed where too small, never replaced by another area's, and
a model-based estimate beside them, labelled as such."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from app.db.models import (
    CommutingFlow,
    CoworkingSpace,
    EducationLevel,
    MeasureActivity,
    MeasureArea,
    MeasureProgress,
    Municipality,
    MunicipalityStatistic,
    PopulationAgeSex,
    PopulationChange,
    PopulationTotal,
    Region,
    RegionMember,
)
from app.query.data_version import remembered
from app.query.estimates import QueryError, estimate_categories
from app.query.small_area import fit_model, predict, predict_area


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
    numbers: tuple[str, ...] = ()  # the municipalities the area covers (one for a municipality)
    is_region: bool = False
    member_names: tuple[str, ...] = ()


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


def regions(session: Session) -> list[tuple[str, str]]:
    """(slug, name) of every region, by name."""
    return [(slug, name) for slug, name in session.execute(select(Region.slug, Region.name).order_by(Region.name))]


def place(session: Session, kommunenummer: str) -> Place:
    """A municipality by its number, or a region by its slug (its members together)."""
    region = session.scalar(select(Region).where(Region.slug == kommunenummer))
    if region is not None:
        members = session.scalars(
            select(Municipality)
            .join(RegionMember, RegionMember.kommunenummer == Municipality.kommunenummer)
            .where(RegionMember.region_id == region.id)
            .order_by(Municipality.kommunenummer)
        ).all()
        counties = {(m.county_number, m.county_name) for m in members}
        county_number, county_name = next(iter(counties)) if len(counties) == 1 else ("", "")
        return Place(
            region.slug,
            region.name,
            county_number,
            county_name,
            None,
            sum(m.population for m in members),
            max((m.population_year for m in members), default=0),
            region.slug,
            region.name,
            region.id,
            tuple(m.kommunenummer for m in members),
            True,
            tuple(sorted(m.name for m in members)),
        )
    m = session.get(Municipality, kommunenummer)
    if m is None:
        raise QueryError(f"No municipality has the number {kommunenummer!r}.")
    region_row = session.execute(
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
        region_row[0] if region_row else None,
        region_row[1] if region_row else None,
        region_row[2] if region_row else None,
        (m.kommunenummer,),
    )


def population_trend(session: Session, numbers: tuple[str, ...]) -> list[tuple[int, int, bool]]:
    """(year, residents 1 January, all of it SSB's figures) — 2024 borders."""
    rows = session.execute(
        select(PopulationTotal.year, func.sum(PopulationTotal.population), func.bool_and(PopulationTotal.is_ssb_figure))
        .where(PopulationTotal.kommunenummer.in_(numbers))
        .group_by(PopulationTotal.year)
        .order_by(PopulationTotal.year)
    ).all()
    return [(int(cast(int, year)), int(cast(int, people)), bool(exact)) for year, people, exact in rows]


def age_pyramid(session: Session, numbers: tuple[str, ...]) -> tuple[int | None, list[tuple[int, int, int]]]:
    """(year, [(age, men, women)]) for the latest year."""
    year = session.scalar(select(func.max(PopulationAgeSex.year)).where(PopulationAgeSex.kommunenummer.in_(numbers)))
    by_age: dict[int, list[int]] = {}
    for sex, age, people in session.execute(
        select(PopulationAgeSex.sex, PopulationAgeSex.age, PopulationAgeSex.population).where(
            PopulationAgeSex.kommunenummer.in_(numbers), PopulationAgeSex.year == year
        )
    ):
        by_age.setdefault(age, [0, 0])[sex - 1] += people
    return year, [(age, men, women) for age, (men, women) in sorted(by_age.items())]


def population_change(session: Session, numbers: tuple[str, ...]) -> list[tuple[int, int, int]]:
    """(year, birth surplus, net migration) where SSB 06913 is loaded (Vestland) for every member."""
    rows = session.execute(
        select(
            PopulationChange.year,
            func.sum(PopulationChange.birth_surplus),
            func.sum(PopulationChange.net_migration),
            func.count(),
        )
        .where(PopulationChange.kommunenummer.in_(numbers))
        .group_by(PopulationChange.year)
        .order_by(PopulationChange.year)
    ).all()
    return [(int(y), int(b), int(n)) for y, b, n, count in rows if count == len(numbers)]


@dataclass(frozen=True)
class Commuting:
    year: int
    employed_residents: int  # living here, working anywhere in Norway
    jobs: int  # working here, living anywhere in Norway
    staying: int  # living and working here
    out_flows: list[tuple[str, int]]  # (municipality, residents working there), largest first
    in_flows: list[tuple[str, int]]  # (municipality, workers living there), largest first
    by_year: list[tuple[int, int, int, int]]  # (year, employed residents, jobs, staying)


def commuting(session: Session, numbers: tuple[str, ...], top: int = 10) -> Commuting | None:
    """Where the area's employed residents work and where its workers live (SSB 03321); flows within the
    area count as staying."""
    inside = set(numbers)
    names = remembered(
        session,
        ("municipality_names",),
        lambda: dict(session.execute(select(Municipality.kommunenummer, Municipality.name)).all()),
    )
    # both directions of every year in one statement (it was two a year, and one for the years)
    flows = session.execute(
        select(CommutingFlow.year, literal(True), CommutingFlow.work, CommutingFlow.employed)
        .where(CommutingFlow.home.in_(numbers))
        .union_all(
            select(CommutingFlow.year, literal(False), CommutingFlow.home, CommutingFlow.employed).where(
                CommutingFlow.work.in_(numbers)
            )
        )
    ).all()
    by_year: dict[int, tuple[dict[str, int], dict[str, int]]] = {}
    for year, outwards, other, employed in flows:
        out, into = by_year.setdefault(year, ({}, {}))
        target = out if outwards else into
        key = "" if other in inside else other  # "": within the area
        target[key] = target.get(key, 0) + employed
    every_year = remembered(  # every year the table has, as before: an area without flows in one counts 0
        session,
        ("commuting_years",),
        lambda: tuple(session.scalars(select(CommutingFlow.year).distinct().order_by(CommutingFlow.year))),
    )
    years = [(year, *by_year.get(year, ({}, {}))) for year in every_year]
    if not years:
        return None
    year, out, into = years[-1]

    def largest(flows: dict[str, int]) -> list[tuple[str, int]]:
        others = sorted(((names.get(k, k), v) for k, v in flows.items() if k != ""), key=lambda x: -x[1])
        return others[:top]

    return Commuting(
        year,
        sum(out.values()),
        sum(into.values()),
        out.get("", 0),
        largest(out),
        largest(into),
        [(y, sum(o.values()), sum(i.values()), o.get("", 0)) for y, o, i in years],
    )


def employed_residents(session: Session, numbers: tuple[str, ...], year: int) -> int | None:
    """Employed residents aged 15–74 in Q4 of ``year`` as SSB 11618 counts them, summed over ``numbers``
    (None unless every one has the figure). Not the commuting matrix's total (03321), which counts a little
    differently: pages name each by its table."""
    rows = session.execute(
        select(MunicipalityStatistic.value).where(
            MunicipalityStatistic.kommunenummer.in_(numbers),
            MunicipalityStatistic.measure == "employed_by_residence_15_74",
            MunicipalityStatistic.period == f"{year}-Q4",
        )
    ).all()
    return sum(int(v) for (v,) in rows) if len(rows) == len(numbers) else None


def _education_rows(session: Session) -> tuple[int, tuple[tuple, ...]] | None:
    """(year, every municipality's (level, label, kommunenummer, county, percent, residents 16+)) of the latest
    year: the same rows for every municipality's page, so read once per data version (two scans of SSB 07459
    and 09429 that were a fifth of Kommune's time); each page sums them as before, in the same order."""
    year = session.scalar(select(func.max(EducationLevel.year)))
    if year is None:
        return None
    adults = (
        select(PopulationAgeSex.kommunenummer, func.sum(PopulationAgeSex.population).label("adults"))
        .where(
            PopulationAgeSex.age >= 16,
            PopulationAgeSex.year == select(func.max(PopulationAgeSex.year)).scalar_subquery(),
        )
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
        .order_by(EducationLevel.kommunenummer, EducationLevel.level)
    ).all()
    return year, tuple(tuple(row) for row in rows)


def education(session: Session, numbers: tuple[str, ...], county_number: str) -> list[dict]:
    """Education levels (% of residents 16+) for the municipality, the county and Norway. SSB publishes
    the municipalities; the county's and Norway's shares here are the municipalities' weighted by their
    residents aged 16 and over on 1 January of the latest year (SSB 07459)."""
    found = remembered(session, ("education_rows",), lambda: _education_rows(session))
    if found is None:
        return []
    year, rows = found
    levels: dict[str, dict] = {}
    for level, label, number, county, percent_value, weight_value in rows:
        percent, weight = float(cast(float, percent_value)), float(cast(float, weight_value))
        item = levels.setdefault(
            str(level), {"level": level, "label": label, "year": year, "sums": [0.0, 0, 0.0, 0, 0.0, 0]}
        )
        sums = item["sums"]
        if number in numbers:
            sums[4] += percent * weight
            sums[5] += weight
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
            "municipality": round(item["sums"][4] / item["sums"][5], 1) if item["sums"][5] else None,
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
    survey: str | None = None  # the survey the figure comes from (None: no survey covers the area)
    reason: str = ""  # why there is no figure: "too_few" | "not_covered" ("" when there is one)


def sampled_municipalities(session: Session, survey: str) -> frozenset[str] | None:
    """Where a survey's respondents stand for the residents: None for a survey of the whole country
    (``coverage: national`` in its codebook); for a regional one the municipalities its respondents live
    in (empty when it records no municipality). A regional survey says nothing about the areas around it."""
    from app.query.estimates import VECTOR, _code
    from app.query.metadata import survey_meta
    from app.query.mobility import survey_coverage

    if survey_coverage(session, survey) == "national":
        return None
    meta = survey_meta(session, survey)
    try:
        column = _code(meta.question("municipality"))
    except QueryError:
        return frozenset()
    codes: list[Any] = list(
        session.scalars(select(column).where(VECTOR.c.survey_id == meta.id, column.is_not(None)).distinct())
    )
    return frozenset(f"{int(code):04d}" for code in codes)


def covers(sampled: frozenset[str] | None, numbers: tuple[str, ...] | None) -> bool:
    """Whether a survey that ``sampled`` these municipalities (None: the whole country) covers an area
    (its municipalities; None: the whole country)."""
    if sampled is None:
        return True
    return numbers is not None and bool(numbers) and set(numbers) <= sampled


def stand_ins(session: Session, survey: str, variables: list[str]) -> list[str]:
    """The surveys that may give an area's figure the chosen ``survey`` cannot (it does not cover the area):
    the others asking every one of ``variables``, real surveys first, then national before regional."""
    from app.query.catalog import list_surveys
    from app.query.metadata import survey_meta

    found = [s for s in list_surveys(session) if s.slug != survey and s.respondents]
    found.sort(key=lambda s: s.coverage != "national")  # stable: keeps real first, newest first
    return [s.slug for s in found if not survey_meta(session, s.slug).missing(variables)]


def _area_numbers(session: Session, where: Place, level: str) -> tuple[str, ...] | None:
    """The municipalities of one column's area (None: the whole country)."""
    if level in ("municipality", "region"):
        if level == "region" and not where.is_region and where.region_id is not None:
            return tuple(
                session.scalars(select(RegionMember.kommunenummer).where(RegionMember.region_id == where.region_id))
            )
        return where.numbers
    if level == "county":
        return tuple(
            session.scalars(select(Municipality.kommunenummer).where(Municipality.county_number == where.county_number))
        )
    return None


def _area_estimates(
    session: Session, survey: str, items: list[tuple[str, tuple[int, ...]]], filters: dict, min_n: int
) -> list[Any]:
    """``estimate_categories`` for one area, remembered until the data version changes: the region's, the
    county's and the country's figures are the same for every municipality in them, and the municipality's
    own is asked twice (its column and the better-survey hint). The rows are read, never changed."""
    area = tuple(sorted((name, tuple(codes)) for name, codes in filters.items()))
    key = ("municipality.area_estimates", survey, tuple(items), area, min_n)
    return remembered(session, key, lambda: estimate_categories(session, survey, items, where=filters, min_n=min_n))


def survey_figures(
    session: Session,
    survey: str,
    items: list[tuple[str, tuple[int, ...]]],
    where: Place,
    min_n: int,
    others: list[str] | None = None,
    education: bool = False,
) -> dict[str, list[AreaFigure]]:
    """Per (variable, codes): the direct estimate in the municipality, its region, its county and the
    country (each suppressed when too small, none replaced by another area's figure), and the
    model-based estimate for the municipality (None when the survey cannot give one).

    Each area's figure comes from a survey whose respondents cover the area: ``survey`` where it does, else
    the first of ``others`` (default ``stand_ins``) that does, else none (``reason`` "not_covered"): a survey
    of Hardanger's residents gives no figure for Vestland or Norway. ``education``: the model-based estimate
    with education as a covariate (see ``app.query.small_area``). Remembered until the data version changes."""
    stand = None if others is None else tuple(others)
    key = ("municipality.survey_figures", survey, tuple(items), where, min_n, stand, education)
    found = remembered(session, key, lambda: _survey_figures(session, survey, items, where, min_n, others, education))
    return {variable: list(figures) for variable, figures in found.items()}


def _survey_figures(
    session: Session,
    survey: str,
    items: list[tuple[str, tuple[int, ...]]],
    where: Place,
    min_n: int,
    others: list[str] | None,
    education: bool,
) -> dict[str, list[AreaFigure]]:
    levels = [] if where.is_region else [("municipality", where.name, {"municipality": [int(where.kommunenummer)]})]
    if where.region_id is not None:
        levels.append(("region", where.region_name or "", {"region": [where.region_id]}))
    if where.county_number:
        levels.append(("county", where.county_name, {"county": [int(where.county_number)]}))
    levels.append(("national", "", {}))
    if others is None:
        others = stand_ins(session, survey, [variable for variable, _ in items])
    sampled: dict[str, frozenset[str] | None] = {}
    figures: dict[str, list[AreaFigure]] = {variable: [] for variable, _ in items}
    for level, name, filters in levels:
        numbers = _area_numbers(session, where, level)
        source = None
        for candidate in [survey, *others]:
            if candidate not in sampled:
                sampled[candidate] = sampled_municipalities(session, candidate)
            if covers(sampled[candidate], numbers):
                source = candidate
                break
        rows: list[Any]
        if source is None:
            rows = [None] * len(items)
        else:
            try:
                rows = _area_estimates(session, source, items, filters, min_n)
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
                    source,
                    "" if shown else ("not_covered" if source is None else "too_few"),
                )
            )
    for variable, codes in items:
        try:
            model = fit_model(session, survey, variable, categories=codes, education=education)
            if where.is_region:
                found = predict_area(session, model, where.numbers)
                estimate, low, high = found.estimate, found.ci_low, found.ci_high
            else:
                one = predict(session, model, where.kommunenummer)
                estimate, low, high = one.estimate, one.ci_low, one.ci_high
        except QueryError:
            figures[variable].append(AreaFigure("model", where.name, None, None, None, None, survey))
            continue
        figures[variable].append(AreaFigure("model", where.name, estimate, low, high, model.fit.n, survey))
    return figures


def better_survey(
    session: Session, survey: str, items: list[tuple[str, tuple[int, ...]]], where: Place, min_n: int
) -> tuple[str, int] | None:
    """(another survey, its respondents) when ``survey`` gives no figure for the area itself (too few
    respondents there, or it does not cover it) and another survey covering the area does: the Hardanger
    demo has 237 respondents in Kvam, where the national demo has too few. Remembered until the data version
    changes."""
    key = ("municipality.better_survey", survey, tuple(items), where, min_n)
    return remembered(session, key, lambda: _better_survey(session, survey, items, where, min_n))


def _better_survey(
    session: Session, survey: str, items: list[tuple[str, tuple[int, ...]]], where: Place, min_n: int
) -> tuple[str, int] | None:
    filters = {"region": [where.region_id or 0]} if where.is_region else {"municipality": [int(where.kommunenummer)]}

    def shown(candidate: str) -> int | None:
        if not covers(sampled_municipalities(session, candidate), where.numbers):
            return None
        try:
            rows = _area_estimates(session, candidate, items, filters, min_n)
        except QueryError:
            return None
        return max((row.n or 0 for row in rows if not row.suppressed), default=0) or None

    if shown(survey) is not None:
        return None
    for candidate in stand_ins(session, survey, [variable for variable, _ in items]):
        n = shown(candidate)
        if n is not None:
            return candidate, n
    return None


def coworking_spaces(session: Session, numbers: tuple[str, ...]) -> list[tuple[str, str, int | None, str, bool]]:
    """(name, municipality, seats or None when unknown, status, is example) of the area's coworking spaces."""
    rows = session.execute(
        select(
            CoworkingSpace.name,
            Municipality.name,
            CoworkingSpace.seats,
            CoworkingSpace.status,
            CoworkingSpace.is_example,
        )
        .join(Municipality, Municipality.kommunenummer == CoworkingSpace.kommunenummer)
        .where(CoworkingSpace.kommunenummer.in_(numbers))
        .order_by(Municipality.name, CoworkingSpace.name)
    ).all()
    return [(str(a), str(b), None if c is None else int(c), str(d), bool(e)) for a, b, c, d, e in rows]


def measure_status(session: Session, area: Place) -> dict[str, int]:
    """How many measure activities have each status for the area (its municipalities' records, or the
    region's own) in the catalogue of its region (the template for a municipality in none); activities without
    a record count as not started."""
    areas = select(MeasureArea.id).where(
        MeasureArea.region_id.is_(None) if area.region_id is None else MeasureArea.region_id == area.region_id
    )
    total = session.scalar(select(func.count()).where(MeasureActivity.area_id.in_(areas))) or 0
    where = (
        MeasureProgress.region_id == area.region_id
        if area.is_region
        else MeasureProgress.kommunenummer == area.kommunenummer
    )
    rows = session.execute(
        select(MeasureProgress.status, func.count(func.distinct(MeasureProgress.activity_id)))
        .where(
            where, MeasureProgress.activity_id.in_(select(MeasureActivity.id).where(MeasureActivity.area_id.in_(areas)))
        )
        .group_by(MeasureProgress.status)
    ).all()
    counts = {str(status): int(n) for status, n in rows}
    counts["not_started"] = counts.get("not_started", 0) + total - sum(counts.values())
    return counts
