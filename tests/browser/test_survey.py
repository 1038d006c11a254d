"""Undersøking in a real browser: chart, table, filters in the URL, published figure, languages."""

import pytest

from app.language import format_share as _format_share
from app.language import localized
from app.query.estimates import estimate_category, estimate_shares

CONTENT = "#survey-content #survey-table"


def format_share(value, lang, decimals=1):
    """As on the page; Selenium reports the non-breaking space as a plain one."""
    return _format_share(value, lang, decimals).replace("\xa0", " ")


def test_default_view_shows_q22_with_the_synthetic_label_and_the_published_figure(page, db):
    page.open("/undersoking?survey=demo_national", CONTENT)
    page.wait_idle()
    assert "Syntetiske data" in page.text(".synthetic-label")
    page.wait_for("#survey-chart .main-svg")
    # The report's "ca. 15 %" beside the share computed from the data on the same base.
    card = page.text("#survey-published")
    assert "Publisert i NORCE (2025)" in card and "ca. 15 %" in card
    computed = estimate_category(db, "demo_national", "q22", (1, 2), min_n=10)
    assert format_share(computed.estimate, "nb", 1) in card
    page.wait_until(lambda: page.find_all("#survey-table .ag-row"), message="table has no rows")
    assert page.console_errors() == []
    page.screenshot("undersoking")
    page.driver.execute_script(
        "const r = document.querySelector('.synthetic-label').getBoundingClientRect();"
        "window.scrollTo(0, window.scrollY + r.top - 8);"
    )
    page.wait_idle()
    page.screenshot("undersoking-chart")


def test_a_known_share_appears_in_the_table(page, db):
    page.open("/undersoking?survey=demo_national&question=q22&by=gender", CONTENT)
    page.wait_idle()
    result = localized(estimate_shares(db, "demo_national", "q22", by="gender", min_n=10), "nb")
    row = next(r for r in result.rows if r.group == "Kvinne" and r.code == 5)
    page.wait_until(
        lambda: format_share(row.estimate, "nb") in page.text("#survey-table"),
        message="expected share not in the table",
    )
    assert "Kvinne" in page.text("#survey-table")
    sentence = page.text("#survey-test")
    assert "statistisk signifikant" in sentence and "Rao–Scott" in sentence
    assert ("ikke statistisk signifikant" in sentence) == (result.test.p_value >= 0.05)


def test_changing_a_filter_changes_the_address_and_the_numbers(page):
    page.open("/undersoking?survey=demo_national&question=q22", CONTENT)
    page.wait_idle()
    before = page.text("#survey-table")
    page.click("#survey-more > summary")  # the filters are folded under one line that says what they choose
    page.choose("survey-filter-gender", "Kvinne")
    page.wait_until(lambda: "f_gender=2" in page.driver.current_url, message="URL did not change")
    page.wait_until(lambda: page.text("#survey-table") != before, message="table did not change")
    page.wait_idle()
    page.wait_until(lambda: "Filtre er brukt" in page.text("#survey-content"), message="no filter note")
    page.driver.back()
    page.wait_until(lambda: "f_gender" not in page.driver.current_url)
    page.wait_until(lambda: page.text("#survey-table") == before, message="back did not restore the view")
    assert "f_gender" not in page.driver.current_url and page.text("#survey-table") == before


def test_small_groups_are_shown_as_too_few_respondents(page, db):
    page.open("/undersoking?survey=demo_hardanger&question=q22&by=age_group&f_municipality=4620", CONTENT)
    page.wait_idle()
    result = localized(
        estimate_shares(db, "demo_hardanger", "q22", by="age_group", where={"municipality": [4620]}, min_n=10), "nb"
    )
    assert result.suppressed_groups  # the test needs a suppressed group
    content = page.text("#survey-content")
    assert "Vises ikke (færre enn 10 svar" in content
    assert all(name in content for name in result.suppressed_groups)
    assert "for få svar" in page.text("#survey-table")
    assert "ikke ment å stemme overens" in page.text("#survey-published")  # regional sample vs national report


def test_a_breakdown_by_municipality_counts_the_hidden_municipalities_instead_of_listing_them(page, db):
    page.open("/undersoking?survey=demo_hardanger&question=q22&by=municipality", CONTENT)
    page.wait_idle()
    result = localized(estimate_shares(db, "demo_hardanger", "q22", by="municipality", min_n=10), "nb")
    hidden = len(result.suppressed_groups)
    assert hidden > 300  # every municipality of Norway is listed, with or without respondents
    count = f"{hidden // 1000} {hidden % 1000:03d}" if hidden >= 1000 else str(hidden)
    assert f"{count} grupper" in page.text("#survey-content")
    assert "Båtsfjord" not in page.text("#survey-content")


def test_factory_index_shows_means_and_cronbachs_alpha(page):
    page.open("/undersoking?survey=demo_national&question=factory_index&by=gender", CONTENT)
    page.wait_idle()
    assert "Cronbachs alfa" in page.text("#survey-content")
    assert "Gjennomsnitt" in page.text("#survey-table")


def test_a_bad_parameter_falls_back_to_defaults_with_a_notice(page):
    page.open("/undersoking?survey=demo_national&question=q999&by=shoe_size", CONTENT)
    page.wait_idle()
    notice = page.text(".url-notice")
    assert "question=q999" in notice and "by=shoe_size" in notice


@pytest.mark.parametrize("lang,heading", [("nb", "Undersøkelsen"), ("nn", "Undersøkinga"), ("en", "Survey explorer")])
def test_every_language_and_no_serious_accessibility_violations(page, lang, heading):
    page.open(f"/undersoking?survey=demo_national&by=age_group&lang={lang}", CONTENT)
    page.wait_idle()
    assert page.text("h1") == heading
    assert page.driver.execute_script("return document.documentElement.lang") == lang
    assert page.axe_violations() == []
