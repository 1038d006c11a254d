"""The measures catalogues, their progress per place and the survey evidence behind each area.

The template (five areas with their activities, eight opportunities) comes from seed/measures.yaml; each
region has its own catalogue, a copy of the template it may change (``app.db.catalogues``). Progress is recorded per activity for a municipality or a whole region;
an activity without a record counts as "not started", so the page can always show the full
grid. Evidence turns each area's evidence variables into one short, national-level figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.db.models import (
    PROGRESS_STATUSES,
    CriterionMeasurement,
    MeasureActivity,
    MeasureArea,
    MeasureCriterion,
    MeasureProgress,
    Municipality,
    Opportunity,
    Region,
    RegionMember,
)
from app.query.data_version import remembered
from app.query.estimates import Label, estimate_categories, estimate_mean, joined
from app.query.metadata import survey_meta

NOT_STARTED = "not_started"
STATUSES = PROGRESS_STATUSES


@dataclass(frozen=True)
class Activity:
    id: int
    code: str
    position: int
    title: dict[str, str]


@dataclass(frozen=True)
class Area:
    code: str
    number: int
    title: dict[str, str]
    rationale: dict[str, str]
    source: str
    evidence: list[str]
    evidence_note: dict[str, str] | None
    activities: list[Activity]


@dataclass(frozen=True)
class OpportunityInfo:
    number: int
    title: dict[str, str]
    source: str


def _of_catalogue(column, region_slug: str | None):
    """The condition that a row with ``column`` (a ``region_id``) is in ``region_slug``'s catalogue (None: the
    template)."""
    if region_slug is None:
        return column.is_(None)
    return column == select(Region.id).where(Region.slug == region_slug).scalar_subquery()


def catalogue(session: Session, region_slug: str | None = None) -> list[Area]:
    """The measure areas of ``region_slug``'s catalogue (None: the template) in their order, each with its
    activities in order."""
    areas = session.scalars(
        select(MeasureArea)
        .options(selectinload(MeasureArea.activities))
        .where(_of_catalogue(MeasureArea.region_id, region_slug))
        .order_by(MeasureArea.number)
    )
    return [
        Area(
            a.code,
            a.number,
            a.title,
            a.rationale,
            a.source,
            list(a.evidence or []),
            a.evidence_note,
            [Activity(x.id, x.code, x.position, x.title) for x in a.activities],
        )
        for a in areas
    ]


def opportunities(session: Session, region_slug: str | None = None) -> list[OpportunityInfo]:
    return [
        OpportunityInfo(o.number, o.title, o.source)
        for o in session.scalars(
            select(Opportunity).where(_of_catalogue(Opportunity.region_id, region_slug)).order_by(Opportunity.number)
        )
    ]


@dataclass(frozen=True)
class Place:
    """A column of the progress grid: one municipality, or the region as a whole."""

    key: str  # kommunenummer, or "region"
    name: str
    is_region: bool = False


@dataclass(frozen=True)
class Progress:
    status: str = NOT_STARTED
    owner: str | None = None
    due_date: dt.date | None = None
    note: str | None = None
    is_example: bool = False
    recorded: bool = False
    status_date: dt.date | None = None
    link: str | None = None  # False: no row in measure_progress, shown as not started


@dataclass(frozen=True)
class Measured:
    """The latest value measured for a criterion in a place."""

    value: float
    measured_on: dt.date
    note: str | None = None
    is_example: bool = False


@dataclass
class ProgressGrid:
    places: list[Place]
    cells: dict[tuple[int, str], Progress] = field(default_factory=dict)
    recorded: int = 0
    measured: dict[tuple[int, str], Measured] = field(default_factory=dict)  # (criterion id, place key)

    def get(self, activity_id: int, place_key: str) -> Progress:
        return self.cells.get((activity_id, place_key), Progress())

    def statuses(self, activity_id: int) -> set[str]:
        return {self.get(activity_id, p.key).status for p in self.places}


def progress_grid(session: Session, region_slug: str) -> ProgressGrid:
    """Progress of every activity in the region's municipalities and in the region itself."""
    region = session.scalar(select(Region).where(Region.slug == region_slug))
    if region is None:
        return ProgressGrid([])
    members = session.execute(
        select(Municipality.kommunenummer, Municipality.name)
        .join(RegionMember, RegionMember.kommunenummer == Municipality.kommunenummer)
        .where(RegionMember.region_id == region.id)
        .order_by(Municipality.name)
    ).all()
    places = [Place(number, name) for number, name in members] + [Place("region", region.name, True)]
    numbers = [number for number, _ in members]
    rows = session.scalars(
        select(MeasureProgress).where(
            or_(MeasureProgress.region_id == region.id, MeasureProgress.kommunenummer.in_(numbers))
        )
    )
    grid = ProgressGrid(places)
    for row in rows:
        key = "region" if row.region_id is not None else str(row.kommunenummer)
        grid.cells[(row.activity_id, key)] = Progress(
            row.status, row.owner, row.due_date, row.note, row.is_example, True, row.status_date, row.link
        )
        grid.recorded += 1
    measurements = session.scalars(
        select(CriterionMeasurement)
        .where(or_(CriterionMeasurement.region_id == region.id, CriterionMeasurement.kommunenummer.in_(numbers)))
        .order_by(CriterionMeasurement.measured_on, CriterionMeasurement.id)
    )
    for m in measurements:  # in time order: each place's latest stays
        key = "region" if m.region_id is not None else str(m.kommunenummer)
        grid.measured[(m.criterion_id, key)] = Measured(m.value, m.measured_on, m.note, m.is_example)
    return grid


