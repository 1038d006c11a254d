"""Mobilitetspotensial in a real browser: assumptions in the address, the funnel's headline,
sensitivity, number fields in the page's format, regional surveys, languages and accessibility."""

from urllib.parse import parse_qs, urlparse

import pytest

from app.language import format_number
from app.query.mobility import mobility_funnel, region_share, regional_funnel, standard_conditions
from app.web.pages.mobility import round_people

HEADLINE = "#mobility-headline .key-figure-value"
NATIONAL = "/mobilitet?survey=demo_national&region=norge"


def _headline(people: float) -> str:
    return ("≈ " + format_number(round_people(people), "nb")).replace("\u00a0", " ")


def _shown(page) -> str:
    """The headline with plain spaces, as the expected values are built."""
    text = page.driver.execute_script(f"const e = document.querySelector('{HEADLINE}'); return e ? e.innerText : '';")
    return text.replace("\u00a0", " ")  # read in one script call: no stale element while Dash re-renders


def _value(page, element_id: str) -> str:
    return page.driver.execute_script(f"return document.getElementById('{element_id}').value;").replace("\u00a0", " ")


def _params(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(page.driver.current_url).query).items()}


def _regional(db, **conditions) -> float:
    result, _shares = regional_funnel(
        db, "demo_national", "hardangerradet", conditions=standard_conditions(**conditions), min_n=10
    )
    return result.steps[-1].people


def test_default_national_funnel_reproduces_the_reports_200_000(page, db):
    expected = format_number(round(mobility_funnel(db, "demo_national", min_n=10).steps[-1].people, -3), "nb")
    page.open(NATIONAL, HEADLINE)
    page.wait_idle()
    assert _shown(page) == ("≈ " + expected).replace("\u00a0", " ")
    assert "Syntetiske data" in page.text(".synthetic-label")
    check = page.text("#mobility-report-check")
    assert "rundt 200 000" in check and "altså det samme" in check
    assert "hvilken som helst" in page.text("#mobility-content")  # q22 is about any municipality
    page.wait_for("#mobility-funnel .main-svg")
    assert page.console_errors() == []


def test_region_step_uses_employed_residents_of_the_rural_municipalities_by_default(page, db):
    shares = region_share(db, "hardangerradet")
    page.open("/mobilitet", HEADLINE)
    page.wait_idle()
    assert _shown(page) == _headline(_regional(db, attractive=True))  # the rural condition is on by default
    source = page.text("#mobility-share-source")
    assert "sentralitetsklasse 4–6" in source and "10 881 av 787 056" in source
    assert "Kilde: Statistisk sentralbyrå (SSB), tabell 11618" in source
    assert _value(page, "mobility-share-input") == format_number(round(shares.value * 100, 2), "nb", 2)
    assert _value(page, "mobility-jobs-input") == "1 300 000"
    headline = page.text("#mobility-headline")
    assert "alle forutsetningene i nedre eller øvre ende" in headline and "usikkerheten i undersøkelsen" in headline
    # a pool, not a forecast, with what actually happened beside it and the reading without the invented link
    assert "ikke en prognose" in headline and "ingen tidsramme" in headline
    assert "Hardangerrådet 2020–2025 var +386 personer" in headline and "hvis de ikke hang sammen" in headline
    assert "slått av rundt" in page.text("#mobility-switch-effect")
    assert "Nedre ende 1,28" in page.text("#mobility-assumptions")
    assert "share" not in _params(page) and "filters" not in _params(page)  # defaults stay out of the address
    page.screenshot("mobilitet")


