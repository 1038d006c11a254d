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

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from app.db.models import AnswerVector, Municipality, Region, RegionMember
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
            "en": "… accept a longer trip to the office"}))
    if age_groups:
        conditions.append(Condition("age_group", "age_group", tuple(age_groups), {
            "nb": "… i valgte aldersgrupper", "nn": "… i valde aldersgrupper", "en": "… in the chosen age groups"}))
    if centrality:
        conditions.append(Condition("centrality", "centrality", tuple(centrality), {
            "nb": "… bor i valgte sentralitetsklasser", "nn": "… bur i valde sentralitetsklassar",
            "en": "… live in the chosen centrality classes"}))
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
    people: float
    people_low: float
    people_high: float
    n: int


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


def joint_share(session: Session, meta: SurveyMeta, conditions: Sequence[Condition]) -> tuple[float, float, float, float, int]:
    """(Σw meeting all conditions, their Σw², Σw of the base, Σw² of the base, n of the base)."""
    vector = AnswerVector.__table__
    q22 = meta.question("q22")
    met = [vector.c.codes[meta.question(c.variable).slot].in_(list(c.codes)) for c in conditions]
    indicator = case((and_(*met), 1.0), else_=0.0) if met else literal(1.0)
    w = vector.c.weight
    stmt = (
        select(func.sum(w * indicator), func.sum(w * w * indicator), func.sum(w), func.sum(w * w), func.count())
        .where(vector.c.survey_id == meta.id, vector.c.codes[q22.slot].in_(q22.valid_codes))
    )
    sw_met, sw2_met, sw, sw2, n = session.execute(stmt).one()
    return float(sw_met or 0), float(sw2_met or 0), float(sw or 0), float(sw2 or 0), int(n or 0)


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
) -> MobilityResult:
    """Each step of the funnel from remote-capable jobs to potential movers, with 95 % intervals.

    Intervals carry the survey uncertainty of each step's share; ``sensitivity`` shows how
    the last step moves across each assumption's range.
    """
    if jobs_anywhere <= 0:
        raise QueryError("jobs_anywhere must be positive.")
    if region_share is not None and not 0 <= region_share <= 1:
        raise QueryError("region_share must be between 0 and 1.")
    meta = survey_meta(session, survey)
    n_design = meta.n_design
    result = MobilityResult(survey, jobs_anywhere, region_share, region_share_source)
    result.steps.append(FunnelStep("jobs", {"nb": "Jobber som kan gjøres hvor som helst",
                                            "nn": "Jobbar som kan gjerast kvar som helst",
                                            "en": "Jobs that can be done anywhere"}[lang],
                                   None, None, jobs_anywhere, JOBS_ANYWHERE.low, JOBS_ANYWHERE.high, 0))
    chosen: list[Condition] = []
    last = None
    for condition in [WILLING, *conditions]:
        chosen.append(condition)
        sw_met, sw2_met, sw, sw2, n = joint_share(session, meta, chosen)
        if not n:
            raise QueryError(f"Nobody in {survey} answered q22.")
        share = design.proportion(sw_met, sw2_met, sw, sw2, n, n_design)
        last = share
        result.steps.append(FunnelStep(condition.key, condition.label[lang], share.estimate, share.se,
                                       jobs_anywhere * share.estimate, jobs_anywhere * share.ci_low,
                                       jobs_anywhere * share.ci_high, n))
    if region_share is not None:
        prev = result.steps[-1]
        result.steps.append(FunnelStep("region", {"nb": "… og kunne valgt denne regionen",
                                                  "nn": "… og kunne valt denne regionen",
                                                  "en": "… and could choose this region"}[lang],
                                       last.estimate * region_share, last.se * region_share,
                                       prev.people * region_share, prev.people_low * region_share,
                                       prev.people_high * region_share, prev.n))
    final_share = last.estimate * (region_share if region_share is not None else 1.0)
    result.sensitivity = [
        {"assumption": "jobs_anywhere", "low": JOBS_ANYWHERE.low * final_share,
         "high": JOBS_ANYWHERE.high * final_share},
        {"assumption": "survey_share", "low": jobs_anywhere * last.ci_low * (region_share or 1.0),
         "high": jobs_anywhere * last.ci_high * (region_share or 1.0)},
    ]
    if region_share is not None:
        result.sensitivity.append({"assumption": "region_share", "low": jobs_anywhere * last.estimate * region_share / 2,
                                   "high": jobs_anywhere * last.estimate * min(1.0, region_share * 2)})
    result.assumptions = [asdict(JOBS_ANYWHERE)]
    if region_share is not None:
        result.assumptions.append({"name": "region_share", "default": region_share, "low": region_share / 2,
                                   "high": min(1.0, region_share * 2), "source": region_share_source or ""})
    return result
