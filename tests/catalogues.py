"""Finding areas and activities of a measures catalogue in tests: each region has its own copy of the
template (``app.db.catalogues``), so a code alone does not name one activity."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import MeasureActivity, MeasureArea, Region

HARDANGER = "hardangerradet"


def _in_catalogue(region: str | None):
    if region is None:
        return MeasureArea.region_id.is_(None)
    return MeasureArea.region_id == select(Region.id).where(Region.slug == region).scalar_subquery()


def area(session: Session, code: str, region: str | None = HARDANGER) -> MeasureArea:
    """The area ``code`` of ``region``'s catalogue (None: the template)."""
    found = session.scalar(select(MeasureArea).where(MeasureArea.code == code, _in_catalogue(region)))
    assert found is not None, f"no area {code!r} in the catalogue of {region!r}"
    return found


def activity(session: Session, code: str | None = None, region: str | None = HARDANGER) -> MeasureActivity:
    """The activity ``code`` of ``region``'s catalogue, or its first activity (first area, first position)."""
    stmt = (
        select(MeasureActivity)
        .join(MeasureArea, MeasureArea.id == MeasureActivity.area_id)
        .where(_in_catalogue(region))
        .order_by(MeasureArea.number, MeasureActivity.position)
    )
    found = session.scalars(stmt.where(MeasureActivity.code == code) if code else stmt).first()
    assert found is not None, f"no activity {code!r} in the catalogue of {region!r}"
    return found
