"""A drafted codebook reviewed in the browser (issue 22 §3): the draft of a real Nettskjema export (and of an
SPSS file) as a form shows it, and the codebook the person's answers make, imported and compared with the file."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.models import Question, Respondent, Survey
from app.errors import ImportValidationError
from app.ingest.codebook_draft import drafted
from app.ingest.codebook_review import review_of, reviewed_codebook
from app.ingest.survey_import import import_survey
from tests.test_real_survey_files import CLASSIC_CODEBOOK, CLASSIC_DATA, V3_DATA, V3_ELEMENTS, real, stored

DECIDED = {
    "survey.citation": "UiO (2023): Nettskjema-test",
    "survey.coverage": "regional",
    "weight_column": "none",
    "municipality_column": "none",
}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "reviewed.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def rows_of(path: Path, delimiter: str) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


@real
def test_the_classic_export_reviewed_imports_with_every_answer(db, tmp_path):
    text, columns = drafted(CLASSIC_DATA, CLASSIC_CODEBOOK)
    review = review_of(text, columns)
    assert review.columns[:3] == ["NR", "E-post", "Opprettet"]
    assert review.id_column == "NR" and review.survey["year"] == "2017"
    assert review.survey["citation"] == "" and review.weight_column == "" and review.municipality_column == ""
    assert {"survey.citation", "survey.coverage", "weight_column", "municipality_column"} <= set(review.todo)
    assert {"E-post", "Fornavn", "Telefon", "Adresse"} <= set(review.ignored)  # personal data set aside
    by_column = {q.column: q for q in review.questions}
    assert by_column["Postnummer"].type == "postal_code"
    inclusion = by_column["Inklusjon_1"]
    assert inclusion.text == "Jeg har lest om prosjektet og oppfyller inklusjonskriteriene"
    assert [(o.code, o.label) for o in inclusion.options] == [(1, inclusion.text)]

    # the file's postal code 8995 is no postal code: the person sets the column aside and names the option
    answers = {
        **DECIDED,
        f"q.{by_column['Postnummer'].index}.ignore": True,
        f"q.{inclusion.index}.text": "Oppfyller inklusjonskriteriene",
        f"q.{inclusion.index}.o.1.label": "Ja, oppfyller",
    }
    result = import_survey(db, CLASSIC_DATA, write(tmp_path, reviewed_codebook(text, columns, answers)))
    rows = rows_of(CLASSIC_DATA, "\t")
    assert result.respondents == len(rows) == 3
    slug = "interesse_for_deltagelse"
    answers_stored = stored(db, slug)
    for column in ("Inklusjon_1", "Deltatt_tidligere_1", "Nyrekruttert_1"):
        ticked = sum(1 for row in rows if row[column].strip() == "Ja")
        assert answers_stored.get(column.lower(), Counter()) == (Counter({1: ticked}) if ticked else Counter())
    question = db.scalar(select(Question).join(Survey).where(Survey.slug == slug, Question.variable == "inklusjon_1"))
    assert question.text == {"nb": "Oppfyller inklusjonskriteriene"} | {
        "nn": "Oppfyller inklusjonskriteriene",
        "en": "Oppfyller inklusjonskriteriene",
    }
    assert {o.code: o.label["nb"] for o in question.options} == {1: "Ja, oppfyller"}
    assert "postnummer" not in answers_stored


@real
def test_the_v3_report_reviewed_imports_and_an_empty_answer_stays_a_todo(db, tmp_path):
    text, columns = drafted(V3_DATA, V3_ELEMENTS)
    review = review_of(text, columns)
    assert review.id_column == "$submission_id" and review.survey["year"] == "2023"
    radio = next(q for q in review.questions if q.variable == "radio")
    assert (radio.column, radio.text) == ("radio", "How happy are we with Nettskjema?")
    assert [(o.code, o.label) for o in radio.options] == [(1, "Very happy!"), (-1, "Very unhappy!")]

    undecided = reviewed_codebook(text, columns, {**DECIDED, "weight_column": ""})
    with pytest.raises(ImportValidationError) as caught:
        import_survey(db, V3_DATA, write(tmp_path, undecided))
    assert "weight_column" in str(caught.value) and "TODO" in str(caught.value)

    answers = {**DECIDED, f"q.{radio.index}.text": "Hvor fornøyd er vi?", f"q.{radio.index}.o.-1.label": "Misfornøyd"}
    result = import_survey(db, V3_DATA, write(tmp_path, reviewed_codebook(text, columns, answers)))
    rows = rows_of(V3_DATA, ";")
    assert result.respondents == len(rows) == 3
    slug = "nettskjema_v3_data_123823"
    assert stored(db, slug)["radio"] == Counter(int(row["radio"]) for row in rows)
    question = db.scalar(select(Question).join(Survey).where(Survey.slug == slug, Question.variable == "radio"))
    assert question.text["nb"] == "Hvor fornøyd er vi?"
    assert {o.code: o.label["nb"] for o in question.options} == {1: "Very happy!", -1: "Misfornøyd"}


def test_an_spss_file_reviewed_uses_the_chosen_weight_and_municipality_columns(db, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    import pandas as pd

    frame = pd.DataFrame(
        {
            "lopenr": [1.0, 2.0, 3.0],
            "hjemme": [1.0, 3.0, 9.0],
            "vekt": [0.8, 1.2, 1.0],
            "knr": [4622.0, 4618.0, 4622.0],
            "kode": [7.0, 8.0, 9.0],
        }
    )
    sav = tmp_path / "innbyggere.sav"
    pyreadstat.write_sav(
        frame,
        str(sav),
        column_labels=["Løpenummer", "Hvor ofte jobber du hjemme?", "Vekt", "Kommune", "Intern kode"],
        variable_value_labels={"hjemme": {1.0: "Ukentlig", 3.0: "Aldri", 9.0: "Vet ikke"}},
    )
    text, columns = drafted(sav)
    review = review_of(text, columns)
    assert review.id_column == "lopenr" and columns == ["lopenr", "hjemme", "vekt", "knr", "kode"]
    home = next(q for q in review.questions if q.column == "hjemme")
    assert [(o.code, o.label, o.missing) for o in home.options] == [
        (1, "Ukentlig", False),
        (3, "Aldri", False),
        (9, "Vet ikke", True),
    ]
    answers = {
        **DECIDED,
        "survey.year": "2026",
        "weight_column": "vekt",
        "municipality_column": "knr",
        "id_column": "kode",  # another key column: it is no longer a question
    }
    result = import_survey(db, sav, write(tmp_path, reviewed_codebook(text, columns, answers)))
    assert result.respondents == 3
    people = db.execute(
        select(Respondent.respondent_key, Respondent.weight, Respondent.kommunenummer)
        .join(Survey)
        .where(Survey.slug == "innbyggere")
    ).all()
    assert sorted(people) == [("7", 0.8, "4622"), ("8", 1.2, "4618"), ("9", 1.0, "4622")]
    assert "kode" not in stored(db, "innbyggere") and stored(db, "innbyggere")["hjemme"] == Counter({1: 1, 3: 1, 9: 1})


@real
def test_a_draft_reports_its_reading_as_the_job_shows_it():
    from app.db.jobs import JobInfo
    from app.web.server.jobs import describe

    steps: list[tuple[str, int | None, int | None]] = []
    drafted(V3_DATA, V3_ELEMENTS, progress=lambda step, current=None, total=None: steps.append((step, current, total)))
    assert steps[0] == ("read", None, None) and ("draft", 0, 3) in steps
    fields = {f: None for f in JobInfo.__dataclass_fields__}
    running = JobInfo(**{**fields, "state": "running", "step": "draft", "current": 4000, "total": 60000})
    assert describe(running, "nb") == "Leser rad 4\xa0000 av 60\xa0000 til utkastet"
