"""Bad files and failing imports, through the real command line.

For every case `fjernarbeid import …` must end with one clear message on stderr (no
traceback, no SQL), exit code 4, nothing written, and the attempt logged in ``import_batch``
as failed. The files are generated here; the database is a seeded one of this module's own.
"""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from app.cli import main
from app.db import migrate
from app.db import session as db_session
from app.db.models import Survey
from app.errors import ImportValidationError
from app.ingest.survey_import import LOCK_CLASS, import_survey

HERE = Path(__file__).parent
CODEBOOK = HERE / "data" / "mini_codebook.yaml"
HEADER = "id,q201,q202,q3,q12,q6_1,q6_2,q207"
GOOD = ["a1,5600,1980,3,1,1,5,1", "a2,0150,1990,2,2,2,4,2", "a3,5780,1970,1,3,6,2,1", "a4,5783,1965,4,6,4,1,2"]
COWORK_HEADER = "name,kommunenummer,seats,postal_code"
COWORK_GOOD = ["Testkontor Norheimsund,4622,10,5600", "Testkontor Odda,4618,6,5750"]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"

TABLES = ("survey", "respondent", "answer", "answer_vector", "coworking_space", "centrality_class")


@pytest.fixture(scope="module")
def bad_db_url(pg_server):
    """A migrated database with the reference data and the example coworking inventory."""
    from app.ingest.seed import seed_all

    url = pg_server.create_database("fjt_bad")
    engine = create_engine(url)
    migrate.upgrade(engine)
    with Session(engine) as session:
        seed_all(session, surveys=False)
        session.commit()
    engine.dispose()
    yield url
    db_session.get_engine().dispose()  # the CLI's engine pointed here
    pg_server.drop_database(url)


@pytest.fixture(scope="module")
def bad_engine(bad_db_url):
    engine = create_engine(bad_db_url)
    yield engine
    engine.dispose()


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    new_batches: list[tuple[str, str, str, str | None, list | None]]  # kind, status, file, slug, report
    changed: dict[str, tuple[int, int]]  # table -> (before, after), only tables whose count changed


@pytest.fixture
def cli(bad_db_url, bad_engine, monkeypatch, capsys, tmp_path):
    """Run ``fjernarbeid ARGS`` in this process against the module's database."""
    monkeypatch.setenv("DATABASE_URL", bad_db_url)
    monkeypatch.setenv("FJERNARBEID_DATA_DIR", str(tmp_path))

    def counts() -> dict[str, int]:
        with bad_engine.connect() as conn:
            return {t: conn.scalar(text(f"SELECT count(*) FROM {t}")) for t in TABLES}

    def run(*argv: str) -> Outcome:
        with bad_engine.connect() as conn:
            last = conn.scalar(text("SELECT coalesce(max(id), 0) FROM import_batch"))
        before = counts()
        capsys.readouterr()
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        after = counts()
        with bad_engine.connect() as conn:
            batches = [
                tuple(r)
                for r in conn.execute(
                    text(
                        "SELECT kind, status, file_name, survey_slug, error_report FROM import_batch WHERE id > :last "
                        "ORDER BY id"
                    ),
                    {"last": last},
                )
            ]
        changed = {t: (before[t], after[t]) for t in TABLES if before[t] != after[t]}
        return Outcome(code, captured.out, captured.err, batches, changed)

    return run


def assert_refused(outcome: Outcome, kind: str, file_name: str, *fragments: str) -> None:
    """Exit 4, one message without traceback or SQL naming the problem, nothing written, attempt logged."""
    err = outcome.err
    assert outcome.code == 4, (outcome.code, err)
    assert err.startswith("error: ") and sum(line.startswith("error") for line in err.splitlines()) == 1, err
    for leak in ("Traceback", "[SQL", "parameters:", 'File "'):
        assert leak not in err, err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert outcome.changed == {}, f"the failed import wrote data: {outcome.changed}"
    assert [(k, s, f) for k, s, f, _, _ in outcome.new_batches] == [(kind, "failed", file_name)], outcome.new_batches
    assert outcome.new_batches[0][4], "the failed attempt has no error report"


