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


# --- what a model-based estimate cannot say (issue 20 §6) ------------------------------------------------

CAVEAT_WORDS = {
    "nb": ("bare utvalgsfeil", "Eidfjord og Ulvik", "ikke undersøkelsens populasjon"),
    "nn": ("berre utvalsfeil", "Eidfjord og Ulvik", "ikkje populasjonen i undersøkinga"),
    "en": ("sampling error only", "Eidfjord and Ulvik", "not the survey's population"),
}


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_the_command_says_what_the_estimate_cannot(database_url, monkeypatch, capsys, lang):
    from app.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    args = ["small-area", "--survey", "demo_national", "--question", "q22", "--collapse", "top2"]
    assert main([*args, "--municipality", "4619", "--lang", lang, "--format", "json"]) == 0
    caveats = " ".join(json.loads(capsys.readouterr().out)["caveats"])
    assert all(words in caveats for words in CAVEAT_WORDS[lang])
    assert main([*args, "--municipality", "4619", "--lang", lang]) == 0
    table = capsys.readouterr().out
    assert all(words in table for words in CAVEAT_WORDS[lang])


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_the_kommune_page_and_its_data_file_say_it_beside_the_model(client, lang):
    """The model column's note, the county map and both views' data files carry the caveats."""
    from app.web.pages import municipality

    for view in (municipality.SURVEY_TABLE, municipality.MODEL_MAP):
        address = f"/data/kommune.json?kommune=4619&survey=demo_national&lang={lang}&chart={view}"
        metadata = json.dumps(json.loads(client.get(address).data)["metadata"], ensure_ascii=False)
        assert all(words in metadata for words in CAVEAT_WORDS[lang]), view


def test_the_kommune_page_lists_the_caveats_under_the_table_and_the_map(app):
    from app.web.pages import municipality
    from tests.page_answers import drawn, page_answer

    answer = page_answer(app, municipality, "?kommune=4619&survey=demo_national", "nb")
    text = json.dumps(drawn(answer), default=str, ensure_ascii=False)
    for words in CAVEAT_WORDS["nb"]:
        assert text.count(words) >= 2, words  # under the key figures and under the map


# --- education as a covariate, the cells raked to both margins (issue 20 §6) --------------------------------

EDUCATION_GROUPS = {1: 1, 2: 1, 3: 2, 4: 3}  # q4 → the codebook's education_covariate groups ("Annet" left out)
WITH_EDUCATION = ("age_group", "gender", "education", "centrality")


@pytest.fixture(scope="module")
def education_reference() -> dict:
    return json.loads((R / "small_area_education_fixtures.json").read_text())


@pytest.fixture(scope="module")
def education_fit():
    d = pd.read_csv(R / "data" / "demo_national.csv")
    d["education"] = d.education.map(EDUCATION_GROUPS)
    valid = d[d.q22.notna() & (d.q22 != 6) & d[list(WITH_EDUCATION)].notna().all(axis=1)]
    y = valid.q22.isin([1, 2]).astype(float)
    data = {p: valid[p].astype(int).tolist() for p in WITH_EDUCATION}
    seed = valid.groupby(["age_group", "gender", "education"]).w.sum()
    seed_cells = {tuple(int(v) for v in key): float(w) for key, w in seed.items()}
    return fit_logistic(y, valid.w, data, WITH_EDUCATION, len(d)), seed_cells


def test_the_model_with_education_is_rs_svyglm(education_fit, education_reference):
    fit, _seed = education_fit
    assert fit.n == education_reference["n"] == 460  # the 488 of the model without education, less 28 "Annet"
    assert fit.design.names[5:7] == ["education2", "education3"]
    np.testing.assert_allclose(fit.coefficients, education_reference["coefficients"], rtol=0, atol=1e-8)
    r_covariance = np.array(education_reference["covariance"])
    np.testing.assert_allclose(np.diag(fit.covariance), np.diag(r_covariance), rtol=1e-5)


@pytest.mark.parametrize("municipality", ["0301", "4601", "4619", "4622"])
def test_the_raked_cells_and_the_estimate_agree_with_rs_rake(education_fit, education_reference, municipality):
    from app.stats.small_area import rake

    fit, seed = education_fit
    pop = pd.read_csv(R / "data" / "small_area_population.csv", dtype={"kommunenummer": str})
    cells = pop[pop.kommunenummer == municipality]
    education = pd.read_csv(R / "data" / "small_area_education.csv", dtype={"kommunenummer": str, "nivaa_code": str})
    percent = education[education.kommunenummer == municipality].set_index("nivaa_code").percent_of_residents_16plus
    shares = {1: percent[["01", "02a", "11"]].sum(), 2: percent["03a"], 3: percent["04a"]}
    total = float(cells.population.sum())
    raked = rake(
        seed,
        [
            ((0, 1), {(int(r.age_group), int(r.gender)): float(r.population) for r in cells.itertuples()}),
            ((2,), {(k,): total * s / sum(shares.values()) for k, s in shares.items()}),
        ],
    )
    expected = education_reference["areas"][municipality]
    r_cells = {(c["age_group"], c["gender"], c["education"]): c["population"] for c in expected["cells"]}
    assert set(raked) == set(r_cells)
    for key, people in r_cells.items():
        assert raked[key] == pytest.approx(people, rel=1e-7)
    result = area_estimate(fit, {"centrality": int(cells.centrality.iloc[0])}, raked)
    assert result.estimate == pytest.approx(expected["estimate"], abs=1e-6)
    assert result.se == pytest.approx(expected["se"], rel=1e-4)
    assert (result.ci_low, result.ci_high) == pytest.approx((expected["ci_low"], expected["ci_high"]), abs=1e-6)


