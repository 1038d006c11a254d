"""Edits made in the browser: coworking spaces, measure progress and success criteria, one record at a time.

Each edit is validated like an imported row (a coworking space by the importer's own row model),
checked against the municipality's boundary, written with **optimistic locking** and logged in the
audit trail in the same transaction:

- the form remembers the version of the record it started from; the write is
  ``UPDATE … WHERE id = :id AND version = :version`` and bumps the version, so when two editors
  change the same record the second one gets ``EditConflict`` with the values now stored, and
  overwrites nothing;
- problems come back as ``FieldProblem`` codes per field, which the web layer words in the user's
  language.

Who may change what is decided in one place, ``app.db.access``, and every write here asks it: the actor
is the web's logged-in ``Account`` (refused with ``NotAllowed`` outside its regions) or a trusted caller's
name (the command line, the seed, tests). That the actor is logged in with a role at all is checked before,
in the web layer (``app.web.server.auth.require``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from shapely.geometry import Point, shape
from shapely.prepared import PreparedGeometry, prep
from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session

from app import resources
from app.db.access import (
    Actor,
    actor_name,
    check_municipality,
    check_national,
    check_place,
    check_region,
    regions_of_municipality,
)
from app.db.audit import record
from app.db.catalogues import catalogue_region_of_activity
from app.db.models import (
    CoworkingSpace,
    CriterionMeasurement,
    MeasureActivity,
    MeasureArea,
    MeasureCriterion,
    MeasureProgress,
    Municipality,
    Region,
)
from app.errors import FjernarbeidError
from app.ingest.coworking_import import WEBSITE, CoworkingRow
from app.ingest.reference_lookup import ReferenceLookup

GEOJSON = resources.seed_dir() / "reference" / "municipalities.geojson"
# The boundaries are simplified (~650 kB for the country): a point this close outside still counts.
BOUNDARY_MARGIN_DEGREES = 0.02  # about 1–2 km
SPACE_FIELDS = tuple(CoworkingRow.model_fields)


@dataclass(frozen=True)
class FieldProblem:
    """``code`` says what is wrong with ``field`` (the web layer has a sentence for each code)."""

    field: str
    code: str  # required, too_long, not_a_number, negative, outside_norway, outside_municipality, bad_url,
    # duplicate_name, unknown_municipality, unknown_postal_code, both_coordinates, bad_date, invalid


class EditError(FjernarbeidError):
    def __init__(self, problems: list[FieldProblem]):
        super().__init__("; ".join(f"{p.field}: {p.code}" for p in problems))
        self.problems = problems


class EditConflict(FjernarbeidError):
    """Someone saved the record after this form was opened; ``current`` holds what is stored now
    (None: it was deleted)."""

    def __init__(self, current: dict[str, Any] | None):
        super().__init__("The record was changed by someone else since you opened it.")
        self.current = current


# --- coworking spaces -------------------------------------------------------------------------


def space_values(space: CoworkingSpace) -> dict[str, Any]:
    """The editable fields of a space, and its id and version."""
    values = {name: getattr(space, name) for name in SPACE_FIELDS}
    return {"id": space.id, "version": space.version, **values}


def save_space(
    session: Session, actor: Actor, values: dict[str, Any], space_id: int | None = None, version: int | None = None
) -> dict[str, Any]:
    """Create a space (``space_id`` None) or change one that is still at ``version``; the stored values.

    Raises:
        NotAllowed: the space's municipality (stored or new) is outside the actor's regions.
        EditError: a field is invalid, the point is outside the municipality, or the name is taken.
        EditConflict: the space changed (or was deleted) since ``version``.
    """
    if space_id is not None:
        stored_in = session.scalar(select(CoworkingSpace.kommunenummer).where(CoworkingSpace.id == space_id))
        check_municipality(session, actor, "editor", stored_in)
    row = _valid_space(session, values)
    check_municipality(session, actor, "editor", row["kommunenummer"])
    name = actor_name(actor)
    taken = session.scalar(
        select(CoworkingSpace.id).where(
            CoworkingSpace.kommunenummer == row["kommunenummer"],
            func.lower(CoworkingSpace.name) == row["name"].lower(),
            CoworkingSpace.id != (space_id or 0),
        )
    )
    if taken is not None:
        raise EditError([FieldProblem("name", "duplicate_name")])
    if space_id is None:
        space = CoworkingSpace(**row)
        session.add(space)
        session.flush()
        after = space_values(space)
        record(session, name, "coworking.create", "coworking_space", str(space.id), None, after)
        return after
    before = _locked(session, CoworkingSpace, space_id, version, space_values)
    session.execute(
        update(CoworkingSpace)
        .where(CoworkingSpace.id == space_id)
        .values(**row, version=CoworkingSpace.version + 1, updated_at=func.now())
    )
    stored = session.get(CoworkingSpace, space_id)
    assert stored is not None
    session.refresh(stored)
    after = space_values(stored)
    action = "coworking.retire" if row["status"] == "closed" and before["status"] != "closed" else "coworking.update"
    record(session, name, action, "coworking_space", str(space_id), before, after)
    return after


def delete_space(session: Session, actor: Actor, space_id: int, version: int) -> None:
    """Remove a space for good (an admin's act, nationally or in the space's region; editors retire a space
    by setting it closed)."""
    stored_in = session.scalar(select(CoworkingSpace.kommunenummer).where(CoworkingSpace.id == space_id))
    check_municipality(session, actor, "admin", stored_in)
    before = _locked(session, CoworkingSpace, space_id, version, space_values)
    session.execute(delete(CoworkingSpace).where(CoworkingSpace.id == space_id))
    record(session, actor_name(actor), "coworking.delete", "coworking_space", str(space_id), before, None)


def _valid_space(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in SPACE_FIELDS}
    cleaned = {k: v for k, v in cleaned.items() if v not in (None, "")}
    cleaned.setdefault("facilities", [])
    try:
        row = CoworkingRow.model_validate(cleaned, context={"lookup": ReferenceLookup.load(session)})
    except ValidationError as error:
        raise EditError([_field_problem(e) for e in error.errors()]) from None
    values = row.as_row()
    if row.latitude is not None and row.longitude is not None:
        area = _boundary(row.kommunenummer)
        if area is not None and not area.intersects(Point(row.longitude, row.latitude).buffer(BOUNDARY_MARGIN_DEGREES)):
            raise EditError([FieldProblem("latitude", "outside_municipality")])
    return values


def _field_problem(error: Any) -> FieldProblem:
    field = str(error["loc"][0]) if error["loc"] else "latitude"
    kind = error["type"]
    if kind == "missing":
        return FieldProblem(field, "required")
    if kind in ("string_too_long", "too_long"):
        return FieldProblem(field, "too_long")
    if kind.endswith("_parsing") or kind.endswith("_type") or kind == "decimal_max_places":
        return FieldProblem(field, "not_a_number")
    if field in ("latitude", "longitude") and kind in ("greater_than_equal", "less_than_equal"):
        return FieldProblem(field, "outside_norway")
    if kind in ("greater_than_equal", "greater_than"):
        return FieldProblem(field, "negative")
    codes = {
        "kommunenummer": "unknown_municipality",
        "postal_code": "unknown_postal_code",
        "website": "bad_url",
        "status": "invalid",
    }
    if not error["loc"]:  # the model's own check: one coordinate without the other
        return FieldProblem("latitude", "both_coordinates")
    return FieldProblem(field, codes.get(field, "invalid"))


@lru_cache(maxsize=1)
def _boundaries() -> dict[str, PreparedGeometry]:
    with GEOJSON.open(encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    return {f["properties"]["kommunenummer"]: prep(shape(f["geometry"])) for f in features}


def _boundary(kommunenummer: str) -> PreparedGeometry | None:
    return _boundaries().get(kommunenummer)


# --- measure progress ---------------------------------------------------------------------------

ProgressStatus = Literal["not_started", "planned", "in_progress", "done", "paused"]


class ProgressInput(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    status: ProgressStatus
    status_date: dt.date | None = None
    owner: str | None = Field(None, max_length=200)
    due_date: dt.date | None = None
    note: str | None = Field(None, max_length=4000)
    link: str | None = Field(None, max_length=500)

    @field_validator("link")
    @classmethod
    def _http_address(cls, value: str | None) -> str | None:
        if value is not None and not WEBSITE.match(value):
            raise ValueError("bad_url")
        return value


def progress_values(progress: MeasureProgress) -> dict[str, Any]:
    return {
        "id": progress.id,
        "version": progress.version,
        "activity_id": progress.activity_id,
        "kommunenummer": progress.kommunenummer,
        "region_id": progress.region_id,
        **{name: getattr(progress, name) for name in ProgressInput.model_fields},
    }


def find_progress(session: Session, activity_id: int, place: str) -> dict[str, Any] | None:
    """The stored progress of an activity in ``place`` (a kommunenummer or ``region:<slug>``)."""
    progress = session.scalar(select(MeasureProgress).where(_place_filter(session, activity_id, place)))
    return progress_values(progress) if progress else None


def save_progress(
    session: Session, actor: Actor, activity_id: int, place: str, values: dict[str, Any], version: int | None = None
) -> dict[str, Any]:
    """Record the progress of an activity in a municipality or region; ``version`` None: the first record.

    Raises:
        NotAllowed: the place is outside the actor's regions.
        EditError: unknown activity or place, or an invalid field.
        EditConflict: someone recorded progress for the same activity and place since ``version``.
    """
    check_place(session, actor, "editor", place)
    actor = actor_name(actor)
    found, catalogue_region = catalogue_region_of_activity(session, activity_id)
    if not found:
        raise EditError([FieldProblem("activity", "invalid")])
    _check_in_catalogue(session, place, catalogue_region)
    where = _place_filter(session, activity_id, place)
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    cleaned = {k: v for k, v in cleaned.items() if v not in (None, "")}
    try:
        checked = ProgressInput.model_validate(cleaned).model_dump()
    except ValidationError as error:
        raise EditError([_progress_problem(e) for e in error.errors()]) from None
    existing = session.scalar(select(MeasureProgress).where(where))
    if existing is None:
        if version is not None:
            raise EditConflict(None)
        number, region_id = _place_columns(session, place)
        progress = MeasureProgress(
            activity_id=activity_id, kommunenummer=number, region_id=region_id, updated_by=actor, **checked
        )
        session.add(progress)
        session.flush()
        after = progress_values(progress)
        record(session, actor, "progress.create", "measure_progress", str(progress.id), None, after)
        return after
    before = _locked(session, MeasureProgress, existing.id, version, progress_values)
    session.execute(
        update(MeasureProgress)
        .where(MeasureProgress.id == existing.id)
        .values(
            **checked, is_example=False, updated_by=actor, version=MeasureProgress.version + 1, updated_at=func.now()
        )
    )
    session.refresh(existing)
    after = progress_values(existing)
    record(session, actor, "progress.update", "measure_progress", str(existing.id), before, after)
    return after


def _progress_problem(error: Any) -> FieldProblem:
    field = str(error["loc"][0]) if error["loc"] else "status"
    if error["type"] in ("string_too_long",):
        return FieldProblem(field, "too_long")
    if field in ("status_date", "due_date"):
        return FieldProblem(field, "bad_date")
    if field == "link":
        return FieldProblem(field, "bad_url")
    return FieldProblem(field, "required" if error["type"] == "missing" else "invalid")


def _place_columns(session: Session, place: str) -> tuple[str | None, int | None]:
    if place.startswith("region:"):
        region_id = session.scalar(select(Region.id).where(Region.slug == place.removeprefix("region:")))
        if region_id is None:
            raise EditError([FieldProblem("place", "invalid")])
        return None, region_id
    if not re.fullmatch(r"\d{4}", place) or session.get(Municipality, place) is None:
        raise EditError([FieldProblem("place", "unknown_municipality")])
    return place, None


def _check_in_catalogue(session: Session, place: str, catalogue_region: int | None) -> None:
    """A region's catalogue takes records of the region and its member municipalities; the template, of
    municipalities in no region (``EditError`` on ``place`` otherwise)."""
    number, region_id = _place_columns(session, place)
    if number is None:
        inside = region_id == catalogue_region
    elif catalogue_region is None:
        inside = not regions_of_municipality(session, number)
    else:
        inside = catalogue_region in regions_of_municipality(session, number)
    if not inside:
        raise EditError([FieldProblem("place", "not_in_catalogue")])


def _place_filter(session: Session, activity_id: int, place: str) -> Any:
    number, region_id = _place_columns(session, place)
    if number is not None:
        return and_(MeasureProgress.activity_id == activity_id, MeasureProgress.kommunenummer == number)
    return and_(MeasureProgress.activity_id == activity_id, MeasureProgress.region_id == region_id)


# --- success criteria ---------------------------------------------------------------------------


class CriterionInput(BaseModel):
    """A goal for a measure: what counts as success, a target (a number with its unit, or words) and a date."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    description: str = Field(min_length=1, max_length=1000)
    target_value: float | None = None
    target_unit: str | None = Field(None, max_length=60)
    target_text: str | None = Field(None, max_length=500)
    target_date: dt.date
    at_most: bool = False  # the target is a ceiling (something to bring down), not a level to reach

    @model_validator(mode="after")
    def _has_target(self) -> CriterionInput:
        if self.target_value is None and self.target_text is None:
            raise ValueError("no_target")
        return self


