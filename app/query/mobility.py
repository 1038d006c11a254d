"""The report's mobility-potential reasoning as a funnel with uncertainty.

NORCE (2025, 3.2.5): about 40–50 % of Norwegian jobs can in principle be done anywhere
(Ingelsrud m.fl. 2022), i.e. 1.2–1.4 million jobs; about 15 % of remote-capable workers find
moving to another municipality very or fairly relevant (q22 = 1–2); together "rundt 200 000".

Each funnel step multiplies the number of remote-capable jobs by the weighted share of
respondents who meet every condition chosen so far. The share is one domain proportion
(base: respondents with a valid q22 answer; a condition not answered counts as not met), so
its standard error and logit interval come from the survey design exactly as other estimates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import AnswerVector, Municipality, Region, RegionMember
from app.query.disclosure import check_min_n, is_selected, single_view_is_safe
from app.query.estimates import pattern_columns
from app.query.metadata import QueryError, SurveyMeta, survey_meta
from app.stats import design


@dataclass(frozen=True)
class Assumption:
    name: str
    default: float
    low: float
    high: float
    source: str


JOBS_ANYWHERE = Assumption(
    "jobs_anywhere", 1_300_000, 1_200_000, 1_400_000,
    "NORCE (2025) kap. 3.2.5: 40–50 % av jobbene, 1,2–1,4 millioner (Ingelsrud m.fl. 2022); "
    "prosjektskissen (seed 000): ca. 1,4 mill.",
)


@dataclass(frozen=True)
class Condition:
    key: str
    variable: str
    codes: tuple[int, ...]
    label: dict[str, str]
    fixed: bool = True  # switched on or off as a whole; False: the user picks the codes (age groups, …)


def standard_conditions(attractive: bool = False, take_job: bool = False, travel_time_min: int | None = None,
                        age_groups: Sequence[int] = (), centrality: Sequence[int] = ()) -> list[Condition]:
    """The filters a council can choose, in funnel order."""
    conditions = []
    if attractive:
        conditions.append(Condition("attractive", "q23", (1, 2), {
            "nb": "… synes en distriktskommune er attraktiv", "nn": "… synest ein distriktskommune er attraktiv",
            "en": "… find a rural municipality attractive"}))
    if take_job:
        conditions.append(Condition("take_job", "q14", (1, 2), {
            "nb": "… kan sannsynligvis ta jobben med seg", "nn": "… kan truleg ta jobben med seg",
            "en": "… can probably take the job along"}))
    if travel_time_min:
        conditions.append(Condition("travel_time", "q21", tuple(range(travel_time_min, 5)), {
            "nb": "… godtar lengre reisetid til kontoret", "nn": "… godtek lengre reisetid til kontoret",
            "en": "… accept a longer trip to the office"}, fixed=False))
    if age_groups:
        conditions.append(Condition("age_group", "age_group", tuple(age_groups), {
            "nb": "… i valgte aldersgrupper", "nn": "… i valde aldersgrupper", "en": "… in the chosen age groups"},
            fixed=False))
    if centrality:
        conditions.append(Condition("centrality", "centrality", tuple(centrality), {
            "nb": "… bor i valgte sentralitetsklasser", "nn": "… bur i valde sentralitetsklassar",
            "en": "… live in the chosen centrality classes"}, fixed=False))
    return conditions


WILLING = Condition("willing", "q22", (1, 2), {
    "nb": "… synes det er aktuelt å flytte (q22)", "nn": "… synest det er aktuelt å flytte (q22)",
    "en": "… find moving relevant (q22)"})


@dataclass
class FunnelStep:
    key: str
    label: str
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
    region_share_source: str | None
    steps: list[FunnelStep] = field(default_factory=list)
    sensitivity: list[dict] = field(default_factory=list)
    assumptions: list[dict] = field(default_factory=list)

    def as_records(self) -> list[dict]:
        return [asdict(s) for s in self.steps]


def condition_hypercube(session: Session, meta: SurveyMeta, conditions: Sequence[Condition]) -> list[tuple]:
    """(pattern, n, Σw, Σw²) over the base (a valid q22 answer): ``pattern`` holds, per condition, the
    respondent's code where it meets the condition and None where not (``app.query.disclosure``).
    One scan gives every step of the funnel: step k's figures are the rows meeting conditions 1..k."""
    q22 = meta.question("q22")
    patterns = pattern_columns(meta, {c.variable: list(c.codes) for c in conditions},
                               fixed={c.variable for c in conditions if c.fixed})
    w = AnswerVector.__table__.c.weight
    vector = AnswerVector.__table__
    stmt = (select(*patterns, func.count(), func.sum(w), func.sum(w * w))
            .where(vector.c.survey_id == meta.id, vector.c.codes[q22.slot].in_(q22.valid_codes))
            .group_by(*patterns))
    k = len(patterns)
    return [(tuple(row[:k]), int(row[k]), float(row[k + 1] or 0), float(row[k + 2] or 0))
            for row in session.execute(stmt).all()]


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


