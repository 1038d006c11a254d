"""Data and images at stable addresses: /data/<page>.csv|xlsx|json and /export/<page>.png|svg|pdf give
exactly the numbers the view shows, described so they stand alone, and reveal nothing a page hides."""

from __future__ import annotations

import csv
import io
import json
import struct

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.language import localized
from app.query.estimates import estimate_shares
from app.query.publish import publishable
from app.web.pages import survey
from app.web.views import Column, DataTable, View
from app.web.views.export import render_views, safe_text, to_csv, to_xlsx
from tests.page_answers import page_answer

SURVEY_VIEW = "survey=demo_national&question=q22&by=gender"


def _csv(body: bytes) -> list[list[str]]:
    """The rows of a CSV answer, the header row first."""
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so Excel reads æøå"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_of_a_survey_view_holds_only_its_table_in_norwegian_format(client, db):
    response = client.get(f"/data/undersoking.csv?{SURVEY_VIEW}&f_age_group=2,3")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert 'filename="undersoking_q22_gender_2-3.csv"' in response.headers["Content-Disposition"]
    header, *rows = _csv(response.data)
    assert header == ["group", "answer", "value", "ci_low", "ci_high", "n", "note"]  # short, stable names
    # the numbers: the published (rounded) estimate, with a decimal comma
    result = localized(
        publishable(estimate_shares(db, "demo_national", "q22", by="gender", where={"age_group": [2, 3]}, min_n=10)),
        "nb",
    )
    expected = {
        (r.group, r.label): f"{100 * r.estimate:.1f}".replace(".", ",") for r in result.rows if not r.suppressed
    }
    assert {(r[0], r[1]): r[2] for r in rows} == expected


def test_a_script_reads_the_csv_with_plain_read_csv(client):
    """The contract: ``pandas.read_csv(url, sep=";", decimal=",")``, nothing to skip; numbers come as numbers."""
    import pandas as pd

    frame = pd.read_csv(io.BytesIO(client.get(f"/data/undersoking.csv?{SURVEY_VIEW}").data), sep=";", decimal=",")
    assert list(frame.columns)[:3] == ["group", "answer", "value"]
    assert frame["value"].dtype == float and frame["value"].between(0, 100).all()
    english = pd.read_csv(io.BytesIO(client.get(f"/data/undersoking.csv?{SURVEY_VIEW}&lang=en").data), sep=";")
    assert english["value"].tolist() == frame["value"].tolist() and set(english["group"]) == {"Man", "Woman"}


def test_what_describes_the_data_is_beside_it_with_keys_in_english(client):
    described = json.loads(client.get(f"/data/undersoking.metadata.json?{SURVEY_VIEW}&f_age_group=2,3").data)
    assert described["title"] == "Aktuelt å flytte til annen kommune – etter kjønn"
    assert described["selection"] == "35–44 år, 45–54 år"
    assert "syntetisk" in described["source"] and described["synthetic"].startswith("Syntetiske data")
    assert "færre enn 10" in described["suppression"] and described["suppressed_symbol"] == ":"
    assert "/undersoking?survey=demo_national&question=q22&by=gender&f_age_group=2%2C3" in described["address"]
    assert int(described["data_version"]) >= 1 and described["language"] == "nb"
    (view,) = described["views"]
    assert view["csv"] == f"{survey.CHART}.csv" and view["columns"][0] == {
        "key": "group",
        "header": "Gruppe",
        "kind": "text",
    }
    nynorsk = json.loads(client.get(f"/data/undersoking.metadata.json?{SURVEY_VIEW}&lang=nn").data)
    assert set(nynorsk) == set(described) - {"selection"} | {"selection"}  # the same keys in every language


def test_the_zip_bundles_each_csv_the_metadata_and_a_readme(client):
    import zipfile

    response = client.get(f"/data/undersoking.zip?{SURVEY_VIEW}")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == sorted([f"{survey.CHART}.csv", "metadata.json", "README.txt"])
    assert archive.read(f"{survey.CHART}.csv") == client.get(f"/data/undersoking.csv?{SURVEY_VIEW}").data
    assert 'sep=";", decimal=","' in archive.read("README.txt").decode()
    assert json.loads(archive.read("metadata.json"))["views"][0]["id"] == survey.CHART


