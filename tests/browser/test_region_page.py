"""A council's start page and the Regions form in a real browser: the page names the region and its members,
passes axe; a national admin makes a region from the form, picking members in the searchable list."""

from __future__ import annotations

import secrets

from selenium.webdriver.common.by import By
from sqlalchemy import create_engine, delete
from sqlalchemy.orm import Session

from app.db.models import Region
from app.web.pages import admin_regions, region

READY = "#region-content #region-members"


def test_the_start_page_names_the_region_and_passes_axe(page):
    page.open("/region/hardangerradet?survey=demo_national", READY)
    page.wait_idle()
    assert page.text("h1") == "Hardangerrådet"
    members = [a.text for a in page.find_all("#region-members li a")]
    assert members == ["Eidfjord", "Kvam", "Ullensvang", "Ulvik"]
    assert "Syntetiske data" in page.text(".synthetic-label")
    assert "hele regionen" in page.text(f"#{region.MEASURES}-block")
    assert page.axe_violations() == []
    assert page.console_errors() == []


def test_a_national_admin_makes_a_region_in_the_form(page, accounts, database_url):
    slug = f"nettlesar-{secrets.token_hex(3)}"
    page.log_in(accounts["admin"])
    page.open(admin_regions.PATH, f"#{admin_regions.SAVE}")
    page.wait_idle()
    assert page.axe_violations() == []
    page.driver.find_element(By.ID, admin_regions.NAME_FIELD).send_keys("Sunnhordland (nettlesar)")
    page.driver.find_element(By.ID, admin_regions.SLUG_FIELD).send_keys(slug)
    for name in ("Stord", "Bømlo"):
        _pick(page, admin_regions.MEMBERS_FIELD, name)
    page.click(f"#{admin_regions.SAVE}")
    try:
        page.wait_for("#regions-made")
        assert f"regions-row-{slug}" in page.driver.page_source
        assert "Bømlo (4613), Stord (4614)" in page.text(f"#regions-row-{slug}")
        page.click("#regions-made a")
        page.wait_for(READY)
        page.wait_until(lambda: page.text("h1") == "Sunnhordland (nettlesar)")
    finally:
        engine = create_engine(database_url)
        with Session(engine) as session, session.begin():
            session.execute(delete(Region).where(Region.slug == slug))
        engine.dispose()


def _pick(page, dropdown_id: str, name: str) -> None:
    """Search the municipalities' list as a person does (it shows only the first hundred until one types) and
    choose ``name``."""
    page.click(f"#{dropdown_id}")
    search = page.wait_for("input.dash-dropdown-search")
    search.send_keys(name)
    page.wait_until(lambda: any(o.text.startswith(name) for o in page.find_all("[role=listbox] [role=option]")))
    page.click_on(next(o for o in page.find_all("[role=listbox] [role=option]") if o.text.startswith(name)))
    search.send_keys("\ue00c")  # Escape closes the list
