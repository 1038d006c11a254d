"""The report's mobility-potential reasoning as a funnel with uncertainty.

NORCE (2025, 3.2.5): about 40–50 % of Norwegian jobs can in principle be done anywhere
(Ingelsrud m.fl. 2022), i.e. 1.2–1.4 million jobs; about 15 % of remote-capable workers find
moving to another municipality very or fairly relevant (q22 = 1–2); together "rundt 200 000".

Each funnel step multiplies the number of remote-capable jobs by the weighted share of
respondents who meet every condition chosen so far. The share is one domain proportion
(base: respondents with a valid q22 answer; a condition not answered counts as not met), so
its standard error and logit interval come from the survey design exactly as other estimates.

q22 asks about moving to *any* other municipality. The regional step therefore distributes the
movers over a *destination set* of municipalities in proportion to their employed residents: the
municipalities classed 4–6 by SSB's centrality index ("distriktskommuner") when only those who
find a rural municipality attractive (q23) are counted, every municipality otherwise. Numerator
and denominator are the same kind of figure for the same municipalities (the region's members in
the set ÷ the whole set). Other defensible definitions (population aged 25–60 instead of employed
residents; classes 5–6 instead of 4–6) give the range tried in the sensitivity analysis.

The funnel multiplies national job counts by shares of a national sample, so it is refused for a
survey whose coverage is regional (``survey.coverage``, from the codebook).

This module holds numbers and codes only: steps, conditions, assumptions and the regional share's
definitions are named by keys (``FunnelStep.key``, ``Assumption.name``, ``ShareDefinition.measure`` …),
and ``app.language.mobility`` says them in nb, nn or en through the translation catalogues.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from app.db.models import (
    AnswerVector,
    Municipality,
    MunicipalityStatistic,
    PopulationChange,
    Region,
    RegionMember,
    Survey,
)
from app.query.data_version import remembered
from app.query.disclosure import check_min_n, is_selected, single_view_is_safe
from app.query.estimates import pattern_columns
from app.query.metadata import QueryError, SurveyMeta, survey_meta
from app.stats import design


@dataclass(frozen=True)
class Assumption:
    """A number the funnel takes from outside the survey: its default and the range tried. What it is and
    where it comes from is said in the web layer (``app.language.mobility``), by ``name``."""

    name: str
    default: float
    low: float
    high: float


# NORCE (2025) 3.2.5: 40–50 % of jobs in Norway, 1.2–1.4 million, can in principle be done anywhere
JOBS_ANYWHERE = Assumption("jobs_anywhere", 1_300_000, 1_200_000, 1_400_000)

# The report's figure the default national funnel is checked against (NORCE 2025, 3.2.5), and how
# near counts as reproducing "rundt 200 000": what rounds to it at the nearest 50 000.
REPORT_FIGURE = 200_000
REPORT_TOLERANCE = 25_000

# The regional step's destination sets (SSB centrality classes of the 2024 version; 1 = most central)
RURAL_CLASSES = (4, 5, 6)  # "distriktskommune" (q23): the default set for the attracted
NARROW_RURAL_CLASSES = (5, 6)  # the narrower reading, tried in the range
# Figures the regional share is computed from: (measure, period, SSB table)
SHARE_MEASURES = {
    "employed": ("employed_by_residence_15_74", "2022-Q4", "11618"),
    "population_25_60": ("population_25_60", "2026-01-01", "07459"),
}
DEFAULT_MEASURE = "employed"


@dataclass(frozen=True)
class Condition:
    """A condition of the funnel: respondents whose ``variable`` has one of ``codes``. ``key`` names it (and
    its funnel step) for the web layer, which says it in words."""

    key: str
    variable: str
    codes: tuple[int, ...]
    fixed: bool = True  # switched on or off as a whole; False: the user picks the codes (age groups, …)


def standard_conditions(
    attractive: bool = False,
    take_job: bool = False,
    travel_time_min: int | None = None,
    age_groups: Sequence[int] = (),
    centrality: Sequence[int] = (),
) -> list[Condition]:
    """The filters a council can choose, in funnel order: finding a rural municipality attractive (q23),
    probably taking the job along (q14), accepting a longer trip to the office (q21 ≥ ``travel_time_min``),
    age groups and centrality classes of the current residence."""
    conditions = []
    if attractive:
        conditions.append(Condition("attractive", "q23", (1, 2)))
    if take_job:
        conditions.append(Condition("take_job", "q14", (1, 2)))
    if travel_time_min:
        conditions.append(Condition("travel_time", "q21", tuple(range(travel_time_min, 5)), fixed=False))
    if age_groups:
        conditions.append(Condition("age_group", "age_group", tuple(age_groups), fixed=False))
    if centrality:
        conditions.append(Condition("centrality", "centrality", tuple(centrality), fixed=False))
    return conditions


# The funnel's first condition: moving to another municipality (any municipality, not a rural one or this
# region) very or fairly relevant
WILLING = Condition("willing", "q22", (1, 2))


class NotNationalSurvey(QueryError):
    """The funnel was asked of a survey that does not stand for the whole country."""


@dataclass(frozen=True)
class ShareDefinition:
    """The region's share of the destination set by one measure."""

    measure: str  # a key of SHARE_MEASURES
    classes: tuple[int, ...] | None  # the destination set; None: every municipality
    share: float
    region_value: int  # the measure summed over the region's members in the set
    set_value: int  # … over every municipality in the set
    left_out: tuple[str, ...]  # names of the region's members outside the set (not counted)


