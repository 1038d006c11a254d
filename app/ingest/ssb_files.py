"""Reading the files Statistics Norway (SSB) hands out: one cell per combination of categories.

Two formats, as a user downloads them from Statistikkbanken (ssb.no/statbank) or its PxWebApi:

* **JSON-stat 2.0** (``.json``; the PxWebApi's ``json-stat2``, its default answer): dimensions with
  category codes and labels, values in row-major order, ``null`` or a status for a missing value.
* **CSV** (``.csv``/``.txt``; ``;``, ``,`` or tab separated, UTF-8 or Windows-1252): title lines are
  allowed above the header; the header names the dimensions (``region``, ``kjønn``, ``alder``,
  ``statistikkvariabel``, ``år`` … or the API's codes ``Region``, ``Kjonn``, ``Tid`` …); the other
  columns hold values. A value column's header may carry a statistics variable and/or a period
  (``Personer 2026``, ``2026``) when Statistikkbanken has put them in the heading, or just the table's
  title when they are columns of their own. Categories are written as codes (``4622``), labels with
  codes (``4622 Kvam``, ``K-4622 Kvam``) or labels (``Menn``).

The reader knows nothing of any particular table; ``app/ingest/ssb_import.py`` maps the cells of
each supported table to the database. What cannot be read is refused with the file, line and fix.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from app.errors import ImportValidationError
from app.ingest.tables import read_text

# Dimension names as SSB writes them (label or API code), folded to lower-case ASCII → our name.
DIMENSIONS = {
    "region": "region",
    "kommune": "region",
    "bostedskommune": "home",
    "bosted": "home",
    "bokommuen": "home",
    "arbeidsstedskommune": "work",
    "arbeidssted": "work",
    "arbstedkomm": "work",
    "kjonn": "sex",
    "alder": "age",
    "nivaa": "level",
    "niva": "level",
    "utdanningsniva": "level",
    "statistikkvariabel": "contents",
    "contentscode": "contents",
    "ar": "time",
    "tid": "time",
    "kvartal": "time",
    # Statistikkbanken's English interface
    "age": "age",
    "sex": "sex",
    "year": "time",
    "time": "time",
    "quarter": "time",
    "contents": "contents",
    "municipalityofresidence": "home",
    "placeofresidence": "home",
    "municipalityofwork": "work",
    "placeofwork": "work",
    "workplace": "work",
    "level": "level",
    "levelofeducation": "level",
    "educationallevel": "level",
}
# Sex written inside a value column's heading ("Persons 2023 Males", "Personer 2023 Kvinner").
SEX_IN_HEADING = re.compile(r"(?:^|\s)(males|females|menn|kvinner|both sexes|begge kjønn)(?=\s|$)", re.IGNORECASE)
NAME_TABLE_NUMBER = re.compile(r"(?<![0-9])(\d{5})(?![0-9])")
TIME = re.compile(r"(\d{4}(?:K[1-4]|M\d{2})?)$")
TABLE_NUMBER = re.compile(r"\b(\d{5})\s*:")
# SSB's symbols for a value that is not there: not applicable, not available, not yet, confidential.
MISSING = {".", "..", "...", ":", "x"}
FORMAT_FIX = (
    "download the table from Statistikkbanken as CSV or from the PxWebApi as json-stat2 or csv (docs/ssb-import.md)"
)


@dataclass(frozen=True)
class Category:
    """One category of a dimension: SSB's code when the file has it, and its label."""

    code: str | None
    label: str

    @property
    def text(self) -> str:
        return self.label if self.code is None or self.code == self.label else f"{self.code} {self.label}"


@dataclass(frozen=True)
class Cell:
    """One value with its categories; ``row`` and ``column`` say where it is in the file."""

    categories: dict[str, Category]
    value: str | None
    row: int | None
    column: str


@dataclass
class SsbFile:
    name: str
    table: str | None  # the table number the file states (title, label or value column), if any
    dimensions: list[str]  # our names, in file order
    cells: list[Cell] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # dimension names we do not know
    title: str | None = None  # the table's title as the file gives it ("Befolkning, etter region …")
    table_in_name: str | None = None  # a table number in the file's name (SSB names downloads "07459_2026…")

    def categories(self, dimension: str) -> set[Category]:
        return {cell.categories[dimension] for cell in self.cells if dimension in cell.categories}


