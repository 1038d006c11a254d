"""Our estimates against R's ``survey`` package, case by case.

``tests/r_reference/fixtures.json`` holds R's numbers (written by
``tests/r_reference/make_fixtures.R`` from the microdata in ``tests/r_reference/data``; the R
calls are documented there). These tests need no R: they import the generated data sets with the
real importer, run ``estimate_shares`` / ``estimate_mean`` with ``min_n=1`` (nothing
suppressed) for every case, and compare:

* estimates: 1e-9 absolute;
* standard errors: 1e-6 relative;
* interval bounds: 1e-4 absolute (R's logit interval comes from a glm fit);
* interval bounds where nobody or everybody in the group gave the answer (share 0 or 1, at least
  two respondents): R's Clopper–Pearson interval ``binom.test(x, n)$conf.int``, 1e-8 absolute.
  That is the Korn–Graubard interval ``app.stats.design`` gives there (n_eff = n; the df factor
  of ``svyciprop(method = "beta")`` is 1 for this design). R's own ``svyciprop`` is NaN ("beta")
  or collapses to about (1e-12, 1e-11) ("logit") there, so its logit bounds are not compared
  for those rows; one-respondent groups have no interval, as in R;
* in a group of two respondents (t with 1 df) with 0 < p < 1, R's logit interval is (0, NA):
  ``confint.svyglm`` converts the t level to a normal one, 1 − 2·pnorm(qt(.025, 1)), which
  rounds to 1. The reference there is the same glm's interval with the t(1) quantile applied
  directly (``plogis(coef ± qt(.975, 1)·SE)``), 1e-4 absolute;
* for every other share, ``app.stats.design.beta_interval`` on our estimate and SE against R's
  ``svyciprop(method = "beta")``: 1e-8 absolute (the formula is R's);
* Rao–Scott F statistic, numerator and denominator df: 1e-6 relative; p-value: 1e-3 absolute;
* unweighted n and the set of (group, category) rows: exactly.

The "test_subset" cases are the Rao–Scott test over only some groups of a breakdown (R:
``svychisq(~y + g, subset(dd, g %in% groups), statistic = "F")``, e.g. the groups a chart shows
when small ones are suppressed): ``rao_scott_f_groups(Σw, Σw², n per group, n_design, groups)``
and ``rao_scott_f`` on the sub-table with n_domain = the respondents of the groups kept and
n_design = the survey's n, from Σw and Σw² per cell computed here from the same microdata R read,
with the same tolerances. (n_domain of the whole breakdown gives R's F and ndf but not its ddf.)

The data sets: the seeded demo survey, two generated ones and ``synth_boundary`` (82 generated
respondents with groups of 1–40 in which some answer is given by nobody or by everybody); see
``tests/r_reference/export_data.py``.

Regenerate the reference (needs R with survey and jsonlite; on Debian 12
``apt-get install r-base-core r-cran-survey r-cran-jsonlite`` gives R 4.2.2, survey 4.1.1,
jsonlite 1.8.4, the versions of the committed fixtures)::

    .venv/bin/python tests/r_reference/export_data.py
    Rscript tests/r_reference/make_fixtures.R

Largest absolute differences seen (``pytest -s`` prints them): estimates 3e-14, SE 1e-14, logit
bounds 6e-9, boundary (Clopper–Pearson) bounds 1e-16, beta bounds 8e-15, F 2e-13, ddf 6e-11,
p-values 1e-14; tests over some groups: F 1e-14, ddf 5e-12, p 3e-15.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session

from app.ingest.survey_import import import_survey
from app.query.estimates import estimate_mean, estimate_shares
from app.stats import design

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "r_reference"
FIXTURES = json.loads((REFERENCE / "fixtures.json").read_text(encoding="utf-8"))

# fixtures name -> (survey slug in the test database, importer file, codebook); None = seeded.
DATASETS = {
    "demo_national": ("demo_national", None, None),
    "synth_mini300": (
        "r_synth_mini300",
        REFERENCE / "import" / "synth_mini300.csv",
        HERE / "data" / "mini_codebook.yaml",
    ),
    "synth_norce1200": (
        "r_synth_norce1200",
        REFERENCE / "import" / "synth_norce1200.csv",
        HERE.parent / "seed" / "codebooks" / "norce2025.yaml",
    ),
    "synth_boundary": (
        "r_synth_boundary",
        REFERENCE / "import" / "synth_boundary.csv",
        HERE / "data" / "mini_codebook.yaml",
    ),
}

TOL_ESTIMATE = 1e-9  # absolute
TOL_SE = 1e-6  # relative
TOL_CI = 1e-4  # absolute
TOL_CI_BETA = 1e-8  # absolute: Clopper–Pearson / Korn–Graubard (qbeta against scipy's beta.ppf)
TOL_TEST = 1e-6  # relative: F, ndf, ddf
TOL_P = 1e-3  # absolute

# Largest differences seen, per quantity (printed at the end of the module with -s).
MAX_DIFF: dict[str, float] = {}


def _case_id(case: dict) -> str:
    parts = [case["data"], case["kind"], case["variable"], f"by={case['by'] or '-'}"]
    if case.get("collapse"):
        parts.append(case["collapse"])
    if case["where"]:
        parts.append("where=" + ";".join(f"{k}:{','.join(map(str, v))}" for k, v in case["where"].items()))
    if case["kind"] == "test_subset":
        parts.append("groups=" + ",".join(map(str, case["groups"])))
        if case["columns"] != "all":
            parts.append(f"columns={case['columns']}")
    return "|".join(parts)


ALL_CASES = [case for cases in FIXTURES["datasets"].values() for case in cases]
CASES = [case for case in ALL_CASES if case["kind"] in ("share", "mean")]
SUBSET_CASES = [case for case in ALL_CASES if case["kind"] == "test_subset"]


@pytest.fixture(scope="module")
def session(engine) -> Iterator[Session]:
    """Like ``db`` (one transaction, rolled back), but shared by the module so that each
    generated data set goes through the real importer once."""
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    for slug, path, codebook in DATASETS.values():
        if path is not None:
            result = import_survey(session, path, codebook, slug=slug)
            assert result.status == "succeeded"
    session.flush()
    yield session
    session.close()
    transaction.rollback()
    connection.close()
    if MAX_DIFF:
        print("\nmax |ours - R| per quantity: " + ", ".join(f"{k} {v:.3g}" for k, v in sorted(MAX_DIFF.items())))


def _record(quantity: str, ours: float, theirs: float) -> float:
    diff = abs(ours - theirs)
    MAX_DIFF[quantity] = max(MAX_DIFF.get(quantity, 0.0), diff)
    return diff


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _compare(
    problems: list[str], where: str, quantity: str, ours, theirs, absolute: float = 0.0, relative: float = 0.0
) -> None:
    if theirs is None:  # R gives NA
        if not _missing(ours):
            problems.append(f"{where} {quantity}: ours {ours!r}, R NA")
        return
    if _missing(ours):
        problems.append(f"{where} {quantity}: ours {ours!r}, R {theirs!r}")
        return
    diff = _record(quantity, float(ours), float(theirs))
    allowed = max(absolute, relative * abs(theirs), 1e-12)
    if not diff <= allowed:
        problems.append(f"{where} {quantity}: ours {ours!r}, R {theirs!r} (diff {diff:.3g} > {allowed:.3g})")


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_matches_r(session, case):
    slug = DATASETS[case["data"]][0]
    where = {k: list(v) for k, v in case["where"].items()}
    problems: list[str] = []
    if case["kind"] == "share":
        result = estimate_shares(
            session, slug, case["variable"], by=case["by"], where=where, collapse=case.get("collapse"), min_n=1
        )
        ours = {(str(r.group_code), str(r.code)): r for r in result.rows if not r.suppressed}
        theirs = {(str(r["group_code"]), str(r["code"])): r for r in case["rows"]}
    else:
        result = estimate_mean(session, slug, case["variable"], by=case["by"], where=where, min_n=1)
        ours = {(str(r.group_code),): r for r in result.rows if not r.suppressed}
        theirs = {(str(r["group_code"]),): r for r in case["rows"]}
    # With min_n = 1 only empty groups are hidden: listed like small ones, absent from R's table.
    assert all(r.n is None and r.estimate is None for r in result.rows if r.suppressed)

    assert result.n_design == case["n_design"]
    assert sorted(ours) == sorted(theirs), "the (group, category) rows differ from R's"
    for key, ref in theirs.items():
        row = ours[key]
        label = "group " + "/code ".join(key)
        assert not row.suppressed
        if row.n != ref["n"]:
            problems.append(f"{label} n: ours {row.n}, R {ref['n']}")
        _compare(problems, label, "estimate", row.estimate, ref["estimate"], absolute=TOL_ESTIMATE)
        _compare(problems, label, "se", row.se, ref["se"], relative=TOL_SE)
        if "cp_low" in ref:
            # Nobody or everybody in the group: Korn–Graubard with n_eff = n, i.e. Clopper–Pearson.
            if row.estimate not in (0.0, 1.0):
                problems.append(f"{label}: R has a share of 0 or 1, ours {row.estimate!r}")
            _compare(problems, label, "ci_low_boundary", row.ci_low, ref["cp_low"], absolute=TOL_CI_BETA)
            _compare(problems, label, "ci_high_boundary", row.ci_high, ref["cp_high"], absolute=TOL_CI_BETA)
            continue
        if "logit_t_low" in ref:
            # Two respondents: R's svyciprop gives (0, NA) from a rounding in confint.svyglm (its
            # level 1 − 2·pnorm(qt(.025, 1)) is 1 in double precision); the same glm's logit
            # interval with the t(1) quantile applied directly is the reference.
            _compare(problems, label, "ci_low_df1", row.ci_low, ref["logit_t_low"], absolute=TOL_CI)
            _compare(problems, label, "ci_high_df1", row.ci_high, ref["logit_t_high"], absolute=TOL_CI)
        else:
            _compare(problems, label, "ci_low", row.ci_low, ref["ci_low"], absolute=TOL_CI)
            _compare(problems, label, "ci_high", row.ci_high, ref["ci_high"], absolute=TOL_CI)
        if case["kind"] == "share" and row.estimate is not None and 0 < row.estimate < 1:
            # The Korn–Graubard formula is R's: our estimate and SE in beta_interval against
            # svyciprop(method = "beta") (NA for a one-respondent group: t with 0 df).
            n_eff = row.estimate * (1 - row.estimate) / row.se**2
            low, high = design.beta_interval(row.estimate, n_eff, row.n, row.n - 1)
            _compare(problems, label, "beta_low", low, ref["beta_low"], absolute=TOL_CI_BETA)
            _compare(problems, label, "beta_high", high, ref["beta_high"], absolute=TOL_CI_BETA)

    if case["kind"] == "share":
        ref_test = case.get("test")
        if ref_test is None:
            if result.test is not None:
                problems.append(f"test: ours {result.test}, R none (fewer than two groups or categories)")
        elif "error" in ref_test:
            # R's svychisq stops (e.g. a singular design-effect matrix): we should offer no test.
            if result.test is not None:
                problems.append(
                    f"test: R fails ({ref_test['error']}), ours F = {result.test.statistic!r}, "
                    f"df = {result.test.df!r}, p = {result.test.p_value!r}"
                )
        elif result.test is None:
            problems.append(f"test: ours none, R F = {ref_test['statistic']!r}")
        else:
            _compare(problems, "test", "F", result.test.statistic, ref_test["statistic"], relative=TOL_TEST)
            _compare(problems, "test", "ndf", result.test.df[0], ref_test["ndf"], relative=TOL_TEST)
            _compare(problems, "test", "ddf", result.test.df[1], ref_test["ddf"], relative=TOL_TEST)
            _compare(problems, "test", "p_value", result.test.p_value, ref_test["p_value"], absolute=TOL_P)

    assert not problems, f"{_case_id(case)} disagrees with R:\n  " + "\n  ".join(problems)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _breakdown_table(case: dict) -> tuple[list[int], np.ndarray, np.ndarray, np.ndarray]:
    """(group codes, Σw and Σw² per (group, category), respondents per group) of the breakdown's
    base — the aggregates the query layer gets from PostgreSQL — from the microdata R read, with
    R's base (valid answer, valid group, every where filter) and categories."""
    data = _read_csv(REFERENCE / "data" / f"{case['data']}.csv")
    codes = _read_csv(REFERENCE / "data" / f"{case['data']}_codes.csv")

    def valid(variable: str) -> list[int]:
        return [int(r["code"]) for r in codes if r["variable"] == variable and r["missing"] == "FALSE"]

    def code(row: dict[str, str], variable: str) -> int | None:
        return None if row[variable] == "NA" else int(row[variable])

    valid_y, valid_g = valid(case["variable"]), valid(case["by"])
    if case["columns"] == "top2":
        column = {c: 0 if c in valid_y[:2] else 1 for c in valid_y}
    else:
        merged: set[int] = set()
        if case.get("collapse") and len(valid_y) >= 3:
            merged = set(valid_y[:2] if case["collapse"] == "top2" else valid_y[-2:])
        keys = list(dict.fromkeys("merged" if c in merged else c for c in valid_y))
        column = {c: keys.index("merged" if c in merged else c) for c in valid_y}

    cells: dict[int, list[list[float]]] = {}
    n: dict[int, int] = {}
    for row in data:
        y, g = code(row, case["variable"]), code(row, case["by"])
        if y not in valid_y or g not in valid_g:
            continue
        if not all(code(row, v) in allowed for v, allowed in case["where"].items()):
            continue
        w = float(row["w"])  # the text R parsed: Python's float() is correctly rounded, as R's
        cell = cells.setdefault(g, [[0.0, 0.0] for _ in range(max(column.values()) + 1)])[column[y]]
        cell[0] += w
        cell[1] += w * w
        n[g] = n.get(g, 0) + 1
    groups = sorted(cells)
    sum_w = np.array([[c[0] for c in cells[g]] for g in groups])
    sum_w2 = np.array([[c[1] for c in cells[g]] for g in groups])
    return groups, sum_w, sum_w2, np.array([n[g] for g in groups])


