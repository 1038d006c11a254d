"""Reading the table files survey vendors and councils deliver: CSV, XLSX and SPSS .sav.

CSV may be UTF-8 (with or without BOM) or Windows-1252, separated by ``;`` or ``,``.
Every cell is read as text (or None when empty) so validation sees exactly what the file says.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.errors import ImportValidationError

CSV_SUFFIXES = {".csv", ".txt"}
EXCEL_SUFFIXES = {".xlsx"}
SPSS_SUFFIXES = {".sav", ".zsav"}


@dataclass
class Table:
    """Header and rows of a file; ``rows`` yields (row number as in a spreadsheet, cells)."""

    path: Path
    header: list[str]
    encoding: str | None
    _rows: object

    def rows(self) -> Iterator[tuple[int, list[str | None]]]:
        yield from self._rows()  # type: ignore[operator]


def open_table(path: Path) -> Table:
    """Open ``path`` by its suffix.

    Raises:
        ImportValidationError: unknown format, unreadable or empty file.
    """
    suffix = path.suffix.lower()
    if not path.exists():
        raise ImportValidationError(f"{path}: file not found.")
    if suffix in CSV_SUFFIXES:
        return _csv_table(path)
    if suffix in EXCEL_SUFFIXES:
        return _xlsx_table(path)
    if suffix in SPSS_SUFFIXES:
        return _sav_table(path)
    raise ImportValidationError(
        f"{path.name}: unknown file type {suffix!r}. Fix: save it as .csv (UTF-8 or Windows-1252), .xlsx or .sav."
    )


def detect_encoding(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def _clean(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN from SPSS/Excel
            return None
        if value.is_integer():
            value = int(value)
    text = str(value).strip()
    return text or None


def _csv_table(path: Path) -> Table:
    raw = path.read_bytes()
    if not raw.strip():
        raise ImportValidationError(f"{path.name}: the file is empty. Fix: export the data again with a header row.")
    encoding = detect_encoding(raw)
    first_line = raw.decode(encoding, errors="replace").splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","

    def open_reader():
        handle = io.TextIOWrapper(path.open("rb"), encoding=encoding, newline="")
        return handle, csv.reader(handle, delimiter=delimiter)

    handle, reader = open_reader()
    with handle:
        header = [h.strip() for h in next(reader)]

    def rows():
        handle, reader = open_reader()
        with handle:
            next(reader)
            for number, cells in enumerate(reader, start=2):
                if not any(c.strip() for c in cells):
                    continue
                yield number, [_clean(c) for c in cells]

    return Table(path, header, f"{encoding}, '{delimiter}'-separated", rows)


def _xlsx_table(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file problem
        raise ImportValidationError(f"{path.name}: cannot be read as an Excel workbook ({exc}).") from exc
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        header = [str(h).strip() if h is not None else "" for h in next(iterator)]
    except StopIteration:
        raise ImportValidationError(f"{path.name}: the first sheet is empty.") from None
    finally:
        workbook.close()

    def rows():
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            it = wb.worksheets[0].iter_rows(values_only=True)
            next(it)
            for number, cells in enumerate(it, start=2):
                cleaned = [_clean(c) for c in cells]
                if any(c is not None for c in cleaned):
                    yield number, cleaned
        finally:
            wb.close()

    return Table(path, header, None, rows)


def _sav_table(path: Path) -> Table:
    import pyreadstat

    try:
        _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
    except Exception as exc:  # noqa: BLE001
        raise ImportValidationError(f"{path.name}: cannot be read as an SPSS file ({exc}).") from exc
    header = list(meta.column_names)

    def rows():
        number = 2
        for chunk, _ in pyreadstat.read_file_in_chunks(pyreadstat.read_sav, str(path), chunksize=10000):
            for record in chunk.itertuples(index=False, name=None):
                yield number, [_clean(c) for c in record]
                number += 1

    return Table(path, header, None, rows)
