"""Samanhengar in a real browser: findings per survey, URL state, languages, accessibility."""

import time

import pytest

from app.language import format_share, localized
from app.query.estimates import estimate_shares

READY = "#relationships-content .relationships-reading"
CENTRALITY = "#relationships-reading-centrality"


def _open_tables(page):
    """Switch every chart to its table."""
    for switch in page.find_all("#relationships-content .view-switch input[value=table]"):
        page.driver.execute_script("arguments[0].click();", switch)
    time.sleep(0.5)  # the buttons' colour transition (0.15 s) is over before anyone measures contrast


def test_the_findings_are_drawn_with_claims_readings_tests_and_the_synthetic_label(page, db):
    page.open("/samanhengar?survey=demo_national", READY)
    page.wait_idle()
    assert "Syntetiske data" in page.text(".synthetic-label")
    assert [h.text for h in page.find_all("#relationships-content h2")] == [
        "Bruk av hjemmekontor og syn på hjemmekontor",
        "Arbeidsplass hjemme og syn på hjemmekontor",
        "Smultringeffekten: hjemmekontor og akseptabel reisetid",
        "Fabrikkparadigmet og vilje til å flytte",
        "Sentralitet, utdanning og hvor attraktive distriktskommuner er",
    ]
    assert len(page.find_all("#relationships-content .js-plotly-plot")) == 6
    assert "NORCE (2025) kap. 3.2.5" in page.text("#relationships-doughnut")
    assert "Rao–Scott-test, p" in page.text("#relationships-doughnut .relationships-test")
    # A known number from the query layer: the top-2 share for the most central municipalities.
    result = localized(estimate_shares(db, "demo_national", "q23", by="centrality", collapse="top2", min_n=10), "nb")
    central = next(r for r in result.rows if r.group_code == 1)
    share = format_share(central.estimate, "nb", 0).replace("\u00a0", " ")  # Selenium's .text turns NBSP into spaces
    assert f"«{central.group}» synes {share}" in page.text(CENTRALITY)
    assert page.console_errors() == []
    page.screenshot("samanhengar")
    page.driver.execute_script(
        "const r = document.querySelector('#relationships-home-office').getBoundingClientRect();"
        "window.scrollTo(0, window.scrollY + r.top - 8);"
    )
    page.wait_idle()
    page.screenshot("samanhengar-chart")


def test_the_tables_behind_the_charts_open(page, db):
    page.open("/samanhengar?survey=demo_national", READY)
    page.wait_idle()
    _open_tables(page)
    result = localized(estimate_shares(db, "demo_national", "q23", by="centrality", collapse="top2", min_n=10), "nb")
    central = next(r for r in result.rows if r.group_code == 1)
    table = page.find_all("#relationships-attractiveness table.relationships-table")[0]
    page.wait_until(lambda: table.is_displayed())
    assert (
        format_share(central.estimate, "nb", 0).replace("\u00a0", " ") in table.text
        and "1 – mest sentral" in table.text
    )


def test_changing_the_survey_updates_the_address_and_the_readings(page):
    page.open("/samanhengar?survey=demo_national", READY)
    page.wait_idle()
    before = page.text(CENTRALITY)
    page.choose("relationships-survey", "Hardanger")
    page.wait_until(lambda: "survey=demo_hardanger" in page.driver.current_url, message="URL did not change")
    page.wait_until(lambda: page.text(CENTRALITY) != before, message="reading did not change")
    assert "«1 – mest sentral»" not in page.text(CENTRALITY)  # Hardanger has no central municipality
    page.driver.back()
    page.wait_until(lambda: "demo_national" in page.driver.current_url)
    page.wait_until(lambda: page.text(CENTRALITY) == before, message="back did not restore the view")


def test_a_bad_parameter_falls_back_to_defaults_with_a_notice(page):
    page.open("/samanhengar?survey=nope", READY)
    page.wait_idle()
    assert "survey=nope" in page.text(".url-notice")
    assert "«1 – mest sentral»" in page.text(CENTRALITY)  # the default survey, the national demo


@pytest.mark.parametrize("lang,heading", [("nb", "Sammenhenger"), ("nn", "Samanhengar"), ("en", "Relationships")])
def test_every_language_and_no_serious_accessibility_violations(page, lang, heading):
    page.open(f"/samanhengar?lang={lang}", READY)
    page.wait_idle()
    assert page.text("h1") == heading
    assert page.driver.execute_script("return document.documentElement.lang") == lang
    _open_tables(page)  # check the tables too
    assert page.axe_violations() == []