def csv_bytes(rows: list[str], header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def xlsx_bytes(rows: list[str], header: str = HEADER) -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame([r.split(",") for r in rows], columns=header.split(",")).to_excel(buffer, index=False)
    return buffer.getvalue()


def damaged_xlsx_bytes(rows: list[str], header: str) -> bytes:
    """A valid zip whose first worksheet is cut in the middle of its XML."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows, header)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[: len(data) // 2] if item.filename.endswith("sheet1.xml") else data)
    return buffer.getvalue()


def sav_bytes(tmp_path: Path) -> bytes:
    import pyreadstat

    frame = pd.DataFrame([[float(c) for c in r.split(",")[1:]] for r in GOOD], columns=HEADER.split(",")[1:])
    frame.insert(0, "id", [r.split(",")[0] for r in GOOD])
    path = tmp_path / "good.sav"
    pyreadstat.write_sav(frame, str(path))
    return path.read_bytes()


def random_bytes(n: int = 4096) -> bytes:
    return random.Random(20260101).randbytes(n)


# --- unreadable or mislabelled files: the same for every importer ---------------------------------


def _file_cases(tmp_path: Path | None, good: list[str], header: str) -> dict[str, tuple[str, object, tuple[str, ...]]]:
    """case -> (file name, content or a function making it, fragments the message must contain)."""
    text_data = "\n".join([header, *good]) + "\n"
    return {
        "png renamed to csv": ("picture.csv", PNG, ("picture.csv", "PNG image", "not a CSV text file", "CSV UTF-8")),
        "xlsx renamed to csv": (
            "workbook.csv",
            lambda: xlsx_bytes(good, header),
            ("workbook.csv", "zip archive", ".xlsx"),
        ),
        "random bytes": ("noise.csv", random_bytes(), ("noise.csv", "binary file", "CSV in UTF-8")),
        "utf-16 with bom": ("unicode.csv", text_data.encode("utf-16"), ("unicode.csv", "UTF-16", "CSV in UTF-8")),
        "utf-16 without bom": (
            "unicode_le.csv",
            text_data.encode("utf-16-le"),
            ("unicode_le.csv", "UTF-16", "CSV in UTF-8"),
        ),
        "not utf-8 nor windows-1252": (
            "latin.csv",
            (header + "\n").encode() + b"a1,5600,1980,3,1,1,5,\x81\n",
            ("latin.csv", "0x81", "line 2", "CSV in UTF-8"),
        ),
        "control characters": (
            "controls.csv",
            (header + "\n").encode() + b"\x01\x02\x03\x04\x05\x06" * 20 + b"\n",
            ("controls.csv", "control characters", "CSV in UTF-8"),
        ),
        "empty file": ("empty.csv", b"", ("empty.csv", "empty")),
        "blank lines only": ("blank.csv", b"\n\n  \n", ("blank.csv", "empty")),
        "empty first line": ("gap.csv", b"\n" + text_data.encode(), ("gap.csv", "row 1 is empty")),
        "xlsx that is csv text": ("text.xlsx", text_data.encode(), ("text.xlsx", "Excel workbook", ".csv")),
        "xlsx that is random bytes": ("noise.xlsx", random_bytes(), ("noise.xlsx", "Excel workbook")),
        "xlsx that is an old xls": (
            "old.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random_bytes(1000),
            ("old.xlsx", "Excel 97–2003", "save it as .xlsx"),
        ),
        "truncated xlsx": (
            "cut.xlsx",
            lambda: xlsx_bytes(good, header)[:300],
            ("cut.xlsx", "cannot be read as an Excel"),
        ),
        "sav that is csv text": ("text.sav", text_data.encode(), ("text.sav", "SPSS", ".csv")),
        "corrupt sav": ("broken.sav", b"$FL2" + random_bytes(600), ("broken.sav", "SPSS")),
        "truncated sav": ("cut.sav", lambda: sav_bytes(tmp_path)[:700], ("cut.sav", "SPSS")),
        "sav cut in its data": (
            "short.sav",
            lambda: sav_bytes(tmp_path)[:-40],
            ("short.sav", "the SPSS file cannot be read from row 2 on"),
        ),
        "xlsx with a damaged sheet": (
            "damaged.xlsx",
            lambda: damaged_xlsx_bytes(good, header),
            ("damaged.xlsx", "Excel"),
        ),
        "field too large for csv": (
            "huge.csv",
            (header + "\n" + "x" * 200_000 + "\n").encode(),
            ("huge.csv", "line 2", "cannot be read as CSV"),
        ),
    }


FILE_CASES = list(_file_cases(None, GOOD, HEADER))


def _write_case(tmp_path: Path, case: str, good: list[str], header: str) -> tuple[Path, tuple[str, ...]]:
    name, data, fragments = _file_cases(tmp_path, good, header)[case]
    path = tmp_path / name
    path.write_bytes(data() if callable(data) else data)
    return path, fragments


@pytest.mark.parametrize("case", FILE_CASES)
def test_survey_import_refuses_a_file_that_is_not_a_readable_table(cli, tmp_path, case):
    path, fragments = _write_case(tmp_path, case, GOOD, HEADER)
    outcome = cli("import", "survey", path, "--codebook", CODEBOOK)
    assert_refused(outcome, "survey", path.name, *fragments)
    assert outcome.new_batches[0][3] == "mini"  # the codebook's slug, although --survey was not given


@pytest.mark.parametrize("case", FILE_CASES)
def test_coworking_import_refuses_a_file_that_is_not_a_readable_table(cli, tmp_path, case):
    path, fragments = _write_case(tmp_path, case, COWORK_GOOD, COWORK_HEADER)
    assert_refused(cli("import", "coworking", path), "coworking", path.name, *fragments)


@pytest.mark.parametrize(
    "case",
    ["png renamed to csv", "utf-16 with bom", "random bytes", "empty file", "xlsx that is csv text", "corrupt sav"],
)
def test_centrality_import_refuses_a_file_that_is_not_a_readable_table(cli, tmp_path, case):
    path, fragments = _write_case(tmp_path, case, ["4622;5", "4620;6"], "sourceCode;targetCode")
    assert_refused(cli("import", "centrality", path, "--name", "SSB test"), "centrality", path.name, *fragments)


def test_a_missing_file_and_a_folder_are_refused(cli, tmp_path):
    assert_refused(
        cli("import", "survey", tmp_path / "nowhere.csv", "--codebook", CODEBOOK),
        "survey",
        "nowhere.csv",
        "nowhere.csv",
        "file not found",
    )
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert_refused(cli("import", "coworking", folder), "coworking", "folder.csv", "folder.csv", "is a folder")


def test_a_real_process_prints_exactly_one_line_for_a_binary_file(bad_db_url, tmp_path):
    """Outside pytest's capture: nothing else (warnings, log lines) reaches the terminal."""
    path = tmp_path / "picture.csv"
    path.write_bytes(PNG)
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "import", "survey", str(path), "--codebook", str(CODEBOOK)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": bad_db_url, "FJERNARBEID_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 4
    assert result.stderr.splitlines() == [result.stderr.strip()], result.stderr
    assert result.stderr.startswith("error: picture.csv: this is a PNG image") and result.stdout == ""


# --- rows and cells: each problem names file, row, column, value and the fix ----------------------


def survey_file(tmp_path: Path, rows: list[str], header: str = HEADER, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows, header))
    return path


