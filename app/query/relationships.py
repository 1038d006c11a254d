"""The NORCE (2025) report's key relationships, re-estimated from one survey.

The Samanhengar page shows each relationship the report states (chapter 3.2.3–3.2.5) next to
the same breakdown computed from the chosen survey. Shares and their Rao–Scott tests come from
``estimate_shares``. Where the page shows one share per group ("agree", "attractive"), its
test is the Rao–Scott test of that share against the rest (``top2_test``): it tests what the
chart shows, and unlike the test over all answer categories it does not fail on the sparse
tables of small groups. The factory-paradigm index is numeric, so it is compared across the
answers to q22 as means, with a design-based Wald test of equal means (defined here because
``estimate_mean`` has no test).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats
from sqlalchemy.orm import Session

from app.query.data_version import remembered
from app.query.estimates import (
    MeanResult,
    ShareResult,
    Test,
    cell_aggregates,
    estimate_mean,
    estimate_shares_sets,
)
from app.query.metadata import survey_meta
from app.query.publish import publishable, publishable_test
from app.stats import design

# Attitudes to home office (q6_1 is positive, q6_2–q6_4 negative statements), "agree" = top 2.
STATEMENTS = ("q6_1", "q6_2", "q6_3", "q6_4")
WALD_METHOD = "design-based Wald F test of equal means"
# What the page needs: the NORCE questionnaire's variables it is built on.
NEEDED = (*STATEMENTS, "home_office", "workspace", "q21", "home_office_3plus", "q23", "centrality", "education",
          "factory_index", "q22")  # fmt: skip


@dataclass
class Findings:
    """Everything the page draws for one survey."""

    home_office: list[ShareResult]  # q6_x, share agreeing, by q12 (home office frequency)
    workspace: list[ShareResult]  # q6_x, share agreeing, by q13 (workspace at home)
    travel: ShareResult  # q21 distribution, by home office 3+ days a week
    factory: MeanResult  # mean factory-paradigm index, by q22 (willingness to move)
    factory_test: Test | None
    centrality: ShareResult  # q23 attractive (top 2), by SSB centrality class
    education: ShareResult  # q23 attractive (top 2), by education

    def map(self, change: Callable) -> Findings:
        """The findings with ``change`` applied to every result (rounding, labels in a language)."""
        return Findings(
            [change(r) for r in self.home_office],
            [change(r) for r in self.workspace],
            change(self.travel),
            change(self.factory),
            self.factory_test,
            change(self.centrality),
            change(self.education),
        )

    def published(self) -> Findings:
        """The findings as they may leave the server (``app.query.publish``)."""
        rounded = self.map(publishable)
        rounded.factory_test = None if self.factory_test is None else publishable_test(self.factory_test)
        return rounded


def findings(session: Session, survey: str, *, min_n: int) -> Findings:
    """Every relationship the page shows. All the shares come from one scan of the survey (one grouping
    set per statement and breakdown), the means from one more; remembered until the data version changes
    (the page has one state per survey and language, and the two scans are most of its time)."""
    return remembered(session, ("relationships.findings", survey, min_n), lambda: _findings(session, survey, min_n))


def _findings(session: Session, survey: str, min_n: int) -> Findings:
    agree = [(v, by, "top2", "top2") for by in ("home_office", "workspace") for v in STATEMENTS]
    rest = [
        ("q21", "home_office_3plus", None, "all"),
        ("q23", "centrality", "top2", "top2"),
        ("q23", "education", "top2", "top2"),
    ]
    shares = estimate_shares_sets(session, survey, [*agree, *rest], min_n=min_n)
    statements = len(STATEMENTS)
    factory = estimate_mean(session, survey, "factory_index", by="q22", min_n=min_n)
    return Findings(
        home_office=shares[:statements],
        workspace=shares[statements : 2 * statements],
        travel=shares[-3],
        factory=factory,
        factory_test=equal_means_test(factory),
        centrality=shares[-2],
        education=shares[-1],
    )


def equal_means_test(result: MeanResult) -> Test | None:
    """Wald F test that every shown group has the same mean (suppressed groups left out).

    Disjoint domains' linearised means are uncorrelated in this design (each domain's
    linearised values sum to zero), so the covariance of the means is diagonal. The F form
    uses the design's degrees of freedom (respondents in the groups − 1), as ``regTermTest``.
    Returns None with fewer than two groups or a degenerate (zero-variance) group.
    """
    rows = [r for r in result.rows if not r.suppressed and r.estimate is not None and r.se]
    k = len(rows)
    if k < 2:
        return None
    means = np.array([r.estimate for r in rows])
    variances = np.diag([float(r.se or 0.0) ** 2 for r in rows])
    contrasts = np.hstack([np.ones((k - 1, 1)), -np.eye(k - 1)])  # first group − each other group
    diff = contrasts @ means
    try:
        wald = float(diff @ np.linalg.solve(contrasts @ variances @ contrasts.T, diff))
    except np.linalg.LinAlgError:
        return None
    ndf, ddf = k - 1, sum(r.n or 0 for r in rows) - 1
    statistic = wald / ndf
    return Test(statistic, (float(ndf), float(ddf)), float(stats.f.sf(statistic, ndf, ddf)), WALD_METHOD)


def top2_test(session: Session, survey: str, variable: str, by: str) -> Test | None:
    """Rao–Scott F test that the top-2 share ("agree", "attractive") is the same in every group of ``by``.

    The same test as ``estimate_shares`` runs, on the 2-column table top 2 / other valid answers
    ("don't know" and missing groups left out, as in the estimates).
    """
    meta = survey_meta(session, survey)
    question, groups = meta.question(variable), meta.question(by)
    top = question.valid_codes[:2]
    cells = [c for c in cell_aggregates(session, meta, question, groups, {}, include_missing=False) if c[0] is not None]
    order = sorted({g for g, *_ in cells})
    sum_w, sum_w2 = np.zeros((len(order), 2)), np.zeros((len(order), 2))
    for g, y, _pattern, _n, sw, sw2 in cells:
        column = 0 if y in top else 1
        sum_w[order.index(g), column] += sw
        sum_w2[order.index(g), column] += sw2
    test = design.rao_scott_f(sum_w, sum_w2, sum(c[3] for c in cells), meta.n_design)
    return None if test is None else Test(test.statistic, (test.ndf, test.ddf), test.p_value, test.method)
