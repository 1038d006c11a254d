"""Success criteria per measure (issue 20, 7): editors set them per area or activity with a target and a
date, every save is in the change log, and Tiltak shows each place's standing against them, a summary per
area at the top and the status grid folded away below."""

from __future__ import annotations

import datetime as dt
import json

import plotly.io.json as pio_json
import pytest
from sqlalchemy import delete, select

from app.db.models import AuditEntry, MeasureCriterion, MeasureProgress
from app.db.session import session_scope
from app.ingest.editing import (
    EditConflict,
    EditError,
    find_criteria,
    find_measurements,
    record_measurement,
    save_criterion,
)
from app.query.measures import MET, ON_THE_WAY, OVERDUE, catalogue, criteria, progress_grid, standing
from app.web.pages import measures
from tests import catalogues
from tests.page_answers import page_answer


def codes(caught) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in caught.value.problems}


def test_a_criterion_is_set_changed_locked_and_audited(db):
    saved = save_criterion(
        db,
        "kari",
        "area:coworking@hardangerradet",
        {
            "description": "Kontorfellesskap i alle kommunene",
            "target_value": "4",
            "target_unit": "kontorfellesskap",
            "target_date": "2027-12-31",
        },
    )
    assert saved["target_value"] == 4.0 and saved["target_date"] == dt.date(2027, 12, 31)
    assert [c["id"] for c in find_criteria(db, "area:coworking@hardangerradet")] == [saved["id"]]
    changed = save_criterion(
        db,
        "ola",
        "area:coworking@hardangerradet",
        {
            "description": "Minst ett kontorfellesskap per kommune",
            "target_text": "ett per kommune",
            "target_date": "2027-06-30",
        },
        saved["id"],
        saved["version"],
    )
    assert changed["version"] == saved["version"] + 1 and changed["target_value"] is None
    with pytest.raises(EditConflict):
        save_criterion(
            db,
            "per",
            "area:coworking@hardangerradet",
            {"description": "x", "target_text": "y", "target_date": "2027-01-01"},
            saved["id"],
            saved["version"],
        )
    entries = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == "measure_criterion", AuditEntry.entity_id == str(saved["id"]))
        .order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == ["criterion.create", "criterion.update"]
    assert entries[-1].before["description"] == "Kontorfellesskap i alle kommunene"
    assert entries[-1].after["target_text"] == "ett per kommune" and entries[-1].actor == "ola"


def test_a_criterion_of_an_activity_belongs_to_the_activity(db):
    saved = save_criterion(
        db,
        "kari",
        "activity:coworking_map@hardangerradet",
        {"description": "Kart", "target_text": "publisert", "target_date": "2027-01-01"},
    )
    activity = catalogues.activity(db, "coworking_map")
    assert (saved["area_id"], saved["activity_id"]) == (None, activity.id)
    assert find_criteria(db, "area:coworking@hardangerradet") == []
    with pytest.raises(EditError) as caught:  # a criterion cannot move to another measure
        save_criterion(
            db,
            "kari",
            "area:coworking@hardangerradet",
            {"description": "Kart", "target_text": "x", "target_date": "2027-01-01"},
            saved["id"],
            saved["version"],
        )
    assert ("measure", "invalid") in codes(caught)


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"target_value": "3", "target_date": "2027-01-01"}, ("description", "required")),
        ({"description": "Mål", "target_date": "2027-01-01"}, ("target_value", "no_target")),
        ({"description": "Mål", "target_value": "tre", "target_date": "2027-01-01"}, ("target_value", "not_a_number")),
        ({"description": "Mål", "target_value": "3"}, ("target_date", "required")),
        ({"description": "Mål", "target_value": "3", "target_date": "31.12.2027"}, ("target_date", "bad_date")),
        ({"description": "Mål", "target_text": "x" * 501, "target_date": "2027-01-01"}, ("target_text", "too_long")),
    ],
)
def test_an_invalid_criterion_is_refused_and_nothing_written(db, values, problem):
    before = db.scalars(select(MeasureCriterion)).all()
    with pytest.raises(EditError) as caught:
        save_criterion(db, "kari", "area:coworking@hardangerradet", values)
    assert problem in codes(caught)
    assert db.scalars(select(MeasureCriterion)).all() == before


def test_an_unknown_measure_is_refused(db):
    with pytest.raises(EditError) as caught:
        save_criterion(
            db,
            "kari",
            "area:no_such_area@hardangerradet",
            {"description": "x", "target_text": "y", "target_date": "2027-01-01"},
        )
    assert ("measure", "invalid") in codes(caught)


