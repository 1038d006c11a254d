"""An admin's complete copy (``fjernarbeid export-all``) restores into an empty database
(``import-all``) with every table equal: the inventory, catalogue, progress, presentations and surveys,
and the change log, published figures, national and SSB series and import history row for row."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from app.db import migrate
from app.db.decks import add_view, create_deck
from app.db.models import (
    Answer,
    Base,
    CoworkingSpace,
    Deck,
    MeasureActivity,
    MeasureArea,
    MeasureProgress,
    Question,
    Region,
    Respondent,
    Survey,
)
from app.errors import ImportValidationError
from app.ingest.backup import (
    NOT_COPIED,
    REBUILT_FROM_REFERENCE,
    REBUILT_FROM_SEED,
    TABLE_FILES,
    export_all,
    import_all,
)
from app.ingest.editing import record_measurement, save_criterion, save_progress
from app.query.estimates import estimate_shares
from app.query.metadata import survey_meta
from tests import catalogues


def spaces(session: Session) -> list[tuple]:
    rows = session.scalars(select(CoworkingSpace).order_by(CoworkingSpace.kommunenummer, CoworkingSpace.name))
    return [
        (
            s.name,
            s.kommunenummer,
            s.seats,
            s.latitude,
            s.longitude,
            s.price_day_nok,
            s.status,
            s.is_example,
            s.facilities,
            s.website,
        )
        for s in rows
    ]


def progress(session: Session) -> list[tuple]:
    rows = session.execute(
        select(
            MeasureActivity.code,
            MeasureProgress.kommunenummer,
            MeasureProgress.status,
            MeasureProgress.note,
            MeasureProgress.link,
            MeasureProgress.status_date,
        )
        .join(MeasureActivity, MeasureActivity.id == MeasureProgress.activity_id)
        .order_by(MeasureActivity.code, MeasureProgress.kommunenummer)
    )
    return [tuple(r) for r in rows]


def decks(session: Session) -> list[tuple]:
    return [
        (d.token, d.title, [(v.path, v.query_string, v.title, v.note) for v in d.views])
        for d in session.scalars(select(Deck).order_by(Deck.token))
    ]


def answers(session: Session, slug: str) -> dict[tuple[str, str], tuple]:
    rows = session.execute(
        select(Respondent.respondent_key, Question.variable, Answer.code, Answer.number)
        .join(Answer, Answer.respondent_id == Respondent.id)
        .join(Question, Question.id == Answer.question_id)
        .join(Survey, Survey.id == Respondent.survey_id)
        .where(Survey.slug == slug)
    )
    return {(key, variable): (code, number) for key, variable, code, number in rows}


def weights(session: Session, slug: str) -> dict[str, float]:
    return dict(
        session.execute(
            select(Respondent.respondent_key, Respondent.weight)
            .join(Survey, Survey.id == Respondent.survey_id)
            .where(Survey.slug == slug)
        ).all()
    )


# Tables the importers fill again from the copy's files, with their ids and importer's timestamps left out
# (they are the restored database's own) and foreign ids replaced by what they name.
REIMPORTED = {
    "survey": "SELECT slug, title, year, fieldwork_start, fieldwork_end, population, weighting, citation, "
    "is_synthetic, synthetic_note, coverage, codebook FROM survey",
    "question": "SELECT s.slug, q.variable, q.position, q.theme, q.type, q.text, q.short, q.direction, q.asked_if, "
    "q.min_value, q.max_value, q.is_derived FROM question q JOIN survey s ON s.id = q.survey_id",
    "answer_option": "SELECT s.slug, q.variable, o.code, o.label, o.position, o.is_missing, o.min_value, o.max_value "
    "FROM answer_option o JOIN question q ON q.id = o.question_id JOIN survey s ON s.id = q.survey_id",
    "respondent": "SELECT s.slug, r.respondent_key, r.weight, r.kommunenummer, r.postal_code, r.birth_year, r.gender "
    "FROM respondent r JOIN survey s ON s.id = r.survey_id",
    "answer": "SELECT s.slug, r.respondent_key, q.variable, a.code, a.number FROM answer a "
    "JOIN respondent r ON r.id = a.respondent_id JOIN question q ON q.id = a.question_id "
    "JOIN survey s ON s.id = r.survey_id",
    "answer_vector": "SELECT s.slug, r.respondent_key, v.weight, v.codes, v.numbers FROM answer_vector v "
    "JOIN respondent r ON r.id = v.respondent_id JOIN survey s ON s.id = v.survey_id",
    "coworking_space": "SELECT name, kommunenummer, address, postal_code, latitude, longitude, seats, cell_offices, "
    "meeting_rooms, price_day_nok, price_month_nok, price_note, opening_hours, facilities, operator, contact, "
    "website, status, is_example FROM coworking_space",
    # each catalogue row with the slug of its catalogue's region (NULL: the template)
    "measure_area": "SELECT code, number, title, rationale, source, evidence, evidence_note, "
    "(SELECT slug FROM region WHERE id = region_id) FROM measure_area",
    "measure_activity": "SELECT a.code, x.code, x.position, x.title, (SELECT slug FROM region WHERE id = a.region_id) "
    "FROM measure_activity x JOIN measure_area a ON a.id = x.area_id",
    "opportunity": "SELECT number, title, source, (SELECT slug FROM region WHERE id = region_id) FROM opportunity",
    "measure_progress": "SELECT x.code, p.kommunenummer, r.slug, p.status, p.owner, p.due_date, p.note, "
    "p.status_date, p.link, p.is_example, p.updated_at, p.updated_by, (SELECT slug FROM region WHERE id = a.region_id) "
    "FROM measure_progress p JOIN measure_activity x ON x.id = p.activity_id JOIN measure_area a ON a.id = x.area_id "
    "LEFT JOIN region r ON r.id = p.region_id",
    "measure_criterion": "SELECT a.code, x.code, c.description, c.target_value, c.target_unit, c.target_text, "
    "c.target_date, c.is_example, c.updated_at, c.updated_by, c.at_most, "
    "(SELECT slug FROM region WHERE id = coalesce(a.region_id, xa.region_id)) FROM measure_criterion c "
    "LEFT JOIN measure_area a ON a.id = c.area_id LEFT JOIN measure_activity x ON x.id = c.activity_id "
    "LEFT JOIN measure_area xa ON xa.id = x.area_id",
    "criterion_measurement": "SELECT c.description, m.kommunenummer, r.slug, m.value, m.measured_on, m.note, "
    "m.is_example, m.updated_at, m.updated_by FROM criterion_measurement m "
    "JOIN measure_criterion c ON c.id = m.criterion_id LEFT JOIN region r ON r.id = m.region_id",
    "interview_theme": "SELECT code, position, section, title, summary, survey, survey_section, measure_areas "
    "FROM interview_theme",
    "interview_quote": "SELECT t.code, q.position, q.text, q.section FROM interview_quote q "
    "JOIN interview_theme t ON t.id = q.theme_id",
    "deck": "SELECT d.token, d.title, d.created_at, d.updated_at, r.slug FROM deck d LEFT JOIN region r ON r.id = d.region_id",
    "deck_view": "SELECT d.token, v.position, v.path, v.query_string, v.title, v.note, v.created_at FROM deck_view v "
    "JOIN deck d ON d.id = v.deck_id",
    "region": "SELECT slug, name FROM region",
    "region_member": "SELECT r.slug, m.kommunenummer FROM region_member m JOIN region r ON r.id = m.region_id",
}
# Copied row for row, but the restore adds its own rows after the copy's (its imports, their change log).
GROWS_ON_RESTORE = ("import_batch", "audit_entry")


def table_rows(session: Session, table: str) -> list[tuple]:
    query = REIMPORTED.get(table, f'SELECT * FROM "{table}"')
    return sorted((tuple(r) for r in session.execute(text(query))), key=repr)


def test_the_copy_covers_every_table_or_says_why_not():
    """A new table must be copied, compared below, or listed as rebuilt or left out on purpose."""
    known = set(REIMPORTED) | set(TABLE_FILES) | set(REBUILT_FROM_REFERENCE) | set(REBUILT_FROM_SEED) | set(NOT_COPIED)
    assert sorted(set(Base.metadata.tables) - known) == []


def test_every_table_restores_equal(db, empty_database_url, tmp_path):
    db.execute(text("UPDATE population_total SET population = population + 7 WHERE kommunenummer = '4622'"))
    db.execute(
        text(
            "INSERT INTO centrality_class (classification, kommunenummer, centrality_class, index_value) "
            "VALUES ('KLASS 128, 2020-versjon', '4622', 5, 640)"
        )
    )
    activity = catalogues.activity(db)
    save_progress(db, "kari", activity.id, "region:hardangerradet", {"status": "planned"})
    goal = save_criterion(
        db,
        "kari",
        "area:coworking@hardangerradet",
        {
            "description": "Æ «mål»",
            "target_value": "2,5",
            "target_unit": "%",
            "target_date": "2027-12-31",
            "at_most": "true",
        },
    )
    record_measurement(db, "kari", goal["id"], "4622", {"value": "3,25", "measured_on": "2026-11-30", "note": "«SSB»"})
    record_measurement(db, "kari", goal["id"], "region:hardangerradet", {"value": "1", "measured_on": "2026-10-01"})
    save_criterion(
        db, "kari", "activity:coworking_map", {"description": "Kart", "target_text": "ute", "target_date": "2027-06-30"}
    )
    save_criterion(  # one of the template's too
        db, "kari", "area:skills", {"description": "Kurs", "target_text": "holdt", "target_date": "2027-06-30"}
    )
    token = create_deck(db, "Kommunestyret").token
    add_view(db, token, "/", "?survey=demo_national", "Oversikt", "Til diskusjon")
    region_id = db.scalar(select(Region.id).where(Region.slug == "hardangerradet"))
    add_view(db, create_deck(db, "Rådsmøte", region_id=region_id).token, "/", "", "Oversikt")  # a region's deck
    db.flush()
    compared = [t for t in Base.metadata.tables if t not in NOT_COPIED]
    before = {t: table_rows(db, t) for t in compared}
    assert all(before[t] for t in compared), [t for t in compared if not before[t]]  # nothing compared empty

    export_all(db, tmp_path / "copy")
    manifest = json.loads((tmp_path / "copy" / "manifest.json").read_text(encoding="utf-8"))
    assert "app_user" in manifest["not_included"]
    engine = create_engine(empty_database_url)
    migrate.upgrade(engine)
    with Session(engine) as restored, restored.begin():
        import_all(restored, tmp_path / "copy")
    with Session(engine) as restored:
        for table in compared:
            after = table_rows(restored, table)
            if table in GROWS_ON_RESTORE:
                assert [row for row in before[table] if row not in after] == [], table
            else:
                assert after == before[table], table
        restored.execute(text("INSERT INTO audit_entry (actor, action, entity) VALUES ('x', 'x', 'x')"))  # ids go on
    engine.dispose()


def test_a_copy_restores_into_an_empty_database_with_everything_equal(db, empty_database_url, tmp_path):
    activity = catalogues.activity(db)
    save_progress(
        db,
        "kari",
        activity.id,
        "4622",
        {
            "status": "done",
            "note": "Æ, ø og å – «sitat»",
            "link": "https://kvam.kommune.no",
            "status_date": "2026-11-02",
        },
    )
    token = create_deck(db, "Kommunestyret").token
    add_view(db, token, "/", "?survey=demo_national", "Oversikt", "Til diskusjon")
    slugs = [s for (s,) in db.execute(select(Survey.slug))]
    unknown = db.scalars(select(CoworkingSpace).order_by(CoworkingSpace.name)).first()
    unknown.seats = None  # unknown seats (migration 0016) come back unknown, not 0
    db.flush()

    export_all(db, tmp_path / "copy")
    manifest = json.loads((tmp_path / "copy" / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["surveys"]) == sorted(slugs)

    engine = create_engine(empty_database_url)
    migrate.upgrade(engine)
    with Session(engine) as restored, restored.begin():
        import_all(restored, tmp_path / "copy")
    with Session(engine) as restored:
        assert spaces(restored) == spaces(db)
        assert restored.scalar(select(CoworkingSpace.seats).where(CoworkingSpace.name == unknown.name)) is None
        assert progress(restored) == progress(db)
        assert decks(restored) == decks(db)
        assert restored.scalar(select(MeasureArea.code).where(MeasureArea.number == 1)) == "coworking"
        for slug in slugs:
            assert weights(restored, slug) == weights(db, slug)
            assert answers(restored, slug) == answers(db, slug)  # the derived variables too
            question = next(v for v, info in survey_meta(db, slug).questions.items() if info.valid_codes)
            original = estimate_shares(db, slug, question, min_n=10)
            again = estimate_shares(restored, slug, question, min_n=10)
            assert [r.code for r in again.rows] == [r.code for r in original.rows]
            assert [r.estimate for r in again.rows] == pytest.approx([r.estimate for r in original.rows], rel=1e-12)
    engine.dispose()


def test_export_refuses_a_directory_that_is_not_empty(db, tmp_path):
    (tmp_path / "x.txt").write_text("something", encoding="utf-8")
    with pytest.raises(ImportValidationError, match="not empty"):
        export_all(db, tmp_path)


def test_import_refuses_a_directory_that_is_no_copy(db, tmp_path):
    with pytest.raises(ImportValidationError, match="manifest.json"):
        import_all(db, tmp_path)