@dataclass(frozen=True)
class Criterion:
    """A goal an editor set for a measure area (``activity_id`` None) or one activity of it."""

    id: int
    area_code: str
    activity_id: int | None
    description: str
    target_value: float | None
    target_unit: str | None
    target_text: str | None
    target_date: dt.date
    is_example: bool
    at_most: bool = False  # the target is a ceiling: met at or below it


def criteria(session: Session, region_slug: str | None = None) -> list[Criterion]:
    """Every success criterion of ``region_slug``'s catalogue (None: the template), by area, the area's own
    before its activities', oldest first."""
    activity_area = select(MeasureActivity.area_id).where(MeasureActivity.id == MeasureCriterion.activity_id)
    area_id = func.coalesce(MeasureCriterion.area_id, activity_area.scalar_subquery())
    rows = session.execute(
        select(MeasureCriterion, MeasureArea.code)
        .join(MeasureArea, MeasureArea.id == area_id)
        .where(_of_catalogue(MeasureArea.region_id, region_slug))
        .order_by(MeasureArea.number, MeasureCriterion.activity_id.nulls_first(), MeasureCriterion.id)
    ).all()
    return [
        Criterion(
            c.id,
            code,
            c.activity_id,
            c.description,
            c.target_value,
            c.target_unit,
            c.target_text,
            c.target_date,
            c.is_example,
            c.at_most,
        )
        for c, code in rows
    ]


MET, ON_THE_WAY, OVERDUE = "met", "on_the_way", "overdue"


@dataclass(frozen=True)
class Standing:
    """How far a place has come against a criterion: the latest measured value against a numeric target
    where one is recorded, else its measure's activities done by the target date."""

    done: int
    total: int
    state: str  # met | on_the_way | overdue
    measured: Measured | None = None


def standing(criterion: Criterion, area: Area, grid: ProgressGrid, place_key: str, today: dt.date) -> Standing:
    """``criterion`` in ``place_key``. With a numeric target and a value measured there: met when the latest
    value reaches the target (at or below it for a ceiling). Otherwise met when every activity of its measure
    (the one activity, or all the area's) is done there. Overdue when the target date has passed before that;
    on the way otherwise."""
    ids = [criterion.activity_id] if criterion.activity_id is not None else [a.id for a in area.activities]
    done = sum(grid.get(i, place_key).status == "done" for i in ids)
    measured = grid.measured.get((criterion.id, place_key)) if criterion.target_value is not None else None
    if measured is not None and criterion.target_value is not None:
        target = criterion.target_value
        reached = measured.value <= target if criterion.at_most else measured.value >= target
        state = MET if reached else OVERDUE if criterion.target_date < today else ON_THE_WAY
        return Standing(done, len(ids), state, measured)
    if ids and done == len(ids):
        state = MET
    elif criterion.target_date < today:
        state = OVERDUE
    else:
        state = ON_THE_WAY
    return Standing(done, len(ids), state)


