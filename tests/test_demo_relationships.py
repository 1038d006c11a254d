"""The relationships the NORCE 2025 report states hold in the imported national demo survey.

The report publishes which relationships are significant and in which direction, not the
microdata. Each test below checks one of them in ``demo_national`` as stored in PostgreSQL by
the real importer: weighted least squares on the answer codes (weights = respondent weight)
with HC1 robust standard errors, "don't know" answers excluded. A relationship the report
calls significant must have the same sign and p < 0.05; where the report finds no difference,
p must be above 0.05.

Coding reminders: agree / important / relevant / attractive is the *low* code, so a positive
coefficient means "more disagreement", "less important", "less relevant", "less attractive".
q12 runs from 1 (every day) to 6 (never), so a higher q12 code means less home office.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

SURVEY = "demo_national"
ALPHA = 0.05

_VARIABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


# --- helpers ------------------------------------------------------------------------------


def load_wide(db: Session, variables: list[str], survey: str = SURVEY) -> pd.DataFrame:
    """One row per respondent of ``survey``: ``weight`` and one column per variable.

    Coded answers come from ``answer.code``, numeric ones (``factory_index``, ``age``) from
    ``answer.number``. Codes the codebook marks as missing ("don't know") become NaN, as do
    questions a respondent was not asked.
    """
    for name in variables:
        if not _VARIABLE_NAME.match(name):  # column aliases cannot be bound parameters
            raise ValueError(f"not a variable name: {name!r}")
    columns = ",\n".join(
        f"max(CASE WHEN ao.is_missing IS TRUE THEN NULL ELSE coalesce(a.code::float8, a.number) END)"
        f" FILTER (WHERE q.variable = :v{i}) AS {name}"
        for i, name in enumerate(variables)
    )
    statement = text(
        f"""
        SELECT r.id AS respondent_id, r.weight,
               {columns}
        FROM respondent r
        JOIN survey s ON s.id = r.survey_id
        LEFT JOIN (answer a
                   JOIN question q ON q.id = a.question_id AND q.variable IN :variables
                   LEFT JOIN answer_option ao ON ao.question_id = a.question_id AND ao.code = a.code)
               ON a.respondent_id = r.id
        WHERE s.slug = :survey
        GROUP BY r.id, r.weight
        ORDER BY r.id
        """
    ).bindparams(bindparam("variables", expanding=True))
    params = {"survey": survey, "variables": list(variables)}
    params.update({f"v{i}": name for i, name in enumerate(variables)})
    rows = db.execute(statement, params).mappings().all()
    frame = pd.DataFrame(rows, columns=["respondent_id", "weight", *variables])
    return frame.astype({"weight": float, **{v: float for v in variables}}).set_index("respondent_id")


def wls(frame: pd.DataFrame, outcome: str, predictors: list[str]):
    """Weighted least squares of ``outcome`` on ``predictors`` (+ constant), HC1 standard errors."""
    data = frame.dropna(subset=[outcome, *predictors])
    design = sm.add_constant(data[predictors].astype(float), has_constant="add")
    return sm.WLS(data[outcome].astype(float), design, weights=data["weight"]).fit(cov_type="HC1")


def cronbach_alpha(items: pd.DataFrame) -> float:
    """Cronbach's alpha of the columns of ``items`` (complete cases only)."""
    complete = items.dropna()
    k = complete.shape[1]
    item_variances = complete.var(axis=0, ddof=1).sum()
    total_variance = complete.sum(axis=1).var(ddof=1)
    return k / (k - 1) * (1 - item_variances / total_variance)


def assert_significant(result, term: str, sign: int) -> None:
    coefficient, p_value = result.params[term], result.pvalues[term]
    assert np.sign(coefficient) == sign, f"{term}: b = {coefficient:+.3f} has the wrong sign"
    assert p_value < ALPHA, f"{term}: b = {coefficient:+.3f} not significant (p = {p_value:.3g})"