@dataclass(frozen=True)
class RegionShare:
    """The share of potential movers who could choose the region: its default and its range."""

    region: str
    region_name: str
    rural_only: bool  # True: the set is the rural municipalities (the movers find them attractive)
    default: ShareDefinition
    definitions: tuple[ShareDefinition, ...]  # every definition tried; the range is their lowest and highest

    @property
    def value(self) -> float:
        return self.default.share

    @property
    def low(self) -> ShareDefinition:
        return min(self.definitions, key=lambda d: d.share)

    @property
    def high(self) -> ShareDefinition:
        return max(self.definitions, key=lambda d: d.share)


def region_share(session: Session, region_slug: str, rural_only: bool = True) -> RegionShare:
    """The region's share of the municipalities movers could choose, by employed residents (default) and
    by the other definitions that give its range. ``rural_only``: the movers counted find a rural
    municipality attractive (q23), so the set is centrality classes 4–6; otherwise every municipality."""
    region = session.scalar(select(Region).where(Region.slug == region_slug))
    if region is None:
        raise QueryError(f"Unknown region {region_slug!r}.")
    members = {m.kommunenummer for m in region.members}
    sets = [RURAL_CLASSES, NARROW_RURAL_CLASSES] if rural_only else [None]
    rows = session.execute(
        select(
            Municipality.kommunenummer,
            Municipality.name,
            Municipality.centrality_class,
            MunicipalityStatistic.measure,
            MunicipalityStatistic.period,
            MunicipalityStatistic.value,
        )
        .join(MunicipalityStatistic, MunicipalityStatistic.kommunenummer == Municipality.kommunenummer)
        .where(
            tuple_(MunicipalityStatistic.measure, MunicipalityStatistic.period).in_(
                [(m, p) for m, p, _t in SHARE_MEASURES.values()]
            )
        )
    ).all()
    definitions = []
    for key, (measure, period, _table) in SHARE_MEASURES.items():
        values = [(number, name, cls, value) for number, name, cls, m, p, value in rows if (m, p) == (measure, period)]
        if not values:
            raise QueryError(f"No {measure} figures for {period}; run fjernarbeid seed.")
        for classes in sets:
            in_set = [v for v in values if classes is None or v[2] in classes]
            total = sum(v[3] for v in in_set)
            ours = sum(v[3] for v in in_set if v[0] in members)
            left_out = tuple(
                sorted(
                    name
                    for number, name, cls, _v in values
                    if number in members and classes is not None and cls not in classes
                )
            )
            definitions.append(ShareDefinition(key, classes, ours / total if total else 0.0, ours, total, left_out))
    default = definitions[[d.measure for d in definitions].index(DEFAULT_MEASURE)]
    return RegionShare(region.slug, region.name, rural_only, default, tuple(definitions))


def is_rural_region(session: Session, region_slug: str) -> bool:
    """Whether any of the region's members is a rural municipality (centrality class 4–6): then the
    movers who matter are those who find a rural municipality attractive."""
    return bool(
        session.scalar(
            select(func.count())
            .select_from(RegionMember)
            .join(Region, Region.id == RegionMember.region_id)
            .join(Municipality, Municipality.kommunenummer == RegionMember.kommunenummer)
            .where(Region.slug == region_slug, Municipality.centrality_class.in_(RURAL_CLASSES))
        )
    )


