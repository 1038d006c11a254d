"""The query layer: shares, means, suppression, the mobility funnel and the CLI."""

from __future__ import annotations

import inspect
import itertools
import json
import re
from pathlib import Path

import pytest

from app.cli import main
from app.query import mobility
from app.query.estimates import (
    QueryError,
    estimate_categories,
    estimate_category,
    estimate_mean,
    estimate_shares,
    estimate_shares_many,
)
from app.query.mobility import mobility_funnel, standard_conditions


def test_shares_of_each_group_sum_to_one(db):
    result = estimate_shares(db, "demo_national", "q22", by="age_group", min_n=10)
    for group in {r.group_code for r in result.rows}:
        assert sum(r.estimate for r in result.rows if r.group_code == group) == pytest.approx(1.0)
    assert result.test is not None and 0 <= result.test.p_value <= 1


def test_intervals_contain_the_estimate(db):
    for row in estimate_shares(db, "demo_national", "q13", by="gender", min_n=10).rows:
        assert row.ci_low <= row.estimate <= row.ci_high


def test_dont_know_is_excluded_unless_asked_for(db):
    codes = {r.code for r in estimate_shares(db, "demo_national", "q22", min_n=10).rows}
    assert 6 not in codes
    assert 6 in {r.code for r in estimate_shares(db, "demo_national", "q22", include_missing=True, min_n=10).rows}


def test_collapse_top2_reproduces_the_published_share_willing_to_move(db):
    rows = estimate_shares(db, "demo_national", "q22", collapse="top2", min_n=10).rows
    top2 = next(r for r in rows if r.code == "1+2")
    assert top2.estimate == pytest.approx(0.15, abs=0.02)


def test_where_filters_restrict_the_base(db):
    everyone = estimate_shares(db, "demo_national", "q23", min_n=10).rows[0].n
    young = estimate_shares(db, "demo_national", "q23", where={"age_group": [1]}, min_n=10).rows[0].n
    assert 0 < young < everyone


def test_mean_of_the_factory_index_with_cronbach_alpha(db):
    result = estimate_mean(db, "demo_national", "factory_index", by="home_office_3plus", min_n=10)
    assert all(1 <= r.estimate <= 5 for r in result.rows)
    assert result.cronbach_alpha == pytest.approx(0.78, abs=0.05)


def test_unknown_names_give_clear_errors(db):
    with pytest.raises(QueryError, match="Unknown survey"):
        estimate_shares(db, "nope", "q22", min_n=10)
    with pytest.raises(QueryError, match="no variable"):
        estimate_shares(db, "demo_national", "q999", min_n=10)
    with pytest.raises(QueryError, match="codes"):
        estimate_shares(db, "demo_national", "q22", where={"age_group": [9]}, min_n=10)


# --- suppression (the differencing rules are specified in test_disclosure.py) ----------------


DIMENSIONS = ["age_group", "gender", "education", "centrality", "home_office_3plus", "region", "municipality"]
FILTERS = [
    {},
    {"age_group": [1]},
    {"gender": [2]},
    {"education": [4]},
    {"age_group": [4], "gender": [1]},
    {"centrality": [1, 2]},
    {"home_office_3plus": [1]},
]


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
    low = mobility_funnel(db, "demo_national", jobs_anywhere=1_200_000, min_n=10).steps[-1].people
    high = mobility_funnel(db, "demo_national", jobs_anywhere=1_400_000, min_n=10).steps[-1].people
    assert 170_000 <= low <= 200_000 <= high <= 230_000


def test_each_funnel_step_is_smaller_and_carries_an_interval(db):
    result = mobility_funnel(
        db,
        "demo_national",
        conditions=standard_conditions(attractive=True, take_job=True),
        region_share=0.01,
        region_range=(0.008, 0.012),
        min_n=10,
    )
    people = [s.people for s in result.steps]
    assert people == sorted(people, reverse=True)
    for step in result.steps[1:]:
        assert step.people_low <= step.people <= step.people_high
    assert {s["assumption"] for s in result.sensitivity} == {
        "jobs_anywhere",
        "survey_share",
        "region_share",
        "attraction_link",  # how "would move" and rural attraction go together (issue 20 §5)
    }
    bare = mobility_funnel(
        db, "demo_national", region_share=0.01, min_n=10
    )  # a share without a range is taken as given
    assert {s["assumption"] for s in bare.sensitivity} == {"jobs_anywhere", "survey_share"}


