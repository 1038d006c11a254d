"""Weighted answer shares computed in PostgreSQL (the base excludes "don't know" codes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from app.db.models import Answer, AnswerOption, Question, Respondent, Survey


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
        stmt = stmt.where(exists(
            select(1).select_from(filter_answer)
            .join(filter_question, filter_question.id == filter_answer.question_id)
            .where(filter_answer.respondent_id == Respondent.id, filter_question.variable == filter_variable,
                   filter_question.survey_id == Survey.id, filter_answer.code.in_(list(codes)))
        ))
    totals = dict(session.execute(stmt).all())
    base = sum(totals.values())
    return {code: weight / base for code, weight in sorted(totals.items())} if base else {}
