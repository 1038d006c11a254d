"""Which groups of a request may be shown, so that no combination of requests isolates a small group.

A flexible table builder is attacked by differencing: two allowed views whose populations
differ by a few respondents reveal those respondents' answers (Ulvik men with and without
the 55–60 age group differ by one man). Statistical agencies answer with one of two designs:
perturbation (ABS TableBuilder's cell key method: every published count gets noise) or
rules that restrict what is released (SSB's and Eurostat's primary and complementary
suppression). Perturbed estimates would no longer agree with R's ``survey`` package, which
the dashboard promises, so this module implements rules; see the README's statistics section.

Every request (survey, question, breakdown ``by``, filters ``where``) is checked on its
*hypercube*: the respondents in the question's base, split by

* breakdown group (a code of ``by``; ``None`` for respondents outside the breakdown, whose
  answer to ``by`` is missing), and
* filter pattern: for each filter variable, the selected code the respondent has, or ``None``
  ("any other value", including no answer).

The request shows the patterns with no ``None`` (every filter met). A group is shown only if

1. it has at least ``min_n`` respondents (primary suppression), and
2. every cell of its hypercube has 0 or at least ``min_n`` respondents (a view with one filter
   code more or less, or without the filter, differs from this one by exactly such cells),

and then, while the respondents in no shown group (hidden groups and those outside the
breakdown) make up a cell of 1 to ``min_n − 1`` in any pattern, the smallest shown group is
hidden too (complementary suppression: the overall view minus the shown groups must not
isolate anyone). Sums of cells that are each 0 or ≥ ``min_n`` are again 0 or ≥ ``min_n``, so
two requests that differ in one filter, or in whether one group is shown, never differ by 1
to ``min_n − 1`` respondents in a cell both show.

Empty groups are hidden exactly like small ones. A zero cell is not protected: knowing that
nobody in the survey has some combination discloses no one's answers.

The threshold is the deployment's (``FJERNARBEID_MIN_N``) and travels with each request: every query
function that decides what to show takes ``min_n`` as a required keyword argument, with no default, so a
caller that forgets it fails at once instead of publishing at some built-in value. It is one number,
checked by ``check_min_n``, so a keyword argument says all a disclosure-policy object would, without a
type every caller must build. The pages read it in one place (``app.web.kit.page_state.min_n``), the CLI
from its ``Config``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence

Pattern = tuple  # one selected code (or None: any other value) per filter variable
OUTSIDE = None  # the breakdown "group" of respondents whose answer to ``by`` is missing


def is_selected(pattern: Pattern) -> bool:
    """A pattern the request shows: every filter met."""
    return None not in pattern


def _unsafe(n: int, min_n: int) -> bool:
    return 0 < n < min_n


def hidden_groups(cells: Mapping[tuple[Hashable, Pattern], int], groups: Sequence[Hashable], min_n: int) -> set:
    """The groups of ``groups`` a request must hide.

    Args:
        cells: respondents per (group, pattern) in the question's base, ignoring the filters;
            group ``OUTSIDE`` holds respondents outside the breakdown. Missing keys count 0.
        groups: the breakdown's groups in display order (``[0]`` or similar without a breakdown).
        min_n: the smallest number of respondents a published figure may rest on.
    """
    by_group: dict[Hashable, Counter] = defaultdict(Counter)
    for (group, pattern), n in cells.items():
        by_group[group][pattern] += n

    def size(group) -> int:
        return sum(n for pattern, n in by_group[group].items() if is_selected(pattern))

    hidden = {g for g in groups if size(g) < min_n or any(_unsafe(n, min_n) for n in by_group[g].values())}
    order = {g: i for i, g in enumerate(groups)}
    while True:
        remainder: Counter = Counter()
        for group in [*hidden, OUTSIDE]:
            remainder.update(by_group.get(group, Counter()))
        if not any(_unsafe(n, min_n) for n in remainder.values()):
            return hidden
        shown = [g for g in groups if g not in hidden]
        if not shown:
            return hidden
        hidden.add(min(shown, key=lambda g: (size(g), order[g])))


def single_view_is_safe(cells: Mapping[Pattern, int], min_n: int) -> bool:
    """A view without a breakdown (one figure over the filtered base): shown or not."""
    return not hidden_groups({(0, pattern): n for pattern, n in cells.items()}, [0], min_n)


def selected_total(cells: Iterable[tuple[Pattern, float]]) -> float:
    """Sum of a quantity over the patterns the request shows."""
    return sum(value for pattern, value in cells if is_selected(pattern))


def check_min_n(min_n: int) -> int:
    """``min_n`` must be a positive whole number: with 0 an empty group would count as shown, and a
    negative number means nothing."""
    if not isinstance(min_n, int) or isinstance(min_n, bool) or min_n < 1:
        from app.query.metadata import QueryError

        raise QueryError(f"min_n must be a whole number of at least 1 (got {min_n!r}).")
    return min_n