SURVEY_ROW_CASES = {
    "short row": (
        HEADER,
        [GOOD[0], "a2,0150,1990,2,2", GOOD[2]],
        ["data.csv, row 3 has 5 cells, the header has 8", "separator is missing"],
    ),
    "short row before a weight column": (
        HEADER + ",vekt",
        [GOOD[0] + ",1", "a2,0150,1990,2,2,2,4", GOOD[2] + ",1"],
        ["data.csv, row 3 has 7 cells, the header has 9"],
    ),
    "long row": (
        HEADER,
        [GOOD[0], GOOD[1] + ",9", GOOD[2]],
        ["data.csv, row 3 has 9 cells, the header has 8", "more values than the header"],
    ),
    "duplicate column": (
        HEADER + ",Q3",
        [g + ",3" for g in GOOD],
        ["data.csv, row 1, column Q3", "each column once", "also column 4"],
    ),
    "duplicate respondent id": (
        HEADER,
        [GOOD[0], GOOD[1], "a1" + GOOD[2][2:]],
        ["data.csv, row 4, column id: 'a1'", "a key used once", "row 2"],
    ),
    "missing id column": (
        HEADER.replace("id,", "nr,"),
        GOOD,
        ["data.csv, row 1, column id", "add an id column", "column nr"],
    ),
    "value under an unnamed column": (
        HEADER + ",",
        [GOOD[0] + ",", GOOD[1] + ",x"],
        ["data.csv, row 3, column #9 (no header): 'x'", "a named column"],
    ),
    "too long id": (HEADER, [GOOD[0], "x" * 61 + GOOD[1][2:]], ["data.csv, row 3, column id", "at most 60 characters"]),
    "non-numeric weight": (
        HEADER + ",vekt",
        [GOOD[0] + ",1", GOOD[1] + ",tung"],
        ["data.csv, row 3, column vekt: 'tung'", "a positive number", "Fix:"],
    ),
    "zero and negative weights": (
        HEADER + ",weight",
        [GOOD[0] + ",0", GOOD[1] + ",-1", GOOD[2] + ",1"],
        ["data.csv, row 2, column weight: '0'", "data.csv, row 3, column weight: '-1'", "a positive number"],
    ),
    "negative weight": (
        HEADER.replace(",", ";") + ";weight",
        [g.replace(",", ";") + ";-0,5" for g in GOOD[:2]],
        ["data.csv, row 2, column weight: '-0,5'", "above 0"],
    ),
    "code not in the codebook": (
        HEADER,
        [GOOD[0], "a2,0150,1990,2,7,2,4,2"],
        ["data.csv, row 3, column q12: '7'", "one of the codes 1, 2, 3, 6", "Fix:"],
    ),
    "not a number": (
        HEADER,
        [GOOD[0], "a2,0150,1990,inf,2,2,4,2", "a3,5780,1970,nan,3,6,2,1"],
        ["data.csv, row 3, column q3: 'inf'", "data.csv, row 4, column q3: 'nan'", "a number"],
    ),
    "only a header": (HEADER, [], ["data.csv", "at least one respondent row", "no data"]),
}


