"""Figures the NORCE (2025) report published, beside the same figure computed from a survey.

The report's numbers come from ``published_figure`` (seed/published_figures.csv). Each has a
base ("all", "uses home office (q12 < 6)", …); where that base can be expressed as a filter on
the survey's own variables, the share for the same answer categories is computed on that base,
so the two numbers can be compared like for like.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import PublishedFigure
from app.query.estimates import EstimateRow, estimate_category

SOURCE_SURVEY = "norce2025"
SHARE_UNITS = ("percent", "fraction")

# The report's bases that can be rebuilt from the codebook's variables: key → (where, base id).
BASES: dict[str, dict[str, list[int]]] = {
    "all": {},
    "uses home office (q12 < 6)": {"q12": [1, 2, 3, 4, 5]},
    "centrality index 1-2 (central municipalities)": {"centrality": [1, 2]},
}

# Surveys that use the NORCE (2025) questionnaire, and whether the report's numbers describe
# the same population ("same") or not ("other": e.g. a regional sample).
COMPARABLE = {"norce2025": "same", "demo_national": "same", "demo_hardanger": "other"}


@dataclass
class Comparison:
    location: str | None
    breakdown: str
    categories: tuple[int, ...]
    published: float  # a proportion 0–1
    approx: bool
    quote: str
    computed: EstimateRow | None  # None: the base cannot be rebuilt from the data
    as_published: float = 0.0  # the value as the source prints it (2.3 for "ca. 2,3%", in ``unit``)
    unit: str = "percent"
    qualifier: str | None = None  # how the source words it: about, over, under, nearly, at least


def published_figures(session: Session, variable: str, survey_code: str = SOURCE_SURVEY) -> list[PublishedFigure]:
    """Rows of ``published_figure`` for ``variable`` (e.g. "q22") of ``survey_code``."""
    return list(
        session.scalars(
            select(PublishedFigure)
            .where(PublishedFigure.survey_code == survey_code, PublishedFigure.question_variable == variable)
            .order_by(PublishedFigure.id)
        )
    )


def _codes(categories: str | None) -> tuple[int, ...] | None:
    try:
        return tuple(int(c) for c in (categories or "").split("+") if c.strip()) or None
    except ValueError:
        return None


def comparisons(session: Session, survey: str, variable: str, *, min_n: int) -> list[Comparison]:
    """The report's shares for ``variable`` with the share computed from ``survey`` on the same base.

    Only shares (percent/fraction) of named answer categories are returned; counts and national
    extrapolations are not comparable with a survey share.
    """
    if survey not in COMPARABLE:
        return []
    result = []
    for figure in published_figures(session, variable):
        codes = _codes(figure.categories)
        if figure.unit not in SHARE_UNITS or codes is None:
            continue
        value = figure.value / 100 if figure.unit == "percent" else figure.value
        breakdown = figure.breakdown or "all"
        computed = None
        if breakdown in BASES:
            computed = estimate_category(session, survey, variable, codes, BASES[breakdown], min_n=min_n)
        result.append(
            Comparison(
                figure.location,
                breakdown,
                codes,
                value,
                figure.approx,
                figure.quote,
                computed,
                figure.value,
                figure.unit,
                figure.qualifier,
            )  # fmt: skip
        )
    return result
