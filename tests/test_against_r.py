"""Our estimates against R's ``survey`` package, case by case.

``tests/r_reference/fixtures.json`` holds R's numbers (written by
``tests/r_reference/make_fixtures.R`` from the microdata in ``tests/r_reference/data``; the R
calls are documented there). These tests need no R: they import the generated data sets with the
real importer, run ``estimate_shares`` / ``estimate_mean`` with ``min_n=1`` (nothing
suppressed) for every case, and compare:

* estimates: 1e-9 absolute;
* standard errors: 1e-6 relative;
* interval bounds: 1e-4 absolute (R's logit interval comes from a glm fit);
* Rao–Scott F statistic, numerator and denominator df: 1e-6 relative; p-value: 1e-3 absolute;
* unweighted n and the set of (group, category) rows: exactly.

Regenerate the reference (needs R with survey and jsonlite)::

    python tests/r_reference/export_data.py
    Rscript tests/r_reference/make_fixtures.R
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from app.ingest.survey_import import import_survey
from app.query.estimates import estimate_mean, estimate_shares

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "r_reference"
FIXTURES = json.loads((REFERENCE / "fixtures.json").read_text(encoding="utf-8"))

# fixtures name -> (survey slug in the test database, importer file, codebook); None = seeded.
DATASETS = {
    "demo_national": ("demo_national", None, None),
    "synth_mini300": ("r_synth_mini300", REFERENCE / "import" / "synth_mini300.csv", HERE / "data" / "mini_codebook.yaml"),
    "synth_norce1200": ("r_synth_norce1200", REFERENCE / "import" / "synth_norce1200.csv",
                        HERE.parent / "seed" / "codebooks" / "norce2025.yaml"),
}

TOL_ESTIMATE = 1e-9  # absolute
TOL_SE = 1e-6  # relative
TOL_CI = 1e-4  # absolute
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
    return "|".join(parts)


CASES = [case for cases in FIXTURES["datasets"].values() for case in cases]


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
        print("\nmax |ours - R| per quantity: "
              + ", ".join(f"{k} {v:.3g}" for k, v in sorted(MAX_DIFF.items())))


def _record(quantity: str, ours: float, theirs: float) -> float:
    diff = abs(ours - theirs)
    MAX_DIFF[quantity] = max(MAX_DIFF.get(quantity, 0.0), diff)
    return diff


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _compare(problems: list[str], where: str, quantity: str, ours, theirs, absolute: float = 0.0,
             relative: float = 0.0) -> None:
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
        result = estimate_shares(session, slug, case["variable"], by=case["by"], where=where,
                                 collapse=case.get("collapse"), min_n=1)
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
        _compare(problems, label, "ci_low", row.ci_low, ref["ci_low"], absolute=TOL_CI)
        _compare(problems, label, "ci_high", row.ci_high, ref["ci_high"], absolute=TOL_CI)

    if case["kind"] == "share":
        ref_test = case.get("test")
        if ref_test is None:
            if result.test is not None:
                problems.append(f"test: ours {result.test}, R none (fewer than two groups or categories)")
        elif "error" in ref_test:
            # R's svychisq stops (e.g. a singular design-effect matrix): we should offer no test.
            if result.test is not None:
                problems.append(f"test: R fails ({ref_test['error']}), ours F = {result.test.statistic!r}, "
                                f"df = {result.test.df!r}, p = {result.test.p_value!r}")
        elif result.test is None:
            problems.append(f"test: ours none, R F = {ref_test['statistic']!r}")
        else:
            _compare(problems, "test", "F", result.test.statistic, ref_test["statistic"], relative=TOL_TEST)
            _compare(problems, "test", "ndf", result.test.df[0], ref_test["ndf"], relative=TOL_TEST)
            _compare(problems, "test", "ddf", result.test.df[1], ref_test["ddf"], relative=TOL_TEST)
            _compare(problems, "test", "p_value", result.test.p_value, ref_test["p_value"], absolute=TOL_P)

    assert not problems, f"{_case_id(case)} disagrees with R:\n  " + "\n  ".join(problems)


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
    assert {"synth_mini300", "synth_norce1200"} <= set(FIXTURES["datasets"])