@pytest.mark.parametrize("case", SUBSET_CASES, ids=[_case_id(c) for c in SUBSET_CASES])
def test_rao_scott_over_some_groups_matches_r(case):
    """The test over the groups a chart shows: the sub-table, the respondents of those groups as
    n_domain, and the survey's n as n_design give R's ``svychisq`` on ``subset(dd, g %in% groups)``."""
    groups, sum_w, sum_w2, n_group = _breakdown_table(case)
    keep = np.isin(groups, case["groups"])
    assert keep.sum() == len(case["groups"]) and n_group.sum() == case["n_all_groups"]
    n_domain = int(n_group[keep].sum())
    assert n_domain == case["n_domain"] and case["degf"] == n_domain - 1

    ref = case["test"]
    direct = design.rao_scott_f(sum_w[keep], sum_w2[keep], n_domain, case["n_design"])
    problems: list[str] = []
    for how, ours in [
        ("rao_scott_f_groups", design.rao_scott_f_groups(sum_w, sum_w2, n_group, case["n_design"], keep)),
        ("rao_scott_f on the sub-table", direct),
    ]:
        assert ours is not None, f"{how}: no test, R F = {ref['statistic']!r}"
        _compare(problems, how, "subset F", ours.statistic, ref["statistic"], relative=TOL_TEST)
        _compare(problems, how, "subset ndf", ours.ndf, ref["ndf"], relative=TOL_TEST)
        _compare(problems, how, "subset ddf", ours.ddf, ref["ddf"], relative=TOL_TEST)
        _compare(problems, how, "subset p_value", ours.p_value, ref["p_value"], absolute=TOL_P)
    assert not problems, f"{_case_id(case)} disagrees with R:\n  " + "\n  ".join(problems)

    # n_domain of all the breakdown's groups instead: the same F and ndf (X² and the design
    # effects both scale with N) but ddf = ndf · (N_all − 1), not R's.
    if case["n_all_groups"] != n_domain:
        wrong = design.rao_scott_f(sum_w[keep], sum_w2[keep], case["n_all_groups"], case["n_design"])
        assert wrong.statistic == pytest.approx(ref["statistic"], rel=1e-9)
        assert wrong.ddf != pytest.approx(ref["ddf"], rel=1e-6)


