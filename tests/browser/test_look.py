"""The look of a Norwegian public service (issue 23 §4): Digdir's Designsystemet over Bootstrap. Its Inter font
and stylesheets come from the app itself, body text is 18 px, everything that takes the keyboard's focus wears
Designsystemet's focus ring, and typing on a focused searchable dropdown opens it and searches (a combobox)."""

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

RING = (
    "const s = getComputedStyle(arguments[0]);"
    "return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.outlineOffset, s.boxShadow];"
)
# Designsystemet's digdir theme: --ds-color-focus-outer #1f2c3d, --ds-color-focus-inner #fff, 3 px each
DS_RING = ["solid", "3px", "rgb(31, 44, 61)", "3px", "rgb(255, 255, 255) 0px 0px 0px 3px"]


def test_the_font_and_the_stylesheets_are_served_by_the_app_and_the_text_is_18_px(page):
    page.open("/", "#overview-content .key-figure-value")
    page.wait_idle()
    page.wait_until(lambda: page.driver.execute_script("return document.fonts.status === 'loaded'"))
    loaded = page.driver.execute_script(
        "return [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replace(/\"/g, ''));"
    )
    assert "Inter" in loaded
    body = page.driver.execute_script(
        "const s = getComputedStyle(document.body); return [s.fontFamily.split(',')[0], s.fontSize];"
    )
    assert body == ["Inter", "18px"]  # Designsystemet's body text (md)
    sizes = page.driver.execute_script(
        "const sizes = []; const walk = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);"
        "while (walk.nextNode()) { const e = walk.currentNode.parentElement; const n = walk.currentNode.textContent.trim();"
        " if (n && e.offsetParent) { sizes.push([parseFloat(getComputedStyle(e).fontSize), n.length]); } }"
        "return sizes;"
    )
    characters = sum(n for _size, n in sizes)
    assert sum(n for size, n in sizes if size < 16) / characters < 0.05  # before, most of it was 14 px
    elsewhere = page.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => !n.startsWith(location.origin) && !n.startsWith('data:'));"
    )
    assert elsewhere == []
    fonts = page.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.endsWith('.woff2'));"
    )
    assert fonts and all("/assets/vendor/designsystemet/inter/" in f for f in fonts)
    assert page.driver.execute_script(
        "return getComputedStyle(document.querySelector('.btn-primary, a')).color !== 'rgb(13, 110, 253)'"
    )  # Bootstrap's own blue is gone: links and buttons take Designsystemet's accent


def test_links_buttons_inputs_dropdowns_and_radio_buttons_wear_designsystemets_focus_ring(page):
    page.open("/undersoking", "#survey-content .js-plotly-plot")
    page.wait_idle()
    seen = {}
    body = page.driver.find_element("css selector", "body")
    ActionChains(page.driver).move_to_element_with_offset(body, 0, 0).click().perform()
    for _ in range(40):
        ActionChains(page.driver).send_keys(Keys.TAB).perform()
        element = page.driver.switch_to.active_element
        kind = page.driver.execute_script(
            "const e = arguments[0];"
            "return e.matches('.dash-dropdown, .dash-dropdown-focus-target') ? 'dropdown'"
            " : e.matches('input.btn-check') ? 'radio' : e.tagName.toLowerCase();",
            element,
        )
        if kind not in seen:
            # a button-styled radio button's input is hidden: its label wears the ring
            shown = element.find_element("xpath", "following-sibling::label[1]") if kind == "radio" else element
            if kind == "dropdown" and element.tag_name == "input":
                shown = element.find_element("xpath", "following-sibling::button[1]")
            seen[kind] = page.driver.execute_script(RING, shown)
        if {"a", "button", "dropdown", "radio", "summary"} <= set(seen):
            break
    assert {"a", "button", "dropdown", "radio", "summary"} <= set(seen), seen
    for kind, ring in seen.items():
        assert ring[:4] == DS_RING[:4], (kind, ring)
        assert DS_RING[4] in ring[4] or "0px 0px 0px" in ring[4], (kind, ring)  # the white inner ring


def test_typing_on_a_focused_searchable_dropdown_opens_it_and_searches(page):
    """The combobox for searchable selects: no click into the search field first, and no key lost. Dash opens
    the dropdown on a key's release and moves the focus to its search a frame later; "l" is pressed before "f"
    is released and released after the focus moved, as in quick typing (assets/combobox.js keeps it)."""
    page.open("/undersoking", "#survey-content .js-plotly-plot")
    page.wait_idle()
    dropdown = page.driver.find_element("id", "survey-question")
    page.driver.execute_script("arguments[0].parentElement.querySelector('input, button').focus()", dropdown)
    keys = ActionChains(page.driver).key_down("f").key_down("l").key_up("f").pause(0.3).key_up("l")
    keys.send_keys("ytte").perform()
    page.wait_until(lambda: dropdown.get_attribute("aria-expanded") == "true", message="typing did not open it")
    search = page.driver.switch_to.active_element
    assert "dash-dropdown-search" in search.get_attribute("class") and search.get_attribute("value") == "flytte"
    page.wait_until(lambda: page.find_all("[role=listbox] [role=option]"))
    options = [o.text for o in page.find_all("[role=listbox] [role=option]")]
    assert options and all("flytte" in o.lower() for o in options), options
    ActionChains(page.driver).send_keys(Keys.ESCAPE).perform()


def test_the_login_page_outside_dash_has_the_same_look(page):
    """The login page is plain HTML (app/web/server/auth.py): it links the same stylesheets itself."""
    page.open("/logg-inn", "#login-name")
    body = page.driver.execute_script(
        "const s = getComputedStyle(document.body); return [s.fontFamily.split(',')[0], s.fontSize];"
    )
    assert body == ["Inter", "18px"]
    page.driver.find_element("id", "login-name").click()
    ActionChains(page.driver).send_keys(Keys.TAB).perform()
    ring = page.driver.execute_script(RING, page.driver.switch_to.active_element)
    assert ring[:4] == DS_RING[:4], ring
    assert page.axe_violations() == []
