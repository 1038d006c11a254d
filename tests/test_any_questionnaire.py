"""A council's own survey, its codebook written from docs/codebook-format.md alone (tests/data/
employee_codebook.yaml: service area, gender, birth year, one Likert item, wanted home-office days),
works everywhere: the explorer offers its own breakdowns and filters in its own words, and the pages
built for the NORCE questions say what is missing instead of failing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import delete

from app.config import LANGUAGES
from app.db.models import Survey
from app.web.pages import pages, survey
from tests.page_answers import page_answer

CODEBOOK = Path(__file__).parent / "data" / "employee_codebook.yaml"
SLUG = "ansatte_test"
FAILURES = ("render-failed", "database-error", "query-error", "Databasen svarer ikke", "has no variable")


def write_answers(path: Path, n: int = 240) -> Path:
    rng = np.random.default_rng(2026)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "tjenesteomrade", "kjonn", "fodselsar", "motivert", "onskede_dager"])
        for i in range(n):
            writer.writerow(
                [
                    f"A{i:04d}",
                    rng.integers(1, 4),
                    rng.integers(1, 3),
                    rng.integers(1960, 2001),
                    rng.integers(1, 6),
                    rng.integers(0, 4),
                ]
            )
    return path


@pytest.fixture(scope="module", autouse=True)
def own_survey(database_url, tmp_path_factory):
    """The survey imported (committed) for the module's tests, and removed after them."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from app.ingest.survey_import import import_survey

    engine = create_engine(database_url)
    data = write_answers(tmp_path_factory.mktemp("data") / "ansatte.csv")
    with Session(engine) as session, session.begin():
        import_survey(session, data, CODEBOOK, replace=True)
    yield SLUG
    with Session(engine) as session, session.begin():
        session.execute(delete(Survey).where(Survey.slug == SLUG))
    engine.dispose()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_behaves_for_the_new_survey(app, lang):
    for page in pages():
        if not page.has_views:
            continue
        text = json.dumps(page_answer(app, page, f"?survey={SLUG}", lang), default=str, ensure_ascii=False)
        assert not [f for f in FAILURES if f in text], page.path


def test_the_pages_built_for_norce_questions_say_what_is_missing(app):
    from app.web.pages import coworking, relationships

    for page in (relationships, coworking):
        text = json.dumps(page_answer(app, page, f"?survey={SLUG}", "nn"), default=str, ensure_ascii=False)
        assert "survey-lacks" in text and "/undersoking?" in text, page.path


def test_the_explorer_offers_the_surveys_own_breakdowns_and_filters_in_its_own_words(app):
    answer = page_answer(app, survey, f"?survey={SLUG}&question=motivert&by=tjenesteomrade&f1=2", "nb")
    text = json.dumps(answer["content"], default=str, ensure_ascii=False)
    assert "Helse og omsorg" in text and "Oppvekst" not in text  # broken down by service area, filtered to one
    assert answer["f1-label"] == "Tjenesteområde" and answer["f1-shown"] is None
    assert answer["f2-label"] == "Kjønn" and answer["f3-label"] == "Aldersgruppe"
    for dim in survey.FILTERS:  # the NORCE filters are hidden, not shown under their raw names
        assert answer[f"{dim}-shown"] == survey.HIDDEN


def test_the_explorer_still_offers_the_norce_filters_for_the_norce_surveys(app):
    answer = page_answer(app, survey, "?survey=demo_national&question=q22&f_age_group=1", "nb")
    assert answer["age_group-shown"] is None and answer["f1-shown"] == survey.HIDDEN


def test_the_command_line_breaks_it_down_by_its_own_variable(app, capsys, monkeypatch, database_url):
    from app.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["query", "--survey", SLUG, "--question", "onskede_dager", "--by", "tjenesteomrade"]) == 0
    assert "Tekniske tjenester" in capsys.readouterr().out
