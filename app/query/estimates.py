"""Weighted estimates for a question, optionally broken down by a dimension and filtered.

PostgreSQL aggregates each (group, answer) cell to (n, Σw, Σw²); ``app.stats.design`` turns
those into estimates, standard errors, intervals and the Rao–Scott test, exactly as R's
``survey`` package would from the microdata. Microdata never leave the database.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import case, func, literal, literal_column, null, select, text, tuple_
from sqlalchemy.orm import Session

from app.db.models import AnswerVector
from app.query.disclosure import (
    check_min_n,
    hidden_groups,
    is_selected,
    single_view_is_safe,
)
from app.query.metadata import (
    QueryError,
    QuestionInfo,
    SurveyMeta,
    survey_meta,
    survey_meta_by_id,
)
from app.stats import design

__all__ = [
    "QueryError",
    "QuestionInfo",
    "cell_aggregates",
    "design_size",
    "estimate_categories",
    "estimate_category",
    "estimate_mean",
    "estimate_shares",
    "estimate_shares_many",
    "question_info",
    "survey_id",
]

ALL = "all"
VECTOR = AnswerVector.__table__


Texts = dict[str, str]  # a text per language, from the codebook; the web or the CLI picks one
# A result's labels: ``Texts`` as the query layer returns them, one ``str`` once ``app.language.localized``
# has put the result in a language. The same dataclass carries both, so the type says "either".
Label = Any


@dataclass
class EstimateRow:
    group: Label  # the group's label; None: everyone (the page says "All" in its language)
    group_code: int | str
    code: int | str
    label: Label
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
    question: Label
    by: str | None
    by_label: Label
    where: dict[str, list[int]]
    min_n: int
    n_design: int
    rows: list[EstimateRow] = field(default_factory=list)
    test: Test | None = None
    suppressed_groups: list[Label] = field(default_factory=list)
    # For a scale with a direction (Likert): per shown group, the share at the positive end (the first
    # half of the valid answers) and at the negative end (the last half), with their intervals.
    sides: dict = field(default_factory=dict)

    def as_records(self) -> list[dict]:
        return [asdict(r) for r in self.rows]


def survey_id(session: Session, slug: str) -> int:
    return survey_meta(session, slug).id


def question_info(session: Session, sid: int, variable: str) -> QuestionInfo:
    return survey_meta_by_id(session, sid).question(variable)


def design_size(session: Session, sid: int) -> int:
    return survey_meta_by_id(session, sid).n_design


def _code(info: QuestionInfo, source=VECTOR.c):
    return source.codes[info.slot]


def _number(info: QuestionInfo, source=VECTOR.c):
    return source.numbers[info.slot]


def survey_rows(meta: SurveyMeta):
    """The survey's rows for a statement that reads many answers of each: a subquery whose ``codes``
    array is copied once per row, read by ``_code(info, rows.c)``.

    Read where it is stored, each element costs PostgreSQL a fresh look into the row's array; a
    statement reading 20 of them from 100 000 respondents spends ~50 ms more on that than on its
    grouping. OFFSET 0 keeps the subquery from being merged into the statement.
    """
    copied = VECTOR.c.codes.op("||", return_type=VECTOR.c.codes.type)(literal_column("'{}'::smallint[]"))
    return (
        select(VECTOR.c.weight, copied.label("codes"), VECTOR.c.numbers)
        .where(VECTOR.c.survey_id == meta.id)
        .offset(0)
        .subquery("survey_rows")
    )


def _in_base(column, info: QuestionInfo, include_missing: bool):
    return column.is_not(None) if include_missing else column.in_(info.valid_codes)


def checked_where(meta: SurveyMeta, where: Mapping[str, Sequence[int]] | None) -> dict[str, list[int]]:
    """Filters with their codes validated against the codebook, de-duplicated and sorted."""
    checked: dict[str, list[int]] = {}
    for variable, codes in (where or {}).items():
        info = meta.question(variable)
        allowed = set(info.codes)
        picked = sorted(set(codes))  # a code repeated 100 000 times is one code
        unknown = [c for c in picked if c not in allowed]
        if unknown or not picked:
            raise QueryError(
                f"--where {variable}: codes {unknown or list(codes)[:10]} are not among {sorted(allowed)}."
            )
        checked[variable] = picked
    return checked


def pattern_columns(
    meta: SurveyMeta, where: Mapping[str, Sequence[int]], fixed: AbstractSet[str] = frozenset(), source=VECTOR.c
) -> list:
    """One column per filter: the respondent's code where it is selected, NULL otherwise.

    Filters are not applied in SQL. Grouping by these columns gives the request's hypercube
    (``app.query.disclosure``): the respondents a view with other filter values would include.
    A ``fixed`` filter can only be switched on or off as a whole (its codes are not the user's
    choice), so its selected codes form one cell (0) instead of one cell per code.
    """
    columns = []
    for i, (variable, codes) in enumerate(where.items()):
        code = _code(meta.question(variable), source)
        selected = literal(0) if variable in fixed else code
        columns.append(case((code.in_(list(codes)), selected), else_=null()).label(f"f{i}"))
    return columns


def _group_column(by: QuestionInfo | None, include_missing: bool, source=VECTOR.c):
    """The breakdown group; NULL (``disclosure.OUTSIDE``) for respondents outside the breakdown."""
    if by is None:
        return literal(0).label("g")
    code = _code(by, source)
    return case((_in_base(code, by, include_missing), code), else_=null()).label("g")


def listed_groups(by: QuestionInfo | None, where: Mapping[str, Sequence[int]], include_missing: bool) -> list:
    """Every group a breakdown lists, in the codebook's order — empty ones too, so an empty group
    looks exactly like a small one. A filter on the breakdown variable itself leaves out the
    groups it excludes (that follows from the request, not from the data)."""
    if by is None:
        return [0]
    codes = [c for c, _label, missing in by.options if include_missing or not missing]
    if by.variable in where:
        codes = [c for c in codes if c in set(where[by.variable])]
    return codes


def cell_aggregates(
    session: Session,
    meta: SurveyMeta,
    question: QuestionInfo,
    by: QuestionInfo | None,
    where: Mapping[str, Sequence[int]],
    include_missing: bool,
) -> list[tuple]:
    """(group, answer code, pattern, n, Σw, Σw²) for every non-empty cell of the question's base, in one
    statement; ``pattern`` holds each filter's selected code or None (see ``pattern_columns``)."""
    return cell_aggregates_many(session, meta, [question], by, where, include_missing)[0]


