"""A file with an endless line, or too large a file, is refused before it is read into memory, with a
message naming the file, the row and the fix."""

from __future__ import annotations

import tracemalloc

import pytest

from app.errors import ImportValidationError
from app.ingest import tables
from app.ingest.codebook import load_codebook
from app.ingest.coworking_import import import_coworking
from app.ingest.ssb_files import read_ssb_file
from app.ingest.tables import open_table

LONG = 5 * 1024 * 1024  # five times the limit of one line


def with_long_line(path, header: str = "id;q1;vekt"):
    with path.open("w", encoding="utf-8") as handle:
        handle.write(f"{header}\n1;2;1.0\n2;")
        handle.write("x" * LONG)
        handle.write(";1.0\n")
    return path


def test_a_csv_with_a_line_of_5_mb_is_refused_without_reading_it_whole(tmp_path):
    path = with_long_line(tmp_path / "svar.csv")
    tracemalloc.start()
    try:
        with pytest.raises(ImportValidationError) as refused:
            open_table(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(refused.value)
    assert message.startswith("svar.csv, row 3: the line is longer than 1 MB") and "Fix:" in message
    assert peak < 3.5 * 1024 * 1024  # blocks of 1 MB, never the 5 MB line


def test_the_importers_refuse_it_too(db, tmp_path):
    with pytest.raises(ImportValidationError, match=r"rom\.csv, row 3: the line is longer"):
        import_coworking(db, with_long_line(tmp_path / "rom.csv", "name;kommunenummer;seats"))
    with pytest.raises(ImportValidationError, match=r"07459\.csv, row 3: the line is longer"):
        read_ssb_file(with_long_line(tmp_path / "07459.csv", '"region";"år";"Personer"'))
    codebook = tmp_path / "kodebok.yaml"
    codebook.write_text("survey:\n  slug: x\n  title: " + "y" * LONG + "\n", encoding="utf-8")
    with pytest.raises(ImportValidationError, match=r"kodebok\.yaml, row 3: the line is longer"):
        load_codebook(codebook)


def test_a_file_larger_than_the_limit_is_refused_before_reading_it(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_TEXT_BYTES", 1000)
    path = tmp_path / "stor.csv"
    path.write_text("id;vekt\n" + "1;1.0\n" * 400, encoding="utf-8")
    with pytest.raises(ImportValidationError, match=r"stor\.csv: the file has 2408 bytes, more than the 1000 bytes"):
        open_table(path)


def test_a_lowered_line_limit_applies_and_ordinary_files_pass(tmp_path, monkeypatch):
    path = tmp_path / "svar.csv"
    path.write_text("id;q1;vekt\r\n1;2;1.0\r\n2;" + "3" * 200 + ";1.0\r\n", encoding="utf-8")
    assert [n for n, _cells in open_table(path).rows(None)] == [2, 3]  # type: ignore[arg-type]
    monkeypatch.setattr(tables, "MAX_LINE_BYTES", 100)
    with pytest.raises(ImportValidationError, match=r"svar\.csv, row 3: the line is longer than 100 bytes"):
        open_table(path)
