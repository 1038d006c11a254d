"""Two surveys asking the same question (two waves, or a local survey beside a national one), compared.

Each survey's shares come from its own design (``estimate_shares``, R's ``svymean``/``svyby``); the
samples are independent, so the difference B − A has the standard error sqrt(SE_A² + SE_B²), a 95 %
Wald interval and a two-sided z test. The question, and the breakdown if any, must have the same
answer codes in both surveys (as they do when one codebook ``extends`` the other). A group suppressed
in either survey is suppressed in the comparison: a difference must not reveal what one side hides.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from scipy.stats import norm
from sqlalchemy.orm import Session

from app.query.estimates import EstimateRow, Label, estimate_shares
from app.query.metadata import QueryError, survey_meta

Z95 = float(norm.ppf(0.975))


@dataclass(frozen=True)
class Difference:
    group: Label
    group_code: int | str
    code: int | str
    label: Label
    a: float | None
    se_a: float | None
    n_a: int | None
    b: float | None
    se_b: float | None
    n_b: int | None
    difference: float | None  # b − a
    se: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    suppressed: bool = False


@dataclass
class Comparison:
    survey_a: str
    survey_b: str
    variable: str
    question: Label
    by: str | None
    min_n: int
    rows: list[Difference] = field(default_factory=list)
    method: str = (
        "Independent samples: difference of the two surveys' weighted shares, SE = sqrt(SE_A² + SE_B²), "
        "95 % Wald interval, two-sided z test"
    )

    def as_records(self) -> list[dict]:
        return [asdict(r) for r in self.rows]


def _codes(session: Session, survey: str, variable: str) -> list[int]:
    info = survey_meta(session, survey).questions.get(variable)
    if info is None:
        raise QueryError(f"The survey {survey!r} has no question {variable!r}.")
    return info.codes


def compare_shares(
    session: Session,
    survey_a: str,
    survey_b: str,
    variable: str,
    by: str | None = None,
    collapse: str | None = None,
    *,
    min_n: int,
    where: dict[str, list[int]] | None = None,
) -> Comparison:
    """Each answer share of ``variable`` in ``survey_a`` and ``survey_b`` (per group of ``by``), with the
    difference B − A, its interval and test.

    Raises:
        QueryError: a survey lacks the question or breakdown, or their answer codes differ.
    """
    if survey_a == survey_b:
        raise QueryError("Compare two different surveys.")
    for name in [variable, *([by] if by else []), *(where or {})]:
        a_codes, b_codes = _codes(session, survey_a, name), _codes(session, survey_b, name)
        if a_codes != b_codes:
            raise QueryError(
                f"{name!r} has the answer codes {a_codes} in {survey_a!r} but {b_codes} in {survey_b!r}; only the "
                "same question with the same codes can be compared."
            )
    a = estimate_shares(session, survey_a, variable, by=by, where=where, collapse=collapse, min_n=min_n)
    b = estimate_shares(session, survey_b, variable, by=by, where=where, collapse=collapse, min_n=min_n)
    b_rows = {(r.group_code, r.code): r for r in b.rows}
    result = Comparison(survey_a, survey_b, variable, a.question, by, min_n)
    for row_a in a.rows:
        row_b = b_rows.get((row_a.group_code, row_a.code))
        if row_b is None:
            continue
        result.rows.append(_difference(row_a, row_b))
    return result


def _difference(a: EstimateRow, b: EstimateRow) -> Difference:
    hidden = a.suppressed or b.suppressed or None in (a.estimate, b.estimate, a.se, b.se)
    if hidden:
        return Difference(a.group, a.group_code, a.code, a.label, None, None, None, None, None, None,
                          None, None, None, None, None, suppressed=True)  # fmt: skip
    assert a.estimate is not None and b.estimate is not None and a.se is not None and b.se is not None
    difference = b.estimate - a.estimate
    se = math.sqrt(a.se**2 + b.se**2)
    p_value = float(2 * norm.sf(abs(difference) / se)) if se > 0 else None
    return Difference(
        a.group, a.group_code, a.code, a.label, a.estimate, a.se, a.n, b.estimate, b.se, b.n,
        difference, se, difference - Z95 * se, difference + Z95 * se, p_value,
    )  # fmt: skip


def comparable_surveys(session: Session, survey: str, variable: str, candidates: list[str]) -> list[str]:
    """The surveys of ``candidates`` (other than ``survey``) that ask ``variable`` with the same codes."""
    try:
        codes = _codes(session, survey, variable)
    except QueryError:
        return []
    found = []
    for other in candidates:
        if other == survey:
            continue
        info = survey_meta(session, other).questions.get(variable)
        if info is not None and info.codes == codes:
            found.append(other)
    return found
