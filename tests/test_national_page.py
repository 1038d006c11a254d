"""Nasjonalt bilete: the national figures as the sources state them (never computed or altered), their
breaks in comparability, the rules, and a council's own survey beside them only where its codebook
declares the same measure."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from app.config import LANGUAGES
from app.query.estimates import estimate_category
from app.query.national import home_office_possibility
from app.web.pages import national
from tests.page_answers import page_answer


def views_of(app, search: str, lang: str) -> dict:
    from app.web.views.export import render_views

    with app.server.app_context():
        return {v.id: v for v in render_views(national.PAGE, search, lang).views}


PUBLISHED = Path(__file__).resolve().parents[1] / "seed" / "published_figures.csv"


def published(measure: str, base_start: str = "") -> float:
    with PUBLISHED.open(encoding="utf-8") as handle:
        return next(
            float(r["value"])
            for r in csv.DictReader(handle)
            if r["measure"] == measure and r["breakdown"].startswith(base_start)
        )


def test_table_1_is_the_published_series_with_its_break(db):
    waves = {w.survey: w.values for w in home_office_possibility(db)}
    assert waves["HK2022"]["fixed"] == published("possibility to work from home: yes, as a fixed arrangement (HK2022)")
    assert waves["YSAB2020"]["when_needed"] == published(
        "possibility to work from home: yes, but only when needed (YSAB2020)"
    )
    assert waves["LKU 2019"]["total"] == published("has possibility of home office (total) (LKU 2019)")
    assert waves["LKU 2019"]["fixed"] is None  # another question: no split
    assert waves["HK2021"]["n"] == published("number of respondents (unweighted N) (HK2021)")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_shows_every_section_in_every_language(app, lang):
    answer = page_answer(app, national, "?survey=demo_national", lang)
    text = json.dumps(answer["content"], default=str, ensure_ascii=False)
    assert "render-failed" not in text and "query-error" not in text
    views = views_of(app, "?survey=demo_national", lang)
    assert set(views) == {
        national.POSSIBILITY,
        national.FREQUENCY,
        national.CONDITIONS,
        national.EMPLOYERS,
        national.MUNICIPAL,
        national.BESIDE,
    }
    municipal = [row["value"] for row in views[national.MUNICIPAL].table.rows]
    assert municipal[:2] == [65, round(100 / 3, 1)]  # Bærum 2020 as published ("ca 1/3" shown as a percent)
    conditions = {row["value"] for row in views[national.CONDITIONS].table.rows}
    assert (
        published(
            "share of employees with home office wanting to work from home at least one day a week (normal situation)",
            "employees with home office, 2022",
        )
        in conditions
    )
    employers = [row["value"] for row in views[national.EMPLOYERS].table.rows]
    assert employers == [89, 95, 75, 85]  # as seed 002 states them (published_figures.csv)
    assert "hjemmekontorforskriften" in text


def test_a_survey_is_set_beside_only_where_its_codebook_says_so(app, db):
    beside = views_of(app, "?survey=demo_national", "nb")[national.BESIDE]
    row = beside.table.rows[0]
    expected = estimate_category(db, "demo_national", "q12", [1, 2, 3], min_n=10)
    assert row["survey"] == round(100 * expected.estimate, 1)
    assert row["national"] == published(
        "share working from home the whole day at least weekly", "employees with possibility of home office, 2022"
    )
    assert "Ikke helt samme mål" in row["note"]
    assert beside.synthetic  # the demo survey is synthetic, and says so


def test_without_benchmarks_the_page_says_what_is_missing(app):
    from app.web.views.block import Views

    section = national._beside_section(Views(national.PATH, None), None, [], "nn")  # type: ignore[arg-type]
    assert "benchmarks" in json.dumps(section.to_plotly_json(), default=str)