def read_ssb_file(path: Path) -> SsbFile:
    """The cells of an SSB download (CSV or JSON-stat 2.0).

    Raises:
        ImportValidationError: not a text file, not JSON-stat 2.0, no header naming SSB dimensions.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".json", ".csv", ".txt"}:
        raise ImportValidationError(f"{path.name}: unknown file type {suffix!r} for an SSB table. Fix: {FORMAT_FIX}.")
    text = read_text(path)
    if suffix == ".json" or text.lstrip().startswith("{"):
        result = _json_stat(path.name, text)
    else:
        result = _csv(path.name, text)
    in_name = set(NAME_TABLE_NUMBER.findall(path.stem))
    if len(in_name) == 1:
        result.table_in_name = in_name.pop()
    return result


def dimension_name(text: str) -> str | None:
    folded = unicodedata.normalize("NFKD", text.strip().lower()).replace("ø", "o").replace("æ", "ae")
    folded = "".join(c for c in folded if c.isalnum())
    return DIMENSIONS.get(folded)


def number(text: str | None) -> float | None:
    """An SSB value as a number: ``None`` for its missing-value symbols; ``-`` (nil) is 0.

    Raises:
        ValueError: neither a number nor an SSB symbol.
    """
    if text is None:
        return None
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if not cleaned or cleaned in MISSING:
        return None
    if cleaned == "-":
        return 0.0
    value = float(cleaned.replace(",", "."))
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


@lru_cache(maxsize=8192)
def _split_label(text: str) -> Category:
    """'4622 Kvam' → code 4622; 'K-4622 Kvam' → code 4622; '03a Universitetsnivå' → code 03a;
    'Menn' → no code."""
    match = re.match(r"^(?:[A-Z]{1,3}-)?(\d{1,4}[a-z]?\+?)(?:\s+(.*))?$", text.strip())
    if match:
        return Category(match.group(1), (match.group(2) or match.group(1)).strip())
    return Category(None, text.strip())


# --- JSON-stat 2.0 ----------------------------------------------------------------------------


def _json_stat(name: str, text: str) -> SsbFile:
    def refuse(what: str) -> ImportValidationError:
        return ImportValidationError(f"{name}: {what}. Fix: {FORMAT_FIX}.")

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise refuse(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    data = _json_stat_2(data)
    if data is None:
        raise refuse(
            'not a JSON-stat 2.0 dataset (no "class": "dataset"), nor a JSON-stat 1.x one '
            '({"dataset": {"dimension": …}})'
        )
    try:
        ids: list[str] = list(data["id"])
        sizes: list[int] = [int(s) for s in data["size"]]
        dimensions = data["dimension"]
        codes = [_category_codes(dimensions[i]["category"], size) for i, size in zip(ids, sizes, strict=True)]
        labels = [dimensions[i]["category"].get("label") or {} for i in ids]
        names = [dimensions[i].get("label") or i for i in ids]
        values = data["value"]
        status = data.get("status") or {}
    except (KeyError, TypeError, ValueError) as exc:
        raise refuse(f"a JSON-stat dataset without a readable {exc}") from None
    total = 1
    for size in sizes:
        total *= size
    if isinstance(values, list) and len(values) != total:
        raise refuse(f"{len(values)} values for {total} combinations of categories")
    ours = [dimension_name(i) or dimension_name(str(n)) for i, n in zip(ids, names, strict=True)]
    label = str(data.get("label", ""))
    table_match = TABLE_NUMBER.search(label)
    result = SsbFile(
        name,
        table_match.group(1) if table_match else None,
        [d for d in ours if d],
        unknown=[str(n) for n, d in zip(names, ours, strict=True) if d is None],
        title=TABLE_NUMBER.sub("", label, count=1).strip() or None,
    )
    for position, combination in enumerate(itertools.product(*codes)):
        value = values[position] if isinstance(values, list) else values.get(str(position))
        symbol = status[position] if isinstance(status, list) else status.get(str(position))
        categories = {
            dim: Category(code, str(labels[k].get(code, code)))
            for k, (dim, code) in enumerate(zip(ours, combination, strict=True))
            if dim
        }
        where = ", ".join(f"{ids[k]}={code}" for k, code in enumerate(combination))
        shown = None if value is None else str(value)
        if shown is None and symbol:
            shown = str(symbol)
        result.cells.append(Cell(categories, shown, None, f"value {position + 1} ({where})"))
    return result


def _json_stat_2(data: object) -> dict | None:
    """A JSON-stat dataset in 2.0's shape: 2.0 as it is; 1.x (``{"dataset": {"dimension": {"id": …,
    "size": …, …}}}``, or a bundle of named datasets, the first taken) with ``id`` and ``size`` moved up."""
    if not isinstance(data, dict):
        return None
    if data.get("class") == "dataset":
        return data
    bundle = [v for v in data.values() if isinstance(v, dict) and isinstance(v.get("dimension"), dict)]
    if not bundle:
        return None
    dataset = bundle[0]
    dimension = dataset["dimension"]
    return {
        **dataset,
        "id": dimension.get("id"),
        "size": dimension.get("size"),
        "dimension": {k: v for k, v in dimension.items() if k not in {"id", "size", "role"}},
    }


def _category_codes(category: dict, size: int) -> list[str]:
    index = category.get("index")
    if index is None:  # a single category may be given by its label alone
        codes = list((category.get("label") or {}).keys())
    elif isinstance(index, list):
        codes = [str(c) for c in index]
    else:
        codes = [str(c) for c, _ in sorted(index.items(), key=lambda item: int(item[1]))]
    if len(codes) != size:
        raise ValueError(f"category list ({len(codes)} categories, size says {size})")
    return codes


# --- CSV --------------------------------------------------------------------------------------


def _csv(name: str, text: str) -> SsbFile:
    lines = text.splitlines()
    found = _find_header(lines)
    if found is None:
        raise ImportValidationError(
            f"{name}: no header row naming SSB's dimensions (region, kjønn, alder, statistikkvariabel, år; in English "
            f"region, sex, age, contents, year …) in the first 20 lines. Fix: {FORMAT_FIX}."
        )
    header_line, delimiter = found
    reader = csv.reader(io.StringIO("\n".join(lines[header_line:])), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    while header and not header[-1]:  # a spreadsheet saved again adds empty columns
        header.pop()
    rows: list[tuple[int, list[str]]] = []
    for offset, cells in enumerate(reader):
        if not any(c.strip() for c in cells):
            continue
        line = header_line + 2 + offset
        while len(cells) > len(header) and not cells[-1].strip():
            cells.pop()
        if len(cells) != len(header):
            raise ImportValidationError(
                f"{name}, line {line}: {len(cells)} cells, but the header (line {header_line + 1}) has {len(header)}. "
                "Fix: download the table again; a cell holding the separator must be in double quotes."
            )
        rows.append((line, cells))
    ours = [dimension_name(h) for h in header]
    # A column whose name we do not know holds values when its heading carries a period or all its cells
    # are numbers (or SSB's symbols); otherwise it is a dimension, of another table.
    value_columns = [
        k
        for k, h in enumerate(header)
        if ours[k] is None
        and (TABLE_NUMBER.search(h) or _heading_period(h) or all(_is_value(cells[k]) for _, cells in rows))
    ]
    if not value_columns and any(ours):  # SSB writes the values after the dimensions
        last_dimension = max(k for k, d in enumerate(ours) if d)
        value_columns = [k for k, h in enumerate(header) if h and ours[k] is None and k > last_dimension]
    unknown = [h or f"column {k + 1}" for k, h in enumerate(header) if ours[k] is None and k not in value_columns]
    above = " ".join(c for line in lines[:header_line] for c in next(csv.reader([line], delimiter=delimiter), []))
    title = above + " " + " ".join(header[k] for k in value_columns)
    table_match = TABLE_NUMBER.search(title)
    result = SsbFile(
        name,
        table_match.group(1) if table_match else None,
        [d for d in ours if d],
        unknown=unknown,
        title=TABLE_NUMBER.sub("", above, count=1).strip() or None,
    )
    if not value_columns:
        raise ImportValidationError(
            f"{name}, line {header_line + 1}: no column holds values (every column names a dimension or holds "
            f"labels). Fix: {FORMAT_FIX}."
        )
    headings = {k: _heading(header[k], "contents" in result.dimensions) for k in value_columns}
    for dimension in ("contents", "time", "sex"):  # in the heading rather than a column of their own
        if dimension not in result.dimensions and any(dimension in h for h in headings.values()):
            result.dimensions.append(dimension)
    for line, cells in rows:
        categories = {dim: _split_label(c) for dim, c in zip(ours, cells, strict=True) if dim}
        for k in value_columns:
            result.cells.append(Cell({**categories, **headings[k]}, cells[k].strip() or None, line, header[k]))
    return result


def _is_value(text: str) -> bool:
    try:
        number(text)
    except ValueError:
        return False
    return True


def _heading_period(text: str) -> bool:
    return "time" in _heading(text, True)


def _find_header(lines: list[str]) -> tuple[int, str] | None:
    """The first line (of the first 20) that splits into at least two cells, one of them a dimension name."""
    for number, line in enumerate(lines[:20]):
        for delimiter in (";", ",", "\t"):
            cells = next(csv.reader([line], delimiter=delimiter), [])
            if len(cells) >= 2 and any(dimension_name(c) for c in cells):
                return number, delimiter
    return None


def _heading(text: str, contents_is_a_column: bool) -> dict[str, Category]:
    """What a value column's header says: a sex where Statistikkbanken has put it in the heading
    ("Persons 2023 Males"), a period at its end, and (when the statistics variable is not a column of its
    own) the variable before it."""
    text = TABLE_NUMBER.sub("", text, count=1).strip()
    found: dict[str, Category] = {}
    sex = SEX_IN_HEADING.search(text)
    if sex:
        found["sex"] = Category(None, sex.group(1))
        text = (text[: sex.start()] + " " + text[sex.end() :]).strip()
    match = TIME.search(text)
    if match:
        found["time"] = Category(match.group(1), match.group(1))
        text = text[: match.start()].strip()
    if text and not contents_is_a_column:
        found["contents"] = Category(None, text)
    return found


def cells_by(ssb: SsbFile, *dimensions: str) -> Iterator[tuple[tuple[Category, ...], Cell]]:
    """Each cell with its categories of ``dimensions`` (cells missing one are left out)."""
    for cell in ssb.cells:
        if all(d in cell.categories for d in dimensions):
            yield tuple(cell.categories[d] for d in dimensions), cell
