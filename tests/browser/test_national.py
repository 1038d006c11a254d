"""Nasjonalt bilete in a real browser, in three languages: the published series with its break, the
state employers' figures, the rules, the demo survey beside them (labelled synthetic), accessible and
with nothing loaded from outside."""

import pytest

CONTENT = "#national-content #national-possibility"


@pytest.mark.parametrize(
    ("lang", "title", "rules"),
    [
        ("nb", "Nasjonalt bilde", "Reglene"),
        ("nn", "Nasjonalt bilete", "Reglane"),
        ("en", "The national picture", "The rules"),
    ],
)
def test_the_national_page_in_every_language(page, lang, title, rules):
    page.open(f"/nasjonalt?survey=demo_national&lang={lang}", CONTENT)
    page.wait_idle()
    text = page.text("#national-content")
    assert page.text("h1") == title and rules in text
    assert "89" in page.text("#national-employers-table, #national-content")
    page.wait_until(lambda: len(page.find_all("#national-possibility .trace.bars")) >= 2, message="no bars")
    assert page.find_all(".synthetic-label")  # the demo survey beside the national figures
    resources = page.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert [r for r in resources if not r.startswith(page.base_url) and not r.startswith("data:")] == []
    assert page.axe_violations() == []
    assert page.console_errors() == []
    if lang == "nn":
        page.screenshot("nasjonalt")
