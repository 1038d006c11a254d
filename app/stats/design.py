"""Estimates for a weights-only design, as R's ``survey`` package computes them.

The design is ``svydesign(ids = ~1, weights = ~w, data = d)`` over every respondent of the
survey (``n_design`` of them). A breakdown is domain estimation: R's
``subset(design, base & group)`` keeps the design's sample size for the variance, so the
Taylor-linearised variance of a domain proportion is

    var(p) = n/(n-1) · Σ_i w_i² (y_i − p)² / W²      (sum over the domain, W = Σ w_i)

Everything below needs only, per cell, the unweighted count, Σw and Σw² — which PostgreSQL
aggregates — so no microdata leave the database.

* interval for 0 < p < 1: ``svyciprop(method = "logit")`` — logit(p) ± t(df) · se/(p(1−p)),
  back-transformed, with df = (respondents in the domain) − 1 as ``degf`` of the subset design.
  (For two respondents, df = 1, R prints (0, NA): ``confint.svyglm`` turns the t level into a
  normal one, 1 − 2·pnorm(qt(.025, 1)), which rounds to 1. Here the t(1) quantile is used as
  such, which is the interval R's glm stands for; tests/test_against_r.py checks it that way.)
* interval for p = 0 or p = 1 (a category nobody, or everybody, in the group chose): the
  Korn–Graubard (1998) interval of ``svyciprop(method = "beta")``,

      n* = n_eff · (t(α/2; nrow − 1) / t(α/2; degf))²
      low  = qbeta(α/2,     n*·p,     n*·(1−p) + 1)     (= 0 for p = 0)
      high = qbeta(1 − α/2, n*·p + 1, n*·(1−p))         (= 1 for p = 1)

  R's n_eff = p(1−p)/var(p) is 0/0 there (R returns NaN, and its logit interval collapses to
  about (1e-12, 1e-11), a glm that has not converged), so n_eff = n, the domain's unweighted
  respondents: at a boundary every respondent has y = 0 (or 1) whatever the weights, so there
  is no design effect to estimate. For a subset of this design nrow = n and degf = n − 1, the
  df factor is 1, and the interval is exactly the Clopper–Pearson interval
  ``binom.test(0, n)$conf.int`` — (0, 1 − (α/2)^(1/n)) — or ``binom.test(n, n)`` for p = 1.
  Why not the logit interval there: it is (p, p) at the boundary, "0.0–0.0 %" in a group of 27,
  which claims a certainty the data do not give. A one-respondent group still has no interval
  (df = 0; NaN, which the query layer shows as no interval), as R's NA;
* test of independence: ``svychisq(statistic = "F")`` — Pearson's X² on the weighted table
  divided by the mean generalised design effect (Rao–Scott second order), referred to
  F(d0, d0·df) with d0 from the eigenvalues of the design-effect matrix. Over only some groups
  of a breakdown (``svychisq(~y + g, subset(dd, g %in% shown), statistic = "F")``) it is the
  same computation on the sub-table with n_domain = the respondents of those groups and
  n_design unchanged: ``rao_scott_f_groups`` does that from the whole table;
* means: ``svymean`` with a normal-quantile interval, as ``confint(svymean(...))``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import stats

# A share this close to 0 or 1 is nobody or everybody in the group: the cell's and the group's
# Σw, summed in a different order, can differ in the last bit (R's svymean gives 0.9999999999999999
# and an SE of 1e-17 for a group that all chose one answer). A real share needs weights 1e12 apart.
BOUNDARY_TOLERANCE = 1e-12


@dataclass(frozen=True)
class Proportion:
    estimate: float
    se: float
    ci_low: float
    ci_high: float


def proportion(
    sum_w_cell: float,
    sum_w2_cell: float,
    sum_w: float,
    sum_w2: float,
    n_domain: int,
    n_design: int,
    level: float = 0.95,
) -> Proportion:
    """A domain proportion with its linearised SE and logit interval.

    Args:
        sum_w_cell, sum_w2_cell: Σw and Σw² of the domain's respondents in the category.
        sum_w, sum_w2: Σw and Σw² of all the domain's respondents.
        n_domain: unweighted respondents in the domain (gives the t degrees of freedom).
        n_design: respondents in the whole design (the survey).
    """
    p = sum_w_cell / sum_w
    squares = (1 - p) ** 2 * sum_w2_cell + p**2 * (sum_w2 - sum_w2_cell)
    variance = n_design / (n_design - 1) * squares / sum_w**2 if n_design > 1 else float("nan")
    se = float(np.sqrt(max(variance, 0.0)))
    if p <= BOUNDARY_TOLERANCE or p >= 1.0 - BOUNDARY_TOLERANCE:
        # Nobody (everybody) in the group: Korn–Graubard with n_eff = n (see the module docstring).
        low, high = beta_interval(0.0 if p < 0.5 else 1.0, n_domain, n_domain, n_domain - 1, level)
    else:
        low, high = logit_interval(p, se, n_domain - 1, level)
    return Proportion(float(p), se, low, high)


def beta_interval(p: float, n_eff: float, n_rows: int, df: int, level: float = 0.95) -> tuple[float, float]:
    """``svyciprop(method = "beta")``: the Korn–Graubard (1998) interval.

    R (survey 4.1.1)::

        n.eff <- coef(m) * (1 - coef(m)) / vcov(m)
        n.eff <- n.eff * (qt(alpha/2, nrow(design) - 1) / qt(alpha/2, degf(design)))^2
        ci <- c(qbeta(alpha/2, n.eff * p, n.eff * (1 - p) + 1),
                qbeta(1 - alpha/2, n.eff * p + 1, n.eff * (1 - p)))

    ``proportion`` uses it only for p = 0 or 1, with n_eff = n_rows = n (the domain's
    respondents) and df = n − 1; for 0 < p < 1 it equals R's beta interval when given
    n_eff = p(1 − p)/se².

    Args:
        p: the estimate, 0 ≤ p ≤ 1.
        n_eff: effective sample size before the degrees-of-freedom factor.
        n_rows: ``nrow(design)``, the respondents in the domain.
        df: ``degf(design)``.
    Returns:
        (NaN, NaN) with fewer than two respondents or df < 1 (R: t with 0 df gives NaN).
    """
    if n_rows < 2 or df < 1 or not n_eff > 0:
        return float("nan"), float("nan")
    alpha = 1 - level
    n_star = n_eff * (_t_quantile(level, n_rows - 1) / _t_quantile(level, df)) ** 2
    # A beta with first (second) shape 0 is a point mass at 0 (1), as R's qbeta.
    a_low, b_low = n_star * p, n_star * (1 - p) + 1
    a_high, b_high = n_star * p + 1, n_star * (1 - p)
    low = 0.0 if a_low <= 0 else float(stats.beta.ppf(alpha / 2, a_low, b_low))
    high = 1.0 if b_high <= 0 else float(stats.beta.ppf(1 - alpha / 2, a_high, b_high))
    return low, high


def logit_interval(p: float, se: float, df: int, level: float = 0.95) -> tuple[float, float]:
    """``svyciprop(method = "logit")``: the interval for logit(p), back-transformed.

    Degenerate, (p, p), for p = 0 or 1 (and se = 0): ``proportion`` uses ``beta_interval`` there.
    """
    if df < 1:
        return float("nan"), float("nan")  # R: t with 0 degrees of freedom gives NA
    if p <= 0.0 or p >= 1.0 or se == 0.0:
        return float(p), float(p)
    quantile = _t_quantile(level, df)
    centre = np.log(p / (1 - p))
    half = quantile * se / (p * (1 - p))
    return float(_expit(centre - half)), float(_expit(centre + half))


@lru_cache(maxsize=4096)
def _t_quantile(level: float, df: int) -> float:
    """Every category of a group shares its degrees of freedom; scipy's ppf is slow enough to matter."""
    return float(stats.t.ppf(1 - (1 - level) / 2, df))