def survey_coverage(session: Session, survey: str) -> str:
    coverage = session.scalar(select(Survey.coverage).where(Survey.slug == survey))
    if coverage is None:
        survey_meta(session, survey)  # raises the usual error naming the known surveys
        raise QueryError(f"The survey {survey!r} does not say what it covers.")
    return coverage


@dataclass
class FunnelStep:
    """One step of the funnel; ``key`` is "jobs", a condition's key ("willing", "attractive", …) or "region"."""

    key: str
    share: float | None
    share_se: float | None
    people: float | None
    people_low: float | None
    people_high: float | None
    n: int  # respondents in the base (a valid q22 answer)
    suppressed: bool = False  # fewer than min_n respondents meet the step's conditions (or a view could isolate them)


@dataclass
class MobilityResult:
    survey: str
    jobs_anywhere: float
    region_share: float | None
    region_range: tuple[float, float] | None = None  # the regional share's lowest and highest definition
    steps: list[FunnelStep] = field(default_factory=list)
    sensitivity: list[dict] = field(default_factory=list)
    assumptions: list[dict] = field(default_factory=list)
    # the result with every assumption at its low (high) end: jobs, survey interval and region share
    overall_low: float | None = None
    overall_high: float | None = None
    # The result if "would move" and "finds a rural municipality attractive" were unrelated: the report does not
    # publish how the two go together, so the survey's link between them is one reading and this the other.
    # None without the attraction step (or when one of its two shares rests on too few respondents).
    independent: float | None = None
    # with the region step: those counted who already live in the region (left out, or why not)
    residents: ResidentsLeftOut | None = None

    @property
    def shown(self) -> bool:
        """False when the last step is suppressed (too few respondents): no result, no sensitivity."""
        return not self.steps[-1].suppressed

    def as_records(self) -> list[dict]:
        return [asdict(s) for s in self.steps]


def condition_hypercube(session: Session, meta: SurveyMeta, conditions: Sequence[Condition]) -> list[tuple]:
    """(pattern, n, Σw, Σw²) over the base (a valid q22 answer): ``pattern`` holds, per condition, the
    respondent's code where it meets the condition and None where not (``app.query.disclosure``).
    One scan gives every step of the funnel: step k's figures are the rows meeting conditions 1..k.
    Remembered until the data version changes (a page draws up to five funnels, each a scan of the survey);
    the rows are sums, and every figure and suppression is worked out from them afresh (``step_figures``)."""
    key = ("mobility.condition_hypercube", meta.id, tuple((c.variable, tuple(c.codes), c.fixed) for c in conditions))
    return list(remembered(session, key, lambda: _condition_hypercube(session, meta, conditions)))


def _condition_hypercube(session: Session, meta: SurveyMeta, conditions: Sequence[Condition]) -> list[tuple]:
    q22 = meta.question("q22")
    patterns = pattern_columns(
        meta, {c.variable: list(c.codes) for c in conditions}, fixed={c.variable for c in conditions if c.fixed}
    )
    w = AnswerVector.__table__.c.weight
    vector = AnswerVector.__table__
    stmt = (
        select(*patterns, func.count(), func.sum(w), func.sum(w * w))
        .where(vector.c.survey_id == meta.id, vector.c.codes[q22.slot].in_(q22.valid_codes))
        .group_by(*patterns)
    )
    k = len(patterns)
    return [
        (tuple(row[:k]), int(row[k]), float(row[k + 1] or 0), float(row[k + 2] or 0))
        for row in session.execute(stmt).all()
    ]


def step_figures(hypercube: Sequence[tuple], steps: int, min_n: int) -> tuple[float, float, float, float, int, bool]:
    """(Σw meeting conditions 1..``steps``, their Σw², Σw of the base, Σw² of the base, n of the base,
    suppressed): the step is suppressed when fewer than ``min_n`` respondents meet its conditions or a
    view with one condition's codes changed could differ from it by 1 to ``min_n − 1`` respondents."""
    sw = sum(row[2] for row in hypercube)
    sw2 = sum(row[3] for row in hypercube)
    n = sum(row[1] for row in hypercube)
    cells: dict = {}
    for pattern, count, _sw, _sw2 in hypercube:
        key = pattern[:steps]
        cells[key] = cells.get(key, 0) + count
    met = [row for row in hypercube if is_selected(row[0][:steps])]
    n_met = sum(row[1] for row in met)
    suppressed = n_met < min_n or not single_view_is_safe(cells, min_n)
    return sum(row[2] for row in met), sum(row[3] for row in met), sw, sw2, n, suppressed


