"""Coworking lists as they exist (issue 22 §4): CSV, XLSX and GeoJSON, the municipality found from the
coordinates or the postal code, seats optional; the real (Seattle) GeoJSON list is refused clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.models import CoworkingSpace, ImportBatch
from app.errors import ImportValidationError
from app.ingest.coworking_import import import_coworking, municipality_at

REAL = Path(__file__).resolve().parents[2] / "shared" / "real" / "coworking"
SEATTLE = REAL / "seattle_coworking.geojson"
NORHEIMSUND = (60.3722, 6.1460)  # Kvam 4622
ODDA = (60.0690, 6.5450)  # Ullensvang 4618

real = pytest.mark.skipif(not REAL.is_dir(), reason=f"the real coworking files are not here ({REAL})")


@pytest.fixture(autouse=True)
def no_spaces(db):
    db.execute(CoworkingSpace.__table__.delete())
    db.execute(ImportBatch.__table__.delete().where(ImportBatch.kind == "coworking"))


def spaces(db) -> dict[str, CoworkingSpace]:
    return {s.name: s for s in db.scalars(select(CoworkingSpace))}


def feature(name: str, at: tuple[float, float], **properties) -> dict:
    latitude, longitude = at
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": {"name": name, **properties},
    }


@real
def test_every_real_coworking_file_is_tested():
    assert {p.name for p in REAL.iterdir()} <= {SEATTLE.name}, "a new real coworking file needs a test here"


@real
def test_the_seattle_list_is_refused_as_outside_norway(db):
    features = json.loads(SEATTLE.read_text(encoding="utf-8"))["features"]
    with pytest.raises(ImportValidationError) as caught:
        import_coworking(db, SEATTLE)
    message = str(caught.value)
    first = features[0]
    longitude, latitude = first["geometry"]["coordinates"]
    assert message.startswith(f"{SEATTLE.name}: ") and "nothing was imported" in message
    assert f"{SEATTLE.name}, feature 1, column latitude, longitude: '{latitude}, {longitude}'" in message
    assert "coordinates outside Norway" in message and "Fix:" in message
    assert first["properties"]["name"] in message
    assert f"{len(features) - 5} more features have coordinates outside Norway" in message
    problems = caught.value.problems
    assert [p["row"] for p in problems] == [1, 2, 3, 4, 5, None]
    assert all(p["column"] == "latitude, longitude" for p in problems)  # one cause, not a problem per column
    assert db.scalar(select(func.count()).select_from(CoworkingSpace)) == 0


def test_a_norwegian_geojson_list_gets_its_municipalities_from_the_points(db, tmp_path):
    path = tmp_path / "kontor.geojson"
    collection = {
        "type": "FeatureCollection",
        "features": [
            feature("Kontorfellesskapet Norheimsund", NORHEIMSUND, url="https://example.no", plasser=12),
            feature("Odda Cowork", ODDA, address="Storgata 1"),
        ],
    }
    path.write_text(json.dumps(collection), encoding="utf-8")
    result = import_coworking(db, path)
    assert result.status == "succeeded" and result.inserted == 2
    stored = spaces(db)
    norheimsund, odda = stored["Kontorfellesskapet Norheimsund"], stored["Odda Cowork"]
    assert (norheimsund.kommunenummer, norheimsund.seats, norheimsund.website) == ("4622", 12, "https://example.no")
    assert (odda.kommunenummer, odda.seats, odda.address) == ("4618", None, "Storgata 1")  # unknown, not 0
    assert float(norheimsund.latitude) == pytest.approx(NORHEIMSUND[0])
    inferred = next(w for w in result.inferred if "inferred from the coordinates" in w)
    assert inferred in result.summary()  # what the check (CLI and browser) shows
    assert "row 1 → 4622 Kvam" in inferred and "row 2 → 4618" in inferred
    assert any("1 space(s) have unknown seats (rows 2)" in w for w in result.warnings)
    assert result.unknown_seats == 1 and "1 space(s) have unknown seats (stored as unknown, not 0)" in result.summary()
    assert [(row, name, number, source) for row, name, number, source in result.inferred_rows] == [
        (1, "Kontorfellesskapet Norheimsund", "4622", "coordinates"),
        (2, "Odda Cowork", "4618", "coordinates"),
    ]
    batch = db.get(ImportBatch, result.batch_id)
    assert any("inferred" in w for w in batch.warnings)  # the import report says what was inferred


def test_an_xlsx_list_without_municipality_numbers(db, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Navn", "Adresse", "Postnummer", "Breddegrad", "Lengdegrad", "Plasser"])
    sheet.append(["Hub Norheimsund", "Sandvenvegen 1", "5600", None, None, 8])
    sheet.append(["Hub Odda", None, None, ODDA[0], ODDA[1], None])
    path = tmp_path / "kontor.xlsx"
    workbook.save(path)
    result = import_coworking(db, path)
    stored = spaces(db)
    assert {name: (s.kommunenummer, s.seats) for name, s in stored.items()} == {
        "Hub Norheimsund": ("4622", 8),
        "Hub Odda": ("4618", None),
    }
    assert any("inferred from the postal code for 1 space(s)" in w and "row 2 → 4622" in w for w in result.inferred)
    assert any("inferred from the coordinates for 1 space(s)" in w and "row 3 → 4618" in w for w in result.inferred)


def test_a_row_with_nothing_to_find_its_municipality_from_is_refused(db, tmp_path):
    path = tmp_path / "kontor.csv"
    path.write_text("name,seats,latitude,longitude\nUten sted,4,,\nI havet,2,62.5,2.0\n", encoding="utf-8")
    with pytest.raises(ImportValidationError) as caught:
        import_coworking(db, path)
    assert [(p["row"], p["column"]) for p in caught.value.problems] == [
        (2, "kommunenummer"),
        (3, "latitude, longitude"),
    ]
    assert "kontor.csv, row 3, column latitude, longitude: '62.5, 2.0'" in str(caught.value)


def test_a_given_municipality_number_is_kept(db, tmp_path):
    path = tmp_path / "kontor.csv"
    path.write_text(f"name,kommunenummer,latitude,longitude\nKontoret,4622,{NORHEIMSUND[0]},{NORHEIMSUND[1]}\n")
    result = import_coworking(db, path)
    assert spaces(db)["Kontoret"].kommunenummer == "4622"
    assert not result.inferred and "inferred" not in result.summary()


def test_points_and_their_municipalities():
    assert municipality_at(*NORHEIMSUND) == "4622"
    assert municipality_at(*ODDA) == "4618"
    assert municipality_at(59.9139, 10.7522) == "0301"
    assert municipality_at(47.61387, -122.316955) is None  # Seattle
    assert municipality_at(6.14, 60.37) is None  # swapped