@pytest.mark.parametrize("case", list(SURVEY_ROW_CASES))
def test_survey_row_and_column_problems_are_named(cli, tmp_path, case):
    header, rows, fragments = SURVEY_ROW_CASES[case]
    if ";" in header:
        path = tmp_path / "data.csv"
        path.write_bytes(("\n".join([header, *rows]) + "\n").encode())
    else:
        path = survey_file(tmp_path, rows, header)
    slug = "bad_" + "".join(c if c.isalnum() else "_" for c in case)  # one per case: a case that imports
    outcome = cli("import", "survey", path, "--codebook", CODEBOOK, "--survey", slug)  # cannot spoil the next
    assert_refused(outcome, "survey", "data.csv", "nothing was imported", *fragments)
    if case.startswith("short row"):
        assert "positive number" not in outcome.err and "weight" not in outcome.err, outcome.err
    report = outcome.new_batches[0][4]
    assert all(p["file"] == "data.csv" and p["expected"] and p["fix"] for p in report), report
    assert outcome.new_batches[0][3] == slug


def test_a_short_row_in_a_spreadsheet_is_an_empty_cell_not_a_problem(cli, tmp_path):
    """Spreadsheets drop trailing empty cells, so only CSV rows must have every cell."""
    from openpyxl import Workbook

    workbook = Workbook()
    for line in [HEADER, *GOOD[:3], "a4,5783,1965,4,6"]:  # the last row stops after q12
        workbook.active.append(line.split(","))
    path = tmp_path / "short.xlsx"
    workbook.save(path)
    outcome = cli("import", "survey", path, "--codebook", CODEBOOK, "--survey", "short_xlsx")
    assert outcome.code == 0, outcome.err
    assert outcome.new_batches[0][:2] == ("survey", "succeeded")


