"""Reading the table files survey vendors and councils deliver: CSV, XLSX and SPSS .sav.

CSV may be UTF-8 (with or without BOM) or Windows-1252, separated by ``;`` or ``,``.
Every cell is read as text (or None when empty) so validation sees exactly what the file says.

A file that is not what its name says (an image, a zip archive, UTF-16 text, a damaged
workbook …) is refused with one message that names the file, what it is and how to fix it;
a row whose number of cells does not match the header is reported as such by ``Table.rows``.
``Table.columns`` finds the named columns (case-insensitive) and reports duplicate, unknown and
unnamed ones the same way for every importer.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from app.errors import ImportValidationError
from app.ingest.problems import Problems

if TYPE_CHECKING:
    from _csv import _reader as CsvReader  # what csv.reader returns

CSV_SUFFIXES = {".csv", ".txt"}
EXCEL_SUFFIXES = {".xlsx"}
SPSS_SUFFIXES = {".sav", ".zsav"}

SAVE_AS_CSV = "save the data as CSV in UTF-8 (in Excel: Save As → CSV UTF-8)"
CSV_FIX = SAVE_AS_CSV + ", or as .xlsx or .sav"
SNIFF_BYTES = 1 << 16

# What a file is, by its first bytes; each with the fix for someone who gave it as a table.
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image", CSV_FIX),
    (b"\xff\xd8\xff", "a JPEG image", CSV_FIX),
    (b"GIF87a", "a GIF image", CSV_FIX),
    (b"GIF89a", "a GIF image", CSV_FIX),
    (b"%PDF", "a PDF document", CSV_FIX),
    (
        b"PK\x03\x04",
        "a zip archive (an .xlsx workbook is one)",
        "if it is an Excel workbook, give it the name ending .xlsx; otherwise " + CSV_FIX,
    ),
    (b"PK\x05\x06", "an empty zip archive", CSV_FIX),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old-format Office file (Excel 97–2003 .xls, or a password-protected workbook)",
        "open it in Excel, remove any password and save it as .xlsx or as CSV UTF-8",
    ),
    (b"$FL2", "an SPSS data file", "give it the name ending .sav"),
    (b"$FL3", "a compressed SPSS data file", "give it the name ending .zsav"),
    (b"\x1f\x8b", "a gzip archive", "unpack it first, then import the table inside"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "unpack it first, then import the table inside"),
    (b"Rar!", "a RAR archive", "unpack it first, then import the table inside"),
    (b"\xff\xfe\x00\x00", "UTF-32 text", "save it as CSV in UTF-8 (in Excel: Save As → CSV UTF-8)"),
    (b"\x00\x00\xfe\xff", "UTF-32 text", "save it as CSV in UTF-8 (in Excel: Save As → CSV UTF-8)"),
    (b"\xff\xfe", 'UTF-16 text (Excel\'s "Unicode text")', "save it as CSV in UTF-8 (in Excel: Save As → CSV UTF-8)"),
    (b"\xfe\xff", "UTF-16 text", "save it as CSV in UTF-8 (in Excel: Save As → CSV UTF-8)"),
)
# C0 control characters a text export does not contain (tab, line breaks, form feed, vertical
# tab and the old DOS end-of-file mark are allowed).
_CONTROL = {chr(c) for c in range(32)} - set("\t\n\r\f\v\x1a")

Cells = list[str | None]


@dataclass
class Columns:
    """The named columns of a table (lower-case name → position of its first occurrence) and
    the unnamed ones, which may stay empty (a separator at the end of the line, a formatted cell)."""

    index: dict[str, int]
    unnamed: list[int]

    def __contains__(self, name: object) -> bool:
        return name in self.index

    def values(self, cells: Cells) -> dict[str, str | None]:
        """The cells of a row by column name."""
        return {name: cells[i] for name, i in self.index.items()}

    def check_unnamed(self, number: int, cells: Cells, problems: Problems, fix: str) -> None:
        """A value under a column without a name is a problem (``fix`` says what to do about it)."""
        for i in self.unnamed:
            if cells[i] is not None:
                problems.add(number, f"#{i + 1} (no header)", cells[i], "values only under a named column", fix)


def _any_column(name: str) -> tuple[str, str]:
    return "a known column", "rename or remove the column"


@dataclass
class Table:
    """Header and rows of a file; ``rows`` yields (row number as in a spreadsheet, cells)."""

    path: Path
    header: list[str]
    encoding: str | None
    _rows: Callable[[], Iterator[tuple[int, Cells]]]
    # CSV rows must have as many cells as the header; spreadsheets simply leave trailing cells empty.
    fixed_width: bool = False
    # data rows the file appears to hold (for progress; None when it cannot be told cheaply); never checked
    size_hint: int | None = None

    def columns(
        self,
        problems: Problems,
        known: Collection[str] | None = None,
        unknown: Callable[[str], tuple[str, str]] = _any_column,
    ) -> Columns:
        """The header's columns; a repeated name, and a name not in ``known`` (when given), is a
        problem on row 1. ``unknown(name)`` gives what was expected and the fix for an unknown one.
        """
        index: dict[str, int] = {}
        first: dict[str, int] = {}
        unnamed: list[int] = []
        for position, header in enumerate(self.header):
            name = header.strip().lower()
            if not name:
                unnamed.append(position)
            elif name in first:
                problems.add(
                    1, header, None, "each column once", f"remove the duplicate column (also column {first[name] + 1})"
                )
            else:
                first[name] = position
                if known is None or name in known:
                    index[name] = position
                else:
                    expected, fix = unknown(name)
                    problems.add(1, header, None, expected, fix)
        return Columns(index, unnamed)

    def rows(self, problems: Problems) -> Iterator[tuple[int, Cells]]:
        """Data rows, each with exactly one cell per header column.

        A row with fewer cells than the header (CSV) or with values beyond the last header
        column is added to ``problems`` (naming the row and both counts) and not yielded.
        Empty cells after the last column (a separator at the end of the line) are dropped.
        """
        width = len(self.header)
        for number, cells in self._rows():
            if len(cells) > width:
                if any(c is not None for c in cells[width:]):
                    if self.fixed_width:
                        shown = len(cells)
                        fix = (
                            "the row has more values than the header has columns: a separator too many, or a cell "
                            f"containing the separator without double quotes; correct it to {width} cells"
                        )
                    else:  # a spreadsheet row ends at its last value
                        shown = max(i for i, c in enumerate(cells) if c is not None) + 1
                        fix = (
                            "the row has values right of the last named column; give that column a name in row 1, "
                            "or move or delete the values"
                        )
                    problems.add(
                        number, None, None, "one cell per header column", fix, detail=_width_detail(shown, width)
                    )
                    continue
                cells = cells[:width]
            elif len(cells) < width:
                if self.fixed_width:
                    problems.add(
                        number,
                        None,
                        None,
                        "one cell per header column",
                        f"a separator is missing in the row, or a line break splits it; correct it to "
                        f"{width} cells (an empty answer is an empty cell between two separators)",
                        detail=_width_detail(len(cells), width),
                    )
                    continue
                cells = cells + [None] * (width - len(cells))
            yield number, cells


def _width_detail(cells: int, width: int) -> str:
    return f"has {cells} cell{'' if cells == 1 else 's'}, the header has {width}"


def open_table(path: Path) -> Table:
    """Open ``path`` by its suffix, after checking that its content fits the suffix.

    Raises:
        ImportValidationError: unknown format, unreadable, binary, wrongly encoded or empty file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    head = _head(path)
    if suffix in CSV_SUFFIXES:
        return _csv_table(path)
    if suffix in EXCEL_SUFFIXES:
        return _xlsx_table(path, head)
    if suffix in SPSS_SUFFIXES:
        return _sav_table(path, head)
    raise ImportValidationError(
        f"{path.name}: unknown file type {suffix!r}. Fix: save it as .csv (UTF-8 or Windows-1252), .xlsx or .sav."
    )


