"""Admins import from the browser with the command line's checks: a check that changes nothing and
shows the problems or a preview, then an import that is all or nothing, each run by the job queue's worker
(here in this process, until the queue is empty). Uploads are refused when too large, misnamed or not what
they claim to be (a zip bomb named .xlsx, an image named .csv), and are kept by reference: no path a client
sends is ever opened."""

from __future__ import annotations

import base64
import io
import re
import secrets
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from app.db import jobs, uploads
from app.db.models import Job, Survey
from app.db.session import session_scope
from app.web.pages import admin_import
from app.web.server.auth import CSRF_COOKIE, CSRF_HEADER
from tests.accounts import committed, logged_in, test_accounts
from tests.dash_calls import callback_request

SEED = Path(__file__).resolve().parents[1] / "seed"
ENGINE = []


def scope():
    return committed(ENGINE[0])


@pytest.fixture(scope="module")
def accounts(engine):
    ENGINE[:] = [engine]
    yield from test_accounts(engine, "import")


def client_for(app, name):
    return logged_in(app, name)


def data_url(raw: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(raw).decode()


def work(app) -> None:
    """The worker takes every queued job and runs it."""
    from app.web.server.jobs import run_worker

    run_worker(app.server.config["FJERNARBEID"], app.server, wait=False, signals=False)


def follow(app, client) -> dict:
    """What the page shows of the admin's newest import job (the poll's answer)."""
    answer = post(client, callback_request(app, admin_import.POLL, {f"{admin_import.URL}.search": ""}))
    assert answer.status_code == 200
    return answer.get_json()["response"]


def checked(app, client, request) -> str:
    """Send a check, let the worker run it, and return the page's report as text."""
    answer = post(client, request)
    assert answer.status_code == 200, answer.data[:300]
    if "import-problems" in str(answer.get_json()):  # refused before any job
        return str(answer.get_json())
    work(app)
    return str(follow(app, client))


def check_request(app, kind: str, data: tuple[str, bytes], codebook: tuple[str, bytes] | None = None) -> dict:
    values = {
        f"{admin_import.CHECK}.n_clicks": 1,
        f"{admin_import.KIND}.value": kind,
        f"{admin_import.DATA}.contents": data_url(data[1]),
        f"{admin_import.DATA}.filename": data[0],
        f"{admin_import.TABLE}.value": "07459",
        f"{admin_import.REPLACE}.value": False,
        f"{admin_import.URL}.search": "",
    }
    if codebook:
        values[f"{admin_import.CODEBOOK}.contents"] = data_url(codebook[1])
        values[f"{admin_import.CODEBOOK}.filename"] = codebook[0]
    return callback_request(app, admin_import.CHECK, values)


def post(client, request):
    return client.post(
        "/_dash-update-component", json=request, headers={CSRF_HEADER: client.get_cookie(CSRF_COOKIE).value}
    )


def small_survey(slug: str) -> tuple[tuple[str, bytes], tuple[str, bytes]]:
    """The Hardanger demo's first 60 respondents under a new slug."""
    lines = (SEED / "data" / "demo_hardanger.csv").read_text(encoding="utf-8").splitlines()[:61]
    codebook = (SEED / "codebooks" / "demo_hardanger.yaml").read_text(encoding="utf-8")
    codebook = re.sub(r"(?m)^(\s*slug:\s*)\S+", rf"\g<1>{slug}", codebook, count=1)
    return ("svar.csv", ("\n".join(lines) + "\n").encode()), ("kodebok.yaml", codebook.encode())


def surveys(slug: str) -> int:
    with scope() as session:
        return session.scalar(select(func.count()).select_from(Survey).where(Survey.slug == slug)) or 0


def test_check_changes_nothing_and_import_then_writes_the_survey(app, accounts):
    slug = f"webimport_{secrets.token_hex(3)}"
    data, codebook = small_survey(slug)
    client = client_for(app, accounts["admin"])
    text = checked(app, client, check_request(app, "survey", data, codebook))
    assert "60 respondents" in text and "import-summary" in text
    assert surveys(slug) == 0  # the check wrote nothing
    confirm = callback_request(
        app, admin_import.CONFIRM, {f"{admin_import.CONFIRM}.n_clicks": 1, f"{admin_import.URL}.search": ""}
    )
    assert post(client, confirm).status_code == 200
    work(app)
    assert "import-done" in str(follow(app, client))
    assert surveys(slug) == 1
    again = post(client, confirm)  # a second Import of the same check is refused
    assert "Check the files first" in str(again.get_json()) or "Kontroller filene" in str(again.get_json())
    with scope() as session:
        session.execute(delete(Survey).where(Survey.slug == slug))


def test_an_editor_may_not_import(app, accounts):
    slug = f"webimport_{secrets.token_hex(3)}"
    data, codebook = small_survey(slug)
    client = client_for(app, accounts["editor"])
    assert post(client, check_request(app, "survey", data, codebook)).status_code == 403


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("kind", "name", "content", "fragment"),
    [
        ("coworking", "rom.xlsx", zip_bomb(), "would unpack to 40 MB"),
        ("coworking", "rom.csv", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "PNG image"),
        ("coworking", "rom.exe", b"MZ\x90\0", "her kan du laste opp .csv, .geojson, .json, .xlsx-filer"),
        ("ssb", "befolkning.csv", b'"region";"alder"\n', "no column holds values"),
    ],
)
def test_malformed_and_malicious_uploads_are_refused_cleanly(app, accounts, kind, name, content, fragment):
    client = client_for(app, accounts["admin"])
    text = checked(app, client, check_request(app, kind, (name, content)))
    assert "import-problems" in text and fragment in text, text[:500]


