"""The synthetic national demo survey reproduces every NORCE 2025 share in published_figures.csv.

Each figure is recomputed from PostgreSQL (weighted, "don't know" excluded from the base) and
must agree with the figure as the source words it: a point or "about" figure within ±2
percentage points, "over halvparten" above 50 %, "nesten 90 %" below 90 %.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path

import pytest
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from app.db.models import Answer, AnswerOption, Question, Respondent, Survey
from app.stats.published import agrees_with_published

FIGURES = Path(__file__).resolve().parents[1] / "seed" / "published_figures.csv"
TOLERANCE_PP = 2.0

# Breakdowns of the published figures, as filters on the survey's variables.
BREAKDOWNS = {
    "all": {},
    "uses home office (q12 < 6)": {"q12": [1, 2, 3, 4, 5]},
    "centrality index 1-2 (central municipalities)": {"centrality": [1, 2]},
}


def calibrated_figures() -> list[dict]:
    with FIGURES.open(encoding="utf-8") as handle:
        rows = [
            r
            for r in csv.DictReader(handle)
            if r["survey"] == "norce2025"
            and r["question_id"]
            and r["categories"]
            and r["unit"] in ("percent", "fraction")
            and r["breakdown"] in BREAKDOWNS
        ]
    return rows


def published_percent(row: dict) -> float:
    value = float(Fraction(row["value"]))
    return value * 100 if row["unit"] == "fraction" else value


def test_the_figures_to_reproduce_are_the_ones_the_issue_names():
    questions = {r["question_id"] for r in calibrated_figures()}
    assert {"21", "22", "23", "14", "13", "10_1", "10_2", "16_2", "16_5"} <= questions


@pytest.mark.parametrize(
    "row",
    calibrated_figures(),
    ids=lambda r: (
        f"q{r['question_id']}[{r['categories']}]{'' if r['breakdown'] == 'all' else ' ' + r['breakdown'][:12]}"
    ),
)
def test_weighted_share_matches_the_published_figure(db, row):
    shares = weighted_shares(db, "demo_national", "q" + row["question_id"], where=BREAKDOWNS[row["breakdown"]])
    codes = [int(c) for c in row["categories"].split("+")]
    computed = 100 * sum(shares.get(c, 0.0) for c in codes)
    value = published_percent(row)
    assert agrees_with_published(computed, value, row["qualifier"], TOLERANCE_PP), (
        f"{computed:.1f} % does not agree with «{row['quote']}» ({row['qualifier'] or 'point'} {value})"
    )


def test_a_bound_is_not_calibrated_as_if_it_were_a_point(db):
    """ "Over halvparten" for ≤ 30 minutes: the other categories (42 / 2,3 / 2,3) leave 53,4 %."""
    shares = weighted_shares(db, "demo_national", "q21")
    assert 100 * shares[1] == pytest.approx(53.4, abs=0.6)
    assert not agrees_with_published(50.0, 50.0, "over") and not agrees_with_published(90.0, 90.0, "nearly")


def test_demo_surveys_are_flagged_synthetic(db):
    from sqlalchemy import select

    from app.db.models import Survey

    surveys = {s.slug: s for s in db.scalars(select(Survey))}
    assert surveys["demo_national"].is_synthetic and surveys["demo_hardanger"].is_synthetic
    assert "ikke kalibrert" in surveys["demo_hardanger"].synthetic_note["nb"].lower()
    assert "kalibrert" in surveys["demo_national"].synthetic_note["nb"]


def test_national_demo_has_500_respondents_aged_25_to_60(db):
    from sqlalchemy import func, select

    from app.db.models import Respondent, Survey

    ages = db.execute(
        select(func.count(), func.min(2025 - Respondent.birth_year), func.max(2025 - Respondent.birth_year))
        .join(Survey)
        .where(Survey.slug == "demo_national")
    ).one()
    assert ages[0] == 500 and ages[1] >= 25 and ages[2] <= 60


# An estimator independent of the query layer: the normalised tables joined, nothing shared with
# app/query, so the calibration test checks the demo data and not the code under test.
def weighted_shares(
    session: Session,
    survey_slug: str,
    variable: str,
    where: Mapping[str, Sequence[int]] | None = None,
    include_missing: bool = False,
) -> dict[int, float]:
    """Weighted share of each answer code of ``variable`` among respondents in the base.

    Args:
        where: only respondents whose answer to each variable is one of the given codes.
        include_missing: keep "don't know / no answer" codes in the base.
    Returns:
        code → share (0–1); empty when nobody is in the base.
    """
    question = aliased(Question)
    stmt = (
        select(Answer.code, func.sum(Respondent.weight))
        .join(Respondent, Respondent.id == Answer.respondent_id)
        .join(question, question.id == Answer.question_id)
        .join(Survey, Survey.id == question.survey_id)
        .join(AnswerOption, and_(AnswerOption.question_id == Answer.question_id, AnswerOption.code == Answer.code))
        .where(Survey.slug == survey_slug, question.variable == variable)
        .group_by(Answer.code)
    )
    if not include_missing:
        stmt = stmt.where(AnswerOption.is_missing.is_(False))
    for filter_variable, codes in (where or {}).items():
        filter_answer, filter_question = aliased(Answer), aliased(Question)
        stmt = stmt.where(
            exists(
                select(1)
                .select_from(filter_answer)
                .join(filter_question, filter_question.id == filter_answer.question_id)
                .where(
                    filter_answer.respondent_id == Respondent.id,
                    filter_question.variable == filter_variable,
                    filter_question.survey_id == Survey.id,
                    filter_answer.code.in_(list(codes)),
                )
            )
        )
    totals = dict(session.execute(stmt).all())
    base = sum(totals.values())
    return {code: weight / base for code, weight in sorted(totals.items())} if base else {}