@pytest.mark.parametrize("header_too", [False, True])
def test_a_separator_at_the_end_of_each_line_is_not_a_problem(cli, tmp_path, header_too):
    path = survey_file(tmp_path, [g + "," for g in GOOD], HEADER + ("," if header_too else ""), name="trailing.csv")
    outcome = cli("import", "survey", path, "--codebook", CODEBOOK, "--survey", f"trailing_sep_{int(header_too)}")
    assert outcome.code == 0, outcome.err
    assert outcome.changed["respondent"][1] - outcome.changed["respondent"][0] == len(GOOD)


def test_a_bad_survey_slug_is_refused_before_anything(cli, tmp_path):
    path = survey_file(tmp_path, GOOD)
    for slug in ("Hardanger 2026!", "x" * 61):
        outcome = cli("import", "survey", path, "--codebook", CODEBOOK, "--survey", slug)
        assert_refused(outcome, "survey", "data.csv", "--survey", "a-z, 0-9 or _")
        assert len(outcome.new_batches[0][3]) <= 60


# --- the codebook ------------------------------------------------------------------------------


CODEBOOK_CASES = {
    "not valid yaml": (
        "format: 1\nsurvey:\n  slug: mini\n  title: {nb: x, nn: y\nquestions: []\n",
        ["bad.yaml: not valid YAML at line", "Fix:"],
    ),
    "tab indentation": ("format: 1\nsurvey:\n\tslug: mini\n", ["bad.yaml: not valid YAML at line 3", "Fix:"]),
    "missing required keys": (
        "format: 1\nsurvey:\n  slug: mini\nquestions: []\n",
        [
            "bad.yaml: the codebook does not follow the format",
            "survey.title: Field required",
            "survey.citation",
            "survey.year",
            "docs/codebook-format.md",
        ],
    ),
    "a list, not a mapping": ("- a\n- b\n", ["bad.yaml: a codebook must be a YAML mapping"]),
    "extends a list": ("extends: [a, b]\n", ["bad.yaml: extends", "not a file name"]),
    "extends a missing file": ("extends: nowhere.yaml\n", ["nowhere.yaml: codebook not found"]),
    "binary": (PNG, ["bad.yaml: the codebook is not UTF-8 text", "byte 0x89 on line 1"]),
    "windows-1252": (
        "format: 1\nsurvey:\n  slug: mini\n  title: {nb: Fødselsår}\n".encode("cp1252"),
        ["bad.yaml: the codebook is not UTF-8 text", "line 4", "save it as UTF-8"],
    ),
    "slug too long": (
        CODEBOOK.read_text(encoding="utf-8").replace("slug: mini", "slug: " + "m" * 61),
        ["survey.slug", "at most 60 characters"],
    ),
    # these three once passed the format check and failed in the database with a traceback
    "recode to a code options lacks": (
        CODEBOOK.read_text(encoding="utf-8").replace("6: 2}", "6: 3}"),
        ["home_office_3plus: map gives codes [3] that options does not list"],
    ),
    "year out of range": (
        CODEBOOK.read_text(encoding="utf-8").replace("year: 2025", "year: 20250"),
        ["survey.year", "less than or equal to 2100"],
    ),
    "answer code out of range": (
        CODEBOOK.read_text(encoding="utf-8").replace(
            '{code: 6, label: {nb: "Aldri"', '{code: 60000, label: {nb: "Aldri"'
        ),
        ["questions.3.options.3.code", "32767"],
    ),
}


