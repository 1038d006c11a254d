"""What may leave the server: estimates rounded to the precision they are shown with.

Exact floats and weighted counts make differencing arithmetic exact (two views' shares and
weighted bases give one respondent's answer to many decimals). Pages, exports and the command
line therefore publish a rounded copy of every result: shares and their interval bounds to a
tenth of a percentage point (the finest any page shows), means to two decimals, tests to what
their sentence shows; standard errors and weighted counts are dropped. The exact result stays
in the query layer, where the tests compare it with R.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

SHARE_DECIMALS = 3  # a proportion to 0.001 = a tenth of a percentage point
MEAN_DECIMALS = 2
TEST_DECIMALS = 3  # F statistic and p-value; degrees of freedom to one decimal

Result = TypeVar("Result")


def _round(value: float | None, decimals: int) -> float | None:
    return None if value is None else round(float(value), decimals)


def publishable(result: Result, share_decimals: int = SHARE_DECIMALS, mean_decimals: int = MEAN_DECIMALS) -> Result:
    """A copy of a ``ShareResult``, ``MeanResult`` or ``EstimateRow`` fit to publish (see the module doc)."""
    if dataclasses.is_dataclass(result) and hasattr(result, "rows"):
        decimals = mean_decimals if hasattr(result, "cronbach_alpha") else share_decimals
        rows = [_row(row, decimals) for row in result.rows]
        changes: dict = {"rows": rows}
        if getattr(result, "test", None) is not None:
            changes["test"] = publishable_test(result.test)
        if getattr(result, "sides", None):
            changes["sides"] = {
                g: {side: _row(row, decimals) for side, row in ends.items()} for g, ends in result.sides.items()
            }
        if getattr(result, "cronbach_alpha", None) is not None:
            changes["cronbach_alpha"] = _round(result.cronbach_alpha, 2)
        return dataclasses.replace(result, **changes)
    return _row(result, share_decimals)


def _row(row, decimals: int):
    return dataclasses.replace(
        row,
        estimate=_round(row.estimate, decimals),
        se=None,
        ci_low=_round(row.ci_low, decimals),
        ci_high=_round(row.ci_high, decimals),
        n_weighted=None,
    )


def publishable_test(test):
    """A test of independence rounded as its sentence shows it."""
    return dataclasses.replace(
        test,
        statistic=round(test.statistic, TEST_DECIMALS),
        df=tuple(round(d, 1) for d in test.df),
        p_value=round(test.p_value, TEST_DECIMALS),
    )
