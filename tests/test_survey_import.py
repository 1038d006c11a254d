"""`fjernarbeid import survey`: strict validation, every problem reported, all or nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from app.db.models import Answer, AnswerVector, ImportBatch, Question, Respondent, Survey
from app.errors import ImportValidationError
from app.ingest.survey_import import import_survey

CODEBOOK = Path(__file__).parent / "data" / "mini_codebook.yaml"
HEADER = "id,q201,q202,q3,q12,q6_1,q6_2,q207"
GOOD_ROWS = [
    "a1,5600,1980,3,1,1,5,1",
    "a2,0150,1990,2,2,2,4,2",
    "a3,5780,1970,1,3,6,2,1",
    "a4,5783,1965,4,6,4,1,2",
]


def write_csv(tmp_path, rows, header=HEADER, name="data.csv", encoding="utf-8", sep=","):
    path = tmp_path / name
    text = "\n".join([header, *rows]).replace(",", sep) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def problems_of(db, path, **kwargs):
    with pytest.raises(ImportValidationError) as caught:
        import_survey(db, path, CODEBOOK, **kwargs)
    return caught.value


def mini_id(db):
    return db.scalar(select(Survey.id).where(Survey.slug == "mini"))


def respondents(db, slug="mini"):
    return db.scalar(select(func.count()).select_from(Respondent).join(Survey).where(Survey.slug == slug))


def test_a_valid_file_is_imported_with_its_derived_variables(db, tmp_path):
    result = import_survey(db, write_csv(tmp_path, GOOD_ROWS), CODEBOOK)
    assert result.status == "succeeded" and result.respondents == 4
    survey = db.scalar(select(Survey).where(Survey.slug == "mini"))
    assert survey.is_synthetic
    derived = {q.variable for q in survey.questions if q.is_derived}
    assert {
        "age",
        "age_group",
        "gender",
        "home_office_3plus",
        "municipality",
        "region",
        "centrality",
        "factory_index",
    } <= derived

    def answer(key, variable):
        return db.execute(
            select(Answer.code, Answer.number)
            .join(Respondent)
            .join(Question)
            .where(Respondent.respondent_key == key, Question.variable == variable, Question.survey_id == survey.id)
        ).one_or_none()

    assert answer("a1", "age") == (None, 45.0)
    assert answer("a1", "municipality") == (4622, None)  # 5600 Norheimsund → Kvam
    assert answer("a2", "municipality") == (301, None)  # 0150 Oslo
    assert answer("a2", "centrality") == (1, None)
    assert answer("a2", "region") is None  # Oslo is in no region
    assert answer("a3", "home_office_3plus") == (2, None)
    assert answer("a4", "home_office_3plus") == (2, None)  # never → "less than 3 days"
    # factory index: q6_1 kept, q6_2 reversed (6 - code), "not sure" (6) left out
    assert answer("a1", "factory_index") == (None, (1 + (6 - 5)) / 2)
    assert answer("a3", "factory_index") == (None, 4.0)
    assert "weight 1" in " ".join(result.warnings)
    assert db.scalar(select(ImportBatch.status).where(ImportBatch.id == result.batch_id)) == "succeeded"


@pytest.mark.parametrize(
    "encoding,sep,bom", [("cp1252", ";", False), ("utf-8", ",", True), ("utf-8", ";", False), ("utf-8", "\t", False)]
)
def test_encodings_and_separators_norwegian_vendors_deliver(db, tmp_path, encoding, sep, bom):
    rows = ["Åse-1,5600,1980,3,1,1,5,1", "Øyvind-2,0150,1990,2,2,2,4,2", "Bjørn-æ,5780,1970,1,3,6,2,1"]
    path = write_csv(tmp_path, rows, encoding=encoding, sep=sep)
    if bom:
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    import_survey(db, path, CODEBOOK)
    keys = set(db.scalars(select(Respondent.respondent_key).where(Respondent.survey_id == mini_id(db))).all())
    assert {"Åse-1", "Øyvind-2", "Bjørn-æ"} <= keys


def test_column_names_are_case_insensitive(db, tmp_path):
    import_survey(db, write_csv(tmp_path, GOOD_ROWS, header=HEADER.upper().replace("ID", "Id")), CODEBOOK)
    assert respondents(db) == 4


def test_xlsx(db, tmp_path):
    frame = pd.DataFrame([r.split(",") for r in GOOD_ROWS], columns=HEADER.split(","))
    path = tmp_path / "data.xlsx"
    frame.to_excel(path, index=False)
    import_survey(db, path, CODEBOOK)
    assert respondents(db) == 4


def test_spss_sav(db, tmp_path):
    import pyreadstat

    frame = pd.DataFrame([r.split(",") for r in GOOD_ROWS], columns=HEADER.split(","))
    for column in HEADER.split(",")[2:]:
        frame[column] = frame[column].astype(float)
    frame.loc[2, "q6_1"] = np.nan  # system-missing in SPSS = empty
    path = tmp_path / "data.sav"
    pyreadstat.write_sav(frame, str(path))
    import_survey(db, path, CODEBOOK)
    assert respondents(db) == 4


def test_every_problem_is_reported_with_row_column_and_fix_and_nothing_is_written(db, tmp_path):
    rows = [
        "a1,5600,1980,3,1,1,5,1",
        "a1,5600,1980,3,1,1,5,1",  # duplicate key
        "a3,9999,1970,1,3,6,2,1",  # unknown postal code
        "a4,5783,1865,4,6,4,1,2",  # impossible birth year
        "a5,5783,1965,tre,6,4,1,2",  # not a number
        "a6,5783,1965,2,7,4,1,2",  # code q12 does not allow
        ",5783,1965,2,1,4,1,2",  # no key
    ]
    error = problems_of(db, write_csv(tmp_path, rows))
    found = {(p["row"], p["column"]) for p in error.problems}
    assert {(3, "id"), (4, "q201"), (5, "q202"), (6, "q3"), (7, "q12"), (8, "id")} <= found
    for p in error.problems:
        assert p["file"] == "data.csv" and p["expected"] and p["fix"]
    assert "nothing was imported" in str(error)
    assert respondents(db) == 0
    assert db.scalar(select(func.count()).select_from(Survey).where(Survey.slug == "mini")) == 0


def test_unknown_and_missing_columns(db, tmp_path):
    error = problems_of(
        db, write_csv(tmp_path, ["a1,5600,1980,3,1,1,1,x"], header="id,q201,q202,q3,q12,q6_1,q207,extra")
    )
    messages = {(p["column"], p["expected"]) for p in error.problems}
    assert ("extra", "a column defined in the codebook") in messages
    assert any(column == "q6_2" for column, _ in messages)


def test_empty_file_and_header_only(db, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "empty" in str(problems_of(db, empty))
    assert "no data" in str(problems_of(db, write_csv(tmp_path, [], name="header.csv")))


def test_non_positive_weights_are_rejected(db, tmp_path):
    rows = [r + ",1.2" for r in GOOD_ROWS[:2]] + [GOOD_ROWS[2] + ",0", GOOD_ROWS[3] + ",-1"]
    error = problems_of(db, write_csv(tmp_path, rows, header=HEADER + ",vekt"))
    assert {(p["row"], p["column"]) for p in error.problems} == {(4, "vekt"), (5, "vekt")}


def test_weight_column_is_used_with_decimal_comma(db, tmp_path):
    rows = [r.replace(",", ";") + f";{w}" for r, w in zip(GOOD_ROWS, ["0,5", "1,5", "2", "1"], strict=False)]
    path = tmp_path / "semicolon.csv"
    path.write_text("\n".join([HEADER.replace(",", ";") + ";weight", *rows]), encoding="utf-8")
    import_survey(db, path, CODEBOOK)
    assert sorted(db.scalars(select(Respondent.weight).where(Respondent.survey_id == mini_id(db))).all()) == [
        0.5,
        1.0,
        1.5,
        2.0,
    ]


def test_kommunenummer_column_wins_over_postal_code_and_allows_unknown_postal_codes(db, tmp_path):
    rows = ["a1,9999,1980,3,1,1,5,1,4620", "a2,0150,1990,2,2,2,4,2,"]
    import_survey(db, write_csv(tmp_path, rows, header=HEADER + ",kommunenummer"), CODEBOOK)
    assert sorted(db.scalars(select(Respondent.kommunenummer).where(Respondent.survey_id == mini_id(db))).all()) == [
        "0301",
        "4620",
    ]


def test_same_file_twice_is_a_no_op_and_another_file_needs_replace(db, tmp_path):
    path = write_csv(tmp_path, GOOD_ROWS)
    import_survey(db, path, CODEBOOK)
    again = import_survey(db, path, CODEBOOK)
    assert again.status == "unchanged" and "already imported" in again.summary()
    other = write_csv(tmp_path, GOOD_ROWS[:2], name="other.csv")
    assert "--replace" in str(problems_of(db, other))
    import_survey(db, other, CODEBOOK, replace=True)
    assert respondents(db) == 2


def test_an_earlier_file_is_not_unchanged_once_another_replaced_it(db, tmp_path):
    """ "Unchanged" means the survey holds this file's data: the last succeeded import read it."""
    first = write_csv(tmp_path, GOOD_ROWS, name="first.csv")
    import_survey(db, first, CODEBOOK)
    import_survey(db, write_csv(tmp_path, GOOD_ROWS[:2], name="second.csv"), CODEBOOK, replace=True)
    assert "--replace" in str(problems_of(db, first))
    assert respondents(db) == 2


