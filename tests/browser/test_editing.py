"""Planners keep the data current in the browser: log in, add a coworking space and see it on the map,
record progress the Tiltak page then shows; what they type is shown as text, never run."""

from __future__ import annotations

import html

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select
from sqlalchemy import create_engine, delete
from sqlalchemy.orm import Session

from app.db.models import CoworkingSpace, MeasureCriterion, MeasureProgress
from app.language import gettext
from app.web.pages import edit_coworking, edit_criteria, edit_progress
from tests import catalogues

SPACE = "Testhuset <b>Ulvik</b>"
NOTE = "<script>window.injected = 1</script> Vedtak i formannskapet"
ULVIK = "4620"


def _field(page, field_type: str, name: str):
    return page.driver.find_element("css selector", f"""[id='{{"name":"{name}","type":"{field_type}"}}']""")


def _type(page, field_type: str, name: str, text: str) -> None:
    element = _field(page, field_type, name)
    element.clear()
    element.send_keys(text, Keys.TAB)


@pytest.fixture
def cleanup(database_url):
    engine = create_engine(database_url)
    yield
    with Session(engine) as session, session.begin():
        session.execute(delete(CoworkingSpace).where(CoworkingSpace.name == SPACE))
        session.execute(
            delete(MeasureProgress).where(
                MeasureProgress.kommunenummer == ULVIK, MeasureProgress.updated_by.like("browser-%")
            )
        )
    engine.dispose()


def test_an_anonymous_visitor_is_asked_to_log_in(page):
    page.open(edit_coworking.PATH, "#login-needed")
    assert "Logg inn" in page.text("#account-login")
    assert page.find_all(f"#{edit_coworking.SAVE}") == []


def test_an_editor_adds_a_space_sees_it_on_the_map_and_records_progress(page, accounts, cleanup, db):
    page.log_in(accounts["editor"])
    assert "browser-editor (redaktør)" in page.text("#account-name")

    page.open(edit_coworking.PATH, f"#{edit_coworking.SAVE}")
    page.wait_idle()
    _type(page, edit_coworking.FIELD, "name", SPACE)
    Select(_field(page, edit_coworking.FIELD, "kommunenummer")).select_by_value(ULVIK)
    _type(page, edit_coworking.FIELD, "latitude", "60,37")  # Kvam, not Ulvik
    _type(page, edit_coworking.FIELD, "longitude", "6,14")
    _type(page, edit_coworking.FIELD, "seats", "-2")
    page.click(f"#{edit_coworking.SAVE}")
    page.wait_until(lambda: "Ingenting ble lagret" in page.text(f"#{edit_coworking.MESSAGE}"))
    assert "is-invalid" in _field(page, edit_coworking.FIELD, "seats").get_attribute("class")
    assert "Tallet kan ikke være negativt" in page.text("body")
    assert page.axe_violations() == []

    _type(page, edit_coworking.FIELD, "seats", "8")
    page.click(f"#{edit_coworking.SAVE}")
    page.wait_until(lambda: "ikke innenfor den valgte kommunen" in page.text("body"), message="boundary not checked")

    _type(page, edit_coworking.FIELD, "latitude", "60,568")
    _type(page, edit_coworking.FIELD, "longitude", "6,912")
    page.click(f"#{edit_coworking.SAVE}")
    page.wait_for("#edit-coworking-saved")
    page.screenshot("rediger-kontorfellesskap")

    page.open("/kontorfellesskap", "#coworking-content #coworking-total-seats")
    page.wait_idle()
    page.wait_until(
        lambda: page.driver.execute_script(
            "const g = document.querySelector('#coworking-map .js-plotly-plot');"
            "return !!g && g.data.some(t => JSON.stringify([t.text, t.hovertext, t.customdata]).includes(arguments[0]));",
            html.escape(SPACE, quote=False),  # Plotly draws &lt;b&gt; as the characters <b>, never as bold
        ),
        message="the new space is not on the map, or its name is drawn as markup",
    )
    assert SPACE in page.text("#coworking-grid")  # as text: the <b> is not markup

    activity = catalogues.activity(db)
    page.open(edit_progress.PATH, f"#{edit_progress.SAVE}")
    page.wait_idle()
    Select(page.driver.find_element("css selector", f"#{edit_progress.ACTIVITY}")).select_by_value(str(activity.id))
    Select(page.driver.find_element("css selector", f"#{edit_progress.PLACE}")).select_by_value(ULVIK)
    page.wait_idle()
    Select(_field(page, edit_progress.FIELD, "status")).select_by_value("in_progress")
    _type(page, edit_progress.FIELD, "status_date", "2026-11-30")
    _type(page, edit_progress.FIELD, "note", NOTE)
    page.click(f"#{edit_progress.SAVE}")
    page.wait_for("#edit-progress-saved")
    assert page.axe_violations() == []

    page.open("/tiltak?survey=demo_national", "#measures-content .measures-area")
    page.wait_idle()
    page.click("#measures-area-coworking .measures-grid summary")  # the status grid is folded away
    table = page.text("#measures-content")
    assert NOTE in table and "30.11.2026" in table
    assert page.driver.execute_script("return window.injected === undefined")
    assert page.console_errors() == []