def default_region_share(session: Session, region_slug: str) -> tuple[float, str]:
    """The region's share of the population of rural municipalities (SSB centrality 5–6)."""
    rural = select(func.sum(Municipality.population)).where(Municipality.centrality_class >= 5)
    in_region = (select(func.sum(Municipality.population))
                 .join(RegionMember, RegionMember.kommunenummer == Municipality.kommunenummer)
                 .join(Region, Region.id == RegionMember.region_id).where(Region.slug == region_slug))
    total, region = session.scalar(rural) or 0, session.scalar(in_region) or 0
    if not total:
        raise QueryError("No population data for rural municipalities; run fjernarbeid seed.")
    return region / total, ("Regionens andel av befolkningen i distriktskommuner (SSB sentralitet 5–6), "
                            "1.1.2026 — en forenkling: like stor tiltrekning per innbygger.")


def mobility_funnel(
    session: Session,
    survey: str,
    jobs_anywhere: float = JOBS_ANYWHERE.default,
    conditions: Sequence[Condition] = (),
    region_share: float | None = None,
    region_share_source: str | None = None,
    lang: str = "nb",
    min_n: int = 10,
) -> MobilityResult:
    """Each step of the funnel from remote-capable jobs to potential movers, with 95 % intervals.

    Intervals carry the survey uncertainty of each step's share; ``sensitivity`` shows how
    the last step moves across each assumption's range.
    """
    if jobs_anywhere <= 0:
        raise QueryError("jobs_anywhere must be positive.")
    if region_share is not None and not 0 <= region_share <= 1:
        raise QueryError("region_share must be between 0 and 1.")
    min_n = check_min_n(min_n)
    meta = survey_meta(session, survey)
    n_design = meta.n_design
    result = MobilityResult(survey, jobs_anywhere, region_share, region_share_source)
    result.steps.append(FunnelStep("jobs", {"nb": "Jobber som kan gjøres hvor som helst",
                                            "nn": "Jobbar som kan gjerast kvar som helst",
                                            "en": "Jobs that can be done anywhere"}[lang],
                                   None, None, jobs_anywhere, JOBS_ANYWHERE.low, JOBS_ANYWHERE.high, 0))
    all_conditions = [WILLING, *conditions]
    hypercube = condition_hypercube(session, meta, all_conditions)
    if not hypercube:
        raise QueryError(f"Nobody in {survey} answered q22.")
    last = None
    for k, condition in enumerate(all_conditions, start=1):
        sw_met, sw2_met, sw, sw2, n, suppressed = step_figures(hypercube, k, min_n)
        if suppressed:
            result.steps.append(FunnelStep(condition.key, condition.label[lang], None, None, None, None, None, n,
                                           suppressed=True))
            last = None
            continue
        share = design.proportion(sw_met, sw2_met, sw, sw2, n, n_design)
        last = share
        result.steps.append(FunnelStep(condition.key, condition.label[lang], share.estimate, share.se,
                                       jobs_anywhere * share.estimate, jobs_anywhere * share.ci_low,
                                       jobs_anywhere * share.ci_high, n))
    if region_share is not None:
        prev = result.steps[-1]
        label = {"nb": "… og kunne valgt denne regionen", "nn": "… og kunne valt denne regionen",
                 "en": "… and could choose this region"}[lang]
        if last is None:
            result.steps.append(FunnelStep("region", label, None, None, None, None, None, prev.n, suppressed=True))
        else:
            result.steps.append(FunnelStep("region", label, last.estimate * region_share, last.se * region_share,
                                           prev.people * region_share, prev.people_low * region_share,
                                           prev.people_high * region_share, prev.n))
    if last is not None:
        final_share = last.estimate * (region_share if region_share is not None else 1.0)
        result.sensitivity = [
            {"assumption": "jobs_anywhere", "low": JOBS_ANYWHERE.low * final_share,
             "high": JOBS_ANYWHERE.high * final_share},
            {"assumption": "survey_share", "low": jobs_anywhere * last.ci_low * (region_share or 1.0),
             "high": jobs_anywhere * last.ci_high * (region_share or 1.0)},
        ]
        if region_share is not None:
            result.sensitivity.append({"assumption": "region_share",
                                       "low": jobs_anywhere * last.estimate * region_share / 2,
                                       "high": jobs_anywhere * last.estimate * min(1.0, region_share * 2)})
    result.assumptions = [asdict(JOBS_ANYWHERE)]
    if region_share is not None:
        result.assumptions.append({"name": "region_share", "default": region_share, "low": region_share / 2,
                                   "high": min(1.0, region_share * 2), "source": region_share_source or ""})
    return result
