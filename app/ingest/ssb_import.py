"""Bringing the SSB series the municipality pages show up to date from a file downloaded from SSB.

``fjernarbeid import ssb FILE --table NNNNN`` reads the file (``app/ingest/ssb_files.py``), checks
every cell and writes all of them or none. The cells in the file replace the stored figures for the
same municipality and period; figures the file does not cover are kept. Supported tables:

* **07459** population 1 January by region, sex and single year of age → ``population_age_sex``;
  where a municipality's year is complete (both sexes, ages 0–105+), also its total
  (``population_total``) and the age bands 15–74 and 25–60 (``municipality_statistic``). Without
  sex and age (both eliminated) it gives the totals only.
* **03321** employed persons by municipality of residence and of work, 4th quarter → ``commuting_flow``
  (a nil cell, ``-`` or 0, removes a stored flow).
* **11618** population 15–74 and employed persons by residence and by workplace, 4th quarter →
  ``municipality_statistic``.
* **06913** birth surplus and net migration by year → ``population_change``.
* **09429** percent of residents 16 and over by education level → ``education_level``.

Rows of the country, counties, Svalbard, Jan Mayen and the continental shelf are skipped; a
municipality number not in the current municipality list is refused (the file must use the current
regional division). Every attempt is an ``ImportBatch`` of kind ``ssb_NNNNN``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from app.db.models import (
    CommutingFlow,
    EducationLevel,
    Municipality,
    MunicipalityStatistic,
    PopulationAgeSex,
    PopulationChange,
    PopulationTotal,
)
from app.db.upsert import copy_upsert, upsert
from app.errors import ImportValidationError
from app.ingest.batches import record_failed_import, record_import, sha256_of
from app.ingest.municipal_changes import Divisions, Translation
from app.ingest.problems import Problems
from app.ingest.progress import Progress, no_progress
from app.ingest.ssb_files import Category, Cell, SsbFile, number, read_ssb_file

NOT_MUNICIPALITIES = ("21", "22", "23", "99")  # Svalbard, Jan Mayen, continental shelf, unknown
OLDEST_AGE = 105  # SSB's "105 years or older"
BANDS = {"population_15_74": (15, 74), "population_25_60": (25, 60)}
EDUCATION_LEVELS = {  # SSB 09429's codes, for a file that gives the levels by label only
    "grunnskoleniva": "01",
    "videregaendeskoleniva": "02a",
    "fagskoleniva": "11",
    "universitetsoghogskolenivakort": "03a",
    "universitetsoghogskolenivalang": "04a",
    "uoppgittelleringenfullfortutdanning": "09a",
}


@dataclass
class Checked:
    """What a table's cells become: rows per model, ready to write, and what was left out."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    removed_flows: list[tuple[int, str, str]] = field(default_factory=list)
    skipped_areas: int = 0
    missing_values: int = 0
    translated: list[str] = field(default_factory=list)  # what was translated to today's numbers, in words


@dataclass(frozen=True)
class SsbTable:
    number: str
    title: str
    required: tuple[str, ...]  # dimensions the file must have
    optional: tuple[str, ...]  # dimensions it may have
    area_dimensions: tuple[str, ...]
    check: Callable[[SsbFile, Checked, Problems, Callable[[Cell], float | None]], None]


@dataclass(frozen=True)
class SsbImportResult:
    table: str
    written: dict[str, int]
    changed: int
    skipped_areas: int
    missing_values: int
    unchanged_file: bool = False
    translated: tuple[str, ...] = ()

    def summary(self) -> str:
        if self.unchanged_file:
            return f"SSB {self.table}: this file was imported already; nothing changed."
        rows = ", ".join(f"{n} {table}" for table, n in self.written.items() if n) or "no rows"
        translated = "".join(f"\n{line}" for line in self.translated)
        return (
            f"SSB {self.table}: {rows} read; {self.changed} rows inserted or changed. "
            f"Skipped: {self.skipped_areas} cells of the country, counties and areas outside the municipalities, "
            f"{self.missing_values} cells without a value.{translated}"
        )