def _head(path: Path) -> bytes:
    """The first bytes of ``path``; a missing, unreadable or empty file is refused here."""
    if path.is_dir():
        raise ImportValidationError(f"{path}: is a folder, not a file. Fix: give the path of the data file.")
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except FileNotFoundError:
        raise ImportValidationError(f"{path}: file not found. Fix: check the path and the file name.") from None
    except OSError as exc:
        raise ImportValidationError(
            f"{path}: the file cannot be read ({exc.strerror or exc}). Fix: check that it exists and that you may "
            "read it."
        ) from None
    if not head.strip():
        raise ImportValidationError(
            f"{path.name}: the file is empty. Fix: export the data again with a header row and one row per record."
        )
    return head


def _magic(head: bytes) -> tuple[str, str] | None:
    for prefix, kind, fix in _MAGIC:
        if head.startswith(prefix):
            return kind, fix
    return None


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head or _magic(head):
        return False
    text = head.decode("utf-8", errors="ignore") if _is_utf8(head) else head.decode("cp1252", errors="ignore")
    return sum(1 for ch in text if ch in _CONTROL) <= len(text) / 100


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut off at the end of a sample is still UTF-8
        return exc.start >= len(raw) - 3 and exc.reason == "unexpected end of data"
    return True


def detect_encoding(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def bad_byte(raw: bytes, error: UnicodeDecodeError) -> str:
    """Where ``raw`` cannot be decoded, as a person finds it: "byte 0x81 on line 2"."""
    line = raw.count(b"\n", 0, error.start) + 1
    return f"byte 0x{raw[error.start]:02X} on line {line}"


def leading_zero(text: str) -> str:
    """A municipality number or postal code that lost its leading zero (3 digits) gets it back."""
    return "0" + text if text.isdigit() and len(text) == 3 else text


def number_text(text: str) -> str:
    """'1 500,50' → '1500.50': Norwegian spreadsheets write a decimal comma and space thousands."""
    return text.replace("\u00a0", "").replace(" ", "").replace(",", ".")


def _clean(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):  # NaN from SPSS/Excel
            return None
        if value.is_integer():
            value = int(value)
    text = str(value).strip()
    return text or None


def _refuse_binary_text(path: Path, raw: bytes) -> tuple[str, str]:
    """Encoding and first line of ``raw`` if it is UTF-8 or Windows-1252 text; otherwise refuse the file."""
    name = path.name
    found = _magic(raw)
    if found:
        kind, fix = found
        wanted = "CSV text in UTF-8 or Windows-1252" if "text" in kind else "a CSV text file"
        raise ImportValidationError(f"{name}: this is {kind}, not {wanted}. Fix: {fix}.")
    if b"\x00" in raw:
        head = raw[:SNIFF_BYTES]
        nul_share = head.count(b"\x00") / len(head)
        kind = (
            "UTF-16 text without a byte-order mark"
            if 0.3 < nul_share < 0.6
            else "a binary file (it contains NUL bytes)"
        )
        raise ImportValidationError(f"{name}: this is {kind}, not CSV text in UTF-8 or Windows-1252. Fix: {CSV_FIX}.")
    encoding = detect_encoding(raw)
    if encoding == "cp1252":
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ImportValidationError(
                f"{name}: not text in UTF-8 or Windows-1252 ({bad_byte(raw, exc)} is neither). Fix: {CSV_FIX}."
            ) from None
    else:
        text = raw.decode(encoding)
    sample = text[:SNIFF_BYTES]
    controls = [i for i, ch in enumerate(sample) if ch in _CONTROL]
    if len(controls) > len(sample) / 100:
        line = sample.count("\n", 0, controls[0]) + 1
        raise ImportValidationError(
            f"{name}: does not look like a text file ({len(controls)} control characters in the first "
            f"{len(sample)} characters, the first on line {line}). Fix: {CSV_FIX}."
        )
    lines = sample.lstrip("\ufeff").splitlines()
    return encoding, lines[0] if lines else ""


MAX_TEXT_BYTES = 512 * 1024 * 1024  # a text file (CSV, SSB table, codebook) read into memory
MAX_LINE_BYTES = 1024 * 1024  # one line of it; a real row is a few kilobytes
_LINE_END = re.compile(rb"[\r\n]")


def check_text_limits(path: Path, what: str = "file", fix: str | None = None) -> int:
    """Refuse a text file larger than ``MAX_TEXT_BYTES`` or with a line longer than ``MAX_LINE_BYTES`` before
    anything reads it whole or line by line (a file of one 2 GB line would otherwise fill the memory twice);
    it is read in 1 MB blocks. Returns the number of lines.

    Raises:
        ImportValidationError: naming the file, the row and the fix.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportValidationError(f"{path}: the {what} cannot be read ({exc.strerror or exc}).") from None
    if size > MAX_TEXT_BYTES:
        raise ImportValidationError(
            f"{path.name}: the {what} has {_megabytes(size)}, more than the {_megabytes(MAX_TEXT_BYTES)} an import "
            f"reads. Fix: {fix or 'split it into smaller files, or leave out columns that are not needed'}."
        )
    newlines, length = 0, 0
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            offset = 0
            for i, piece in enumerate(_LINE_END.split(block)):
                length = len(piece) if i else length + len(piece)
                if length > MAX_LINE_BYTES:
                    row = newlines + block.count(b"\n", 0, offset) + 1
                    raise ImportValidationError(
                        f"{path.name}, row {row}: the line is longer than {_megabytes(MAX_LINE_BYTES)}; nothing was "
                        f"read. Fix: {fix or _LONG_LINE_FIX}."
                    )
                offset += len(piece) + 1
            newlines += block.count(b"\n")
    return newlines


_LONG_LINE_FIX = (
    "check that the file has its line breaks (one row per line; a file saved with other line breaks, or a "
    "cell that opens a double quote and never closes it, reads as one long line) and that no cell holds a whole "
    "document; save it again as CSV from the spreadsheet"
)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} bytes"


def read_text(path: Path) -> str:
    """The whole of ``path`` as text (UTF-8 with or without BOM, or Windows-1252), after refusing
    what is not a text file the way ``open_table`` does, and one too large or with too long a line."""
    check_text_limits(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportValidationError(f"{path}: the file cannot be read ({exc.strerror or exc}).") from None
    encoding, _ = _refuse_binary_text(path, raw)
    return raw.decode(encoding, errors="replace").lstrip("\ufeff")


def _csv_table(path: Path) -> Table:
    check_text_limits(path)  # before the whole file, or one of its lines, is read into memory
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportValidationError(f"{path}: the file cannot be read ({exc.strerror or exc}).") from None
    encoding, first_line = _refuse_binary_text(path, raw)
    lines = raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)
    del raw
    delimiter = max(",;\t", key=first_line.count)  # the separator the header uses most (Excel: ; or tab)

    def open_reader() -> tuple[IO[str], CsvReader]:
        handle = io.TextIOWrapper(path.open("rb"), encoding=encoding, newline="")
        return handle, csv.reader(handle, delimiter=delimiter)

    handle, reader = open_reader()
    with handle:
        try:
            header = [h.strip() for h in next(reader, [])]
        except csv.Error as exc:
            raise ImportValidationError(
                f"{path.name}: the header (row 1) cannot be read as CSV ({exc}). Fix: {CSV_FIX}."
            ) from None
    if not any(header):
        raise ImportValidationError(
            f"{path.name}: row 1 is empty, but it must hold the column names. Fix: remove the empty lines above the "
            "header."
        )

    def rows() -> Iterator[tuple[int, Cells]]:
        handle, reader = open_reader()
        number = 1
        with handle:
            next(reader)
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise ImportValidationError(
                        f"{path.name}, line {reader.line_num}: cannot be read as CSV ({exc}). Fix: a cell that holds "
                        "the separator, a double quote or a line break must be in double quotes, with quotes inside "
                        'it doubled ("").'
                    ) from None
                number += 1
                if not any(c.strip() for c in cells):
                    continue
                yield number, [_clean(c) for c in cells]

    return Table(
        path, header, f"{encoding}, '{delimiter}'-separated", rows, fixed_width=True, size_hint=max(lines - 1, 0)
    )


def _not_what_the_name_says(path: Path, head: bytes, wanted: str, fix: str) -> ImportValidationError:
    found = _magic(head)
    if found:
        what = found[0]
        fix = found[1]
    elif _looks_like_text(head):
        what, fix = "a text file (perhaps CSV)", "if it is CSV, give it the name ending .csv"
    else:
        what = "not one"
    return ImportValidationError(f"{path.name}: {wanted}; this file is {what}. Fix: {fix}.")


MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # what a workbook may unpack to
MAX_PACKING_RATIO = 200  # a real sheet packs about 5–20 times; a zip bomb thousands


def _refuse_zip_bomb(path: Path, fix: str) -> None:
    """Refuse a workbook that would unpack to far more than it weighs, before openpyxl unpacks it."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportValidationError(
            f"{path.name}: cannot be read as an Excel workbook ({_short(exc)}). Fix: {fix}."
        ) from None
    unpacked = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if unpacked > MAX_UNPACKED_BYTES or (unpacked > 10 * 1024 * 1024 and unpacked / packed > MAX_PACKING_RATIO):
        raise ImportValidationError(
            f"{path.name}: the workbook would unpack to {unpacked // (1024 * 1024)} MB from {packed // 1024} kB; "
            f"that is not a survey table. Fix: {fix}."
        )