def _employed(db, numbers=None, classes=None) -> int:
    """Employed residents 15–74, Q4 2022 (SSB 11618), summed independently of the code under test."""
    from sqlalchemy import text

    rows = db.execute(
        text(
            "SELECT m.kommunenummer, m.centrality_class, s.value FROM municipality m JOIN municipality_statistic s "
            "ON s.kommunenummer = m.kommunenummer WHERE s.measure = 'employed_by_residence_15_74' "
            "AND s.period = '2022-Q4'"
        )
    ).all()
    return sum(v for k, c, v in rows if (numbers is None or k in numbers) and (classes is None or c in classes))


HARDANGER = {"4618", "4619", "4620", "4622"}


def test_the_region_step_counts_the_same_municipalities_above_and_below_the_line(db):
    """Numerator and denominator are employed residents of the same destination set (centrality 4–6), so
    Kvam (class 4) is in both: 10 881 of 787 056 = 1.38 %, not the 2.77 % of Hardanger's whole population
    over the population of classes 5–6."""
    shares = mobility.region_share(db, "hardangerradet")
    default = shares.default
    assert (default.measure, default.classes) == ("employed", (4, 5, 6))
    assert default.region_value == _employed(db, HARDANGER) == 10_881  # all four members, Kvam included
    assert default.set_value == _employed(db, classes=(4, 5, 6)) == 787_056
    assert shares.value == pytest.approx(10_881 / 787_056) and 0.013 < shares.value < 0.014
    assert default.left_out == ()
    for definition in shares.definitions:  # every definition: the region's counted members are in the set
        assert definition.region_value < definition.set_value
        assert definition.left_out == (() if 4 in definition.classes else ("Kvam",))


def test_the_region_shares_range_spans_the_defensible_definitions(db):
    shares = mobility.region_share(db, "hardangerradet")
    assert {(d.measure, d.classes) for d in shares.definitions} == {
        ("employed", (4, 5, 6)),
        ("employed", (5, 6)),
        ("population_25_60", (4, 5, 6)),
        ("population_25_60", (5, 6)),
    }
    assert (shares.low.measure, shares.low.classes) == ("population_25_60", (4, 5, 6))
    assert (shares.high.measure, shares.high.classes) == ("employed", (5, 6))
    assert shares.low.share == pytest.approx(9_135 / 712_400)  # population 25–60, 1 Jan 2026
    assert shares.high.share == pytest.approx(_employed(db, {"4618", "4619", "4620"}) / _employed(db, classes=(5, 6)))
    assert 0.0125 < shares.low.share < shares.value < shares.high.share < 0.0175
    assert mobility.SHARE_MEASURES[shares.default.measure][2] == "11618"  # the SSB table the page cites


def test_without_the_rural_condition_the_set_is_every_municipality(db):
    shares = mobility.region_share(db, "hardangerradet", rural_only=False)
    assert {d.classes for d in shares.definitions} == {None}
    assert shares.default.set_value == _employed(db)
    assert shares.value == pytest.approx(10_881 / _employed(db))


def test_the_regional_funnel_shows_the_assumptions_range_with_the_result(db):
    conditions = standard_conditions(attractive=True)
    result, shares = mobility.regional_funnel(db, "demo_national", "hardangerradet", conditions=conditions, min_n=10)
    last, before = result.steps[-1], result.steps[-2]
    assert last.key == "region" and last.people == pytest.approx(before.people * shares.value)
    ranges = {r["assumption"]: (r["low"], r["high"]) for r in result.sensitivity}
    assert ranges["region_share"] == pytest.approx(
        (before.people * shares.low.share, before.people * shares.high.share)
    )
    # the low end also takes "would move" and rural attraction as unrelated (issue 20 §5)
    link = ranges["attraction_link"][0] / last.people
    assert link < 1
    assert result.overall_low == pytest.approx(1_200_000 * (before.people_low / 1_300_000) * shares.low.share * link)
    assert result.overall_high == pytest.approx(1_400_000 * (before.people_high / 1_300_000) * shares.high.share)
    assert result.overall_low < last.people_low < last.people < last.people_high < result.overall_high


def test_a_share_set_by_hand_widens_the_range_to_include_it(db):
    result, shares = mobility.regional_funnel(
        db,
        "demo_national",
        "hardangerradet",
        conditions=standard_conditions(attractive=True),
        region_share_override=0.03,
        min_n=10,
    )
    assert result.region_share == 0.03 and result.region_range == (pytest.approx(shares.low.share), 0.03)


def test_the_national_funnel_is_refused_for_a_regional_survey(db):
    with pytest.raises(mobility.NotNationalSurvey, match="national"):
        mobility_funnel(db, "demo_hardanger", min_n=10)
    assert mobility.survey_coverage(db, "demo_hardanger") == "regional"
    assert mobility.survey_coverage(db, "demo_national") == "national"


