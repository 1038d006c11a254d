"""Each region has its own measures catalogue (issue 24 §1): a copy of the template made with the region, whose
progress, success criteria and measured values are the region's alone; the upgrade to it and copies made
before it put what councils recorded into their region's copy."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from app.db import migrate
from app.db.models import CriterionMeasurement, MeasureCriterion, MeasureProgress
from app.db.regions import add_region
from app.ingest.backup import export_all, import_all
from app.ingest.editing import EditError, record_measurement, save_criterion, save_progress
from app.query.measures import catalogue, criteria, opportunities, progress_grid
from tests import catalogues


def _shape(areas) -> list[tuple]:
    return [(a.code, a.number, a.title, [(x.code, x.position, x.title) for x in a.activities]) for a in areas]


def test_a_new_region_starts_with_a_copy_of_the_template_that_is_then_its_own(db):
    add_region(db, "sunnhordland", "Sunnhordland", ["4613", "4614"], "cli:test")
    template = catalogue(db)
    assert _shape(catalogue(db, "sunnhordland")) == _shape(template) and len(template) == 5
    assert [o.title for o in opportunities(db, "sunnhordland")] == [o.title for o in opportunities(db)]
    ids = {x.id for a in catalogue(db, "sunnhordland") for x in a.activities}
    assert ids.isdisjoint({x.id for a in template for x in a.activities})  # rows of its own

    copy = catalogues.activity(db, "coworking_map", region="sunnhordland")
    copy.title = {"nb": "Kart over Sunnhordland", "nn": "Kart over Sunnhordland", "en": "Map"}
    db.flush()
    changed = [x.title["nb"] for a in catalogue(db, "sunnhordland") for x in a.activities]
    assert "Kart over Sunnhordland" in changed
    for other in (None, "hardangerradet"):  # the template and another region keep theirs
        assert "Kart over Sunnhordland" not in [x.title["nb"] for a in catalogue(db, other) for x in a.activities]


def test_records_stay_in_the_catalogue_of_their_region(db):
    add_region(db, "sunnhordland", "Sunnhordland", ["4613", "4614"], "cli:test")
    hardanger = catalogues.activity(db)
    save_progress(db, "kari", hardanger.id, "4622", {"status": "done"})
    for place in ("4614", "region:sunnhordland", "0301"):  # another region's place, one in no region
        with pytest.raises(EditError) as caught:
            save_progress(db, "kari", hardanger.id, place, {"status": "done"})
        assert {(p.field, p.code) for p in caught.value.problems} == {("place", "not_in_catalogue")}
    template = catalogues.activity(db, region=None)
    with pytest.raises(EditError):  # the template's activities are for municipalities in no region
        save_progress(db, "kari", template.id, "4622", {"status": "done"})
    save_progress(db, "kari", template.id, "0301", {"status": "planned"})

    assert progress_grid(db, "hardangerradet").get(hardanger.id, "4622").status == "done"
    theirs = catalogues.activity(db, region="sunnhordland")
    assert progress_grid(db, "sunnhordland").statuses(theirs.id) == {"not_started"}

    goal = save_criterion(
        db,
        "kari",
        "area:coworking@hardangerradet",
        {"description": "Mål", "target_value": 3, "target_date": "2027-12-31"},
    )
    assert [c.id for c in criteria(db, "hardangerradet")] == [goal["id"]]
    assert criteria(db, "sunnhordland") == [] and criteria(db) == []
    with pytest.raises(EditError):
        record_measurement(db, "kari", goal["id"], "4614", {"value": "2", "measured_on": "2026-11-30"})
    record_measurement(db, "kari", goal["id"], "4619", {"value": "2", "measured_on": "2026-11-30"})


def _at_0018(url: str):
    """A database at revision 0018 (one catalogue) with a region, its members, one outside municipality, the
    template of one area with two activities, and records of each kind in and outside the region."""
    engine = create_engine(url)
    migrate.upgrade(engine, "0018")
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO municipality (kommunenummer, name, county_number, county_name, population, "
                "population_year) VALUES ('4622', 'Kvam', '46', 'Vestland', 8500, 2026), "
                "('4619', 'Eidfjord', '46', 'Vestland', 900, 2026), ('0301', 'Oslo', '03', 'Oslo', 700000, 2026)"
            )
        )
        region = c.execute(text("INSERT INTO region (slug, name) VALUES ('hardangerradet', 'H') RETURNING id")).scalar()
        c.execute(text("INSERT INTO region_member VALUES (:r, '4622'), (:r, '4619')"), {"r": region})
        c.execute(text("""INSERT INTO opportunity (number, title, source) VALUES (1, '{"nb": "Mulighet"}', 'seed')"""))
        area = c.execute(
            text(
                "INSERT INTO measure_area (code, number, title, rationale, source, evidence) "
                """VALUES ('coworking', 1, '{"nb": "Kontor"}', '{"nb": "Fordi"}', 'NORCE', '[]') RETURNING id"""
            )
        ).scalar()
        activity = dict(
            c.execute(
                text(
                    "INSERT INTO measure_activity (area_id, code, position, title) VALUES "
                    """(:a, 'map', 1, '{"nb": "Kart"}'), (:a, 'hub', 2, '{"nb": "Hub"}') RETURNING code, id"""
                ),
                {"a": area},
            ).all()
        )
        c.execute(
            text(
                "INSERT INTO measure_progress (activity_id, kommunenummer, region_id, status, is_example) VALUES "
                "(:map, '4622', NULL, 'done', false), (:hub, NULL, :r, 'planned', false), "
                "(:map, '0301', NULL, 'in_progress', false)"
            ),
            {"map": activity["map"], "hub": activity["hub"], "r": region},
        )
        criterion = c.execute(
            text(
                "INSERT INTO measure_criterion (area_id, description, target_value, target_date, is_example) "
                "VALUES (:a, 'Fire kontor', 4, '2027-12-31', false) RETURNING id"
            ),
            {"a": area},
        ).scalar()
        c.execute(
            text(
                "INSERT INTO criterion_measurement (criterion_id, kommunenummer, region_id, value, measured_on, "
                "is_example) VALUES (:c, '4619', NULL, 1, '2026-10-01', false), (:c, NULL, :r, 2, '2026-10-01', false), "
                "(:c, '0301', NULL, 3, '2026-10-01', false)"
            ),
            {"c": criterion, "r": region},
        )
    return engine, activity["map"], criterion


def test_the_upgrade_moves_what_councils_recorded_into_their_regions_copy(empty_database_url):
    engine, template_map, template_criterion = _at_0018(empty_database_url)
    migrate.upgrade(engine)
    with Session(engine) as s:
        assert _shape(catalogue(s, "hardangerradet")) == _shape(catalogue(s))
        assert [o.title for o in opportunities(s, "hardangerradet")] == [{"nb": "Mulighet"}]
        grid = progress_grid(s, "hardangerradet")
        ours = {x.code: x.id for a in catalogue(s, "hardangerradet") for x in a.activities}
        assert grid.get(ours["map"], "4622").status == "done" and grid.get(ours["hub"], "region").status == "planned"
        left = s.execute(select(MeasureProgress.kommunenummer, MeasureProgress.activity_id)).all()
        assert sorted(left, key=str) == sorted(
            [("4622", ours["map"]), (None, ours["hub"]), ("0301", template_map)], key=str
        )

        ((theirs_id,),) = [(c.id,) for c in criteria(s, "hardangerradet")]
        assert [c.description for c in criteria(s)] == ["Fire kontor"]  # the template keeps its own
        measured = s.execute(
            select(CriterionMeasurement.criterion_id, CriterionMeasurement.value).order_by(CriterionMeasurement.value)
        ).all()
        assert measured == [(theirs_id, 1.0), (theirs_id, 2.0), (template_criterion, 3.0)]
        assert s.scalar(select(MeasureCriterion.description).where(MeasureCriterion.id == theirs_id)) == "Fire kontor"
    migrate.downgrade(engine, "0018")  # the regions' copies go, the template and its records stay
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM measure_area")).scalar_one() == 1
        assert c.execute(text("SELECT count(*) FROM measure_progress")).scalar_one() == 1
    engine.dispose()


def test_a_copy_made_before_regions_had_catalogues_restores_into_them(db, empty_database_url, tmp_path):
    hardanger = catalogues.activity(db)
    save_progress(db, "kari", hardanger.id, "4622", {"status": "done", "note": "Kvam"})
    goal = save_criterion(
        db,
        "kari",
        "area:coworking@hardangerradet",
        {"description": "Mål", "target_value": 3, "target_date": "2027-12-31"},
    )
    record_measurement(db, "kari", goal["id"], "4619", {"value": "2", "measured_on": "2026-11-30"})
    db.flush()
    export_all(db, tmp_path / "copy")
    old = _as_format_2(tmp_path / "copy")

    engine = create_engine(empty_database_url)
    migrate.upgrade(engine)
    with Session(engine) as restored, restored.begin():
        import_all(restored, old)
    with Session(engine) as s:
        ours = catalogues.activity(s)
        assert progress_grid(s, "hardangerradet").get(ours.id, "4622").note == "Kvam"
        assert [c.description for c in criteria(s, "hardangerradet")] == ["Mål"]
        assert [c.description for c in criteria(s)] == ["Mål"]  # as the upgrade: in the template too
        (copy,) = criteria(s, "hardangerradet")
        assert s.scalars(select(CriterionMeasurement.criterion_id)).all() == [copy.id]
    engine.dispose()


def _as_format_2(directory):
    """The copy as a version before region catalogues wrote it: one catalogue, no catalogue column, no @region."""
    shutil.rmtree(directory / "catalogues")
    for name, column in (("progress.csv", "catalogue"), ("criteria.csv", None)):
        with (directory / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
            fields = [f for f in (rows[0].keys() if rows else []) if f != column]
        for row in rows:
            row.pop("catalogue", None)
            if "measure" in row:
                row["measure"] = row["measure"].partition("@")[0]
        with (directory / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fields)
            writer.writeheader()
            writer.writerows(rows)
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    manifest["format"] = 2
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return directory