def import_ssb(
    session: Session,
    path: Path,
    table: str | None = None,
    created_by: str | None = None,
    progress: Progress = no_progress,
    leave_out_split: bool = False,
) -> SsbImportResult:
    """Validate ``path`` as SSB table ``table`` (or the table the file names) and write its cells.

    The caller commits; on a problem nothing has been written and ``record_failure`` logs the attempt.
    Municipality numbers of an older division are translated to today's (``municipal_changes``); the
    figures of a municipality split since are refused unless the file has the new numbers, or left out
    with ``leave_out_split``.

    Raises:
        ImportValidationError: unreadable file, another table than ``table``, an unsupported table,
            missing or extra dimensions, unknown municipalities, periods, ages or values.
    """
    path = Path(path)
    progress("read")
    ssb = read_ssb_file(path)
    spec = _table_spec(path.name, table, ssb)
    problems = Problems(path.name)
    _check_dimensions(ssb, spec, problems)
    problems.raise_if_any()
    divisions = Divisions(dict(session.execute(select(Municipality.kommunenummer, Municipality.name)).all()))
    checked = Checked()

    def value_of(cell: Cell) -> float | None:
        return _value(cell, problems, checked)

    _check_areas(ssb, spec, divisions, problems, checked, leave_out_split)
    spec.check(ssb, checked, problems, value_of)
    if not any(checked.rows.values()) and not checked.removed_flows and not problems:
        problems.add(
            None,
            None,
            None,
            "at least one municipality with a value",
            "select municipalities (not only the country or counties) and the periods you want",
        )
    problems.raise_if_any()
    progress("save")
    digest = sha256_of(path)
    changed = _write(session, checked)
    written = {name: len(rows) for name, rows in checked.rows.items()}
    record_import(session, path, digest, f"ssb_{spec.number}", "succeeded", created_by, rows=sum(written.values()))
    return SsbImportResult(
        spec.number,
        written,
        changed,
        checked.skipped_areas,
        checked.missing_values,
        translated=tuple(checked.translated),
    )


def record_failure(
    session: Session, path: Path, table: str | None, error: Exception, created_by: str | None = None
) -> None:
    """Log a failed SSB import (see ``app.ingest.batches``)."""
    record_failed_import(session, path, error, f"ssb_{table or 'unknown'}"[:40], created_by)


# --- checks shared by every table ---------------------------------------------------------------


def _table_spec(name: str, asked: str | None, ssb: SsbFile) -> SsbTable:
    stated = ssb.table
    number = asked or stated or (ssb.table_in_name if ssb.table_in_name in TABLES else None)
    if asked and stated and asked != stated:
        if stated not in TABLES:
            raise ImportValidationError(
                f"{name}: the file is SSB table {stated}, not {asked}. {_not_read(stated, ssb)}"
            )
        raise ImportValidationError(
            f"{name}: the file is SSB table {stated}, not {asked}. Fix: import it with --table {stated}, or download "
            f"table {asked}."
        )
    if number is None:
        fits = [t for t in TABLES.values() if set(t.required) <= set(ssb.dimensions)]
        if ssb.unknown or not fits:
            title = f" («{ssb.title}»)" if ssb.title else ""
            dimensions = ", ".join([*ssb.unknown, *(DIMENSION_WORDS.get(d, d) for d in ssb.dimensions)])
            raise ImportValidationError(
                f"{name}: the file does not say which SSB table it is{title}, and its dimensions ({dimensions}) are "
                f"not those of a table the dashboard reads. Fix: download one of the tables it reads: {_table_list()}."
            )
        raise ImportValidationError(
            f"{name}: the file does not say which SSB table it is. Fix: give it with --table, one of "
            f"{', '.join(t.number for t in fits)} ({_table_list(fits)})."
        )
    if number not in TABLES:
        raise ImportValidationError(f"{name}: {_not_read(number, ssb)}")
    return TABLES[number]


def _table_list(tables: list[SsbTable] | None = None) -> str:
    return "; ".join(f"{t.number} ({t.title})" for t in (tables or TABLES.values()))


def _not_read(number: str, ssb: SsbFile) -> str:
    return not_read(number, ssb.title)


def not_read(number: str, title: str | None) -> str:
    """The refusal of SSB table ``number`` (titled ``title``), which the dashboard does not read."""
    title = f" («{title}»)" if title else ""
    return (
        f"SSB table {number} is not one the dashboard reads{title}. Fix: the dashboard reads only these tables; "
        f"download the figures you need from one of them: {_table_list()}."
    )


def _check_dimensions(ssb: SsbFile, spec: SsbTable, problems: Problems) -> None:
    for dimension in spec.required:
        if dimension not in ssb.dimensions:
            problems.add(
                1,
                None,
                ", ".join(ssb.dimensions) or None,
                f"the dimension {DIMENSION_WORDS[dimension]} (table {spec.number} has "
                + ", ".join(DIMENSION_WORDS[d] for d in spec.required)
                + ")",
                f"download table {spec.number} with {DIMENSION_WORDS[dimension]} selected, not eliminated",
            )
    for dimension in ssb.dimensions:
        if dimension not in spec.required + spec.optional and len(ssb.categories(dimension)) > 1:
            problems.add(
                1,
                DIMENSION_WORDS.get(dimension, dimension),
                None,
                f"only the dimensions of table {spec.number}",
                f"download table {spec.number} itself, or choose a single category of {DIMENSION_WORDS[dimension]}",
            )
    for name in ssb.unknown:
        problems.add(
            1,
            name,
            None,
            f"a dimension of SSB table {spec.number}",
            f"download table {spec.number} itself (this dimension belongs to another table)",
        )