def test_a_value_outside_a_one_sided_range_is_named(db, tmp_path):
    codebook = tmp_path / "min_only.yaml"
    codebook.write_text(CODEBOOK.read_text(encoding="utf-8").replace("    min: 1\n    max: 20\n", "    min: 1\n"))
    path = write_csv(tmp_path, [GOOD_ROWS[0], "a2,0150,1990,0,2,2,4,2"])
    with pytest.raises(ImportValidationError) as caught:
        import_survey(db, path, codebook)
    assert [(p["row"], p["column"], p["expected"]) for p in caught.value.problems] == [
        (3, "q3", "a value of at least 1")
    ]


def test_a_codebook_that_breaks_the_format_reports_each_field_as_a_problem(tmp_path):
    from app.ingest.codebook import load_codebook

    path = tmp_path / "bad.yaml"
    path.write_text(CODEBOOK.read_text(encoding="utf-8").replace("year: 2025", "year: 20250"))
    with pytest.raises(ImportValidationError) as caught:
        load_codebook(path)
    assert [(p["file"], p["row"], p["column"]) for p in caught.value.problems] == [("bad.yaml", None, "survey.year")]
    assert "  - survey.year: Input should be less than or equal to 2100" in str(caught.value)


def test_raking_to_margins_reproduces_them(db, tmp_path):
    rows = [f"r{i},5600,{1990 if i % 3 else 1970},3,1,1,5,{1 if i % 4 else 2}" for i in range(40)]
    margins = tmp_path / "margins.csv"
    margins.write_text("age_group,gender,population\n1,1,400\n1,2,300\n2,1,200\n2,2,100\n")
    import_survey(db, write_csv(tmp_path, rows), CODEBOOK, margin_paths=[margins])
    data = db.execute(
        select(Respondent.weight, Answer.code, Respondent.gender)
        .join(Answer)
        .join(Question)
        .where(Question.variable == "age_group", Respondent.survey_id == mini_id(db))
    ).all()
    frame = pd.DataFrame(data, columns=["w", "age_group", "gender"])
    shares = frame.groupby(["age_group", "gender"]).w.sum() / frame.w.sum()
    assert shares.to_dict() == pytest.approx({(1, 1): 0.4, (1, 2): 0.3, (2, 1): 0.2, (2, 2): 0.1}, abs=1e-9)
    assert frame.w.mean() == pytest.approx(1.0)


