"""Survey weights by raking (iterative proportional fitting) to population margins.

A margin is a table over one or more variables (e.g. ``age_group`` × ``gender``) giving the
population of each cell. With a single joint margin raking is post-stratification; with
several margins the weights are adjusted in turn until every margin is met.

Margins CSV format: one column per variable, named as the codebook variable (codes as in the
codebook), and a ``population`` column. Example::

    age_group,gender,population
    1,1,391000
    1,2,370000
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from app.errors import ImportValidationError
from app.ingest.problems import Problems
from app.ingest.tables import open_table


@dataclass(frozen=True)
class Margin:
    variables: tuple[str, ...]
    population: dict[tuple[int, ...], float]
    source: str


def read_margin(path: Path) -> Margin:
    """Read one margins file.

    Raises:
        ImportValidationError: missing ``population`` column, non-numeric or non-positive cells,
            duplicate cells.
    """
    table = open_table(path)
    problems = Problems(path.name)
    columns = table.columns(problems)
    if "population" not in columns:
        problems.add(
            1,
            None,
            ",".join(table.header),
            "a column named population",
            "add a population column with the number of people in each cell",
        )
        problems.raise_if_any()
    variables = tuple(name for name in columns.index if name != "population")
    if not variables:
        problems.add(
            1,
            None,
            ",".join(table.header),
            "at least one variable column (e.g. age_group, gender)",
            "add the codebook variables the margin is for",
        )
        problems.raise_if_any()
    cells: dict[tuple[int, ...], float] = {}
    for number, row in table.rows(problems):
        columns.check_unnamed(number, row, problems, "give the column a variable's name in row 1, or remove the value")
        values = columns.values(row)
        try:
            key = tuple(int(values[v] or "") for v in variables)  # an empty cell is no code either
        except ValueError:
            problems.add(
                number,
                ",".join(variables),
                ",".join(str(values.get(v)) for v in variables),
                "whole-number codes from the codebook",
                "write the answer codes, e.g. 1 or 2",
            )
            continue
        try:
            population = float(str(values["population"]).replace(" ", "").replace("\u00a0", ""))
        except ValueError:
            population = -1
        if not np.isfinite(population) or population <= 0:
            problems.add(
                number,
                "population",
                values["population"],
                "a positive number",
                "write the number of people in the cell without thousands separators",
            )
            continue
        if key in cells:
            problems.add(
                number,
                ",".join(variables),
                ",".join(map(str, key)),
                "each cell once",
                "remove or merge the duplicate row",
            )
        cells[key] = population
    if not cells and not problems:
        problems.add(None, None, None, "at least one data row", "add the population cells")
    problems.raise_if_any()
    return Margin(variables, cells, path.name)


def rake(data: pd.DataFrame, margins: list[Margin], max_iter: int = 100, tol: float = 1e-10) -> np.ndarray:
    """Weights for the rows of ``data`` that reproduce every margin, scaled to mean 1.

    Args:
        data: one column of integer codes per margin variable.
        margins: population margins; every respondent must fall into a cell of each.
    Raises:
        ImportValidationError: a respondent is outside a margin, or a margin cell is empty.
    """
    weights = np.ones(len(data))
    keys_per_margin = []
    for margin in margins:
        keys = list(zip(*(data[v].to_numpy() for v in margin.variables), strict=False))
        keys = [tuple(int(k) if pd.notna(k) else -1 for k in key) for key in keys]
        outside = {k for k in keys if k not in margin.population}
        if outside:
            raise ImportValidationError(
                f"{margin.source}: respondents fall in cells the margin does not have: "
                f"{sorted(outside)[:10]} for {', '.join(margin.variables)}. Fix: add those cells to the "
                "margins file, or check that the respondents' codes are right."
            )
        empty = set(margin.population) - set(keys)
        if empty:
            raise ImportValidationError(
                f"{margin.source}: no respondent in margin cell(s) {sorted(empty)} of {', '.join(margin.variables)}; "
                "weights cannot reach that population. Fix: merge the empty cell with a neighbour in the margins file."
            )
        cells = sorted(margin.population)
        position = {cell: i for i, cell in enumerate(cells)}
        inverse = np.array([position[k] for k in keys])
        targets = np.array([margin.population[cell] for cell in cells])
        keys_per_margin.append((inverse, targets / targets.sum()))

    for _ in range(max_iter):
        worst = 0.0
        for inverse, shares in keys_per_margin:
            totals = np.bincount(inverse, weights=weights)
            factors = shares * weights.sum() / totals
            weights = weights * factors[inverse]
            worst = max(worst, float(np.max(np.abs(factors - 1))))
        if worst < tol:
            break
    return weights * len(weights) / weights.sum()
