"""A council's own survey in the browser: every page behaves (no error text, axe clean), and the survey
explorer offers its own breakdown and filters in its own words."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, delete
from sqlalchemy.orm import Session

from app.db.models import Survey
from app.web.pages import pages
from tests.test_any_questionnaire import CODEBOOK, SLUG, write_answers


@pytest.fixture(scope="module")
def own_survey(database_url, tmp_path_factory):
    from app.ingest.survey_import import import_survey

    engine = create_engine(database_url)
    data = write_answers(tmp_path_factory.mktemp("own") / "ansatte.csv")
    with Session(engine) as session, session.begin():
        import_survey(session, data, CODEBOOK, replace=True)
    yield SLUG
    with Session(engine) as session, session.begin():
        session.execute(delete(Survey).where(Survey.slug == SLUG))
    engine.dispose()


def test_every_page_behaves_for_a_survey_written_from_the_documentation(page, own_survey):
    for module in pages():
        if not hasattr(module, "STATE"):
            continue
        page.open(f"{module.path}?survey={own_survey}&lang=nn", "main h1")
        page.wait_idle()
        text = page.text("main")
        assert not [f for f in ("Databasen svarar ikkje", "Noko gjekk gale", "has no variable") if f in text], (
            module.path
        )
        if any(p.name == "survey" for p in module.state.params):  # /intervju shows the report, no survey data
            assert "Oppdikta testdata" in text, module.path  # labelled as invented everywhere
        assert page.axe_violations() == [], module.path
    assert page.console_errors() == []


def test_the_explorer_breaks_down_by_the_surveys_own_variable(page, own_survey):
    page.open(f"/undersoking?survey={own_survey}&question=motivert&by=tjenesteomrade", "#survey-content")
    page.wait_idle()
    assert "Helse og omsorg" in page.text("#survey-content")
    page.click("#survey-more > summary")  # the filters, folded under one line
    labels = [e.text for e in page.find_all("#survey-filter-f1-label, #survey-filter-f2-label")]
    assert labels == ["Tenesteområde", "Kjønn"] or labels == ["Tjenesteområde", "Kjønn"]
    hidden = page.driver.execute_script(
        "return getComputedStyle(document.getElementById('survey-filter-age_group-col')).display"
    )
    assert hidden == "none"
    assert page.axe_violations() == []