def test_margins_with_an_empty_cell_are_refused(db, tmp_path):
    margins = tmp_path / "margins.csv"
    margins.write_text("age_group,gender,population\n1,1,400\n1,2,300\n2,1,200\n2,2,100\n")
    rows = [f"r{i},5600,1990,3,1,1,5,{1 + i % 2}" for i in range(6)]  # nobody aged 45–60
    assert "no respondent in margin cell" in str(problems_of(db, write_csv(tmp_path, rows), margin_paths=[margins]))
    assert respondents(db) == 0


def test_respondents_without_a_margin_variable_are_named_by_their_row(db, tmp_path):
    margins = tmp_path / "margins.csv"
    margins.write_text("age_group,gender,population\n1,1,400\n1,2,300\n2,1,200\n2,2,100\n")
    rows = [GOOD_ROWS[0], "", "a2,0150,,2,2,2,4,2", *GOOD_ROWS[2:]]  # a blank line, then no birth year
    error = problems_of(db, write_csv(tmp_path, rows), margin_paths=[margins])
    assert [(p["file"], p["row"], p["column"]) for p in error.problems] == [("data.csv", 4, "age_group")]
    assert "supply a weight column" in error.problems[0]["fix"]


def test_a_margin_column_that_is_no_variable_is_named(db, tmp_path):
    margins = tmp_path / "margins.csv"
    margins.write_text("agegroup,gender,population\n1,1,400\n1,2,300\n2,1,200\n2,2,100\n")
    error = problems_of(db, write_csv(tmp_path, GOOD_ROWS), margin_paths=[margins])
    assert [(p["file"], p["row"], p["column"]) for p in error.problems] == [("margins.csv", 1, "agegroup")]
    assert respondents(db) == 0


