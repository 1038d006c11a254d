"""A council meeting: three views saved into a presentation, reordered, and played on a 1280×720
projector with the keyboard; the handout and a printed page."""

from __future__ import annotations

import io
import time
from urllib.parse import parse_qs, urlparse

import requests
from pypdf import PdfReader

from app.db.decks import add_view, get_deck
from app.web.pages import decks
from app.web.views import present
from app.web.views import save as save_view
from tests.accounts import committed

VIEWS = [
    ("/undersoking?survey=demo_national&question=q22&by=age_group", "Flytting etter alder"),
    ("/samanhengar?survey=demo_national", "Samanhengar"),
    ("/mobilitet?survey=demo_national", "Potensial"),
]


def _save(page, address: str, title: str, note: str = "", new_deck: bool = False) -> str:
    page.open(address, f"#{save_view.OPEN}")
    page.wait_idle()
    page.click(f"#{save_view.OPEN}")
    page.wait_until(
        lambda: page.find_all(f"#{save_view.TITLE}") and page.find_all(f"#{save_view.TITLE}")[0].get_attribute("value")
    )
    if not note:  # once is enough: the dialog, open, passes axe
        time.sleep(0.5)
        assert page.axe_violations() == []
    field = page.find_all(f"#{save_view.TITLE}")[0]
    field.clear()
    field.send_keys(title)
    if note:
        page.find_all(f"#{save_view.NOTE}")[0].send_keys(note)
    if new_deck:  # the dialog offers the editor's latest presentation first
        page.choose(save_view.DECK, "Ny presentasjon")
    page.click(f"#{save_view.SUBMIT}")
    link = page.wait_for("#save-view-link")
    return parse_qs(urlparse(link.get_attribute("href")).query)["deck"][0]


def _font_sizes(page) -> list[float]:
    """The size each visible text of the slide's chart is drawn at (its font size times any scaling Plotly
    applies to fit a label inside a bar)."""
    return page.driver.execute_script(
        "return Array.from(document.querySelectorAll('#present-slide-chart svg text'))"
        ".filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0"
        "  && getComputedStyle(t).visibility !== 'hidden' && getComputedStyle(t).opacity !== '0')"
        ".map(t => { const m = t.getScreenCTM(); return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b); });"
    )


