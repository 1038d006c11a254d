"""Tiltak in a real browser: areas, evidence from the survey, progress grid, URL state, languages."""

import pytest

from app.language import format_share
from app.query.estimates import estimate_shares
from app.query.measures import catalogue, opportunities

CONTENT = "#measures-content .measures-area"
Q13 = "#measures-evidence-q13 .measures-evidence-value"


def _own_room(db, survey: str) -> str:
    rows = estimate_shares(db, survey, "q13", min_n=10).rows
    return format_share(next(r for r in rows if r.code == 1).estimate, "nb", 0).replace(
        "\xa0", " "
    )  # as Selenium reads it


def test_the_page_shows_the_evidence_the_progress_grid_and_the_synthetic_label(page, db):
    page.open("/tiltak?survey=demo_national", CONTENT)
    page.wait_idle()
    assert "Syntetiske data" in page.text(".synthetic-label")
    assert page.text(Q13) == _own_room(db, "demo_national")
    link = page.find_all("#measures-evidence-q13 a")[0].get_attribute("href")
    assert "/undersoking?" in link and "survey=demo_national" in link and "question=q13" in link
    assert page.find_all("#measures-area-coworking details.measures-grid[open]") == []  # folded away
    page.click("#measures-area-coworking .measures-grid summary")
    table = page.text("#measures-area-coworking .measures-progress")
    for name in ("Kvam", "Ulvik", "Eidfjord", "Ullensvang", "Hardangerrådet"):
        assert name in table
    assert "Ikke startet" in table
    assert "ikke registrert framdrift" in page.text(".measures-progress-note")
    assert "measure_progress" not in page.text("#measures-content")
    assert page.console_errors() == []


def test_changing_the_survey_updates_the_address_and_the_evidence(page, db):
    page.open("/tiltak?survey=demo_national", CONTENT)
    page.wait_idle()
    national, hardanger = _own_room(db, "demo_national"), _own_room(db, "demo_hardanger")
    assert national != hardanger, "the demo surveys should differ on q13"
    assert page.text(Q13) == national
    page.choose("measures-survey", "Hardanger")
    page.wait_until(lambda: "survey=demo_hardanger" in page.driver.current_url, message="URL did not change")
    page.wait_until(lambda: page.text(Q13) == hardanger, message="evidence did not change")
    page.driver.back()
    page.wait_until(lambda: "survey=demo_national" in page.driver.current_url)
    page.wait_until(lambda: page.text(Q13) == national, message="back did not restore the view")


def test_the_status_filter_changes_the_address_and_the_activities_shown(page):
    page.open("/tiltak", CONTENT)
    page.wait_idle()
    assert len(page.find_all(".measures-progress tbody tr")) > 0
    assert page.find_all(".measures-none") == []
    page.choose("measures-status", "Ferdig")
    page.wait_until(lambda: "status=done" in page.driver.current_url, message="URL did not change")
    page.wait_until(lambda: len(page.find_all(".measures-none")) == 5, message="activities were not filtered")
    assert page.find_all(".measures-progress tbody tr") == []
    assert "Ferdig" in page.text(".measures-none")


def test_a_bad_parameter_falls_back_to_defaults_with_a_notice(page):
    page.open("/tiltak?status=nope", CONTENT)
    page.wait_idle()
    assert "status=nope" in page.text(".url-notice")
    assert len(page.find_all(".measures-progress tbody tr")) > 0


@pytest.mark.parametrize("lang,heading", [("nb", "Tiltak"), ("nn", "Tiltak"), ("en", "Measures")])
def test_every_language_shows_all_areas_and_opportunities_accessibly(page, db, lang, heading):
    page.open(f"/tiltak?lang={lang}", CONTENT)
    page.wait_idle()
    assert page.text("h1") == heading
    assert page.driver.execute_script("return document.documentElement.lang") == lang
    areas = [h.text for h in page.find_all(".measures-area h2")]
    expected = catalogue(db)
    assert len(expected) == 5
    assert areas == [f"{a.number}. {a.title[lang]}" for a in expected]
    items = [li.text for li in page.find_all("#measures-opportunities li")]
    wanted = opportunities(db)
    assert len(wanted) == 8 and len(items) == 8
    for item, opportunity in zip(items, wanted, strict=False):
        assert item.startswith(opportunity.title[lang])
    assert page.axe_violations() == []


def test_the_summary_comes_first_and_the_grids_are_folded_so_the_page_is_short(page):
    page.open("/tiltak", CONTENT)
    page.wait_idle()
    rows = page.find_all("#measures-summary tbody tr")
    assert len(rows) == 5 and "av" in rows[0].text  # "0 av 7 gjennomført" per place
    assert page.find_all("details.measures-grid[open]") == [] and len(page.find_all("details.measures-grid")) == 5
    height = page.driver.execute_script("return document.documentElement.scrollHeight")
    assert height < 4500, height  # the open status grids made it 6 620 px
    page.driver.execute_script("document.getElementById('measures-summary').scrollIntoView({block: 'center'})")
    page.screenshot("tiltak")
    page.click("#measures-area-skills .measures-grid summary")
    page.wait_until(lambda: page.text("#measures-area-skills .measures-progress") != "", message="did not open")
    assert page.axe_violations() == []


@pytest.mark.parametrize("lang,heading", [("nb", "Intervju"), ("nn", "Intervju"), ("en", "Interviews")])
def test_the_interviews_page_shows_themes_and_quotes_accessibly(page, lang, heading):
    page.open(f"/intervju?lang={lang}", "#interviews-content .card")
    page.wait_idle()
    assert page.text("h1") == heading
    assert len(page.find_all("#interviews-content blockquote")) >= 12
    assert "Vi har senket skuldrene" in page.text("#interviews-theme-why")
    assert page.find_all("#interviews-content blockquote p[lang='nb']")
    assert page.console_errors() == []
    assert page.axe_violations() == []
    if lang == "nb":
        page.screenshot("intervju")