@pytest.mark.parametrize("case", list(CODEBOOK_CASES))
def test_a_bad_codebook_is_named_with_its_line_or_field(cli, tmp_path, case):
    content, fragments = CODEBOOK_CASES[case]
    codebook = tmp_path / "bad.yaml"
    codebook.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    outcome = cli("import", "survey", survey_file(tmp_path, GOOD), "--codebook", codebook)
    assert_refused(outcome, "survey", "data.csv", *fragments)


def test_a_missing_codebook_is_named(cli, tmp_path):
    outcome = cli("import", "survey", survey_file(tmp_path, GOOD), "--codebook", tmp_path / "gone.yaml")
    assert_refused(outcome, "survey", "data.csv", "gone.yaml: codebook not found", "--codebook")


def test_a_margins_file_with_a_short_row_is_named(cli, tmp_path):
    margins = tmp_path / "margins.csv"
    margins.write_text("age_group,gender,population\n1,1,400\n1,2\n2,1,200\n2,2,100\n")
    outcome = cli(
        "import",
        "survey",
        survey_file(tmp_path, GOOD),
        "--codebook",
        CODEBOOK,
        "--survey",
        "margins_x",
        "--margins",
        margins,
    )
    assert_refused(outcome, "survey", "data.csv", "margins.csv, row 3 has 2 cells, the header has 3")


# --- coworking and centrality rows ---------------------------------------------------------------


COWORK_ROW_CASES = {
    "short row": (
        [COWORK_GOOD[0], "Testkontor Odda,4618"],
        ["spaces.csv, row 3 has 2 cells, the header has 4", "separator is missing"],
    ),
    "long row": ([COWORK_GOOD[0], COWORK_GOOD[1] + ",ekstra"], ["spaces.csv, row 3 has 5 cells, the header has 4"]),
    "non-numeric seats": (
        [COWORK_GOOD[0], "Testkontor Odda,4618,mange,5750"],
        ["spaces.csv, row 3, column seats: 'mange'", "whole number"],
    ),
    "unknown municipality": (
        [COWORK_GOOD[0], "Testkontor Odda,1201,6,5750"],
        ["spaces.csv, row 3, column kommunenummer: '1201'", "2024"],
    ),
    "duplicate name": ([COWORK_GOOD[0], COWORK_GOOD[0]], ["spaces.csv, row 3, column name", "row 2"]),
    "only a header": ([], ["spaces.csv", "at least one coworking space row"]),
}


@pytest.mark.parametrize("case", list(COWORK_ROW_CASES))
def test_coworking_row_problems_are_named(cli, tmp_path, case):
    rows, fragments = COWORK_ROW_CASES[case]
    path = tmp_path / "spaces.csv"
    path.write_bytes(csv_bytes(rows, COWORK_HEADER))
    assert_refused(cli("import", "coworking", path), "coworking", "spaces.csv", "nothing was imported", *fragments)


def test_coworking_header_problems_are_named(cli, tmp_path):
    path = tmp_path / "spaces.csv"
    path.write_bytes(csv_bytes(["Testkontor,4622,10,5600,4"], "name,kommunenummer,seats,postal_code,Seats"))
    assert_refused(
        cli("import", "coworking", path), "coworking", "spaces.csv", "row 1, column Seats", "each column once"
    )
    path.write_bytes(csv_bytes(["4622,10"], "kommunenummer,seats"))
    assert_refused(
        cli("import", "coworking", path), "coworking", "spaces.csv", "row 1, column name", "add a name column"
    )