def test_a_refused_save_shows_the_error_summary_and_its_links_lead_to_the_fields(page, accounts):
    """Designsystemet's error summary (issue 23 §4): a heading and one link per problem, named by the field's
    label; the focus moves to it, so the next Tab reaches the first link, and a link takes the focus to its
    field. A second refused save moves the focus to the new summary again. Nothing is saved."""
    page.log_in(accounts["editor"])
    page.open(edit_coworking.PATH, f"#{edit_coworking.SAVE}")
    page.wait_idle()
    _type(page, edit_coworking.FIELD, "name", "")
    Select(_field(page, edit_coworking.FIELD, "kommunenummer")).select_by_value(ULVIK)
    _type(page, edit_coworking.FIELD, "seats", "-2")
    _type(page, edit_coworking.FIELD, "website", "kontor.no")
    page.click(f"#{edit_coworking.SAVE}")
    summary = f"#{edit_coworking.MESSAGE} .ds-error-summary"
    page.wait_for(summary)
    page.wait_until(
        lambda: page.driver.execute_script("return document.activeElement.matches(arguments[0])", summary),
        message="the focus did not move to the error summary",
    )
    assert page.text(f"{summary} h2") == "Ingenting ble lagret. Rett opp de merkede feltene."
    links = page.find_all(f"{summary} li a")
    label = {name: gettext(edit_coworking.LABELS[name], "nb") for name in ("name", "seats", "website")}
    assert [link.text.split(":")[0] for link in links] == [label["name"], label["seats"], label["website"]]
    assert links[1].text == f"{label['seats']}: Tallet kan ikke være negativt."
    assert page.axe_violations() == []

    ActionChains(page.driver).send_keys(Keys.TAB).perform()  # from the summary to its first link
    assert page.driver.execute_script("return document.activeElement.textContent") == links[0].text
    links[1].click()
    seats = _field(page, edit_coworking.FIELD, "seats")
    page.wait_until(lambda: page.driver.switch_to.active_element == seats, message="the link did not focus seats")
    assert page.driver.execute_script("return location.hash") == ""  # Dash's router saw no new address

    _type(page, edit_coworking.FIELD, "seats", "4")
    page.click(f"#{edit_coworking.SAVE}")  # the name is still missing: a new summary, with one link
    page.wait_until(lambda: len(page.find_all(f"{summary} li a")) == 2)
    page.wait_until(
        lambda: page.driver.execute_script("return document.activeElement.matches(arguments[0])", summary),
        message="the focus did not move to the second summary",
    )
    assert page.console_errors() == []


CRITERION = "Ett <i>kontorfellesskap</i> i hver kommune"


@pytest.fixture
def criteria_cleanup(database_url):
    engine = create_engine(database_url)
    yield
    with Session(engine) as session, session.begin():
        session.execute(delete(MeasureCriterion).where(MeasureCriterion.updated_by.like("browser-%")))
    engine.dispose()