def criterion_values(criterion: MeasureCriterion) -> dict[str, Any]:
    return {
        "id": criterion.id,
        "version": criterion.version,
        "area_id": criterion.area_id,
        "activity_id": criterion.activity_id,
        "is_example": criterion.is_example,
        **{name: getattr(criterion, name) for name in CriterionInput.model_fields},
    }


def measure_key(kind: str, code: str, region_slug: str | None) -> str:
    """How forms and copies name a measure: ``area:<code>`` or ``activity:<code>`` of the template, with
    ``@<region-slug>`` for a region's catalogue (``area:coworking@hardangerradet``)."""
    return f"{kind}:{code}" + (f"@{region_slug}" if region_slug else "")


def measure_columns(session: Session, measure: str) -> tuple[int | None, int | None, int | None]:
    """(area_id, activity_id, the catalogue's region_id) of ``measure`` (see ``measure_key``)."""
    kind, _, rest = measure.partition(":")
    code, _, slug = rest.partition("@")
    region_id = None
    if slug:
        region_id = session.scalar(select(Region.id).where(Region.slug == slug))
        if region_id is None:
            raise EditError([FieldProblem("measure", "invalid")])
    in_catalogue = MeasureArea.region_id.is_(None) if region_id is None else MeasureArea.region_id == region_id
    if kind == "area":
        area_id = session.scalar(select(MeasureArea.id).where(MeasureArea.code == code, in_catalogue))
        if area_id is not None:
            return area_id, None, region_id
    elif kind == "activity":
        activity_id = session.scalar(
            select(MeasureActivity.id)
            .join(MeasureArea, MeasureArea.id == MeasureActivity.area_id)
            .where(MeasureActivity.code == code, in_catalogue)
            .order_by(MeasureArea.number)
        )
        if activity_id is not None:
            return None, activity_id, region_id
    raise EditError([FieldProblem("measure", "invalid")])