def test_the_report_check_says_whether_the_default_funnel_lands_near_200000(db, monkeypatch):
    check = mobility.report_check(db, "demo_national", min_n=10)
    assert check.reproduces and abs(check.difference) < 25_000
    monkeypatch.setattr(mobility, "REPORT_FIGURE", 300_000)
    far = mobility.report_check(db, "demo_national", min_n=10)
    assert not far.reproduces and far.difference == pytest.approx(check.people - 300_000)


def test_the_funnel_names_its_steps_by_key_and_holds_no_words(db):
    """Language at the edge: the query layer gives keys and numbers; app.language.mobility says them."""
    result = mobility_funnel(
        db, "demo_national", conditions=standard_conditions(attractive=True, take_job=True), min_n=10
    )
    assert [s.key for s in result.steps] == ["jobs", "willing", "attractive", "take_job"]
    assert not hasattr(result.steps[0], "label") and [a["name"] for a in result.assumptions] == ["jobs_anywhere"]
    for function in (mobility.mobility_funnel, mobility.regional_funnel, mobility.region_share, mobility.report_check):
        assert "lang" not in inspect.signature(function).parameters, function.__name__
    source = Path(mobility.__file__).read_text(encoding="utf-8")
    assert not re.search(r"""["'](nb|nn|en)["']\s*:""", source)  # no texts per language


def test_published_funnel_is_rounded_as_shown(db):
    exact, _shares = mobility.regional_funnel(
        db, "demo_national", "hardangerradet", conditions=standard_conditions(attractive=True), min_n=10
    )
    shown = mobility.publishable(exact)
    for step in shown.steps:
        assert step.share_se is None
        for value in (step.people, step.people_low, step.people_high):
            assert value == mobility.round_people(value)
        if step.share is not None:
            assert step.share == round(step.share, 4)
    assert shown.steps[-1].people != exact.steps[-1].people  # something was rounded
    assert shown.region_share == round(exact.region_share, 4)


# --- command line ----------------------------------------------------------------------------


