"""An analyst takes the numbers out: every page's download menu gives files that stand alone."""

from __future__ import annotations

import csv
import html
import io
import struct

import pandas as pd
import pytest
import requests
from openpyxl import load_workbook
from pypdf import PdfReader

from app.language import localized
from app.query.estimates import estimate_shares
from app.query.publish import publishable
from app.web.pages import coworking, mobility, overview, survey

# (page address, the chart whose menu is used)
CHARTS = [
    ("/", overview.CONTEXT_CHART),
    ("/undersoking?survey=demo_national&question=q22&by=gender&f_age_group=2,3", survey.CHART),
    ("/samanhengar?survey=demo_national", "relationships-chart-doughnut"),
    ("/mobilitet?survey=demo_national", mobility.FUNNEL_CHART),
    ("/kontorfellesskap", coworking.DEMAND_CHART),
    ("/tiltak", "measures-progress"),
]


def _menu_links(page, chart: str) -> dict[str, str]:
    """The download menu's addresses by format, as the browser would follow them."""
    page.wait_for(f"#{chart}-download")
    page.wait_idle()
    page.click(f"#{chart}-download .dropdown-toggle")
    page.wait_for(f"#{chart}-download .dropdown-menu.show a")
    links = {}
    for fmt in ("png", "svg", "pdf", "csv", "xlsx", "json", "zip"):
        found = page.find_all(f"#{chart}-download a.export-{fmt}")
        if found:
            links[fmt] = found[0].get_attribute("href")
    page.click(f"#{chart}-download .dropdown-toggle")
    return links


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize(("address", "chart"), CHARTS, ids=[c for _a, c in CHARTS])
def test_each_format_downloads_from_the_chart_menu(page, address, chart):
    page.open(address, f"#{chart}-download")
    links = _menu_links(page, chart)
    assert {"csv", "xlsx", "json", "zip"} <= set(links)
    described = requests.get(links["json"], timeout=60).json()
    title = described["views"][0]["title"]
    selection = described["metadata"]["selection"]
    # CSV: the table alone, its column keys first, read by a script as it is
    body = requests.get(links["csv"], timeout=60).content
    frame = pd.read_csv(io.BytesIO(body), sep=";", decimal=",")
    assert list(frame.columns) == [c["key"] for c in described["views"][0]["columns"]] and len(frame) > 0
    # XLSX: the same title, a metadata sheet
    book = load_workbook(io.BytesIO(requests.get(links["xlsx"], timeout=60).content))
    assert book.worksheets[0]["A1"].value == title and "Metadata" in book.sheetnames
    # images, where the view is a chart (a table-only view has no image entries)
    if chart == "measures-progress":
        assert "png" not in links
        return
    png = requests.get(links["png"], timeout=120).content
    width, height = _png_size(png)
    assert width >= 2000 and height >= 600, "drawn at twice the resolution"
    svg = html.unescape(requests.get(links["svg"], timeout=120).text)
    assert title in svg and selection in svg and "Kilde" in svg
    pdf = requests.get(links["pdf"], timeout=120).content
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_the_survey_csv_and_workbook_hold_the_query_layers_numbers(page, db):
    address, chart = CHARTS[1]
    page.open(address, f"#{chart}-block")
    links = _menu_links(page, chart)
    result = localized(
        publishable(estimate_shares(db, "demo_national", "q22", by="gender", where={"age_group": [2, 3]}, min_n=10)),
        "nb",
    )
    expected = {(r.group, r.label): round(100 * r.estimate, 1) for r in result.rows if not r.suppressed}
    text = requests.get(links["csv"], timeout=60).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["group", "answer", "value", "ci_low", "ci_high", "n", "note"]
    found = {(r[0], r[1]): float(r[2].replace(",", ".")) for r in rows[1:]}
    assert found == expected
    book = load_workbook(io.BytesIO(requests.get(links["xlsx"], timeout=60).content))
    values = {(r[0], r[1]): r[2] for r in book.worksheets[0].iter_rows(min_row=5, values_only=True)}
    assert values == expected


def test_the_plotly_modebar_offers_no_image_or_cloud_and_the_table_is_one_click_away(page):
    page.open(CHARTS[1][0], f"#{survey.CHART} .main-svg")
    page.wait_idle()
    titles = [b.get_attribute("data-title") for b in page.find_all(f"#{survey.CHART} .modebar-btn")]
    assert titles and not [t for t in titles if "png" in (t or "").lower() or "cloud" in (t or "").lower()]
    page.click(f"#{survey.CHART}-show input[value=table]")
    page.wait_until(lambda: page.find_all(f"#{survey.CHART}-block .view-table")[0].is_displayed(), message="no table")
    assert not page.find_all(f"#{survey.CHART}")[0].is_displayed()
    assert "Kvinne" in page.text(f"#{survey.CHART}-block .view-table")
    # the citation names the view, its source, the date and the address
    page.click(f"#{survey.CHART}-block details.cite summary")
    citation = page.text(f"#{survey.CHART}-block .citation-text")
    assert "Aktuelt å flytte" in citation and "Hentet" in citation and "f_age_group=2%2C3" in citation


def test_an_exported_chart_image_for_the_screenshots(page, live_server):
    address = "/export/undersoking.png?survey=demo_national&question=q22&by=age_group&f_gender=2&lang=nn"
    image = requests.get(live_server + address, timeout=120)
    assert image.status_code == 200 and _png_size(image.content)[0] >= 2000
    page.save_picture("eksportert-diagram", image.content)


def test_copy_link_works_from_the_keyboard_and_keeps_the_table_choice(page):
    """The whole "Kopier lenke" button copies, from the mouse or the keyboard; a view shown as a table is
    linked as a table, and opening that link shows the table again."""
    from selenium.webdriver.common.keys import Keys

    address, chart = CHARTS[1]
    page.open(address, f"#{chart}-copy-link")
    page.wait_idle()
    button = page.find_all(f"#{chart}-copy-link")[0]
    assert button.tag_name == "button"
    page.driver.execute_script("arguments[0].focus()", button)
    button.send_keys(Keys.ENTER)
    page.wait_until(lambda: "kopiert" in button.text, message="no confirmation")
    copied = button.get_attribute("data-copied")
    assert "question=q22" in copied and "f_age_group=2%2C3" in copied and "show=table" not in copied
    page.click(f"#{chart}-show input[value=table]")
    button.send_keys(Keys.SPACE)
    page.wait_until(lambda: "show=table" in (button.get_attribute("data-copied") or ""), message="no table link")
    linked = button.get_attribute("data-copied")
    assert f"chart={chart}" in linked
    page.driver.get(linked)
    page.wait_until(
        lambda: (
            page.find_all(f"#{chart}-block .view-table")
            and page.find_all(f"#{chart}-block .view-table")[0].is_displayed()
        ),
        message="the link did not open the table",
    )
    assert page.console_errors() == []
