"""When does a computed share agree with a published figure, given how the source words it?

A report that says "over halvparten" has not said 50 %: it has said something above 50 %. A
synthetic demo calibrated to 50 % would contradict the report it claims to reproduce, so the
check honours the figure's ``qualifier`` (see seed/published_figures.csv and its README): a bound
is met on its own side, within a few points, and only an unqualified or "about" figure is a point
met within a tolerance either side.
"""

from __future__ import annotations

# How far beyond a bound a figure may lie and still be worded that way, in percentage points.
# "Over halvparten" is not 80 %; "nesten 90 %" is not 80 % either. The widths are our choice.
BOUND_REACH_PP = {"over": 5.0, "under": 5.0, "at least": 5.0, "nearly": 3.0}


def published_band(value: float, qualifier: str, tolerance_pp: float = 2.0) -> tuple[float, float, bool, bool]:
    """The interval a share (in percent) must lie in to agree with ``value`` worded by ``qualifier``.

    Returns (low, high, low_included, high_included).
    """
    if qualifier == "over":
        return value, value + BOUND_REACH_PP["over"], False, True
    if qualifier == "under":
        return value - BOUND_REACH_PP["under"], value, True, False
    if qualifier == "nearly":
        return value - BOUND_REACH_PP["nearly"], value, True, False
    if qualifier == "at least":
        return value, value + BOUND_REACH_PP["at least"], True, True
    if qualifier in ("", "about"):
        return value - tolerance_pp, value + tolerance_pp, True, True
    raise ValueError(f"no band for qualifier {qualifier!r}: a range is checked against its own ends")


def agrees_with_published(achieved: float, value: float, qualifier: str, tolerance_pp: float = 2.0) -> bool:
    """Whether ``achieved`` (percent) may be described the way the source describes ``value``."""
    low, high, low_in, high_in = published_band(value, qualifier, tolerance_pp)
    above_low = achieved >= low if low_in else achieved > low
    below_high = achieved <= high if high_in else achieved < high
    return above_low and below_high
