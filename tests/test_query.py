"""The query layer: shares, means, suppression, the mobility funnel and the CLI."""

from __future__ import annotations

import itertools
import json

import pytest

from app.cli import main
from app.query.estimates import (
    QueryError, estimate_categories, estimate_category, estimate_mean, estimate_shares, estimate_shares_many,
)
from app.query.mobility import mobility_funnel, standard_conditions


def test_shares_of_each_group_sum_to_one(db):
    result = estimate_shares(db, "demo_national", "q22", by="age_group")
    for group in {r.group_code for r in result.rows}:
        assert sum(r.estimate for r in result.rows if r.group_code == group) == pytest.approx(1.0)
    assert result.test is not None and 0 <= result.test.p_value <= 1


def test_intervals_contain_the_estimate(db):
    for row in estimate_shares(db, "demo_national", "q13", by="gender").rows:
        assert row.ci_low <= row.estimate <= row.ci_high


def test_dont_know_is_excluded_unless_asked_for(db):
    codes = {r.code for r in estimate_shares(db, "demo_national", "q22").rows}
    assert 6 not in codes
    assert 6 in {r.code for r in estimate_shares(db, "demo_national", "q22", include_missing=True).rows}


def test_collapse_top2_reproduces_the_published_share_willing_to_move(db):
    rows = estimate_shares(db, "demo_national", "q22", collapse="top2").rows
    top2 = next(r for r in rows if r.code == "1+2")
    assert top2.estimate == pytest.approx(0.15, abs=0.02)


def test_where_filters_restrict_the_base(db):
    everyone = estimate_shares(db, "demo_national", "q23").rows[0].n
    young = estimate_shares(db, "demo_national", "q23", where={"age_group": [1]}).rows[0].n
    assert 0 < young < everyone


def test_mean_of_the_factory_index_with_cronbach_alpha(db):
    result = estimate_mean(db, "demo_national", "factory_index", by="home_office_3plus")
    assert all(1 <= r.estimate <= 5 for r in result.rows)
    assert result.cronbach_alpha == pytest.approx(0.78, abs=0.05)


def test_unknown_names_give_clear_errors(db):
    with pytest.raises(QueryError, match="Unknown survey"):
        estimate_shares(db, "nope", "q22")
    with pytest.raises(QueryError, match="no variable"):
        estimate_shares(db, "demo_national", "q999")
    with pytest.raises(QueryError, match="codes"):
        estimate_shares(db, "demo_national", "q22", where={"age_group": [9]})


# --- suppression (the differencing rules are specified in test_disclosure.py) ----------------


DIMENSIONS = ["age_group", "gender", "education", "centrality", "home_office_3plus", "region", "municipality"]
FILTERS = [{}, {"age_group": [1]}, {"gender": [2]}, {"education": [4]}, {"age_group": [4], "gender": [1]},
           {"centrality": [1, 2]}, {"home_office_3plus": [1]}]


@pytest.mark.parametrize("survey", ["demo_national", "demo_hardanger"])
def test_no_combination_of_filters_shows_a_cell_under_min_n(db, survey):
    min_n = 10
    for by, where in itertools.product(DIMENSIONS, FILTERS):
        result = estimate_shares(db, survey, "q23", by=by, where=where, min_n=min_n)
        hidden = [r for r in result.rows if r.suppressed]
        for row in result.rows:
            if not row.suppressed:
                assert row.n >= min_n, (by, where, row)
            else:
                assert row.estimate is None and row.n is None
        if hidden and not all(r.suppressed for r in result.rows):
            assert result.suppressed_groups, (by, where)


# --- mobility ----------------------------------------------------------------------------------


def test_mobility_reproduces_the_reports_200000_at_its_assumptions(db):
    low = mobility_funnel(db, "demo_national", jobs_anywhere=1_200_000).steps[-1].people
    high = mobility_funnel(db, "demo_national", jobs_anywhere=1_400_000).steps[-1].people
    assert 170_000 <= low <= 200_000 <= high <= 230_000


