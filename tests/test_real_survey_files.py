"""Surveys as they come (issue 22 §3): real Nettskjema exports, and small SPSS, Excel and CSV files.

Each real export gets a drafted codebook (``fjernarbeid codebook draft``), its TODOs resolved here as a
person would, is imported, and its stored answers are compared with counts computed from the raw file.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from app.cli import main
from app.db.models import Answer, Question, Respondent, Survey
from app.errors import ImportValidationError
from app.ingest.codebook import load_codebook, open_decisions
from app.ingest.codebook_draft import draft_codebook
from app.ingest.survey_import import import_survey

REAL = Path(__file__).resolve().parents[2] / "shared" / "real" / "survey"
CLASSIC_DATA = REAL / "nettskjema_data-82087-2018-09-03-1550-utf.txt"
CLASSIC_CODEBOOK = REAL / "nettskjema_codebook-82087-2018-09-03.txt"
V3_DATA = REAL / "nettskjema_v3_data-123823.csv"
V3_ELEMENTS = REAL / "nettskjema_v3_elements-123823.json"
PAIRS = [(CLASSIC_DATA, CLASSIC_CODEBOOK), (V3_DATA, V3_ELEMENTS)]

real = pytest.mark.skipif(not REAL.is_dir(), reason=f"the real survey files are not here ({REAL})")


def resolve(text: str, **decisions) -> dict:
    """What a person does with a draft: answer each TODO (``survey.citation`` etc. by dotted path)."""
    data = yaml.safe_load(text)
    defaults = {
        "survey.citation": "Test: a real export",
        "survey.coverage": "regional",
        "weight_column": "none",
        "municipality_column": "none",
    }
    for where, value in {**defaults, **decisions}.items():
        node = data
        *parents, last = where.split(".")
        for name in parents:
            node = node[name]
        node[last] = value
    return data


def write_codebook(tmp_path: Path, data: dict, name: str = "codebook.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def stored(db, slug: str) -> dict[str, Counter]:
    """Each stored question's answers: codes counted, or the numbers' sum under key 'sum'."""
    rows = db.execute(
        select(Question.variable, Answer.code, Answer.number)
        .join(Answer, Answer.question_id == Question.id)
        .join(Survey, Survey.id == Question.survey_id)
        .where(Survey.slug == slug, Question.is_derived.is_(False))
    ).all()
    result: dict[str, Counter] = {}
    for variable, code, number in rows:
        counter = result.setdefault(variable, Counter())
        if code is not None:
            counter[code] += 1
        else:
            counter["sum"] += number
            counter["n"] += 1
    return result


def keys(db, slug: str) -> set[str]:
    return set(db.scalars(select(Respondent.respondent_key).join(Survey).where(Survey.slug == slug)))


def raw_rows(path: Path, delimiter: str) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


@real
def test_every_real_survey_file_is_tested():
    tested = {p.name for pair in PAIRS for p in pair}
    assert {p.name for p in REAL.iterdir()} <= tested, "a new real survey file needs a test here"


@real
@pytest.mark.parametrize("data, codebook", PAIRS, ids=["classic", "v3"])
def test_a_draft_marks_the_decisions_and_the_import_refuses_it(db, tmp_path, data, codebook):
    text = draft_codebook(data, codebook)
    assert "# TODO: weight?" in text and "# TODO: which is the municipality?" in text
    open_fields = {where for where, _, _ in open_decisions(text)}
    assert {"weight_column", "municipality_column", "survey.citation", "survey.coverage"} <= open_fields
    path = tmp_path / "draft.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportValidationError) as caught:
        import_survey(db, data, path)
    message = str(caught.value)
    assert "open decision(s) marked TODO" in message and "nothing was imported" in message
    for name in ("weight_column", "municipality_column", "survey.citation", "survey.coverage"):
        assert name in message
    assert {p["column"] for p in caught.value.problems} >= {"weight_column", "municipality_column"}


@real
@pytest.mark.parametrize("data", [CLASSIC_DATA, V3_DATA], ids=["classic", "v3"])
def test_a_data_file_alone_is_drafted_from_its_values(data):
    text = draft_codebook(data)
    assert open_decisions(text)  # still the decisions to make
    load_codebook_text = yaml.safe_load(text)
    assert load_codebook_text["questions"] is not None


@real
def test_classic_nettskjema_export_imports_with_every_answer(db, tmp_path):
    rows = raw_rows(CLASSIC_DATA, "\t")
    data = resolve(draft_codebook(CLASSIC_DATA, CLASSIC_CODEBOOK))
    assert data["id_column"] == "NR"
    assert data["survey"]["year"] == 2017 and data["survey"]["title"]["nb"] == "Interesse for deltagelse"
    assert {c: data["columns"][c] for c in ("E-post", "Fornavn", "Telefon")} == dict.fromkeys(
        ("E-post", "Fornavn", "Telefon"), "ignore"
    )  # personal data is not stored
    # Postnummer is drafted as a postal code; the file's 8995 is not one, and the import says where
    codebook = write_codebook(tmp_path, data)
    with pytest.raises(ImportValidationError) as caught:
        import_survey(db, CLASSIC_DATA, codebook)
    bad = [row["Postnummer"] for row in rows if row["Postnummer"] not in ("1337", "5555")]
    assert [(p["row"], p["column"], p["value"]) for p in caught.value.problems] == [(3, "Postnummer", bad[0])]
    # … so the person leaves the postal codes out
    data["questions"] = [q for q in data["questions"] if q["variable"] != "postnummer"]
    data["columns"]["Postnummer"] = "ignore"
    result = import_survey(db, CLASSIC_DATA, write_codebook(tmp_path, data))
    assert result.respondents == len(rows) == 3
    slug = data["survey"]["slug"]
    assert keys(db, slug) == {row["NR"] for row in rows}
    answers = stored(db, slug)
    for column in ("Inklusjon_1", "Deltatt_tidligere_1", "Nyrekruttert_1"):
        ticked = sum(1 for row in rows if row[column].strip() == "Ja")
        assert answers.get(column.lower(), Counter()) == (Counter({1: ticked}) if ticked else Counter())


@real
def test_nettskjema_v3_report_imports_with_every_answer(db, tmp_path):
    rows = raw_rows(V3_DATA, ";")
    data = resolve(draft_codebook(V3_DATA, V3_ELEMENTS))
    assert data["id_column"] == "$submission_id"
    assert data["columns"]["$created"] == "ignore" and data["columns"]["checkbox.questionnaires"] == (
        "checkbox_questionnaires"
    )
    result = import_survey(db, V3_DATA, write_codebook(tmp_path, data))
    assert result.respondents == len(rows) == 3
    slug = data["survey"]["slug"]
    assert keys(db, slug) == {row["$submission_id"] for row in rows}
    answers = stored(db, slug)
    mapped = {column: variable for column, variable in data["columns"].items() if variable != "ignore"}
    coded = {q["variable"] for q in data["questions"] if q["type"] == "single_choice"}
    numbers = {q["variable"] for q in data["questions"] if q["type"] == "number"}
    assert len(coded) == 18 and numbers == {"number_decimal", "number_integer", "slider"}
    for column in rows[0]:
        variable = mapped.get(column, column)
        if variable in coded:
            expected = Counter(int(row[column]) for row in rows if row[column] != "")
            assert answers[variable] == expected, column
        elif variable in numbers:
            values = [float(row[column]) for row in rows if row[column] != ""]
            assert answers[variable]["n"] == len(values)
            assert answers[variable]["sum"] == pytest.approx(sum(values)), column
    assert answers["radio"] == Counter({1: 1, -1: 2})  # the file: 1, -1, -1
    radio = db.scalar(select(Question).join(Survey).where(Survey.slug == slug, Question.variable == "radio"))
    assert {o.code: o.label["en"] for o in radio.options} == {1: "Very happy!", -1: "Very unhappy!"}


# --- small files of our own -----------------------------------------------------------------------


def test_spss_labels_become_the_codebook(db, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    import pandas as pd

    frame = pd.DataFrame(
        {
            "lopenr": [1.0, 2.0, 3.0, 4.0, 5.0],
            "kjonn": [1.0, 2.0, 2.0, 1.0, 2.0],
            "hjemme": [1.0, 3.0, 9.0, 1.0, 2.0],
            "vekt": [0.8, 1.2, 1.0, 0.9, 1.1],
            "knr": [4622.0, 4622.0, 4618.0, 4619.0, 4622.0],
        }
    )
    sav = tmp_path / "hardanger.sav"
    pyreadstat.write_sav(
        frame,
        str(sav),
        column_labels=["Løpenummer", "Kjønn", "Hvor ofte jobber du hjemme?", "Vekt", "Kommune"],
        variable_value_labels={
            "kjonn": {1.0: "Mann", 2.0: "Kvinne"},
            "hjemme": {1.0: "Ukentlig", 2.0: "Sjeldnere", 3.0: "Aldri", 9.0: "Vet ikke"},
        },
    )
    text = draft_codebook(sav)
    assert "perhaps: vekt" in text and "perhaps knr" in text
    data = yaml.safe_load(text)
    questions = {q["variable"]: q for q in data["questions"]}
    assert questions["kjonn"]["text"]["nb"] == "Kjønn"
    assert [(o["code"], o["label"]["nb"], o.get("missing", False)) for o in questions["hjemme"]["options"]] == [
        (1, "Ukentlig", False),
        (2, "Sjeldnere", False),
        (3, "Aldri", False),
        (9, "Vet ikke", True),
    ]
    assert data["id_column"] == "lopenr"
    data = resolve(text, weight_column="vekt", municipality_column="knr", **{"survey.year": 2026})
    result = import_survey(db, sav, write_codebook(tmp_path, data))
    assert result.respondents == 5
    slug = data["survey"]["slug"]
    assert stored(db, slug)["hjemme"] == Counter({1: 2, 2: 1, 3: 1, 9: 1})
    people = db.execute(
        select(Respondent.respondent_key, Respondent.weight, Respondent.kommunenummer)
        .join(Survey)
        .where(Survey.slug == slug)
    ).all()
    assert sorted(people) == [
        ("1", 0.8, "4622"),
        ("2", 1.2, "4622"),
        ("3", 1.0, "4618"),
        ("4", 0.9, "4619"),
        ("5", 1.1, "4622"),
    ]


def test_an_excel_export_with_question_texts_in_the_header(db, tmp_path):
    from openpyxl import Workbook

    question = "Hvor mange dager i uka jobber du hjemmefra?"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["RespondentID", question, "Kjønn", "Kommentar"])
    answers = ["Ingen", "1–2 dager", "Ingen", "3 dager eller flere", "1–2 dager", "Ingen"]
    genders = ["Kvinne", "Mann", "Kvinne", "Kvinne", "Mann", "Mann"]
    for i, (answer, gender) in enumerate(zip(answers, genders, strict=True), start=1):
        sheet.append([f"r{i}", answer, gender, f"fritekst nummer {i}"])
    path = tmp_path / "questback.xlsx"
    workbook.save(path)
    data = yaml.safe_load(draft_codebook(path))
    assert data["columns"][question] == "q2" and data["columns"]["Kommentar"] == "ignore"
    q2 = next(q for q in data["questions"] if q["variable"] == "q2")
    assert q2["text"]["nb"] == question
    assert [o["label"]["nb"] for o in q2["options"]] == ["Ingen", "1–2 dager", "3 dager eller flere"]
    data = resolve(draft_codebook(path), id_column="RespondentID", **{"survey.year": 2026})
    import_survey(db, path, write_codebook(tmp_path, data))
    counts = stored(db, data["survey"]["slug"])
    assert counts["q2"] == Counter({1: 3, 2: 2, 3: 1})
    assert counts["kjonn"] == Counter({1: 3, 2: 3})


CODEBOOK = """\
format: 1
survey:
  slug: tekstsvar
  title: {nb: Tekstsvar, nn: Tekstsvar, en: Text answers}
  year: 2026
  citation: Test