NOT_MUNICIPALITY_NAMES = {  # rows of a names-only file that are not municipalities (folded)
    "heilelandet", "helelandet", "landet", "norge", "norway", "wholecountry", "thewholecountry", "svalbard",
    "janmayen", "svalbardogjanmayen", "kontinentalsokkelen", "continentalshelf", "uoppgitt", "unknown", "ialt",
    "total", "ostfold", "akershus", "hedmark", "oppland", "buskerud", "vestfold", "telemark", "austagder",
    "vestagder", "rogaland", "hordaland", "sognogfjordane", "moreogromsdal", "sortrondelag", "nordtrondelag",
    "nordland", "troms", "finnmark", "viken", "innlandet", "vestfoldogtelemark", "agder", "vestland", "trondelag",
    "tromsogfinnmark", "romsa", "finnmarku",
}  # fmt: skip


@dataclass
class _Placed:
    """A cell with its municipalities as today's numbers."""

    cell: Cell
    codes: tuple[str, ...]  # today's number per area dimension
    sources: tuple[str, ...]  # the number the file has, per area dimension
    year: int | None
    translated: bool


def _check_areas(
    ssb: SsbFile,
    spec: SsbTable,
    divisions: Divisions,
    problems: Problems,
    checked: Checked,
    leave_out_split: bool = False,
) -> None:
    """Keep the cells of municipalities only, under today's numbers (``municipal_changes``): a renumbered
    municipality maps one to one, merged ones are summed, a split one is refused unless the file has the
    new numbers. A number that is no municipality of the cell's year or of today is a problem unless the
    cell has no value (SSB lists discontinued municipalities with '..' or '.')."""
    known = set(divisions.current)
    placed: list[_Placed] = []
    splits: list[tuple[Cell, tuple[str, ...], Translation]] = []
    renumbered: dict[tuple[str, str], Translation] = {}
    for cell in ssb.cells:
        year = _year(cell)
        codes: list[str] = []
        sources: list[str] = []
        translated = False
        split: Translation | None = None
        skip = False
        for dimension in spec.area_dimensions:
            category = cell.categories[dimension]
            code = _area_code(category)
            if code is None and category.code is None and not re.search(r"\d|^[A-Z]{1,3}-", category.label):
                code = _by_name(category.label, year, divisions, cell, problems, checked)
                if code is None:
                    skip = True
                    break
            if code is None or code.startswith(NOT_MUNICIPALITIES):
                checked.skipped_areas += 1
                skip = True
                break
            translation = divisions.translate(code, year) if year is not None else None
            if translation is not None and translation.changed:
                if len(translation.codes) > 1:
                    split = translation
                    codes.append(code)
                else:
                    codes.append(translation.codes[0])
                    renumbered[(code, translation.codes[0])] = translation
                translated = True
            else:
                codes.append(code)
            sources.append(code)
        if skip:
            continue
        if year is not None and _filler(cell, sources, divisions.division(year)):
            checked.missing_values += 1  # SSB writes 0 for a municipality in a year it did not exist
            continue
        if split is not None:
            splits.append((cell, tuple(sources), split))
            continue
        unknown = [code for code in codes if code not in known]
        if unknown:
            if _empty(cell):
                checked.missing_values += 1
            else:
                problems.add(
                    cell.row,
                    cell.column,
                    unknown[0],
                    "a municipality number of SSB's division in the figure's year (translated to the current regional "
                    "division) or of today's",
                    "download the table with SSB's own region codes (Statistikkbanken: 'Kommuner'), or remove the row",
                )
            continue
        placed.append(_Placed(cell, tuple(codes), tuple(sources), year, translated))
    direct: set[tuple] = set()
    kept = _combine(spec, divisions, placed, problems, checked, direct, splits)
    _check_splits(spec, divisions, splits, direct, problems, checked, leave_out_split)
    ssb.cells = list(kept.values())
    _describe(divisions, placed, renumbered, checked)


def _year(cell: Cell) -> int | None:
    category = cell.categories.get("time")
    match = re.match(r"(\d{4})", (category.code or category.label) if category else "")
    return int(match.group(1)) if match else None


def _filler(cell: Cell, sources: list[str], division: dict[str, str]) -> bool:
    """A 0 for a number that was no municipality in the cell's year: not a figure."""
    if all(source in division for source in sources):
        return False
    try:
        return number(cell.value) == 0
    except ValueError:
        return False


