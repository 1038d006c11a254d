"""A deck's handout, a document a council files (issue 23 §2): a cover and a page per view, every page A4
of one size, numbered, with its selection and source, printed by Chromium as a tagged PDF, sent under the
deck's own title (æ, ø and å kept), built by the worker with its progress."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from urllib.parse import unquote

import pytest
from pypdf import PdfReader
from sqlalchemy import delete

from app.db import jobs
from app.db.decks import add_view, create_deck, delete_deck
from app.db.models import Job
from app.db.session import session_scope
from app.language import format_long_date
from app.query.data_version import data_version
from app.web.server import jobs as web_jobs
from app.web.views import handout_document, handouts

A4 = (595.28, 841.89)  # points
SURVEY_VIEW = "?survey=demo_national&by=gender"


@pytest.fixture
def server(make_app):
    app = make_app()
    made: list[str] = []
    app.server.config["TEST_DECKS"] = made
    yield app.server
    with app.server.app_context(), session_scope() as session:
        for token in made:
            delete_deck(session, token)
        session.execute(delete(Job).where(Job.key.like("handout:%")))


def make_deck(server, title: str, views: list[tuple[str, str, str, str]]) -> str:
    """A committed deck (the worker reads it in its own transaction) of (path, query, title, note)."""
    with server.app_context(), session_scope() as session:
        token = create_deck(session, title).token
        for path, query, view_title, note in views:
            add_view(session, token, path, query, view_title, note)
    server.config["TEST_DECKS"].append(token)
    return token


def run_worker(server) -> None:
    web_jobs.run_worker(server.config["FJERNARBEID"], server, wait=False, signals=False)


def table_chart_id(server) -> str:
    """The id of the survey page's chart, to save it shown as a table (``show=table&chart=<id>``)."""
    from app.web.kit.site import installed
    from app.web.views.export import render_views

    with server.test_request_context("/"):
        rendered = render_views(installed().for_path("/undersoking"), SURVEY_VIEW, "nb")
    return next(v.id for v in rendered.views if v.figure is not None)


def selection_of(server, path: str, query: str) -> str:
    from app.web.kit.site import installed
    from app.web.views.export import render_views

    with server.test_request_context("/"):
        return render_views(installed().for_path(path), query, "nb").state.describe()


def structure(node) -> list[tuple[str, str | None]]:
    """(kind, alternative text) of each element of a tagged PDF's structure tree, depth first."""
    node = node.get_object()
    if isinstance(node, list):
        return [found for child in node for found in structure(child)]
    if not hasattr(node, "get"):
        return []  # a marked-content id
    found = [(str(node["/S"]), node.get("/Alt"))] if "/S" in node else []
    return found + (structure(node["/K"]) if "/K" in node else [])


def region_of(server, path: str, query: str) -> str:
    from app.web.kit.site import installed
    from app.web.views.export import render_views

    with server.test_request_context("/"):
        return render_views(installed().for_path(path), query, "nb").state.label("region")


def texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.slow  # draws charts with kaleido and prints with Chromium
def test_the_handout_is_a_cover_and_an_a4_page_per_view_numbered_with_selection_and_source_and_tagged(server):
    chart = table_chart_id(server)
    views = [
        ("/undersoking", SURVEY_VIEW, "Flytting etter kjønn", "Merk: syntetisk"),
        ("/undersoking", f"{SURVEY_VIEW}&show=table&chart={chart}", "Same tal som tabell", ""),
        ("/tiltak", "", "Framdrift", "Status per mars"),
        ("/presentasjon", "", "Ingen", ""),  # a page without views gives no page
    ]
    token = make_deck(server, "Møte i Kvam", views)
    client = server.test_client()
    assert client.get(f"/deck/{token}.pdf?lang=nb").status_code == 202  # made by the worker, not the request
    run_worker(server)
    response = client.get(f"/deck/{token}.pdf?lang=nb")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"

    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1 + 3  # the cover, then a page per view that has one
    sizes = {(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages}
    assert len(sizes) == 1  # one size
    ((width, height),) = sizes
    assert abs(width - A4[0]) < 1 and abs(height - A4[1]) < 1  # A4 portrait (Chromium: 594.96 × 841.92 pt)

    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True and "/StructTreeRoot" in catalog  # a tagged PDF
    assert catalog["/Lang"] == "nb"
    alternatives = [alt for kind, alt in structure(catalog["/StructTreeRoot"]) if kind == "/Figure"]
    assert len(alternatives) == 1 and alternatives[0].startswith("Diagram: Flytting etter kjønn")  # the chart
    assert sum(kind == "/Table" for kind, _alt in structure(catalog["/StructTreeRoot"])) == 2  # and two tables

    pages = texts(response.data)
    with session_scope() as session:
        version = data_version(session)
    cover = pages[0]
    assert "Møte i Kvam" in cover and format_long_date(dt.date.today(), "nb") in cover
    assert f"Kommune eller region {region_of(server, '/tiltak', '')}" in cover  # the region the views select
    assert f"Dataversjon {version}" in cover
    assert "Syntetiske data" in cover  # the demo survey is synthetic
    assert "Flytting etter kjønn" in cover and "Framdrift" in cover  # the contents
    assert "Side 1 av 4" in cover

    survey_selection = selection_of(server, "/undersoking", SURVEY_VIEW)
    measures_selection = selection_of(server, "/tiltak", "")
    expected = [
        ("Flytting etter kjønn", survey_selection, "Merk: syntetisk"),
        ("Same tal som tabell", survey_selection, "Andel (%)"),  # the table's header, not a chart
        ("Framdrift", measures_selection, "Status per mars"),
    ]
    for number, (page, (title, selection, shown)) in enumerate(zip(pages[1:], expected, strict=True), start=2):
        assert title in page and shown in page
        assert f"Utval: {selection}" in page or f"Utvalg: {selection}" in page
        assert "Kilde:" in page
        assert f"Side {number} av 4" in page

    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and 'filename="Mote-i-Kvam.pdf"' in disposition
    encoded = disposition.split("filename*=", 1)[1]
    assert encoded.startswith("UTF-8''") and unquote(encoded.removeprefix("UTF-8''")) == "Møte i Kvam.pdf"

    with session_scope() as session:
        job = session.query(Job).filter(Job.key.like("handout:%")).order_by(Job.id.desc()).first()
        info = jobs.get_job(session, job.id)
    assert info.state == "succeeded" and web_jobs.percent(info) == 100
    assert (info.step, info.current, info.total) == ("save", 4, 4)


@pytest.mark.slow
def test_the_worker_reports_each_page_and_ends_at_100_percent(server):
    token = make_deck(
        server, "Rådsmøte", [("/tiltak", "", "Framdrift", ""), ("/undersoking", SURVEY_VIEW, "Kjønn", "")]
    )
    name = f"handout-test-{secrets.token_hex(4)}.pdf"
    with server.app_context(), session_scope() as session:  # a job as the route submits it (not queued)
        job, _created = jobs.submit(session, "handout", "user:test", {"token": token, "lang": "nn", "file": name})
    reports: list[tuple] = []
    with server.test_request_context("/"):
        result = handouts.run(job, lambda step, current=None, total=None, **_: reports.append((step, current, total)))
        path = handouts.jobs_dir() / name
    assert reports == [("handout", 1, 2), ("handout", 2, 2), ("save", 2, 2)]
    assert result == {"file": name, "pages": 3}
    with session_scope() as session:
        session.execute(delete(Job).where(Job.id == job.id))
    pages = texts(path.read_bytes())
    assert len(pages) == 3 and "Side 3 av 3" in pages[2] and "Dataversjon" in pages[0]  # in nynorsk
    path.unlink()


@pytest.mark.slow
def test_a_handout_that_cannot_be_printed_fails_with_a_message(server, monkeypatch):
    """No browser (BROWSER_PATH names none): the job fails with a sentence, the route says it (503), and a
    browser sees it on the progress page."""
    token = make_deck(server, "Utan nettlesar", [("/tiltak", "", "Framdrift", "")])
    client = server.test_client()
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    try:
        assert client.get(f"/deck/{token}.pdf", headers={"Accept": "application/json"}).status_code == 202
        run_worker(server)
    finally:
        monkeypatch.setenv("BROWSER_PATH", "/usr/bin/chromium")
    answer = client.get(f"/deck/{token}.pdf?lang=nb", headers={"Accept": "application/json"})
    assert answer.status_code == 503
    document = answer.get_json()
    assert document["state"] == "failed" and "could not be printed" in document["error"]
    page = client.get(f"/deck/{token}.pdf?lang=nb", headers={"Accept": "text/html"})
    assert page.status_code == 503 and b"role='alert'" in page.data
    assert "Utdelingsarket kunne ikke lages som PDF på serveren" in page.get_data(as_text=True)  # in bokmål


def test_a_deck_whose_views_show_nothing_fails_with_a_message(server):
    token = make_deck(server, "Tom", [("/presentasjon", "", "Ingen", "")])
    client = server.test_client()
    assert client.get(f"/deck/{token}.pdf?lang=nn", headers={"Accept": "application/json"}).status_code == 202
    run_worker(server)
    answer = client.get(f"/deck/{token}.pdf?lang=nn", headers={"Accept": "application/json"})
    assert answer.status_code == 503 and "no view to hand out" in answer.get_json()["error"]
    page = client.get(f"/deck/{token}.pdf?lang=nn", headers={"Accept": "text/html"})
    assert "Presentasjonen har inga vising å dele ut." in page.get_data(as_text=True)  # in nynorsk
    unknown = client.get("/deck/no-such-deck-token-at-all-here.pdf?lang=nn")
    assert unknown.status_code == 404 and unknown.get_data(as_text=True).startswith("Ingen presentasjon har")


@pytest.mark.parametrize(
    ("title", "name", "fallback"),
    [
        ("Møte i Kvam", "Møte i Kvam.pdf", "Mote-i-Kvam.pdf"),
        ("Årsmøte: Ærlig talt / «Ø»?", "Årsmøte Ærlig talt «Ø».pdf", "Arsmote-Aerlig-talt-O.pdf"),
        ('"../../etc"', "etc.pdf", "etc.pdf"),
    ],
)
def test_the_file_name_keeps_the_letters_and_nothing_a_file_system_refuses(title, name, fallback):
    assert handout_document.download_name(title) == name
    header = handout_document.content_disposition(name)
    assert f'filename="{fallback}"' in header
    assert unquote(header.split("filename*=UTF-8''", 1)[1]) == name