def test_fixtures_cover_the_required_cases():
    """The reference covers what the comparison is for (guards against a thinned fixtures.json)."""
    demo = FIXTURES["datasets"]["demo_national"]
    demo_questions = {c["variable"] for c in demo if c["kind"] == "share" and c["by"]}
    demo_bys = {c["by"] for c in demo if c["kind"] == "share" and c["by"]}
    assert len(demo_questions) >= 4 and len(demo_bys) >= 3
    assert any(c.get("collapse") == "top2" for c in demo)
    assert any(c["where"] for c in demo)
    assert any(c["kind"] == "mean" and c["variable"] == "factory_index" and c["by"] for c in demo)
    assert any(c["kind"] == "share" and any(r["n"] < 10 for r in c["rows"]) for c in demo)
    assert {"synth_mini300", "synth_norce1200", "synth_boundary"} <= set(FIXTURES["datasets"])

    share_rows = [(c, r) for c in CASES if c["kind"] == "share" for r in c["rows"]]
    # Shares of 0 and of 1 in small groups (Clopper–Pearson reference), one-respondent groups, and
    # R's beta interval for interior shares of small groups.
    assert any("cp_low" in r and r["estimate"] == 0 and r["n"] < 10 for _, r in share_rows)
    assert any("cp_low" in r and r["estimate"] == 1 and r["n"] < 10 for _, r in share_rows)
    assert any("cp_low" in r and r["estimate"] > 0.5 and r["estimate"] != 1 for _, r in share_rows)  # 1 − 1e-16
    assert any(r["n"] == 1 and r["estimate"] in (0, 1) and r["ci_low"] is None for _, r in share_rows)
    assert sum(r["beta_low"] is not None and r["n"] < 30 for _, r in share_rows) >= 50
    # Tests over some groups: leaving groups out, on every data set, with where / collapse / top2.
    assert {c["data"] for c in SUBSET_CASES} == set(FIXTURES["datasets"])
    assert sum(c["n_domain"] < c["n_all_groups"] for c in SUBSET_CASES) >= 15
    assert any(c["where"] for c in SUBSET_CASES) and any(c.get("collapse") for c in SUBSET_CASES)
    assert any(c["columns"] == "top2" for c in SUBSET_CASES)