def test_the_target_number_is_read_with_a_decimal_comma(db):
    saved = save_criterion(
        db,
        "kari",
        "area:skills@hardangerradet",
        {"description": "Kurs", "target_value": "12,5", "target_unit": "%", "target_date": "2027-01-01"},
    )
    assert saved["target_value"] == 12.5


def test_standing_is_met_when_every_activity_is_done_and_overdue_after_the_date(db):
    area = next(a for a in catalogue(db, "hardangerradet") if a.code == "coworking")
    first, second = area.activities[0], area.activities[1]
    db.add(MeasureProgress(activity_id=first.id, kommunenummer="4622", status="done"))
    db.add(MeasureProgress(activity_id=second.id, kommunenummer="4622", status="in_progress"))
    save_criterion(
        db,
        "kari",
        f"activity:{first.code}@hardangerradet",
        {"description": "a", "target_text": "b", "target_date": "2027-01-01"},
    )
    save_criterion(
        db,
        "kari",
        "area:coworking@hardangerradet",
        {"description": "c", "target_value": 1, "target_date": "2027-01-01"},
    )
    db.flush()
    grid = progress_grid(db, "hardangerradet")
    on_activity, on_area = [c for c in criteria(db, "hardangerradet") if c.area_code == "coworking"][-2:][::-1]
    assert on_area.activity_id is None and on_activity.activity_id == first.id
    before, after = dt.date(2026, 12, 1), dt.date(2027, 1, 2)
    assert standing(on_activity, area, grid, "4622", after).state == MET
    assert standing(on_activity, area, grid, "4620", before).state == ON_THE_WAY
    assert standing(on_activity, area, grid, "4620", after).state == OVERDUE
    kvam = standing(on_area, area, grid, "4622", after)
    assert (kvam.done, kvam.total, kvam.state) == (1, len(area.activities), OVERDUE)
    assert standing(on_area, area, grid, "region", before).state == ON_THE_WAY


def test_a_measured_value_decides_the_standing_of_a_numeric_target(db):
    """Where the target is a number and a value is measured in the place, the latest value against the target
    decides: reached is met whatever the activities; not reached is on the way, or overdue after the date. A
    ceiling (at most) is met at or below it."""
    area = next(a for a in catalogue(db, "hardangerradet") if a.code == "coworking")
    users = save_criterion(
        db,
        "kari",
        "area:coworking@hardangerradet",
        {"description": "Faste brukere", "target_value": "20", "target_unit": "brukere", "target_date": "2027-06-30"},
    )
    long_trips = save_criterion(
        db,
        "kari",
        "area:coworking@hardangerradet",
        {"description": "Lange reiser", "target_value": "10", "target_unit": "%", "target_date": "2027-06-30"}
        | {"at_most": "true"},
    )
    recorded = [
        record_measurement(db, "kari", users["id"], "4622", {"value": "12", "measured_on": "2026-03-01"}),
        record_measurement(db, "kari", users["id"], "4622", {"value": "21", "measured_on": "2026-09-01"}),  # latest
        record_measurement(db, "kari", users["id"], "4620", {"value": "7", "measured_on": "2026-09-01"}),
        record_measurement(
            db, "kari", users["id"], "region:hardangerradet", {"value": "28", "measured_on": "2026-09-01"}
        ),
        record_measurement(db, "kari", long_trips["id"], "4622", {"value": "9,5", "measured_on": "2026-09-01"}),
        record_measurement(db, "kari", long_trips["id"], "4620", {"value": "14", "measured_on": "2026-09-01"}),
    ]
    grid = progress_grid(db, "hardangerradet")
    goals = {c.description: c for c in criteria(db, "hardangerradet")}
    before, after = dt.date(2026, 12, 1), dt.date(2027, 7, 1)

    kvam = standing(goals["Faste brukere"], area, grid, "4622", before)
    assert kvam.state == MET and kvam.measured.value == 21 and kvam.measured.measured_on == dt.date(2026, 9, 1)
    assert standing(goals["Faste brukere"], area, grid, "4620", before).state == ON_THE_WAY
    assert standing(goals["Faste brukere"], area, grid, "4620", after).state == OVERDUE
    assert standing(goals["Faste brukere"], area, grid, "region", before).measured.value == 28
    unmeasured = standing(goals["Faste brukere"], area, grid, "4619", before)
    assert unmeasured.measured is None and unmeasured.state == ON_THE_WAY  # back to the activities
    assert standing(goals["Lange reiser"], area, grid, "4622", before).state == MET  # 9,5 ≤ 10
    assert standing(goals["Lange reiser"], area, grid, "4620", after).state == OVERDUE  # 14 > 10
    assert [m["value"] for m in find_measurements(db, users["id"]) if m["place"] == "4622"] == [21, 12]
    ids = [str(m["id"]) for m in recorded]
    logged = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "criterion.measure", AuditEntry.entity_id.in_(ids))
    ).all()
    assert len(logged) == 6 and all(e.actor == "kari" for e in logged)


