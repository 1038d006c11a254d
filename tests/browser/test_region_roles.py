"""An editor of one region, in the browser: the account bar names the region, the edit form offers only the
region's spaces and municipalities, and the national admin's pages are not offered. (That the writes are
refused outside the region whatever sends them is ``tests/test_role_matrix.py``.)"""

from __future__ import annotations

import secrets

import pytest
from selenium.webdriver.support.ui import Select
from sqlalchemy import create_engine, delete, select
from sqlalchemy.orm import Session

from app.db.models import AppUser, CoworkingSpace, Region
from app.db.regions import add_region
from app.db.users import add_user
from app.ingest.editing import save_space
from app.web.pages import edit_coworking
from tests.browser.conftest import PASSWORD

HARDANGER = {"4618", "4619", "4620", "4622"}


@pytest.fixture
def two_regions(database_url):
    """Region B (Stord, Bømlo) with a space of its own, and an editor of Hardangerrådet (region A)."""
    tag = secrets.token_hex(3)
    engine = create_engine(database_url)
    names = {"region": f"stord-{tag}", "editor": f"browser-hardanger-{tag}", "space": f"Stordhuset {tag}"}
    with Session(engine) as session, session.begin():
        add_region(session, names["region"], "Sunnhordland (test)", ["4613", "4614"], "browser-tests")
        add_user(session, names["editor"], "editor", PASSWORD, "browser-tests", region="hardangerradet")
        save_space(session, "browser-tests", {"name": names["space"], "kommunenummer": "4614", "seats": 6})
    yield names
    with Session(engine) as session, session.begin():
        session.execute(delete(CoworkingSpace).where(CoworkingSpace.name == names["space"]))
        session.execute(delete(AppUser).where(AppUser.name == names["editor"]))
        session.execute(delete(Region).where(Region.slug == names["region"]))
    engine.dispose()


def test_an_editor_of_one_region_sees_only_its_spaces_in_the_edit_form(page, two_regions, database_url):
    page.log_in(two_regions["editor"])
    assert "redaktør i Hardangerrådet" in page.text("#account-name")
    bar = page.text("#account-name") + " " + page.text("body")
    assert "Rediger kontorfellesskap" in bar and "Importer data" not in bar and "Endringslogg" not in bar

    page.open(edit_coworking.PATH, f"#{edit_coworking.SAVE}")
    page.wait_idle()
    spaces = [o.text for o in Select(page.driver.find_element("id", edit_coworking.PICK)).options]
    assert two_regions["space"] not in " ".join(spaces)  # region B's space is not offered
    engine = create_engine(database_url)
    with Session(engine) as session:
        ours = session.scalars(select(CoworkingSpace.name).where(CoworkingSpace.kommunenummer.in_(HARDANGER))).all()
    engine.dispose()
    assert ours and all(any(name in option for option in spaces) for name in ours)  # region A's all are
    field = page.driver.find_element(
        "css selector", f"""[id='{{"name":"kommunenummer","type":"{edit_coworking.FIELD}"}}']"""
    )
    offered = {o.get_attribute("value") for o in Select(field).options} - {""}
    assert offered == HARDANGER