def _empty(cell: Cell) -> bool:
    try:
        return number(cell.value) is None
    except ValueError:
        return False


def _by_name(
    name: str, year: int | None, divisions: Divisions, cell: Cell, problems: Problems, checked: Checked
) -> str | None:
    """The number of a municipality the file names only (pyjstat exports): unique in the year's division."""
    from app.ingest.municipal_changes import fold

    codes, division_year = divisions.by_name(name, year or max(divisions.years))
    if len(codes) == 1:
        return codes.pop()
    if not codes and (fold(name) in NOT_MUNICIPALITY_NAMES or not fold(name)):
        checked.skipped_areas += 1
        return None
    if codes:
        names = ", ".join(f"{c} {divisions.division(division_year)[c]}" for c in sorted(codes))
        problems.add(
            cell.row,
            cell.column,
            name,
            f"a municipality name that is unique in {division_year}'s division (it names {names})",
            "download the table with municipality numbers (Statistikkbanken: 'kode og tekst'; pyjstat: keep the "
            "codes), or write the county in brackets, e.g. 'Våler (Østfold)'",
        )
    else:
        problems.add(
            cell.row,
            cell.column,
            name,
            "the name of a municipality of SSB's division in the figure's year or of today's",
            "download the table with municipality numbers (Statistikkbanken: 'kode og tekst')",
        )
    return None


def _others(cell: Cell, spec: SsbTable) -> tuple[tuple[str, Category], ...]:
    """The cell's categories other than its areas, by dimension name (a key the cells of one place share)."""
    return tuple((d, cell.categories[d]) for d in _other_dimensions(tuple(cell.categories), spec.area_dimensions))


@lru_cache(maxsize=64)
def _other_dimensions(dimensions: tuple[str, ...], areas: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(d for d in dimensions if d not in areas))


def _with_codes(cell: Cell, spec: SsbTable, codes: tuple[str, ...], value: str | None) -> Cell:
    areas = {d: Category(code, cell.categories[d].label) for d, code in zip(spec.area_dimensions, codes, strict=True)}
    return Cell({**cell.categories, **areas}, value, cell.row, cell.column)


def _combine(
    spec: SsbTable,
    divisions: Divisions,
    placed: list[_Placed],
    problems: Problems,
    checked: Checked,
    direct_keys: set[tuple],
    splits: list[tuple[Cell, tuple[str, ...], Translation]],
) -> dict[tuple, Cell]:
    """One cell per today's municipalities and other categories: the file's own when it has the number
    already (SSB's series in today's division), else the sum of the municipalities merged into it."""
    groups: dict[tuple, list[_Placed]] = defaultdict(list)
    for item in placed:
        groups[(item.codes, _others(item.cell, spec))].append(item)
    kept: dict[tuple, Cell] = {}
    for key, items in groups.items():
        direct = [item for item in items if not item.translated]
        if direct:
            for item in direct:
                kept.setdefault(key, _with_codes(item.cell, spec, item.codes, item.cell.value))
            direct_keys.add(key)
            continue
        first = items[0]
        receiver = next(
            (t for t in (divisions.split_into(first.year or 0).get(c) for c in first.codes) if t is not None), None
        )
        if receiver is not None:  # it got part of a divided municipality: the old figures do not add up to it
            splits.append((first.cell, first.sources, receiver))
            continue
        if len(items) == 1 and all(divisions.partners(source, first.year or 0) == {source} for source in first.sources):
            kept[key] = _with_codes(first.cell, spec, first.codes, first.cell.value)
            continue
        missing = _missing_partners(divisions, items, spec)
        if missing:
            problems.add(
                first.cell.row,
                first.cell.column,
                ", ".join(sorted({s for item in items for s in item.sources})),
                missing,
                "select every one of the municipalities merged since, or download the table with today's "
                "division (Statistikkbanken: the newest 'Kommuner' list)",
            )
            continue
        total = 0.0
        empty = False
        for item in items:
            try:
                value = number(item.cell.value)
            except ValueError:
                _value(item.cell, problems, checked)
                empty = True
                break
            if value is None:
                empty = True
            else:
                total += value
        kept[key] = _with_codes(first.cell, spec, first.codes, None if empty else _shown(total))
    return kept


