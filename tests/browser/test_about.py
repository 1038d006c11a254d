"""Om data og metode in a real browser: survey cards from the URL, methods, attribution, versions."""

import os

import pytest

from app.config import Config
from app.language import format_number
from app.query.about import survey_details

CONTENT = "#about-content #about-methods"
ATTRIBUTION_NB = (
    "Kommunegrenser © Kartverket (CC BY 4.0). Befolkning og sentralitet: Statistisk sentralbyrå "
    "(CC BY 4.0). Postnummer: Posten Bring, postnummerregisteret."
)


def _selected(page) -> list[str]:
    return [e.get_attribute("id") for e in page.find_all(".about-survey-selected")]


def test_the_page_documents_surveys_imports_and_reference_data(page, db):
    page.open("/om?survey=demo_national", CONTENT)
    page.wait_idle()
    assert "Syntetiske data" in page.text(".synthetic-label")
    assert page.text("#about-attribution") == ATTRIBUTION_NB
    assert "SSB sentralitetsindeks" in page.text("#about-centrality")
    assert page.text("#about-population-year") == "Befolkning per 1. januar 2026"
    card = page.text("#about-card-demo_national")
    national = next(s for s in survey_details(db) if s.slug == "demo_national")
    assert f"Respondenter: {format_number(national.respondents, 'nb')}" in card
    assert "ikke offentlige" in card and "ikke funn" in card
    assert national.batch.file_name in card  # the open card shows its import, in words, without hashes
    assert national.batch.file_name in page.text("table")
    assert national.batch.short_sha not in page.text("#about-content") and "sha256" not in page.text("#about-content")
    assert "svychisq" in page.text("#about-methods")
    assert page.console_errors() == []
    page.screenshot("om")


def test_the_configured_minimum_group_size_is_shown(page):
    page.open("/om", CONTENT)
    page.wait_idle()
    expected = int(os.environ.get("FJERNARBEID_MIN_N") or Config.min_n)
    assert page.text("#about-min-n") == str(expected)


def test_choosing_a_survey_updates_the_address_and_the_highlighted_card(page):
    page.open("/om?survey=demo_national", CONTENT)
    page.wait_idle()
    assert _selected(page) == ["about-card-demo_national"]
    assert page.find_all("#about-details-demo_national[open]")
    assert not page.find_all("#about-details-demo_hardanger[open]")
    page.choose("about-survey", "Hardanger")
    page.wait_until(lambda: "survey=demo_hardanger" in page.driver.current_url, message="URL did not change")
    page.wait_until(lambda: _selected(page) == ["about-card-demo_hardanger"], message="highlight did not move")
    assert page.find_all("#about-details-demo_hardanger[open]")
    page.driver.back()
    page.wait_until(lambda: _selected(page) == ["about-card-demo_national"], message="back did not restore")


def test_a_bad_parameter_falls_back_to_defaults_with_a_notice(page):
    page.open("/om?survey=nope", CONTENT)
    page.wait_idle()
    assert "survey=nope" in page.text(".url-notice")
    assert _selected(page) == ["about-card-demo_national"]


@pytest.mark.parametrize(
    "lang,heading,methods",
    [
        ("nb", "Om data og metode", "Metode"),
        ("nn", "Om data og metode", "Metode"),
        ("en", "About data and methods", "Methods"),
    ],
)
def test_every_language_and_no_serious_accessibility_violations(page, lang, heading, methods):
    page.open(f"/om?lang={lang}", CONTENT)
    page.wait_idle()
    assert page.text("h1") == heading
    assert methods in [h.text for h in page.find_all("#about-content h2")]
    assert page.driver.execute_script("return document.documentElement.lang") == lang
    assert page.axe_violations() == []