@pytest.mark.parametrize(
    ("place", "values", "problem"),
    [
        ("4622", {"value": "mange", "measured_on": "2026-09-01"}, ("value", "not_a_number")),
        ("4622", {"measured_on": "2026-09-01"}, ("value", "required")),
        ("4622", {"value": "3", "measured_on": "2099-01-01"}, ("measured_on", "in_future")),
        ("4622", {"value": "3", "measured_on": "1.9.2026"}, ("measured_on", "bad_date")),
        ("9999", {"value": "3", "measured_on": "2026-09-01"}, ("place", "unknown_municipality")),
    ],
)
def test_a_measured_value_that_is_wrong_is_refused_and_nothing_written(db, place, values, problem):
    goal = save_criterion(
        db,
        "kari",
        "area:skills@hardangerradet",
        {"description": "Kurs", "target_value": "3", "target_date": "2027-01-01"},
    )
    with pytest.raises(EditError) as caught:
        record_measurement(db, "kari", goal["id"], place, values)
    assert problem in codes(caught)
    assert find_measurements(db, goal["id"]) == []


def test_a_target_in_words_takes_no_measured_value(db):
    goal = save_criterion(
        db,
        "kari",
        "area:skills@hardangerradet",
        {"description": "Kurs", "target_text": "holdt", "target_date": "2027-01-01"},
    )
    with pytest.raises(EditError) as caught:
        record_measurement(db, "kari", goal["id"], "4622", {"value": "1", "measured_on": "2026-09-01"})
    assert ("value", "no_numeric_target") in codes(caught)


def _text(value) -> str:
    return json.dumps(json.loads(pio_json.to_json_plotly(value)), ensure_ascii=False)


def _find(value, predicate, found: list) -> list:
    if isinstance(value, dict):
        if predicate(value):
            found.append(value)
        for item in value.values():
            _find(item, predicate, found)
    elif isinstance(value, list):
        for item in value:
            _find(item, predicate, found)
    return found


@pytest.fixture(scope="module")
def app(database_url, tmp_path_factory):
    from app.config import Config
    from app.web import create_app

    return create_app(Config(database_url=database_url, data_dir=tmp_path_factory.mktemp("tiltak"), secret_key="t"))


@pytest.fixture
def stored_criteria(app):
    """Two criteria and one done activity, committed (the page reads through its own session)."""
    with app.server.app_context(), session_scope() as session:
        area = catalogues.area(session, "coworking")
        first = catalogues.activity(session, "coworking_map")
        session.add(MeasureProgress(activity_id=first.id, kommunenummer="4622", status="done"))
        session.add(
            MeasureCriterion(
                activity_id=first.id,
                description="Kart over kontorene publisert",
                target_text="publisert på nett",
                target_date=dt.date(2020, 1, 1),
                is_example=True,
            )
        )
        session.add(
            MeasureCriterion(
                area_id=area.id,
                description="Kontorfellesskap nær alle",
                target_value=4,
                target_unit="kontorfellesskap",
                target_date=dt.date(2099, 12, 31),
            )
        )
    yield
    with app.server.app_context(), session_scope() as session:
        session.execute(delete(MeasureCriterion))
        session.execute(delete(MeasureProgress).where(MeasureProgress.kommunenummer == "4622"))