def mobility_funnel(
    session: Session,
    survey: str,
    jobs_anywhere: float = JOBS_ANYWHERE.default,
    conditions: Sequence[Condition] = (),
    region_share: float | None = None,
    *,
    min_n: int,
    region_range: tuple[float, float] | None = None,
) -> MobilityResult:
    """Each step of the funnel from remote-capable jobs to potential movers, with 95 % intervals.

    Intervals carry the survey uncertainty of each step's share; ``sensitivity`` shows how the last
    step moves across each assumption's range (the regional share's is ``region_range``, widened to
    include ``region_share`` when that was set by hand; without a range the share is taken as given),
    and ``overall_low``/``overall_high`` with every assumption at its low or high end together.

    Raises:
        NotNationalSurvey: the survey's coverage is not national.
    """
    if jobs_anywhere <= 0:
        raise QueryError("jobs_anywhere must be positive.")
    if region_share is not None and not 0 <= region_share <= 1:
        raise QueryError("region_share must be between 0 and 1.")
    min_n = check_min_n(min_n)
    coverage = survey_coverage(session, survey)
    if coverage != "national":
        raise NotNationalSurvey(
            f"The survey {survey!r} has {coverage} coverage (its respondents do not stand for the whole "
            "country): the funnel multiplies national job counts by national shares, so it needs a survey with "
            "national coverage."
        )
    meta = survey_meta(session, survey)
    n_design = meta.n_design
    if region_share is not None and region_range is not None:
        region_range = (min(region_range[0], region_share), max(region_range[1], region_share))
    result = MobilityResult(survey, jobs_anywhere, region_share, region_range if region_share is not None else None)
    result.steps.append(FunnelStep("jobs", None, None, jobs_anywhere, JOBS_ANYWHERE.low, JOBS_ANYWHERE.high, 0))
    all_conditions = [WILLING, *conditions]
    hypercube = condition_hypercube(session, meta, all_conditions)
    if not hypercube:
        raise QueryError(f"Nobody in {survey} answered q22.")
    last = None
    for k, condition in enumerate(all_conditions, start=1):
        sw_met, sw2_met, sw, sw2, n, suppressed = step_figures(hypercube, k, min_n)
        if suppressed:
            result.steps.append(FunnelStep(condition.key, None, None, None, None, None, n, suppressed=True))
            last = None
            continue
        share = design.proportion(sw_met, sw2_met, sw, sw2, n, n_design)
        last = share
        result.steps.append(
            FunnelStep(
                condition.key,
                share.estimate,
                share.se,
                jobs_anywhere * share.estimate,
                jobs_anywhere * share.ci_low,
                jobs_anywhere * share.ci_high,
                n,
            )
        )
    if region_share is not None:
        prev = result.steps[-1]
        if last is None:
            result.steps.append(FunnelStep("region", None, None, None, None, None, prev.n, suppressed=True))
        else:
            result.steps.append(
                FunnelStep(
                    "region",
                    last.estimate * region_share,
                    last.se * region_share,
                    jobs_anywhere * last.estimate * region_share,  # the step before's people × the share
                    jobs_anywhere * last.ci_low * region_share,
                    jobs_anywhere * last.ci_high * region_share,
                    prev.n,
                )
            )
    independent_share = None
    if last is not None and any(c.key == "attractive" for c in conditions):
        index = next(k for k, c in enumerate(all_conditions) if c.key == "attractive")
        independent_share = share_if_independent(hypercube, index, min_n)
    jobs = JOBS_ANYWHERE
    result.assumptions = [{"name": jobs.name, "default": jobs.default, "low": jobs.low, "high": jobs.high}]
    if region_share is not None:
        low, high = result.region_range or (region_share, region_share)
        result.assumptions.append({"name": "region_share", "default": region_share, "low": low, "high": high})
    if last is not None:
        region = region_share if region_share is not None else 1.0
        region_low, region_high = result.region_range or (region, region)
        result.sensitivity = [
            {
                "assumption": "jobs_anywhere",
                "low": JOBS_ANYWHERE.low * last.estimate * region,
                "high": JOBS_ANYWHERE.high * last.estimate * region,
            },
            {
                "assumption": "survey_share",
                "low": jobs_anywhere * last.ci_low * region,
                "high": jobs_anywhere * last.ci_high * region,
            },
        ]
        if result.region_range is not None:
            result.sensitivity.append(
                {
                    "assumption": "region_share",
                    "low": jobs_anywhere * last.estimate * region_low,
                    "high": jobs_anywhere * last.estimate * region_high,
                }
            )
        # how "would move" and "find rural municipalities attractive" go together is unknown: the survey's link
        # and no link at all are the two ends, in the sensitivity and in the headline's range
        link = 1.0 if independent_share is None or not last.estimate else independent_share / last.estimate
        if independent_share is not None:
            result.independent = jobs_anywhere * independent_share * region
            result.sensitivity.append(
                {
                    "assumption": "attraction_link",
                    "low": jobs_anywhere * last.estimate * region * min(1.0, link),
                    "high": jobs_anywhere * last.estimate * region * max(1.0, link),
                }
            )
        result.overall_low = min(JOBS_ANYWHERE.low, jobs_anywhere) * last.ci_low * region_low * min(1.0, link)
        result.overall_high = max(JOBS_ANYWHERE.high, jobs_anywhere) * last.ci_high * region_high * max(1.0, link)
    return result


