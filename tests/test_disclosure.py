"""Disclosure control: no two allowed views isolate a group of 1 to ``min_n − 1`` respondents.

The property tests play the attacker of issue 9: they enumerate requests that differ in one
filter (or in the breakdown) on the demo surveys, run each through the query layer exactly as
the pages and the CLI do, and compare what both views show with the respondents behind it,
read independently from the normalised ``answer`` table.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Callable

import pandas as pd
import pytest
from sqlalchemy import text

from app.query.disclosure import OUTSIDE, hidden_groups
from app.query.estimates import QueryError, estimate_categories, estimate_mean, estimate_shares
from app.query.metadata import survey_meta
from app.query.mobility import mobility_funnel, standard_conditions

MIN_N = 10


# --- the rules on small, hand-made hypercubes ----------------------------------------------


def _cube(groups: dict) -> dict:
    """{group: {pattern: n}} → {(group, pattern): n}."""
    return {(g, p): n for g, patterns in groups.items() for p, n in patterns.items()}


def test_a_group_under_min_n_is_hidden_and_an_empty_group_too():
    cells = _cube({1: {(): 40}, 2: {(): 3}})
    assert hidden_groups(cells, [1, 2, 3], MIN_N) >= {2, 3}


def test_a_small_hidden_remainder_takes_the_smallest_shown_group_with_it():
    cells = _cube({1: {(): 40}, 2: {(): 12}, 3: {(): 15}, 4: {(): 3}})
    assert hidden_groups(cells, [1, 2, 3, 4], MIN_N) == {4, 2}


def test_respondents_outside_the_breakdown_count_in_the_remainder():
    # 3 respondents did not answer the breakdown question: total minus the groups would show them
    cells = _cube({1: {(): 40}, 2: {(): 12}, OUTSIDE: {(): 3}})
    assert hidden_groups(cells, [1, 2], MIN_N) == {2}


def test_a_group_is_hidden_when_one_filter_value_more_or_less_would_change_it_by_a_few():
    # filter age_group = 1, 2: the group has 30 respondents, but only 2 of them are in age group 2
    cells = _cube({1: {(1,): 28, (2,): 2, (None,): 50}, 2: {(1,): 30, (2,): 20, (None,): 40}})
    assert 1 in hidden_groups(cells, [1, 2], MIN_N)


def test_the_complement_of_a_filter_is_protected_too():
    # "all but one value" leaves 3 respondents out of group 1: with and without the filter differ by 3
    cells = _cube({1: {(1,): 30, (None,): 3}, 2: {(1,): 30, (None,): 30}})
    assert 1 in hidden_groups(cells, [1, 2], MIN_N)


def test_zero_cells_are_not_protected():
    cells = _cube({1: {(1,): 30, (None,): 0}, 2: {(1,): 30, (None,): 12}})
    assert hidden_groups(cells, [1, 2], MIN_N) == set()


def test_min_n_below_one_is_refused(db):
    for bad in (0, -5):
        with pytest.raises(QueryError, match="min_n"):
            estimate_shares(db, "demo_national", "q22", min_n=bad)


# --- the attack, replayed -----------------------------------------------------------


def test_the_ulvik_men_attack_no_longer_shows_two_views_one_respondent_apart(db):
    base = {"municipality": [4620], "gender": [1]}
    one = estimate_shares(db, "demo_hardanger", "q22", where=base, min_n=10)
    two = estimate_shares(db, "demo_hardanger", "q22", where={**base, "age_group": [1, 2, 3]}, min_n=10)
    shown = [r.n for r in (one.rows[0], two.rows[0]) if not r.suppressed]
    assert len(shown) < 2 or shown[0] == shown[1] or abs(shown[0] - shown[1]) >= MIN_N
    # and the same with the mean age that gave his age away
    one = estimate_mean(db, "demo_hardanger", "age", where=base, min_n=10)
    two = estimate_mean(db, "demo_hardanger", "age", where={**base, "age_group": [1, 2, 3]}, min_n=10)
    shown = [r.n for r in (one.rows[0], two.rows[0]) if not r.suppressed]
    assert len(shown) < 2 or shown[0] == shown[1] or abs(shown[0] - shown[1]) >= MIN_N


def test_an_empty_group_behaves_exactly_like_a_small_one(db, microdata):
    data = microdata("demo_hardanger")
    counts = data.groupby(["municipality", "gender", "age_group"]).size()
    small = next(k for k, n in counts.items() if 0 < n < MIN_N)
    municipalities = sorted(data["municipality"].dropna().unique())
    genders = sorted(data["gender"].dropna().unique())
    ages = sorted(data["age_group"].dropna().unique())
    empty = next(k for k in itertools.product(municipalities, genders, ages) if k not in counts.index)
    views = []
    for combo in (small, empty):
        where = {"municipality": [int(combo[0])], "gender": [int(combo[1])], "age_group": [int(combo[2])]}
        for call in (
            lambda w: estimate_shares(db, "demo_hardanger", "q22", where=w, min_n=10),
            lambda w: estimate_mean(db, "demo_hardanger", "age", where=w, min_n=10),
        ):
            result = call(where)
            views.append([(r.suppressed, r.n, r.estimate) for r in result.rows])
    assert views[0] == views[2] and views[1] == views[3]
    assert all(suppressed and n is None for view in views for suppressed, n, _e in view)


def test_a_breakdown_lists_empty_groups_like_small_ones(db):
    result = estimate_shares(db, "demo_hardanger", "q22", by="municipality", min_n=10)
    groups = {r.group_code for r in result.rows}
    assert len(groups) == len(survey_meta(db, "demo_hardanger").question("municipality").valid_codes)
    hidden = {r.group_code for r in result.rows if r.suppressed}
    assert {4618, 4619, 4620, 4622} - hidden  # the Hardanger municipalities with answers are shown
    assert len(hidden) == len(groups) - len(groups - hidden)


def test_the_test_of_independence_leaves_hidden_groups_out(db):
    full = estimate_shares(db, "demo_national", "q22", by="age_group", min_n=1)
    strict = estimate_shares(db, "demo_national", "q22", by="age_group", min_n=100)
    assert any(r.suppressed for r in strict.rows) and not all(r.suppressed for r in strict.rows)
    assert full.test is not None and strict.test is not None
    assert strict.test.df[1] < full.test.df[1]  # fewer respondents in the test's domain


def test_funnel_steps_resting_on_few_respondents_are_suppressed(db):
    everyone = mobility_funnel(db, "demo_national", min_n=MIN_N)
    assert all(not s.suppressed for s in everyone.steps)
    narrow = mobility_funnel(
        db,
        "demo_national",
        conditions=standard_conditions(
            attractive=True, take_job=True, travel_time_min=4, age_groups=[1], centrality=[6]
        ),
        min_n=MIN_N,
    )
    assert narrow.steps[-1].suppressed and narrow.steps[-1].people is None


# --- property: enumerate views that differ in one filter ---------------------------------


def load_microdata(connection, slug: str) -> pd.DataFrame:
    """Respondent × variable → code (or number), from the normalised ``answer`` table."""
    long = pd.read_sql(
        text(
            "SELECT a.respondent_id, q.variable, coalesce(a.code::float8, a.number) AS value, "
            "coalesce(o.is_missing, false) AS missing "
            "FROM answer a JOIN question q ON q.id = a.question_id JOIN survey s ON s.id = q.survey_id "
            "LEFT JOIN answer_option o ON o.question_id = a.question_id AND o.code = a.code "
            "WHERE s.slug = :slug"
        ),
        connection,
        params={"slug": slug},
    )
    long.loc[long["missing"], "value"] = -1.0  # "don't know": outside every base and group
    return long.pivot(index="respondent_id", columns="variable", values="value")


@pytest.fixture(scope="module")
def microdata(engine) -> Callable[[str], pd.DataFrame]:
    cache: dict[str, pd.DataFrame] = {}

    def load(slug: str) -> pd.DataFrame:
        if slug not in cache:
            with engine.connect() as connection:
                cache[slug] = load_microdata(connection, slug)
        return cache[slug]

    return load


def _members(data: pd.DataFrame, question: str, by: str | None, group, where: dict, numeric: bool) -> frozenset:
    """The respondents behind one shown group of a view: in the question's base, in the group, every filter met."""
    mask = data[question].notna() & (data[question] >= 0 if not numeric else True)
    if by is not None:
        mask &= data[by] == group
    for variable, codes in where.items():
        mask &= data[variable].isin(codes)
    return frozenset(data.index[mask])


