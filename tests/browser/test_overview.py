"""Oversikt in a real browser: key figures, URL state, languages, accessibility."""

import pytest

CONTENT = "#overview-content .key-figure-value"


def test_overview_shows_the_regions_key_figures_with_the_synthetic_label(page):
    page.open("/?survey=demo_national&region=hardangerradet", CONTENT)
    page.wait_idle()
    assert "Syntetiske data" in page.text(".synthetic-label")
    willing = page.text("#overview-card-willing")
    assert "%" in willing and "95 %-intervall" in willing and "Vestland" in willing  # region too small → county
    assert page.console_errors() == []
    page.screenshot("oversikt")


def test_changing_the_survey_updates_the_address_and_the_figures(page):
    page.open("/?survey=demo_national&region=hardangerradet", CONTENT)
    page.wait_idle()
    before = page.text("#overview-card-willing .key-figure-value")
    page.choose("overview-survey", "Hardanger")
    page.wait_until(lambda: "demo_hardanger" in page.driver.current_url, message="URL did not change")
    page.wait_until(
        lambda: page.text("#overview-card-willing .key-figure-value") != before, message="figure did not change"
    )
    page.wait_until(
        lambda: "Vestland" not in page.text("#overview-card-willing"),  # enough respondents in
        message="the Hardanger survey should not need the county level",
    )  # the region itself
    page.driver.back()
    page.wait_until(lambda: "demo_national" in page.driver.current_url)
    page.wait_until(
        lambda: page.text("#overview-card-willing .key-figure-value") == before, message="back did not restore the view"
    )
    assert "demo_national" in page.driver.current_url and "Vestland" in page.text("#overview-card-willing")


def test_a_bad_parameter_falls_back_to_defaults_with_a_notice(page):
    page.open("/?survey=nope&region=hardangerradet", CONTENT)
    page.wait_idle()
    assert "survey=nope" in page.text(".url-notice")


@pytest.mark.parametrize("lang,heading", [("nb", "Oversikt"), ("nn", "Oversikt"), ("en", "Overview")])
def test_every_language_and_no_serious_accessibility_violations(page, lang, heading):
    page.open(f"/?lang={lang}", CONTENT)
    page.wait_idle()
    assert page.text("h1") == heading
    assert page.driver.execute_script("return document.documentElement.lang") == lang
    assert page.axe_violations() == []


def test_the_mobility_card_says_it_counts_all_of_norway(page):
    page.open("/?survey=demo_national&region=hardangerradet", CONTENT)
    page.wait_idle()
    card = page.text("#overview-card-mobility")
    assert card.startswith("Hele landet: synes det er aktuelt å flytte til en annen kommune")
    assert "ikke bare til denne regionen" in card and "≈" in card
    assert "tilflytt" not in card.lower()  # not people moving in
    page.open("/?survey=demo_hardanger&region=hardangerradet", CONTENT)
    page.wait_idle()
    card = page.text("#overview-card-mobility")
    assert "Krever en landsdekkende undersøkelse" in card and "≈" not in card
    assert not page.find_all(".alert-danger")