def cell_aggregates_many(
    session: Session,
    meta: SurveyMeta,
    questions: Sequence[QuestionInfo],
    by: QuestionInfo | None,
    where: Mapping[str, Sequence[int]],
    include_missing: bool,
) -> list[list[tuple]]:
    """``cell_aggregates`` for each question with the same breakdown, from one scan."""
    return cell_aggregates_sets(session, meta, [(question, by) for question in questions], where, include_missing)


def cell_aggregates_sets(
    session: Session,
    meta: SurveyMeta,
    pairs: Sequence[tuple[QuestionInfo, QuestionInfo | None]],
    where: Mapping[str, Sequence[int]],
    include_missing: bool,
) -> list[list[tuple]]:
    """``cell_aggregates`` for each (question, breakdown) pair, from one scan of the survey:
    ``GROUPING SETS ((g1, y1, f…), (g2, y2, f…), …)``.

    Each question's base (a valid answer to it) differs, so with several pairs the scan keeps every
    respondent of the survey and cells outside a question's base are dropped here. A page of
    findings (Samanhengar) gets all its breakdowns from one scan instead of one per breakdown.
    """
    w = VECTOR.c.weight
    patterns = pattern_columns(meta, where)
    f = len(patterns)
    if len(pairs) == 1:
        question, by = pairs[0]
        group, y = _group_column(by, include_missing), _code(question).label("y")
        stmt = (
            select(group, y, *patterns, func.count(), func.sum(w), func.sum(w * w))
            .where(VECTOR.c.survey_id == meta.id, _in_base(_code(question), question, include_missing))
            .group_by(group, y, *patterns)
        )
        return [[(row[0], row[1], tuple(row[2 : 2 + f]), *row[2 + f :]) for row in session.execute(stmt).all()]]
    bys = list(dict.fromkeys(by.variable for _q, by in pairs if by is not None))
    variables = list(dict.fromkeys(question.variable for question, _by in pairs))
    rows = survey_rows(meta).c
    respondents = (
        select(
            *[_group_column(meta.question(b), include_missing, rows).label(f"g{i}") for i, b in enumerate(bys)],
            *[_code(meta.question(v), rows).label(f"y{i}") for i, v in enumerate(variables)],
            *pattern_columns(meta, where, source=rows),
            rows.weight.label("w"),
        )
        .offset(0)  # each respondent's groups and answers worked out once, not once per grouping set
        .subquery()
    )
    groups = [respondents.c[f"g{i}"] for i in range(len(bys))]
    answers = [respondents.c[f"y{i}"] for i in range(len(variables))]
    patterns = [respondents.c[p.name] for p in patterns]
    w = respondents.c.w
    # one grouping set per distinct (breakdown, question): a repeated set would repeat its rows
    sets: dict[tuple[str | None, str], object] = {}
    for question, by in pairs:  # a breakdown-less pair groups by its answer alone (g = 0 in Python)
        head = [groups[bys.index(by.variable)]] if by is not None else []
        key = (by.variable if by is not None else None, question.variable)
        sets.setdefault(key, tuple_(*head, answers[variables.index(question.variable)], *patterns))
    columns = [*groups, *answers]
    stmt = select(*columns, func.grouping(*columns), *patterns, func.count(), func.sum(w), func.sum(w * w)).group_by(
        func.grouping_sets(*sets.values())
    )
    width = len(columns)
    which: dict[int, list[int]] = {}  # grouping() bits of a set (0 = grouped) → the pairs it answers
    for i, (question, by) in enumerate(pairs):
        grouped = {variables.index(question.variable) + len(groups)} | (
            {bys.index(by.variable)} if by is not None else set()
        )
        mask = sum(1 << (width - 1 - c) for c in range(width) if c not in grouped)
        which.setdefault(mask, []).append(i)
    cells: list[list[tuple]] = [[] for _ in pairs]
    _hash_the_grouping_sets(session)
    for row in session.execute(stmt).all():
        values, mask = row[:width], row[width]
        pattern, (n, sw, sw2) = tuple(row[width + 1 : width + 1 + f]), row[width + 1 + f :]
        for i in which.get(mask, []):
            question, by = pairs[i]
            y = values[len(groups) + variables.index(question.variable)]
            if y is None or not (include_missing or y in question.valid_codes):
                continue
            g = values[bys.index(by.variable)] if by is not None else 0
            cells[i].append((g, y, pattern, n, sw, sw2))
    return cells