def test_the_rural_condition_can_be_switched_off_and_the_address_keeps_it(page, db):
    page.open("/mobilitet?survey=demo_national", HEADLINE)
    page.wait_idle()
    checkbox = next(label for label in page.find_all("#mobility-filters label") if "distriktskommune" in label.text)
    page.driver.execute_script("arguments[0].click();", checkbox)
    page.wait_until(lambda: _params(page).get("filters") == "outside", message="URL did not say the condition is off")
    page.wait_until(lambda: _shown(page) == _headline(_regional(db)), message="headline did not change")
    assert "alle kommuner" in page.text("#mobility-share-source")
    page.driver.refresh()  # the address alone reproduces the view
    page.wait_for(HEADLINE)
    page.wait_idle()
    assert _shown(page) == _headline(_regional(db))
    # only "leave out those who already live in the region" stays on
    assert [box.is_selected() for box in page.find_all("#mobility-filters input")] == [False, False, False, True]


def test_changing_the_assumptions_updates_the_address_and_the_headline(page, db):
    page.open(NATIONAL + "&jobs=1400000", HEADLINE)
    page.wait_idle()
    at_1_4 = mobility_funnel(db, "demo_national", 1_400_000, min_n=10).steps[-1].people
    assert _shown(page) == _headline(at_1_4)
    assert _value(page, "mobility-jobs-input") == "1 400 000"
    checkbox = next(label for label in page.find_all("#mobility-filters label") if "jobben med seg" in label.text)
    page.driver.execute_script("arguments[0].click();", checkbox)  # a real click event; no scrolling races
    page.wait_until(lambda: _params(page).get("filters") == "take_job", message="URL did not change")
    filtered = (
        mobility_funnel(db, "demo_national", 1_400_000, standard_conditions(take_job=True), min_n=10).steps[-1].people
    )
    page.wait_until(lambda: _shown(page) == _headline(filtered), message="headline did not change")
    assert _params(page)["jobs"] == "1400000"
    page.driver.back()
    page.wait_until(lambda: "filters" not in _params(page))
    page.wait_until(lambda: _shown(page) == _headline(at_1_4), message="back did not restore the view")


def test_jobs_typed_in_norwegian_format(page, db):
    from selenium.webdriver.common.keys import Keys

    page.open(NATIONAL, HEADLINE)
    page.wait_idle()
    # the page has drawn its own value into the field: typing now cannot be overwritten by that render
    page.wait_until(lambda: _value(page, "mobility-jobs-input") == "1 300 000", message="the field was not filled")
    field = page.driver.find_element("id", "mobility-jobs-input")
    field.clear()
    field.send_keys("1 250 000", Keys.ENTER)
    page.wait_until(lambda: _params(page).get("jobs") == "1250000", message="typed number not in the address")
    expected = mobility_funnel(db, "demo_national", 1_250_000, min_n=10).steps[-1].people
    page.wait_until(lambda: _shown(page) == _headline(expected), message="headline did not change")
    page.wait_until(lambda: _value(page, "mobility-jobs-input") == "1 250 000")
    assert _params(page).get("jobs") == "1250000" and _shown(page) == _headline(expected)


def test_region_share_from_the_address_and_reset_to_default(page, db):
    page.open("/mobilitet?survey=demo_national&region=hardangerradet&share=2.5", HEADLINE)
    page.wait_idle()
    conditions = standard_conditions(attractive=True)
    at_2_5 = mobility_funnel(db, "demo_national", conditions=conditions, region_share=0.025, min_n=10).steps[-1].people
    assert _shown(page) == _headline(at_2_5)
    assert _value(page, "mobility-share-input") == "2,50"
    assert "Satt for hånd" in page.text("#mobility-assumptions")
    page.driver.execute_script("document.getElementById('mobility-share-reset').click();")
    page.wait_until(lambda: "share" not in _params(page), message="reset did not drop the share")
    page.wait_until(
        lambda: _shown(page) == _headline(_regional(db, attractive=True)),
        message="headline did not return to the default",
    )


