"""The answer above the fold (issue 23 §5): at 1366 × 768 and 1280 × 720 each page shows the top of its first
answer — a key figure, a chart or a table — without scrolling. The header takes two thin rows (the name and
the languages; every page in one line) and the survey explorer folds its filters under one line that says
what they choose; Samanhengar and Tiltak list their sections in one wrapping line, a view's toolbar
and its chart/table switch share one row."""

import pytest

from tests.browser.pages import READY

ANSWER = (
    "return [...document.querySelectorAll('main .key-figure-value, main .js-plotly-plot, main table')]"
    ".map(e => e.getBoundingClientRect()).filter(r => r.height > 0).map(r => r.top).sort((a, b) => a - b)[0];"
)
PAGES = {path: ready for path, ready in READY.items() if path != "/om"}  # the pages that answer something


@pytest.fixture(params=[(1366, 768), (1280, 720)], ids=["1366x768", "1280x720"])
def screen(page, request):
    page.driver.set_window_size(*request.param)
    yield page
    page.driver.set_window_size(1366, 768)


@pytest.mark.parametrize("path", list(PAGES))
def test_the_first_answer_is_on_the_first_screen(screen, path):
    screen.open(path, PAGES[path])
    screen.wait_idle()
    top, height = screen.driver.execute_script(ANSWER), screen.driver.execute_script("return window.innerHeight")
    assert top is not None and top < height - 24, (path, top, height)  # at least a line of it shows


def test_the_header_is_two_thin_rows(screen):
    screen.open("/undersoking", "#survey-content .js-plotly-plot")
    links = screen.find_all("#shell-nav .navbar-nav .nav-link")
    assert len({round(link.rect["y"]) for link in links}) == 1  # every page in one line
    assert screen.driver.execute_script("return document.getElementById('shell-nav').offsetHeight") <= 90


def test_the_survey_filters_are_folded_under_what_they_choose(screen):
    screen.open("/undersoking?survey=demo_national&f_gender=2&lang=nn", "#survey-content .js-plotly-plot")
    screen.wait_idle()
    summary = screen.driver.find_element("css selector", "#survey-more > summary")
    screen.wait_until(lambda: "Kvinne" in summary.text, message=f"the fold says {summary.text!r}")
    assert summary.text.startswith("Filter og vising:")
    assert not screen.driver.find_element("id", "survey-collapse").is_displayed()
    summary.click()
    screen.wait_until(lambda: screen.driver.find_element("id", "survey-collapse").is_displayed())
