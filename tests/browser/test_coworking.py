"""Kontorfellesskap in a real browser: map without internet, table, URL state, languages, accessibility."""

from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import delete, insert

from app.db.models import CoworkingSpace
from app.language import format_number
from app.query.coworking import list_spaces, total_seats

PATH = "/kontorfellesskap"
CONTENT = "#coworking-content #coworking-total-seats .key-figure-value"
GRID_ROWS = "#coworking-grid .ag-center-cols-container .ag-row"


def _open(page, query=""):
    page.open(PATH + query, CONTENT)
    page.wait_idle()
    page.wait_until(lambda: len(page.find_all(GRID_ROWS)) > 0 or ": 0." in page.text("#coworking-row-count"))


def _query(page) -> dict:
    return parse_qs(urlparse(page.driver.current_url).query)


def test_the_page_shows_the_regions_seats_with_both_labels_and_loads_nothing_from_outside(page, db):
    expected = format_number(total_seats(db, "hardangerradet", ("active",)), "nb")
    _open(page)
    assert page.text(CONTENT) == expected
    assert "Syntetiske data" in page.text(".synthetic-label")
    assert "Eksempeldata – erstatt med reelle tilbud" in page.text(".example-label")
    assert "Kommunegrenser © Kartverket (CC BY 4.0)" in page.text("#coworking-map-note")
    # municipalities and spaces drawn (Plotly draws the map after the page's content has arrived)
    page.wait_until(
        lambda: len(page.find_all("#coworking-map .scatterlayer .trace")) >= 4, message="the map has no traces"
    )
    assert len(page.find_all(GRID_ROWS)) == len(list_spaces(db, "hardangerradet", ("active",)))
    resources = page.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    outside = [r for r in resources if not r.startswith(page.base_url) and not r.startswith("data:")]
    assert resources and outside == []
    assert page.console_errors() == []
    page.driver.execute_script("document.getElementById('coworking-total-seats').scrollIntoView({behavior: 'instant'})")
    page.screenshot("kontorfellesskap")


def test_changing_the_status_filter_updates_the_address_the_table_and_the_total(page, db):
    active = list_spaces(db, "hardangerradet", ("active",))
    both = list_spaces(db, "hardangerradet", ("active", "planned"))
    assert len(both) > len(active)
    _open(page)
    assert len(page.find_all(GRID_ROWS)) == len(active)
    planned = next(label for label in page.find_all("#coworking-status label") if "Planlagt" in label.text)
    planned.click()
    page.wait_until(lambda: _query(page).get("status") == ["active,planned"], message="URL did not change")
    page.wait_until(lambda: len(page.find_all(GRID_ROWS)) == len(both), message="table did not change")
    expected = format_number(total_seats(db, "hardangerradet", ("active", "planned")), "nb")
    page.wait_until(lambda: page.text(CONTENT) == expected, message="total did not change")
    page.driver.back()
    page.wait_until(lambda: len(page.find_all(GRID_ROWS)) == len(active), message="back did not restore the view")


def test_only_planned_spaces_leaves_municipalities_without_an_offer(page, db):
    _open(page, "?status=planned")
    assert "Kvam" in page.text("#coworking-no-offer")  # Kvam has no planned space in the example data
    assert "Ullensvang" not in page.text("#coworking-no-offer")


@pytest.fixture
def space_outside_the_region(engine):
    """A committed space in Bergen, visible to the app under test; removed afterwards."""
    with engine.begin() as conn:
        conn.execute(
            insert(CoworkingSpace).values(
                name="Testfellesskap Bergen",
                kommunenummer="4601",
                seats=40,
                latitude=60.39,
                longitude=5.32,
                status="active",
                is_example=True,
                facilities=[],
            )
        )
    yield
    with engine.begin() as conn:
        conn.execute(delete(CoworkingSpace).where(CoworkingSpace.name == "Testfellesskap Bergen"))


def test_changing_the_region_updates_the_address_and_the_table(page, space_outside_the_region):
    _open(page)
    before = len(page.find_all(GRID_ROWS))
    page.choose("coworking-region", "Alle registrerte")
    page.wait_until(lambda: _query(page).get("region") == ["norge"], message="URL did not change")
    page.wait_until(lambda: len(page.find_all(GRID_ROWS)) == before + 1, message="table did not change")
    assert "Bergen" in page.text("#coworking-capacity-table")


def test_a_bad_parameter_falls_back_to_defaults_with_a_notice(page):
    _open(page, "?status=open&region=nowhere")
    notice = page.text(".url-notice")
    assert "status=open" in notice and "region=nowhere" in notice


@pytest.mark.parametrize("lang,heading", [("nb", "Kontorfellesskap"), ("nn", "Kontorfellesskap"), ("en", "Coworking")])
def test_every_language_and_no_serious_accessibility_violations(page, lang, heading):
    _open(page, f"?lang={lang}")
    assert page.text("h1") == heading
    assert page.driver.execute_script("return document.documentElement.lang") == lang
    if lang == "nn":
        assert "Eksempeldata – byt ut med reelle tilbod" in page.text(".example-label")
    assert page.axe_violations() == []