def _view(db, survey: str, question: str, numeric: bool, by: str | None, where: dict) -> dict:
    """{group code: n} for every group the view shows (exactly what a page or the CLI gets)."""
    try:
        if numeric:
            result = estimate_mean(db, survey, question, by=by, where=where, min_n=MIN_N)
        else:
            result = estimate_shares(db, survey, question, by=by, where=where, min_n=MIN_N)
    except QueryError:
        return {}
    return {r.group_code: r.n for r in result.rows if not r.suppressed}


def _variants(codes: list[int], rng: random.Random) -> list[tuple[int, ...] | None]:
    """The values an attacker tries for one filter: none, each code, all but each code, a few subsets."""
    variants: list[tuple[int, ...] | None] = [None]
    variants += [(c,) for c in codes]
    variants += [tuple(x for x in codes if x != c) for c in codes if len(codes) > 2]
    variants += [tuple(sorted(rng.sample(codes, k=max(2, len(codes) // 2)))) for _ in range(3) if len(codes) > 3]
    return list(dict.fromkeys(variants))


SCENARIOS = [
    # survey, questions (variable, numeric), breakdowns, filter variables
    (
        "demo_hardanger",
        [("q22", False), ("age", True)],
        [None, "gender", "age_group"],
        ["municipality", "gender", "age_group"],
    ),
    (
        "demo_national",
        [("q23", False), ("factory_index", True)],
        [None, "centrality", "education"],
        ["age_group", "gender", "centrality", "home_office_3plus"],
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("survey, questions, breakdowns, filter_variables", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_no_two_views_differing_in_one_filter_isolate_a_small_group(
    db, microdata, survey, questions, breakdowns, filter_variables
):
    leaks, views_checked = differencing_search(db, microdata(survey), survey, questions, breakdowns, filter_variables)
    assert not leaks, f"{len(leaks)} pairs of views isolate fewer than {MIN_N} respondents, e.g. {leaks[:3]}"
    assert views_checked > 400


def test_a_survey_the_rules_were_not_written_for_leaks_nothing_either(db):
    """An independently generated survey with very uneven weights and small groups (the R reference's
    mini data set, its own codebook), imported as a council would."""
    from pathlib import Path

    from app.ingest.survey_import import import_survey

    here = Path(__file__).resolve().parent
    import_survey(
        db, here / "r_reference" / "import" / "synth_mini300.csv", here / "data" / "mini_codebook.yaml", slug="unseen"
    )
    db.flush()
    data = load_microdata(db.connection(), "unseen")
    leaks, views_checked = differencing_search(
        db,
        data,
        "unseen",
        [("q12", False), ("q6_1", False), ("q3", True)],
        [None, "gender", "age_group", "q12"],
        ["gender", "age_group", "home_office_3plus", "centrality", "municipality"],
    )
    assert not leaks, f"{len(leaks)} pairs of views isolate fewer than {MIN_N} respondents, e.g. {leaks[:3]}"
    assert views_checked > 300


def differencing_search(db, data: pd.DataFrame, survey: str, questions, breakdowns, filter_variables):
    """Every pair of views that differ in one filter, for each question × breakdown × fixed other filter:
    the (question, by, group, view A, view B, respondents apart) of each pair that isolates 1 to min_n − 1."""
    meta = survey_meta(db, survey)
    rng = random.Random(2025)
    leaks, views_checked = [], 0
    known: dict[tuple, frozenset] = {}  # a view's group is in many pairs: its members are found once

    def members(question: str, by: str | None, group, where: dict, numeric: bool) -> frozenset:
        key = (question, by, group, numeric, tuple(sorted((v, tuple(codes)) for v, codes in where.items())))
        if key not in known:
            known[key] = _members(data, question, by, group, where, numeric)
        return known[key]

    for (question, numeric), by in itertools.product(questions, breakdowns):
        for attacked in filter_variables:
            if attacked == by:
                continue
            others = [v for v in filter_variables if v not in (attacked, by)]
            # the other filters held fixed: none, or one other filter at one of its codes
            contexts: list[dict] = [{}]
            for other in others:
                codes = _present(data, meta, other)
                contexts += [{other: [c]} for c in rng.sample(codes, k=min(2, len(codes)))]
            for context in contexts:
                views = {}
                for variant in _variants(_present(data, meta, attacked), rng):
                    where = {**context, **({attacked: list(variant)} if variant else {})}
                    views[variant] = (where, _view(db, survey, question, numeric, by, where))
                views_checked += len(views)
                for (where_a, shown_a), (where_b, shown_b) in itertools.combinations(views.values(), 2):
                    for group in set(shown_a) & set(shown_b):
                        a = members(question, by, group, where_a, numeric)
                        b = members(question, by, group, where_b, numeric)
                        assert len(a) == shown_a[group] and len(b) == shown_b[group]
                        if 0 < len(a ^ b) < MIN_N:
                            leaks.append((question, by, group, where_a, where_b, len(a ^ b)))
    return leaks, views_checked


def _present(data: pd.DataFrame, meta, variable: str) -> list[int]:
    """The codes an attacker would try: those someone has (all 357 municipalities would add nothing)."""
    present = set(data[variable].dropna().astype(int))
    return [c for c in meta.question(variable).valid_codes if c in present]


@pytest.mark.slow
@pytest.mark.parametrize("survey, questions, breakdowns, filter_variables", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_the_overall_view_minus_the_shown_groups_never_isolates_a_small_group(
    db, microdata, survey, questions, breakdowns, filter_variables
):
    data = microdata(survey)
    meta = survey_meta(db, survey)
    leaks, checked = [], 0
    for (question, numeric), by in itertools.product(questions, [b for b in breakdowns if b]):
        contexts = [{}] + [
            {v: [c]}
            for v in filter_variables
            if v != by
            for c in meta.question(v).valid_codes
            if c in set(data[v].dropna().astype(int))
        ]
        for where in contexts:
            total = _view(db, survey, question, numeric, None, where)
            groups = _view(db, survey, question, numeric, by, where)
            if not total:
                continue
            checked += 1
            everyone = _members(data, question, None, None, where, numeric)
            in_groups = frozenset().union(*[_members(data, question, by, g, where, numeric) for g in groups])
            if 0 < len(everyone - in_groups) < MIN_N:
                leaks.append((question, by, where, len(everyone - in_groups)))
    assert not leaks, f"overall minus groups isolates fewer than {MIN_N}: {leaks[:3]}"
    assert checked > 20


def test_headline_shares_are_protected_like_the_explorer(db, microdata):
    data = microdata("demo_hardanger")
    leaks = []
    for municipality in (4618, 4619, 4620, 4622):
        for age in [None, *survey_meta(db, "demo_hardanger").question("age_group").valid_codes]:
            where = {"municipality": [municipality], **({"age_group": [age]} if age else {})}
            row = estimate_categories(db, "demo_hardanger", [("q12", (1, 2, 3))], where=where, min_n=10)[0]
            if row.suppressed:
                continue
            everyone = _members(data, "q12", None, None, {"municipality": [municipality]}, False)
            these = _members(data, "q12", None, None, where, False)
            if 0 < len(everyone - these) < MIN_N:
                leaks.append((municipality, age))
    assert not leaks


# --- the command line at default settings --------------------------------------------------


def _cli_json(monkeypatch, capsys, database_url, *args) -> tuple[int, dict | None, str]:
    from app.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    code = main(["query", "--format", "json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else None), err


def test_query_refuses_min_n_below_one_and_warns_below_the_configured_minimum(monkeypatch, capsys, database_url):
    code, _result, err = _cli_json(
        monkeypatch, capsys, database_url, "--survey", "demo_national", "--question", "q22", "--min-n", "0"
    )
    assert code == 1 and "--min-n 0" in err and "Traceback" not in err
    code, result, err = _cli_json(
        monkeypatch,
        capsys,
        database_url,
        "--survey",
        "demo_national",
        "--question",
        "q22",
        "--by",
        "age_group",
        "--min-n",
        "5",
    )
    assert code == 0 and "warning" in err and "FJERNARBEID_MIN_N=10" in err
    assert result["min_n"] == 5


def test_query_prints_rounded_figures_without_weighted_counts_by_default(monkeypatch, capsys, database_url):
    code, result, _err = _cli_json(
        monkeypatch, capsys, database_url, "--survey", "demo_national", "--question", "q22", "--by", "age_group"
    )
    assert code == 0
    for row in result["rows"]:
        assert "n_weighted" not in row and "se" not in row
        for key in ("estimate", "ci_low", "ci_high"):
            assert row[key] is None or row[key] == round(row[key], 3)
    code, exact, _err = _cli_json(
        monkeypatch,
        capsys,
        database_url,
        "--survey",
        "demo_national",
        "--question",
        "q22",
        "--by",
        "age_group",
        "--exact",
    )
    assert any(row["estimate"] != round(row["estimate"], 3) for row in exact["rows"] if row["estimate"])
    assert all("n_weighted" in row for row in exact["rows"])


def test_a_differencing_search_through_the_cli_finds_nothing(monkeypatch, capsys, database_url):
    """The attack of the issue, as a script would run it against ``fjernarbeid query``."""
    base = ["--survey", "demo_hardanger", "--question", "q22", "--where", "municipality=4620", "--where", "gender=1"]
    shown = []
    for extra in ([], ["--where", "age_group=1,2,3"], ["--where", "age_group=1,2,3,4"], ["--where", "age_group=4"]):
        code, result, _err = _cli_json(monkeypatch, capsys, database_url, *base, *extra)
        assert code == 0
        row = result["rows"][0]
        shown.append(None if row["suppressed"] else row["n"])
    present = [n for n in shown if n is not None]
    assert all(a == b or abs(a - b) >= MIN_N for a, b in itertools.combinations(present, 2)), shown
