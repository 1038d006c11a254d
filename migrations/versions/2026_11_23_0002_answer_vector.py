"""Wide answer rows (answer_vector) for fast breakdowns; question positions unique per survey.

Existing surveys are backfilled from their answers with the same statement the importer uses.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:20:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BACKFILL = """
INSERT INTO answer_vector (respondent_id, survey_id, weight, codes, numbers)
SELECT r.id, r.survey_id, r.weight,
       array_agg(a.code ORDER BY q.position),
       array_agg(a.number ORDER BY q.position)
FROM respondent r
JOIN question q ON q.survey_id = r.survey_id
LEFT JOIN answer a ON a.respondent_id = r.id AND a.question_id = q.id
GROUP BY r.id, r.survey_id, r.weight
"""


def upgrade() -> None:
    op.create_unique_constraint(op.f("uq_question_survey_id_position"), "question", ["survey_id", "position"])
    op.create_table(
        "answer_vector",
        sa.Column("respondent_id", sa.BigInteger(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("codes", postgresql.ARRAY(sa.SmallInteger()), nullable=False),
        sa.Column("numbers", postgresql.ARRAY(sa.Float()), nullable=False),
        sa.ForeignKeyConstraint(
            ["respondent_id"],
            ["respondent.id"],
            name=op.f("fk_answer_vector_respondent_id_respondent"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_answer_vector_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("respondent_id", name=op.f("pk_answer_vector")),
    )
    op.create_index(op.f("ix_answer_vector_survey_id"), "answer_vector", ["survey_id"], unique=False)
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_index(op.f("ix_answer_vector_survey_id"), table_name="answer_vector")
    op.drop_table("answer_vector")
    op.drop_constraint(op.f("uq_question_survey_id_position"), "question", type_="unique")