def test_sensitivity_names_the_widest_assumption_first(page):
    page.open(NATIONAL, HEADLINE)
    page.wait_idle()
    summary = page.text("#mobility-tornado-summary")
    assert "Usikkerhet i undersøkelsen (95 %)" in summary  # wider than 1,2–1,4 mill. jobs without region
    assumptions = page.text("#mobility-assumptions")
    assert "Antall jobber som kan gjøres hvor som helst" in assumptions
    assert "20–22 % har det som fast ordning" in assumptions and "25–60 år" in assumptions


def test_steps_with_too_few_respondents_show_no_numbers(page):
    page.open(NATIONAL + "&filters=attractive,take_job,travel&age=1&centrality=6", HEADLINE)
    page.wait_idle()
    assert _shown(page) == "–"
    assert "For få respondenter" in page.text("#mobility-headline")
    assert "For få svar til å vises" in page.text("#mobility-funnel-table")
    assert not page.find_all("#mobility-tornado")
    assert "kan ikke vises" in page.text("#mobility-tornado-summary")


def test_a_regional_survey_is_explained_in_words(page):
    page.open("/mobilitet?survey=demo_hardanger", "#mobility-refused")
    page.wait_idle()
    assert "krever en landsdekkende undersøkelse" in page.text("#mobility-refused")
    assert not page.find_all(".alert-danger") and not page.find_all(HEADLINE)
    page.click("#mobility-refused a")
    page.wait_until(lambda: _params(page).get("survey") == "demo_national")
    page.wait_for(HEADLINE)


def test_a_bad_parameter_falls_back_to_defaults_with_a_notice(page, db):
    page.open(NATIONAL + "&jobs=9", HEADLINE)
    page.wait_idle()
    assert "jobs=9" in page.text(".url-notice")
    assert _shown(page) == _headline(mobility_funnel(db, "demo_national", min_n=10).steps[-1].people)


def test_an_unknown_language_shows_the_page_in_bokmal(page):
    page.open("/mobilitet?lang=xx", HEADLINE)
    page.wait_idle()
    assert page.text("h1") == "Mobilitetspotensial"
    assert not page.find_all(".alert-danger")


@pytest.mark.parametrize(
    "lang,heading,step,source",
    [
        ("nb", "Mobilitetspotensial", "synes det er aktuelt å flytte til en annen kommune", "Kilde: Statistisk"),
        ("nn", "Mobilitetspotensial", "synest det er aktuelt å flytte til ein annan kommune", "Kjelde: Statistisk"),
        ("en", "Mobility potential", "would consider moving to another municipality", "Source: Statistics Norway"),
    ],
)
def test_every_language_and_no_serious_accessibility_violations(page, lang, heading, step, source):
    page.open(f"/mobilitet?lang={lang}", HEADLINE)
    page.wait_idle()
    assert page.text("h1") == heading
    assert step in page.text("#mobility-funnel-table") and source in page.text("#mobility-share-source")
    assert page.driver.execute_script("return document.documentElement.lang") == lang
    assert _value(page, "mobility-jobs-input") == ("1,300,000" if lang == "en" else "1 300 000")
    assert page.axe_violations() == []


@pytest.mark.parametrize("lang,jobs,share", [("nb", "1 300 000", "1,38 %"), ("en", "1,300,000", "1.38%")])
def test_slider_tooltips_use_the_pages_number_format(page, lang, jobs, share):
    page.open(f"/mobilitet?lang={lang}", HEADLINE)
    page.wait_idle()
    for slider, expected in (("mobility-jobs", jobs), ("mobility-share", share)):
        page.driver.execute_script(f"document.querySelector('#{slider} [role=slider]').focus();")
        page.wait_until(
            lambda: _tooltip(page, slider) == expected,
            message=f"{slider} tooltip shows {_tooltip(page, slider)!r}, not {expected!r}",
        )
        assert _tooltip(page, slider) == expected


def _tooltip(page, slider: str) -> str:
    return (
        page.driver.execute_script(
            f"const e = document.getElementById('{slider}-tooltip-1-content'); return e ? e.innerText : '';"
        )
        or ""
    ).replace("\u00a0", " ")