def _xlsx_table(path: Path, head: bytes) -> Table:
    from openpyxl import load_workbook

    fix = "open it in Excel and save it again as .xlsx, or " + SAVE_AS_CSV
    if not head.startswith(b"PK\x03\x04"):
        raise _not_what_the_name_says(path, head, "an .xlsx name means an Excel workbook (a zip archive)", fix)
    _refuse_zip_bomb(path, fix)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file problem
        raise ImportValidationError(
            f"{path.name}: cannot be read as an Excel workbook ({_short(exc)}). Fix: {fix}."
        ) from None
    try:
        if not workbook.worksheets:
            raise ImportValidationError(f"{path.name}: the workbook has no worksheet. Fix: {fix}.")
        iterator = workbook.worksheets[0].iter_rows(values_only=True)
        first = next(iterator, None)
        declared = workbook.worksheets[0].max_row
    except ImportValidationError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise ImportValidationError(
            f"{path.name}: the first sheet cannot be read ({_short(exc)}). Fix: {fix}."
        ) from None
    finally:
        workbook.close()
    if first is None or all(h is None for h in first):
        raise ImportValidationError(
            f"{path.name}: the first sheet is empty or its row 1 is. Fix: put the column names in row 1 of the first "
            "sheet."
        )
    header = [str(h).strip() if h is not None else "" for h in first]

    def rows() -> Iterator[tuple[int, Cells]]:
        wb = load_workbook(path, read_only=True, data_only=True)
        number = 1
        try:
            it = wb.worksheets[0].iter_rows(values_only=True)
            next(it)
            for number, cells in enumerate(it, start=2):
                cleaned = [_clean(c) for c in cells]
                if any(c is not None for c in cleaned):
                    yield number, cleaned
        except Exception as exc:  # noqa: BLE001 - a damaged sheet is the user's file problem
            raise ImportValidationError(
                f"{path.name}: the first sheet cannot be read from row {number + 1} on ({_short(exc)}). Fix: {fix}."
            ) from None
        finally:
            wb.close()

    return Table(path, header, None, rows, size_hint=max(declared - 1, 0) if declared else None)


