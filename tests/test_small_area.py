"""Model-based estimates for municipalities the survey cannot describe directly, held against R's
``svyglm(family = quasibinomial())`` and the delta method (tests/r_reference/make_small_area.R)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.stats.small_area import area_estimate, fit_logistic

R = Path(__file__).parent / "r_reference"
PREDICTORS = ("age_group", "gender", "centrality")


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads((R / "small_area_fixtures.json").read_text())


@pytest.fixture(scope="module")
def fit():
    d = pd.read_csv(R / "data" / "demo_national.csv")
    valid = d[d.q22.notna() & (d.q22 != 6) & d[list(PREDICTORS)].notna().all(axis=1)]
    y = valid.q22.isin([1, 2]).astype(float)
    return fit_logistic(y, valid.w, {p: valid[p].astype(int).tolist() for p in PREDICTORS}, PREDICTORS, len(d))


def test_the_model_is_rs_svyglm(fit, reference):
    assert fit.n == reference["n"]
    assert len(fit.design.names) == len(reference["names"])
    np.testing.assert_allclose(fit.coefficients, reference["coefficients"], rtol=0, atol=1e-8)
    # R's glm stops its IRLS at a relative deviance change of 1e-8 and keeps the working weights of its
    # last-but-one step, so its covariance differs from the converged one by a few parts in a million;
    # counting only the fitted rows in N (not the design's) would be 5e-5 off
    r_covariance = np.array(reference["covariance"])
    assert np.linalg.norm(fit.covariance - r_covariance) / np.linalg.norm(r_covariance) < 1e-5
    np.testing.assert_allclose(np.diag(fit.covariance), np.diag(r_covariance), rtol=1e-5)


@pytest.mark.parametrize("municipality", ["0301", "4601", "4619", "4622"])
def test_a_municipalitys_estimate_se_and_interval_agree_with_r(fit, reference, municipality):
    pop = pd.read_csv(R / "data" / "small_area_population.csv", dtype={"kommunenummer": str})
    cells = pop[pop.kommunenummer == municipality]
    result = area_estimate(
        fit,
        {"centrality": int(cells.centrality.iloc[0])},
        {(int(r.age_group), int(r.gender)): float(r.population) for r in cells.itertuples()},
    )
    expected = reference["areas"][municipality]
    assert result.estimate == pytest.approx(expected["estimate"], abs=1e-6)
    assert result.se == pytest.approx(expected["se"], rel=1e-4)
    assert (result.ci_low, result.ci_high) == pytest.approx((expected["ci_low"], expected["ci_high"]), abs=1e-6)
    assert sum(c["weight"] for c in result.cells) == pytest.approx(1)
    assert result.ci_low < result.estimate < result.ci_high


def test_a_level_the_model_never_saw_is_refused(fit):
    with pytest.raises(ValueError, match="not among the levels"):
        area_estimate(fit, {"centrality": 9}, {(1, 1): 10.0})


@pytest.mark.parametrize("municipality", ["4622", "4619", "4601"])
def test_the_command_on_the_seeded_demo_survey_agrees_with_r(
    database_url, monkeypatch, capsys, reference, municipality
):
    """The seeded demo survey is the respondent file R read, and the seeded SSB population the one the
    fixture's cells were cut from: the command's numbers are R's."""
    from app.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    code = main(
        [
            "small-area",
            "--survey",
            "demo_national",
            "--question",
            "q22",
            "--collapse",
            "top2",
            "--municipality",
            municipality,
            "--format",
            "json",
        ]
    )
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    expected = reference["areas"][municipality]
    assert document["estimate"] == pytest.approx(expected["estimate"], abs=1e-6)
    assert document["se"] == pytest.approx(expected["se"], rel=1e-4)
    assert document["ci_low"] == pytest.approx(expected["ci_low"], abs=1e-6)
    assert document["population_year"] == 2026 and document["categories"] == [1, 2]
    assert document["method"].startswith("model-based estimate")
    assert "Syntetiske data" in document["synthetic_note"]
    assert [c["predicted"] for c in document["cells"]] == pytest.approx(expected["predicted"], abs=1e-6)
    assert {c["age_group_label"] for c in document["cells"]} == {"25–34 år", "35–44 år", "45–54 år", "55–60 år"}


def test_the_command_says_what_a_survey_lacks(database_url, monkeypatch, capsys):
    from app.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["small-area", "--survey", "demo_national", "--question", "age", "--municipality", "4622"]) != 0
    assert main(["small-area", "--survey", "demo_national", "--question", "q22", "--municipality", "9999"]) != 0
    err = capsys.readouterr().err
    assert "answer categories" in err and "9999" in err