def test_a_file_over_the_limit_is_refused_before_reading(app, accounts):
    client = client_for(app, accounts["admin"])
    big = b"a;b\n" + b"1;2\n" * (admin_import.MAX_UPLOAD_BYTES // 4 + 10)
    answer = post(client, check_request(app, "coworking", ("stor.csv", big)))
    assert answer.status_code == 200 and "større enn 50 MB" in str(answer.get_json())


class OpenedFiles:
    """Every file this process opens while it watches (Python's audit hook: no way around it from Python)."""

    watching: list[set[str]] = []
    installed = False

    def __enter__(self) -> set[str]:
        import sys

        if not OpenedFiles.installed:
            sys.addaudithook(OpenedFiles._hook)
            OpenedFiles.installed = True
        opened: set[str] = set()
        OpenedFiles.watching.append(opened)
        return opened

    def __exit__(self, *exc) -> None:
        OpenedFiles.watching.pop()

    @staticmethod
    def _hook(event: str, args: tuple) -> None:
        if event == "open" and OpenedFiles.watching and isinstance(args[0], str | bytes | Path):
            OpenedFiles.watching[-1].add(str(Path(str(args[0], "utf-8") if isinstance(args[0], bytes) else args[0])))


def test_a_forged_callback_naming_a_server_path_is_refused_and_nothing_outside_the_uploads_is_read(
    app, accounts, tmp_path
):
    """The old page read the file list the browser sent back; a forged one named /etc/passwd. Now the browser
    holds no file names the server would open: forged names are only names, forged ids are unknown."""
    secret = tmp_path / "outside" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text("id;navn\n1;hemmelig\n")
    client = client_for(app, accounts["admin"])
    upload_root = str(app.server.config["FJERNARBEID"].data_dir / "uploads")
    with OpenedFiles() as opened:
        # 1. the old attack: the checked files as the browser sent them back, pointing at server files
        forged = callback_request(
            app, admin_import.CONFIRM, {f"{admin_import.CONFIRM}.n_clicks": 1, f"{admin_import.URL}.search": ""}
        )
        forged["state"].append(
            {"id": "import-staged", "property": "data", "value": {"token": "x" * 22, "kind": "coworking",
             "files": {"coworking": "/etc/passwd"}, "digests": {}, "table": None, "replace": False}}
        )  # fmt: skip
        answer = post(client, forged)
        assert "import-done" not in str(answer.get_json() if answer.is_json else answer.data)
        # 2. a server path as the upload's name: stored as a name under the upload folder, with the sent bytes
        text = checked(app, client, check_request(app, "coworking", (str(secret), b"kommunenummer;navn\n")))
        assert "hemmelig" not in text
        # 3. an upload id that is a path, in a job: unknown, and never opened
        with session_scope() as session:
            for forged_id in (str(secret), "../outside/secret.csv", "/etc/passwd"):
                with pytest.raises(uploads.UploadMissing):
                    uploads.resolve(session, app.server.config["FJERNARBEID"].data_dir, forged_id, "user:1")
    outside = {p for p in opened if p in (str(secret), "/etc/passwd")}
    assert outside == set(), outside
    stored = [p for p in opened if p.startswith(upload_root)]
    assert stored and all(Path(p).name == "secret.csv" for p in stored if p.endswith(".csv"))


def test_uploads_are_private_and_unconfirmed_ones_go_after_a_day(app, tmp_path):
    import datetime as dt

    with session_scope() as session:
        upload = uploads.store(session, tmp_path, "user:1", "coworking", "../../rom.csv", b"a;b\n")
        assert upload.path.parent.parent == tmp_path / "uploads" and upload.path.name == "rom.csv"
        assert upload.path.stat().st_mode & 0o777 == 0o600
        assert uploads.resolve(session, tmp_path, upload.id, "user:1").path == upload.path
        with pytest.raises(uploads.UploadMissing):
            uploads.resolve(session, tmp_path, upload.id, "user:2")  # someone else's
        upload.path.write_bytes(b"changed")
        with pytest.raises(uploads.UploadMissing):
            uploads.resolve(session, tmp_path, upload.id, "user:1")
        uploads.delete_stale(session, tmp_path, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
        assert not upload.path.exists()


def test_the_admin_cancels_a_running_import_and_nothing_is_written(app, accounts):
    slug = f"webimport_{secrets.token_hex(3)}"
    data, codebook = small_survey(slug)
    client = client_for(app, accounts["admin"])
    assert post(client, check_request(app, "survey", data, codebook)).status_code == 200
    with session_scope() as session:
        job = session.scalar(select(Job).where(Job.kind == "import").order_by(Job.id.desc()).limit(1))
        jobs.cancel(session, job.id, job.owner)  # before the worker gets to it: it never runs
    cancel = callback_request(app, admin_import.CANCEL, {f"{admin_import.CANCEL}.n_clicks": 1})
    assert post(client, cancel).status_code == 200
    work(app)
    shown = str(follow(app, client))
    assert "import-cancelled" in shown and surveys(slug) == 0


def test_a_geojson_coworking_list_is_checked_with_the_municipalities_it_inferred(app, accounts):
    """A coworking list as GeoJSON (issue 22 §4): the check's preview names each space whose municipality was found
    from its point or postal code, and the spaces with unknown seats; nothing is written."""
    import json

    from app.db.models import CoworkingSpace

    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [6.1460, 60.3722]},
         "properties": {"navn": "Forhandsvist Norheimsund", "plasser": 3}},
        {"type": "Feature", "geometry": None, "properties": {"navn": "Forhandsvist Odda", "postnummer": "5750"}},
    ]  # fmt: skip
    raw = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    client = client_for(app, accounts["admin"])
    text = checked(app, client, check_request(app, "coworking", ("kontor.geojson", raw)))
    assert "import-summary" in text and "import-inferred" in text
    assert "4622 Kvam" in text and "4618 Ullensvang" in text
    assert "koordinatene" in text and "postnummeret" in text and "Objekt" in text  # a GeoJSON row is a feature
    assert "import-unknown-seats" in text and "1 kontorfellesskap uten oppgitt antall plasser" in text
    with scope() as session:
        names = ["Forhandsvist Norheimsund", "Forhandsvist Odda"]
        assert session.scalar(select(func.count()).where(CoworkingSpace.name.in_(names))) == 0