def _hash_the_grouping_sets(session: Session) -> None:
    """Let PostgreSQL aggregate every grouping set in one hash pass, for the rest of this transaction.

    It cannot estimate how many groups an array subscript (``codes[33]``) has and guesses about a
    million, so with the default memory it sorts the survey once per grouping set, spilling to disk
    (at 100 000 respondents and 12 sets: 410 ms, 210 ms hashed). The real groups are answer codes ×
    breakdown codes: a few hundred rows, a few MB. The settings only allow hashing; a hash table that
    really outgrows them spills to disk as any other.
    """
    session.execute(text("SET LOCAL work_mem = '16MB'"))
    session.execute(text("SET LOCAL hash_mem_multiplier = 16"))


def collapse_codes(question: QuestionInfo, collapse: str | None, include_missing: bool) -> dict[int, tuple]:
    """Map each answer code to its category: itself, or the merged top-2 / bottom-2 category."""
    valid = [c for c, _, missing in question.options if not missing]
    mapping: dict[int, tuple[int, ...]] = {c: (c,) for c, _, _ in question.options}
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
    *,
    min_n: int,
    test: str = "all",
) -> ShareResult:
    """Weighted shares of each answer category of ``variable``, per group of ``by``.

    Returns every group × category with estimate, SE, logit CI, n and weighted n; groups with
    fewer than ``min_n`` respondents (and, where needed, one more group) are suppressed; for a
    breakdown, the Rao–Scott F test of independence: over all the categories shown
    (``test="all"``), or of the top-2 share against the other valid answers (``test="top2"``,
    what a chart of one "agree" share per group shows).
    """
    return estimate_shares_many(
        session, survey, [variable], by, where, collapse, include_missing, min_n=min_n, test=test
    )[0]


