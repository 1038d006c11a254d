"""Editors change coworking spaces and measure progress one record at a time: validated like an
import, inside the municipality, never silently overwriting another editor, always in the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.models import AuditEntry, CoworkingSpace
from app.ingest.editing import (
    EditConflict,
    EditError,
    find_progress,
    save_progress,
    save_space,
    space_values,
)
from tests import catalogues

NORHEIMSUND = {"latitude": 60.371, "longitude": 6.146}  # in Kvam


def new_space(**changes):
    values = {"name": "Testkontoret", "kommunenummer": "4622", "seats": "12", "status": "active", **NORHEIMSUND}
    return {**values, **changes}


def codes(caught) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in caught.value.problems}


def test_a_new_space_is_stored_and_audited(db):
    stored = save_space(db, "kari", new_space(price_day_nok="150,50", website="https://example.no"))
    space = db.get(CoworkingSpace, stored["id"])
    assert (space.name, space.seats, float(space.price_day_nok), space.version) == ("Testkontoret", 12, 150.5, 1)
    entry = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.actor, entry.action, entry.before, entry.after["name"]) == (
        "kari",
        "coworking.create",
        None,
        "Testkontoret",
    )


def test_empty_seats_are_saved_as_unknown_not_0(db):
    stored = save_space(db, "kari", new_space(seats=""))
    assert stored["seats"] is None and db.get(CoworkingSpace, stored["id"]).seats is None
    again = save_space(db, "kari", {**stored, "seats": "7"}, stored["id"], stored["version"])
    assert again["seats"] == 7
    cleared = save_space(db, "kari", {**again, "seats": " "}, again["id"], again["version"])
    assert db.get(CoworkingSpace, cleared["id"]).seats is None


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"name": ""}, ("name", "required")),
        ({"seats": "-3"}, ("seats", "negative")),
        ({"price_month_nok": "-1"}, ("price_month_nok", "negative")),
        ({"seats": "mange"}, ("seats", "not_a_number")),
        ({"latitude": 55.0}, ("latitude", "outside_norway")),
        ({"latitude": 59.91, "longitude": 10.75}, ("latitude", "outside_municipality")),  # Oslo, not Kvam
        ({"longitude": None}, ("latitude", "both_coordinates")),
        ({"website": "javascript:alert(1)"}, ("website", "bad_url")),
        ({"kommunenummer": "1201"}, ("kommunenummer", "unknown_municipality")),
        ({"name": "x" * 201}, ("name", "too_long")),
    ],
)
def test_invalid_fields_are_named_and_nothing_is_written(db, changes, problem):
    before = db.scalar(select(CoworkingSpace.id).order_by(CoworkingSpace.id.desc()).limit(1))
    with pytest.raises(EditError) as caught:
        save_space(db, "kari", new_space(**changes))
    assert problem in codes(caught)
    assert db.scalar(select(CoworkingSpace.id).order_by(CoworkingSpace.id.desc()).limit(1)) == before


def test_every_seeded_space_is_inside_its_municipality(db):
    """The boundary check with its margin accepts the real inventory."""
    checked = 0
    for space in db.scalars(select(CoworkingSpace).where(CoworkingSpace.latitude.is_not(None))).all():
        saved = save_space(db, "check", space_values(space), space.id, space.version)
        assert saved["version"] == space.version  # saved (the version moved on with it)
        checked += 1
    assert checked >= 4


def test_two_editors_on_one_space_the_second_is_refused_with_what_is_stored(db):
    space = save_space(db, "kari", new_space())
    first = save_space(db, "kari", {**space, "seats": 20}, space["id"], space["version"])
    assert first["version"] == space["version"] + 1
    with pytest.raises(EditConflict) as caught:
        save_space(db, "ola", {**space, "seats": 8}, space["id"], space["version"])  # opened before kari saved
    assert caught.value.current["seats"] == 20
    assert db.get(CoworkingSpace, space["id"]).seats == 20


def test_retiring_a_space_is_audited_with_before_and_after(db):
    space = save_space(db, "kari", new_space())
    save_space(db, "ola", {**space, "status": "closed"}, space["id"], space["version"])
    entry = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.before["status"], entry.after["status"]) == ("coworking.retire", "active", "closed")


def test_a_name_taken_in_the_municipality_is_refused(db):
    save_space(db, "kari", new_space())
    with pytest.raises(EditError) as caught:
        save_space(db, "kari", new_space(name="testkontoret"))
    assert ("name", "duplicate_name") in codes(caught)


def test_progress_is_recorded_updated_and_locked(db):
    activity = catalogues.activity(db)
    place = "4620"
    existing = find_progress(db, activity.id, place)
    version = existing["version"] if existing else None
    saved = save_progress(
        db,
        "kari",
        activity.id,
        place,
        {
            "status": "in_progress",
            "status_date": "2026-11-30",
            "note": "<b>Vedtak</b> i kommunestyret",
            "link": "https://ulvik.kommune.no/sak/1",
        },
        version,
    )
    assert (
        find_progress(db, activity.id, place)["note"] == "<b>Vedtak</b> i kommunestyret"
    )  # stored as written, escaped when shown
    with pytest.raises(EditConflict):
        save_progress(db, "ola", activity.id, place, {"status": "done"}, version)
    updated = save_progress(db, "ola", activity.id, place, {"status": "done"}, saved["version"])
    assert (updated["status"], updated["note"]) == ("done", None)
    actions = [
        e.action
        for e in db.scalars(select(AuditEntry).where(AuditEntry.entity == "measure_progress").order_by(AuditEntry.id))
    ]
    assert actions[-2:] == ["progress.create" if version is None else "progress.update", "progress.update"]


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"status": "finished"}, ("status", "invalid")),
        ({"status": "done", "status_date": "30.11.2026"}, ("status_date", "bad_date")),
        ({"status": "done", "link": "ftp://x"}, ("link", "bad_url")),
        ({}, ("status", "required")),
    ],
)
def test_invalid_progress_is_refused(db, values, problem):
    activity = catalogues.activity(db)
    with pytest.raises(EditError) as caught:
        save_progress(db, "kari", activity.id, "4622", values, None)
    assert problem in codes(caught)


def test_progress_for_an_unknown_place_is_refused(db):
    activity = catalogues.activity(db)
    with pytest.raises(EditError) as caught:
        save_progress(db, "kari", activity.id, "9999", {"status": "done"}, None)
    assert ("place", "unknown_municipality") in codes(caught)
