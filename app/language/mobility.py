"""The mobility model in words: step labels, the assumptions' sources and caveats, and the regional share's
definition, in nb, nn or en.

``app.query.mobility`` names steps, conditions, assumptions and share definitions by key and carries
numbers only; this module says them through the translation catalogues (English message ids,
``translations/*/LC_MESSAGES/messages.po``). The mobility page and ``fjernarbeid mobility`` both use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.language import N_, format_number
from app.language import gettext as _
from app.query.mobility import (
    SHARE_MEASURES,
    MobilityResult,
    NetMigration,
    RegionShare,
    ShareDefinition,
    round_people,
)

STEP_LABELS = {
    "jobs": N_("Jobs that can be done anywhere"),
    "willing": N_("… would consider moving to another municipality (any municipality)"),
    "attractive": N_("… find living in a rural municipality attractive"),
    "take_job": N_("… can probably take the job along"),
    "travel_time": N_("… accept a longer trip to the office"),
    "age_group": N_("… in the chosen age groups"),
    "centrality": N_("… live in the chosen centrality classes"),
    "outside_region": N_("… do not already live in the region"),
    "region": N_("… and could choose this region"),
}
ASSUMPTION_NAMES = {
    "jobs_anywhere": N_("Number of jobs that can be done anywhere"),
    "survey_share": N_("Survey uncertainty (95 %)"),
    "region_share": N_("Share who could choose the region"),
    # the survey's link between "would consider moving" and "find a rural municipality attractive", or none
    "attraction_link": N_(
        "How “would move” and “find rural municipalities attractive” go together (survey – unrelated)"
    ),
}


def step_label(key: str, lang: str) -> str:
    """A funnel step by its key: the jobs, each condition's "… who also …", the region."""
    return _(STEP_LABELS[key], lang) if key in STEP_LABELS else key


def willing_note(lang: str) -> str:
    """What the survey's question behind the "willing" step asks, and what it does not."""
    return _(
        "The question asks about moving to any other municipality if it means having no permanent workplace at "
        "the employer's premises – not about moving to a rural municipality or to this region.",
        lang,
    )


def assumption_name(name: str, lang: str) -> str:
    """An assumption of the sensitivity analysis by its name (``Assumption.name``, "survey_share", …)."""
    return _(ASSUMPTION_NAMES[name], lang) if name in ASSUMPTION_NAMES else name


def jobs_anywhere_source(lang: str) -> str:
    """Where the number of jobs that can be done anywhere comes from (quoted from the sources)."""
    return _(
        "NORCE (2025) ch. 3.2.5: “between 40–50 % of jobs in Norway” can in principle be done anywhere, "
        "“between 1.2–1.4 million jobs” (citing Ingelsrud et al. 2022). The outline of the Hardanger "
        "remote-work project: “50 % of jobs in Norway”, “about 1.4 million”.",
        lang,
    )


def jobs_anywhere_caveats(lang: str) -> list[str]:
    """What the sources say limits the number of jobs that can be done anywhere."""
    return [
        _(
            "AFI report 2022:04 (Ingelsrud et al.), table 1: about half of employees can work from home (50 % in "
            "2022), but only 20–22 % have it as a fixed arrangement – the rest only when needed. A job that can "
            "be done from home is not necessarily one that can be done anywhere.",
            lang,
        ),
        _(
            "The survey covers employed people aged 25–60, the job count all ages. The model applies the "
            "survey's share to younger and older workers too, while the report expects many under 25 to be in "
            "education and mobility to be lower after 60.",
            lang,
        ),
    ]


def measure_text(measure: str, lang: str) -> str:
    """A measure the regional share is computed from, by its key in ``SHARE_MEASURES``."""
    texts = {
        "employed": _("employed residents aged 15–74, Q4 2022 (Statistics Norway table 11618)", lang),
        "population_25_60": _("population aged 25–60 on 1 Jan 2026 (Statistics Norway table 07459)", lang),
    }
    return texts.get(measure, measure)


def set_text(classes: tuple[int, ...] | None, lang: str) -> str:
    """The destination set in words: every municipality, or those in a span of centrality classes."""
    if classes is None:
        return _("all municipalities", lang)
    return _("municipalities in centrality classes {low}–{high}", lang).format(low=classes[0], high=classes[-1])


def definition_text(definition: ShareDefinition, lang: str) -> str:
    """One definition of the regional share: the measure and the set (and the members it leaves out)."""
    measure, where = measure_text(definition.measure, lang), set_text(definition.classes, lang)
    if definition.left_out:
        return _("{measure}, {set} (not counted: {names})", lang).format(
            measure=measure, set=where, names=", ".join(definition.left_out)
        )
    return f"{measure}, {where}"