def estimate_shares_many(
    session: Session,
    survey: str,
    variables: Sequence[str],
    by: str | None = None,
    where: Mapping[str, Sequence[int]] | None = None,
    collapse: str | None = None,
    include_missing: bool = False,
    *,
    min_n: int,
    test: str = "all",
) -> list[ShareResult]:
    """``estimate_shares`` for several variables with the same breakdown, from one scan of the survey."""
    return estimate_shares_sets(
        session, survey, [(v, by, collapse, test) for v in variables], where, include_missing, min_n=min_n
    )


def estimate_shares_sets(
    session: Session,
    survey: str,
    requests: Sequence[tuple[str, str | None, str | None, str]],
    where: Mapping[str, Sequence[int]] | None = None,
    include_missing: bool = False,
    *,
    min_n: int,
) -> list[ShareResult]:
    """``estimate_shares`` for several (variable, by, collapse, test) requests with the same filters, from
    one scan of the survey, whatever their breakdowns."""
    for _v, _by, _collapse, test in requests:
        if test not in ("all", "top2"):
            raise QueryError(f"test={test!r}: use all or top2.")
    min_n = check_min_n(min_n)
    meta = survey_meta(session, survey)
    checked = checked_where(meta, where)
    pairs = []
    for variable, by, _collapse, _test in requests:
        question = meta.question(variable)
        if question.is_numeric:
            raise QueryError(
                f"{question.variable} is numeric; use the mean (estimate_mean / --format with a numeric variable)."
            )
        by_info = meta.question(by) if by else None
        if by_info is not None and by_info.is_numeric:
            raise QueryError(f"--by {by}: a breakdown needs a coded variable (e.g. age_group instead of age).")
        pairs.append((question, by_info))
    cells = cell_aggregates_sets(session, meta, pairs, checked, include_missing)
    return [
        _shares(survey, meta, question, by_info, checked, cells_of, collapse, include_missing, min_n, test)
        for (question, by_info), cells_of, (_v, _by, collapse, test) in zip(pairs, cells, requests, strict=True)
    ]


