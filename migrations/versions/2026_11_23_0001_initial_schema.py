"""Initial schema: places, surveys, coworking, measures, published figures, imports, users.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 12:20:43.780835
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=120), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=300), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("role IN ('viewer', 'editor', 'admin')", name=op.f("ck_app_user_role_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    op.create_table(
        "context_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_code", sa.String(length=60), nullable=False),
        sa.Column("label", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("survey_name", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_context_series")),
        sa.UniqueConstraint(
            "series_code", "year", "survey_name", name=op.f("uq_context_series_series_code_year_survey_name")
        ),
    )
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("survey_slug", sa.String(length=60), nullable=True),
        sa.Column("row_count", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error_report", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("warnings", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name=op.f("ck_import_batch_sha256_hex")),
        sa.CheckConstraint("status IN ('succeeded', 'failed', 'unchanged')", name=op.f("ck_import_batch_status_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    op.create_index("ix_import_batch_kind_sha256", "import_batch", ["kind", "sha256"], unique=False)
    op.create_table(
        "measure_area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("number", sa.SmallInteger(), nullable=False),
        sa.Column("title", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("rationale", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("evidence", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("evidence_note", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_area")),
        sa.UniqueConstraint("code", name=op.f("uq_measure_area_code")),
        sa.UniqueConstraint("number", name=op.f("uq_measure_area_number")),
    )
    op.create_table(
        "municipality",
        sa.Column("kommunenummer", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("county_number", sa.String(length=2), nullable=False),
        sa.Column("county_name", sa.String(length=120), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("population_year", sa.SmallInteger(), nullable=False),
        sa.Column("centrality_class", sa.SmallInteger(), nullable=True),
        sa.Column("centrality_classification", sa.String(length=200), nullable=True),
        sa.CheckConstraint("county_number ~ '^[0-9]{2}$'", name=op.f("ck_municipality_county_number_two_digits")),
        sa.CheckConstraint("kommunenummer ~ '^[0-9]{4}$'", name=op.f("ck_municipality_kommunenummer_four_digits")),
        sa.CheckConstraint("centrality_class BETWEEN 1 AND 6", name=op.f("ck_municipality_centrality_class_range")),
        sa.CheckConstraint("population >= 0", name=op.f("ck_municipality_population_not_negative")),
        sa.PrimaryKeyConstraint("kommunenummer", name=op.f("pk_municipality")),
    )
    op.create_index(op.f("ix_municipality_county_number"), "municipality", ["county_number"], unique=False)
    op.create_table(
        "opportunity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.SmallInteger(), nullable=False),
        sa.Column("title", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity")),
        sa.UniqueConstraint("number", name=op.f("uq_opportunity_number")),
    )
    op.create_table(
        "published_figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_document", sa.String(length=200), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("survey_code", sa.String(length=40), nullable=True),
        sa.Column("question_variable", sa.String(length=60), nullable=True),
        sa.Column("measure", sa.Text(), nullable=False),
        sa.Column("breakdown", sa.Text(), nullable=True),
        sa.Column("categories", sa.String(length=200), nullable=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("value_high", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("approx", sa.Boolean(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_figure")),
    )
    op.create_index(op.f("ix_published_figure_source_document"), "published_figure", ["source_document"], unique=False)
    op.create_index(op.f("ix_published_figure_survey_code"), "published_figure", ["survey_code"], unique=False)
    op.create_table(
        "region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region")),
        sa.UniqueConstraint("slug", name=op.f("uq_region_slug")),
    )
    op.create_table(
        "survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("title", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("fieldwork_start", sa.Date(), nullable=True),
        sa.Column("fieldwork_end", sa.Date(), nullable=True),
        sa.Column("population", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("weighting", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.Column("synthetic_note", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("codebook", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("slug ~ '^[a-z0-9_]+$'", name=op.f("ck_survey_slug_format")),
        sa.CheckConstraint("NOT is_synthetic OR synthetic_note IS NOT NULL", name=op.f("ck_survey_synthetic_has_note")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey")),
        sa.UniqueConstraint("slug", name=op.f("uq_survey_slug")),
    )
    op.create_table(
        "centrality_class",
        sa.Column("classification", sa.String(length=200), nullable=False),
        sa.Column("kommunenummer", sa.String(length=4), nullable=False),
        sa.Column("centrality_class", sa.SmallInteger(), nullable=False),
        sa.Column("index_value", sa.Integer(), nullable=True),
        sa.CheckConstraint("centrality_class BETWEEN 1 AND 6", name=op.f("ck_centrality_class_class_range")),
        sa.ForeignKeyConstraint(
            ["kommunenummer"],
            ["municipality.kommunenummer"],
            name=op.f("fk_centrality_class_kommunenummer_municipality"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("classification", "kommunenummer", name=op.f("pk_centrality_class")),
    )
    op.create_table(
        "coworking_space",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kommunenummer", sa.String(length=4), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("postal_code", sa.String(length=4), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("cell_offices", sa.Integer(), nullable=False),
        sa.Column("meeting_rooms", sa.Integer(), nullable=False),
        sa.Column("price_day_nok", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("price_month_nok", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("price_note", sa.Text(), nullable=True),
        sa.Column("opening_hours", sa.String(length=300), nullable=True),
        sa.Column("facilities", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=True),
        sa.Column("contact", sa.String(length=300), nullable=True),
        sa.Column("website", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("is_example", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("status IN ('active', 'planned', 'closed')", name=op.f("ck_coworking_space_status_known")),
        sa.CheckConstraint(
            "latitude BETWEEN 57 AND 72 AND longitude BETWEEN 4 AND 32",
            name=op.f("ck_coworking_space_coordinates_in_norway"),
        ),
        sa.CheckConstraint(
            "seats >= 0 AND cell_offices >= 0 AND meeting_rooms >= 0",
            name=op.f("ck_coworking_space_counts_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["kommunenummer"],
            ["municipality.kommunenummer"],
            name=op.f("fk_coworking_space_kommunenummer_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coworking_space")),
        sa.UniqueConstraint("kommunenummer", "name", name=op.f("uq_coworking_space_kommunenummer_name")),
    )
    op.create_index(op.f("ix_coworking_space_kommunenummer"), "coworking_space", ["kommunenummer"], unique=False)
    op.create_table(
        "measure_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("title", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["measure_area.id"], name=op.f("fk_measure_activity_area_id_measure_area"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_activity")),
        sa.UniqueConstraint("code", name=op.f("uq_measure_activity_code")),
    )
    op.create_table(
        "postal_code",
        sa.Column("postnummer", sa.String(length=4), nullable=False),
        sa.Column("poststed", sa.String(length=120), nullable=False),
        sa.Column("kommunenummer", sa.String(length=4), nullable=False),
        sa.Column("category", sa.String(length=1), nullable=False),
        sa.CheckConstraint("postnummer ~ '^[0-9]{4}$'", name=op.f("ck_postal_code_postnummer_four_digits")),
        sa.ForeignKeyConstraint(
            ["kommunenummer"], ["municipality.kommunenummer"], name=op.f("fk_postal_code_kommunenummer_municipality")
        ),
        sa.PrimaryKeyConstraint("postnummer", name=op.f("pk_postal_code")),
    )
    op.create_index(op.f("ix_postal_code_kommunenummer"), "postal_code", ["kommunenummer"], unique=False)
    op.create_table(
        "question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("variable", sa.String(length=60), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("theme", sa.String(length=40), nullable=True),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("text", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("short", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("direction", sa.String(length=30), nullable=True),
        sa.Column("asked_if", sa.String(length=200), nullable=True),
        sa.Column("min_value", sa.Float(), nullable=True),
        sa.Column("max_value", sa.Float(), nullable=True),
        sa.Column("is_derived", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "type IN ('single_choice', 'likert', 'number', 'postal_code', 'year', 'derived_code', 'derived_number')",
            name=op.f("ck_question_type_known"),
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_question_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question")),
        sa.UniqueConstraint("survey_id", "variable", name=op.f("uq_question_survey_id_variable")),
    )
    op.create_table(
        "region_member",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("kommunenummer", sa.String(length=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["kommunenummer"], ["municipality.kommunenummer"], name=op.f("fk_region_member_kommunenummer_municipality")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_region_member_region_id_region"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("region_id", "kommunenummer", name=op.f("pk_region_member")),
    )
    op.create_table(
        "respondent",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("respondent_key", sa.String(length=60), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("kommunenummer", sa.String(length=4), nullable=True),
        sa.Column("postal_code", sa.String(length=4), nullable=True),
        sa.Column("birth_year", sa.SmallInteger(), nullable=True),
        sa.Column("gender", sa.SmallInteger(), nullable=True),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("postal_code ~ '^[0-9]{4}$'", name=op.f("ck_respondent_postal_code_four_digits")),
        sa.CheckConstraint("birth_year BETWEEN 1900 AND 2100", name=op.f("ck_respondent_birth_year_plausible")),
        sa.CheckConstraint("weight > 0", name=op.f("ck_respondent_weight_positive")),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batch.id"],
            name=op.f("fk_respondent_import_batch_id_import_batch"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["kommunenummer"], ["municipality.kommunenummer"], name=op.f("fk_respondent_kommunenummer_municipality")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_respondent_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_respondent")),
        sa.UniqueConstraint("survey_id", "respondent_key", name=op.f("uq_respondent_survey_id_respondent_key")),
    )
    op.create_table(
        "saved_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("page", sa.String(length=100), nullable=False),
        sa.Column("query_string", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_saved_view_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_view")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_saved_view_user_id_name")),
    )
    op.create_table(
        "answer_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.SmallInteger(), nullable=False),
        sa.Column("label", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("is_missing", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_answer_option_question_id_question"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_option")),
        sa.UniqueConstraint("question_id", "code", name=op.f("uq_answer_option_question_id_code")),
    )
    op.create_table(
        "measure_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("kommunenummer", sa.String(length=4), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("is_example", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
        sa.CheckConstraint(
            "status IN ('not_started', 'planned', 'in_progress', 'done', 'paused')",
            name=op.f("ck_measure_progress_status_known"),
        ),
        sa.CheckConstraint(
            "(kommunenummer IS NULL) <> (region_id IS NULL)", name=op.f("ck_measure_progress_one_place")
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["measure_activity.id"],
            name=op.f("fk_measure_progress_activity_id_measure_activity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["kommunenummer"],
            ["municipality.kommunenummer"],
            name=op.f("fk_measure_progress_kommunenummer_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_measure_progress_region_id_region"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_progress")),
    )
    op.create_index(
        "uq_measure_progress_municipality",
        "measure_progress",
        ["activity_id", "kommunenummer"],
        unique=True,
        postgresql_where="kommunenummer IS NOT NULL",
    )
    op.create_index(
        "uq_measure_progress_region",
        "measure_progress",
        ["activity_id", "region_id"],
        unique=True,
        postgresql_where="region_id IS NOT NULL",
    )
    op.create_table(
        "answer",
        sa.Column("respondent_id", sa.BigInteger(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.SmallInteger(), nullable=True),
        sa.Column("number", sa.Float(), nullable=True),
        sa.CheckConstraint("(code IS NULL) <> (number IS NULL)", name=op.f("ck_answer_code_xor_number")),
        sa.ForeignKeyConstraint(
            ["question_id", "code"],
            ["answer_option.question_id", "answer_option.code"],
            name="fk_answer_code_allowed",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_answer_question_id_question"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["respondent_id"], ["respondent.id"], name=op.f("fk_answer_respondent_id_respondent"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("respondent_id", "question_id", name=op.f("pk_answer")),
    )
    op.create_index("ix_answer_question_respondent", "answer", ["question_id", "respondent_id", "code"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_answer_question_respondent", table_name="answer")
    op.drop_table("answer")
    op.drop_index("uq_measure_progress_region", table_name="measure_progress", postgresql_where="region_id IS NOT NULL")
    op.drop_index(
        "uq_measure_progress_municipality", table_name="measure_progress", postgresql_where="kommunenummer IS NOT NULL"
    )
    op.drop_table("measure_progress")
    op.drop_table("answer_option")
    op.drop_table("saved_view")
    op.drop_table("respondent")
    op.drop_table("region_member")
    op.drop_table("question")
    op.drop_index(op.f("ix_postal_code_kommunenummer"), table_name="postal_code")
    op.drop_table("postal_code")
    op.drop_table("measure_activity")
    op.drop_index(op.f("ix_coworking_space_kommunenummer"), table_name="coworking_space")
    op.drop_table("coworking_space")
    op.drop_table("centrality_class")
    op.drop_table("survey")
    op.drop_table("region")
    op.drop_index(op.f("ix_published_figure_survey_code"), table_name="published_figure")
    op.drop_index(op.f("ix_published_figure_source_document"), table_name="published_figure")
    op.drop_table("published_figure")
    op.drop_table("opportunity")
    op.drop_index(op.f("ix_municipality_county_number"), table_name="municipality")
    op.drop_table("municipality")
    op.drop_table("measure_area")
    op.drop_index("ix_import_batch_kind_sha256", table_name="import_batch")
    op.drop_table("import_batch")
    op.drop_table("context_series")
    op.drop_table("app_user")
