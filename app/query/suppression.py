"""Which groups to suppress so no published cell rests on fewer than ``min_n`` respondents.

Primary: every group with fewer than ``min_n`` unweighted respondents. Secondary: when a
breakdown would hide exactly one group, the smallest other group is hidden too — otherwise the
hidden group could be recovered as the overall figure minus the others.
"""

from __future__ import annotations

from collections.abc import Mapping


def suppress_groups(sizes: Mapping, min_n: int, has_total: bool = True) -> set:
    """Return the groups to suppress, given each group's unweighted size."""
    hidden = {g for g, n in sizes.items() if n < min_n}
    if has_total and len(hidden) == 1 and len(sizes) > 1:
        others = sorted((n, str(g), g) for g, n in sizes.items() if g not in hidden)
        hidden.add(others[0][2])
    return hidden
