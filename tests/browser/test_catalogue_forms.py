"""The editing forms record against a region's own measures catalogue: a national editor sees each region's
catalogue and the template, and the places offered follow the chosen activity's catalogue."""

from __future__ import annotations

from selenium.webdriver.support.ui import Select

from app.web.pages import edit_criteria, edit_progress


def _options(page, css: str) -> list[str]:
    return [o.get_attribute("value") for o in page.find_all(f"{css} option") if o.get_attribute("value")]


def test_the_places_follow_the_catalogue_of_the_chosen_activity(page, accounts):
    page.log_in(accounts["editor"])  # a national editor: every region's catalogue and the template
    page.open(edit_progress.PATH, f"#{edit_progress.SAVE}")
    page.wait_idle()
    activities = Select(page.driver.find_element("css selector", f"#{edit_progress.ACTIVITY}"))
    labels = [o.text for o in activities.options if o.get_attribute("value")]
    assert labels[0].startswith("Hardangerrådet · 1.")  # the regions' catalogues first, named
    assert labels[-1].startswith("Rapportens mal")
    assert set(_options(page, f"#{edit_progress.PLACE}")) == {"4618", "4619", "4620", "4622", "region:hardangerradet"}

    activities.select_by_index(len(activities.options) - 1)  # an activity of the template
    page.wait_until(lambda: "0301" in _options(page, f"#{edit_progress.PLACE}"), message="the template's places")
    offered = _options(page, f"#{edit_progress.PLACE}")
    assert "4622" not in offered and not any(o.startswith("region:") for o in offered)

    page.open(edit_criteria.PATH + "?region=hardangerradet", f"#{edit_criteria.SAVE}")
    page.wait_idle()
    measures = _options(page, f"#{edit_criteria.MEASURE}")
    assert measures[0] == "area:coworking@hardangerradet" and "area:coworking" in measures
    assert page.axe_violations() == []