def _shown(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _missing_partners(divisions: Divisions, items: list[_Placed], spec: SsbTable) -> str | None:
    year = items[0].year or 0
    for k, _dimension in enumerate(spec.area_dimensions):
        present = {item.sources[k] for item in items}
        expected: set[str] = set()
        for source in present:
            expected |= divisions.partners(source, year)
        if present < expected:
            division = divisions.division(year)
            target = items[0].codes[k]
            return (
                f"every municipality of {year} that is {target} {divisions.current.get(target, '')} today ("
                + ", ".join(f"{c} {division.get(c, '')}" for c in sorted(expected))
                + "), to sum them; the file lacks "
                + ", ".join(f"{c} {division.get(c, '')}" for c in sorted(expected - present))
            )
    return None


def _check_splits(
    spec: SsbTable,
    divisions: Divisions,
    splits: list[tuple[Cell, tuple[str, ...], Translation]],
    direct: set[tuple],
    problems: Problems,
    checked: Checked,
    leave_out_split: bool,
) -> None:
    """A figure of a municipality divided since cannot be shared out: the file's figures for the new numbers
    are used when it has them; otherwise the cell is refused (or left out with ``leave_out_split``)."""
    left_out: dict[str, int] = defaultdict(int)
    for cell, sources, translation in splits:
        others = _others(cell, spec)
        has_new = (
            any(any(code in key[0] for code in translation.codes) and key[1] == others for key in direct)
            if len(spec.area_dimensions) > 1
            else all(((code,), others) in direct for code in translation.codes)
        )
        if has_new or _empty(cell):
            if not has_new:
                checked.missing_values += 1
            continue
        split = translation.split
        assert split is not None
        news = " and ".join(f"{c} {divisions.current.get(c, '')}" for c in translation.codes)
        if leave_out_split:
            left_out[f"{split.old_code} {split.old_name} (divided {split.year} into {news})"] += 1
            continue
        area = spec.area_dimensions[sources.index(translation.code)] if translation.code in sources else None
        problems.add(
            cell.row,
            cell.column,
            " ".join(sources) if area is None else f"{translation.code} {cell.categories[area].label}",
            f"a municipality that still exists: {split.old_code} {split.old_name} was divided on 1 January "
            f"{split.year} into {news}, and its figure for {translation.year} cannot be shared out between them",
            "download the table with today's division (Statistikkbanken: the newest 'Kommuner' list), which has "
            "figures for the new municipalities, or leave these rows out (fjernarbeid import ssb --leave-out-split)",
        )
    for what, count in left_out.items():
        checked.translated.append(f"Left out: {count} cells of {what}; the file has no figures for the new ones.")


def _describe(
    divisions: Divisions, placed: list[_Placed], renumbered: dict[tuple[str, str], Translation], checked: Checked
) -> None:
    """The check step's words for what was translated: renumberings and how many municipalities were merged."""
    sources_of: dict[str, set[str]] = defaultdict(set)
    for item in placed:
        if item.translated:
            for source, code in zip(item.sources, item.codes, strict=True):
                sources_of[code].add(source)
    merged = {code: sources for code, sources in sources_of.items() if len(sources) > 1}
    one_to_one = sorted(
        (t for (source, code), t in renumbered.items() if code not in merged), key=lambda t: (t.codes[0], t.code)
    )
    if one_to_one:
        shown = ", ".join(
            f"{divisions.current.get(t.codes[0], '')} {t.code} → {t.codes[0]} ({t.steps[-1].year})"
            for t in one_to_one[:5]
        )
        more = f" and {len(one_to_one) - 5} more" if len(one_to_one) > 5 else ""
        checked.translated.append(f"Translated to today's municipality numbers: {shown}{more}.")
    if merged:
        count = sum(len(s) for s in merged.values())
        checked.translated.append(
            f"{count} municipalities merged into {len(merged)} (their figures summed), e.g. "
            + "; ".join(
                f"{', '.join(sorted(s))} → {c} {divisions.current.get(c, '')}" for c, s in list(merged.items())[:3]
            )
            + "."
        )


@lru_cache(maxsize=4096)
def _area_code(category: Category) -> str | None:
    """A region's 4-digit number ('K-4622' as SSB's API sometimes writes it → '4622'), or None."""
    match = re.fullmatch(r"(?:[A-Z]{1,3}-)?(\d{4})", category.code or "")
    return match.group(1) if match else None


def _value(cell: Cell, problems: Problems, checked: Checked) -> float | None:
    try:
        value = number(cell.value)
    except ValueError:
        problems.add(
            cell.row,
            cell.column,
            cell.value,
            "a number, or one of SSB's symbols (. .. ... : - x)",
            "download the table again without editing it",
        )
        return None
    if value is None:
        checked.missing_values += 1
    return value


def _period(cell: Cell, problems: Problems, quarter_ok: bool) -> int | None:
    """The year of the cell's period: '2026' or, for 4th-quarter tables, '2022K4'."""
    category = cell.categories["time"]
    text = category.code or category.label
    match = re.fullmatch(r"(\d{4})(K4)?", text.strip())
    if match and (quarter_ok or not match.group(2)):
        return int(match.group(1))
    problems.add(
        cell.row,
        cell.column,
        text,
        "a year such as 2026" + (" (or 2022K4)" if quarter_ok else ""),
        "choose whole years (for quarterly tables the 4th quarter)",
    )
    return None


def _whole(value: float, cell: Cell, problems: Problems, signed: bool = False) -> int | None:
    """``value`` as a whole number of persons (a change in persons when ``signed``)."""
    if value != int(value) or (value < 0 and not signed):
        problems.add(
            cell.row,
            cell.column,
            cell.value,
            "a whole number of persons" + ("" if signed else ", 0 or more"),
            "download the table again without editing it",
        )
        return None
    return int(value)


@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})
    return "".join(c for c in text.lower().translate(table) if c.isalnum())


