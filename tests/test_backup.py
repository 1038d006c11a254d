"""An admin's complete copy (``fjernarbeid export-all``) restores into an empty database
(``import-all``) with the same inventory, catalogue, progress, presentations and surveys."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app.db import migrate
from app.db.decks import add_view, create_deck
from app.db.models import (
    Answer,
    CoworkingSpace,
    Deck,
    MeasureActivity,
    MeasureArea,
    MeasureProgress,
    Question,
    Respondent,
    Survey,
)
from app.errors import ImportValidationError
from app.ingest.backup import export_all, import_all
from app.ingest.editing import save_progress
from app.query.estimates import estimate_shares
from app.query.metadata import survey_meta


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


def test_a_copy_restores_into_an_empty_database_with_everything_equal(db, empty_database_url, tmp_path):
    activity = db.scalars(select(MeasureActivity).order_by(MeasureActivity.id)).first()
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

    export_all(db, tmp_path / "copy")
    manifest = json.loads((tmp_path / "copy" / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["surveys"]) == sorted(slugs)

    engine = create_engine(empty_database_url)
    migrate.upgrade(engine)
    with Session(engine) as restored, restored.begin():
        import_all(restored, tmp_path / "copy")
    with Session(engine) as restored:
        assert spaces(restored) == spaces(db)
        assert progress(restored) == progress(db)
        assert decks(restored) == decks(db)
        assert restored.scalar(select(MeasureArea.code).where(MeasureArea.number == 1)) == "coworking"
        for slug in slugs:
            assert weights(restored, slug) == weights(db, slug)
            assert answers(restored, slug) == answers(db, slug)  # the derived variables too
            question = next(v for v, info in survey_meta(db, slug).questions.items() if info.valid_codes)
            original = estimate_shares(db, slug, question)
            again = estimate_shares(restored, slug, question)
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
