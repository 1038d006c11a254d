"""Measures catalogues: the template and each region's own (migration 0019).

The **template** is the catalogue with no region: the report's five measure areas with their activities and
its eight opportunities (``seed/measures.yaml``). A region's catalogue starts as a copy of the template when
the region is made, and is the region's to change from then on: its progress, success criteria and measured
values belong to its own areas and activities. A change to the template reaches regions made later, not
the copies already made (they may have been changed on purpose).
"""

from __future__ import annotations

from sqlalchemy import exists, select, text
from sqlalchemy.orm import Session

from app.db.models import MeasureActivity, MeasureArea, Region


def copy_template(session: Session, region_id: int) -> int:
    """Copy the template's areas, activities and opportunities into ``region_id``'s catalogue; the number of
    areas copied (0 when the template is empty). The region must have no catalogue yet."""
    params = {"region": region_id}
    session.execute(
        text(
            "INSERT INTO opportunity (number, title, source, region_id) "
            "SELECT number, title, source, :region FROM opportunity WHERE region_id IS NULL ORDER BY number"
        ),
        params,
    )
    areas = session.execute(
        text(
            "INSERT INTO measure_area (code, number, title, rationale, source, evidence, evidence_note, region_id) "
            "SELECT code, number, title, rationale, source, evidence, evidence_note, :region "
            "FROM measure_area WHERE region_id IS NULL ORDER BY number RETURNING id"
        ),
        params,
    ).all()
    session.execute(
        text(
            "INSERT INTO measure_activity (area_id, code, position, title) "
            "SELECT copy.id, a.code, a.position, a.title FROM measure_activity a "
            "JOIN measure_area t ON t.id = a.area_id AND t.region_id IS NULL "
            "JOIN measure_area copy ON copy.code = t.code AND copy.region_id = :region "
            "ORDER BY copy.number, a.position"
        ),
        params,
    )
    session.expire_all()
    return len(areas)


def has_catalogue(session: Session, region_id: int) -> bool:
    return bool(session.scalar(select(exists().where(MeasureArea.region_id == region_id))))


def give_regions_catalogues(session: Session) -> int:
    """Copy the template into every region that has no catalogue yet (a region made before the template was
    loaded); the number of regions given one."""
    given = 0
    for region_id in session.scalars(select(Region.id).order_by(Region.id)).all():
        if not has_catalogue(session, region_id) and copy_template(session, region_id):
            given += 1
    return given


def catalogue_region_of_activity(session: Session, activity_id: int) -> tuple[bool, int | None]:
    """(the activity exists, the region whose catalogue it is in: None for the template)."""
    row = session.execute(
        select(MeasureArea.region_id)
        .join(MeasureActivity, MeasureActivity.area_id == MeasureArea.id)
        .where(MeasureActivity.id == activity_id)
    ).first()
    return (row is not None, row[0] if row is not None else None)