def test_centrality_short_row_is_named_and_a_good_file_is_logged(cli, tmp_path):
    path = tmp_path / "klass.csv"
    path.write_text("sourceCode;targetCode\n4622;5\n4620\n", encoding="utf-8")
    assert_refused(
        cli("import", "centrality", path, "--name", "SSB test"),
        "centrality",
        "klass.csv",
        "klass.csv, row 3 has 1 cell, the header has 2",
    )
    path.write_text("code;parentCode;level\n4622\n", encoding="utf-8")
    assert_refused(
        cli("import", "centrality", path, "--name", "SSB test"),
        "centrality",
        "klass.csv",
        "klass.csv, row 2 has 1 cell, the header has 3",
    )
    path.write_text("sourceCode;targetCode\n4622;5\n4620;6\n", encoding="utf-8")
    outcome = cli("import", "centrality", path, "--name", "SSB test")
    assert outcome.code == 0 and outcome.changed == {
        "centrality_class": (outcome.changed["centrality_class"][0], outcome.changed["centrality_class"][0] + 2)
    }
    assert [b[:3] for b in outcome.new_batches] == [("centrality", "succeeded", "klass.csv")]


# --- unexpected failures inside an import ---------------------------------------------------------


def test_a_database_error_inside_the_import_is_one_line_without_sql(cli, tmp_path, monkeypatch, caplog):
    import logging

    def failing_copy(session, *args, **kwargs):
        session.execute(text("SELECT 1 / CAST(:zero AS integer)"), {"zero": 0})

    monkeypatch.setattr("app.ingest.survey_import._copy_rows", failing_copy)
    caplog.set_level(logging.INFO, logger="fjernarbeid")
    outcome = cli("-v", "import", "survey", survey_file(tmp_path, GOOD), "--codebook", CODEBOOK, "--survey", "db_error")
    assert_refused(
        outcome,
        "survey",
        "data.csv",
        "data.csv: the survey import stopped on an unexpected error",
        "database error: division by zero",
        "nothing was imported",
        "-v",
    )
    assert len(outcome.err.strip().splitlines()) == 1, outcome.err
    assert "SELECT" not in outcome.err and "zero" not in outcome.err.replace("division by zero", "")
    assert outcome.new_batches[0][4][0]["error"] == "DataError"
    # -v: the details go to the log
    assert any(r.exc_info and r.levelno == logging.INFO for r in caplog.records)


def test_a_cancelled_statement_is_an_import_error_not_an_unreachable_database(cli, tmp_path, monkeypatch):
    """PostgreSQL reports a cancelled statement as an OperationalError, like a lost connection;
    while the server answers, it is this import that failed (exit 4, logged), not the database (3)."""

    def slow_copy(session, *args, **kwargs):
        session.execute(text("SET LOCAL statement_timeout = '20ms'"))
        session.execute(text("SELECT pg_sleep(2)"))

    monkeypatch.setattr("app.ingest.survey_import._copy_rows", slow_copy)
    outcome = cli("import", "survey", survey_file(tmp_path, GOOD), "--codebook", CODEBOOK, "--survey", "cancelled")
    assert_refused(
        outcome, "survey", "data.csv", "unexpected error (database error: canceling statement due to statement timeout)"
    )
    assert "cannot be reached" not in outcome.err and len(outcome.err.strip().splitlines()) == 1


def test_a_report_with_nul_characters_can_be_stored():
    from app.ingest.problems import storable

    assert storable([{"value": "a\x00b", "row": 2}]) == [{"value": "a\ufffdb", "row": 2}]


def test_a_bug_inside_the_import_is_one_line_and_logged(cli, tmp_path, monkeypatch):
    def bug(*args, **kwargs):
        raise KeyError("q99")

    monkeypatch.setattr("app.ingest.coworking_import._upsert", bug)
    path = tmp_path / "spaces.csv"
    path.write_bytes(csv_bytes(COWORK_GOOD, COWORK_HEADER))
    outcome = cli("import", "coworking", path)
    assert_refused(outcome, "coworking", "spaces.csv", "unexpected error (KeyError: 'q99')")
    assert len(outcome.err.strip().splitlines()) == 1


# --- two imports of one new survey at the same time ----------------------------------------------


def _wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _waiting_on_locks(engine, locktype: str) -> int:
    with engine.connect() as conn:
        # a transaction id lock belongs to no database; the test server runs one test at a time
        return conn.scalar(
            text(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = :t AND "
                "(database IS NULL OR database = (SELECT oid FROM pg_database "
                "WHERE datname = current_database()))"
            ),
            {"t": locktype},
        )