def test_raking_meets_both_margins_and_refuses_an_empty_category():
    from app.stats.small_area import rake

    seed = {(1, 1): 4.0, (1, 2): 1.0, (2, 1): 1.0, (2, 2): 4.0}
    raked = rake(seed, [((0,), {(1,): 60.0, (2,): 40.0}), ((1,), {(1,): 50.0, (2,): 50.0})])
    assert raked[(1, 1)] + raked[(1, 2)] == pytest.approx(60) and raked[(1, 1)] + raked[(2, 1)] == pytest.approx(50)
    assert raked[(1, 1)] * raked[(2, 2)] / (raked[(1, 2)] * raked[(2, 1)]) == pytest.approx(16)  # the seed's odds ratio
    with pytest.raises(ValueError, match="no cell"):
        rake(seed, [((0,), {(3,): 10.0})])


@pytest.mark.parametrize("municipality", ["4622", "4619"])
def test_the_command_with_education_on_the_seeded_survey_agrees_with_r(
    database_url, monkeypatch, capsys, education_reference, reference, municipality
):
    from app.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    args = ["small-area", "--survey", "demo_national", "--question", "q22", "--collapse", "top2"]
    assert main([*args, "--municipality", municipality, "--education", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    expected = education_reference["areas"][municipality]
    assert document["estimate"] == pytest.approx(expected["estimate"], abs=1e-6)
    assert document["se"] == pytest.approx(expected["se"], rel=1e-4)
    assert document["ci_low"] == pytest.approx(expected["ci_low"], abs=1e-6)
    assert document["covariates"] == list(WITH_EDUCATION) and document["education_year"] == 2024
    assert "education" in document["method"] and "09429" in " ".join(document["caveats"])
    assert {c["education_label"] for c in document["cells"]} == {
        "Grunnskole, videregående eller fagskole",
        "Universitet eller høyskole, kort",
        "Universitet eller høyskole, lang",
    }
    # without --education the model is the one it always was
    assert main([*args, "--municipality", municipality, "--format", "json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert plain["estimate"] == pytest.approx(reference["areas"][municipality]["estimate"], abs=1e-6)
    assert plain["covariates"] == ["age_group", "gender", "centrality"] and plain["education_year"] is None
    assert main([*args, "--municipality", municipality, "--education"]) == 0
    assert "Utdanning" in capsys.readouterr().out  # the caveat on the education margin, in bokmål


def test_education_groups_must_not_overlap():
    from pydantic import ValidationError

    from app.ingest.codebook import EducationCovariate

    label = {"nb": "a", "nn": "a", "en": "a"}
    with pytest.raises(ValidationError, match="two groups"):
        EducationCovariate(
            variable="education",
            groups=[
                {"codes": [1, 2], "ssb_09429": ["01"], "label": label},
                {"codes": [2], "ssb_09429": ["02a"], "label": label},
            ],
        )


def test_the_county_table_gives_each_municipalitys_centrality_class_beside_its_estimate(client):
    """Why Eidfjord and Ulvik come out nearly alike: the same class, and a similar age structure."""
    from app.web.pages import municipality

    address = f"/data/kommune.json?kommune=4619&survey=demo_national&chart={municipality.MODEL_MAP}"
    rows = {r["municipality"]: r for r in json.loads(client.get(address).data)["views"][0]["rows"]}
    eidfjord, ulvik, bergen = rows["Eidfjord"], rows["Ulvik"], rows["Bergen"]
    assert eidfjord["centrality"] == ulvik["centrality"] == 6 and bergen["centrality"] == 2
    assert abs(eidfjord["value"] - ulvik["value"]) < 1  # percentage points


def _legend_of_a_county_map(estimates: list[float]) -> list[str]:
    from app.web.pages.municipality.model_map import model_map

    shapes = {
        f"46{k:02d}": (f"K{k}", [[(k, 0.0), (k + 1, 0.0), (k + 1, 1.0), (k, 0.0)]]) for k in range(len(estimates))
    }
    found = {f"46{k:02d}": (e, e - 0.05, e + 0.05) for k, e in enumerate(estimates)}
    figure = model_map(shapes, found, set(), "nb")
    return [t.name for t in figure.data if t.showlegend is not False and (t.legendgroup or "").startswith("band")]


def test_the_map_legend_tells_narrow_bands_apart():
    """Estimates within two points (14–16 %) make bands of 0,4 points: whole percentages labelled them
    «15 %–15 %»; each band now reads differently, with its own ends."""
    legend = _legend_of_a_county_map([0.142, 0.146, 0.150, 0.154, 0.158])
    assert len(legend) == 5 and len(set(legend)) == 5, legend
    assert all(low != high for low, high in (name.split("–") for name in legend)), legend
    assert legend[0] == "14,0\u00a0%–14,4\u00a0%"
    wide = _legend_of_a_county_map([0.10, 0.20, 0.30, 0.40, 0.59])
    assert wide[0] == "10\u00a0%–20\u00a0%"  # bands of whole points keep whole percentages
