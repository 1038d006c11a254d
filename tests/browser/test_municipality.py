"""Kommune in a real browser: the short address, the facts, the survey side by side, accessibility."""

from urllib.parse import urlparse

import pytest

READY = "#municipality-pyramid .main-svg"


# the page's charts (in the content and in the standing blocks below it) that are shown
PLOTS_JS = (
    "const plots = [...document.querySelectorAll('#municipality-content .js-plotly-plot, "
    "#municipality-body .js-plotly-plot')].filter(p => p.offsetParent !== null);"
)
TREND_JS = "return JSON.stringify(document.querySelector('#municipality-trend .js-plotly-plot').data[0].y);"
NAMES = {"4622": "Kvam", "4620": "Ulvik", "4619": "Eidfjord", "4618": "Ullensvang", "0301": "Oslo - Oslove"}


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
@pytest.mark.parametrize("number", list(NAMES))
def test_every_hardanger_municipality_and_oslo_in_every_language_pass_axe(page, number, lang):
    page.open(f"/kommune/{number}?lang={lang}", READY)
    page.wait_idle()
    assert page.text("#municipality-name") == NAMES[number]
    assert urlparse(page.driver.current_url).path == f"/kommune/{number}"  # the page's own address, no redirect
    # nothing is fetched from anywhere but the dashboard itself
    hosts = page.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => new URL(e.name).host)"
        ".filter(h => h !== location.host);"
    )
    assert hosts == []
    table = page.text("#municipality-survey-figures")
    assert "Vestland" in table if number != "0301" else "Oslo" in table
    if number != "0301":
        assert "Hardangerrådet" in table
        assert {"nb": "for få svar", "nn": "for få svar", "en": "too few respondents"}[lang] in table
    assert page.find_all(".ssb-source")
    assert page.axe_violations() == []
    assert page.console_errors() == []
    if lang == "nn" and number == "4622":
        page.screenshot("kommune-4622")


def test_choosing_another_municipality_changes_the_address_and_the_page(page):
    page.open("/kommune/4622", READY)
    page.wait_idle()
    page.driver.execute_script("document.getElementById('municipality-place').dataset.kept = 'yes';")
    charts = page.driver.execute_script(
        PLOTS_JS + "plots.forEach(p => { p.dataset.kept = 'yes'; }); return plots.length;"
    )
    kvam = page.driver.execute_script(TREND_JS)
    page.click("#municipality-place")  # 357 municipalities: search, as a user would
    page.wait_for("[role=listbox] [role=option]")
    page.find_all("input.dash-dropdown-search")[0].send_keys("Ulvik")
    page.wait_until(lambda: any("Ulvik" in o.text for o in page.find_all("[role=listbox] [role=option]")))
    next(o for o in page.find_all("[role=listbox] [role=option]") if "Ulvik" in o.text).click()
    page.wait_until(lambda: urlparse(page.driver.current_url).path == "/kommune/4620", message="URL did not change")
    page.wait_until(lambda: page.text("#municipality-name") == "Ulvik", message="page did not change")
    # the page redrew its content; the shell did not lay the page out anew (the control is the same element)
    assert page.driver.execute_script("return document.getElementById('municipality-place').dataset.kept") == "yes"
    assert "kommune=" not in page.driver.current_url
    page.wait_until(lambda: "Ulvik" in page.text("#municipality-survey-figures .model-column"), message="stale model")
    # only what changed is drawn again: the six charts are the same plots, updated in place with Ulvik's numbers
    page.wait_until(lambda: page.driver.execute_script(TREND_JS) != kvam, message="the trend chart kept Kvam's numbers")
    page.wait_idle()
    kept = page.driver.execute_script(PLOTS_JS + "return plots.filter(p => p.dataset.kept === 'yes').length;")
    assert charts == 6 and kept == charts
    page.driver.back()  # the browser's history holds each municipality
    page.wait_until(lambda: page.text("#municipality-name") == "Kvam", message="Back did not return to Kvam")
    assert urlparse(page.driver.current_url).path == "/kommune/4622"


def test_the_region_page_from_the_overview(page):
    page.open("/?survey=demo_national&region=hardangerradet", "#overview-region-link")
    page.wait_idle()
    page.click("#overview-region-link")
    page.wait_until(lambda: "/kommune/hardangerradet" in page.driver.current_url, message="no region page")
    page.wait_for(READY)
    page.wait_until(lambda: page.text("#municipality-name") == "Hardangerrådet")
    assert "Eidfjord, Kvam, Ullensvang, Ulvik" in page.text("#municipality-card-members")
    assert page.find_all("#municipality-model-map .main-svg")
