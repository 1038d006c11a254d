"""Every page on a phone (390 × 844, issue 23 §6): nothing scrolls sideways, and a table becomes one card per
row with each value under its column's heading, instead of being cut off."""

import pytest

from tests.browser.pages import READY

PAGES = READY


@pytest.fixture
def phone(page):
    page.driver.set_window_size(390, 844)
    yield page
    page.driver.set_window_size(1366, 768)


@pytest.mark.parametrize("path", list(PAGES))
def test_no_page_is_wider_than_a_phone(phone, path):
    phone.open(path, PAGES[path])
    phone.wait_idle()
    width, viewport = phone.driver.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    wider = phone.driver.execute_script(
        "const W = document.documentElement.clientWidth;"
        "return [...document.querySelectorAll('main table')].filter(t => t.getBoundingClientRect().right > W + 1)"
        ".map(t => t.id || t.className);"
    )
    assert width <= viewport, (path, width, viewport)
    assert wider == [], (path, wider)  # no table runs off the screen, even inside a scrolling box


def test_a_table_on_a_phone_is_one_card_per_row_with_its_headings(phone):
    phone.open("/kommune/4622?lang=nn", "#municipality-survey-figures")
    phone.wait_idle()
    phone.wait_until(lambda: phone.find_all("#municipality-survey-figures.cards-on-phone td[data-label]"))
    labels = phone.driver.execute_script(
        "return [...document.querySelectorAll('#municipality-survey-figures tbody tr:first-child td')]"
        ".map(td => [td.dataset.label, getComputedStyle(td, '::before').content, getComputedStyle(td).display]);"
    )
    assert [label for label, _before, _display in labels][:2] == ["Kvam", "Hardangerrådet"]
    assert all(before.strip('"') == label and display == "block" for label, before, display in labels)
    head = phone.driver.execute_script(
        "const r = document.querySelector('#municipality-survey-figures thead').getBoundingClientRect();"
        "return [r.width, r.height];"
    )
    assert head[0] <= 1 and head[1] <= 1  # the headings are read by screen readers, not shown twice
    assert phone.axe_violations() == []


def test_a_bar_chart_on_a_phone_names_its_groups_above_the_bars(phone):
    """The Likert chart by age group: on a phone the group names go above the bars, so the bars get the width
    (on a wide screen the same figure keeps its names beside the bars)."""
    phone.open("/undersoking?survey=demo_national&question=q6_1&by=age_group", "#survey-content .js-plotly-plot")
    phone.wait_idle()
    script = (
        "const gd = document.querySelector('#survey-content .js-plotly-plot'); const f = gd._fullLayout;"
        "return [f.yaxis.showticklabels, (f.annotations || []).filter(a => a.name === 'phone-labels').map(a => a.text),"
        " f.xaxis._length / f.width, gd.layout.yaxis.categoryarray];"
    )
    phone.wait_until(lambda: phone.driver.execute_script(script)[0] is False, message="not drawn for a phone")
    ticks, names, plot_share, groups = phone.driver.execute_script(script)
    assert names == groups and [g.split(" år")[0] for g in groups] == ["25–34", "35–44", "45–54", "55–60"]
    assert plot_share > 0.9  # the bars have the screen, not a sliver beside the names
    phone.driver.set_window_size(1366, 768)
    phone.open("/undersoking?survey=demo_national&question=q6_1&by=age_group", "#survey-content .js-plotly-plot")
    phone.wait_idle()
    ticks, names, plot_share, groups = phone.driver.execute_script(script)
    assert ticks is True and names == [] and len(groups) == 4


def test_small_multiples_on_a_phone_are_stacked_one_panel_under_the_other(phone):
    """Samanhengar's statements side by side are four slivers on a phone: there each panel takes the full width,
    under the one before, with its statement as its heading and its groups named above their bars."""
    phone.open("/samanhengar", "#relationships-chart-home-office .js-plotly-plot")
    phone.wait_idle()
    script = (
        "const gd = document.querySelector('#relationships-chart-home-office .js-plotly-plot'); const f = gd._fullLayout;"
        "const ids = Object.keys(f).filter(k => /^yaxis\\d*$/.test(k)).sort();"
        "return [gd.layout.meta, ids.map(k => f['x' + k.slice(1)].domain), ids.map(k => f[k].domain),"
        " ids.map(k => f[k].showticklabels), (f.annotations || []).filter(a => a.name === 'phone-labels').map(a => a.text),"
        " gd.data.map(t => t.y), gd.getBoundingClientRect().right, document.documentElement.clientWidth];"
    )
    phone.wait_until(lambda: phone.driver.execute_script(script)[0] == "phone-labels", message="not drawn for a phone")
    _meta, widths, bands, ticks, labels, groups, right, screen = phone.driver.execute_script(script)
    assert len(widths) >= 3 and all(width == [0, 1] for width in widths)  # every panel has the whole width
    assert all(upper[0] > lower[1] for upper, lower in zip(bands, bands[1:], strict=False))  # one under the other
    assert not any(ticks)  # the names are above the bars instead
    assert all(group in labels for group in groups[0]) and right <= screen + 1
    assert len(labels) == len(widths) * (1 + len(groups[0]))  # a heading per panel and each group's name in it
