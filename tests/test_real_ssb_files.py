"""Every real SSB file in ``../shared/real/ssb`` (downloaded by people and committed to public
repositories; see the README there) is either imported with the stored numbers equal to the file's,
or refused with a message that names the file, the row, the column and the fix. None may crash.

The expected numbers are read from the raw files here, by this test's own small reader, not by the
importer's. A file added to the directory is covered by ``test_every_real_file_is_accepted_or_refused``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import MunicipalityStatistic, PopulationAgeSex, PopulationTotal
from app.errors import ImportValidationError
from app.ingest.ssb_import import import_ssb

REAL = Path(__file__).resolve().parents[2] / "shared" / "real" / "ssb"
FILES = sorted(p.name for p in REAL.iterdir() if p.is_file()) if REAL.is_dir() else []
absent = pytest.mark.skipif(not REAL.is_dir(), reason=f"{REAL} is absent (CI clones ../shared beside the checkout)")

# Tables the dashboard does not read: refused with their number (and title where the file has one).
NOT_READ = {
    "05803_Befolkning.csv": ("05803", "Endringer i befolkningen"),
    "13861.json": ("13861", "Lønnsfordelingen"),
    "Museumsbesok_SSB_09539_excel.csv": ("09539", "Museum og samlingar"),
    "Personerward2021.csv": ("10826", "Population, by region"),
}
# Files in the 2020 division with 1507 Ålesund (divided in 2024 into 1508 Ålesund and 1580 Haram) or,
# before 2020, Snillfjord and Tysfjord (divided in 2020): refused, then imported without those rows.
SPLIT = {
    "Personer2005-2009.csv": "Snillfjord",
    "Personer2019.csv": "Snillfjord",
    "Personer2021.csv": "1507 Ålesund",
    "norway_population_by_age_sex_2020.csv": "1507 Ålesund",
    "norway_population_by_age_sex_2023.csv": "1507 Ålesund",
    "download-07459_20220914-092711.json": "1507 Ålesund",
}
NO_NUMBER = {"Personer2005-2009.csv", "Personer2019.csv"}  # neither title nor name says 07459


def raw_text(name: str) -> str:
    data = (REAL / name).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def raw_rows(name: str) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a CSV download, found by this test's own rules (header: first line starting
    with a cell 'region' or 'år')."""
    lines = raw_text(name).splitlines()
    start = next(k for k, line in enumerate(lines) if re.match(r'^"?(region|år)"?[;,\t]', line))
    delimiter = next(d for d in ("\t", ";", ",") if d in lines[start])
    rows = list(csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=delimiter))
    return rows[0], [r for r in rows[1:] if r]


def municipality(label: str) -> str | None:
    match = re.match(r"^(?:K-)?(\d{4})\s", label)
    return match.group(1) if match else None


def _refused(db, name: str, table: str | None = None, **options) -> str:
    with pytest.raises(ImportValidationError) as caught:
        import_ssb(db, REAL / name, table, **options)
    message = str(caught.value)
    assert message.startswith(name), message
    assert "Fix:" in message, message
    assert "Traceback" not in message and "KeyError" not in message
    return message


