"""Two surveys that share a question are compared as independent samples, as R's `survey` does on
each design (tests/r_reference/make_compare.R): each share, the difference B − A, its SE, interval
and test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.query.compare import compare_shares
from app.query.metadata import QueryError

FIXTURES = json.loads((Path(__file__).parent / "r_reference" / "compare_fixtures.json").read_text(encoding="utf-8"))
A, B = "demo_national", "demo_hardanger"


def _check(rows, expected: dict) -> None:
    codes = FIXTURES["codes"]
    assert [r.code for r in rows] == codes
    for k, row in enumerate(rows):
        assert row.a == pytest.approx(expected["a"][k], abs=1e-9)
        assert row.b == pytest.approx(expected["b"][k], abs=1e-9)
        assert row.se_a == pytest.approx(expected["se_a"][k], rel=1e-6)
        assert row.se_b == pytest.approx(expected["se_b"][k], rel=1e-6)
        assert row.difference == pytest.approx(expected["difference"][k], abs=1e-9)
        assert row.se == pytest.approx(expected["se"][k], rel=1e-6)
        assert row.ci_low == pytest.approx(expected["ci_low"][k], abs=1e-8)
        assert row.ci_high == pytest.approx(expected["ci_high"][k], abs=1e-8)
        assert row.p_value == pytest.approx(expected["p_value"][k], rel=1e-5)


def test_the_whole_surveys_agree_with_r(db):
    result = compare_shares(db, A, B, "q22", min_n=10)
    _check(result.rows, FIXTURES["all"][0])
    assert not any(r.suppressed for r in result.rows)


def test_by_gender_agrees_with_r(db):
    result = compare_shares(db, A, B, "q22", by="gender", min_n=10)
    assert {str(r.group_code) for r in result.rows} == {e["group"] for e in FIXTURES["by_gender"]}
    for expected in FIXTURES["by_gender"]:
        rows = [r for r in result.rows if str(r.group_code) == expected["group"]]
        _check(rows, expected)


def test_a_group_too_small_in_either_survey_is_suppressed_in_the_comparison(db):
    result = compare_shares(db, A, B, "q22", by="municipality", min_n=10)
    hidden = [r for r in result.rows if r.suppressed]
    assert hidden and all(r.difference is None and r.a is None and r.b is None for r in hidden)


def test_questions_with_other_codes_cannot_be_compared(db):
    with pytest.raises(QueryError, match="no question"):
        compare_shares(db, A, B, "does_not_exist", min_n=10)
    with pytest.raises(QueryError, match="two different surveys"):
        compare_shares(db, A, A, "q22", min_n=10)


def test_cli_prints_the_comparison(database_url, monkeypatch, capsys):
    from app.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["compare", "--survey", A, "--with", B, "--question", "q22", "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["rows"][0]["difference"] == pytest.approx(FIXTURES["all"][0]["difference"][0], abs=1e-9)
    assert main(["compare", "--survey", A, "--with", B, "--question", "q22", "--by", "gender"]) == 0
    table = capsys.readouterr().out
    assert "Mann" in table and "difference" in table


def test_the_explorer_shows_the_comparison_the_query_layer_computes(database_url, tmp_path):
    from app.config import Config
    from app.web import create_app
    from app.web.pages import survey
    from app.web.views.export import render_views
    from tests.page_answers import page_answer

    app = create_app(Config(database_url=database_url, data_dir=tmp_path, secret_key="t"))
    search = f"?survey={A}&question=q22&with={B}"
    answer = page_answer(app, survey, search, "nn")
    assert survey.WITH + ".options" in answer
    assert [o["value"] for o in answer[survey.WITH + ".options"]] == ["none", B]  # the surveys asking q22 the same way
    with app.server.app_context():
        view = next(v for v in render_views(survey.PAGE, search, "nn").views if v.id == survey.COMPARE)
    first = view.table.rows[0]
    assert first["difference"] == round(100 * FIXTURES["all"][0]["difference"][0], 1)
    assert first["a"] == round(100 * FIXTURES["all"][0]["a"][0], 1)