def share_if_independent(hypercube: Sequence[tuple], index: int, min_n: int) -> float | None:
    """The last step's share if the condition at ``index`` (finding a rural municipality attractive) were
    independent of the others: the share meeting every other condition × the share meeting that one, both
    over the base. None when either rests on fewer than ``min_n`` respondents."""
    sw = sum(row[2] for row in hypercube)
    others = [row for row in hypercube if all(v is not None for k, v in enumerate(row[0]) if k != index)]
    this = [row for row in hypercube if row[0][index] is not None]
    if not sw or sum(r[1] for r in others) < min_n or sum(r[1] for r in this) < min_n:
        return None
    return (sum(r[2] for r in others) / sw) * (sum(r[2] for r in this) / sw)


@dataclass(frozen=True)
class NetMigration:
    """What actually happened: the region's net migration (in minus out, Norway and abroad) summed over the
    years SSB 06913 is loaded for every member."""

    first_year: int
    last_year: int
    total: int
    table: str = "06913"


def net_migration(session: Session, region_slug: str) -> NetMigration | None:
    """The region's net migration over the years loaded for all its members (None when none is loaded)."""
    members = select(RegionMember.kommunenummer).join(Region, Region.id == RegionMember.region_id)
    members = members.where(Region.slug == region_slug)
    count = session.scalar(select(func.count()).select_from(members.subquery()))
    rows = session.execute(
        select(PopulationChange.year, func.sum(PopulationChange.net_migration), func.count())
        .where(PopulationChange.kommunenummer.in_(members))
        .group_by(PopulationChange.year)
        .order_by(PopulationChange.year)
    ).all()
    years = [(int(year), int(total)) for year, total, n in rows if count and n == count]
    if not years:
        return None
    return NetMigration(years[0][0], years[-1][0], sum(total for _year, total in years))


@dataclass(frozen=True)
class ResidentsLeftOut:
    """Those counted who already live in the region, left out of the pool (moving there is no move in).

    ``people``: how many that is at the region step (rounded by ``publishable``). ``too_few``: fewer than
    ``min_n`` respondents counted live there (or leaving them out would isolate too few), so they could not be
    left out without revealing them; they are then counted, and ``people`` is None. ``unknown``: the survey
    records no municipality of residence."""

    people: float | None
    too_few: bool = False
    unknown: bool = False


def outside_region(session: Session, meta: SurveyMeta, region_slug: str) -> Condition | None:
    """Living outside the region: every municipality of residence but the region's members (None when the
    survey records no municipality)."""
    if "municipality" not in meta.questions:
        return None
    members = {
        int(number)
        for number in session.scalars(
            select(RegionMember.kommunenummer)
            .join(Region, Region.id == RegionMember.region_id)
            .where(Region.slug == region_slug)
        )
    }
    codes = tuple(c for c in meta.question("municipality").valid_codes if c not in members)
    return Condition("outside_region", "municipality", codes)


