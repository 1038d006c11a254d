"""The database itself refuses rows that would make the numbers wrong."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.db.models import (
    Answer,
    AnswerOption,
    MeasureActivity,
    MeasureArea,
    MeasureProgress,
    Municipality,
    Question,
    Respondent,
    Survey,
)


@pytest.fixture
def survey(db):
    s = Survey(
        slug="t_survey",
        title={"nb": "T"},
        year=2025,
        citation="test",
        is_synthetic=True,
        synthetic_note={"nb": "test"},
        codebook={},
    )
    q = Question(
        variable="q22",
        position=1,
        type="likert",
        text={"nb": "Flytte?"},
        options=[AnswerOption(code=c, label={"nb": str(c)}, position=c, is_missing=c == 6) for c in range(1, 7)],
    )
    n = Question(variable="q3", position=2, type="number", text={"nb": "Husstand"})
    s.questions = [q, n]
    db.add(s)
    db.flush()
    return s


def _respondent(db, survey, key="r1", weight=1.0):
    r = Respondent(survey_id=survey.id, respondent_key=key, weight=weight, kommunenummer="4622")
    db.add(r)
    db.flush()
    return r


def _assert_rejected(db, obj):
    db.add(obj)
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def test_answer_with_a_code_the_question_allows_is_stored(db, survey):
    r = _respondent(db, survey)
    db.add(Answer(respondent_id=r.id, question_id=survey.questions[0].id, code=2))
    db.flush()
    assert db.scalar(select(Answer.code).where(Answer.respondent_id == r.id)) == 2


def test_answer_with_a_code_the_question_does_not_allow_is_rejected(db, survey):
    r = _respondent(db, survey)
    _assert_rejected(db, Answer(respondent_id=r.id, question_id=survey.questions[0].id, code=9))


def test_answer_needs_exactly_one_of_code_and_number(db, survey):
    r = _respondent(db, survey)
    _assert_rejected(db, Answer(respondent_id=r.id, question_id=survey.questions[0].id, code=1, number=1.0))


def test_one_answer_per_respondent_and_question(db, survey):
    r = _respondent(db, survey)
    db.add(Answer(respondent_id=r.id, question_id=survey.questions[1].id, number=3))
    db.flush()
    db.expunge_all()
    _assert_rejected(db, Answer(respondent_id=r.id, question_id=survey.questions[1].id, number=4))


def test_respondent_key_is_unique_within_a_survey(db, survey):
    _respondent(db, survey, key="same")
    _assert_rejected(db, Respondent(survey_id=survey.id, respondent_key="same", weight=1.0))


@pytest.mark.parametrize("weight", [0.0, -1.5])
def test_weights_must_be_positive(db, survey, weight):
    _assert_rejected(db, Respondent(survey_id=survey.id, respondent_key="w", weight=weight))


def test_kommunenummer_must_have_four_digits(db):
    _assert_rejected(
        db,
        Municipality(
            kommunenummer="462",
            name="X",
            county_number="46",
            county_name="Vestland",
            population=1,
            population_year=2026,
        ),
    )


def test_unknown_municipality_is_rejected(db, survey):
    _assert_rejected(db, Respondent(survey_id=survey.id, respondent_key="x", weight=1.0, kommunenummer="9999"))


def test_measure_progress_belongs_to_exactly_one_place(db):
    area = MeasureArea(
        code="t",
        number=99,
        title={"nb": "t"},
        rationale={"nb": "t"},
        source="t",
        activities=[MeasureActivity(code="t_a", position=1, title={"nb": "a"})],
    )
    db.add(area)
    db.flush()
    _assert_rejected(db, MeasureProgress(activity_id=area.activities[0].id, status="planned"))


def test_measure_progress_status_must_be_known(db):
    area = MeasureArea(
        code="t2",
        number=98,
        title={"nb": "t"},
        rationale={"nb": "t"},
        source="t",
        activities=[MeasureActivity(code="t2_a", position=1, title={"nb": "a"})],
    )
    db.add(area)
    db.flush()
    _assert_rejected(db, MeasureProgress(activity_id=area.activities[0].id, kommunenummer="4622", status="maybe"))
