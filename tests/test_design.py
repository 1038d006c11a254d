"""``app.stats.design`` on its own (no database, no R): the boundary intervals and the test over
some groups. The comparison with R on real tables is ``tests/test_against_r.py``; the reference
numbers below are from R 4.2.2 (``qbeta``, ``qt``, ``binom.test``), written as R prints them
with ``digits = 17``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.stats import design


# (p, n_eff, nrow, degf, level) -> R:
#   n.eff <- n_eff * (qt(alpha/2, nrow - 1) / qt(alpha/2, degf))^2
#   c(qbeta(alpha/2, n.eff * p, n.eff * (1 - p) + 1), qbeta(1 - alpha/2, n.eff * p + 1, n.eff * (1 - p)))
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((0.3, 40, 50, 10, 0.95), (0.15267568693661973, 0.48540472801259793)),
        ((0.0, 20, 20, 5, 0.95), (0.0, 0.2428651824815139)),
        ((1.0, 20, 20, 5, 0.95), (0.7571348175184861, 1.0)),
        ((0.3, 40, 50, 49, 0.90), (0.18312127061234060, 0.44027973776573059)),
    ],
)
def test_beta_interval_is_svyciprops_beta_branch(args, expected):
    low, high = design.beta_interval(*args[:4], level=args[4])
    assert low == pytest.approx(expected[0], abs=1e-12)
    assert high == pytest.approx(expected[1], abs=1e-12)


@pytest.mark.parametrize("n", [2, 3, 5, 7, 10, 27, 100, 1000])
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_boundary_shares_get_the_clopper_pearson_interval(n, level):
    """p = 0: (0, 1 − (α/2)^(1/n)) = binom.test(0, n)$conf.int; p = 1 mirrored."""
    edge = ((1 - level) / 2) ** (1 / n)
    zero = design.proportion(0.0, 0.0, 0.8 * n, 0.9 * n, n, 5 * n, level)
    assert (zero.estimate, zero.se) == (0.0, 0.0)
    assert zero.ci_low == 0.0 and zero.ci_high == pytest.approx(1 - edge, abs=1e-13)
    everyone = design.proportion(0.8 * n, 0.9 * n, 0.8 * n, 0.9 * n, n, 5 * n, level)
    assert everyone.estimate == 1.0
    assert everyone.ci_low == pytest.approx(edge, abs=1e-13) and everyone.ci_high == 1.0


def test_r_binom_test_values():
    assert design.proportion(0.0, 0.0, 30.1, 40.2, 27, 500).ci_high == pytest.approx(0.12770286761543237, abs=1e-14)
    assert design.proportion(0.0, 0.0, 30.1, 40.2, 27, 500, 0.9).ci_high == pytest.approx(
        0.10501923017634429, abs=1e-14
    )


def test_a_share_of_one_up_to_rounding_is_a_boundary():
    """Σw of the cell and of the group summed in another order: 0.9999999999999998, not 1."""
    w = [0.49, 2.56, 2.31, 0.84, 1.54]
    cell, group = sum(w), sum(reversed(w))
    assert cell / group == 0.9999999999999999
    w2 = sum(x * x for x in w)
    share = design.proportion(cell, w2, group, w2, 5, 82)
    assert share.ci_high == 1.0 and share.ci_low == pytest.approx(0.025 ** (1 / 5), abs=1e-13)


def test_one_respondent_has_no_interval():
    for cell in (0.0, 1.7):
        share = design.proportion(cell, cell**2, 1.7, 1.7**2, 1, 500)
        assert math.isnan(share.ci_low) and math.isnan(share.ci_high)


def test_interior_shares_keep_the_logit_interval():
    share = design.proportion(3.0, 4.0, 10.0, 12.0, 12, 300)
    low, high = design.logit_interval(share.estimate, share.se, 11)
    assert (share.ci_low, share.ci_high) == (low, high)
    assert 0 < low < share.estimate < high < 1


def _table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    n = rng.integers(3, 40, size=(5, 4))
    n[3, 2] = 0  # an empty cell
    sum_w = n * rng.uniform(0.5, 2.0, size=n.shape)
    sum_w2 = sum_w**2 / np.maximum(n, 1) * rng.uniform(1.0, 1.5, size=n.shape)
    return sum_w, sum_w2, n.sum(axis=1)


def test_rao_scott_f_groups_is_rao_scott_f_on_the_rows_kept():
    sum_w, sum_w2, n_group = _table()
    keep = np.array([True, False, True, True, False])
    direct = design.rao_scott_f(sum_w[keep], sum_w2[keep], int(n_group[keep].sum()), 700)
    assert design.rao_scott_f_groups(sum_w, sum_w2, n_group, 700, keep) == direct
    assert design.rao_scott_f_groups(sum_w, sum_w2, n_group, 700, [0, 2, 3]) == direct
    everything = design.rao_scott_f(sum_w, sum_w2, int(n_group.sum()), 700)
    assert design.rao_scott_f_groups(sum_w, sum_w2, n_group, 700) == everything
    assert design.rao_scott_f_groups(sum_w, sum_w2, n_group, 700, [1]) is None  # one group: no test


def test_the_domain_n_only_sets_the_denominator_df():
    """X² and the design effects both scale with N: F and d0 do not depend on n_domain, the
    denominator df d0·(n_domain − 1) does. So the n of the groups tested, not of the whole
    breakdown, is what gives R's p-value."""
    sum_w, sum_w2, _ = _table()
    a = design.rao_scott_f(sum_w[:3], sum_w2[:3], 150, 700)
    b = design.rao_scott_f(sum_w[:3], sum_w2[:3], 400, 700)
    assert a.statistic == pytest.approx(b.statistic, rel=1e-12) and a.ndf == pytest.approx(b.ndf, rel=1e-12)
    assert a.ddf == pytest.approx(a.ndf * 149, rel=1e-12) and b.ddf == pytest.approx(b.ndf * 399, rel=1e-12)
