"""Admins import from the browser with the command line's checks: a check that changes nothing and
shows the problems or a preview, then an import that is all or nothing. Uploads are refused when too
large, misnamed or not what they claim to be (a zip bomb named .xlsx, an image named .csv)."""

from __future__ import annotations

import base64
import io
import re
import secrets
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from app.db.models import Survey
from app.web.auth import CSRF_COOKIE, CSRF_HEADER
from app.web.pages import admin_import
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


@pytest.fixture
def app(app_config):
    from app.web import create_app

    return create_app(app_config)


def client_for(app, name):
    return logged_in(app, name)


def data_url(raw: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(raw).decode()


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
    checked = post(client, check_request(app, "survey", data, codebook))
    assert checked.status_code == 200
    body = checked.get_json()["response"]
    text = str(body)
    assert "60 respondents" in text and "import-summary" in text
    assert surveys(slug) == 0  # the check wrote nothing
    staged = body[admin_import.STAGED]["data"]
    confirm = callback_request(
        app,
        admin_import.CONFIRM,
        {
            f"{admin_import.CONFIRM}.n_clicks": 1,
            f"{admin_import.STAGED}.data": staged,
            f"{admin_import.URL}.search": "",
        },
    )
    done = post(client, confirm)
    assert done.status_code == 200 and "import-done" in str(done.get_json())
    assert surveys(slug) == 1
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
        ("coworking", "rom.exe", b"MZ\x90\0", "her kan du laste opp .csv, .xlsx-filer"),
        ("ssb", "befolkning.csv", b'"region";"alder"\n', "none holds values"),
    ],
)
def test_malformed_and_malicious_uploads_are_refused_cleanly(app, accounts, kind, name, content, fragment):
    client = client_for(app, accounts["admin"])
    answer = post(client, check_request(app, kind, (name, content)))
    assert answer.status_code == 200
    text = str(answer.get_json())
    assert "import-problems" in text and fragment in text, text[:500]


def test_a_file_over_the_limit_is_refused_before_reading(app, accounts):
    client = client_for(app, accounts["admin"])
    big = b"a;b\n" + b"1;2\n" * (admin_import.MAX_UPLOAD_BYTES // 4 + 10)
    answer = post(client, check_request(app, "coworking", ("stor.csv", big)))
    assert answer.status_code == 200 and "større enn 50 MB" in str(answer.get_json())
