"""SQLAlchemy 2 typed models: the whole schema, migrated by Alembic (``migrations/``).

Texts shown to users are stored per language as JSONB objects ``{"nb": ..., "nn": ..., "en": ...}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

I18n = dict[str, str]

QUESTION_TYPES = ("single_choice", "likert", "number", "postal_code", "year", "derived_code", "derived_number")
SPACE_STATUSES = ("active", "planned", "closed")
PROGRESS_STATUSES = ("not_started", "planned", "in_progress", "done", "paused")
BATCH_STATUSES = ("succeeded", "failed", "unchanged")
SURVEY_COVERAGES = ("national", "regional")
SURVEY_VISIBILITIES = ("public", "region", "private")  # who may see a survey (app/db/visibility.py)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSONB, I18n: JSONB, list[Any]: JSONB}


def _now() -> Any:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


# --- Places -------------------------------------------------------------------------------


class Municipality(Base):
    """A municipality of the 2024 structure, with SSB population and centrality class."""

    __tablename__ = "municipality"
    __table_args__ = (
        CheckConstraint("kommunenummer ~ '^[0-9]{4}$'", name="kommunenummer_four_digits"),
        CheckConstraint("county_number ~ '^[0-9]{2}$'", name="county_number_two_digits"),
        CheckConstraint("centrality_class BETWEEN 1 AND 6", name="centrality_class_range"),
        CheckConstraint("population >= 0", name="population_not_negative"),
    )

    kommunenummer: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    county_number: Mapped[str] = mapped_column(String(2), index=True)
    county_name: Mapped[str] = mapped_column(String(120))
    population: Mapped[int] = mapped_column(Integer)
    population_year: Mapped[int] = mapped_column(SmallInteger)
    centrality_class: Mapped[int | None] = mapped_column(SmallInteger)
    centrality_classification: Mapped[str | None] = mapped_column(String(200))


class CentralityClass(Base):
    """A municipality's class in one named centrality classification (e.g. loaded from KLASS)."""

    __tablename__ = "centrality_class"
    __table_args__ = (CheckConstraint("centrality_class BETWEEN 1 AND 6", name="class_range"),)

    classification: Mapped[str] = mapped_column(String(200), primary_key=True)
    kommunenummer: Mapped[str] = mapped_column(
        ForeignKey("municipality.kommunenummer", ondelete="CASCADE"), primary_key=True
    )
    centrality_class: Mapped[int] = mapped_column(SmallInteger)
    index_value: Mapped[int | None] = mapped_column(Integer)


class PostalCode(Base):
    __tablename__ = "postal_code"
    __table_args__ = (CheckConstraint("postnummer ~ '^[0-9]{4}$'", name="postnummer_four_digits"),)

    postnummer: Mapped[str] = mapped_column(String(4), primary_key=True)
    poststed: Mapped[str] = mapped_column(String(120))
    kommunenummer: Mapped[str] = mapped_column(ForeignKey("municipality.kommunenummer"), index=True)
    category: Mapped[str] = mapped_column(String(1))


