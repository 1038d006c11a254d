"""The employee-survey demo (after Bærum 2020) is calibrated to the figures the municipality published
(survey ``baerum2020`` in seed/published_figures.csv): each as the municipality words it (a point within ±2
percentage points, "under halvparten" below 50 %, "over 90 %" above 90 %), computed through the real
importer and query layer from the seeded database."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from app.query.estimates import estimate_category, estimate_shares
from app.stats.published import agrees_with_published

ROOT = Path(__file__).resolve().parents[1]
SURVEY = "demo_ansatte"
TOLERANCE = 0.02


def published(measure_start: str) -> tuple[float, str]:
    """The published share (0–1) and its qualifier."""
    with (ROOT / "seed" / "published_figures.csv").open(encoding="utf-8") as handle:
        row = next(
            r for r in csv.DictReader(handle) if r["survey"] == "baerum2020" and r["measure"].startswith(measure_start)
        )
    value = row["value"]
    if "/" in value:
        top, bottom = value.split("/")
        return float(top) / float(bottom), row["qualifier"]
    return float(value) / (100 if row["unit"].startswith("percent") else 1), row["qualifier"]


@pytest.mark.parametrize(
    ("measure", "variable", "codes", "where"),
    [
        ("share fully/partly agreeing they are as motivated", "motivert", [1, 2], None),
        ("share fully/partly agreeing it is easy to collaborate", "samarbeid", [1, 2], None),
        ("share for whom predictability", "forutsigbarhet", [1, 2], None),
        ("share with own workroom at home", "eget_arbeidsrom", [1], None),
        ("share with a fixed workplace at home", "fast_arbeidsplass", [1], None),
        ("share without office desk", "mangler_utstyr", [1], None),
        ("share of employees using their private network", "privat_nett", [1], {"rolle": [2]}),
        ("share who would like home office to some degree", "onske_etter", [1], None),
        ("share answering no or unsure", "onske_etter", [2, 3], None),
        ("share who would like home office up to 3 days", "onsket_omfang", [4], None),
        ("share of respondents who are union representatives", "tillitsvalgt", [1], None),
        ("share of respondents who are safety representatives", "verneombud", [1], None),
    ],
)
def test_each_published_figure_is_met_within_two_points(db, measure, variable, codes, where):
    estimate = estimate_category(db, SURVEY, variable, codes, where=where, min_n=10).estimate
    value, qualifier = published(measure)
    assert agrees_with_published(100 * estimate, 100 * value, qualifier, 100 * TOLERANCE), (estimate, value, qualifier)


def test_the_main_advantages_and_disadvantages_rank_as_published(db):
    def share(variable: str) -> float:
        return estimate_category(db, SURVEY, variable, [1], min_n=10).estimate

    assert share("fordel_tid") > share("fordel_konsentrasjon") > share("fordel_fleksibilitet")
    assert share("fordel_fleksibilitet") == pytest.approx(share("fordel_effektivitet"), abs=0.005)  # shared third
    assert share("ulempe_kontakt") > share("ulempe_stillesitting") > share("ulempe_tilrettelegging")


@pytest.mark.parametrize(
    ("measure", "variable", "codes", "where"),
    [
        ("difference vs average in share who would like home office after", "onske_etter", [1], {}),
        ("difference vs average in share wanting home office up to 3 days", "onsket_omfang", [4], {}),
        ("difference vs average in share with own workroom", "eget_arbeidsrom", [1], {}),
    ],
)
def test_technical_services_differ_from_the_average_as_published(db, measure, variable, codes, where):
    everyone = estimate_category(db, SURVEY, variable, codes, min_n=10).estimate
    technical = estimate_category(db, SURVEY, variable, codes, where={"tjenesteomrade": [3]}, min_n=10).estimate
    expected, _ = published(measure)  # percentage points, as a proportion
    assert technical - everyone == pytest.approx(expected, abs=TOLERANCE)


def test_the_age_pattern_the_presentation_describes(db):
    by_age = estimate_shares(db, SURVEY, "onsket_omfang", by="aldersgruppe", min_n=10)
    share = {(r.group_code, r.code): r.estimate for r in by_age.rows}
    up_to_3 = {age: share[(age, 4)] for age in range(1, 6)}
    sporadic = {age: share[(age, 1)] for age in range(1, 6)}
    assert max(up_to_3, key=up_to_3.get) == 2  # 31–40
    assert max(sporadic, key=sporadic.get) == 1  # the youngest


def test_the_file_is_what_the_generator_makes():
    result = subprocess.run(
        [sys.executable, "seed/generate_employee_demo.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_is_labelled_synthetic_and_set_beside_the_national_wish(db):
    from app.query.metadata import survey_meta
    from app.query.national import benchmarks

    meta = survey_meta(db, SURVEY)
    assert meta.codebook["survey"]["is_synthetic"] is True
    [wish] = benchmarks(db, SURVEY, min_n=10)
    assert wish.national == "afi_wish_weekly_2022" and wish.estimate.estimate == pytest.approx(0.65, abs=0.001)
