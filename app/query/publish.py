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
from collections.abc import Sequence
from dataclasses import Field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar, overload

if TYPE_CHECKING:
    from app.query.estimates import Test

SHARE_DECIMALS = 3  # a proportion to 0.001 = a tenth of a percentage point
MEAN_DECIMALS = 2
TEST_DECIMALS = 3  # F statistic and p-value; degrees of freedom to one decimal


class Estimate(Protocol):
    """A row with an estimate and its interval (``EstimateRow``, ``MeanRow``), a dataclass."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    @property
    def estimate(self) -> float | None: ...
    @property
    def ci_low(self) -> float | None: ...
    @property
    def ci_high(self) -> float | None: ...


class Table(Protocol):
    """A result with rows of estimates (``ShareResult``, ``MeanResult``), a dataclass; it may also
    have a ``test``, ``sides`` (group → side → row) and a ``cronbach_alpha``."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    @property
    def rows(self) -> Sequence[Estimate]: ...


TableT = TypeVar("TableT", bound=Table)
EstimateT = TypeVar("EstimateT", bound=Estimate)


def _round(value: float | None, decimals: int) -> float | None:
    return None if value is None else round(float(value), decimals)


@overload
def publishable(result: TableT, share_decimals: int = ..., mean_decimals: int = ...) -> TableT: ...
@overload
def publishable(result: EstimateT, share_decimals: int = ..., mean_decimals: int = ...) -> EstimateT: ...
def publishable(
    result: Table | Estimate, share_decimals: int = SHARE_DECIMALS, mean_decimals: int = MEAN_DECIMALS
) -> Table | Estimate:
    """A copy of a ``ShareResult``, ``MeanResult`` or ``EstimateRow`` fit to publish (see the module doc)."""
    if dataclasses.is_dataclass(result) and hasattr(result, "rows"):
        decimals = mean_decimals if hasattr(result, "cronbach_alpha") else share_decimals
        rows = [_row(row, decimals) for row in result.rows]
        changes: dict[str, Any] = {"rows": rows}
        test = getattr(result, "test", None)
        if test is not None:
            changes["test"] = publishable_test(test)
        sides = getattr(result, "sides", None)
        if sides:
            changes["sides"] = {
                g: {side: _row(row, decimals) for side, row in ends.items()} for g, ends in sides.items()
            }
        cronbach_alpha = getattr(result, "cronbach_alpha", None)
        if cronbach_alpha is not None:
            changes["cronbach_alpha"] = _round(cronbach_alpha, 2)
        return dataclasses.replace(result, **changes)
    return _row(result, share_decimals)


def _row(row: EstimateT, decimals: int) -> EstimateT:
    return dataclasses.replace(
        row,
        estimate=_round(row.estimate, decimals),
        se=None,
        ci_low=_round(row.ci_low, decimals),
        ci_high=_round(row.ci_high, decimals),
        n_weighted=None,
    )


def publishable_test(test: Test) -> Test:
    """A test of independence rounded as its sentence shows it."""
    return dataclasses.replace(
        test,
        statistic=round(test.statistic, TEST_DECIMALS),
        df=(round(test.df[0], 1), round(test.df[1], 1)),
        p_value=round(test.p_value, TEST_DECIMALS),
    )