def criterion_region(session: Session, criterion: MeasureCriterion) -> int | None:
    """The region whose catalogue ``criterion`` belongs to (None: the template)."""
    area_id = criterion.area_id
    if area_id is None:
        area_id = session.scalar(select(MeasureActivity.area_id).where(MeasureActivity.id == criterion.activity_id))
    return session.scalar(select(MeasureArea.region_id).where(MeasureArea.id == area_id))


def find_criteria(session: Session, measure: str) -> list[dict[str, Any]]:
    """The criteria set for ``measure`` (see ``measure_key``), oldest first."""
    area_id, activity_id, _region = measure_columns(session, measure)
    column = MeasureCriterion.area_id if area_id is not None else MeasureCriterion.activity_id
    rows = session.scalars(
        select(MeasureCriterion).where(column == (area_id or activity_id)).order_by(MeasureCriterion.id)
    )
    return [criterion_values(c) for c in rows]


def load_criterion(session: Session, criterion_id: int) -> dict[str, Any] | None:
    criterion = session.get(MeasureCriterion, criterion_id)
    return criterion_values(criterion) if criterion else None


def save_criterion(
    session: Session,
    actor: Actor,
    measure: str,
    values: dict[str, Any],
    criterion_id: int | None = None,
    version: int | None = None,
) -> dict[str, Any]:
    """Add a criterion to ``measure`` (``criterion_id`` None) or change one; saved by an editor, it is the
    council's own and no longer an example.

    Raises:
        NotAllowed: the actor is no editor of the catalogue's region (the template's: no national editor).
        EditError: unknown measure, or an invalid field.
        EditConflict: someone changed the criterion since ``version``, or it is gone.
    """
    area_id, activity_id, catalogue_region = measure_columns(session, measure)
    if catalogue_region is None:
        check_national(actor, "editor")
    else:
        check_region(actor, "editor", catalogue_region)
    actor = actor_name(actor)
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    cleaned = {k: v for k, v in cleaned.items() if v not in (None, "")}
    if isinstance(cleaned.get("target_value"), str):
        cleaned["target_value"] = cleaned["target_value"].replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        checked = CriterionInput.model_validate(cleaned).model_dump()
    except ValidationError as error:
        raise EditError([_criterion_problem(e) for e in error.errors()]) from None
    if criterion_id is None:
        criterion = MeasureCriterion(area_id=area_id, activity_id=activity_id, updated_by=actor, **checked)
        session.add(criterion)
        session.flush()
        after = criterion_values(criterion)
        record(session, actor, "criterion.create", "measure_criterion", str(criterion.id), None, after)
        return after
    before = _locked(session, MeasureCriterion, criterion_id, version, criterion_values)
    if (before["area_id"], before["activity_id"]) != (area_id, activity_id):
        raise EditError([FieldProblem("measure", "invalid")])
    session.execute(
        update(MeasureCriterion)
        .where(MeasureCriterion.id == criterion_id)
        .values(
            **checked, is_example=False, updated_by=actor, version=MeasureCriterion.version + 1, updated_at=func.now()
        )
    )
    changed = session.get(MeasureCriterion, criterion_id)
    assert changed is not None
    session.refresh(changed)
    after = criterion_values(changed)
    record(session, actor, "criterion.update", "measure_criterion", str(criterion_id), before, after)
    return after


