"""Every page of the dashboard is registered, translated in its navigation, and drawn."""

import pytest

from app.language import gettext
from app.web.pages import PAGE_MODULES, pages

PATHS = {
    "overview": "/",
    "region": "/region",  # each council's start page: linked, not in the navigation
    "municipality": "/kommune",
    "survey": "/undersoking",
    "relationships": "/samanhengar",
    "mobility": "/mobilitet",
    "national": "/nasjonalt",
    "coworking": "/kontorfellesskap",
    "measures": "/tiltak",
    "interviews": "/intervju",
    "decks": "/presentasjon",
    "about": "/om",
}
EDITING_PATHS = {  # for editors and admins: in the account bar, not the navigation
    "edit_coworking": "/rediger/kontorfellesskap",
    "edit_progress": "/rediger/tiltak",
    "edit_criteria": "/rediger/suksesskriterier",
    "edit_catalogue": "/rediger/katalog",
    "audit": "/admin/endringslogg",
    "admin_import": "/admin/import",
    "admin_regions": "/admin/regioner",
}


def test_all_ten_pages_exist_in_navigation_order_and_those_for_editors_after_them():
    assert [p.name for p in pages()] == list(PAGE_MODULES)
    assert {p.name: p.path for p in pages() if p.role is None} == PATHS
    assert {p.name: p.path for p in pages() if p.role is not None} == EDITING_PATHS


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_page_names_are_translated(lang):
    for page in pages():
        assert gettext(page.title, lang) != page.title or page.title == "Overview" and lang == "en"