class Region(Base):
    """A group of municipalities working together, e.g. Hardangerrådet."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    members: Mapped[list[RegionMember]] = relationship(cascade="all, delete-orphan")


class RegionMember(Base):
    __tablename__ = "region_member"

    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), primary_key=True)
    kommunenummer: Mapped[str] = mapped_column(ForeignKey("municipality.kommunenummer"), primary_key=True)


class MunicipalityStatistic(Base):
    """One SSB figure for one municipality and reference time, e.g. employed residents aged 15–74 in
    Q4 2022 (SSB 11618) or residents aged 25–60 on 1 January 2026 (SSB 07459). Loaded by ``fjernarbeid
    seed`` from ``seed/reference/ssb/`` (provenance in its SOURCES.md)."""

    __tablename__ = "municipality_statistic"
    __table_args__ = (CheckConstraint("value >= 0", name="value_not_negative"),)

    kommunenummer: Mapped[str] = mapped_column(
        ForeignKey("municipality.kommunenummer", ondelete="CASCADE"), primary_key=True
    )
    measure: Mapped[str] = mapped_column(String(60), primary_key=True)  # e.g. employed_by_residence_15_74
    period: Mapped[str] = mapped_column(String(20), primary_key=True)  # e.g. 2022-Q4, 2026-01-01
    value: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200))  # e.g. "SSB 11618"
    # True where the figure is not SSB's own: a municipality split since the reference time, its
    # figure shared out (see SOURCES.md)
    is_estimate: Mapped[bool] = mapped_column(Boolean, server_default="false")


class PopulationAgeSex(Base):
    """Residents by single year of age and sex on 1 January (SSB 07459; age 105 stands for 105 and over).
    The model-based estimates weight their cells by it (``app/query/small_area.py``)."""

    __tablename__ = "population_age_sex"
    __table_args__ = (
        CheckConstraint("population >= 0", name="population_not_negative"),
        CheckConstraint("sex IN (1, 2)", name="sex_known"),
        CheckConstraint("age BETWEEN 0 AND 105", name="age_range"),
    )

    kommunenummer: Mapped[str] = mapped_column(
        ForeignKey("municipality.kommunenummer", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    sex: Mapped[int] = mapped_column(SmallInteger, primary_key=True)  # 1 male, 2 female (SSB's codes)
    age: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    population: Mapped[int] = mapped_column(Integer)


def _municipality_key() -> Any:
    return mapped_column(ForeignKey("municipality.kommunenummer", ondelete="CASCADE"), primary_key=True)


class PopulationTotal(Base):
    """Residents on 1 January by municipality, 2024 borders (SSB 07459 as remapped by csdata; a cell where
    a municipality's figure was split by weights is no SSB figure: ``is_ssb_figure`` false)."""

    __tablename__ = "population_total"
    __table_args__ = (CheckConstraint("population >= 0", name="population_not_negative"),)

    kommunenummer: Mapped[str] = _municipality_key()
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    population: Mapped[int] = mapped_column(Integer)
    is_ssb_figure: Mapped[bool] = mapped_column(Boolean, server_default="true")


class PopulationChange(Base):
    """Birth surplus and net migration (including abroad) in a year (SSB 06913)."""

    __tablename__ = "population_change"

    kommunenummer: Mapped[str] = _municipality_key()
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    birth_surplus: Mapped[int] = mapped_column(Integer)
    net_migration: Mapped[int] = mapped_column(Integer)


class CommutingFlow(Base):
    """Employed persons aged 15–74 living in one municipality and working in another (or the same), 4th
    quarter (SSB 03321; 2024 codes)."""

    __tablename__ = "commuting_flow"
    __table_args__ = (CheckConstraint("employed >= 0", name="employed_not_negative"),)

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    home: Mapped[str] = mapped_column(
        ForeignKey("municipality.kommunenummer", ondelete="CASCADE"), primary_key=True, index=True
    )
    work: Mapped[str] = mapped_column(
        ForeignKey("municipality.kommunenummer", ondelete="CASCADE"), primary_key=True, index=True
    )
    employed: Mapped[int] = mapped_column(Integer)


class EducationLevel(Base):
    """Share of residents aged 16 and over by highest education level (SSB 09429)."""

    __tablename__ = "education_level"

    kommunenummer: Mapped[str] = _municipality_key()
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    level: Mapped[str] = mapped_column(String(10), primary_key=True)  # SSB's code, e.g. 03a
    label: Mapped[str] = mapped_column(String(100))  # SSB's Norwegian label
    percent: Mapped[float] = mapped_column(Float)


# --- Surveys ------------------------------------------------------------------------------


class Survey(Base):
    __tablename__ = "survey"
    __table_args__ = (
        CheckConstraint("slug ~ '^[a-z0-9_]+$'", name="slug_format"),
        CheckConstraint("NOT is_synthetic OR synthetic_note IS NOT NULL", name="synthetic_has_note"),
        CheckConstraint(_in("coverage", SURVEY_COVERAGES), name="coverage_known"),
        CheckConstraint(_in("visibility", SURVEY_VISIBILITIES), name="visibility_known"),
        CheckConstraint("visibility <> 'region' OR region_id IS NOT NULL", name="region_has_region"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[I18n]
    year: Mapped[int] = mapped_column(SmallInteger)
    fieldwork_start: Mapped[dt.date | None] = mapped_column(Date)
    fieldwork_end: Mapped[dt.date | None] = mapped_column(Date)
    population: Mapped[I18n | None]
    weighting: Mapped[I18n | None]
    citation: Mapped[str] = mapped_column(Text)
    is_synthetic: Mapped[bool] = mapped_column(Boolean)
    synthetic_note: Mapped[I18n | None]
    # whom the sample represents: "national" (the country's target population) or "regional"
    # (residents of one region only); national estimates such as the mobility funnel need "national"
    coverage: Mapped[str] = mapped_column(String(20), server_default="national")
    codebook: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = _now()
    # who may see it (migration 0018): public (everyone), region (signed-in accounts of region_id, and national
    # ones) or private (the accounts in survey_reader, and national admins)
    visibility: Mapped[str] = mapped_column(String(10), server_default="public")
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))

    questions: Mapped[list[Question]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="Question.position"
    )


class Question(Base):
    """A questionnaire item or a derived variable (``is_derived``) of one survey."""

    __tablename__ = "question"
    __table_args__ = (
        UniqueConstraint("survey_id", "variable"),
        UniqueConstraint("survey_id", "position"),
        CheckConstraint(_in("type", QUESTION_TYPES), name="type_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    variable: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(SmallInteger)
    theme: Mapped[str | None] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(20))
    text: Mapped[I18n]
    short: Mapped[I18n | None]
    direction: Mapped[str | None] = mapped_column(String(30))
    asked_if: Mapped[str | None] = mapped_column(String(200))
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    is_derived: Mapped[bool] = mapped_column(Boolean, default=False)

    survey: Mapped[Survey] = relationship(back_populates="questions")
    options: Mapped[list[AnswerOption]] = relationship(cascade="all, delete-orphan", order_by="AnswerOption.position")


class AnswerOption(Base):
    __tablename__ = "answer_option"
    __table_args__ = (UniqueConstraint("question_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    code: Mapped[int] = mapped_column(SmallInteger)
    label: Mapped[I18n]
    position: Mapped[int] = mapped_column(SmallInteger)
    is_missing: Mapped[bool] = mapped_column(Boolean, default=False)
    # a code that stands for a range of a number (a codebook's bins, e.g. age group 25–34): its ends,
    # so population figures by single year can be summed into the survey's groups
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)


class Respondent(Base):
    __tablename__ = "respondent"
    __table_args__ = (
        UniqueConstraint("survey_id", "respondent_key"),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("postal_code ~ '^[0-9]{4}$'", name="postal_code_four_digits"),
        CheckConstraint("birth_year BETWEEN 1900 AND 2100", name="birth_year_plausible"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    respondent_key: Mapped[str] = mapped_column(String(60))
    weight: Mapped[float] = mapped_column(Float)
    kommunenummer: Mapped[str | None] = mapped_column(ForeignKey("municipality.kommunenummer"))
    postal_code: Mapped[str | None] = mapped_column(String(4))
    birth_year: Mapped[int | None] = mapped_column(SmallInteger)
    gender: Mapped[int | None] = mapped_column(SmallInteger)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"))


class Answer(Base):
    """One respondent's answer to one question: a code the question allows, or a number.

    The composite foreign key to ``answer_option`` is what makes an unknown code impossible;
    with ``code`` NULL (a number answer) PostgreSQL does not check it (MATCH SIMPLE).
    """

    __tablename__ = "answer"
    __table_args__ = (
        ForeignKeyConstraint(
            ["question_id", "code"],
            ["answer_option.question_id", "answer_option.code"],
            name="fk_answer_code_allowed",
            ondelete="CASCADE",
        ),
        CheckConstraint("(code IS NULL) <> (number IS NULL)", name="code_xor_number"),
        Index("ix_answer_question_respondent", "question_id", "respondent_id", "code"),
    )

    respondent_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("respondent.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[int | None] = mapped_column(SmallInteger)
    number: Mapped[float | None] = mapped_column(Float)


class AnswerVector(Base):
    """Every answer of one respondent in one row: the form breakdown queries aggregate over.

    ``codes[i]`` / ``numbers[i]`` hold the answer to the survey's i-th question in ``position``
    order (NULL where there is none; NULL array elements take no space). ``answer`` stays the
    source of truth with its constraints; the importer derives these rows from it in the same
    transaction (``app.ingest.vectors``). A breakdown with filters is then one scan of the
    survey's rows instead of one join per variable over every answer of every survey.
    """

    __tablename__ = "answer_vector"

    respondent_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("respondent.id", ondelete="CASCADE"), primary_key=True
    )
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    weight: Mapped[float] = mapped_column(Float)
    codes: Mapped[list[int | None]] = mapped_column(ARRAY(SmallInteger))
    numbers: Mapped[list[float | None]] = mapped_column(ARRAY(Float))


class DataVersion(Base):
    """One counter that every write to a content table increments (statement-level triggers,
    migration 0003). Caches of computed pages key on it, so they cannot outlive their data."""

    __tablename__ = "data_version"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


# --- Coworking ----------------------------------------------------------------------------


class CoworkingSpace(Base):
    __tablename__ = "coworking_space"
    __table_args__ = (
        UniqueConstraint("kommunenummer", "name"),
        CheckConstraint(_in("status", SPACE_STATUSES), name="status_known"),
        CheckConstraint("latitude BETWEEN 57 AND 72 AND longitude BETWEEN 4 AND 32", name="coordinates_in_norway"),
        CheckConstraint("seats >= 0 AND cell_offices >= 0 AND meeting_rooms >= 0", name="counts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kommunenummer: Mapped[str] = mapped_column(ForeignKey("municipality.kommunenummer"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    postal_code: Mapped[str | None] = mapped_column(String(4))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    seats: Mapped[int | None] = mapped_column(Integer)  # NULL: unknown (migration 0016)
    cell_offices: Mapped[int] = mapped_column(Integer, default=0)
    meeting_rooms: Mapped[int] = mapped_column(Integer, default=0)
    price_day_nok: Mapped[float | None] = mapped_column(Numeric(10, 2))
    price_month_nok: Mapped[float | None] = mapped_column(Numeric(10, 2))
    price_note: Mapped[str | None] = mapped_column(Text)
    opening_hours: Mapped[str | None] = mapped_column(String(300))
    facilities: Mapped[list[Any]] = mapped_column(JSONB, default=list)
    operator: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(300))
    website: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="active")
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = _now()
    # optimistic locking: an edit names the version it started from (app/db/editing.py)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


# --- Measures -----------------------------------------------------------------------------


class MeasureArea(Base):
    """An area of a measures catalogue: the template (``region_id`` NULL, the report's five areas from
    seed/measures.yaml) or a region's own catalogue, which starts as a copy of it (migration 0019)."""

    __tablename__ = "measure_area"
    __table_args__ = (
        Index("uq_measure_area_region_code", "region_id", "code", unique=True, postgresql_nulls_not_distinct=True),
        Index("uq_measure_area_region_number", "region_id", "number", unique=True, postgresql_nulls_not_distinct=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    number: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[I18n]
    rationale: Mapped[I18n]
    source: Mapped[str] = mapped_column(String(300))
    evidence: Mapped[list[Any]] = mapped_column(JSONB, default=list)
    evidence_note: Mapped[I18n | None]
    activities: Mapped[list[MeasureActivity]] = relationship(
        cascade="all, delete-orphan", order_by="MeasureActivity.position"
    )


class MeasureActivity(Base):
    __tablename__ = "measure_activity"
    __table_args__ = (UniqueConstraint("area_id", "code"),)  # codes are unique within a catalogue's area

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("measure_area.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[I18n]


class MeasureProgress(Base):
    """Progress of one activity in one municipality or one region (exactly one of them)."""

    __tablename__ = "measure_progress"
    __table_args__ = (
        CheckConstraint("(kommunenummer IS NULL) <> (region_id IS NULL)", name="one_place"),
        CheckConstraint(_in("status", PROGRESS_STATUSES), name="status_known"),
        Index(
            "uq_measure_progress_municipality",
            "activity_id",
            "kommunenummer",
            unique=True,
            postgresql_where="kommunenummer IS NOT NULL",
        ),
        Index(
            "uq_measure_progress_region",
            "activity_id",
            "region_id",
            unique=True,
            postgresql_where="region_id IS NOT NULL",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("measure_activity.id", ondelete="CASCADE"))
    kommunenummer: Mapped[str | None] = mapped_column(ForeignKey("municipality.kommunenummer"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    owner: Mapped[str | None] = mapped_column(String(200))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    status_date: Mapped[dt.date | None] = mapped_column(Date)  # when the status was reached or checked
    link: Mapped[str | None] = mapped_column(String(500))  # a decision, a case file, a web page
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = _now()
    updated_by: Mapped[str | None] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class MeasureCriterion(Base):
    """A goal and success criterion editors set for a measure area or one of its activities (exactly one):
    what counts as success, a target (a number with its unit, or words) and the date it is due."""

    __tablename__ = "measure_criterion"
    __table_args__ = (
        CheckConstraint("(area_id IS NULL) <> (activity_id IS NULL)", name="one_measure"),
        CheckConstraint("target_value IS NOT NULL OR target_text IS NOT NULL", name="has_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("measure_area.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("measure_activity.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    target_value: Mapped[float | None] = mapped_column(Float)
    target_unit: Mapped[str | None] = mapped_column(String(60))
    target_text: Mapped[str | None] = mapped_column(String(500))
    target_date: Mapped[dt.date] = mapped_column(Date)
    # the target is a level to reach (at least) or, for something to bring down, a ceiling (at most)
    at_most: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = _now()
    updated_by: Mapped[str | None] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class CriterionMeasurement(Base):
    """A value measured for a success criterion with a numeric target, in one municipality or one region
    (exactly one), on a date. Kept as a history: the Tiltak page shows each place's latest against the
    target; a correction is a newer measurement."""

    __tablename__ = "criterion_measurement"
    __table_args__ = (CheckConstraint("(kommunenummer IS NULL) <> (region_id IS NULL)", name="one_place"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("measure_criterion.id", ondelete="CASCADE"), index=True)
    kommunenummer: Mapped[str | None] = mapped_column(ForeignKey("municipality.kommunenummer"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    value: Mapped[float] = mapped_column(Float)
    measured_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))  # how it was measured, or where it comes from
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = _now()
    updated_by: Mapped[str | None] = mapped_column(String(120))


class InterviewTheme(Base):
    """A theme of the seven interviews with remote workers in Hardanger (NORCE 2025, section 3.1), with
    how it matches the survey's findings and which measure areas it bears on (seed/interviews.yaml)."""

    __tablename__ = "interview_theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    section: Mapped[str] = mapped_column(String(20))  # where in the report, e.g. 3.1.2
    title: Mapped[I18n]
    summary: Mapped[I18n]
    survey: Mapped[I18n]  # how the survey's findings match the theme
    survey_section: Mapped[str] = mapped_column(String(40))
    measure_areas: Mapped[list[Any]] = mapped_column(JSONB, default=list)  # codes of measure_area
    quotes: Mapped[list[InterviewQuote]] = relationship(
        cascade="all, delete-orphan", order_by="InterviewQuote.position"
    )


class InterviewQuote(Base):
    """A quote, verbatim and in Norwegian as the report has it, with the section it is in."""

    __tablename__ = "interview_quote"
    __table_args__ = (UniqueConstraint("theme_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("interview_theme.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger)
    text: Mapped[str] = mapped_column(Text)
    section: Mapped[str] = mapped_column(String(20))


class Opportunity(Base):
    """One of the eight opportunities for municipalities (seed 000), in the template (``region_id`` NULL) or
    a region's catalogue."""

    __tablename__ = "opportunity"
    __table_args__ = (
        Index("uq_opportunity_region_number", "region_id", "number", unique=True, postgresql_nulls_not_distinct=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[I18n]
    source: Mapped[str] = mapped_column(String(300))


# --- Published figures and context series ------------------------------------------------


class PublishedFigure(Base):
    """A figure stated in a source document, with location and verbatim quote."""

    __tablename__ = "published_figure"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_document: Mapped[str] = mapped_column(String(200), index=True)
    location: Mapped[str | None] = mapped_column(Text)
    survey_code: Mapped[str | None] = mapped_column(String(40), index=True)
    question_variable: Mapped[str | None] = mapped_column(String(60))
    measure: Mapped[str] = mapped_column(Text)
    breakdown: Mapped[str | None] = mapped_column(Text)
    categories: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[float] = mapped_column(Float)
    value_high: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    approx: Mapped[bool] = mapped_column(Boolean, default=False)
    # How the source words an approximate figure: about, over, under, nearly, at least, range (None: exact)
    qualifier: Mapped[str | None] = mapped_column(String(20))
    quote: Mapped[str] = mapped_column(Text)


class ContextSeries(Base):
    """A national context time series point, e.g. AFI 2022 Tabell 1 (share who can work from home)."""

    __tablename__ = "context_series"
    __table_args__ = (UniqueConstraint("series_code", "year", "survey_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_code: Mapped[str] = mapped_column(String(60))
    label: Mapped[I18n]
    year: Mapped[int] = mapped_column(SmallInteger)
    survey_name: Mapped[str] = mapped_column(String(60))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(300))
    quote: Mapped[str | None] = mapped_column(Text)


# --- Imports, users, saved views ----------------------------------------------------------


class ImportBatch(Base):
    __tablename__ = "import_batch"
    __table_args__ = (
        CheckConstraint(_in("status", BATCH_STATUSES), name="status_known"),
        CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="sha256_hex"),
        Index("ix_import_batch_kind_sha256", "kind", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40))
    survey_slug: Mapped[str | None] = mapped_column(String(60))
    row_count: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    error_report: Mapped[list[Any] | None] = mapped_column(JSONB)
    warnings: Mapped[list[Any] | None] = mapped_column(JSONB)
    created_at: Mapped[dt.datetime] = _now()
    created_by: Mapped[str | None] = mapped_column(String(120))


class Deck(Base):
    """A presentation: views of the dashboard in order, opened by an unguessable token."""

    __tablename__ = "deck"
    __table_args__ = (CheckConstraint("length(token) >= 20", name="token_long"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = _now()
    updated_at: Mapped[dt.datetime] = _now()
    # the editor whose presentation it is (None: made before accounts owned decks, or the account is gone)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), index=True)
    # the region it belongs to: that region's editors may change it too (None: national, or made before regions)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="SET NULL"), index=True)
    views: Mapped[list[DeckView]] = relationship(
        back_populates="deck", cascade="all, delete-orphan", order_by="DeckView.position"
    )


class DeckView(Base):
    """One view of a deck: a page, its query string (the full state), a title and a note."""

    __tablename__ = "deck_view"
    __table_args__ = (Index("ix_deck_view_deck_position", "deck_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("deck.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(100))
    query_string: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = _now()
    deck: Mapped[Deck] = relationship(back_populates="views")


# --- Accounts and the audit trail ------------------------------------------------------------

ROLES = ("editor", "admin")


class AppUser(Base):
    """A person who may edit (``editor``) or also delete (``admin``), nationally (``role``) or in regions
    (``user_region_role``); a national admin also imports and manages regions and users.

    ``role`` None: no national role, only the regions' (migration 0017). Changing the password, a role
    or disabling deletes the user's sessions (``user_session``); ``session_stamp`` changes with them too."""

    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role_known"),
        # single sign-on (app/web/server/oidc.py): the provider's person, linked by issuer and subject
        UniqueConstraint("oidc_issuer", "oidc_subject"),
        CheckConstraint("(oidc_issuer IS NULL) = (oidc_subject IS NULL)", name="oidc_identity_whole"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(20))  # national role; None: only regional roles
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    session_stamp: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = _now()
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    oidc_issuer: Mapped[str | None] = mapped_column(String(300))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    # group=role@region mappings the last login matched, as the provider named them (in force through
    # user_region_role, where the region exists)
    oidc_region_roles: Mapped[list[Any] | None] = mapped_column(JSONB)


class SurveyReader(Base):
    """An account named to see a ``private`` survey."""

    __tablename__ = "survey_reader"

    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)


class UserRegionRole(Base):
    """A role one account holds in one region: an editor or admin of that region's municipalities, their
    coworking spaces, measure progress and measured values, and the region's presentations."""

    __tablename__ = "user_region_role"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role_known"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20))


class UserSession(Base):
    """A logged-in session: the signed cookie names it, and it holds only while this row exists.

    Logout deletes the row, so a copy of the cookie is worthless afterwards; changing the user's role or
    password, or disabling the user, deletes all of them (``app/db/users.py``). Only a SHA-256 of the
    session's secret is stored."""

    __tablename__ = "user_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = _now()
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginThrottle(Base):
    """Failed logins of one typed name from one client address (``name`` ``*``: of every name from
    that address), and until when that pair is refused (``app/db/users.py``)."""

    __tablename__ = "login_throttle"
    __table_args__ = (Index("ix_login_throttle_last_failure_at", "last_failure_at"),)

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_failure_at: Mapped[dt.datetime] = _now()
    blocked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One change made through the app or the command line: who, when, what, before and after."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_at", "at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[dt.datetime] = _now()
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))  # e.g. coworking.update, progress.create, user.set_role
    entity: Mapped[str] = mapped_column(String(40))  # e.g. coworking_space
    entity_id: Mapped[str | None] = mapped_column(String(80))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


# --- Jobs ------------------------------------------------------------------------------------

JOB_STATES = ("queued", "running", "succeeded", "failed", "cancelled")


class Job(Base):
    """Long work done by the worker instead of inside a request (``app/db/jobs.py``): who asked, what, how
    far it has come (a step's message key with its numbers, translated where it is shown) and how it ended.

    ``key`` names the work itself (a deck's handout for one version of the deck and the data): asking for
    the same work while it is queued or running joins that job. The queue itself is procrastinate's
    ``procrastinate_jobs``; ``queue_job_id`` points there."""

    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint(_in("state", JOB_STATES), name="state_known"),
        Index("ix_job_owner_kind_state", "owner", "kind", "state"),
        Index(
            "uq_job_active_key",
            "key",
            unique=True,
            postgresql_where="state IN ('queued', 'running') AND key IS NOT NULL",
        ),
        Index("ix_job_key", "key"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # handout | import
    owner: Mapped[str] = mapped_column(String(120))  # user:<account id> or client:<address>
    key: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(12), default="queued", server_default="queued")
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    step: Mapped[str | None] = mapped_column(String(40))  # a message key, e.g. check (app/web/server/jobs.py)
    step_params: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    progress_current: Mapped[int | None] = mapped_column(BigInteger)
    progress_total: Mapped[int | None] = mapped_column(BigInteger)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # a file under the data directory, or JSON
    error: Mapped[str | None] = mapped_column(Text)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    queue_job_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = _now()
    updated_at: Mapped[dt.datetime] = _now()


class Upload(Base):
    """A file uploaded in the browser, kept under ``FJERNARBEID_DATA_DIR/uploads/<id>/`` (``app/db/uploads.py``).

    The browser only ever holds the random ``id``; the server finds the file from this row, so no path from a
    client is ever opened. Unconfirmed uploads older than a day are deleted."""

    __tablename__ = "upload"
    __table_args__ = (Index("ix_upload_created_at", "created_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(String(120))
    slot: Mapped[str] = mapped_column(String(20))  # survey, codebook, margins, coworking, ssb
    filename: Mapped[str] = mapped_column(String(200))  # the cleaned name, as stored in the upload's folder
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    created_at: Mapped[dt.datetime] = _now()