def _criterion_problem(error: Any) -> FieldProblem:
    if not error["loc"]:  # the model's own check: neither a number nor words as the target
        return FieldProblem("target_value", "no_target")
    field = str(error["loc"][0])
    if error["type"] == "string_too_long":
        return FieldProblem(field, "too_long")
    if field == "target_date":
        return FieldProblem(field, "required" if error["type"] == "missing" else "bad_date")
    if field == "target_value":
        return FieldProblem(field, "not_a_number")
    return FieldProblem(field, "required" if error["type"] in ("missing", "string_too_short") else "invalid")


class MeasurementInput(BaseModel):
    """A value measured for a criterion's numeric target, on a date that has come."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    value: float
    measured_on: dt.date
    note: str | None = Field(None, max_length=500)

    @field_validator("measured_on")
    @classmethod
    def _not_ahead(cls, value: dt.date) -> dt.date:
        if value > dt.date.today():
            raise ValueError("in_future")
        return value


def measurement_values(measurement: CriterionMeasurement, place: str) -> dict[str, Any]:
    return {
        "id": measurement.id,
        "criterion_id": measurement.criterion_id,
        "place": place,
        "is_example": measurement.is_example,
        "updated_by": measurement.updated_by,
        **{name: getattr(measurement, name) for name in MeasurementInput.model_fields},
    }


def record_measurement(
    session: Session, actor: Actor, criterion_id: int, place: str, values: dict[str, Any]
) -> dict[str, Any]:
    """Add a measured value of criterion ``criterion_id`` in ``place`` (a kommunenummer or ``region:<slug>``).
    Measurements are a history: a correction is a newer one, the old stays in the log.

    Raises:
        NotAllowed: the place is outside the actor's regions.
        EditError: no such criterion, its target is not a number, an unknown place, or an invalid field.
    """
    check_place(session, actor, "editor", place)
    actor = actor_name(actor)
    criterion = session.get(MeasureCriterion, criterion_id)
    if criterion is None:
        raise EditError([FieldProblem("criterion", "invalid")])
    if criterion.target_value is None:
        raise EditError([FieldProblem("value", "no_numeric_target")])
    _check_in_catalogue(session, place, criterion_region(session, criterion))
    number, region_id = _place_columns(session, place)
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    cleaned = {k: v for k, v in cleaned.items() if v not in (None, "")}
    if isinstance(cleaned.get("value"), str):
        cleaned["value"] = cleaned["value"].replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        checked = MeasurementInput.model_validate(cleaned).model_dump()
    except ValidationError as error:
        raise EditError([_measurement_problem(e) for e in error.errors()]) from None
    measurement = CriterionMeasurement(
        criterion_id=criterion_id, kommunenummer=number, region_id=region_id, updated_by=actor, **checked
    )
    session.add(measurement)
    session.flush()
    after = measurement_values(measurement, place)
    record(session, actor, "criterion.measure", "criterion_measurement", str(measurement.id), None, after)
    return after


def find_measurements(session: Session, criterion_id: int) -> list[dict[str, Any]]:
    """The values recorded for a criterion, newest first."""
    rows = session.execute(
        select(CriterionMeasurement, Region.slug)
        .outerjoin(Region, Region.id == CriterionMeasurement.region_id)
        .where(CriterionMeasurement.criterion_id == criterion_id)
        .order_by(CriterionMeasurement.measured_on.desc(), CriterionMeasurement.id.desc())
    ).all()
    return [measurement_values(m, m.kommunenummer or f"region:{slug}") for m, slug in rows]


def _measurement_problem(error: Any) -> FieldProblem:
    field = str(error["loc"][0]) if error["loc"] else "value"
    if error["type"] == "string_too_long":
        return FieldProblem(field, "too_long")
    if field == "measured_on":
        if error["type"] == "missing":
            return FieldProblem(field, "required")
        return FieldProblem(field, "in_future" if "in_future" in str(error.get("msg", "")) else "bad_date")
    if field == "value":
        return FieldProblem(field, "required" if error["type"] == "missing" else "not_a_number")
    return FieldProblem(field, "invalid")


# --- shared ---------------------------------------------------------------------------------------


def _locked(session: Session, model: Any, record_id: int, version: int | None, values: Any) -> dict[str, Any]:
    """The record's values before the change, with a row lock; ``EditConflict`` if it moved on."""
    current = session.scalar(select(model).where(model.id == record_id).with_for_update())
    if current is None:
        raise EditConflict(None)
    if version is None or current.version != version:
        raise EditConflict(values(current))
    return values(current)


def load_space(session: Session, space_id: int, actor: Actor | None = None) -> dict[str, Any] | None:
    """A space's values for the form; with ``actor``, only one it may change (else ``NotAllowed``)."""
    space = session.get(CoworkingSpace, space_id)
    if space is not None and actor is not None:
        check_municipality(session, actor, "editor", space.kommunenummer)
    return space_values(space) if space else None
