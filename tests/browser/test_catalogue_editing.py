"""A regional council's admin changes the council's own measures catalogue in the browser: the account bar
leads to the catalogue page, a new activity is added to an area, and the Tiltak page of the region shows it.
(That the writes are refused outside the admin's regions is ``tests/test_role_matrix.py``; the editing rules
are ``tests/test_catalogue_editing.py``.)"""

from __future__ import annotations

import secrets

import pytest
from selenium.webdriver.common.keys import Keys
from sqlalchemy import create_engine, delete
from sqlalchemy.orm import Session

from app.db.models import AppUser, MeasureActivity
from app.db.users import add_user
from app.web.pages import edit_catalogue
from tests.browser.conftest import PASSWORD


@pytest.fixture
def regional_admin(database_url):
    tag = secrets.token_hex(3)
    engine = create_engine(database_url)
    names = {"admin": f"browser-katalog-{tag}", "activity": f"Åpne kontoret på Tysnes {tag}"}
    with Session(engine) as session, session.begin():
        add_user(session, names["admin"], "admin", PASSWORD, "browser-tests", region="hardangerradet")
    yield names
    with Session(engine) as session, session.begin():
        session.execute(delete(MeasureActivity).where(MeasureActivity.title["nb"].astext == names["activity"]))
        session.execute(delete(AppUser).where(AppUser.name == names["admin"]))
    engine.dispose()


def test_a_regional_admin_adds_an_activity_the_measures_page_shows(page, regional_admin):
    page.log_in(regional_admin["admin"])
    assert "Tiltakskatalog" in page.text("body")  # the account bar offers the page

    page.open(f"{edit_catalogue.PATH}?region=hardangerradet", f"#{edit_catalogue.ACTIVITY_SAVE}")
    page.wait_idle()
    page.wait_until(lambda: "Kartlegge kontorer" in page.text(f"#{edit_catalogue.OVERVIEW}"))
    title = page.driver.find_element(
        "css selector", f"""[id='{{"name":"title_nb","type":"{edit_catalogue.ACTIVITY_FIELD}"}}']"""
    )
    page.click(f"#{edit_catalogue.ACTIVITY_SAVE}")  # nothing typed: refused, and said why
    page.wait_until(lambda: "Ingenting ble lagret" in page.text(f"#{edit_catalogue.ACTIVITY_MESSAGE}"))
    assert "is-invalid" in title.get_attribute("class")
    title.send_keys(regional_admin["activity"], Keys.TAB)
    page.click(f"#{edit_catalogue.ACTIVITY_SAVE}")
    page.wait_for("#edit-catalogue-activity-saved")
    page.wait_until(lambda: regional_admin["activity"] in page.text(f"#{edit_catalogue.OVERVIEW}"))
    assert page.axe_violations() == []

    page.open("/tiltak?region=hardangerradet", "#measures-content .measures-area")
    page.wait_idle()
    page.wait_until(
        lambda: (
            regional_admin["activity"]
            in page.driver.execute_script("return document.querySelector('#measures-content').textContent")
        ),
        message="the new activity is not on the region's Measures page",
    )
    assert page.console_errors() == []
