"""`fjernarbeid import coworking`: every row validated, every problem reported, all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from app.db.models import CoworkingSpace, ImportBatch
from app.errors import ImportValidationError
from app.ingest.coworking_import import import_coworking, is_current, record_failure
from app.ingest.reference_lookup import ReferenceLookup

EXAMPLE = Path(__file__).resolve().parents[1] / "seed" / "coworking_example.csv"
HARDANGER = {"4618", "4619", "4620", "4622"}

HEADER = [
    "name",
    "kommunenummer",
    "seats",
    "postal_code",
    "latitude",
    "longitude",
    "price_day_nok",
    "status",
    "website",
    "is_example",
]
GOOD = {
    "name": "Testkontor Norheimsund",
    "kommunenummer": "4622",
    "seats": "10",
    "postal_code": "5600",
    "latitude": "60.37",
    "longitude": "6.14",
    "price_day_nok": "150",
    "status": "active",
    "website": "https://example.no",
    "is_example": "false",
}
OTHER = {
    **GOOD,
    "name": "Testkontor Odda",
    "kommunenummer": "4618",
    "postal_code": "5750",
    "latitude": "60.07",
    "longitude": "6.55",
}


@pytest.fixture(autouse=True)
def no_spaces(db):
    """Each test starts from an empty inventory (the seed may have loaded the example)."""
    db.execute(CoworkingSpace.__table__.delete())
    db.execute(ImportBatch.__table__.delete().where(ImportBatch.kind == "coworking"))


def write(tmp_path, rows, header=HEADER, name="spaces.csv", sep=",", encoding="utf-8"):
    path = tmp_path / name
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=sep)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(h, "") for h in header] if isinstance(row, dict) else row)
    return path


def problems_of(db, path, **kwargs) -> list[dict]:
    with pytest.raises(ImportValidationError) as caught:
        import_coworking(db, path, **kwargs)
    return caught.value.problems


def spaces(db) -> dict[str, CoworkingSpace]:
    return {s.name: s for s in db.scalars(select(CoworkingSpace))}


def batches(db) -> list[tuple[str, int | None]]:
    return db.execute(
        select(ImportBatch.status, ImportBatch.row_count)
        .where(ImportBatch.kind == "coworking")
        .order_by(ImportBatch.id)
    ).all()


# --- the example inventory ------------------------------------------------------------------


def test_the_example_file_imports_every_row_as_example_data(db):
    with EXAMPLE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert 4 <= len(rows) <= 8

    result = import_coworking(db, EXAMPLE)

    assert result.status == "succeeded"
    assert (result.inserted, result.updated, result.removed) == (len(rows), 0, 0)
    loaded = spaces(db)
    assert len(loaded) == len(rows)
    assert all(s.is_example for s in loaded.values())
    assert all(s.name.startswith("Eksempel") for s in loaded.values())
    assert all(s.price_note == "Eksempeldata – erstatt med reelle tilbud" for s in loaded.values())
    assert all(s.website is None for s in loaded.values())
    assert {s.kommunenummer for s in loaded.values()} == HARDANGER
    lookup = ReferenceLookup.load(db)
    assert all(lookup.postal_to_municipality[s.postal_code] == s.kommunenummer for s in loaded.values())
    assert batches(db) == [("succeeded", len(rows))]
    assert "is_example" in " ".join(result.warnings)


def test_all_columns_are_stored_with_their_types(db, tmp_path):
    header = [
        "Name",
        "KOMMUNENUMMER",
        "Seats",
        "address",
        "postal_code",
        "latitude",
        "longitude",
        "cell_offices",
        "meeting_rooms",
        "price_day_nok",
        "price_month_nok",
        "price_note",
        "opening_hours",
        "facilities",
        "operator",
        "contact",
        "website",
        "status",
        "is_example",
    ]
    row = [
        "Testhuset",
        "4620",
        "8",
        "Testvegen 1",
        "5730",
        "60,57",
        "6,92",
        "2",
        "1",
        "150,50",
        "1 500",
        "inkl. kaffi",
        "07–22",
        "wifi | kaffi|møterom|wifi",
        "Testlag",
        "post@example.no",
        "https://example.no/kontor",
        "Planned",
        "ja",
    ]
    import_coworking(db, write(tmp_path, [row], header=header))

    space = spaces(db)["Testhuset"]
    assert (space.kommunenummer, space.address, space.postal_code) == ("4620", "Testvegen 1", "5730")
    assert (space.latitude, space.longitude) == (60.57, 6.92)
    assert (space.seats, space.cell_offices, space.meeting_rooms) == (8, 2, 1)
    assert (space.price_day_nok, space.price_month_nok) == (Decimal("150.50"), Decimal("1500"))
    assert space.facilities == ["wifi", "kaffi", "møterom"]
    assert (space.status, space.is_example, space.website) == ("planned", True, "https://example.no/kontor")


def test_optional_columns_may_be_left_out_and_get_defaults(db, tmp_path):
    path = write(tmp_path, [["Minimalt kontor", "4619", "4"]], header=["name", "kommunenummer", "seats"])
    import_coworking(db, path)
    space = spaces(db)["Minimalt kontor"]
    assert (space.status, space.is_example, space.cell_offices, space.facilities) == ("active", False, 0, [])
    assert space.latitude is None and space.postal_code is None


def test_a_three_digit_municipality_number_gets_its_leading_zero_back(db, tmp_path):
    result = import_coworking(db, write(tmp_path, [{**GOOD, "kommunenummer": "301", "postal_code": ""}]))
    assert spaces(db)["Testkontor Norheimsund"].kommunenummer == "0301"
    assert any("leading zero" in w for w in result.warnings)


# --- validation: each rule names row, column and value ----------------------------------------


@pytest.mark.parametrize(
    ("cells", "column", "value"),
    [
        ({"kommunenummer": "1201"}, "kommunenummer", "1201"),  # Bergen's number before 2020
        ({"kommunenummer": "46x2"}, "kommunenummer", "46x2"),
        ({"postal_code": "9999"}, "postal_code", "9999"),
        ({"postal_code": "56"}, "postal_code", "56"),
        ({"latitude": "50.1"}, "latitude", "50.1"),
        ({"latitude": "60.37", "longitude": "45"}, "longitude", "45"),
        ({"latitude": "60.37", "longitude": ""}, "longitude", None),  # both or neither
        ({"latitude": "nord"}, "latitude", "nord"),
        ({"seats": "-3"}, "seats", "-3"),
        ({"seats": "2.5"}, "seats", "2.5"),
        ({"name": ""}, "name", None),
        ({"price_day_nok": "-10"}, "price_day_nok", "-10"),
        ({"price_day_nok": "kr 150"}, "price_day_nok", "kr 150"),
        ({"status": "open"}, "status", "open"),
        ({"website": "www.example.no"}, "website", "www.example.no"),
        ({"website": "ftp://example.no"}, "website", "ftp://example.no"),
        ({"is_example": "kanskje"}, "is_example", "kanskje"),
    ],
)
def test_a_bad_cell_is_reported_with_row_column_value_and_fix(db, tmp_path, cells, column, value):
    path = write(tmp_path, [GOOD, {**OTHER, **cells}])
    problems = problems_of(db, path)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem["file"], problem["row"], problem["column"], problem["value"]) == ("spaces.csv", 3, column, value)
    assert problem["expected"] and problem["fix"]


def test_swapped_coordinates_are_reported_on_both_columns_with_a_hint(db, tmp_path):
    problems = problems_of(db, write(tmp_path, [{**GOOD, "latitude": "6.14", "longitude": "60.37"}]))
    assert [(p["row"], p["column"], p["value"]) for p in problems] == [
        (2, "latitude", "6.14"),
        (2, "longitude", "60.37"),
    ]
    assert all("swapped" in p["fix"] for p in problems)


def test_an_unknown_municipality_says_what_is_expected(db, tmp_path):
    (problem,) = problems_of(db, write(tmp_path, [{**GOOD, "kommunenummer": "9999"}]))
    assert "2024" in problem["expected"] and "municipalities.csv" in problem["fix"]


def test_the_same_name_twice_in_one_municipality_is_a_problem(db, tmp_path):
    path = write(tmp_path, [GOOD, OTHER, {**GOOD, "name": "testkontor  Norheimsund", "seats": "3"}])
    (problem,) = problems_of(db, path)
    assert (problem["row"], problem["column"], problem["value"]) == (4, "name", "testkontor  Norheimsund")
    assert "row 2" in problem["fix"]


def test_the_same_name_in_two_municipalities_is_allowed(db, tmp_path):
    import_coworking(db, write(tmp_path, [GOOD, {**OTHER, "name": GOOD["name"]}]))
    assert db.scalar(select(func.count()).select_from(CoworkingSpace)) == 2


def test_an_unknown_column_is_reported_on_the_header_row(db, tmp_path):
    path = write(tmp_path, [[*GOOD.values(), "blå"]], header=[*HEADER, "colour"])
    (problem,) = problems_of(db, path)
    assert (problem["row"], problem["column"]) == (1, "colour")


def test_a_misspelt_column_gets_a_suggestion(db, tmp_path):
    header = [h if h != "longitude" else "longtitude" for h in HEADER]
    problems = problems_of(db, write(tmp_path, [GOOD], header=header))
    unknown = next(p for p in problems if p["column"] == "longtitude")
    assert unknown["row"] == 1 and "longitude" in unknown["fix"]


def test_a_missing_required_column_is_reported_once_not_per_row(db, tmp_path):
    header = [h for h in HEADER if h != "name"]
    problems = problems_of(db, write(tmp_path, [GOOD, OTHER], header=header))
    assert [(p["row"], p["column"]) for p in problems] == [(1, "name")]


def test_a_file_with_only_a_header_is_a_problem(db, tmp_path):
    (problem,) = problems_of(db, write(tmp_path, []))
    assert problem["row"] is None and "at least one" in problem["expected"]


def test_an_empty_file_is_refused(db, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(ImportValidationError, match="empty"):
        import_coworking(db, path)


def test_every_problem_in_the_file_is_reported_at_once(db, tmp_path):
    path = write(
        tmp_path,
        [
            {**GOOD, "seats": "-1", "longitude": ""},
            {**OTHER, "status": "open", "website": "example.no"},
            {**GOOD, "name": "Tredje", "kommunenummer": "9999"},
        ],
    )
    problems = problems_of(db, path)
    assert {(p["row"], p["column"]) for p in problems} == {
        (2, "seats"),
        (2, "longitude"),
        (3, "status"),
        (3, "website"),
        (4, "kommunenummer"),
    }


# --- all or nothing, idempotence, replace ----------------------------------------------------


def test_one_bad_row_means_nothing_is_written(db, tmp_path):
    import_coworking(db, write(tmp_path, [GOOD], name="first.csv"))
    before = {n: s.seats for n, s in spaces(db).items()}
    path = write(tmp_path, [{**GOOD, "seats": "99"}, {**OTHER, "name": "Nytt"}, {**OTHER, "seats": "-1"}])

    problems_of(db, path)

    assert {n: s.seats for n, s in spaces(db).items()} == before
    assert batches(db) == [("succeeded", 1)]


def test_a_failed_import_can_be_recorded(db, tmp_path):
    path = write(tmp_path, [{**GOOD, "seats": "-1"}])
    with pytest.raises(ImportValidationError) as caught:
        import_coworking(db, path)
    record_failure(db, path, caught.value, created_by="tester")
    batch = db.scalar(select(ImportBatch).where(ImportBatch.kind == "coworking"))
    assert (batch.status, batch.file_name, batch.created_by) == ("failed", "spaces.csv", "tester")
    assert batch.error_report[0]["column"] == "seats"


def test_the_same_file_twice_is_unchanged(db, tmp_path):
    path = write(tmp_path, [GOOD, OTHER])
    first = import_coworking(db, path)
    second = import_coworking(db, path)

    assert is_current(db, path)
    assert (first.status, first.inserted) == ("succeeded", 2)
    assert (second.status, second.inserted, second.updated, second.removed) == ("unchanged", 0, 0, 0)
    assert "nothing changed" in second.summary()
    assert [s for s, _ in batches(db)] == ["succeeded", "unchanged"]
    assert len(spaces(db)) == 2


def test_a_changed_file_updates_only_the_changed_spaces(db, tmp_path):
    import_coworking(db, write(tmp_path, [GOOD, OTHER], name="v1.csv"))
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    db.execute(update(CoworkingSpace).values(updated_at=long_ago))

    path = write(tmp_path, [{**GOOD, "seats": "20"}, OTHER], name="v2.csv")
    assert not is_current(db, path)
    result = import_coworking(db, path)

    assert (result.status, result.inserted, result.updated, result.removed) == ("succeeded", 0, 1, 0)
    loaded = spaces(db)
    assert loaded[GOOD["name"]].seats == 20
    assert loaded[GOOD["name"]].updated_at > long_ago
    assert loaded[OTHER["name"]].updated_at == long_ago


def test_without_replace_spaces_missing_from_the_file_stay(db, tmp_path):
    import_coworking(db, write(tmp_path, [GOOD, OTHER], name="all.csv"))
    result = import_coworking(db, write(tmp_path, [GOOD], name="one.csv"))
    assert result.removed == 0
    assert set(spaces(db)) == {GOOD["name"], OTHER["name"]}


def test_replace_removes_spaces_not_in_the_file(db, tmp_path):
    import_coworking(db, EXAMPLE)
    import_coworking(db, write(tmp_path, [GOOD, OTHER], name="all.csv"))

    result = import_coworking(db, write(tmp_path, [OTHER], name="real.csv"), replace=True)

    assert result.removed == 7 + 1
    assert set(spaces(db)) == {OTHER["name"]}


def test_replace_imports_the_same_file_again(db, tmp_path):
    path = write(tmp_path, [GOOD])
    import_coworking(db, path)
    import_coworking(db, EXAMPLE)
    result = import_coworking(db, path, replace=True)
    assert result.status == "succeeded" and set(spaces(db)) == {GOOD["name"]}


# --- file formats -----------------------------------------------------------------------------


def test_a_windows_1252_semicolon_file_with_norwegian_letters_imports(db, tmp_path):
    rows = [
        {
            **GOOD,
            "name": "Kontorfellesskapet på Øystese",
            "postal_code": "5610",
            "latitude": "60,39",
            "longitude": "6,20",
            "price_day_nok": "125,50",
        },
        {
            **OTHER,
            "name": "Æsjbua i Ålvik",
            "kommunenummer": "4622",
            "postal_code": "5614",
            "latitude": "60,43",
            "longitude": "6,42",
        },
    ]
    path = write(tmp_path, rows, sep=";", encoding="cp1252")
    assert b";" in path.read_bytes() and "Ø".encode("cp1252") in path.read_bytes()

    result = import_coworking(db, path)

    assert result.inserted == 2
    loaded = spaces(db)
    assert set(loaded) == {"Kontorfellesskapet på Øystese", "Æsjbua i Ålvik"}
    space = loaded["Kontorfellesskapet på Øystese"]
    assert (space.latitude, space.price_day_nok) == (60.39, Decimal("125.50"))


def test_an_xlsx_file_with_numeric_cells_imports(db, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Kommunenummer", "Seats", "Postal_code", "Latitude", "Longitude", "Facilities", "Is_example"])
    sheet.append(["Kontor i Eidfjord", 4619, 6, 5783, 60.47, 7.07, "wifi|kaffi", False])
    sheet.append(["Kontor i Ulvik", 4620, 8.0, 5730, 60.57, 6.92, None, True])
    path = tmp_path / "spaces.xlsx"
    workbook.save(path)

    result = import_coworking(db, path)

    assert result.inserted == 2
    loaded = spaces(db)
    assert (loaded["Kontor i Eidfjord"].kommunenummer, loaded["Kontor i Eidfjord"].seats) == ("4619", 6)
    assert loaded["Kontor i Eidfjord"].facilities == ["wifi", "kaffi"]
    assert (loaded["Kontor i Ulvik"].postal_code, loaded["Kontor i Ulvik"].is_example) == ("5730", True)


def test_an_xlsx_file_reports_spreadsheet_row_numbers(db, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "kommunenummer", "seats"])
    sheet.append(["Godt kontor", 4622, 4])
    sheet.append(["Dårleg kontor", 4622, -4])
    path = tmp_path / "spaces.xlsx"
    workbook.save(path)

    (problem,) = problems_of(db, path)
    assert (problem["file"], problem["row"], problem["column"], problem["value"]) == ("spaces.xlsx", 3, "seats", "-4")


def test_a_list_without_seats_stores_them_as_unknown_and_says_so(db, tmp_path):
    """Seats unknown is NULL, never 0 (migration 0016): a list with no seats column, and a row with an empty cell."""
    path = write(
        tmp_path,
        [["Utan plassar", "4622"], ["Òg utan", "4618"]],
        header=["name", "kommunenummer"],
        name="no_seats.csv",
    )
    result = import_coworking(db, path)
    stored = spaces(db)
    assert {name: s.seats for name, s in stored.items()} == {"Utan plassar": None, "Òg utan": None}
    assert result.unknown_seats == 2
    assert "2 space(s) have unknown seats (stored as unknown, not 0)" in result.summary()
    assert any("2 space(s) have unknown seats (rows 2, 3)" in w for w in result.warnings)

    mixed = write(tmp_path, [GOOD, {**OTHER, "seats": ""}], name="mixed.csv")
    result = import_coworking(db, mixed, replace=True)
    assert {n: s.seats for n, s in spaces(db).items()} == {GOOD["name"]: 10, OTHER["name"]: None}
    assert result.unknown_seats == 1 and "1 space(s) have unknown seats (rows 3)" in " ".join(result.warnings)