def test_each_funnel_step_is_smaller_and_carries_an_interval(db):
    result = mobility_funnel(db, "demo_national", conditions=standard_conditions(attractive=True, take_job=True),
                             region_share=0.01)
    people = [s.people for s in result.steps]
    assert people == sorted(people, reverse=True)
    for step in result.steps[1:]:
        assert step.people_low <= step.people <= step.people_high
    assert {s["assumption"] for s in result.sensitivity} == {"jobs_anywhere", "survey_share", "region_share"}


# --- command line ----------------------------------------------------------------------------


def test_query_command_prints_json(database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FJERNARBEID_DATA_DIR", str(tmp_path))
    assert main(["query", "--survey", "demo_national", "--question", "q23", "--by", "centrality",
                 "--collapse", "top2", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["test"]["p_value"] < 0.05
    assert {"group", "group_code", "code", "label", "estimate", "ci_low", "ci_high", "n",
            "suppressed"} <= set(payload["rows"][0])
    assert not {"se", "n_weighted"} & set(payload["rows"][0])  # published rounded; --exact adds them


def test_query_command_rejects_a_bad_where(database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FJERNARBEID_DATA_DIR", str(tmp_path))
    assert main(["query", "--survey", "demo_national", "--question", "q23", "--where", "age_group=young"]) == 1
    assert "DIM=code1,code2" in capsys.readouterr().err


def test_mobility_command_prints_the_funnel(database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FJERNARBEID_DATA_DIR", str(tmp_path))
    assert main(["mobility", "--survey", "demo_national", "--attractive", "--region", "hardangerradet",
                 "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("key,label,share") and "region" in out


@pytest.mark.parametrize("where", [{}, {"gender": [2]}, {"home_office_3plus": [1], "age_group": [2, 3]}])
def test_several_category_shares_from_one_scan_equal_the_collapsed_breakdowns(db, where):
    items = [("q22", (1, 2)), ("q23", (1, 2)), ("q6_1", (1, 2))]
    together = estimate_categories(db, "demo_national", items, where=where)
    for (variable, codes), row in zip(items, together):
        top2 = next(r for r in estimate_shares(db, "demo_national", variable, where=where, collapse="top2").rows
                    if r.code == "1+2")
        assert (row.estimate, row.se, row.ci_low, row.ci_high, row.n) == pytest.approx(
            (top2.estimate, top2.se, top2.ci_low, top2.ci_high, top2.n), rel=1e-12)
        assert estimate_category(db, "demo_national", variable, codes, where=where) == row


def test_a_dont_know_code_is_never_counted_in_a_category_share(db):
    with_missing = estimate_category(db, "demo_national", "q6_1", (1, 2, 6))
    assert with_missing.estimate == pytest.approx(estimate_category(db, "demo_national", "q6_1", (1, 2)).estimate)


@pytest.mark.parametrize("by,where", [("home_office", {}), ("workspace", {"gender": [1]}), (None, {"age_group": [2]})])
def test_several_variables_from_one_scan_equal_one_at_a_time(db, by, where):
    variables = ["q6_1", "q6_2", "q6_3", "q6_4"]
    together = estimate_shares_many(db, "demo_national", variables, by=by, where=where, collapse="top2")
    for variable, result in zip(variables, together):
        alone = estimate_shares(db, "demo_national", variable, by=by, where=where, collapse="top2")
        assert [(r.group_code, r.code, r.n, r.suppressed) for r in result.rows] == \
            [(r.group_code, r.code, r.n, r.suppressed) for r in alone.rows]
        assert [r.estimate for r in result.rows] == pytest.approx([r.estimate for r in alone.rows], rel=1e-12)
        assert [r.se for r in result.rows] == pytest.approx([r.se for r in alone.rows], rel=1e-12)
        assert (result.test is None) == (alone.test is None)
        if alone.test is not None:
            assert result.test.p_value == pytest.approx(alone.test.p_value, rel=1e-9)