def _projector(page, on: bool) -> None:
    """A 1280×720 screen (the viewport itself, not the window around it)."""
    if on:
        page.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": False},
        )
    else:
        page.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_save_three_views_reorder_and_present_them_with_the_keyboard(
    page, db, engine, live_server, live_worker, accounts
):
    from selenium.webdriver.common.keys import Keys

    page.log_in(accounts["editor"])
    tokens = {
        _save(page, address, title, note="Til diskusjon" if i == 0 else "", new_deck=i == 0)
        for i, (address, title) in enumerate(VIEWS[:2])
    }
    assert len(tokens) == 1, "the second view goes into the presentation made by the first"
    token = tokens.pop()
    # the third as the dialog saves it: saving once more through the dialog would test nothing the second did not
    # (test_slides saves from the mobility page through it)
    address, title = VIEWS[2]
    with committed(engine) as session:
        add_view(session, token, *address.split("?"), title)
    # the presentations page lists it, in the order saved; move the first view down
    page.open(f"{decks.PATH}?deck={token}", ".decks-view")
    page.wait_idle()
    assert [e.text for e in page.find_all(".decks-view-title")] == [t for _a, t in VIEWS]
    page.click(".decks-view button[title='Flytt ned']")
    page.wait_until(
        lambda: (
            [e.text for e in page.find_all(".decks-view-title")] == ["Samanhengar", "Flytting etter alder", "Potensial"]
        ),
        message="not reordered",
    )
    db.expire_all()
    assert [v.title for v in get_deck(db, token).views] == ["Samanhengar", "Flytting etter alder", "Potensial"]
    page.screenshot("presentasjonar")
    assert page.axe_violations() == []
    # play it on a projector
    _projector(page, True)
    try:
        page.click(f"#{decks.PLAY}")
        page.wait_for(f"#{present.COUNTER}")
        page.wait_until(lambda: page.text(f"#{present.COUNTER}") == "1 / 3")
        page.wait_for("#present-slide-chart .main-svg")
        page.wait_idle()
        assert "Samanhengar" in page.text(f"#{present.SLIDE} > header")
        viewport = page.driver.execute_script("return [window.innerWidth, window.innerHeight]")
        fits = page.driver.execute_script(
            "const r = document.querySelector('.slide-controls').getBoundingClientRect();"
            "return document.documentElement.scrollHeight <= window.innerHeight + 1 && r.bottom <= window.innerHeight;"
        )
        assert viewport == [1280, 720] and fits, f"the slide scrolls at {viewport}"
        assert not page.find_all("#shell-nav .navbar") or not page.find_all("#shell-nav .navbar")[0].is_displayed()
        sizes = _font_sizes(page)
        assert sizes and min(sizes) >= 20, sizes
        assert page.axe_violations() == []
        body = page.find_all("body")[0]
        body.send_keys(Keys.ARROW_RIGHT)
        page.wait_until(lambda: page.text(f"#{present.COUNTER}") == "2 / 3", message="arrow right did not step")
        # the headline is the view's key sentence; the slide's own title is the chart's caption under it
        page.wait_until(lambda: page.text(".slide-chart-title") == "Flytting etter alder")
        assert "signifikant" in page.text(".slide-title")
        assert "Til diskusjon" in page.text(".slide-note")
        note_px = page.driver.execute_script(
            "return parseFloat(getComputedStyle(document.querySelector('.slide-note')).fontSize)"
        )
        title_px = page.driver.execute_script(
            "return parseFloat(getComputedStyle(document.querySelector('.slide-selection')).fontSize)"
        )
        assert note_px >= 24 and note_px > title_px, "the presenter's note is large, not small print"
        page.wait_for("#present-slide-chart .main-svg")
        page.wait_idle()
        page.screenshot("presentasjonsmodus")
        body.send_keys(Keys.PAGE_DOWN)  # a clicker
        page.wait_until(lambda: page.text(f"#{present.COUNTER}") == "3 / 3", message="PageDown did not step")
        body.send_keys(Keys.PAGE_UP)
        page.wait_until(lambda: page.text(f"#{present.COUNTER}") == "2 / 3", message="PageUp did not step back")
        page.click(f"#{present.NEXT}")  # the on-screen button
        page.wait_until(lambda: page.text(f"#{present.COUNTER}") == "3 / 3")
        page.find_all("body")[0].send_keys(Keys.ESCAPE)
        page.wait_until(lambda: urlparse(page.driver.current_url).path == decks.PATH, message="Esc did not leave")
        page.wait_for(".decks-view")
    finally:
        _projector(page, False)
    # the handout: a cover and one page per view
    handout = requests.get(f"{live_server}/deck/{token}.pdf", timeout=30)
    deadline = time.monotonic() + 180
    while handout.status_code == 202 and time.monotonic() < deadline:  # the worker makes it
        time.sleep(0.25)
        handout = requests.get(f"{live_server}/deck/{token}.pdf", timeout=30)
    assert handout.status_code == 200 and len(PdfReader(io.BytesIO(handout.content)).pages) == 1 + 3
    assert page.console_errors() == []


def test_any_view_can_be_presented_alone_and_left_with_escape(page):
    from selenium.webdriver.common.keys import Keys

    _projector(page, True)
    try:
        page.open("/samanhengar?survey=demo_national", "#relationships-chart-factory-present")
        page.wait_idle()
        page.click("#relationships-chart-factory-present")  # the chart's own Present button
        page.wait_for("#present-slide-chart .main-svg")
        page.wait_until(lambda: "Fabrikkparadigmet og vilje til å flytte" in page.text(f"#{present.SLIDE} > header"))
        page.open("/undersoking?survey=demo_national&by=gender&present=1", "#present-slide-chart .main-svg")
        page.wait_idle()
        assert page.text(f"#{present.COUNTER}") == "1 / 1"
        assert "Syntetiske data" in page.text(".slide-source")
        assert min(_font_sizes(page)) >= 20
        page.find_all("body")[0].send_keys(Keys.ESCAPE)
        page.wait_until(lambda: "present=1" not in page.driver.current_url, message="Esc did not leave")
        page.wait_for("#survey-chart .main-svg")
    finally:
        _projector(page, False)


def test_printing_a_page_hides_navigation_toolbars_and_controls(page):
    page.open("/undersoking?survey=demo_national&by=gender", "#survey-chart .main-svg")
    page.wait_idle()
    page.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = page.driver.execute_script(
            "return ['#shell-nav', '.view-toolbar', '#survey-question', '.modebar-container', '#save-view-open']"
            ".map(s => document.querySelector(s)).filter(e => e).map(e => getComputedStyle(e).display);"
        )
        assert hidden and set(hidden) == {"none"}
        assert page.find_all(".view-selection")[0].is_displayed()
        pdf = page.driver.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69})
        import base64

        pages = PdfReader(io.BytesIO(base64.b64decode(pdf["data"]))).pages
        assert 1 <= len(pages) <= 6 and "Utvalg" in pages[0].extract_text() + "".join(p.extract_text() for p in pages)
    finally:
        page.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