def test_an_editor_sets_a_success_criterion_and_tiltak_shows_the_standing(page, accounts, criteria_cleanup):
    page.log_in(accounts["editor"])
    page.open(edit_criteria.PATH, f"#{edit_criteria.SAVE}")
    page.wait_idle()
    Select(page.driver.find_element("css selector", f"#{edit_criteria.MEASURE}")).select_by_value(
        "area:coworking@hardangerradet"
    )
    page.wait_idle()
    _type(page, edit_criteria.FIELD, "description", CRITERION)
    _type(page, edit_criteria.FIELD, "target_date", "2099-12-31")
    page.click(f"#{edit_criteria.SAVE}")
    page.wait_until(lambda: "Ingenting ble lagret" in page.text(f"#{edit_criteria.MESSAGE}"))
    assert "is-invalid" in _field(page, edit_criteria.FIELD, "target_value").get_attribute("class")
    assert page.axe_violations() == []
    _type(page, edit_criteria.FIELD, "target_value", "4")
    _type(page, edit_criteria.FIELD, "target_unit", "kontorfellesskap")
    page.click(f"#{edit_criteria.SAVE}")
    page.wait_for("#edit-criteria-saved")
    chosen = page.driver.find_element("css selector", f"#{edit_criteria.CRITERION}").get_attribute("value")
    assert chosen.isdigit()  # the form now holds the saved criterion: a second save changes it
    _type(page, edit_criteria.FIELD, "target_value", "5")
    page.click(f"#{edit_criteria.SAVE}")
    page.wait_until(lambda: _field(page, edit_criteria.FIELD, "target_value").get_attribute("value") == "5")
    page.wait_for("#edit-criteria-saved")

    # the target is a number: the value measured in Kvam is recorded beside it
    page.wait_until(lambda: page.driver.find_element("id", edit_criteria.MEASURED).is_displayed())
    Select(_field(page, edit_criteria.MEASURED_FIELD, "place")).select_by_value("4622")
    _type(page, edit_criteria.MEASURED_FIELD, "value", "6")
    _type(page, edit_criteria.MEASURED_FIELD, "measured_on", "2099-01-01")
    page.click(f"#{edit_criteria.MEASURED_SAVE}")
    page.wait_until(lambda: "Ingenting ble registrert" in page.text(f"#{edit_criteria.MEASURED_MESSAGE}"))
    assert "is-invalid" in _field(page, edit_criteria.MEASURED_FIELD, "measured_on").get_attribute("class")
    _type(page, edit_criteria.MEASURED_FIELD, "measured_on", "2026-11-30")
    page.click(f"#{edit_criteria.MEASURED_SAVE}")
    page.wait_for("#edit-criteria-recorded")
    assert "30.11.2026" in page.text("#edit-criteria-values")
    assert page.axe_violations() == []

    page.open("/tiltak", "#measures-content .measures-criteria")
    page.wait_idle()
    block = page.text("#measures-area-coworking .measures-criteria")
    assert CRITERION in block and "minst 5 kontorfellesskap" in block and "31.12.2099" in block
    assert "Målt: 6 kontorfellesskap (30.11.2026)" in block
    badges = [
        b.text
        for b in page.driver.find_elements(
            "css selector", "#measures-area-coworking .measures-criteria .measures-standing"
        )
    ]
    assert sorted(badges) == ["Nådd", "På vei", "På vei", "På vei", "På vei"]  # Kvam measured 6 of 5
    assert "1 satt" in page.text("#measures-summary-coworking")
    assert page.driver.execute_script("return document.querySelector('.measures-criteria i') === null")
    assert page.axe_violations() == []
    assert page.console_errors() == []


def test_the_admin_pages_pass_axe_and_an_editor_is_kept_out(page, accounts):
    page.log_in(accounts["admin"])
    page.open("/admin/import?lang=nn", "#import-check")
    page.wait_idle()
    assert page.axe_violations() == []
    page.open("/admin/endringslogg", "#audit-table")
    assert "coworking.create" in page.text("#audit-table") or "user.add" in page.text("#audit-table")
    assert page.axe_violations() == []
    assert page.console_errors() == []
    page.driver.delete_all_cookies()
    page.log_in(accounts["editor"])
    page.open("/admin/import", "#login-needed")
    assert "Rollen din gir ikke tilgang" in page.text("#login-needed")
