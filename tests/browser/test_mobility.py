"""Mobilitetspotensial in a real browser: assumptions in the address, the funnel's headline,
sensitivity, languages and accessibility."""

from urllib.parse import parse_qs, urlparse

import pytest

from app.query.mobility import default_region_share, mobility_funnel, standard_conditions
from app.web.i18n import format_number
from app.web.pages.mobility import round_people

HEADLINE = "#mobility-headline .key-figure-value"
NATIONAL = "/mobilitet?survey=demo_national&region=norge"


def _headline(people: float) -> str:
    return ("≈ " + format_number(round_people(people), "nb")).replace("\u00a0", " ")


def _shown(page) -> str:
    """The headline with plain spaces, as the expected values are built."""
    text = page.driver.execute_script(f"const e = document.querySelector('{HEADLINE}'); return e ? e.innerText : '';")
    return text.replace("\u00a0", " ")  # read in one script call: no stale element while Dash re-renders


def _params(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(page.driver.current_url).query).items()}


def test_default_national_funnel_reproduces_the_reports_200_000(page, db):
    expected = format_number(round(mobility_funnel(db, "demo_national").steps[-1].people, -3), "nb")
    page.open(NATIONAL, HEADLINE)
    page.wait_idle()
    assert _shown(page) == ("≈ " + expected).replace("\u00a0", " ")
    assert "Syntetiske data" in page.text(".synthetic-label")
    assert "rundt 200 000" in page.text("#mobility-content")
    assert page.find_all("#mobility-funnel .main-svg")
    assert page.console_errors() == []


def test_region_step_uses_the_regions_default_share(page, db):
    share, source = default_region_share(db, "hardangerradet")
    expected = mobility_funnel(db, "demo_national", region_share=share).steps[-1].people
    page.open("/mobilitet", HEADLINE)
    page.wait_idle()
    assert _shown(page) == _headline(expected)
    assert "SSB sentralitet 5–6" in page.text("#mobility-share-source")
    assert "share" not in _params(page)  # the default is not written into the address
    page.screenshot("mobilitet")


def test_changing_the_assumptions_updates_the_address_and_the_headline(page, db):
    page.open(NATIONAL + "&jobs=1400000", HEADLINE)
    page.wait_idle()
    at_1_4 = mobility_funnel(db, "demo_national", 1_400_000).steps[-1].people
    assert _shown(page) == _headline(at_1_4)
    checkbox = next(label for label in page.find_all("#mobility-filters label") if "q14" in label.text)
    page.driver.execute_script("arguments[0].click();", checkbox)  # a real click event; no scrolling races
    page.wait_until(lambda: _params(page).get("filters") == "take_job", message="URL did not change")
    filtered = mobility_funnel(db, "demo_national", 1_400_000, standard_conditions(take_job=True)).steps[-1].people
    page.wait_until(lambda: _shown(page) == _headline(filtered), message="headline did not change")
    assert _params(page)["jobs"] == "1400000"
    page.driver.back()
    page.wait_until(lambda: "filters" not in _params(page))
    page.wait_until(lambda: _shown(page) == _headline(at_1_4), message="back did not restore the view")


def test_region_share_from_the_address_and_reset_to_default(page, db):
    share, _source = default_region_share(db, "hardangerradet")
    page.open("/mobilitet?survey=demo_national&region=hardangerradet&share=1.5", HEADLINE)
    page.wait_idle()
    assert _shown(page) == _headline(mobility_funnel(db, "demo_national", region_share=0.015).steps[-1].people)
    page.driver.execute_script("document.getElementById('mobility-share-reset').click();")
    page.wait_until(lambda: "share" not in _params(page), message="reset did not drop the share")
    expected = mobility_funnel(db, "demo_national", region_share=share).steps[-1].people
    page.wait_until(lambda: _shown(page) == _headline(expected), message="headline did not return to the default")


def test_sensitivity_names_the_widest_assumption_first(page):
    page.open(NATIONAL, HEADLINE)
    page.wait_idle()
    summary = page.text("#mobility-tornado-summary")
    assert "Usikkerhet i undersøkelsen (95 %)" in summary  # wider than 1,2–1,4 mill. jobs without region
    assert "Antall jobber som kan gjøres hvor som helst" in page.text("#mobility-assumptions")


def test_a_bad_parameter_falls_back_to_defaults_with_a_notice(page, db):
    page.open(NATIONAL + "&jobs=9", HEADLINE)
    page.wait_idle()
    assert "jobs=9" in page.text(".url-notice")
    assert _shown(page) == _headline(mobility_funnel(db, "demo_national").steps[-1].people)


@pytest.mark.parametrize("lang,heading", [("nb", "Mobilitetspotensial"), ("nn", "Mobilitetspotensial"),
                                          ("en", "Mobility potential")])
def test_every_language_and_no_serious_accessibility_violations(page, lang, heading):
    page.open(f"/mobilitet?lang={lang}", HEADLINE)
    page.wait_idle()
    assert page.text("h1") == heading
    assert page.driver.execute_script("return document.documentElement.lang") == lang
    assert page.axe_violations() == []