def test_a_withheld_group_carries_ssbs_symbol_and_a_reason_never_a_blank(client):
    search = "?survey=demo_national&question=q22&by=education"  # "Grunnskole" has too few respondents
    rows = _csv(client.get(f"/data/undersoking.csv{search}").data)
    header, body = rows[0], rows[1:]
    withheld = [r for r in body if r[header.index("value")] == ":"]
    assert withheld and all(r[header.index(k)] == ":" for r in withheld for k in ("ci_low", "ci_high", "n"))
    assert not [r for r in body if r[header.index("value")] == ""]
    book = load_workbook(io.BytesIO(client.get(f"/data/undersoking.xlsx{search}").data))
    assert ":" in [c.value for row in book.worksheets[0].iter_rows() for c in row]
    document = json.loads(client.get(f"/data/undersoking.json{search}").data)
    hidden = [r for r in document["views"][0]["rows"] if r["value"] is None]
    assert hidden and all(r["suppressed"]["columns"] == ["value", "ci_low", "ci_high", "n"] for r in hidden)
    assert all("fewer than 10" in r["suppressed"]["reason"] for r in hidden)


def test_the_workbook_has_the_numbers_as_numbers_and_a_metadata_sheet(client, db):
    response = client.get(f"/data/undersoking.xlsx?{SURVEY_VIEW}")
    book = load_workbook(io.BytesIO(response.data))
    data, meta = book.worksheets[0], book["Metadata"]
    assert data["A1"].value == "Aktuelt å flytte til annen kommune – etter kjønn"
    values = {(r[0], r[1]): r[2] for r in data.iter_rows(min_row=5, values_only=True)}
    result = localized(publishable(estimate_shares(db, "demo_national", "q22", by="gender", min_n=10)), "nb")
    for row in result.rows:
        assert values[(row.group, row.label)] == pytest.approx(round(100 * row.estimate, 1))
    labels = [r[0] for r in meta.iter_rows(values_only=True)]
    assert {"Tittel", "Utvalg", "Kilde", "Metode", "Skjuling", "Dataversjon", "Hentet", "Adresse"} <= set(labels)


def test_json_carries_the_data_and_the_metadata_under_english_keys(client):
    document = json.loads(client.get(f"/data/undersoking.json?{SURVEY_VIEW}&lang=nn").data)
    assert document["metadata"]["selection"] == "Alle" and document["metadata"]["language"] == "nn"
    (view,) = document["views"]
    assert view["id"] == survey.CHART and view["columns"][0] == {"key": "group", "header": "Gruppe", "kind": "text"}
    assert all(isinstance(r["value"], float) for r in view["rows"])


@pytest.mark.parametrize(
    ("search", "said"),
    [
        ("?survey=demo_national&question=no_such_question", "'question'"),
        ("?survey=no_such_survey", "'survey'"),
        ("?survey=demo_national&qestion=q22", "Unknown parameter 'qestion'"),
        ("?survey=demo_national&lang=se", "'lang'"),
    ],
)
def test_a_bad_parameter_answers_400_with_what_was_wrong(client, search, said):
    for fmt in ("csv", "json", "xlsx", "zip", "metadata.json"):
        response = client.get(f"/data/undersoking.{fmt}{search}")
        assert response.status_code == 400 and said in response.data.decode(), (fmt, search)


def test_a_csv_of_a_page_with_several_tables_asks_which(client):
    from app.web.pages import municipality

    response = client.get("/data/kommune.csv?kommune=4622")
    assert response.status_code == 400 and b"chart=" in response.data and municipality.PYRAMID.encode() in response.data
    assert client.get(f"/data/kommune.csv?kommune=4622&chart={municipality.PYRAMID}").status_code == 200


def test_a_data_address_shows_exactly_the_groups_and_numbers_the_page_shows(client, app, app_config):
    """Municipalities of the national survey are mostly too small: the data address leaves out or empties
    exactly the groups the page hides (the same disclosure control, so subtracting two data views reveals
    no more than subtracting two pages)."""
    search = "?survey=demo_national&question=q22&by=municipality"
    document = json.loads(client.get("/data/undersoking.json" + search).data)
    rows = document["views"][0]["rows"]
    shown = {(r["group"], r["answer"], r["value"]) for r in rows if r["value"] is not None}
    assert shown and all(r["n"] >= app_config.min_n for r in rows if r["value"] is not None)
    grid = _find(page_answer(app, survey, search)["content"], survey.TABLE)
    on_page = {
        (r["group"], r["category"], None if r["value"] is None else round(100 * r["value"], 1)) for r in grid.rowData
    }
    assert shown == {row for row in on_page if row[2] is not None}