def region_share_source(shares: RegionShare, lang: str) -> str:
    """The regional share's default in one sentence, with the attribution SSB asks for."""
    d = shares.default
    values = {
        "measure": measure_text(d.measure, lang),
        "set": set_text(d.classes, lang),
        "region": format_number(d.region_value, lang),
        "total": format_number(d.set_value, lang),
        "table": SHARE_MEASURES[d.measure][2],
    }
    if d.left_out:
        return _(
            "The region's share of {measure} in {set}: {region} of {total}. Not counted (outside the set): "
            "{left_out}. Assumes movers spread over the municipalities in the set as the employed do. Source: "
            "Statistics Norway (SSB), table {table}.",
            lang,
        ).format(left_out=", ".join(d.left_out), **values)
    return _(
        "The region's share of {measure} in {set}: {region} of {total}. Assumes movers spread over the "
        "municipalities in the set as the employed do. Source: Statistics Norway (SSB), table {table}.",
        lang,
    ).format(**values)


@dataclass
class FunnelInWords:
    """A funnel result with its texts in one language: what ``fjernarbeid mobility`` prints (through
    ``app.query.format.render``). Steps and assumptions are dicts with a ``label`` / ``source`` added."""

    survey: str
    jobs_anywhere: float
    region_share: float | None
    region_share_source: str | None
    region_range: tuple[float, float] | None = None
    steps: list[dict] = field(default_factory=list)
    sensitivity: list[dict] = field(default_factory=list)
    assumptions: list[dict] = field(default_factory=list)
    overall_low: float | None = None
    overall_high: float | None = None
    independent: float | None = None  # the result if "would move" and rural attraction were unrelated
    # what the number is (a pool, not a forecast, no time frame), the result without the survey's link between
    # would-move and rural attraction, and what actually happened in the region: printed under the table
    notes: list[str] = field(default_factory=list)

    def as_records(self) -> list[dict]:
        return [dict(s) for s in self.steps]


def pool_note(lang: str) -> str:
    """What the result is, and what it is not."""
    return _(
        "A pool, not a forecast: people who say they would consider moving. Being willing is not moving, and "
        "the number has no time frame – it is not people per year or in any period.",
        lang,
    )


def independence_note(result: MobilityResult, lang: str) -> str:
    """The result with the survey's link between "would move" and rural attraction, and without it."""
    people = result.steps[-1].people or 0.0
    return _(
        "{n} counts the link the survey shows between “would consider moving” and “find a rural municipality "
        "attractive”. The report does not publish how the two go together, and in the demo survey the link is "
        "invented; if they were unrelated, the result would be about {independent}. The range above covers both.",
        lang,
    ).format(
        n=format_number(round_people(people), lang),
        independent=format_number(round_people(result.independent or 0.0), lang),
    )


def residents_note(result: MobilityResult, lang: str, min_n: int) -> str:
    """How many of those counted already live in the region and are left out (or why they are not)."""
    residents = result.residents
    if residents is None:
        return ""
    if residents.unknown:
        return _(
            "The survey does not record where respondents live, so those who already live in the region are counted.",
            lang,
        )
    if residents.too_few or residents.people is None:
        return _(
            "Those who already live in the region are counted: fewer than {min_n} of the respondents counted live "
            "there, too few to leave out without revealing them.",
            lang,
        ).format(min_n=min_n)
    return _("Left out: about {n} of those counted already live in the region.", lang).format(
        n=format_number(round_people(residents.people), lang)
    )


def net_migration_text(net: NetMigration, region_name: str, lang: str) -> str:
    """The region's actual net migration over the years loaded, with its source."""
    return _(
        "What actually happened: net migration to {region} {first}–{last} was {net} people in all (moved in minus "
        "moved out, from Norway and abroad; Statistics Norway (SSB), table {table}).",
        lang,
    ).format(
        region=region_name,
        first=net.first_year,
        last=net.last_year,
        net=("+" if net.total > 0 else "") + format_number(net.total, lang),
        table=net.table,
    )


def in_words(
    result: MobilityResult,
    lang: str,
    shares: RegionShare | None = None,
    region_share_source_text: str | None = None,
    net: NetMigration | None = None,
    *,
    min_n: int,
) -> FunnelInWords:
    """``result`` with its step labels and sources in ``lang``. The regional share's source is
    ``region_share_source_text`` when given, else the sentence for ``shares`` (when the result has a region
    step)."""
    source = region_share_source_text
    if source is None and shares is not None and result.region_share is not None:
        source = region_share_source(shares, lang)
    steps = []
    for step in result.as_records():
        key = step.pop("key")
        steps.append({"key": key, "label": step_label(key, lang), **step})
    notes = [pool_note(lang)]
    if result.independent is not None and result.shown:
        notes.append(independence_note(result, lang))
    if result.residents is not None:
        notes.append(residents_note(result, lang, min_n))
    if net is not None and shares is not None:
        notes.append(net_migration_text(net, shares.region_name, lang))
    assumptions = []
    for a in result.assumptions:
        if a["name"] == "jobs_anywhere":
            words = {"source": jobs_anywhere_source(lang), "caveats": jobs_anywhere_caveats(lang)}
        else:
            words = {"source": source or "", "caveats": []}
        assumptions.append({**a, **words})
    return FunnelInWords(
        result.survey,
        result.jobs_anywhere,
        result.region_share,
        source,
        result.region_range,
        steps,
        [dict(r) for r in result.sensitivity],
        assumptions,
        result.overall_low,
        result.overall_high,
        result.independent,
        notes,
    )