# --- the tables ---------------------------------------------------------------------------------


def _population(ssb: SsbFile, checked: Checked, problems: Problems, value_of: Callable[[Cell], float | None]) -> None:
    by_sex = "sex" in ssb.dimensions
    by_age = "age" in ssb.dimensions
    if by_sex and not by_age:
        problems.add(
            1,
            None,
            ", ".join(ssb.dimensions),
            "both sex and age, or neither (or age alone)",
            "select both kjønn and alder (every single year), or leave both out for totals",
        )
        return
    complete: dict[tuple[str, int], dict[tuple[int, int], int]] = defaultdict(dict)
    for cell in ssb.cells:
        year = _period(cell, problems, quarter_ok=False)
        value = value_of(cell)
        if year is None or value is None:
            continue
        persons = _whole(value, cell, problems)
        if persons is None:
            continue
        municipality = cell.categories["region"].code or ""
        if not by_age:
            checked.rows["population_total"].append(
                {"kommunenummer": municipality, "year": year, "population": persons, "is_ssb_figure": True}
            )
            continue
        sex, age = (_sex(cell, problems) if by_sex else 0), _age(cell, problems)
        if sex is None or age is None:
            continue
        if by_sex:
            checked.rows["population_age_sex"].append(
                {"kommunenummer": municipality, "year": year, "sex": sex, "age": age, "population": persons}
            )
        complete[(municipality, year)][(sex, age)] = persons
    for (municipality, year), cells in complete.items():
        if len(cells) < (2 if by_sex else 1) * (OLDEST_AGE + 1):
            continue
        checked.rows["population_total"].append(
            {"kommunenummer": municipality, "year": year, "population": sum(cells.values()), "is_ssb_figure": True}
        )
        for measure, (low, high) in BANDS.items():
            checked.rows["municipality_statistic"].append(
                {
                    "kommunenummer": municipality,
                    "measure": measure,
                    "period": f"{year}-01-01",
                    "value": sum(n for (_, age), n in cells.items() if low <= age <= high),
                    "source": "SSB 07459",
                    "is_estimate": False,
                }
            )


def _sex(cell: Cell, problems: Problems) -> int | None:
    category = cell.categories["sex"]
    word = _fold(category.label)
    if category.code in {"1", "2"}:
        return int(category.code)
    if word in {"menn", "mann", "males", "male", "gutter"}:
        return 1
    if word in {"kvinner", "kvinne", "females", "female", "jenter"}:
        return 2
    problems.add(
        cell.row, cell.column, category.text, "men (1) or women (2)", "select Menn and Kvinner, not both sexes together"
    )
    return None


def _age(cell: Cell, problems: Problems) -> int | None:
    category = cell.categories["age"]
    text = category.text
    match = re.fullmatch(
        r"(\d{1,3})(\+)?(?:\s+(\d{1,3}\s+)?(?:år|years?)(?:\s+(?:eller\s+eldre|or\s+older))?)?(\s+år)?", text
    )
    if match:
        age = int(match.group(1))
        if age <= OLDEST_AGE:
            return age
    problems.add(
        cell.row,
        cell.column,
        text,
        f"a single year of age 0–{OLDEST_AGE} (105 meaning 105 or older)",
        "choose single years of age (alder: 1-årig), not age groups or all ages",
    )
    return None


def _commuting(ssb: SsbFile, checked: Checked, problems: Problems, value_of: Callable[[Cell], float | None]) -> None:
    for cell in ssb.cells:
        year = _period(cell, problems, quarter_ok=True)
        value = value_of(cell)
        if year is None or value is None:
            continue
        employed = _whole(value, cell, problems)
        home, work = cell.categories["home"].code or "", cell.categories["work"].code or ""
        if employed == 0:
            checked.removed_flows.append((year, home, work))
        elif employed is not None:
            checked.rows["commuting_flow"].append({"year": year, "home": home, "work": work, "employed": employed})