def _find(component, component_id):
    """The component with ``component_id`` in a Dash tree."""
    if getattr(component, "id", None) == component_id:
        return component
    children = component if isinstance(component, list) else getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children] if children is not None else []:
        if not isinstance(child, str | int | float) and (found := _find(child, component_id)) is not None:
            return found
    return None


@pytest.mark.parametrize(
    "name", ["oversikt", "undersoking", "samanhengar", "mobilitet", "kontorfellesskap", "tiltak", "om"]
)
def test_every_page_with_a_chart_or_table_has_its_data(client, name):
    document = json.loads(client.get(f"/data/{name}.json").data)
    assert document["views"] and all(v["rows"] for v in document["views"]), name


def test_unknown_pages_formats_and_charts_are_refused_plainly(client):
    assert client.get("/data/nothing.csv").status_code == 404
    assert client.get("/data/undersoking.exe").status_code == 404
    response = client.get("/data/undersoking.csv?chart=no-such-chart")
    assert response.status_code == 404 and b"no-such-chart" in response.data


def test_cells_a_spreadsheet_would_run_are_neutralised(app):
    with app.server.test_request_context("/data/undersoking.csv"):
        rendered = render_views(survey.PAGE, "?survey=demo_national")
    table = DataTable(
        [Column("group", "=Gruppe"), Column("value", "Andel", "percent")], [{"group": '=HYPERLINK("x")', "value": -1.5}]
    )
    view = View("v", "+title", table)
    text = to_csv(rendered, view).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert ";-1,5" in text  # a number stays a number
    book = load_workbook(io.BytesIO(to_xlsx(rendered, [view])))
    cells = [c.value for row in book.worksheets[0].iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c for c in cells if c.startswith(("=", "+", "@"))]
    assert safe_text("-2") == "'-2" and safe_text("Kvinne") == "Kvinne"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.slow
def test_a_chart_image_stands_alone(client):
    """PNG at twice the resolution, SVG with the title and the selection, a one-page PDF."""
    query = f"/export/undersoking.{{fmt}}?{SURVEY_VIEW}&f_gender=2&lang=nn&chart={survey.CHART}"
    png = client.get(query.format(fmt="png"))
    assert png.status_code == 200 and png.headers["Content-Type"] == "image/png"
    width, height = _png_size(png.data)
    assert width >= 2000 and height > 600
    svg = client.get(query.format(fmt="svg")).data.decode()
    assert "Aktuelt å flytte til annan kommune" in svg and "Kvinne" in svg and "Syntetiske data" in svg
    assert "Kjelde" in svg and "n = " in svg
    pdf = client.get(query.format(fmt="pdf"))
    assert len(PdfReader(io.BytesIO(pdf.data)).pages) == 1


def test_without_a_browser_an_image_request_says_so_and_the_data_still_come(client, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    response = client.get(f"/export/undersoking.png?{SURVEY_VIEW}")
    assert response.status_code == 503 and b"BROWSER_PATH" in response.data
    assert client.get(f"/data/undersoking.csv?{SURVEY_VIEW}").status_code == 200


def test_a_note_is_written_on_an_image_as_text_not_markup(app):
    from app.web.views.export import standalone_figure

    with app.server.test_request_context("/"):
        rendered = render_views(survey.PAGE, "?survey=demo_national&by=gender")
    figure = standalone_figure(rendered.views[0], rendered, note='<a href="javascript:x">klikk</a>', title="<i>T</i>")
    texts = " ".join(a.text for a in figure.layout.annotations) + figure.layout.title.text
    assert "&lt;a href=" in texts and "<a href" not in texts and "&lt;i&gt;T" in texts


def test_a_table_view_has_no_image_but_says_where_its_numbers_are(client):
    response = client.get("/export/tiltak.png?chart=measures-progress")
    assert response.status_code == 404 and b"/data/tiltak.csv" in response.data


def test_a_codebook_title_is_drawn_on_an_image_and_a_table_page_as_text(app):
    import dataclasses

    from app.web.views.export import standalone_figure

    with app.server.test_request_context("/"):
        rendered = render_views(survey.PAGE, "?survey=demo_national&by=gender")
    for figure in (rendered.views[0].figure, None):  # the chart, and the table drawn for a handout page
        view = dataclasses.replace(rendered.views[0], title="Spørsmål <b>fet</b>", figure=figure)
        drawn = standalone_figure(view, rendered)
        assert drawn.layout.title.text == "<b>Spørsmål &lt;b&gt;fet&lt;/b&gt;</b>"