def test_tiltak_shows_a_summary_first_the_standing_against_each_criterion_and_folds_the_grid(app, stored_criteria):
    answer = page_answer(app, measures, "?region=hardangerradet&survey=demo_national", "en")
    content = json.loads(pio_json.to_json_plotly(answer["content"]))
    text = _text(content)
    assert "render-failed" not in text
    ids = [n["props"].get("id") for n in _find(content, lambda n: "props" in n and "id" in n["props"], [])]
    assert ids.index(measures.SUMMARY) < ids.index("measures-area-coworking")
    summary = _find(content, lambda n: n.get("props", {}).get("id") == "measures-summary-coworking", [])[0]
    summary_text = _text(summary)
    assert "1 of " in summary_text and "2 set, the first due 01.01.2020" in summary_text
    example = _find(content, lambda n: "measures-criterion-example" in str(n.get("props", {}).get("className")), [])
    assert len(example) == 1 and "not a decision of the council" in _text(example)
    rows = _find(content, lambda n: str(n.get("props", {}).get("id", "")).startswith("measures-criterion-"), [])
    assert len(rows) == 2
    on_area, on_map = (_text(r) for r in rows)  # the area's own criteria before its activities'
    assert "Kontorfellesskap nær alle" in on_area and "4 kontorfellesskap" in on_area and "31.12.2099" in on_area
    assert on_area.count("On the way") == 5  # four municipalities and the region, none done by then
    assert on_map.count("Met") == 1 and on_map.count("Overdue") == 4  # Kvam is done; the date has passed elsewhere
    folded = _find(content, lambda n: n.get("type") == "Details" and n["props"].get("className") == "measures-grid", [])
    assert len(folded) == len(catalogue_codes(app))
    assert all("measures-progress" in _text(d) for d in folded)
    assert not _find(
        content,
        lambda n: "measures-progress " in str(n.get("props", {}).get("className")) and not _inside_details(content, n),
        [],
    )


def catalogue_codes(app) -> list[str]:
    with app.server.app_context(), session_scope() as session:
        return [a.code for a in catalogue(session, "hardangerradet")]


def _inside_details(content, node) -> bool:
    return any(
        node in _find(d, lambda n: n is node, []) for d in _find(content, lambda n: n.get("type") == "Details", [])
    )


def test_tiltak_says_so_when_no_criteria_are_set(app):
    answer = page_answer(app, measures, "?region=hardangerradet&survey=demo_national", "en")
    text = _text(answer["content"])
    assert "No success criteria have been set for this area yet." in text and "None set yet" in text


def test_a_status_filter_opens_the_grids_it_filters(app):
    for search, opened in (("?region=hardangerradet", False), ("?region=hardangerradet&status=done", True)):
        content = json.loads(pio_json.to_json_plotly(page_answer(app, measures, search, "en")["content"]))
        grids = _find(
            content, lambda n: n.get("type") == "Details" and n["props"].get("className") == "measures-grid", []
        )
        assert len(grids) == 5 and all(bool(g["props"].get("open")) is opened for g in grids), search


def test_the_standing_is_in_the_data_file_as_an_analyst_reads_it(client, stored_criteria):
    answer = client.get("/data/tiltak.csv?region=hardangerradet&chart=measures-criteria&lang=en")
    assert answer.status_code == 200
    text = answer.data.decode("utf-8-sig")
    lines = [line for line in text.splitlines() if "Kontorfellesskap nær alle" in line]
    assert len(lines) == 5 and all("4 kontorfellesskap" in line and "On the way" in line for line in lines)
    kvam = next(line for line in text.splitlines() if "Kart over kontorene publisert" in line and "Kvam" in line)
    assert "Met" in kvam and "Yes" in kvam  # done in Kvam; an example criterion
    assert sum("Kart over kontorene publisert" in line and "Overdue" in line for line in text.splitlines()) == 4


def test_a_measured_value_is_on_tiltak_and_in_its_data_file(app, client, stored_criteria):
    with app.server.app_context(), session_scope() as session:
        goal = session.scalar(
            select(MeasureCriterion).where(MeasureCriterion.description == "Kontorfellesskap nær alle")
        )
        record_measurement(session, "kari", goal.id, "4622", {"value": "4", "measured_on": "2026-10-01"})
        record_measurement(session, "kari", goal.id, "4620", {"value": "1", "measured_on": "2026-10-01"})
    answer = page_answer(app, measures, "?region=hardangerradet&survey=demo_national", "nb")
    content = json.loads(pio_json.to_json_plotly(answer["content"]))
    [row] = [
        _text(r)
        for r in _find(content, lambda n: str(n.get("props", {}).get("id", "")).startswith("measures-criterion-"), [])
        if "Kontorfellesskap nær alle" in _text(r)
    ]
    assert "minst 4 kontorfellesskap" in row
    assert "Målt: 4 kontorfellesskap (01.10.2026)" in row and "Målt: 1 kontorfellesskap (01.10.2026)" in row
    assert row.count("Nådd") == 1 and row.count("På vei") == 4
    text = client.get("/data/tiltak.csv?region=hardangerradet&chart=measures-criteria&lang=en").data.decode("utf-8-sig")
    kvam = next(line for line in text.splitlines() if "Kontorfellesskap nær alle" in line and "Kvam" in line)
    assert "2026-10-01" in kvam and "Met" in kvam