id_column: Nummer
columns:
  "Jobber du hjemme?": q1
  Tidspunkt: ignore
questions:
  - variable: q1
    type: single_choice
    text: {nb: "Jobber du hjemme?", nn: "Jobbar du heime?", en: "Do you work from home?"}
    options:
      - {code: 1, label: {nb: "Ja", nn: "Ja", en: "Yes"}}
      - {code: 2, label: {nb: "Nei", nn: "Nei", en: "No"}}
      - {code: 9, label: {nb: "Vet ikke", nn: "Veit ikkje", en: "Don't know"}, missing: true, answers: ["?"]}
"""


def text_survey(tmp_path, answers: list[str]) -> tuple[Path, Path]:
    codebook = tmp_path / "tekst.yaml"
    codebook.write_text(CODEBOOK, encoding="utf-8")
    data = tmp_path / "tekst.csv"
    lines = ["Nummer;Jobber du hjemme?;Tidspunkt"] + [f"{i};{a};2026-01-0{i % 9 + 1}" for i, a in enumerate(answers, 1)]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data, codebook


def test_text_answers_are_coded_through_the_option_labels(db, tmp_path):
    data, codebook = text_survey(tmp_path, ["Ja", "  ja ", "NEI", "yes", "veit  IKKJE", "?", "2", ""])
    result = import_survey(db, data, codebook)
    assert result.respondents == 8
    assert stored(db, "tekstsvar")["q1"] == Counter({1: 3, 2: 2, 9: 2})
    assert keys(db, "tekstsvar") == {str(i) for i in range(1, 9)}


def test_an_unknown_text_is_refused_with_its_row_and_column(db, tmp_path):
    data, codebook = text_survey(tmp_path, ["Ja", "Kanskje", "Nei", "ja takk"])
    with pytest.raises(ImportValidationError) as caught:
        import_survey(db, data, codebook)
    assert [(p["row"], p["column"], p["value"]) for p in caught.value.problems] == [
        (3, "Jobber du hjemme?", "Kanskje"),
        (5, "Jobber du hjemme?", "ja takk"),
    ]
    assert "row 3, column Jobber du hjemme?: 'Kanskje'" in str(caught.value)
    assert "'Ja'" in str(caught.value)  # the labels it could have been


def test_a_todo_left_in_a_codebook_is_refused_naming_it(db, tmp_path):
    data, codebook = text_survey(tmp_path, ["Ja"])
    codebook.write_text(
        CODEBOOK.replace("id_column: Nummer", '# TODO: weight?\nweight_column: "TODO: weight?"\nid_column: Nummer'),
        encoding="utf-8",
    )
    with pytest.raises(ImportValidationError, match=r"line 8, weight_column: TODO: weight\?"):
        load_codebook(codebook)
    with pytest.raises(ImportValidationError, match="1 open decision"):
        import_survey(db, data, codebook)


def test_a_codebook_column_the_file_lacks_is_named(db, tmp_path):
    data, codebook = text_survey(tmp_path, ["Ja"])
    codebook.write_text(CODEBOOK.replace("Tidspunkt: ignore", "Tidspunkt: ignore\n  Kommune: ignore"), "utf-8")
    with pytest.raises(ImportValidationError) as caught:
        import_survey(db, data, codebook)
    assert [(p["row"], p["column"]) for p in caught.value.problems] == [(1, "Kommune")]


def test_columns_must_map_to_questions(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(CODEBOOK.replace('"Jobber du hjemme?": q1', '"Jobber du hjemme?": q7'), encoding="utf-8")
    with pytest.raises(ImportValidationError, match=r"columns: \['q7'\] are not questions"):
        load_codebook(path)


@real
def test_the_cli_prints_the_draft(tmp_path, capsys):
    assert main(["codebook", "draft", str(V3_DATA), "--nettskjema-codebook", str(V3_ELEMENTS)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("# Drafted by `fjernarbeid codebook draft`") and "decisions marked TODO" in err
    assert len(open_decisions(out)) == 4
