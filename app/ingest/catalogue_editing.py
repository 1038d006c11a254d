"""Changing a measures catalogue: a region's own (its admins, or a national admin) or the template (a national
admin only; regions made later copy it). Who may is decided by ``app.db.access.check_catalogue``.

- An **area**'s title and rationale change (bokmål required; nynorsk and English default to the bokmål).
  Areas are added and removed only by importing a whole catalogue (``replace_catalogue``).
- An **activity** is added to an area (its code made from the bokmål title, unique within the catalogue, and
  kept when the titles change: backups and criteria name it by its code), retitled, moved up or down, or
  removed. Removing one that has progress, success criteria or measured values recorded against it is
  refused with their counts (``InUse``): nothing recorded is lost without a word.
- An **opportunity** is added, changed or removed (nothing is recorded against one); the ones after a
  removed one move up a number.

Each change is validated (pydantic; problems as ``FieldProblem`` codes the web layer words, like
``app.ingest.editing``) and logged in the audit trail in its transaction. The rows carry no version: two
admins changing the same title both succeed, the later one wins, and both are in the change log.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from app.db.access import Actor, actor_name, check_catalogue
from app.db.audit import record
from app.db.models import (
    CriterionMeasurement,
    MeasureActivity,
    MeasureArea,
    MeasureCriterion,
    MeasureProgress,
    Opportunity,
    Region,
)
from app.errors import N_, FjernarbeidError, ImportValidationError
from app.ingest.editing import EditError, FieldProblem
from app.ingest.measures import Catalogue as CatalogueFile
from app.ingest.measures import load_measures

TITLE_MAX = 300
RATIONALE_MAX = 4000
SOURCE_MAX = 300
CODE_MAX = 60  # measure_activity.code


class TitlesInput(BaseModel):
    """An activity's or opportunity's title: bokmål required, nynorsk and English default to it."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    title_nb: str = Field(min_length=1, max_length=TITLE_MAX)
    title_nn: str | None = Field(None, max_length=TITLE_MAX)
    title_en: str | None = Field(None, max_length=TITLE_MAX)


class AreaInput(TitlesInput):
    rationale_nb: str = Field(min_length=1, max_length=RATIONALE_MAX)
    rationale_nn: str | None = Field(None, max_length=RATIONALE_MAX)
    rationale_en: str | None = Field(None, max_length=RATIONALE_MAX)


class OpportunityInput(TitlesInput):
    source: str | None = Field(None, max_length=SOURCE_MAX)


AREA_FIELDS = tuple(AreaInput.model_fields)
ACTIVITY_FIELDS = tuple(TitlesInput.model_fields)
OPPORTUNITY_FIELDS = tuple(OpportunityInput.model_fields)


@dataclass(frozen=True)
class Recorded:
    """What is recorded against a part of a catalogue."""

    progress: int = 0
    criteria: int = 0
    measured: int = 0

    def __bool__(self) -> bool:
        return bool(self.progress or self.criteria or self.measured)


class InUse(FjernarbeidError):
    """A part of a catalogue to be removed has records against it: nothing was removed. ``title`` is its title
    in each language (``values["name"]`` the bokmål one)."""

    def __init__(self, title: dict[str, str], recorded: Recorded):
        super().__init__(
            message_id=N_(
                "Nothing was removed: “{name}” has {progress} progress records, {criteria} success criteria and "
                "{measured} measured values recorded against it, and removing it would remove them too. Keep it "
                "(change its title if it should say something else), or first remove what is recorded against it."
            ),
            name=title.get("nb", ""),
            progress=recorded.progress,
            criteria=recorded.criteria,
            measured=recorded.measured,
        )
        self.title = title
        self.recorded = recorded


# --- reading ---------------------------------------------------------------------------------------


def catalogue_region(session: Session, region_slug: str | None) -> int | None:
    """The region id of ``region_slug``'s catalogue (None: the template); ``EditError`` for an unknown one."""
    if not region_slug:
        return None
    region_id = session.scalar(select(Region.id).where(Region.slug == region_slug))
    if region_id is None:
        raise EditError([FieldProblem("catalogue", "invalid")])
    return region_id


def _in_catalogue(column: Any, region_id: int | None) -> Any:
    return column.is_(None) if region_id is None else column == region_id