def _sav_table(path: Path, head: bytes) -> Table:
    import pyreadstat

    fix = "save it again from SPSS (File → Save As → .sav), or " + SAVE_AS_CSV
    if not head.startswith((b"$FL2", b"$FL3")):
        raise _not_what_the_name_says(path, head, "a .sav name means an SPSS data file", fix)
    try:
        _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
    except Exception as exc:  # noqa: BLE001
        raise ImportValidationError(
            f"{path.name}: cannot be read as an SPSS file ({_short(exc)}). Fix: {fix}."
        ) from None
    header = list(meta.column_names)
    if not header:
        raise ImportValidationError(f"{path.name}: the SPSS file has no variables. Fix: {fix}.")

    def rows() -> Iterator[tuple[int, Cells]]:
        number = 2
        try:
            for chunk, _ in pyreadstat.read_file_in_chunks(pyreadstat.read_sav, str(path), chunksize=10000):
                for record in chunk.itertuples(index=False, name=None):
                    yield number, [_clean(c) for c in record]
                    number += 1
        except ImportValidationError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged file is the user's file problem
            raise ImportValidationError(
                f"{path.name}: the SPSS file cannot be read from row {number} on ({_short(exc)}). Fix: {fix}."
            ) from None

    return Table(path, header, None, rows, size_hint=getattr(meta, "number_rows", None))


def _short(exc: BaseException) -> str:
    """The first line of an exception's text, at most 200 characters (no tracebacks for users)."""
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "…"