def test_each_respondents_wide_row_holds_exactly_their_answers_in_question_order(db, tmp_path):
    import_survey(db, write_csv(tmp_path, GOOD_ROWS), CODEBOOK)
    sid = mini_id(db)
    questions = db.scalars(select(Question).where(Question.survey_id == sid).order_by(Question.position)).all()
    for respondent in db.scalars(select(Respondent).where(Respondent.survey_id == sid)):
        vector = db.get(AnswerVector, respondent.id)
        assert vector.weight == respondent.weight
        answers = {
            a.question_id: (a.code, a.number)
            for a in db.scalars(select(Answer).where(Answer.respondent_id == respondent.id))
        }
        assert len(vector.codes) == len(vector.numbers) == len(questions)
        for slot, question in enumerate(questions):
            assert (vector.codes[slot], vector.numbers[slot]) == answers.get(question.id, (None, None)), (
                respondent.respondent_key,
                question.variable,
            )


def test_replacing_a_survey_replaces_its_wide_rows_and_what_queries_see(db, tmp_path):
    from app.query.estimates import estimate_shares

    import_survey(db, write_csv(tmp_path, GOOD_ROWS), CODEBOOK)
    before = estimate_shares(db, "mini", "q12", min_n=1)
    import_survey(db, write_csv(tmp_path, GOOD_ROWS[:2], name="two.csv"), CODEBOOK, replace=True)
    after = estimate_shares(db, "mini", "q12", min_n=1)
    assert (before.n_design, after.n_design) == (4, 2)
    assert {r.code for r in after.rows if r.estimate} == {1, 2}
    assert (
        db.scalar(
            select(func.count())
            .select_from(AnswerVector)
            .join(Survey, Survey.id == AnswerVector.survey_id)
            .where(Survey.slug == "mini")
        )
        == 2
    )