def load_catalogue(session: Session, region_id: int | None) -> dict[str, Any]:
    """The catalogue as the editing page shows it: its areas in order, each with its activities in order (with
    ids), and its opportunities."""
    areas = session.scalars(
        select(MeasureArea)
        .options(selectinload(MeasureArea.activities))
        .where(_in_catalogue(MeasureArea.region_id, region_id))
        .order_by(MeasureArea.number)
        .execution_options(populate_existing=True)  # as stored now, after this session's own changes
    ).all()
    chances = session.scalars(
        select(Opportunity).where(_in_catalogue(Opportunity.region_id, region_id)).order_by(Opportunity.number)
    ).all()
    return {
        "areas": [
            {
                **_area_values(a),
                "activities": [_activity_values(x) for x in a.activities],
            }
            for a in areas
        ],
        "opportunities": [_opportunity_values(o) for o in chances],
    }


def _area_values(area: MeasureArea) -> dict[str, Any]:
    return {
        "id": area.id,
        "code": area.code,
        "number": area.number,
        "title": dict(area.title),
        "rationale": dict(area.rationale),
    }


def _activity_values(activity: MeasureActivity) -> dict[str, Any]:
    return {
        "id": activity.id,
        "area_id": activity.area_id,
        "code": activity.code,
        "position": activity.position,
        "title": dict(activity.title),
    }


def _opportunity_values(opportunity: Opportunity) -> dict[str, Any]:
    return {
        "id": opportunity.id,
        "number": opportunity.number,
        "title": dict(opportunity.title),
        "source": opportunity.source,
    }


def recorded_against(
    session: Session, activity_ids: list[int] | tuple[int, ...] = (), area_ids: list[int] | tuple[int, ...] = ()
) -> Recorded:
    """The progress records, success criteria and measured values of these activities and (the criteria set
    on the whole area) areas."""
    activity_ids, area_ids = list(activity_ids), list(area_ids)
    progress = session.scalar(
        select(func.count()).select_from(MeasureProgress).where(MeasureProgress.activity_id.in_(activity_ids))
    )
    of_these = MeasureCriterion.activity_id.in_(activity_ids) | MeasureCriterion.area_id.in_(area_ids)
    criteria = session.scalar(select(func.count()).select_from(MeasureCriterion).where(of_these))
    measured = session.scalar(
        select(func.count())
        .select_from(CriterionMeasurement)
        .join(MeasureCriterion, MeasureCriterion.id == CriterionMeasurement.criterion_id)
        .where(of_these)
    )
    return Recorded(progress or 0, criteria or 0, measured or 0)


# --- validation ------------------------------------------------------------------------------------


Checked = TypeVar("Checked", bound=TitlesInput)


def _valid(model: type[Checked], values: dict[str, Any]) -> Checked:
    problems = [FieldProblem(k, "invalid") for k, v in values.items() if v is not None and not isinstance(v, str)]
    if problems:
        raise EditError(problems)
    cleaned = {k: v.strip() for k, v in values.items() if isinstance(v, str) and v.strip()}
    try:
        return model.model_validate(cleaned)
    except ValidationError as error:
        raise EditError([_problem(e) for e in error.errors()]) from None


def _problem(error: Any) -> FieldProblem:
    field = str(error["loc"][0]) if error["loc"] else "title_nb"
    if error["type"] == "missing":
        return FieldProblem(field, "required")
    if error["type"] == "string_too_long":
        return FieldProblem(field, "too_long")
    return FieldProblem(field, "invalid")


def _texts(checked: TitlesInput, name: str) -> dict[str, str]:
    """``{"nb", "nn", "en"}`` of ``name`` (title, rationale); nynorsk and English default to the bokmål."""
    nb = getattr(checked, f"{name}_nb")
    return {"nb": nb, "nn": getattr(checked, f"{name}_nn") or nb, "en": getattr(checked, f"{name}_en") or nb}


# --- areas -----------------------------------------------------------------------------------------


def _area(session: Session, area_id: int, actor: Actor) -> MeasureArea:
    area = session.get(MeasureArea, area_id)
    if area is None:
        raise EditError([FieldProblem("area", "invalid")])
    check_catalogue(actor, area.region_id)
    return area


