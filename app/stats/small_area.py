"""Model-based estimates for areas the survey cannot describe directly (issue 12, the statistical core).

A share (say, "finds moving relevant") is modelled over the whole survey by a design-weighted
logistic regression on categorical predictors (age group, gender, centrality class), as R's

    d   <- svydesign(ids = ~1, weights = ~w, data = respondents)
    fit <- svyglm(y ~ factor(age_group) + factor(gender) + factor(centrality),
                  design = subset(d, <valid y and predictors>), family = quasibinomial())

computes it: the coefficients solve the weighted score equations Σ w_i x_i (y_i − μ_i) = 0, and
their covariance is the sandwich ``svyglm`` reports (``vcov(fit)``),

    V = N/(N−1) · Σ_i (z_i − z̄)(z_i − z̄)ᵀ,   z_i = A⁻¹ x_i w_i (y_i − μ_i),   A = Σ_i w_i μ_i(1−μ_i) x_i x_iᵀ,

summed over every respondent of the design (N of them): R's ``subset`` keeps the rows it leaves out,
with z_i = 0, so they count in N and in the mean z̄ — domain estimation, as ``app.stats.design``.

An area's estimate predicts every cell (an age group × gender combination) at the area's
centrality class and averages the predictions weighted by the area's population in each cell
(SSB 07459): p = Σ_c π_c μ_c. Its standard error comes from the delta method with the model's
covariance, se² = gᵀ V g with g = Σ_c π_c μ_c(1−μ_c) x_c, and the 95 % interval is taken on the
logit scale, logit(p) ± 1.96 · se / (p(1−p)), back-transformed — the same construction as
``svyciprop(method = "logit")`` with a normal quantile. tests/test_small_area.py holds all of it
against R (tests/r_reference/make_small_area.R).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, logit
from scipy.stats import norm


@dataclass(frozen=True)
class Design:
    """How categorical predictors become columns: an intercept, then for each predictor one column per
    level except its first (R's treatment contrasts with levels in sorted order)."""

    predictors: tuple[str, ...]
    levels: dict[str, tuple[int, ...]]

    @classmethod
    def from_data(cls, data: Mapping[str, Sequence[int]], predictors: Sequence[str]) -> Design:
        return cls(tuple(predictors), {p: tuple(sorted(set(int(v) for v in data[p]))) for p in predictors})

    @property
    def names(self) -> list[str]:
        return ["(Intercept)"] + [f"{p}{level}" for p in self.predictors for level in self.levels[p][1:]]

    def row(self, values: Mapping[str, int]) -> np.ndarray:
        """The model row of one combination of predictor values (each must be a level seen in the data)."""
        parts = [1.0]
        for p in self.predictors:
            if values[p] not in self.levels[p]:
                raise ValueError(f"{p} = {values[p]} is not among the levels the model was fitted on")
            parts += [1.0 if values[p] == level else 0.0 for level in self.levels[p][1:]]
        return np.array(parts)

    def matrix(self, data: Mapping[str, Sequence[int]]) -> np.ndarray:
        n = len(next(iter(data.values())))
        return np.array([self.row({p: int(data[p][i]) for p in self.predictors}) for i in range(n)])


@dataclass(frozen=True)
class LogisticFit:
    design: Design
    coefficients: np.ndarray
    covariance: np.ndarray
    n: int

    def linear(self, values: Mapping[str, int]) -> tuple[np.ndarray, float]:
        x = self.design.row(values)
        return x, float(x @ self.coefficients)


@dataclass(frozen=True)
class Cell:
    """The respondents sharing one combination of predictor values, as sums PostgreSQL aggregates: their
    number, Σw, Σw·y, Σw² and Σw²·y (y is 0 or 1). The fit and its covariance need nothing more, so no
    respondent's answers leave the database."""

    values: Mapping[str, int]
    n: int
    sw: float
    swy: float
    sw2: float
    sw2y: float


def cells_from_rows(
    y: Sequence[float], weights: Sequence[float], data: Mapping[str, Sequence[int]], predictors: Sequence[str]
) -> list[Cell]:
    sums: dict[tuple[int, ...], list[float]] = {}
    for i, (yi, wi) in enumerate(zip(y, weights, strict=True)):
        key = tuple(int(data[p][i]) for p in predictors)
        total = sums.setdefault(key, [0, 0.0, 0.0, 0.0, 0.0])
        total[0] += 1
        total[1] += wi
        total[2] += wi * yi
        total[3] += wi * wi
        total[4] += wi * wi * yi
    return [Cell(dict(zip(predictors, key, strict=True)), int(t[0]), *t[1:]) for key, t in sorted(sums.items())]


def fit_logistic(
    y: Sequence[float],
    weights: Sequence[float],
    data: Mapping[str, Sequence[int]],
    predictors: Sequence[str],
    n_design: int | None = None,
) -> LogisticFit:
    """The fit from one row per respondent (tests; the query layer aggregates in SQL and calls ``fit_cells``)."""
    return fit_cells(cells_from_rows(y, weights, data, predictors), predictors, n_design or len(y))


def fit_cells(cells: Sequence[Cell], predictors: Sequence[str], n_design: int) -> LogisticFit:
    """The design-weighted logistic regression (see the module docstring) from cell sums, by Newton–Raphson
    on the weighted score, as ``glm``'s IRLS converges to. ``n_design``: the respondents of the whole design.

    With μ the cell's fitted share, a cell adds to the score x (Σwy − μ Σw), to A x xᵀ μ(1−μ) Σw, and to
    Σ z zᵀ (before A⁻¹ on both sides) x xᵀ Σ w²(y − μ)² = x xᵀ (Σw²y (1 − 2μ) + μ² Σw²)."""
    design = Design.from_data({p: [c.values[p] for c in cells] for p in predictors}, predictors)
    x = np.array([design.row(c.values) for c in cells])
    sw = np.array([c.sw for c in cells])
    swy = np.array([c.swy for c in cells])
    sw2 = np.array([c.sw2 for c in cells])
    sw2y = np.array([c.sw2y for c in cells])
    n = sum(c.n for c in cells)
    if n_design < n:
        raise ValueError(f"the design has {n_design} respondents, fewer than the {n} in the cells")
    beta = np.zeros(x.shape[1])
    for _ in range(100):
        mu = expit(x @ beta)
        information = (x * (sw * mu * (1 - mu))[:, None]).T @ x
        step = np.linalg.solve(information, x.T @ (swy - mu * sw))
        beta += step
        if np.max(np.abs(step)) < 1e-12:
            break
    mu = expit(x @ beta)
    a_inverse = np.linalg.inv((x * (sw * mu * (1 - mu))[:, None]).T @ x)
    spread = (x * (sw2y * (1 - 2 * mu) + mu * mu * sw2)[:, None]).T @ x
    score = x.T @ (swy - mu * sw)  # zero at the solution, kept for the centring R does
    middle = spread - np.outer(score, score) / n_design
    covariance = n_design / (n_design - 1) * a_inverse @ middle @ a_inverse
    return LogisticFit(design, beta, covariance, n)


@dataclass(frozen=True)
class AreaEstimate:
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    cells: list[dict]  # per cell: its predictor values, population share and predicted share


def area_estimate(
    fit: LogisticFit, fixed: Mapping[str, int], population: Mapping[tuple[int, ...], float], level: float = 0.95
) -> AreaEstimate:
    """The area's share: each cell's prediction at the area's ``fixed`` predictor values (its centrality
    class), averaged with the area's population per cell. ``population`` maps a cell — the values of
    the other predictors, in the model's order — to its number of people."""
    free = [p for p in fit.design.predictors if p not in fixed]
    total = float(sum(population.values()))
    if total <= 0:
        raise ValueError("the area has no population in the cells")
    estimate, gradient, cells = 0.0, np.zeros(len(fit.coefficients)), []
    for cell, people in sorted(population.items()):
        share = people / total
        x, eta = fit.linear({**fixed, **dict(zip(free, cell, strict=True))})
        mu = float(expit(eta))
        estimate += share * mu
        gradient += share * mu * (1 - mu) * x
        cells.append({**dict(zip(free, cell, strict=True)), "population": people, "weight": share, "predicted": mu})
    se = float(np.sqrt(gradient @ fit.covariance @ gradient))
    half = norm.ppf(0.5 + level / 2) * se / (estimate * (1 - estimate))
    centre = float(logit(estimate))
    return AreaEstimate(estimate, se, float(expit(centre - half)), float(expit(centre + half)), cells)


def rake(
    seed: Mapping[tuple[int, ...], float],
    margins: Sequence[tuple[Sequence[int], Mapping[tuple[int, ...], float]]],
    tolerance: float = 1e-10,
    max_iterations: int = 1000,
) -> dict[tuple[int, ...], float]:
    """Iterative proportional fitting, as R's ``survey::rake`` on a design with the seed as weights: the
    cells of ``seed`` scaled, margin after margin, until each margin's totals are met. A margin is (the
    positions in the cell key it sums over, {their values: the total}). A cell keeps the seed's
    associations between the margins (a seed of 0 stays 0)."""
    cells = {key: float(value) for key, value in seed.items() if value > 0}
    for positions, totals in margins:
        for category, total in totals.items():
            if total > 0 and not any(tuple(key[p] for p in positions) == category for key in cells):
                raise ValueError(f"no cell of the seed falls in {category}, so its total {total} cannot be met")
    for _ in range(max_iterations):
        worst = 0.0
        for positions, totals in margins:
            sums: dict[tuple[int, ...], float] = {}
            for key, value in cells.items():
                category = tuple(key[p] for p in positions)
                sums[category] = sums.get(category, 0.0) + value
            for key in cells:
                category = tuple(key[p] for p in positions)
                target = float(totals.get(category, 0.0))
                worst = max(worst, abs(sums[category] - target) / max(target, 1.0))
                cells[key] *= target / sums[category] if sums[category] > 0 else 0.0
        if worst < tolerance:
            return cells
    raise ValueError(f"raking did not converge in {max_iterations} iterations")