@lru_cache(maxsize=16)
def _normal_quantile(level: float) -> float:
    return float(stats.norm.ppf(1 - (1 - level) / 2))


def _expit(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True)
class Mean:
    estimate: float
    se: float
    ci_low: float
    ci_high: float


def mean(
    sum_w: float, sum_wx: float, sum_w2: float, sum_w2x: float, sum_w2x2: float, n_design: int, level: float = 0.95
) -> Mean:
    """A domain mean (``svymean``) with its linearised SE and a normal interval."""
    m = sum_wx / sum_w
    squares = sum_w2x2 - 2 * m * sum_w2x + m**2 * sum_w2
    variance = n_design / (n_design - 1) * squares / sum_w**2 if n_design > 1 else float("nan")
    se = float(np.sqrt(max(variance, 0.0)))
    z = _normal_quantile(level)
    return Mean(float(m), se, float(m - z * se), float(m + z * se))


@dataclass(frozen=True)
class IndependenceTest:
    statistic: float
    ndf: float
    ddf: float
    p_value: float
    method: str = "Rao-Scott F (svychisq statistic='F')"


def rao_scott_f(sum_w: np.ndarray, sum_w2: np.ndarray, n_domain: int, n_design: int) -> IndependenceTest | None:
    """Test of independence of a rows × columns table, as ``svychisq(~row + col, design, statistic = "F")``.

    Args:
        sum_w: Σw per cell, shape (rows, columns), over the respondents in the test's domain.
        sum_w2: Σw² per cell, same shape.
        n_domain: unweighted respondents in the domain (``nrow(design)``; df = n_domain − 1).
        n_design: respondents in the whole design (scales the variance).
    Returns:
        None when the table has fewer than two rows or columns with weight, or is so sparse that
        the design-effect matrix is singular (R's svychisq stops with an error then).
    """
    keep_rows = sum_w.sum(axis=1) > 0
    keep_cols = sum_w.sum(axis=0) > 0
    sum_w, sum_w2 = sum_w[keep_rows][:, keep_cols], sum_w2[keep_rows][:, keep_cols]
    nr, nc = sum_w.shape
    if nr < 2 or nc < 2:
        return None

    total_w = sum_w.sum()
    p = (sum_w / total_w).ravel(order="F")  # R's expand.grid order: rows vary fastest
    b = sum_w2.ravel(order="F")
    total_b = b.sum()
    # Covariance of the cell proportions (multinomial indicators, each unit in one cell).
    V = (np.diag(b) - np.outer(p, b) - np.outer(b, p) + np.outer(p, p) * total_b) / total_w**2
    V *= n_design / (n_design - 1)

    rows = np.tile(np.arange(nr), nc)
    cols = np.repeat(np.arange(nc), nr)
    X1 = np.column_stack(
        [np.ones(nr * nc)]
        + [(rows == i).astype(float) for i in range(1, nr)]
        + [(cols == j).astype(float) for j in range(1, nc)]
    )
    X12 = np.column_stack([((rows == i) & (cols == j)).astype(float) for j in range(1, nc) for i in range(1, nr)])
    Q, _ = np.linalg.qr(X1)
    C = X12 - Q @ (Q.T @ X12)

    N = n_domain
    inv_p = np.where(p == 0, 0.0, 1.0 / np.where(p == 0, 1.0, p))
    denom = C.T @ (np.diag(inv_p) / N) @ C
    if np.linalg.matrix_rank(denom) < denom.shape[0]:
        return None  # too sparse a table: R stops with "system is computationally singular"
    numer = C.T @ np.diag(inv_p) @ V @ np.diag(inv_p) @ C
    delta = np.linalg.solve(denom, numer)
    trace = np.trace(delta)
    d0 = trace**2 / np.trace(delta @ delta)

    # Pearson X² on the weighted table scaled to N (svytable(..., Ntotal = N)).
    table = sum_w / total_w * N
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / N
    pearson = float(((table - expected) ** 2 / expected).sum())
    design_df = n_domain - 1
    statistic = pearson / trace
    p_value = float(stats.f.sf(statistic, d0, d0 * design_df))
    return IndependenceTest(float(statistic), float(d0), float(d0 * design_df), p_value)