def assert_no_difference(result, term: str) -> None:
    p_value = result.pvalues[term]
    assert p_value > ALPHA, f"{term}: b = {result.params[term]:+.3f} is significant (p = {p_value:.3g})"


# --- the frame the tests read -------------------------------------------------------------


def test_wide_frame_has_one_row_per_respondent_and_no_dont_know_codes(db):
    frame = load_wide(db, ["q6_1", "q13", "q21", "workspace", "factory_index"])
    assert len(frame) == 500 and frame.index.is_unique
    assert (frame["weight"] > 0).all()
    assert frame["q6_1"].isna().any() and set(frame["q6_1"].dropna()) <= {1, 2, 3, 4, 5}
    assert set(frame["q13"].dropna()) <= {1, 2, 3} and set(frame["workspace"].dropna()) <= {1, 2, 3}
    assert set(frame["q21"].dropna()) <= {1, 2, 3, 4}
    assert frame["factory_index"].between(1, 5).all()


# --- 1. amount of home office and views of home office ------------------------------------


@pytest.mark.parametrize(
    ("statement", "sign"),
    [
        ("q6_1", +1),  # "as efficient at home": those at home more often agree more (lower code)
        ("q6_2", -1),  # "hard to collaborate": those at home more often disagree more (higher code)
        ("q6_3", -1),  # "hard to be creative"
        ("q6_4", -1),  # "hard to build a good work environment"
    ],
)
def test_more_home_office_goes_with_more_positive_views_of_home_office(db, statement, sign):
    frame = load_wide(db, [statement, "q12"])
    assert_significant(wls(frame, statement, ["q12"]), "q12", sign)


# --- 2. home office 3+ days a week, travel time and residence factors ---------------------


def _home_office_3plus(db, outcome: str) -> pd.DataFrame:
    frame = load_wide(db, [outcome, "home_office_3plus"])
    frame["three_days_or_more"] = (frame["home_office_3plus"] == 1).astype(float)
    frame.loc[frame["home_office_3plus"].isna(), "three_days_or_more"] = np.nan
    return frame


def test_home_office_three_days_a_week_or_more_goes_with_longer_acceptable_travel_time(db):
    frame = _home_office_3plus(db, "q21")
    assert_significant(wls(frame, "q21", ["three_days_or_more"]), "three_days_or_more", +1)


def test_home_office_three_days_a_week_or_more_makes_job_opportunities_less_important(db):
    frame = _home_office_3plus(db, "q16_5")
    assert_significant(wls(frame, "q16_5", ["three_days_or_more"]), "three_days_or_more", +1)


@pytest.mark.parametrize("factor", ["q16_1", "q16_2", "q16_3", "q16_4"])
def test_home_office_three_days_a_week_or_more_makes_no_difference_to_other_residence_factors(db, factor):
    frame = _home_office_3plus(db, factor)
    assert_no_difference(wls(frame, factor, ["three_days_or_more"]), "three_days_or_more")


# --- 3. the factory paradigm and willingness to move --------------------------------------


def test_a_stronger_factory_view_goes_with_less_willingness_to_move(db):
    frame = load_wide(db, ["q22", "factory_index"])
    assert_significant(wls(frame, "q22", ["factory_index"]), "factory_index", +1)


def test_work_from_anywhere_and_mostly_at_the_workplace_are_negatively_related(db):
    frame = load_wide(db, ["q10_1", "q10_2"])
    assert_significant(wls(frame, "q10_2", ["q10_1"]), "q10_1", -1)


def test_the_six_factory_index_items_have_good_internal_consistency(db):
    frame = load_wide(db, ["q6_1", "q6_2", "q6_3", "q6_4", "q10_1", "q10_2"])
    items = pd.DataFrame(
        {
            "q6_1": frame["q6_1"],
            "q6_2": 6 - frame["q6_2"],
            "q6_3": 6 - frame["q6_3"],
            "q6_4": 6 - frame["q6_4"],
            "q10_1": frame["q10_1"],
            "q10_2": 6 - frame["q10_2"],
        }
    )
    assert cronbach_alpha(items) >= 0.6