def save_area(session: Session, actor: Actor, area_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """Change an area's title and rationale (``AREA_FIELDS``); the stored values.

    Raises:
        NotAllowed: the actor may not change the area's catalogue.
        EditError: unknown area, or an invalid field.
    """
    area = _area(session, area_id, actor)
    checked = _valid(AreaInput, values)
    before = _area_values(area)
    session.execute(
        update(MeasureArea)
        .where(MeasureArea.id == area_id)
        .values(title=_texts(checked, "title"), rationale=_texts(checked, "rationale"))
    )
    session.refresh(area)
    after = _area_values(area)
    record(session, actor_name(actor), "catalogue.area.update", "measure_area", str(area_id), before, after)
    return after


# --- activities ------------------------------------------------------------------------------------


def _activity(session: Session, activity_id: int, actor: Actor) -> tuple[MeasureActivity, MeasureArea]:
    activity = session.get(MeasureActivity, activity_id)
    if activity is None:
        raise EditError([FieldProblem("activity", "invalid")])
    area = session.get(MeasureArea, activity.area_id)
    assert area is not None
    check_catalogue(actor, area.region_id)
    return activity, area


def activity_code(title: str, area_code: str, taken: set[str]) -> str:
    """A code for a new activity of ``area_code`` made from its bokmål ``title`` (``coworking_apne_kontoret``),
    not in ``taken``: the catalogue's codes."""
    plain = title.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    plain = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "_", plain).strip("_") or "activity"
    base = f"{area_code}_{words}"[: CODE_MAX - 4].rstrip("_")
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}_{n}"
    return code