def rao_scott_f_groups(
    sum_w: np.ndarray, sum_w2: np.ndarray, n_group: np.ndarray, n_design: int, groups: np.ndarray | None = None
) -> IndependenceTest | None:
    """The test over only some groups (rows) of a breakdown table, e.g. the groups a chart shows.

    As R's ``svychisq(~y + g, subset(dd, g %in% groups), statistic = "F")``, where ``dd`` is the
    breakdown's domain of a design over all ``n_design`` respondents. That is ``rao_scott_f`` on
    the rows kept, with ``n_domain`` = the respondents of the kept groups only (R: ``nrow`` of the
    subset design, giving the Pearson scaling N and the df = N − 1) and ``n_design`` unchanged
    (the subset keeps the design's sample size for the variance, n/(n − 1)).

    Args:
        sum_w, sum_w2: Σw and Σw² per cell of the whole breakdown, shape (groups, categories).
        n_group: unweighted respondents per group (row), counted over all the table's columns.
        n_design: respondents in the whole design (the survey).
        groups: the rows to keep, a boolean mask or integer indices; None keeps every row.
    """
    sum_w, sum_w2 = np.asarray(sum_w, dtype=float), np.asarray(sum_w2, dtype=float)
    n_group = np.asarray(n_group)
    rows = np.arange(sum_w.shape[0]) if groups is None else np.asarray(groups)
    rows = np.flatnonzero(rows) if rows.dtype == bool else rows.astype(int)
    return rao_scott_f(sum_w[rows], sum_w2[rows], int(n_group[rows].sum()), n_design)


def cronbach_alpha(items: np.ndarray) -> float:
    """Cronbach's alpha of complete cases (rows) × items (columns)."""
    k = items.shape[1]
    if k < 2 or items.shape[0] < 2:
        return float("nan")
    item_var = items.var(axis=0, ddof=1).sum()
    total_var = items.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1 - item_var / total_var))
