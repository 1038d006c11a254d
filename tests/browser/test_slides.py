"""Slides that carry the message (issue 23 §1), in headless Chromium on a 1280×720 projector: nothing a chart
shows is lost, the key sentence is the headline, a sliver of a number becomes a key-figure slide; a deck's
slides are retitled, annotated and duplicated; a deck belongs to the editor who made it, on any computer."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlparse

import pytest

from app.db.decks import get_deck
from app.web.pages import decks
from app.web.views import present
from app.web.views import save as save_view
from tests.browser.test_present import _projector

# Plotly's drawn texts: tick labels of each axis, the labels in bars, the whiskers and the legend's scroll bar
TEXTS = """
const chart = document.querySelector('#present-slide-chart .js-plotly-plot');
const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
const shown = e => e.getBoundingClientRect().width > 0 && getComputedStyle(e).visibility !== 'hidden'
  && e.textContent.trim() !== '';
const drawn = sel => Array.from(chart.querySelectorAll(sel)).filter(shown);
const names = chart.data.filter(t => !t.yaxis || t.yaxis === 'y').flatMap(t => (t.y || []))
  .filter(v => typeof v === 'string');
return {
  categories: Array.from(new Set(names)),
  yticks: drawn('.yaxislayer-above .ytick text').map(t => [t.textContent, box(t)]),
  xticks: drawn('.xaxislayer-above .xtick text').map(t => [t.textContent, box(t)]),
  bartexts: drawn('.bartext').map(box).concat(drawn('.annotation-text').map(box)),
  whiskers: Array.from(chart.querySelectorAll('.errorbar path')).map(box).filter(b => b[2] - b[0] > 0),
  height: chart.getBoundingClientRect().height,
  scrollbar: Array.from(chart.querySelectorAll('.legend .scrollbar'))
    .map(e => e.getBoundingClientRect().height).reduce((a, b) => Math.max(a, b), 0),
  fits: document.documentElement.scrollHeight <= window.innerHeight + 1
    && document.querySelector('.slide-controls').getBoundingClientRect().bottom <= window.innerHeight,
};
"""


def _overlap(a, b, slack: float = 1.0) -> bool:
    return a[0] + slack < b[2] and b[0] + slack < a[2] and a[1] + slack < b[3] and b[1] + slack < a[3]


def _squeezed(text: str) -> str:
    return "".join(text.replace("<br>", "").split())


def _drawn(page, address: str, name: str) -> dict:
    page.open(address, "#present-slide-chart .main-svg")
    page.wait_idle()
    page.screenshot(name)
    return page.driver.execute_script(TEXTS)


SLIDES = {
    "lysbilde-pendling": "/kommune/4622?present=1&chart=municipality-commuting",
    "lysbilde-alder": "/undersoking?survey=demo_national&question=q22&by=age_group&present=1",
    "lysbilde-forutsetninger": "/mobilitet?survey=demo_national&present=1&chart=mobility-tornado",
    "lysbilde-kart": "/kommune/4622?present=1&chart=municipality-model-map",
}


@pytest.mark.parametrize("name", list(SLIDES))
def test_nothing_a_chart_shows_is_lost_on_a_1280x720_slide(page, name):
    _projector(page, True)
    try:
        drawn = _drawn(page, SLIDES[name], name)
    finally:
        _projector(page, False)
    assert drawn["fits"], "the slide scrolls"
    if drawn["categories"] and name != "lysbilde-kart":  # every category named, none skipped for want of room
        assert sorted(_squeezed(t) for t, _box in drawn["yticks"]) == sorted(map(_squeezed, drawn["categories"]))
    for axis in ("yticks", "xticks"):
        boxes = [b for _t, b in drawn[axis]]
        clashes = [(i, j) for i in range(len(boxes)) for j in range(i) if _overlap(boxes[i], boxes[j])]
        assert not clashes, f"{axis} overlap: {[drawn[axis][i][0] for pair in clashes for i in pair]}"
    struck = [w for w in drawn["whiskers"] for t in drawn["bartexts"] if _overlap(w, t)]
    assert not struck, "an interval's whisker strikes through a data label"
    if name == "lysbilde-kart":
        assert drawn["height"] >= 350 and drawn["scrollbar"] == 0, drawn


def test_a_sliver_at_the_end_of_the_funnel_is_a_key_figure_slide_under_its_key_sentence(page):
    page.open("/mobilitet?survey=demo_national", "#mobility-tornado-summary")
    page.wait_idle()
    sentence = page.text("#mobility-tornado-summary")
    _projector(page, True)
    try:
        page.open("/mobilitet?survey=demo_national&present=1&chart=mobility-funnel", f"#{present.KEY_NUMBER}")
        page.wait_idle()
        page.screenshot("lysbilde-nokkeltall")
        number = page.find_all(f"#{present.KEY_NUMBER}")[0]
        size = float(page.driver.execute_script("return getComputedStyle(arguments[0]).fontSize", number)[:-2])
        assert page.text(".slide-title") == sentence
        assert number.text.startswith("≈") and size >= 100
        assert page.text(".slide-key-range").startswith("Spenn:")
        assert not page.find_all(f"#{present.SLIDE}-chart")
        assert page.axe_violations() == []
    finally:
        _projector(page, False)


@pytest.fixture(scope="module")
def second_editor(database_url) -> str:
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from app.db.models import AppUser
    from app.db.users import add_user
    from tests.browser.conftest import PASSWORD

    engine = create_engine(database_url)
    with Session(engine) as session, session.begin():
        if session.scalar(select(AppUser.id).where(AppUser.name == "browser-editor-b")) is None:
            add_user(session, "browser-editor-b", "editor", PASSWORD, "browser-tests")
    engine.dispose()
    return "browser-editor-b"


def _fresh_session(page) -> None:
    """Another computer: no cookie (logged out) and nothing in local storage. (From a file of the site, not a
    page: a page's callbacks still under way could set a session cookie again after the cookies are gone.)"""
    page.driver.get(page.base_url + "/assets/present.js")
    page.driver.execute_script("window.localStorage.clear();")
    page.driver.delete_all_cookies()


def _save_chart(page, address: str, chart: str, deck_title: str | None) -> str:
    """Save the chart whose title contains ``chart``; into a new deck called ``deck_title`` or the first offered."""
    page.open(address, f"#{save_view.OPEN}")
    page.wait_idle()
    page.click(f"#{save_view.OPEN}")
    title = page.wait_until(
        lambda: page.find_all(f"#{save_view.TITLE}") and page.find_all(f"#{save_view.TITLE}")[0].get_attribute("value")
    )
    page.choose(save_view.CHART, chart)
    page.wait_until(
        lambda: chart in page.find_all(f"#{save_view.TITLE}")[0].get_attribute("value"),
        message=f"the slide's title stayed {title!r}",
    )
    if deck_title:
        page.choose(save_view.DECK, "Ny presentasjon")
        field = page.find_all(f"#{save_view.NEW_TITLE}")[0]
        field.clear()
        field.send_keys(deck_title)
    page.click(f"#{save_view.SUBMIT}")
    link = page.wait_for("#save-view-link")
    return parse_qs(urlparse(link.get_attribute("href")).query)["deck"][0]


def test_an_editor_retitles_annotates_and_duplicates_slides_of_a_deck_that_is_theirs_on_any_computer(
    page, db, accounts, second_editor
):
    editor = accounts["editor"]
    name = "Kommunestyret " + secrets.token_hex(3)
    page.log_in(editor)
    token = _save_chart(page, "/mobilitet?survey=demo_national", "Hvor mye resultatet", name)
    assert _save_chart(page, "/undersoking?survey=demo_national&by=gender", "Aktuelt", None) == token
    db.expire_all()
    first, second = get_deck(db, token).views
    assert first.title == "Hvor mye resultatet endrer seg over spennet i hver forutsetning"
    assert "chart=mobility-tornado" in first.query_string
    # retitle and annotate the first slide, duplicate the second
    page.open(f"{decks.PATH}?deck={token}", ".decks-view")
    page.wait_idle()
    page.click(".decks-edit summary")
    field = page.find_all(".decks-edit-title")[0]
    field.clear()
    field.send_keys("Usikkerheten betyr mest")
    page.find_all(".decks-edit-note")[0].send_keys("Spør om utvalget")
    page.click(".decks-edit-save")
    page.wait_until(lambda: page.text(".decks-view-title") == "Usikkerheten betyr mest", message="not retitled")
    page.click(".decks-view button[title='Dupliser lysbildet']", index=1)
    page.wait_until(lambda: len(page.find_all(".decks-view")) == 3, message="not duplicated")
    db.expire_all()
    views = get_deck(db, token).views
    assert [(v.title, v.note) for v in views] == [
        ("Usikkerheten betyr mest", "Spør om utvalget"),
        (second.title, ""),
        (second.title, ""),
    ]
    assert views[1].address == views[2].address and views[1].id != views[2].id
    page.screenshot("presentasjon-rediger")
    # the note is large on the slide
    _projector(page, True)
    try:
        page.open(present.slide_address(views[0].path, views[0].query_string, token, 1, None), ".slide-note")
        page.wait_idle()
        assert page.text(".slide-note") == "Spør om utvalget" and page.text(".slide-chart-title").startswith("Usikker")
        page.screenshot("lysbilde-med-merknad")
    finally:
        _projector(page, False)
    # another computer: the same editor finds it; another editor does not, and may only show it
    _fresh_session(page)
    page.log_in(editor)
    page.open(decks.PATH, ".decks-mine, .decks-none")
    page.wait_until(lambda: name in page.text(f"#{decks.LIST}"), message="not listed for its owner")
    _fresh_session(page)
    page.log_in(second_editor)
    page.open(decks.PATH, ".decks-mine, .decks-none")
    page.wait_idle()
    assert name not in page.text(f"#{decks.LIST}")
    page.open(f"{decks.PATH}?deck={token}", ".decks-view")
    page.wait_idle()
    assert "tilhører en annen redaktør" in page.text("#decks-login")
    assert not page.find_all(".decks-edit") and not page.find_all(".decks-view button")
    # anyone with the link shows it
    _fresh_session(page)
    page.open(f"{decks.PATH}?deck={token}", f"#{decks.PLAY}")
    page.wait_idle()
    assert [e.text for e in page.find_all(".decks-view-title")][0] == "Usikkerheten betyr mest"
    page.click(f"#{decks.PLAY}")
    page.wait_until(lambda: page.find_all(f"#{present.COUNTER}") and page.text(f"#{present.COUNTER}") == "1 / 3")
    assert page.console_errors() == []