def test_two_processes_importing_one_new_survey_take_turns_and_the_second_is_refused_cleanly(
    bad_db_url, bad_engine, tmp_path
):
    """Both processes start while a third party holds the survey's lock; when it is released one
    imports, the other waits for it and is then refused with one line, exit 4 and a logged attempt."""
    slug = "race_cli"
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_bytes(csv_bytes(GOOD))
    second.write_bytes(csv_bytes(GOOD[:3]))
    env = {**os.environ, "DATABASE_URL": bad_db_url, "FJERNARBEID_DATA_DIR": str(tmp_path)}

    holder = bad_engine.connect()
    try:
        holder.execute(text("SELECT pg_advisory_lock(:c, hashtext(:s))"), {"c": LOCK_CLASS, "s": slug})
        holder.commit()
        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "app.cli",
                    "import",
                    "survey",
                    str(path),
                    "--codebook",
                    str(CODEBOOK),
                    "--survey",
                    slug,
                ],
                env=env,
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for path in (first, second)
        ]
        _wait_for(lambda: _waiting_on_locks(bad_engine, "advisory") == 2, "both imports to wait for the lock")
        holder.execute(text("SELECT pg_advisory_unlock(:c, hashtext(:s))"), {"c": LOCK_CLASS, "s": slug})
        holder.commit()
        results = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    finally:
        holder.close()

    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 4], results
    _, winner_out, _ = next(r for r in results if r[0] == 0)
    _, _, loser_err = next(r for r in results if r[0] == 4)
    assert loser_err.splitlines() == [loser_err.strip()], loser_err
    assert f"another import of survey '{slug}' finished first" in loser_err and "--replace" in loser_err
    assert "Traceback" not in loser_err and "[SQL" not in loser_err
    with bad_engine.connect() as conn:
        statuses = sorted(conn.scalars(text("SELECT status FROM import_batch WHERE survey_slug = :s"), {"s": slug}))
        respondents = conn.scalar(
            text("SELECT count(*) FROM respondent r JOIN survey s ON s.id = r.survey_id WHERE s.slug = :s"), {"s": slug}
        )
    assert statuses == ["failed", "succeeded"]
    assert f"imported {respondents} respondents" in winner_out


def test_a_survey_created_behind_the_lock_ends_in_a_message_not_an_integrity_error(bad_engine, tmp_path):
    """The last line of defence: another transaction inserts the slug without taking the lock."""
    slug = "race_unlocked"
    path = survey_file(tmp_path, GOOD)
    other = Session(bad_engine)
    other.add(
        Survey(
            slug=slug,
            title={"nb": "x", "nn": "x", "en": "x"},
            year=2025,
            citation="test",
            is_synthetic=False,
            codebook={},
        )
    )
    other.flush()  # inserted, not committed: the import's INSERT waits on it
    outcome: dict[str, object] = {}

    def run_import():
        with Session(bad_engine) as session:
            try:
                import_survey(session, path, CODEBOOK, slug=slug)
                session.commit()
                outcome["result"] = "imported"
            except ImportValidationError as exc:
                session.rollback()
                outcome["result"] = exc
            except Exception as exc:  # noqa: BLE001 - the test reports what escaped
                session.rollback()
                outcome["result"] = exc

    worker = threading.Thread(target=run_import)
    try:
        worker.start()
        _wait_for(
            lambda: not worker.is_alive() or _waiting_on_locks(bad_engine, "transactionid") >= 1,
            "the import to wait on the insert",
        )
        other.commit()
        worker.join(timeout=60)
        assert not worker.is_alive()
        error = outcome["result"]
        assert isinstance(error, ImportValidationError), repr(error)
        assert f"another import of survey '{slug}' finished first" in str(error) and "\n" not in str(error)
    finally:
        other.rollback()
        with bad_engine.begin() as conn:
            conn.execute(text("DELETE FROM survey WHERE slug = :s"), {"s": slug})
        other.close()