def area_done(area: Area, grid: ProgressGrid, place_key: str) -> int:
    """How many of the area's activities are done in the place."""
    return sum(grid.get(a.id, place_key).status == "done" for a in area.activities)


@dataclass(frozen=True)
class Evidence:
    """One survey figure behind a measure area, for the whole survey (national level)."""

    variable: str
    kind: str  # share | mean | unavailable
    question: Label = field(default_factory=dict)  # per language, from the codebook
    categories: Label = field(default_factory=dict)  # the answer labels the share counts, per language
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None
    suppressed: bool = False


def evidence_codes(options: Sequence[tuple[int, dict, bool]], qtype: str, variable: str) -> tuple[int, ...]:
    """Which answers a short figure counts: the two first (agreeing/important) for a Likert item,
    at least weekly for home-office use, otherwise the first answer (e.g. q13: an own room)."""
    valid = [code for code, _, missing in options if not missing]
    if variable == "q12":
        return tuple(valid[:3])
    if qtype == "likert":
        return tuple(valid[:2])
    return tuple(valid[:1])


def evidence(session: Session, survey: str, variable: str, *, min_n: int) -> Evidence:
    """A weighted share (coded variable) or mean (numeric variable) of ``variable`` in ``survey``."""
    return evidence_for(session, survey, [variable], min_n=min_n)[variable]


def evidence_for(session: Session, survey: str, variables: Sequence[str], *, min_n: int) -> dict[str, Evidence]:
    """``evidence`` for each of ``variables``; the shares come from one scan of the survey. Remembered until the
    data version changes: Tiltak asks the same for every region and status it shows (100 000 respondents:
    most of its time)."""
    key = ("measures.evidence_for", survey, tuple(dict.fromkeys(variables)), min_n)
    return dict(remembered(session, key, lambda: _evidence_for(session, survey, variables, min_n)))


def _evidence_for(session: Session, survey: str, variables: Sequence[str], min_n: int) -> dict[str, Evidence]:
    meta = survey_meta(session, survey)
    found: dict[str, Evidence] = {}
    shares = []
    for variable in dict.fromkeys(variables):
        info = meta.questions.get(variable)
        if info is None:
            found[variable] = Evidence(variable, "unavailable")
            continue
        question = info.short or info.text or {"nb": variable}
        if info.is_numeric:
            mean = estimate_mean(session, survey, variable, min_n=min_n).rows[0]
            found[variable] = Evidence(
                variable,
                "mean",
                question,
                {},
                mean.estimate,
                mean.ci_low,
                mean.ci_high,
                mean.n,
                mean.suppressed or mean.estimate is None,
            )
        else:
            shares.append((variable, info, question, evidence_codes(info.options, info.type, variable)))
    rows = estimate_categories(session, survey, [(v, codes) for v, _, _, codes in shares], min_n=min_n)
    for (variable, info, question, codes), row in zip(shares, rows, strict=False):
        labels = joined([info.label(c) for c in codes], " / ")
        found[variable] = Evidence(
            variable,
            "share",
            question,
            labels,
            row.estimate,
            row.ci_low,
            row.ci_high,
            row.n,
            row.suppressed or row.estimate is None,
        )
    return found


@dataclass(frozen=True)
class Catalogue:
    """A measures catalogue as the editing forms offer it: a region's own, or the template (``region_slug``
    None), with the places whose progress and measured values it takes."""

    region_slug: str | None
    region_name: str | None
    areas: list[Area]
    places: frozenset[str]  # kommunenummer and region:<slug>; the template's: municipalities in no region


def catalogues(session: Session) -> list[Catalogue]:
    """Every region's catalogue by the region's name, then the template."""
    found = []
    for region in session.scalars(select(Region).options(selectinload(Region.members)).order_by(Region.name)):
        members = frozenset(m.kommunenummer for m in region.members)
        found.append(
            Catalogue(region.slug, region.name, catalogue(session, region.slug), members | {f"region:{region.slug}"})
        )
    outside = session.scalars(
        select(Municipality.kommunenummer).where(~Municipality.kommunenummer.in_(select(RegionMember.kommunenummer)))
    )
    found.append(Catalogue(None, None, catalogue(session), frozenset(outside)))
    return found
