"""Weighted estimates for a question, optionally broken down by a dimension and filtered.

PostgreSQL aggregates each (group, answer) cell to (n, Σw, Σw²); ``app.stats.design`` turns
those into estimates, standard errors, intervals and the Rao–Scott test, exactly as R's
``survey`` package would from the microdata. Microdata never leave the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
from sqlalchemy import and_, func, literal, select
from sqlalchemy.orm import Session, aliased

from app.db.models import Answer, AnswerOption, Question, Respondent, Survey
from app.errors import FjernarbeidError
from app.stats import design
from app.query.suppression import suppress_groups

ALL = "all"


class QueryError(FjernarbeidError):
    """A query names an unknown survey, variable or code."""

    exit_code = 2


@dataclass
class EstimateRow:
    group: str
    group_code: int | str
    code: int | str
    label: str
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n: int | None
    n_weighted: float | None
    suppressed: bool = False


@dataclass
class Test:
    statistic: float
    df: tuple[float, float]
    p_value: float
    method: str


@dataclass
class ShareResult:
    survey: str
    variable: str
    question: str
    by: str | None
    by_label: str | None
    where: dict[str, list[int]]
    min_n: int
    n_design: int
    rows: list[EstimateRow] = field(default_factory=list)
    test: Test | None = None
    suppressed_groups: list[str] = field(default_factory=list)

    def as_records(self) -> list[dict]:
        return [asdict(r) for r in self.rows]


@dataclass
class QuestionInfo:
    id: int
    variable: str
    type: str
    text: dict
    short: dict | None
    options: list[tuple[int, dict, bool]]  # code, label, is_missing

    def label(self, code: int, lang: str) -> str:
        for c, label, _ in self.options:
            if c == code:
                return label.get(lang) or label.get("nb") or str(code)
        return str(code)

    @property
    def is_numeric(self) -> bool:
        return self.type in ("number", "year", "derived_number")


def survey_id(session: Session, slug: str) -> int:
    found = session.scalar(select(Survey.id).where(Survey.slug == slug))
    if found is None:
        known = ", ".join(session.scalars(select(Survey.slug).order_by(Survey.slug)).all()) or "none"
        raise QueryError(f"Unknown survey {slug!r}. Known surveys: {known}.")
    return found


def question_info(session: Session, sid: int, variable: str) -> QuestionInfo:
    question = session.scalar(select(Question).where(Question.survey_id == sid, Question.variable == variable))
    if question is None:
        raise QueryError(f"The survey has no variable {variable!r}.")
    return QuestionInfo(question.id, question.variable, question.type, question.text, question.short,
                        [(o.code, o.label, o.is_missing) for o in question.options])


def _filtered_respondents(session: Session, sid: int, where: Mapping[str, Sequence[int]]):
    """Respondent ids of the survey that satisfy every ``variable in codes`` filter."""
    stmt = select(Respondent.id.label("rid"), Respondent.weight.label("w")).where(Respondent.survey_id == sid)
    for variable, codes in where.items():
        info = question_info(session, sid, variable)
        allowed = {c for c, _, _ in info.options}
        unknown = [c for c in codes if c not in allowed]
        if unknown or not codes:
            raise QueryError(f"--where {variable}: codes {unknown or codes} are not among {sorted(allowed)}.")
        filt = aliased(Answer)
        stmt = stmt.join(filt, and_(filt.respondent_id == Respondent.id, filt.question_id == info.id,
                                    filt.code.in_(list(codes))))
    return stmt.subquery()


def cell_aggregates(session: Session, sid: int, question: QuestionInfo, by: QuestionInfo | None,
                    where: Mapping[str, Sequence[int]], include_missing: bool) -> list[tuple]:
    """(group code, answer code, n, Σw, Σw²) for every non-empty cell of the base."""
    people = _filtered_respondents(session, sid, where)
    answer = aliased(Answer)
    option = aliased(AnswerOption)
    group_col = literal(0).label("g")
    stmt = (
        select(answer.code.label("y"), func.count(), func.sum(people.c.w), func.sum(people.c.w * people.c.w))
        .select_from(people)
        .join(answer, and_(answer.respondent_id == people.c.rid, answer.question_id == question.id))
        .join(option, and_(option.question_id == answer.question_id, option.code == answer.code))
    )
    if not include_missing:
        stmt = stmt.where(option.is_missing.is_(False))
    if by is not None:
        group = aliased(Answer)
        group_option = aliased(AnswerOption)
        group_col = group.code.label("g")
        stmt = (stmt.join(group, and_(group.respondent_id == people.c.rid, group.question_id == by.id))
                .join(group_option, and_(group_option.question_id == group.question_id,
                                         group_option.code == group.code)))
        if not include_missing:
            stmt = stmt.where(group_option.is_missing.is_(False))
    stmt = stmt.add_columns(group_col).group_by(group_col, answer.code)
    return [(g, y, n, sw, sw2) for y, n, sw, sw2, g in session.execute(stmt).all()]


def design_size(session: Session, sid: int) -> int:
    return session.scalar(select(func.count()).select_from(Respondent).where(Respondent.survey_id == sid)) or 0


def collapse_codes(question: QuestionInfo, collapse: str | None, include_missing: bool) -> dict[int, tuple]:
    """Map each answer code to its category: itself, or the merged top-2 / bottom-2 category."""
    valid = [c for c, _, missing in question.options if not missing]
    mapping = {c: (c,) for c, _, _ in question.options}
    if collapse in ("top2", "bottom2") and len(valid) >= 3:
        merged = tuple(valid[:2]) if collapse == "top2" else tuple(valid[-2:])
        for c in merged:
            mapping[c] = merged
    elif collapse not in (None, "", "none"):
        raise QueryError(f"--collapse {collapse!r}: use top2 or bottom2.")
    return mapping


def estimate_shares(
    session: Session,
    survey: str,
    variable: str,
    by: str | None = None,
    where: Mapping[str, Sequence[int]] | None = None,
    collapse: str | None = None,
    include_missing: bool = False,
    min_n: int = 10,
    lang: str = "nb",
) -> ShareResult:
    """Weighted shares of each answer category of ``variable``, per group of ``by``.

    Returns every group × category with estimate, SE, logit CI, n and weighted n; groups with
    fewer than ``min_n`` respondents (and, where needed, one more group) are suppressed; for a
    breakdown, the Rao–Scott F test of independence.
    """
    where = {k: list(v) for k, v in (where or {}).items()}
    sid = survey_id(session, survey)
    question = question_info(session, sid, variable)
    if question.is_numeric:
        raise QueryError(f"{variable} is numeric; use the mean (estimate_mean / --format with a numeric variable).")
    by_info = question_info(session, sid, by) if by else None
    if by_info is not None and by_info.is_numeric:
        raise QueryError(f"--by {by}: a breakdown needs a coded variable (e.g. age_group instead of age).")

    cells = cell_aggregates(session, sid, question, by_info, where, include_missing)
    n_design = design_size(session, sid)
    categories = collapse_codes(question, collapse, include_missing)
    category_order = list(dict.fromkeys(categories[c] for c, _, m in question.options if include_missing or not m))

    groups: dict[int, dict[tuple, list[float]]] = {}
    for g, y, n, sw, sw2 in cells:
        cat = categories[y]
        acc = groups.setdefault(g, {}).setdefault(cat, [0, 0.0, 0.0])
        acc[0] += n
        acc[1] += sw
        acc[2] += sw2

    group_order = ([c for c, _, m in by_info.options if c in groups] if by_info else [0])
    result = ShareResult(survey, variable, _text(question.short or question.text, lang), by,
                         _text(by_info.short or by_info.text, lang) if by_info else None, where, min_n, n_design)
    totals = {g: (sum(v[0] for v in groups[g].values()), sum(v[1] for v in groups[g].values()),
                  sum(v[2] for v in groups[g].values())) for g in group_order}
    hidden = suppress_groups({g: totals[g][0] for g in group_order}, min_n, has_total=by_info is not None)

    for g in group_order:
        n_group, w_group, w2_group = totals[g]
        group_label = by_info.label(g, lang) if by_info else _all_label(lang)
        for cat in category_order:
            code = cat[0] if len(cat) == 1 else "+".join(map(str, cat))
            label = " / ".join(question.label(c, lang) for c in cat)
            if g in hidden:
                result.rows.append(EstimateRow(group_label, g if by_info else ALL, code, label,
                                               None, None, None, None, None, None, True))
                continue
            n_cell, w_cell, w2_cell = groups[g].get(cat, [0, 0.0, 0.0])
            est = design.proportion(w_cell, w2_cell, w_group, w2_group, n_group, n_design)
            result.rows.append(EstimateRow(group_label, g if by_info else ALL, code, label, est.estimate, est.se,
                                           _finite(est.ci_low), _finite(est.ci_high), int(n_group), float(w_group)))
    result.suppressed_groups = [by_info.label(g, lang) if by_info else _all_label(lang) for g in hidden]

    if by_info is not None:
        if len(group_order) >= 2:
            sum_w = np.array([[groups[g].get(cat, [0, 0.0, 0.0])[1] for cat in category_order] for g in group_order])
            sum_w2 = np.array([[groups[g].get(cat, [0, 0.0, 0.0])[2] for cat in category_order] for g in group_order])
            n_domain = sum(totals[g][0] for g in group_order)
            test = design.rao_scott_f(sum_w, sum_w2, n_domain, n_design)
            if test is not None:
                result.test = Test(test.statistic, (test.ndf, test.ddf), test.p_value, test.method)
    return result


def _finite(value: float) -> float | None:
    """NaN (e.g. no interval for a one-respondent group, as R's NA) becomes None."""
    return None if value != value else value


def _text(texts: dict | None, lang: str) -> str:
    if not texts:
        return ""
    return texts.get(lang) or texts.get("nb") or ""


def _all_label(lang: str) -> str:
    return {"nb": "Alle", "nn": "Alle", "en": "All"}.get(lang, "Alle")


@dataclass
class MeanRow:
    group: str
    group_code: int | str
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n: int | None
    n_weighted: float | None
    suppressed: bool = False


@dataclass
class MeanResult:
    survey: str
    variable: str
    question: str
    by: str | None
    where: dict[str, list[int]]
    min_n: int
    n_design: int
    rows: list[MeanRow] = field(default_factory=list)
    cronbach_alpha: float | None = None
    suppressed_groups: list[str] = field(default_factory=list)

    def as_records(self) -> list[dict]:
        return [asdict(r) for r in self.rows]


def estimate_mean(
    session: Session,
    survey: str,
    variable: str,
    by: str | None = None,
    where: Mapping[str, Sequence[int]] | None = None,
    min_n: int = 10,
    lang: str = "nb",
) -> MeanResult:
    """Weighted mean of a numeric variable (e.g. ``factory_index``, ``age``) per group of ``by``.

    For a ``mean_index`` variable the result also carries Cronbach's alpha of its items.
    """
    where = {k: list(v) for k, v in (where or {}).items()}
    sid = survey_id(session, survey)
    question = question_info(session, sid, variable)
    if not question.is_numeric:
        raise QueryError(f"{variable} is coded; use shares (estimate_shares).")
    by_info = question_info(session, sid, by) if by else None
    people = _filtered_respondents(session, sid, where)
    answer = aliased(Answer)
    x, w = answer.number, people.c.w
    group_col = literal(0).label("g")
    stmt = (select(func.count(), func.sum(w), func.sum(w * x), func.sum(w * w), func.sum(w * w * x),
                   func.sum(w * w * x * x))
            .select_from(people)
            .join(answer, and_(answer.respondent_id == people.c.rid, answer.question_id == question.id)))
    if by_info is not None:
        group, group_option = aliased(Answer), aliased(AnswerOption)
        group_col = group.code.label("g")
        stmt = (stmt.join(group, and_(group.respondent_id == people.c.rid, group.question_id == by_info.id))
                .join(group_option, and_(group_option.question_id == group.question_id,
                                         group_option.code == group.code))
                .where(group_option.is_missing.is_(False)))
    stmt = stmt.add_columns(group_col).group_by(group_col)
    aggregates = {row[-1]: row[:-1] for row in session.execute(stmt).all()}
    n_design = design_size(session, sid)
    group_order = [c for c, _, _ in by_info.options if c in aggregates] if by_info else [0]
    hidden = suppress_groups({g: aggregates[g][0] for g in group_order}, min_n, has_total=by_info is not None)
    result = MeanResult(survey, variable, _text(question.short or question.text, lang), by, where, min_n, n_design)
    for g in group_order:
        label = by_info.label(g, lang) if by_info else _all_label(lang)
        code = g if by_info else ALL
        if g in hidden or g not in aggregates:
            result.rows.append(MeanRow(label, code, None, None, None, None, None, None, True))
            continue
        n, sw, swx, sw2, sw2x, sw2x2 = aggregates[g]
        m = design.mean(sw, swx, sw2, sw2x, sw2x2, n_design)
        result.rows.append(MeanRow(label, code, m.estimate, m.se, m.ci_low, m.ci_high, int(n), float(sw)))
    result.suppressed_groups = [by_info.label(g, lang) if by_info else _all_label(lang) for g in hidden]
    result.cronbach_alpha = index_alpha(session, sid, variable)
    return result


def index_alpha(session: Session, sid: int, variable: str) -> float | None:
    """Cronbach's alpha (unweighted, complete cases) of a ``mean_index`` variable's recoded items."""
    codebook = session.scalar(select(Survey.codebook).where(Survey.id == sid)) or {}
    spec = next((d for d in codebook.get("derived", []) if d["variable"] == variable and d["kind"] == "mean_index"),
                None)
    if spec is None:
        return None
    columns = []
    for item in spec["items"]:
        info = question_info(session, sid, item["variable"])
        valid = [c for c, _, missing in info.options if not missing]
        answer = aliased(Answer)
        columns.append((item, info, valid, answer))
    stmt = select(Respondent.id).where(Respondent.survey_id == sid)
    for item, info, valid, answer in columns:
        stmt = stmt.join(answer, and_(answer.respondent_id == Respondent.id, answer.question_id == info.id,
                                      answer.code.in_(valid)))
        stmt = stmt.add_columns(answer.code)
    rows = np.array([r[1:] for r in session.execute(stmt).all()], dtype=float)
    if rows.size == 0:
        return None
    for j, (item, info, valid, _) in enumerate(columns):
        if item.get("reverse"):
            rows[:, j] = min(valid) + max(valid) - rows[:, j]
    return design.cronbach_alpha(rows)


def estimate_category(
    session: Session,
    survey: str,
    variable: str,
    codes: Sequence[int],
    where: Mapping[str, Sequence[int]] | None = None,
    min_n: int = 10,
) -> EstimateRow:
    """The weighted share answering any of ``codes`` (e.g. 1–3: at least weekly), with SE and CI.

    Suppressed (no estimate) when the base has fewer than ``min_n`` respondents.
    """
    where = {k: list(v) for k, v in (where or {}).items()}
    sid = survey_id(session, survey)
    question = question_info(session, sid, variable)
    cells = cell_aggregates(session, sid, question, None, where, include_missing=False)
    n = sum(c[2] for c in cells)
    code = "+".join(map(str, codes))
    if n < min_n or n == 0:
        return EstimateRow(ALL, ALL, code, "", None, None, None, None, None, None, True)
    sw, sw2 = sum(c[3] for c in cells), sum(c[4] for c in cells)
    sw_k = sum(c[3] for c in cells if c[1] in codes)
    sw2_k = sum(c[4] for c in cells if c[1] in codes)
    est = design.proportion(sw_k, sw2_k, sw, sw2, n, design_size(session, sid))
    return EstimateRow(ALL, ALL, code, "", est.estimate, est.se, est.ci_low, est.ci_high, int(n), float(sw))