def test_query_command_prints_json(database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FJERNARBEID_DATA_DIR", str(tmp_path))
    assert (
        main(
            [
                "query",
                "--survey",
                "demo_national",
                "--question",
                "q23",
                "--by",
                "centrality",
                "--collapse",
                "top2",
                "--format",
                "json",
            ]
        )
        == 0
    )
    payload = json.loads(capsys.readouterr().out)
    assert payload["test"]["p_value"] < 0.05
    assert {"group", "group_code", "code", "label", "estimate", "ci_low", "ci_high", "n", "suppressed"} <= set(
        payload["rows"][0]
    )
    assert not {"se", "n_weighted"} & set(payload["rows"][0])  # published rounded; --exact adds them


def test_query_command_rejects_a_bad_where(database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FJERNARBEID_DATA_DIR", str(tmp_path))
    assert main(["query", "--survey", "demo_national", "--question", "q23", "--where", "age_group=young"]) == 1
    assert "DIM=code1,code2" in capsys.readouterr().err


def test_mobility_command_prints_the_funnel(database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FJERNARBEID_DATA_DIR", str(tmp_path))
    assert (
        main(["mobility", "--survey", "demo_national", "--attractive", "--region", "hardangerradet", "--format", "csv"])
        == 0
    )
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("key,label,share") and "region" in out
    assert "… og kunne valgt denne regionen" in out  # bokmål by default


@pytest.mark.parametrize(
    "lang,label,source",
    [
        ("nn", "… synest det er aktuelt å flytte til ein annan kommune", "Kjelde: Statistisk sentralbyrå (SSB)"),
        ("en", "… would consider moving to another municipality", "Source: Statistics Norway (SSB)"),
    ],
)
def test_mobility_command_prints_its_texts_in_the_chosen_language(
    database_url, tmp_path, monkeypatch, capsys, lang, label, source
):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FJERNARBEID_DATA_DIR", str(tmp_path))
    args = ["mobility", "--survey", "demo_national", "--region", "hardangerradet", "--lang", lang]
    assert main([*args, "--format", "table"]) == 0
    assert label in capsys.readouterr().out
    assert main([*args, "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [s["label"].startswith("…") for s in payload["steps"]] == [False, True, True, True]
    assert source in payload["region_share_source"]
    jobs = payload["assumptions"][0]
    assert jobs["name"] == "jobs_anywhere" and "NORCE (2025)" in jobs["source"] and len(jobs["caveats"]) == 2


def test_mobility_command_refuses_a_regional_survey_in_words(database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FJERNARBEID_DATA_DIR", str(tmp_path))
    assert main(["mobility", "--survey", "demo_hardanger"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "national" in captured.err and "Traceback" not in captured.err
    assert len(captured.err.strip().splitlines()) == 1


def test_mobility_command_turns_the_rural_condition_on_for_a_region_unless_told(
    database_url, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FJERNARBEID_DATA_DIR", str(tmp_path))
    assert main(["mobility", "--survey", "demo_national", "--region", "hardangerradet", "--format", "json"]) == 0
    default = json.loads(capsys.readouterr().out)
    assert [s["key"] for s in default["steps"]] == ["jobs", "willing", "attractive", "region"]
    assert all(s["share_se"] is None for s in default["steps"])  # rounded as shown unless --exact
    assert (
        main(
            [
                "mobility",
                "--survey",
                "demo_national",
                "--region",
                "hardangerradet",
                "--no-attractive",
                "--format",
                "json",
            ]
        )
        == 0
    )
    off = json.loads(capsys.readouterr().out)
    assert [s["key"] for s in off["steps"]] == ["jobs", "willing", "region"]
    assert off["region_share"] < default["region_share"]  # all municipalities instead of the rural ones


@pytest.mark.parametrize("where", [{}, {"gender": [2]}, {"home_office_3plus": [1], "age_group": [2, 3]}])
def test_several_category_shares_from_one_scan_equal_the_collapsed_breakdowns(db, where):
    items = [("q22", (1, 2)), ("q23", (1, 2)), ("q6_1", (1, 2))]
    together = estimate_categories(db, "demo_national", items, where=where, min_n=10)
    for (variable, codes), row in zip(items, together, strict=False):
        top2 = next(
            r
            for r in estimate_shares(db, "demo_national", variable, where=where, collapse="top2", min_n=10).rows
            if r.code == "1+2"
        )
        assert (row.estimate, row.se, row.ci_low, row.ci_high, row.n) == pytest.approx(
            (top2.estimate, top2.se, top2.ci_low, top2.ci_high, top2.n), rel=1e-12
        )
        assert estimate_category(db, "demo_national", variable, codes, where=where, min_n=10) == row


def test_a_dont_know_code_is_never_counted_in_a_category_share(db):
    with_missing = estimate_category(db, "demo_national", "q6_1", (1, 2, 6), min_n=10)
    assert with_missing.estimate == pytest.approx(
        estimate_category(db, "demo_national", "q6_1", (1, 2), min_n=10).estimate
    )


@pytest.mark.parametrize("by,where", [("home_office", {}), ("workspace", {"gender": [1]}), (None, {"age_group": [2]})])
def test_several_variables_from_one_scan_equal_one_at_a_time(db, by, where):
    variables = ["q6_1", "q6_2", "q6_3", "q6_4"]
    together = estimate_shares_many(db, "demo_national", variables, by=by, where=where, collapse="top2", min_n=10)
    for variable, result in zip(variables, together, strict=False):
        alone = estimate_shares(db, "demo_national", variable, by=by, where=where, collapse="top2", min_n=10)
        assert [(r.group_code, r.code, r.n, r.suppressed) for r in result.rows] == [
            (r.group_code, r.code, r.n, r.suppressed) for r in alone.rows
        ]
        assert [r.estimate for r in result.rows] == pytest.approx([r.estimate for r in alone.rows], rel=1e-12)
        assert [r.se for r in result.rows] == pytest.approx([r.se for r in alone.rows], rel=1e-12)
        assert (result.test is None) == (alone.test is None)
        if alone.test is not None:
            assert result.test.p_value == pytest.approx(alone.test.p_value, rel=1e-9)


def test_shares_for_several_breakdowns_from_one_scan_equal_one_at_a_time(db):
    from app.query.estimates import estimate_shares_sets

    requests = [
        ("q23", "centrality", "top2", "top2"),
        ("q23", "education", "top2", "top2"),
        ("q21", "home_office_3plus", None, "all"),
        ("q22", None, None, "all"),
        ("q23", "centrality", "top2", "top2"),
    ]  # a repeated request gets the same answer
    together = estimate_shares_sets(db, "demo_national", requests, where={"gender": [2]}, min_n=10)
    for (variable, by, collapse, test), result in zip(requests, together, strict=True):
        alone = estimate_shares(
            db, "demo_national", variable, by=by, where={"gender": [2]}, collapse=collapse, test=test, min_n=10
        )
        assert [(r.group_code, r.code, r.n, r.suppressed) for r in result.rows] == [
            (r.group_code, r.code, r.n, r.suppressed) for r in alone.rows
        ]
        for mine, theirs in zip(result.rows, alone.rows, strict=True):  # sums in another order: 1e-12 apart
            for key in ("estimate", "ci_low", "ci_high"):
                expected = getattr(theirs, key)
                assert getattr(mine, key) == (None if expected is None else pytest.approx(expected, rel=1e-9))
        assert (result.test is None) == (alone.test is None)
        if result.test is not None:
            assert result.test.statistic == pytest.approx(alone.test.statistic, rel=1e-12)