REAL_SURVEY = Path(__file__).resolve().parents[2] / "shared" / "real" / "survey"


@pytest.mark.skipif(not REAL_SURVEY.is_dir(), reason="the real survey files are not here")
def test_a_drafted_codebook_is_reviewed_checked_and_imported(app, accounts):
    """Draft (a job) → the questions and options in words → the answers → check → import, on the real Nettskjema
    v3 export; a decision left open is named by the check and the form comes back with the answers given."""
    from app.db.models import Question

    data = REAL_SURVEY / "nettskjema_v3_data-123823.csv"
    elements = REAL_SURVEY / "nettskjema_v3_elements-123823.json"
    client = client_for(app, accounts["admin"])
    draft = callback_request(
        app,
        admin_import.DRAFT,
        {
            f"{admin_import.DRAFT}.n_clicks": 1,
            f"{admin_import.DATA}.contents": data_url(data.read_bytes()),
            f"{admin_import.DATA}.filename": data.name,
            f"{admin_import.NETTSKJEMA}.contents": data_url(elements.read_bytes()),
            f"{admin_import.NETTSKJEMA}.filename": elements.name,
            f"{admin_import.URL}.search": "",
        },
    )
    assert post(client, draft).status_code == 200
    work(app)
    form = str(follow(app, client))
    assert admin_import.REVIEW in form and "How happy are we with Nettskjema?" in form and "Very unhappy!" in form
    assert "weight_column" in form and "Ta ut denne kolonnen" in form  # the TODO choices, in the page's words

    names = ["survey.title", "survey.citation", "survey.coverage", "weight_column", "municipality_column"]
    names += ["id_column", "q.0.text", "q.0.o.-1.label", "q.1.ignore"]
    given = {
        "survey.title": "Nettskjema-testen",
        "survey.citation": "",  # left open: the check names it
        "survey.coverage": "regional",
        "weight_column": "none",
        "municipality_column": "none",
        "id_column": "$submission_id",
        "q.0.text": "Hvor fornøyd er vi?",
        "q.0.o.-1.label": "Misfornøyd",
        "q.1.ignore": True,
    }
    ids = [{"type": admin_import.REVIEW_FIELD, "name": n} for n in names]

    def review_check(answers):
        values = {f"{_key(i)}.value": answers[i["name"]] for i in ids}
        values |= {f"{admin_import.REVIEW_CHECK}.n_clicks": 1, f"{admin_import.URL}.search": ""}
        request = callback_request(app, admin_import.REVIEW_CHECK, values, {admin_import.REVIEW_FIELD: ids})
        return checked(app, client, request)

    refused = review_check(given)
    assert "survey.citation" in refused and "TODO" in refused and admin_import.REVIEW in refused
    assert "Misfornøyd" in refused  # the form again, with the answers given
    slug = "nettskjema_v3_data_123823"
    assert surveys(slug) == 0
    text = review_check({**given, "survey.citation": "UiO (2023)"})
    assert "import-summary" in text and "3 respondents" in text
    confirm = callback_request(
        app, admin_import.CONFIRM, {f"{admin_import.CONFIRM}.n_clicks": 1, f"{admin_import.URL}.search": ""}
    )
    assert post(client, confirm).status_code == 200
    work(app)
    assert "import-done" in str(follow(app, client))
    with scope() as session:
        radio = session.scalar(select(Question).join(Survey).where(Survey.slug == slug, Question.variable == "radio"))
        assert radio.text["nb"] == "Hvor fornøyd er vi?"
        assert {o.code: o.label["nb"] for o in radio.options} == {1: "Very happy!", -1: "Misfornøyd"}
        assert session.scalar(select(Survey.title).where(Survey.slug == slug))["nb"] == "Nettskjema-testen"
        ignored = session.scalar(
            select(func.count())
            .select_from(Question)
            .join(Survey)
            .where(Survey.slug == slug, Question.variable == "checkbox_questionnaires")
        )
        assert ignored == 0
        session.execute(delete(Survey).where(Survey.slug == slug))


def _key(component_id) -> str:
    import json

    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