def _shares(
    survey: str,
    meta: SurveyMeta,
    question: QuestionInfo,
    by_info: QuestionInfo | None,
    where: dict[str, list[int]],
    cells: list[tuple],
    collapse: str | None,
    include_missing: bool,
    min_n: int,
    test: str,
) -> ShareResult:
    """Estimates, disclosure control and the test for one variable, from its
    (group, code, pattern, n, Σw, Σw²) cells."""
    variable, by = question.variable, by_info.variable if by_info else None
    n_design = meta.n_design
    categories = collapse_codes(question, collapse, include_missing)
    category_order = list(dict.fromkeys(categories[c] for c, _, m in question.options if include_missing or not m))

    hypercube: Counter = Counter()
    groups: dict[int, dict[tuple, list[float]]] = defaultdict(dict)
    for g, y, pattern, n, sw, sw2 in cells:
        hypercube[(g, pattern)] += n
        if g is None or not is_selected(pattern):
            continue
        acc = groups[g].setdefault(categories[y], [0, 0.0, 0.0])
        acc[0] += n
        acc[1] += sw
        acc[2] += sw2

    group_order = listed_groups(by_info, where, include_missing)
    hidden = hidden_groups(hypercube, group_order, min_n)
    shown = [g for g in group_order if g not in hidden]
    result = ShareResult(
        survey,
        variable,
        question.short or question.text,
        by,
        (by_info.short or by_info.text) if by_info else None,
        where,
        min_n,
        n_design,
    )
    totals = {g: tuple(sum(v[k] for v in groups[g].values()) for k in range(3)) for g in shown}

    for g in group_order:
        group_label = by_info.label(g) if by_info else None
        for cat in category_order:
            code = cat[0] if len(cat) == 1 else "+".join(map(str, cat))
            label = joined([question.label(c) for c in cat], " / ")
            if g in hidden:
                result.rows.append(
                    EstimateRow(
                        group_label, g if by_info else ALL, code, label, None, None, None, None, None, None, True
                    )
                )
                continue
            n_group, w_group, w2_group = totals[g]
            _n_cell, w_cell, w2_cell = groups[g].get(cat, [0, 0.0, 0.0])
            est = design.proportion(w_cell, w2_cell, w_group, w2_group, int(n_group), n_design)
            result.rows.append(
                EstimateRow(
                    group_label,
                    g if by_info else ALL,
                    code,
                    label,
                    est.estimate,
                    est.se,
                    _finite(est.ci_low),
                    _finite(est.ci_high),
                    int(n_group),
                    float(w_group),
                )
            )
    result.suppressed_groups = [by_info.label(g) if by_info else None for g in group_order if g in hidden]
    if question.direction:
        valid = question.valid_codes
        ends = {"positive": set(valid[: len(valid) // 2]), "negative": set(valid[len(valid) - len(valid) // 2 :])}
        for g in shown:
            n_group, w_group, w2_group = totals[g]
            result.sides[g if by_info else ALL] = {}
            for side, codes in ends.items():
                side_cells = [v for cat, v in groups[g].items() if set(cat) <= codes]
                est = design.proportion(
                    sum(v[1] for v in side_cells),
                    sum(v[2] for v in side_cells),
                    w_group,
                    w2_group,
                    int(n_group),
                    n_design,
                )
                result.sides[g if by_info else ALL][side] = EstimateRow(
                    None,
                    g if by_info else ALL,
                    "+".join(map(str, sorted(codes))),
                    {"nb": side},
                    est.estimate,
                    est.se,
                    _finite(est.ci_low),
                    _finite(est.ci_high),
                    int(n_group),
                    float(w_group),
                )

    if by_info is not None and len(shown) >= 2:
        # Over the shown groups only: a test over hidden groups would say something about them.
        if test == "top2":
            top = set(question.valid_codes[:2])
            columns = [[c for c in category_order if c[0] in top], [c for c in category_order if c[0] not in top]]
        else:
            columns = [[c] for c in category_order]

        def table(k: int) -> np.ndarray:
            return np.array(
                [[sum(groups[g].get(c, (0, 0.0, 0.0))[k] for c in column) for column in columns] for g in shown]
            )

        n_domain = sum(totals[g][0] for g in shown)
        rao_scott = design.rao_scott_f(table(1), table(2), int(n_domain), n_design)
        if rao_scott is not None:
            result.test = Test(rao_scott.statistic, (rao_scott.ndf, rao_scott.ddf), rao_scott.p_value, rao_scott.method)
    return result


def _finite(value: float) -> float | None:
    """NaN (e.g. no interval for a one-respondent group, as R's NA) becomes None."""
    return None if math.isnan(value) else value


def joined(labels: Sequence[Texts], separator: str) -> Texts:
    """Several labels as one, in every language any of them has ("Svært aktuelt / Ganske aktuelt")."""
    languages = dict.fromkeys(lang for label in labels for lang in label)
    return {lang: separator.join(label.get(lang) or label.get("nb", "") for label in labels) for lang in languages}


@dataclass
class MeanRow:
    group: Label
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
    question: Label
    by: str | None
    where: dict[str, list[int]]
    min_n: int
    n_design: int
    rows: list[MeanRow] = field(default_factory=list)
    cronbach_alpha: float | None = None
    suppressed_groups: list[Label] = field(default_factory=list)

    def as_records(self) -> list[dict]:
        return [asdict(r) for r in self.rows]


def estimate_mean(
    session: Session,
    survey: str,
    variable: str,
    by: str | None = None,
    where: Mapping[str, Sequence[int]] | None = None,
    *,
    min_n: int,
) -> MeanResult:
    """Weighted mean of a numeric variable (e.g. ``factory_index``, ``age``) per group of ``by``.

    For a ``mean_index`` variable the result also carries Cronbach's alpha of its items.
    """
    min_n = check_min_n(min_n)
    meta = survey_meta(session, survey)
    where = checked_where(meta, where)
    question = meta.question(variable)
    if not question.is_numeric:
        raise QueryError(f"{variable} is coded; use shares (estimate_shares).")
    by_info = meta.question(by) if by else None
    if by_info is not None and by_info.is_numeric:
        raise QueryError(f"--by {by}: a breakdown needs a coded variable (e.g. age_group instead of age).")
    columns = [_group_column(by_info, include_missing=False), *pattern_columns(meta, where)]
    respondents = (
        select(*columns, VECTOR.c.weight.label("w"), _number(question).label("x"))
        .where(VECTOR.c.survey_id == meta.id, _number(question).is_not(None))
        # OFFSET 0 keeps this a subquery: inlined, PostgreSQL would read x out of the array once per sum
        .offset(0)
        .subquery()
    )
    x, w = respondents.c.x, respondents.c.w
    keys = [respondents.c[column.name] for column in columns]
    patterns = keys[1:]
    stmt = select(
        *keys,
        func.count(),
        func.sum(w),
        func.sum(w * x),
        func.sum(w * w),
        func.sum(w * w * x),
        func.sum(w * w * x * x),
    ).group_by(*keys)
    hypercube: Counter = Counter()
    aggregates: dict = defaultdict(lambda: np.zeros(6))
    for row in session.execute(stmt).all():
        g, pattern, sums = row[0], tuple(row[1 : 1 + len(patterns)]), row[1 + len(patterns) :]
        hypercube[(g, pattern)] += sums[0]
        if g is not None and is_selected(pattern):
            aggregates[g] += np.array(sums, dtype=float)
    n_design = meta.n_design
    group_order = listed_groups(by_info, where, include_missing=False)
    hidden = hidden_groups(hypercube, group_order, min_n)
    result = MeanResult(survey, variable, question.short or question.text, by, where, min_n, n_design)
    for g in group_order:
        label = by_info.label(g) if by_info else None
        code = g if by_info else ALL
        if g in hidden:
            result.rows.append(MeanRow(label, code, None, None, None, None, None, None, True))
            continue
        n, sw, swx, sw2, sw2x, sw2x2 = aggregates[g]
        m = design.mean(sw, swx, sw2, sw2x, sw2x2, n_design)
        result.rows.append(MeanRow(label, code, m.estimate, m.se, m.ci_low, m.ci_high, int(n), float(sw)))
    result.suppressed_groups = [by_info.label(g) if by_info else None for g in group_order if g in hidden]
    result.cronbach_alpha = index_alpha(session, meta, variable)
    return result


def index_alpha(session: Session, meta: SurveyMeta, variable: str) -> float | None:
    """Cronbach's alpha (unweighted, complete cases) of a ``mean_index`` variable's recoded items.

    It describes the whole survey, not a filtered group, so it is computed once per survey.
    """
    key = ("cronbach_alpha", variable)
    if key not in meta.derived_cache:
        meta.derived_cache[key] = _index_alpha(session, meta, variable)
    return meta.derived_cache[key]


def _index_alpha(session: Session, meta: SurveyMeta, variable: str) -> float | None:
    spec = next(
        (d for d in meta.codebook.get("derived", []) if d["variable"] == variable and d["kind"] == "mean_index"), None
    )
    if spec is None:
        return None
    items = [(item, meta.question(item["variable"])) for item in spec["items"]]
    stmt = select(*[_code(info) for _, info in items]).where(
        VECTOR.c.survey_id == meta.id, *[_code(info).in_(info.valid_codes) for _, info in items]
    )
    rows = np.array(session.execute(stmt).all(), dtype=float)
    if rows.size == 0:
        return None
    for j, (item, info) in enumerate(items):
        if item.get("reverse"):
            rows[:, j] = min(info.valid_codes) + max(info.valid_codes) - rows[:, j]
    return design.cronbach_alpha(rows)


def estimate_category(
    session: Session,
    survey: str,
    variable: str,
    codes: Sequence[int],
    where: Mapping[str, Sequence[int]] | None = None,
    *,
    min_n: int,
) -> EstimateRow:
    """The weighted share answering any of ``codes`` (e.g. 1–3: at least weekly), with SE and CI.

    Suppressed (no estimate) when the base has fewer than ``min_n`` respondents.
    """
    return estimate_categories(session, survey, [(variable, codes)], where, min_n=min_n)[0]


def estimate_categories(
    session: Session,
    survey: str,
    items: Sequence[tuple[str, Sequence[int]]],
    where: Mapping[str, Sequence[int]] | None = None,
    *,
    min_n: int,
) -> list[EstimateRow]:
    """``estimate_category`` for several (variable, codes) at once, from one scan of the survey.

    A page of headline figures (overview, measures) needs one share from each of many
    questions; each share has its own base (valid answers to its question).
    """
    if not items:
        return []
    min_n = check_min_n(min_n)
    meta = survey_meta(session, survey)
    where = checked_where(meta, where)
    rows = survey_rows(meta).c
    flags = []  # per item: is the respondent in its base, and among the counted answers
    for i, (variable, codes) in enumerate(items):
        question = meta.question(variable)
        counted = [c for c in codes if c in question.valid_codes]  # "don't know" is never in the base
        code = _code(question, rows)
        flags += [code.in_(question.valid_codes).label(f"b{i}"), code.in_(counted).label(f"c{i}")]
    # each flag worked out once per respondent, not once per sum that is filtered by it
    respondents = (
        select(*pattern_columns(meta, where, source=rows), *flags, rows.weight.label("w")).offset(0).subquery()
    )
    patterns = [respondents.c[f"f{i}"] for i in range(len(where))]
    w = respondents.c.w
    columns = []
    for i in range(len(items)):
        in_base, chosen = respondents.c[f"b{i}"], respondents.c[f"c{i}"]
        columns += [
            func.count().filter(in_base),
            func.sum(w).filter(in_base),
            func.sum(w * w).filter(in_base),
            func.sum(w).filter(chosen),
            func.sum(w * w).filter(chosen),
        ]
    stmt = select(*patterns, *columns).group_by(*patterns)
    by_pattern = [(tuple(row[: len(patterns)]), row[len(patterns) :]) for row in session.execute(stmt).all()]
    rows = []
    for i, (_variable, codes) in enumerate(items):
        hypercube = {pattern: sums[5 * i] or 0 for pattern, sums in by_pattern}
        n, sw, sw2, sw_k, sw2_k = (
            sum(float(sums[5 * i + j] or 0) for pattern, sums in by_pattern if is_selected(pattern)) for j in range(5)
        )
        code = "+".join(map(str, codes))
        if n < min_n or not single_view_is_safe(hypercube, min_n):
            rows.append(EstimateRow(ALL, ALL, code, "", None, None, None, None, None, None, True))
            continue
        est = design.proportion(sw_k, sw2_k, sw, sw2, int(n), meta.n_design)
        rows.append(
            EstimateRow(
                ALL, ALL, code, "", est.estimate, est.se, _finite(est.ci_low), _finite(est.ci_high), int(n), float(sw)
            )
        )
    return rows
