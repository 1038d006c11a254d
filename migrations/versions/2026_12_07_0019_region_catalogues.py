"""Each region has its own measures catalogue: ``measure_area`` and ``opportunity`` get ``region_id``.

Rows with no region are the **template**: the report's five measure areas and eight opportunities, loaded
from ``seed/measures.yaml``. A region's catalogue starts as a copy of the template (made when the region is
made) that its editors may change; its progress, success criteria and measured values belong to its own
activities, so one region's changes never show in another's.

Codes and numbers are unique within a catalogue (``NULLS NOT DISTINCT``: within the template too), and an
activity's code within its area.

**The upgrade moves what councils have recorded into their region's copy**: for every region, the template
is copied; progress and measured values of the region as a whole and of its member municipalities, and every
success criterion (with the measured values of those places), move to the copy. A municipality in two
regions has its records in both. Records of municipalities in no region stay on the template, as before
(no page showed them).

Downgrade: the regions' catalogues are deleted with what was recorded against them (the old schema had one
catalogue); the template and its records stay.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 10:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("measure_area", "opportunity"):
        op.add_column(table, sa.Column("region_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            f"fk_{table}_region_id_region", table, "region", ["region_id"], ["id"], ondelete="CASCADE"
        )
    op.drop_constraint("uq_measure_area_code", "measure_area", type_="unique")
    op.drop_constraint("uq_measure_area_number", "measure_area", type_="unique")
    op.drop_constraint("uq_opportunity_number", "opportunity", type_="unique")
    op.drop_constraint("uq_measure_activity_code", "measure_activity", type_="unique")
    op.create_index(
        "uq_measure_area_region_code",
        "measure_area",
        ["region_id", "code"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )
    op.create_index(
        "uq_measure_area_region_number",
        "measure_area",
        ["region_id", "number"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )
    op.create_index(
        "uq_opportunity_region_number",
        "opportunity",
        ["region_id", "number"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )
    op.create_unique_constraint("uq_measure_activity_area_id_code", "measure_activity", ["area_id", "code"])
    for region_id in op.get_bind().execute(sa.text("SELECT id FROM region ORDER BY id")).scalars().all():
        _move_into_copy(region_id)


def _move_into_copy(region_id: int) -> None:
    """Copy the template into ``region_id`` and move its places' records (and copies of every criterion)."""
    execute = op.get_bind().execute
    params = {"region": region_id}
    execute(
        sa.text(
            "INSERT INTO opportunity (number, title, source, region_id) "
            "SELECT number, title, source, :region FROM opportunity WHERE region_id IS NULL"
        ),
        params,
    )
    execute(
        sa.text(
            "INSERT INTO measure_area (code, number, title, rationale, source, evidence, evidence_note, region_id) "
            "SELECT code, number, title, rationale, source, evidence, evidence_note, :region "
            "FROM measure_area WHERE region_id IS NULL"
        ),
        params,
    )
    execute(
        sa.text(
            "INSERT INTO measure_activity (area_id, code, position, title) "
            "SELECT copy.id, a.code, a.position, a.title FROM measure_activity a "
            "JOIN measure_area t ON t.id = a.area_id AND t.region_id IS NULL "
            "JOIN measure_area copy ON copy.code = t.code AND copy.region_id = :region"
        ),
        params,
    )
    # template id -> copy id, for areas and activities
    execute(
        sa.text(
            "CREATE TEMPORARY TABLE catalogue_copy ON COMMIT DROP AS "
            "SELECT 'area' AS kind, t.id AS template_id, c.id AS copy_id FROM measure_area t "
            "JOIN measure_area c ON c.code = t.code AND c.region_id = :region WHERE t.region_id IS NULL "
            "UNION ALL "
            "SELECT 'activity', ta.id, ca.id FROM measure_activity ta "
            "JOIN measure_area t ON t.id = ta.area_id AND t.region_id IS NULL "
            "JOIN measure_area c ON c.code = t.code AND c.region_id = :region "
            "JOIN measure_activity ca ON ca.area_id = c.id AND ca.code = ta.code"
        ),
        params,
    )
    places = (
        "(({t}.region_id = :region) OR {t}.kommunenummer IN "
        "(SELECT kommunenummer FROM region_member WHERE region_id = :region))"
    )
    execute(
        sa.text(
            "INSERT INTO measure_progress (activity_id, kommunenummer, region_id, status, owner, due_date, note, "
            "status_date, link, is_example, updated_at, updated_by, version) "
            "SELECT m.copy_id, p.kommunenummer, p.region_id, p.status, p.owner, p.due_date, p.note, p.status_date, "
            "p.link, p.is_example, p.updated_at, p.updated_by, p.version FROM measure_progress p "
            "JOIN catalogue_copy m ON m.kind = 'activity' AND m.template_id = p.activity_id "
            f"WHERE {places.format(t='p')}"
        ),
        params,
    )
    execute(
        sa.text(
            "ALTER TABLE measure_criterion ADD COLUMN IF NOT EXISTS copied_from integer"  # dropped below
        )
    )
    execute(
        sa.text(
            "INSERT INTO measure_criterion (area_id, activity_id, description, target_value, target_unit, "
            "target_text, target_date, at_most, is_example, updated_at, updated_by, version, copied_from) "
            "SELECT area.copy_id, activity.copy_id, c.description, c.target_value, c.target_unit, c.target_text, "
            "c.target_date, c.at_most, c.is_example, c.updated_at, c.updated_by, c.version, c.id "
            "FROM measure_criterion c "
            "LEFT JOIN catalogue_copy area ON area.kind = 'area' AND area.template_id = c.area_id "
            "LEFT JOIN catalogue_copy activity ON activity.kind = 'activity' AND activity.template_id = c.activity_id "
            "WHERE coalesce(area.copy_id, activity.copy_id) IS NOT NULL"
        ),
        params,
    )
    execute(
        sa.text(
            "INSERT INTO criterion_measurement (criterion_id, kommunenummer, region_id, value, measured_on, note, "
            "is_example, updated_at, updated_by) "
            "SELECT c.id, m.kommunenummer, m.region_id, m.value, m.measured_on, m.note, m.is_example, m.updated_at, "
            "m.updated_by FROM criterion_measurement m JOIN measure_criterion c ON c.copied_from = m.criterion_id "
            f"WHERE {places.format(t='m')}"
        ),
        params,
    )
    execute(sa.text("ALTER TABLE measure_criterion DROP COLUMN copied_from"))
    # what moved leaves the template
    execute(
        sa.text(
            "DELETE FROM measure_progress p USING catalogue_copy m "
            f"WHERE m.kind = 'activity' AND m.template_id = p.activity_id AND {places.format(t='p')}"
        ),
        params,
    )
    execute(
        sa.text(
            "DELETE FROM criterion_measurement m USING measure_criterion c "
            "JOIN measure_area a ON a.id = coalesce(c.area_id, "
            "(SELECT area_id FROM measure_activity WHERE id = c.activity_id)) "
            f"WHERE c.id = m.criterion_id AND a.region_id IS NULL AND {places.format(t='m')}"
        ),
        params,
    )
    execute(sa.text("DROP TABLE catalogue_copy"))


def downgrade() -> None:
    op.execute("DELETE FROM measure_area WHERE region_id IS NOT NULL")  # activities, progress, criteria cascade
    op.execute("DELETE FROM opportunity WHERE region_id IS NOT NULL")
    op.drop_constraint("uq_measure_activity_area_id_code", "measure_activity", type_="unique")
    op.drop_index("uq_opportunity_region_number", "opportunity")
    op.drop_index("uq_measure_area_region_number", "measure_area")
    op.drop_index("uq_measure_area_region_code", "measure_area")
    op.create_unique_constraint("uq_measure_activity_code", "measure_activity", ["code"])
    op.create_unique_constraint("uq_opportunity_number", "opportunity", ["number"])
    op.create_unique_constraint("uq_measure_area_number", "measure_area", ["number"])
    op.create_unique_constraint("uq_measure_area_code", "measure_area", ["code"])
    for table in ("measure_area", "opportunity"):
        op.drop_constraint(f"fk_{table}_region_id_region", table, type_="foreignkey")
        op.drop_column(table, "region_id")