def regional_funnel(
    session: Session,
    survey: str,
    region_slug: str,
    jobs_anywhere: float = JOBS_ANYWHERE.default,
    conditions: Sequence[Condition] = (),
    region_share_override: float | None = None,
    *,
    min_n: int,
    leave_out_residents: bool = False,
) -> tuple[MobilityResult, RegionShare]:
    """The funnel with the region step: the region's share computed for the destination set the
    conditions imply (rural when the q23 condition is among them), or ``region_share_override``.
    ``leave_out_residents``: a last condition leaves out those who already live in the region, when that can
    be done without revealing them (``MobilityResult.residents``)."""
    rural_only = any(c.variable == "q23" for c in conditions)
    shares = region_share(session, region_slug, rural_only)
    share = shares.value if region_share_override is None else region_share_override
    region_range = (shares.low.share, shares.high.share)
    result = mobility_funnel(session, survey, jobs_anywhere, conditions, share, min_n=min_n, region_range=region_range)
    if not leave_out_residents or not result.shown:
        return result, shares
    outside = outside_region(session, survey_meta(session, survey), region_slug)
    if outside is None:
        result.residents = ResidentsLeftOut(None, unknown=True)
        return result, shares
    narrowed = mobility_funnel(
        session, survey, jobs_anywhere, [*conditions, outside], share, min_n=min_n, region_range=region_range
    )
    if not narrowed.shown:  # too few live in the region to leave them out unseen: they stay counted
        result.residents = ResidentsLeftOut(None, too_few=True)
        return result, shares
    people, fewer = result.steps[-1].people, narrowed.steps[-1].people
    narrowed.residents = ResidentsLeftOut((people or 0.0) - (fewer or 0.0))
    return narrowed, shares


@dataclass(frozen=True)
class ReportCheck:
    """The default national funnel against the report's "rundt 200 000"."""

    people: float | None  # None: the default funnel's last step is suppressed
    share: float | None
    reproduces: bool
    difference: float | None  # people − REPORT_FIGURE


def report_check(session: Session, survey: str, *, min_n: int) -> ReportCheck:
    """Run the default national funnel (1.3 million jobs, q22 only, no region) and say whether it lands
    where the report's "rundt 200 000" does (within REPORT_TOLERANCE)."""
    last = mobility_funnel(session, survey, min_n=min_n).steps[-1]
    if last.suppressed or last.people is None:
        return ReportCheck(None, None, False, None)
    difference = last.people - REPORT_FIGURE
    return ReportCheck(last.people, last.share, abs(difference) < REPORT_TOLERANCE, difference)


# --- what may leave the server -----------------------------------------------------------------

PEOPLE_ROUNDING = ((10_000, -3), (1_000, -2), (100, -1))


def round_people(value: float) -> float:
    """Round to a precision the survey can carry: thousands for big numbers, fewer digits for small."""
    for limit, digits in PEOPLE_ROUNDING:
        if value >= limit:
            return float(round(value, digits))
    return float(round(value))


def share_decimals(share: float) -> int:
    """Decimals of a proportion as pages show it: a tenth of a percentage point, a hundredth below 1 %."""
    return 4 if share < 0.01 else 3


def round_share(share: float | None) -> float | None:
    return None if share is None else round(share, share_decimals(share))


def publishable(result: MobilityResult) -> MobilityResult:
    """A copy rounded as pages and the command line show it: people with ``round_people``, shares to the
    displayed decimals (the regional share to a hundredth of a percentage point); standard errors dropped."""

    def people(value):
        return None if value is None else round_people(value)

    steps = [
        replace(
            s,
            share=round_share(s.share),
            share_se=None,
            people=people(s.people),
            people_low=people(s.people_low),
            people_high=people(s.people_high),
        )
        for s in result.steps
    ]
    sensitivity = [{**r, "low": people(r["low"]), "high": people(r["high"])} for r in result.sensitivity]
    assumptions = [
        a
        if a["name"] != "region_share"
        else {**a, "default": round(a["default"], 4), "low": round(a["low"], 4), "high": round(a["high"], 4)}
        for a in result.assumptions
    ]
    region_range = (
        None if result.region_range is None else (round(result.region_range[0], 4), round(result.region_range[1], 4))
    )
    return replace(
        result,
        steps=steps,
        sensitivity=sensitivity,
        assumptions=assumptions,
        region_share=None if result.region_share is None else round(result.region_share, 4),
        region_range=region_range,
        overall_low=people(result.overall_low),
        overall_high=people(result.overall_high),
        independent=people(result.independent),
        residents=None
        if result.residents is None
        else replace(result.residents, people=people(result.residents.people)),
    )