EMPLOYMENT_MEASURES = (  # words in a statistics variable of 11618 → our measure; the first match counts
    ("arbeidssted", "employed_by_workplace_15_74"),
    ("placeofwork", "employed_by_workplace_15_74"),
    ("workplace", "employed_by_workplace_15_74"),
    ("bosted", "employed_by_residence_15_74"),
    ("residence", "employed_by_residence_15_74"),
    ("prosent", None),
    ("percent", None),
    ("befolkning", "population_15_74"),
    ("personer", "population_15_74"),
    ("population", "population_15_74"),
)


def _employment(ssb: SsbFile, checked: Checked, problems: Problems, value_of: Callable[[Cell], float | None]) -> None:
    measures = _contents(ssb, problems, EMPLOYMENT_MEASURES, "population 15–74, employed by residence, by workplace")
    _quarterly_persons(ssb, checked, problems, value_of, measures, "SSB 11618")


def _quarterly_persons(
    ssb: SsbFile,
    checked: Checked,
    problems: Problems,
    value_of: Callable[[Cell], float | None],
    measures: dict[Category, str],
    source: str,
) -> None:
    """Persons per municipality, measure and year (as of the fourth quarter): 11618's and 11616's cells."""
    for cell in ssb.cells:
        measure = measures.get(cell.categories["contents"])
        year = _period(cell, problems, quarter_ok=True)
        value = value_of(cell)
        if measure is None or year is None or value is None:
            continue
        persons = _whole(value, cell, problems)
        if persons is not None:
            checked.rows["municipality_statistic"].append(
                {
                    "kommunenummer": cell.categories["region"].code,
                    "measure": measure,
                    "period": f"{year}-Q4",
                    "value": persons,
                    "source": source,
                    "is_estimate": False,
                }
            )


COMMUTER_MEASURES = (  # words in a statistics variable of 11616 → our measure; the first match counts
    ("pendlerinn", "in_commuters_15_74"),
    ("innpendl", "in_commuters_15_74"),
    ("commutinginto", "in_commuters_15_74"),
    ("incommut", "in_commuters_15_74"),
    ("pendlerut", "out_commuters_15_74"),
    ("utpendl", "out_commuters_15_74"),
    ("commutingoutof", "out_commuters_15_74"),
    ("outcommut", "out_commuters_15_74"),
    ("prosent", None),
    ("percent", None),
    ("arbeidssted", "employed_by_workplace_15_74"),
    ("workplace", "employed_by_workplace_15_74"),
    ("placeofwork", "employed_by_workplace_15_74"),
    ("bosatt", "employed_by_residence_15_74"),
    ("bosted", "employed_by_residence_15_74"),
    ("resid", "employed_by_residence_15_74"),
)


def _commuters(ssb: SsbFile, checked: Checked, problems: Problems, value_of: Callable[[Cell], float | None]) -> None:
    measures = _contents(
        ssb, problems, COMMUTER_MEASURES, "employed by residence, in-commuters, out-commuters, employed by workplace"
    )
    _quarterly_persons(ssb, checked, problems, value_of, measures, "SSB 11616")


CHANGE_MEASURES = (("fodselsoverskudd", "birth_surplus"), ("nettoinnflytting", "net_migration"))


def _population_change(
    ssb: SsbFile, checked: Checked, problems: Problems, value_of: Callable[[Cell], float | None]
) -> None:
    measures = _contents(ssb, problems, CHANGE_MEASURES, "Fødselsoverskudd and Nettoinnflytting", ignore_others=True)
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for cell in ssb.cells:
        measure = measures.get(cell.categories["contents"])
        if measure is None:
            continue
        year = _period(cell, problems, quarter_ok=False)
        value = value_of(cell)
        if year is None or value is None:
            continue
        persons = _whole(value, cell, problems, signed=True)
        municipality = cell.categories["region"].code or ""
        row = found.setdefault((municipality, year), {"kommunenummer": municipality, "year": year, "cell": cell})
        row[measure] = persons
    for row in found.values():
        cell = row.pop("cell")
        missing = [m for _, m in CHANGE_MEASURES if row.get(m) is None]
        if missing:
            problems.add(
                cell.row,
                cell.column,
                None,
                f"both birth surplus and net migration for {row['kommunenummer']} in {row['year']}",
                "select both statistikkvariabler (Fødselsoverskudd, Nettoinnflytting inkl. inn- og utvandring)",
            )
        else:
            checked.rows["population_change"].append(row)