class SharedImports:
    """Each file imported once, as ``import_ssb(db, file, None, leave_out_split=True)``, for the tests that read
    what that import wrote (``imported``), in a transaction of the module's own connection that is rolled back
    before another file's import and before any other test (a big file takes seconds: 2020 and 2023 by sex and
    age are imported once, not twice)."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.name: str | None = None
        self.connection = None
        self.transaction = None
        self.session: Session | None = None
        self.outcome: object = None

    def imported(self, name: str) -> tuple[Session, object]:
        """The session holding the import of ``name`` and its result (or the ``ImportValidationError``)."""
        if self.name != name:
            self.clear()
            self.connection = self.engine.connect()
            self.transaction = self.connection.begin()
            self.session = Session(bind=self.connection, join_transaction_mode="create_savepoint")
            try:
                self.outcome = import_ssb(self.session, REAL / name, None, leave_out_split=True)
            except ImportValidationError as error:
                self.outcome = error
            self.name = name
        assert self.session is not None
        return self.session, self.outcome

    def clear(self) -> None:
        if self.session is not None:
            self.session.close()
            self.transaction.rollback()
            self.connection.close()
        self.name = self.connection = self.transaction = self.session = self.outcome = None


@pytest.fixture(scope="module")
def shared_imports(engine):
    imports = SharedImports(engine)
    yield imports
    imports.clear()


@pytest.fixture(autouse=True)
def _a_shared_import_is_seen_only_by_its_readers(request, shared_imports):
    """Any test but a reader of the shared import starts from the seeded database (and waits for no lock)."""
    if "imported" not in request.fixturenames:
        shared_imports.clear()


@pytest.fixture
def imported(shared_imports, name) -> tuple[Session, object]:
    """``name`` imported with ``leave_out_split``: the session that holds it and the result or the refusal.
    Readers only read; their ``name`` is module-scoped, so pytest runs the readers of one file one after another."""
    return shared_imports.imported(name)


@absent
@pytest.mark.parametrize("name", FILES or ["(none)"], scope="module")
def test_every_real_file_is_accepted_or_refused(imported, name):
    """No file crashes: an import succeeds, or it is refused naming the file and a fix."""
    _db, result = imported
    if isinstance(result, ImportValidationError):
        message = str(result)
        assert message.startswith(name), message
        assert "Fix:" in message, message
        if name in NOT_READ:
            number, title = NOT_READ[name]
            assert f"SSB table {number} is not one the dashboard reads" in message, message
            assert title in message, message
            assert "07459 (population by sex and age)" in message and "11616" in message, message
            assert "--table" not in message, message  # never advice to import it as another table
        return
    assert name not in NOT_READ
    assert sum(result.written.values()) > 0


@absent
@pytest.mark.parametrize("name", sorted(SPLIT))
def test_a_municipality_divided_since_is_refused_naming_row_column_and_fix(db, name):
    table = "07459" if name in NO_NUMBER else None
    message = _refused(db, name, table)
    assert SPLIT[name] in message, message
    assert "divided on 1 January" in message, message
    assert "--leave-out-split" in message, message
    if name.endswith(".csv"):
        assert re.search(r"row \d+, column (Persons|Personer)", message), message
    else:
        assert "value " in message, message  # JSON-stat: the value's position and categories


@absent
@pytest.mark.parametrize("name", sorted(NO_NUMBER))
def test_no_table_number_asks_for_table(db, name):
    message = _refused(db, name)
    assert "does not say which SSB table" in message and "--table" in message and "07459" in message, message


@absent
def test_not_a_table_and_no_number_names_its_title_and_the_tables_read(db):
    message = _refused(db, "29843.json")
    assert "Index of production" in message, message
    assert "07459 (population by sex and age)" in message, message


def _totals(db, year: int, codes: set[str]) -> dict[str, int]:
    return dict(
        db.execute(
            select(PopulationTotal.kommunenummer, PopulationTotal.population).where(
                PopulationTotal.year == year, PopulationTotal.kommunenummer.in_(codes)
            )
        ).all()
    )


@absent
@pytest.mark.parametrize("name", ["Personer2021.csv"], scope="module")
def test_population_by_age_of_2021_in_the_2020_division(imported, name):
    """'K-3001 Halden' single ages 2021, English headings, title line, Windows-1252."""
    header, rows = raw_rows(name)
    assert header == ["region", "age", "Persons 2021"]
    halden = [int(r[2]) for r in rows if r[0] == "K-3001 Halden"]
    bergen_25_60 = sum(int(r[2]) for r in rows if r[0].startswith("K-4601 ") and 25 <= int(r[1].split()[0]) <= 60)
    db, result = imported
    assert len(halden) == 106
    assert _totals(db, 2021, {"3101"}) == {"3101": sum(halden)}
    assert db.get(MunicipalityStatistic, ("4601", "population_25_60", "2021-01-01")).value == bergen_25_60
    assert any("Halden 3001 → 3101 (2024)" in line for line in result.translated), result.translated
    assert any("1507 Ålesund" in line and "Left out" in line for line in result.translated), result.translated
    # every municipality of the file but 1507: the file's total
    by_code: dict[str, int] = {}
    for r in rows:
        code = municipality(r[0])
        if code and code != "1507" and not code.startswith(("21", "22", "23")):
            by_code[code] = by_code.get(code, 0) + int(r[2])
    assert stored_sum(db, 2021) == sum(by_code.values())


@absent
@pytest.mark.parametrize(
    "name", ["norway_population_by_age_sex_2020.csv", "norway_population_by_age_sex_2023.csv"], scope="module"
)
def test_population_by_sex_and_age_sex_as_a_column_or_in_the_heading(imported, name):
    header, rows = raw_rows(name)
    year = int(re.search(r"\d{4}", name).group())
    cells: dict[tuple[str, int, int], int] = {}
    for r in rows:
        code = municipality(r[0])
        if not code:
            continue
        if "sex" in header:
            cells[(code, 1 if r[1] == "Males" else 2, int(r[2].split()[0]))] = int(r[3])
        else:
            cells[(code, 1, int(r[1].split()[0]))] = int(r[2])
            cells[(code, 2, int(r[1].split()[0]))] = int(r[3])
    db, _result = imported
    stored = dict(
        ((code, sex, age), n)
        for code, sex, age, n in db.execute(
            select(
                PopulationAgeSex.kommunenummer, PopulationAgeSex.sex, PopulationAgeSex.age, PopulationAgeSex.population
            ).where(PopulationAgeSex.year == year, PopulationAgeSex.kommunenummer.in_(["3101", "4001", "5001"]))
        ).all()
    )
    for old, new in (("3001", "3101"), ("3806", "4001"), ("5001", "5001")):
        for sex in (1, 2):
            for age in (0, 17, 50, 105):
                assert stored[(new, sex, age)] == cells[(old, sex, age)], (old, sex, age)
    total = sum(n for (code, _, _), n in cells.items() if code != "1507")
    assert db.scalar(select(func.sum(PopulationAgeSex.population)).where(PopulationAgeSex.year == year)) == total


@absent
def test_older_divisions_are_translated_and_merged_municipalities_summed(db):
    """Tab-separated, Windows-1252, no title: 2005–2009 in the division of each year (0101 Halden,
    0709 Larvik and 0728 Lardal, merged in 2018 into Larvik, today 3909)."""
    name = "Personer2005-2009.csv"
    header, rows = raw_rows(name)
    assert header[:3] == ["region", "age", "Persons 2005"]
    column = header.index("Persons 2008")

    def total(code: str) -> int:
        return sum(int(r[column]) for r in rows if municipality(r[0]) == code)

    result = import_ssb(db, REAL / name, "07459", leave_out_split=True)
    assert _totals(db, 2008, {"3101", "3909", "1160"}) == {
        "3101": total("0101"),
        "3909": total("0709") + total("0728"),
        "1160": total("1160"),  # Vindafjord: 1154 and 1159 merged in 2006
    }
    assert any("merged into" in line for line in result.translated), result.translated


def total_of(rows: list[list[str]], column: int, codes: set[str]) -> int:
    return sum(int(r[column]) for r in rows if municipality(r[0]) in codes)


@absent
def test_2019_division_with_mergers_of_2020(db):
    """Comma-separated, no quotes, no title, 2019 codes: 1201 Bergen is 4601; Sund, Fjell and Øygarden are
    4626 Øygarden; Ålesund and the municipalities merged with it in 2020 go to 1508, Haram to 1580."""
    name = "Personer2019.csv"
    _, rows = raw_rows(name)
    import_ssb(db, REAL / name, "07459", leave_out_split=True)
    assert _totals(db, 2019, {"4601", "4626", "1508", "1580"}) == {
        "4601": total_of(rows, 2, {"1201"}),
        "4626": total_of(rows, 2, {"1245", "1246", "1259"}),
        "1508": total_of(rows, 2, {"1504", "1523", "1529", "1546"}),
        "1580": total_of(rows, 2, {"1534"}),
    }


@absent
@pytest.mark.parametrize("name", ["download-07459_20220914-092711.json"], scope="module")
def test_json_stat_2_with_k_codes(imported, name):
    data = json.loads(raw_text(name))
    codes = list(data["dimension"]["Region"]["category"]["index"])
    values = dict(zip(codes, data["value"], strict=True))
    db, _result = imported
    assert _totals(db, 2022, {"3101", "4622", "5501"}) == {
        "3101": values["K-3001"],
        "4622": values["K-4622"],
        "5501": values["K-5401"],
    }
    expected = sum(v for c, v in values.items() if v is not None and c != "K-1507" and not c.startswith("K-2"))
    assert stored_sum(db, 2022) == expected


def stored_sum(db, year: int) -> int:
    """Residents in a year, without 1508 Ålesund and 1580 Haram (the seed's, not the file's)."""
    return db.scalar(
        select(func.sum(PopulationTotal.population)).where(
            PopulationTotal.year == year, PopulationTotal.kommunenummer.not_in(["1508", "1580"])
        )
    )


@absent
def test_11616_commuters_in_the_2020_division(db):
    name = "SSB_11616_20220427-120901.csv"
    header, rows = raw_rows(name)
    result = import_ssb(db, REAL / name, None)
    assert result.table == "11616"
    measures = [
        "employed_by_residence_15_74",
        "in_commuters_15_74",
        "out_commuters_15_74",
        "employed_by_workplace_15_74",
    ]
    assert len(header) == 5 and all("2021" in h for h in header[1:])
    # Horten 3801 → 3901, Porsgrunn 3806 → 4001 (2024)
    horten = next(r for r in rows if r[0] == "3801 Horten")
    porsgrunn = next(r for r in rows if r[0] == "3806 Porsgrunn")
    for code, row in (("3901", horten), ("4001", porsgrunn)):
        for measure, value in zip(measures, row[1:], strict=True):
            assert db.get(MunicipalityStatistic, (code, measure, "2021-Q4")).value == int(value)
    for k, measure in enumerate(measures, start=1):
        assert db.scalar(
            select(func.sum(MunicipalityStatistic.value)).where(
                MunicipalityStatistic.measure == measure,
                MunicipalityStatistic.period == "2021-Q4",
                MunicipalityStatistic.source == "SSB 11616",
            )
        ) == sum(int(r[k]) for r in rows)


@absent
def test_names_only_from_pyjstat(db):
    """'Porsgrunn', 'Midt-Telemark' … 2007–2026: each name unique in its year's division (or, for a
    municipality formed later, in the first division that has it)."""
    name = "folketall_pyjstat_07459.csv"
    header, rows = raw_rows(name)
    assert header == ["region", "statistikkvariabel", "år", "value"]
    import_ssb(db, REAL / name, None)
    porsgrunn = {int(r[2]): int(r[3]) for r in rows if r[0] == "Porsgrunn"}
    midt = {int(r[2]): int(r[3]) for r in rows if r[0] == "Midt-Telemark"}
    for year in (2007, 2015, 2023, 2026):
        assert _totals(db, year, {"4001", "4020"}) == {"4001": porsgrunn[year], "4020": midt[year]}
    codes_2010 = db.scalar(
        select(func.sum(PopulationTotal.population)).where(
            PopulationTotal.year == 2010, PopulationTotal.kommunenummer.like("40%")
        )
    )
    assert codes_2010 == sum(int(r[3]) for r in rows if r[2] == "2010")


@absent
def test_cli_refuses_a_divided_municipality_then_leaves_it_out(database_url, monkeypatch, capsys):
    """``--leave-out-split`` is the fix the refusal names (the import is rolled back by the failure of the
    first call; the second writes the file's 2022 figures, which equal the seed's for these numbers)."""
    from app.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    path = REAL / "download-07459_20220914-092711.json"
    assert main(["import", "ssb", str(path)]) == 4
    assert "--leave-out-split" in capsys.readouterr().err
    assert main(["import", "ssb", str(path), "--leave-out-split"]) == 0
    out = capsys.readouterr().out
    assert "Halden 3001 → 3101 (2024)" in out and "Left out" in out, out


def test_an_ambiguous_name_is_refused_naming_it_and_a_repeated_cause_is_said_once(db, tmp_path):
    """Not a real file: 'Våler' was two municipalities in 2015 (Hedmark, Østfold); 'Bø' two until 2019."""
    path = tmp_path / "07459_names.csv"
    lines = ["region,statistikkvariabel,år,value", "Våler,Personer,2015,5000", "Bø,Personer,2019,2600"]
    lines += [f"Atlantis,Personer,{year},1" for year in range(2006, 2016)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportValidationError) as caught:
        import_ssb(db, path, None)
    message = str(caught.value)
    assert "'Våler'" in message and "0137 Våler (Østfold)" in message and "0426 Våler (Hedmark)" in message, message
    assert "'Bø'" in message and "column value" in message and "Fix:" in message, message
    assert message.count("'Atlantis'") == 1 and "the same cause 10 times: rows 4, 5, 6 …" in message, message