# --- 4. centrality, age and the attraction of a rural municipality ------------------------


def test_central_residents_find_a_rural_municipality_less_attractive(db):
    frame = load_wide(db, ["q23", "centrality"])
    frame["central"] = frame["centrality"].isin([1, 2]).astype(float)
    frame.loc[frame["centrality"].isna(), "central"] = np.nan
    assert_significant(wls(frame, "q23", ["central"]), "central", +1)


def test_age_groups_do_not_differ_in_how_attractive_a_rural_municipality_is(db):
    frame = load_wide(db, ["q23", "age_group"]).dropna(subset=["age_group"])
    dummies = pd.get_dummies(frame["age_group"].astype(int), prefix="age", drop_first=True, dtype=float)
    assert dummies.shape[1] == 3  # four age groups
    result = wls(frame.join(dummies), "q23", list(dummies.columns))
    joint = result.f_test(" = 0, ".join(dummies.columns) + " = 0")
    assert float(joint.pvalue) > ALPHA, (
        f"age groups differ: F = {float(joint.fvalue):.2f}, p = {float(joint.pvalue):.3g}"
    )


# --- 5. education and the attraction of a rural municipality ------------------------------


def _education_frame(db) -> pd.DataFrame:
    frame = load_wide(db, ["q23", "education"])
    return frame[frame["education"].isin([1, 2, 3, 4])].copy()  # code 5 "annet" has no order


def test_higher_education_goes_with_finding_a_rural_municipality_less_attractive(db):
    frame = _education_frame(db)
    assert_significant(wls(frame, "q23", ["education"]), "education", +1)


def test_master_or_higher_are_the_most_negative_to_a_rural_municipality(db):
    frame = _education_frame(db).dropna(subset=["q23"])
    means = frame.groupby("education").apply(lambda g: np.average(g["q23"], weights=g["weight"]))
    assert means.idxmax() == 4, f"weighted mean q23 by education: {means.round(2).to_dict()}"
    frame["master_or_higher"] = (frame["education"] == 4).astype(float)
    assert_significant(wls(frame, "q23", ["master_or_higher"]), "master_or_higher", +1)


# --- 6. workspace at home ------------------------------------------------------------------


def _workspace_frame(db, outcome: str) -> pd.DataFrame:
    frame = load_wide(db, [outcome, "workspace"])
    frame = frame[frame["workspace"].isin([1, 2, 3])].copy()  # asked if q12 < 6; code 4 is missing
    frame["no_fixed_workspace"] = (frame["workspace"] == 3).astype(float)
    return frame


@pytest.mark.parametrize(
    ("statement", "sign"),
    [
        ("q6_1", +1),  # less agreement that home office is as efficient
        ("q6_2", -1),  # more agreement that collaboration is hard
        ("q6_3", -1),  # more agreement that creativity is hard
        ("q6_4", -1),  # more agreement that a good work environment is hard to build
    ],
)
def test_no_fixed_workspace_at_home_goes_with_more_negative_views_of_home_office(db, statement, sign):
    frame = _workspace_frame(db, statement)
    assert_significant(wls(frame, statement, ["no_fixed_workspace"]), "no_fixed_workspace", sign)


def test_no_fixed_workspace_at_home_goes_with_less_home_office(db):
    frame = _workspace_frame(db, "q12")
    assert_significant(wls(frame, "q12", ["no_fixed_workspace"]), "no_fixed_workspace", +1)


# --- 7. acceptable travel time and willingness to move ------------------------------------


def test_those_accepting_at_most_half_an_hour_of_travel_are_less_willing_to_move(db):
    frame = load_wide(db, ["q22", "q21"])
    frame = frame[frame["q21"].isin([1, 2])].copy()
    frame["half_an_hour_at_most"] = (frame["q21"] == 1).astype(float)
    assert_significant(wls(frame, "q22", ["half_an_hour_at_most"]), "half_an_hour_at_most", +1)
