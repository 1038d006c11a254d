"""Kommune in a real browser: the short address, the facts, the survey side by side, accessibility."""

import pytest

READY = "#municipality-pyramid .main-svg"


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_kvam_in_every_language_with_no_serious_accessibility_violations(page, lang):
    page.open(f"/kommune/4622?lang={lang}", READY)
    page.wait_idle()
    assert page.text("#municipality-name") == "Kvam"
    assert "kommune=4622" in page.driver.current_url
    table = page.text("#municipality-survey-figures")
    assert "Hardangerrådet" in table and "Vestland" in table
    assert {"nb": "for få svar", "nn": "for få svar", "en": "too few respondents"}[lang] in table
    assert page.find_all(".ssb-source")
    assert page.axe_violations() == []
    assert page.console_errors() == []
    if lang == "nn":
        page.screenshot("kommune-4622")


def test_choosing_another_municipality_changes_the_address_and_the_page(page):
    page.open("/kommune/4622", READY)
    page.wait_idle()
    page.click("#municipality-place")  # 357 municipalities: search, as a user would
    page.wait_for("[role=listbox] [role=option]")
    page.find_all("input.dash-dropdown-search")[0].send_keys("Ulvik")
    page.wait_until(lambda: any("Ulvik" in o.text for o in page.find_all("[role=listbox] [role=option]")))
    next(o for o in page.find_all("[role=listbox] [role=option]") if "Ulvik" in o.text).click()
    page.wait_until(lambda: "kommune=4620" in page.driver.current_url, message="URL did not change")
    page.wait_until(lambda: page.text("#municipality-name") == "Ulvik", message="page did not change")


def test_the_region_page_from_the_overview(page):
    page.open("/?survey=demo_national&region=hardangerradet", "#overview-region-link")
    page.wait_idle()
    page.click("#overview-region-link")
    page.wait_until(lambda: "kommune=hardangerradet" in page.driver.current_url, message="no region page")
    page.wait_for(READY)
    page.wait_until(lambda: page.text("#municipality-name") == "Hardangerrådet")
    assert "Eidfjord, Kvam, Ullensvang, Ulvik" in page.text("#municipality-card-members")
    assert page.find_all("#municipality-model-map .main-svg")
