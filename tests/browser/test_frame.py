"""The frame every page shares, met as a user would: a phone, the browser tab, an unknown address,
the keyboard in a table."""

import pytest
import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys


def test_on_a_phone_the_navigation_folds_and_nothing_scrolls_sideways(page):
    page.driver.set_window_size(390, 844)
    try:
        page.open("/?lang=nn", "#overview-content .key-figure-value")
        page.wait_idle()
        width, viewport = page.driver.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert width <= viewport
        links = page.find_all("#shell-nav-collapse .nav-link")
        assert links and not any(link.is_displayed() for link in links)  # folded behind the menu button
        page.driver.find_element("id", "shell-nav-toggle").click()
        page.wait_until(lambda: all(link.is_displayed() for link in page.find_all("#shell-nav-collapse .nav-link")))
        assert all(link.is_displayed() for link in page.find_all("#shell-nav-collapse .nav-link"))
    finally:
        page.driver.set_window_size(1366, 768)


@pytest.mark.parametrize(
    "path, lang, title, skip",
    [
        ("/undersoking", "nb", "Undersøkelsen – Fjernarbeid i regionen", "Hopp til hovedinnholdet"),
        ("/samanhengar", "nn", "Samanhengar – Fjernarbeid i regionen", "Hopp til hovudinnhaldet"),
        ("/tiltak", "en", "Measures – Remote work in the region", "Skip to main content"),
    ],
)
def test_each_page_names_itself_in_the_browser_tab_in_its_language(page, path, lang, title, skip):
    page.open(f"{path}?lang={lang}", "h1")
    page.wait_until(lambda: page.driver.title == title, message=f"title is {page.driver.title!r}")
    assert page.driver.title == title
    skip_text = "return document.querySelector('.skip-link').textContent"
    page.wait_until(lambda: page.driver.execute_script(skip_text) == skip)  # hidden until focused
    assert page.driver.execute_script(skip_text) == skip


def test_an_unknown_address_answers_404_and_says_so(page):
    status = requests.get(page.base_url + "/finnes-ikke", timeout=10).status_code
    assert status == 404
    page.open("/finnes-ikke?lang=en", "h1")
    assert page.text("h1") == "Page not found"


def test_a_table_is_one_tab_stop_and_arrows_move_inside_it(page):
    page.open("/undersoking?survey=demo_national&question=q22&by=age_group", "#survey-table .ag-row")
    page.wait_idle()
    page.driver.execute_script(
        "const h = document.querySelector('#survey-table').previousElementSibling;"
        "h.setAttribute('tabindex', '-1'); h.focus();"
    )
    inside = []
    for _ in range(4):
        ActionChains(page.driver).send_keys(Keys.TAB).perform()
        inside.append(page.driver.execute_script("return !!document.activeElement.closest('#survey-table')"))
    assert inside[0] and not any(inside[1:])  # one stop in the table, then on to the next thing