def add_activity(session: Session, actor: Actor, area_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """Add an activity at the end of an area (``ACTIVITY_FIELDS``); the stored values.

    Raises:
        NotAllowed: the actor may not change the area's catalogue.
        EditError: unknown area, or an invalid field.
    """
    area = _area(session, area_id, actor)
    checked = _valid(TitlesInput, values)
    taken = set(
        session.scalars(
            select(MeasureActivity.code)
            .join(MeasureArea, MeasureArea.id == MeasureActivity.area_id)
            .where(_in_catalogue(MeasureArea.region_id, area.region_id))
        )
    )
    last = session.scalar(select(func.max(MeasureActivity.position)).where(MeasureActivity.area_id == area_id))
    activity = MeasureActivity(
        area_id=area_id,
        code=activity_code(checked.title_nb, area.code, taken),
        position=(last or 0) + 1,
        title=_texts(checked, "title"),
    )
    session.add(activity)
    session.flush()
    after = _activity_values(activity)
    record(session, actor_name(actor), "catalogue.activity.create", "measure_activity", str(activity.id), None, after)
    return after


def save_activity(session: Session, actor: Actor, activity_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """Change an activity's titles (``ACTIVITY_FIELDS``); its code stays. The stored values.

    Raises:
        NotAllowed: the actor may not change the activity's catalogue.
        EditError: unknown activity, or an invalid field.
    """
    activity, _area_row = _activity(session, activity_id, actor)
    checked = _valid(TitlesInput, values)
    before = _activity_values(activity)
    session.execute(
        update(MeasureActivity).where(MeasureActivity.id == activity_id).values(title=_texts(checked, "title"))
    )
    session.refresh(activity)
    after = _activity_values(activity)
    record(session, actor_name(actor), "catalogue.activity.update", "measure_activity", str(activity_id), before, after)
    return after


def move_activity(session: Session, actor: Actor, activity_id: int, direction: Literal["up", "down"]) -> bool:
    """Swap an activity with the one before (``up``) or after it in its area; False when it is already first or
    last (nothing changed).

    Raises:
        NotAllowed: the actor may not change the activity's catalogue.
        EditError: unknown activity or direction.
    """
    activity, _area_row = _activity(session, activity_id, actor)
    if direction not in ("up", "down"):
        raise EditError([FieldProblem("direction", "invalid")])
    siblings = session.scalars(
        select(MeasureActivity)
        .where(MeasureActivity.area_id == activity.area_id)
        .order_by(MeasureActivity.position, MeasureActivity.id)
        .with_for_update()
    ).all()
    index = next(i for i, s in enumerate(siblings) if s.id == activity_id)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return False
    order = list(siblings)
    order[index], order[other] = order[other], order[index]
    before = [s.code for s in siblings]
    for position, sibling in enumerate(order, start=1):  # numbered 1… again: equal positions cannot stay
        sibling.position = position
    session.flush()
    after = [s.code for s in order]
    record(
        session,
        actor_name(actor),
        "catalogue.activity.move",
        "measure_area",
        str(activity.area_id),
        {"activities": before},
        {"activities": after},
    )
    return True


def remove_activity(session: Session, actor: Actor, activity_id: int) -> None:
    """Remove an activity that has nothing recorded against it.

    Raises:
        NotAllowed: the actor may not change the activity's catalogue.
        EditError: unknown activity.
        InUse: progress, success criteria or measured values are recorded against it (nothing removed).
    """
    activity, _area_row = _activity(session, activity_id, actor)
    # locked before counting: a record made meanwhile waits for this transaction (its foreign key needs the
    # row), then fails, instead of being removed with the activity unseen
    session.execute(select(MeasureActivity.id).where(MeasureActivity.id == activity_id).with_for_update())
    recorded = recorded_against(session, [activity_id])
    if recorded:
        raise InUse(dict(activity.title), recorded)
    before = _activity_values(activity)
    session.execute(delete(MeasureActivity).where(MeasureActivity.id == activity_id))
    session.expire_all()
    record(session, actor_name(actor), "catalogue.activity.delete", "measure_activity", str(activity_id), before, None)


# --- opportunities ---------------------------------------------------------------------------------


def save_opportunity(
    session: Session, actor: Actor, region_id: int | None, values: dict[str, Any], opportunity_id: int | None = None
) -> dict[str, Any]:
    """Add an opportunity at the end of ``region_id``'s catalogue (None: the template), or change one
    (``opportunity_id``, which must be of that catalogue); the stored values (``OPPORTUNITY_FIELDS``).

    Raises:
        NotAllowed: the actor may not change the catalogue.
        EditError: unknown opportunity, or an invalid field.
    """
    check_catalogue(actor, region_id)
    checked = _valid(OpportunityInput, values)
    fields = {"title": _texts(checked, "title"), "source": checked.source or ""}
    name = actor_name(actor)
    if opportunity_id is None:
        last = session.scalar(
            select(func.max(Opportunity.number)).where(_in_catalogue(Opportunity.region_id, region_id))
        )
        opportunity = Opportunity(region_id=region_id, number=(last or 0) + 1, **fields)
        session.add(opportunity)
        session.flush()
        after = _opportunity_values(opportunity)
        record(session, name, "catalogue.opportunity.create", "opportunity", str(opportunity.id), None, after)
        return after
    found = session.get(Opportunity, opportunity_id)
    if found is None or found.region_id != region_id:
        raise EditError([FieldProblem("opportunity", "invalid")])
    before = _opportunity_values(found)
    session.execute(update(Opportunity).where(Opportunity.id == opportunity_id).values(**fields))
    session.refresh(found)
    after = _opportunity_values(found)
    record(session, name, "catalogue.opportunity.update", "opportunity", str(opportunity_id), before, after)
    return after


def remove_opportunity(session: Session, actor: Actor, opportunity_id: int) -> None:
    """Remove an opportunity; the ones after it move up a number.

    Raises:
        NotAllowed: the actor may not change its catalogue.
        EditError: unknown opportunity.
    """
    found = session.get(Opportunity, opportunity_id)
    if found is None:
        raise EditError([FieldProblem("opportunity", "invalid")])
    check_catalogue(actor, found.region_id)
    before = _opportunity_values(found)
    region_id, number = found.region_id, found.number
    session.execute(delete(Opportunity).where(Opportunity.id == opportunity_id))
    later = session.scalars(
        select(Opportunity)
        .where(_in_catalogue(Opportunity.region_id, region_id), Opportunity.number > number)
        .order_by(Opportunity.number)
    ).all()
    for opportunity in later:  # one at a time, in order: each number is free when it is taken
        opportunity.number -= 1
        session.flush()
    session.expire_all()
    record(session, actor_name(actor), "catalogue.opportunity.delete", "opportunity", str(opportunity_id), before, None)


# --- a whole catalogue from a file (the command line) ----------------------------------------------


def export_catalogue(session: Session, path: Path, region_id: int | None) -> int:
    """Write ``region_id``'s catalogue (None: the template) to ``path`` in the format of seed/measures.yaml and of
    a backup's catalogues; the number of areas."""
    from app.ingest.backup import _export_measures  # the backup's own writer: one format

    return _export_measures(session, path, region_id)


@dataclass(frozen=True)
class Replaced:
    changed: int  # rows added or changed
    removed: list[str]  # what the file no longer has, removed: "activity coworking_map", "area …", "opportunity 8"


def replace_catalogue(session: Session, actor: Actor, path: Path, region_id: int | None) -> Replaced:
    """Make ``region_id``'s catalogue (None: the template) what ``path`` says: areas, activities and
    opportunities are added or changed (``app.ingest.measures.load_measures``), and those the file no longer
    has are removed when nothing is recorded against them. All or nothing: in the caller's transaction, and
    raising before anything is written.

    Raises:
        NotAllowed: the actor may not change the catalogue.
        ImportValidationError: the file does not follow the format, or names a code twice, or something it
            leaves out has records against it (each named with its counts, and the fix).
    """
    check_catalogue(actor, region_id)
    try:
        wanted = CatalogueFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as error:
        raise ImportValidationError(
            f"{path.name}: this is not YAML ({error}); nothing was changed. Fix: correct it, or export the catalogue "
            "again and change that copy."
        ) from None
    except ValidationError:
        load_measures(session, path, region_id)  # raises the importer's own message, naming file and field
        raise
    _check_unique(path, wanted)
    in_file_areas = {a.code for a in wanted.areas}
    in_file_activities = {(a.code, x.code) for a in wanted.areas for x in a.activities}
    in_file_numbers = {o.number for o in wanted.opportunities}
    areas = session.scalars(
        select(MeasureArea)
        .options(selectinload(MeasureArea.activities))
        .where(_in_catalogue(MeasureArea.region_id, region_id))
    ).all()
    gone_areas = [a for a in areas if a.code not in in_file_areas]
    gone_activities = [
        (a, x)
        for a in areas
        if a.code in in_file_areas
        for x in a.activities
        if (a.code, x.code) not in in_file_activities
    ]
    problems = []
    for area in gone_areas:
        recorded = recorded_against(session, [x.id for x in area.activities], [area.id])
        if recorded:
            problems.append(_in_use_problem(path, f"area {area.code}", recorded))
    for area, activity in gone_activities:
        recorded = recorded_against(session, [activity.id])
        if recorded:
            problems.append(_in_use_problem(path, f"activity {activity.code} (area {area.code})", recorded))
    if problems:
        raise ImportValidationError(
            f"{path.name}: the file leaves out parts of the catalogue that have records against them; nothing was "
            "changed:\n" + "\n".join(f"  - {p}" for p in problems),
            problems,
        )
    removed = []
    name = actor_name(actor)
    for _area_row, activity in gone_activities:
        before = _activity_values(activity)
        session.execute(delete(MeasureActivity).where(MeasureActivity.id == activity.id))
        record(session, name, "catalogue.activity.delete", "measure_activity", str(activity.id), before, None)
        removed.append(f"activity {activity.code}")
    for area in gone_areas:
        before = _area_values(area)
        session.execute(delete(MeasureArea).where(MeasureArea.id == area.id))
        record(session, name, "catalogue.area.delete", "measure_area", str(area.id), before, None)
        removed.append(f"area {area.code}")
    gone_chances = session.scalars(
        select(Opportunity).where(
            _in_catalogue(Opportunity.region_id, region_id), Opportunity.number.not_in(in_file_numbers or {-1})
        )
    ).all()
    for opportunity in gone_chances:
        before = _opportunity_values(opportunity)
        session.execute(delete(Opportunity).where(Opportunity.id == opportunity.id))
        record(session, name, "catalogue.opportunity.delete", "opportunity", str(opportunity.id), before, None)
        removed.append(f"opportunity {opportunity.number}")
    # the areas left may be numbered anew by the file: out of the way first, as numbers are unique
    session.execute(
        update(MeasureArea).where(_in_catalogue(MeasureArea.region_id, region_id)).values(number=-MeasureArea.number)
    )
    session.expire_all()
    changed = load_measures(session, path, region_id)
    record(session, name, "catalogue.import", "measure_area", None, None, {"file": path.name, "removed": removed})
    return Replaced(changed, removed)


def _check_unique(path: Path, wanted: CatalogueFile) -> None:
    problems = []
    for kind, codes in (
        ("area code", [a.code for a in wanted.areas]),
        ("area number", [str(a.number) for a in wanted.areas]),
        ("activity code", [x.code for a in wanted.areas for x in a.activities]),
        ("opportunity number", [str(o.number) for o in wanted.opportunities]),
    ):
        seen: set[str] = set()
        for code in codes:
            if code in seen:
                problems.append(f"{path.name}: the {kind} {code!r} is there twice. Fix: give each its own {kind}.")
            seen.add(code)
    if problems:
        raise ImportValidationError("\n".join(problems), problems)


def _in_use_problem(path: Path, what: str, recorded: Recorded) -> str:
    return (
        f"{path.name}: the {what} is not in the file, but has {recorded.progress} progress records, "
        f"{recorded.criteria} success criteria and {recorded.measured} measured values recorded against it. "
        "Fix: keep it in the file (its titles may change), or remove what is recorded against it first."
    )
