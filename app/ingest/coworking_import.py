"""``fjernarbeid import coworking FILE [--replace]``: the inventory of coworking spaces.

The file (CSV, XLSX; see ``app.ingest.tables``) has one row per space. Column names are
case-insensitive:

=================  ========  ================================================================
column             required  meaning
=================  ========  ================================================================
name               yes       name of the space; unique within its municipality
kommunenummer                4-digit municipality number (2024 structure, e.g. 4622 Kvam);
                             3 digits are read with the lost leading zero (301 → 0301).
                             Without it the municipality is found from the coordinates (the
                             point in the shipped boundaries) or else the postal code, and the
                             import report says so for every row
seats                        desk places, whole number ≥ 0; empty or missing: unknown (stored as
                             NULL, never 0; totals of seats say how many spaces they leave out)
address                      street address
postal_code                  4-digit postal code in Posten's register
latitude                     decimal degrees north, 57–72 (give both coordinates or none)
longitude                    decimal degrees east, 4–32
cell_offices                 closed offices, whole number ≥ 0 (default 0)
meeting_rooms                meeting rooms, whole number ≥ 0 (default 0)
price_day_nok                day price in NOK ≥ 0; decimal comma or point (150,50)
price_month_nok              month price in NOK ≥ 0
price_note                   free text about prices
opening_hours                free text, e.g. "Mon–Fri 07–22"
facilities                   list in one cell separated by ``|`` (or ``;``). In a
                             ``;``-separated CSV use ``|``: a bare ``;`` would split the cell.
operator                     who runs the space
contact                      e-mail or phone
website                      starting with http:// or https://
status                       active | planned | closed (default active)
is_example                   true/false, ja/nei, yes/no, 1/0 (default false): invented example
                             rows, shown as such and meant to be replaced
=================  ========  ================================================================

A GeoJSON FeatureCollection of points (``.geojson``, ``.json``) is read as a table: one row per
feature, its properties as the columns, the point as latitude and longitude. Some common other
headings are read as the names above (``url`` → website, ``navn`` → name, ``lat``/``lon`` …).
A point outside Norway's municipalities is refused as such (coordinates outside Norway).

Every row is validated with a pydantic model; every problem in the file is reported (file,
row, column, value, what was expected, how to fix it) and nothing is written if there is one.
Writes happen in the caller's transaction (the caller commits): spaces are matched on
(kommunenummer, name), new ones inserted, changed ones updated (``updated_at`` = now), equal
ones left alone; with ``replace`` spaces not in the file are deleted. The same file (sha256) as
the last succeeded coworking import is a no-op recorded as ``unchanged`` (unless ``replace``).
Every import is recorded as an ``ImportBatch`` of kind ``coworking``.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import ErrorDetails
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app import resources
from app.db.models import CoworkingSpace
from app.db.upsert import upsert
from app.errors import ImportValidationError
from app.ingest.batches import last_succeeded_sha256, record_failed_import, record_import, sha256_of
from app.ingest.problems import Problems, add_validation_error, problem_error
from app.ingest.progress import Progress, no_progress
from app.ingest.reference_lookup import ReferenceLookup
from app.ingest.tables import Cells, Table, check_text_limits, leading_zero, number_text, open_table

KIND = "coworking"
KEY = ("kommunenummer", "name")
FACILITY_SEPARATORS = re.compile(r"[|;]")
TRUE_WORDS = {"true", "ja", "yes", "1", "sann", "j", "y"}
FALSE_WORDS = {"false", "nei", "no", "0", "usann", "n"}
WEBSITE = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class ColumnSpec:
    expected: str
    fix: str
    required: bool = False


AMOUNT = "an amount in NOK ≥ 0 with at most 2 decimals, e.g. 150 or 2500,50 (no 'kr')"
COLUMNS: dict[str, ColumnSpec] = {
    "name": ColumnSpec("the name of the space (at most 200 characters)", "write the name of the space", True),
    "kommunenummer": ColumnSpec(
        "a municipality number of the 2024 structure (4 digits, e.g. 4622)",
        "correct the number; see seed/reference/municipalities.csv",
    ),
    "seats": ColumnSpec("a whole number ≥ 0 (desk places, e.g. 12)", "write the number of desk places as digits"),
    "address": ColumnSpec("an address of at most 300 characters", "shorten the address"),
    "postal_code": ColumnSpec("a 4-digit postal code, e.g. 5600", "correct the postal code or leave the cell empty"),
    "latitude": ColumnSpec(
        "a latitude between 57 and 72 (decimal degrees north, e.g. 60.37)",
        "write degrees north as a decimal number; check that latitude and longitude are not swapped",
    ),
    "longitude": ColumnSpec(
        "a longitude between 4 and 32 (decimal degrees east, e.g. 6.14)",
        "write degrees east as a decimal number; check that latitude and longitude are not swapped",
    ),
    "cell_offices": ColumnSpec("a whole number ≥ 0", "write the number of closed offices as digits, or leave empty"),
    "meeting_rooms": ColumnSpec("a whole number ≥ 0", "write the number of meeting rooms as digits, or leave empty"),
    "price_day_nok": ColumnSpec(AMOUNT, "write the day price as a number, or put the text in price_note"),
    "price_month_nok": ColumnSpec(AMOUNT, "write the month price as a number, or put the text in price_note"),
    "price_note": ColumnSpec("free text", "—"),
    "opening_hours": ColumnSpec("text of at most 300 characters", "shorten the opening hours"),
    "facilities": ColumnSpec(
        "facilities separated by | (or ;), e.g. wifi|kaffi|parkering", "separate the facilities with |"
    ),
    "operator": ColumnSpec("text of at most 200 characters", "shorten the operator name"),
    "contact": ColumnSpec("text of at most 300 characters", "shorten the contact information"),
    "website": ColumnSpec(
        "an address starting with http:// or https://, e.g. https://example.no",
        "write the full address including https://, or leave the cell empty",
    ),
    "status": ColumnSpec("one of active, planned, closed", "use active, planned or closed (empty means active)"),
    "is_example": ColumnSpec(
        "true or false (also ja/nei, yes/no, 1/0)",
        "write true for invented example rows, false (or nothing) for real spaces",
    ),
}
REQUIRED = tuple(name for name, spec in COLUMNS.items() if spec.required)
# Other headings lists have for the columns above (compared ignoring case and spaces).
ALIASES = {
    "navn": "name",
    "url": "website",
    "nettside": "website",
    "nettstad": "website",
    "web": "website",
    "adresse": "address",
    "postnummer": "postal_code",
    "postnr": "postal_code",
    "lat": "latitude",
    "breddegrad": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "lengdegrad": "longitude",
    "plasser": "seats",
    "arbeidsplasser": "seats",
    "kontorplasser": "seats",
    "knr": "kommunenummer",
    "kommunenr": "kommunenummer",
}
GEOJSON_SUFFIXES = {".geojson", ".json"}
BOUNDARIES = resources.seed_dir() / "reference" / "municipalities.geojson"
# The shipped boundaries are simplified (~650 kB for the country): a point this close outside still counts
# (the same margin as the editing form's check, app/ingest/editing.py).
BOUNDARY_MARGIN_DEGREES = 0.02
OUTSIDE_SHOWN = 5  # features outside Norway named one by one; the rest are counted


def _describe(column: str | None, error: ErrorDetails) -> tuple[str, str]:
    """What a column expects and how to fix it, for a pydantic error the row model did not word itself."""
    spec = COLUMNS.get(column or "")
    if spec is None:
        return error["msg"], "correct the value"
    if error["type"] == "missing":
        return f"a value ({column} is required)", spec.fix
    return spec.expected, spec.fix


def _lookup(info: ValidationInfo) -> ReferenceLookup:
    """The reference data the row is validated against (``model_validate(..., context={"lookup": ...})``)."""
    if not info.context or "lookup" not in info.context:
        raise TypeError("CoworkingRow needs context={'lookup': ReferenceLookup}")
    return info.context["lookup"]


def _number_text(value: Any) -> Any:
    return number_text(value) if isinstance(value, str) else value


class CoworkingRow(BaseModel):
    """One validated row; ``context`` must hold the ``ReferenceLookup`` as ``lookup``."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kommunenummer: str
    seats: int | None = Field(None, ge=0)  # None: unknown (the list or the form did not say), not 0
    address: str | None = Field(None, max_length=300)
    postal_code: str | None = None
    latitude: float | None = Field(None, ge=57, le=72)
    longitude: float | None = Field(None, ge=4, le=32)
    cell_offices: int = Field(0, ge=0)
    meeting_rooms: int = Field(0, ge=0)
    price_day_nok: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    price_month_nok: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    price_note: str | None = None
    opening_hours: str | None = Field(None, max_length=300)
    facilities: list[str] = Field(default_factory=list)
    operator: str | None = Field(None, max_length=200)
    contact: str | None = Field(None, max_length=300)
    website: str | None = Field(None, max_length=300)
    status: Literal["active", "planned", "closed"] = "active"
    is_example: bool = False

    @field_validator("kommunenummer", mode="before")
    @classmethod
    def _known_municipality(cls, value: Any, info: ValidationInfo) -> str:
        text = leading_zero(str(value).strip())
        if not (text.isdigit() and len(text) == 4):
            raise problem_error(COLUMNS["kommunenummer"].expected, "write the 4-digit municipality number, e.g. 4622")
        if text not in _lookup(info).municipalities:
            raise problem_error(
                "a municipality number of the 2024 structure (e.g. 4618 Ullensvang, 4622 Kvam)",
                "this number is not a municipality in 2024 (merged or split municipalities got new "
                "numbers); correct it using seed/reference/municipalities.csv",
            )
        return text

    @field_validator("postal_code", mode="before")
    @classmethod
    def _known_postal_code(cls, value: Any, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        text = leading_zero(str(value).strip())
        if not (text.isdigit() and len(text) == 4):
            raise problem_error(COLUMNS["postal_code"].expected, COLUMNS["postal_code"].fix)
        if text not in _lookup(info).postal_to_municipality:
            raise problem_error("a postal code in Posten's register", "correct the postal code or leave the cell empty")
        return text

    @field_validator("latitude", "longitude", "price_day_nok", "price_month_nok", mode="before")
    @classmethod
    def _decimal_comma(cls, value: Any) -> Any:
        return _number_text(value)

    @field_validator("seats", "cell_offices", "meeting_rooms", mode="before")
    @classmethod
    def _whole_number(cls, value: Any) -> Any:
        text = _number_text(value)
        if isinstance(text, str) and re.fullmatch(r"[+-]?\d+(\.0+)?", text):
            return int(float(text))
        return text

    @field_validator("facilities", mode="before")
    @classmethod
    def _split_facilities(cls, value: Any) -> Any:
        if isinstance(value, str):
            items: list[str] = []
            for item in FACILITY_SEPARATORS.split(value):
                item = item.strip()
                if item and item not in items:
                    items.append(item)
            return items
        return value

    @field_validator("website")
    @classmethod
    def _http_address(cls, value: str | None) -> str | None:
        if value is not None and not WEBSITE.match(value):
            raise problem_error(COLUMNS["website"].expected, COLUMNS["website"].fix)
        return value

    @field_validator("status", mode="before")
    @classmethod
    def _status_lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("is_example", mode="before")
    @classmethod
    def _yes_no(cls, value: Any) -> bool:
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise problem_error(COLUMNS["is_example"].expected, COLUMNS["is_example"].fix)

    @model_validator(mode="after")
    def _both_coordinates(self) -> CoworkingRow:
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            raise problem_error(
                "both latitude and longitude, or neither",
                f"add the {missing}, or remove the other coordinate",
                column=missing,
            )
        return self

    def as_row(self) -> dict[str, Any]:
        return self.model_dump()


@dataclass
class CoworkingImportResult:
    status: str  # succeeded | unchanged
    inserted: int = 0
    updated: int = 0
    removed: int = 0
    warnings: list[str] = field(default_factory=list)
    batch_id: int | None = None
    file_name: str = ""
    rows: int = 0
    inferred: list[str] = field(default_factory=list)  # municipalities found from coordinates or postal codes
    # (row, name, kommunenummer, source: "coordinates" | "postal code") of each space whose municipality was inferred
    inferred_rows: list[tuple[int, str, str, str]] = field(default_factory=list)
    unknown_seats: int = 0  # spaces in the file without a number of seats (stored as NULL)

    def summary(self) -> str:
        if self.status == "unchanged":
            return (
                f"{self.file_name}: this exact file (same sha256) was the last coworking import; nothing "
                "changed. Use --replace to import it again."
            )
        unchanged = self.rows - self.inserted - self.updated
        text = (
            f"{self.file_name}: {self.rows} coworking spaces in the file — {self.inserted} new, "
            f"{self.updated} updated, {unchanged} unchanged"
        )
        text += f", {self.removed} removed (not in the file)." if self.removed else "."
        unknown = (
            [f"{self.unknown_seats} space(s) have unknown seats (stored as unknown, not 0)."]
            if self.unknown_seats
            else []
        )
        return " ".join([text, *self.inferred, *unknown])


def import_coworking(
    session: Session,
    path: Path,
    replace: bool = False,
    created_by: str | None = None,
    progress: Progress = no_progress,
) -> CoworkingImportResult:
    """Validate ``path`` and write its coworking spaces inside ``session``'s transaction.

    The caller commits. On any problem an ImportValidationError lists all of them and nothing
    has been written; ``record_failure`` logs the attempt afterwards (after a rollback).

    Args:
        replace: also delete spaces that are not in the file (the file becomes the inventory).

    Raises:
        ImportValidationError: the file cannot be read or does not validate.
    """
    path = Path(path)
    progress("read")
    # refuses a missing, binary or wrongly encoded file before anything else
    table = geojson_table(path) if path.suffix.lower() in GEOJSON_SUFFIXES else open_table(path)
    digest = sha256_of(path)
    if not replace and last_succeeded_sha256(session, KIND) == digest:
        batch = record_import(session, path, digest, KIND, "unchanged", created_by)
        return CoworkingImportResult("unchanged", batch_id=batch.id, file_name=path.name)

    progress("check", None, table.size_hint)
    rows, warnings, inferred, inferred_rows = _read_and_validate(session, table)
    progress("save")

    keys = {(r["kommunenummer"], r["name"]) for r in rows}
    existing = {
        (k, n): i
        for i, k, n in session.execute(select(CoworkingSpace.id, CoworkingSpace.kommunenummer, CoworkingSpace.name))
    }
    changed = _upsert(session, rows)
    inserted = len(keys - existing.keys())
    updated = changed - inserted

    removed = 0
    left_over = {key: i for key, i in existing.items() if key not in keys}
    if replace and left_over:
        session.execute(delete(CoworkingSpace).where(CoworkingSpace.id.in_(list(left_over.values()))))
        removed = len(left_over)
    elif left_over:
        examples = session.scalar(
            select(func.count())
            .select_from(CoworkingSpace)
            .where(CoworkingSpace.id.in_(list(left_over.values())), CoworkingSpace.is_example.is_(True))
        )
        if examples and not any(r["is_example"] for r in rows):
            warnings.append(
                f"{examples} example space(s) (is_example) from an earlier import are still in the "
                "database; import with --replace to keep only the spaces in this file."
            )

    report = [*inferred, *warnings]  # the batch's report keeps what was inferred
    batch = record_import(session, path, digest, KIND, "succeeded", created_by, rows=len(rows), warnings=report)
    session.expire_all()
    return CoworkingImportResult(
        "succeeded",
        inserted,
        updated,
        removed,
        warnings,
        batch.id,
        path.name,
        len(rows),
        inferred,
        inferred_rows,
        sum(1 for r in rows if r["seats"] is None),
    )


def is_current(session: Session, path: Path) -> bool:
    """Whether ``path`` is the file of the last succeeded coworking import (same sha256).

    ``fjernarbeid seed`` can use it to skip the example without recording an ``unchanged`` batch.
    """
    path = Path(path)
    return path.exists() and last_succeeded_sha256(session, KIND) == sha256_of(path)


def record_failure(session: Session, path: Path, error: Exception, created_by: str | None = None) -> None:
    """Log a failed coworking import (see ``app.ingest.batches``)."""
    record_failed_import(session, path, error, KIND, created_by)


# --- reading and validation ---------------------------------------------------------------


def _read_and_validate(
    session: Session, table: Table
) -> tuple[list[dict[str, Any]], list[str], list[str], list[tuple[int, str, str, str]]]:
    """The rows, the warnings, what was inferred (a sentence per source) and the rows it was inferred for
    ((row, name, kommunenummer, source))."""
    is_geojson = table.path.suffix.lower() in GEOJSON_SUFFIXES
    problems: Problems = FeatureProblems(table.path.name) if is_geojson else Problems(table.path.name)
    lookup = ReferenceLookup.load(session)

    table = dataclasses.replace(table, header=[ALIASES.get(" ".join(h.split()).casefold(), h) for h in table.header])
    columns = table.columns(problems, COLUMNS, _unknown_column)
    missing = [c for c in REQUIRED if c not in columns]
    for column in missing:
        problems.add(1, column, None, f"a column named {column} (required)", f"add a {column} column")

    context = {"lookup": lookup}
    rows: list[dict[str, Any]] = []
    first_row_of: dict[tuple[str, str], int] = {}
    padded = 0
    other_municipality: list[str] = []
    inferred: dict[str, list[str]] = {"coordinates": [], "postal code": []}
    inferred_rows: list[tuple[int, str, str, str]] = []
    no_seats: list[int] = []
    outside: list[tuple[int, str, str]] = []
    for number, cells in table.rows(problems):
        raw = columns.values(cells)
        columns.check_unnamed(number, cells, problems, "give the column a name from the list, or remove the value")
        if raw.get("kommunenummer") is None:
            found, source = _infer_municipality(raw, lookup)
            if source == "outside":
                outside.append((number, raw.get("name") or "", found or ""))
                continue
            if found is not None:
                raw["kommunenummer"] = found
                name = lookup.municipalities[found].name if found in lookup.municipalities else ""
                inferred[source].append(f"row {number} → {found} {name}".rstrip())
                inferred_rows.append((number, raw.get("name") or "", found, source))
            elif "kommunenummer" not in missing:
                problems.add(
                    number,
                    "kommunenummer",
                    None,
                    "a municipality number, or coordinates or a postal code to find it from",
                    "write the 4-digit municipality number (e.g. 4622), or the space's latitude and longitude",
                )
                continue
        if raw.get("seats") is None:
            no_seats.append(number)
        try:
            row = CoworkingRow.model_validate({k: v for k, v in raw.items() if v is not None}, context=context)
        except ValidationError as exc:
            reported = add_validation_error(problems, exc, _describe, number, raw, skip=missing)
            # pydantic skips the model-level pair check when a field failed; report it anyway
            if (raw.get("latitude") is None) != (raw.get("longitude") is None):
                absent = "longitude" if raw.get("longitude") is None else "latitude"
                if absent not in reported:
                    problems.add(
                        number,
                        absent,
                        None,
                        "both latitude and longitude, or neither",
                        f"add the {absent}, or remove the other coordinate",
                    )
            continue
        key = (row.kommunenummer, " ".join(row.name.split()).casefold())
        if key in first_row_of:
            problems.add(
                number,
                "name",
                row.name,
                "a name used once per municipality",
                f"the same space is on row {first_row_of[key]} for kommunenummer {row.kommunenummer}; "
                "remove one of the rows or give them different names",
            )
            continue
        first_row_of[key] = number
        padded += sum(1 for c in ("kommunenummer", "postal_code") if raw.get(c) and raw[c] != getattr(row, c))
        if row.postal_code and lookup.postal_to_municipality[row.postal_code] != row.kommunenummer:
            other_municipality.append(f"row {number}: {row.postal_code}")
        rows.append(row.as_row())

    _report_outside(problems, outside, is_geojson)
    if not rows and not problems:
        problems.add(
            None,
            None,
            None,
            "at least one coworking space row",
            "the file has a header but no data; add one row per space",
        )
    problems.raise_if_any()

    warnings: list[str] = []
    said: list[str] = []
    for source, places in inferred.items():
        if places:
            said.append(
                f"Municipality inferred from the {source} for {len(places)} space(s) without kommunenummer: "
                + ", ".join(places[:10])
                + (" …" if len(places) > 10 else "")
                + ". Check them, or add a kommunenummer column."
            )
    if no_seats:
        shown = ", ".join(str(n) for n in no_seats[:10]) + (" …" if len(no_seats) > 10 else "")
        warnings.append(
            f"{len(no_seats)} space(s) have unknown seats (rows {shown}): stored as unknown, not 0; totals of "
            "seats count them as spaces without a stated number. Add the number of seats where you know it."
        )
    if padded:
        warnings.append(
            f"{padded} municipality number(s) or postal code(s) had lost their leading zero "
            "(3 digits) and were read with it, e.g. 0301."
        )
    if other_municipality:
        warnings.append(
            "Postal code belongs to another municipality than kommunenummer (check the row): "
            + ", ".join(other_municipality[:10])
            + (" …" if len(other_municipality) > 10 else "")
        )
    examples = sum(1 for r in rows if r["is_example"])
    if examples:
        warnings.append(
            f"{examples} of {len(rows)} rows are marked is_example: invented example data, shown as "
            "such; replace them with real offers."
        )
    return rows, warnings, said, inferred_rows


class FeatureProblems(Problems):
    """Problems of a GeoJSON file: its rows are features, and the message says so."""

    def raise_if_any(self) -> None:
        try:
            super().raise_if_any()
        except ImportValidationError as exc:
            text = str(exc).replace(f"{self.file}, row ", f"{self.file}, feature ")
            raise ImportValidationError(text, problems=exc.problems) from None


def _report_outside(problems: Problems, outside: list[tuple[int, str, str]], is_geojson: bool) -> None:
    unit = "feature" if is_geojson else "row"
    expected = "coordinates in Norway (latitude 57–72° N, longitude 4–32° E, inside a Norwegian municipality)"
    fix = (
        "coordinates outside Norway: this list is not of Norwegian places, or latitude and longitude are swapped "
        "or have lost their sign; import only Norwegian spaces, or give each row its kommunenummer"
    )
    for number, name, where in outside[:OUTSIDE_SHOWN]:
        problems.add(number, "latitude, longitude", where, expected, fix + (f" ({name})" if name else ""))
    rest = outside[OUTSIDE_SHOWN:]
    if rest:
        numbers = ", ".join(str(n) for n, _, _ in rest[:20]) + (" …" if len(rest) > 20 else "")
        problems.add(
            None,
            "latitude, longitude",
            None,
            expected,
            f"{len(rest)} more {unit}s have coordinates outside Norway ({unit}s {numbers}); " + fix,
        )


def _infer_municipality(raw: dict[str, str | None], lookup: ReferenceLookup) -> tuple[str | None, str]:
    """A row's municipality from its coordinates, else its postal code: (number, source), (None, "") when
    neither tells, or (the coordinates as written, "outside") for a point outside Norway's municipalities."""
    latitude, longitude = _coordinate(raw.get("latitude")), _coordinate(raw.get("longitude"))
    if latitude is not None and longitude is not None:
        found = municipality_at(latitude, longitude)
        if found is None or found not in lookup.municipalities:
            return f"{raw.get('latitude')}, {raw.get('longitude')}", "outside"
        return found, "coordinates"
    postal = raw.get("postal_code")
    if postal is not None and latitude is None and longitude is None:
        found = lookup.postal_to_municipality.get(leading_zero(postal.strip()))
        if found is not None:
            return found, "postal code"
    return None, ""


def _coordinate(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(number_text(text))
    except ValueError:
        return None


def municipality_at(latitude: float, longitude: float) -> str | None:
    """The municipality (shipped boundaries, seed/reference/municipalities.geojson) whose area holds the
    point, or the nearest within ``BOUNDARY_MARGIN_DEGREES``; None outside Norway."""
    from shapely.geometry import Point

    if not (57 <= latitude <= 72 and 4 <= longitude <= 32):
        return None
    point = Point(longitude, latitude)
    areas = _boundaries()
    for number, (area, bounds) in areas.items():
        if bounds[0] <= longitude <= bounds[2] and bounds[1] <= latitude <= bounds[3] and area.contains(point):
            return number
    near = point.buffer(BOUNDARY_MARGIN_DEGREES)
    close = [(number, shape.distance(point)) for number, (shape, _) in _shapes().items() if shape.intersects(near)]
    return min(close, key=lambda c: c[1])[0] if close else None


@lru_cache(maxsize=1)
def _shapes() -> dict[str, Any]:
    from shapely.geometry import shape

    with BOUNDARIES.open(encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    return {f["properties"]["kommunenummer"]: shape(f["geometry"]) for f in features}


@lru_cache(maxsize=1)
def _boundaries() -> dict[str, tuple[Any, tuple[float, float, float, float]]]:
    from shapely.prepared import prep

    return {number: (prep(area), area.bounds) for number, area in _shapes().items()}


def geojson_table(path: Path) -> Table:
    """A GeoJSON FeatureCollection of points as a table: each feature a row (numbered from 1), its
    properties the columns, the point's coordinates latitude and longitude.

    Raises:
        ImportValidationError: not GeoJSON, or a geometry that is not a point.
    """
    fix = "export the list as GeoJSON (a FeatureCollection of Point features), or as CSV or .xlsx"
    check_text_limits(path, "GeoJSON file", fix)
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportValidationError(f"{path.name}: GeoJSON is UTF-8 text; this file is not. Fix: {fix}.") from None
    except json.JSONDecodeError as exc:
        raise ImportValidationError(
            f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). Fix: {fix}."
        ) from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
        raise ImportValidationError(f"{path.name}: not a GeoJSON FeatureCollection (no list of features). Fix: {fix}.")
    problems = FeatureProblems(path.name)
    header: list[str] = []
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            problems.add(number, "properties", None, "an object of properties", fix)
            continue
        for key in properties:
            if str(key) not in header:
                header.append(str(key))
        geometry = feature.get("geometry")
        if geometry is not None and (
            not isinstance(geometry, dict)
            or geometry.get("type") != "Point"
            or not isinstance(geometry.get("coordinates"), list)
            or len(geometry["coordinates"]) < 2
        ):
            kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
            problems.add(number, "geometry", kind, "a Point (one location per space)", "give each space one point")
    problems.raise_if_any()
    header += [c for c in ("latitude", "longitude") if c not in {h.strip().lower() for h in header}]

    def rows() -> Iterator[tuple[int, Cells]]:
        for number, feature in enumerate(features, start=1):
            properties = feature.get("properties") or {}
            cells: Cells = [_cell(properties.get(h)) for h in header]
            geometry = feature.get("geometry")
            if isinstance(geometry, dict):
                longitude, latitude = geometry["coordinates"][:2]
                cells[header.index("latitude")] = _cell(latitude)
                cells[header.index("longitude")] = _cell(longitude)
            yield number, cells

    return Table(path, header, "utf-8, GeoJSON", rows, size_hint=len(features))


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        value = "|".join(str(v) for v in value)
    text = str(value).strip()
    return text or None


def _unknown_column(name: str) -> tuple[str, str]:
    close = difflib.get_close_matches(name, COLUMNS, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    return "a known column: " + ", ".join(COLUMNS), f"{hint}rename or remove the column (see seed/coworking_README.md)"


# --- writing ------------------------------------------------------------------------------


def _upsert(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert new spaces, update changed ones and stamp their ``updated_at``; return how many of either."""
    return upsert(session, CoworkingSpace, rows, KEY, touch="updated_at")