def _education(ssb: SsbFile, checked: Checked, problems: Problems, value_of: Callable[[Cell], float | None]) -> None:
    percent = {c for c in ssb.categories("contents") if "prosent" in _fold(f"{c.code or ''}{c.label}")}
    if "contents" in ssb.dimensions and not percent:
        problems.add(
            1,
            "statistikkvariabel",
            ", ".join(sorted(c.label for c in ssb.categories("contents"))),
            "the share in percent of residents 16 years and over",
            "select the statistikkvariabel in percent (prosent), not the number of persons",
        )
        return
    for cell in ssb.cells:
        if "contents" in ssb.dimensions and cell.categories["contents"] not in percent:
            continue
        year = _period(cell, problems, quarter_ok=False)
        level = _education_level(cell, problems)
        value = value_of(cell)
        if year is None or level is None or value is None:
            continue
        if not 0 <= value <= 100:
            problems.add(cell.row, cell.column, cell.value, "a percent from 0 to 100", "select the percent variable")
            continue
        checked.rows["education_level"].append(
            {"kommunenummer": cell.categories["region"].code, "year": year, "percent": value, **level}
        )


def _education_level(cell: Cell, problems: Problems) -> dict[str, str] | None:
    category = cell.categories["level"]
    code = category.code if category.code and re.fullmatch(r"\d{2}[a-z]?", category.code) else None
    code = code or EDUCATION_LEVELS.get(_fold(category.label))
    if code is None:
        problems.add(
            cell.row,
            cell.column,
            category.text,
            "an education level of table 09429 (01, 02a, 11, 03a, 04a, 09a)",
            "download table 09429 with its own levels",
        )
        return None
    return {"level": code, "label": category.label[:100]}


def _contents(
    ssb: SsbFile,
    problems: Problems,
    words: tuple[tuple[str, str | None], ...],
    wanted: str,
    ignore_others: bool = False,
) -> dict[Category, str]:
    """Our measure for each statistics variable in the file, found by the words in its label."""
    measures: dict[Category, str] = {}
    for category in ssb.categories("contents"):
        folded = _fold(f"{category.label} {category.code or ''}")
        match = next((measure for word, measure in words if word in folded), "")
        if match:
            measures[category] = match
        elif match == "" and not ignore_others:
            problems.add(
                1,
                "statistikkvariabel",
                category.text,
                f"one of the table's statistics variables ({wanted})",
                "download the table with its own statistikkvariabler",
            )
    if not measures and not problems:
        problems.add(1, "statistikkvariabel", None, wanted, "select these statistikkvariabler in the download")
    return measures


DIMENSION_WORDS = {
    "region": "region",
    "home": "bostedskommune",
    "work": "arbeidsstedskommune",
    "sex": "kjønn",
    "age": "alder",
    "level": "nivå",
    "contents": "statistikkvariabel",
    "time": "år",
}
TABLES = {
    t.number: t
    for t in (
        SsbTable(
            "07459",
            "population by sex and age",
            ("region", "time"),
            ("sex", "age", "contents"),
            ("region",),
            _population,
        ),
        SsbTable("03321", "commuting", ("home", "work", "time"), ("contents",), ("home", "work"), _commuting),
        SsbTable("11618", "employment", ("region", "contents", "time"), (), ("region",), _employment),
        SsbTable(
            "11616",
            "employed persons by residence and workplace, in- and out-commuters",
            ("region", "contents", "time"),
            (),
            ("region",),
            _commuters,
        ),
        SsbTable("06913", "population change", ("region", "contents", "time"), (), ("region",), _population_change),
        SsbTable("09429", "education", ("region", "level", "time"), ("contents",), ("region",), _education),
    )
}


# --- writing --------------------------------------------------------------------------------------


MODELS: dict[str, tuple[Any, list[str]]] = {
    "population_age_sex": (PopulationAgeSex, ["kommunenummer", "year", "sex", "age"]),
    "population_total": (PopulationTotal, ["kommunenummer", "year"]),
    "municipality_statistic": (MunicipalityStatistic, ["kommunenummer", "measure", "period"]),
    "commuting_flow": (CommutingFlow, ["year", "home", "work"]),
    "population_change": (PopulationChange, ["kommunenummer", "year"]),
    "education_level": (EducationLevel, ["kommunenummer", "year", "level"]),
}


def _write(session: Session, checked: Checked) -> int:
    changed = 0
    for name, rows in checked.rows.items():
        model, keys = MODELS[name]
        unique = list({tuple(row[k] for k in keys): row for row in rows}.values())
        write = copy_upsert if len(unique) > 5000 else upsert
        changed += write(session, model, unique, keys)
    for start in range(0, len(checked.removed_flows), 5000):
        chunk = checked.removed_flows[start : start + 5000]
        result = session.execute(
            delete(CommutingFlow).where(tuple_(CommutingFlow.year, CommutingFlow.home, CommutingFlow.work).in_(chunk))
        )
        changed += result.rowcount or 0  # type: ignore[attr-defined]
    return changed
