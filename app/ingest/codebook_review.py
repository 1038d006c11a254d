"""A drafted codebook reviewed in the browser: what the draft says, in words a person can change, and the
codebook that the changes make.

``fjernarbeid codebook draft`` writes YAML for a text editor (``app/ingest/codebook_draft.py``). The import page
shows the same draft as a form instead: ``review_of`` turns the draft's YAML into plain values (the survey's
title, year, citation and coverage; which column is the respondent key, the weight and the municipality; each
question's text, type and options with their codes; the columns set aside), a decision still marked TODO as
an empty value; ``reviewed_codebook`` writes the person's answers back into the draft and returns the YAML
the existing check and import read. An answer left empty keeps its TODO, so the check names what is still
to decide, exactly as for a codebook written by hand (``load_codebook``).

The answers are a flat mapping, the names the page's fields carry:

==========================  =========================================================================
``survey.title``             the survey's title (nb, nn and en alike)
``survey.year``              the year the answers were given (digits)
``survey.citation``          who made it, as it should be cited
``survey.coverage``          ``national`` or ``regional``
``id_column``                the file's respondent key column, or ``none`` (the row number)
``weight_column``            the weight column, or ``none``
``municipality_column``      the column of municipality numbers, or ``none``
``q.N.text``                 the text of question N (0-based, in the draft's order)
``q.N.ignore``               true: the question's column is set aside (``columns: {COLUMN: ignore}``)
``q.N.o.CODE.label``         the label of question N's option with code CODE
==========================  =========================================================================
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import yaml

from app.ingest.codebook import IGNORE, NONE, TODO_MARK, column_key

SURVEY_FIELDS = ("title", "year", "citation", "coverage")
COLUMN_FIELDS = ("id_column", "weight_column", "municipality_column")
COVERAGES = ("national", "regional")


@dataclass
class ReviewOption:
    code: int
    label: str
    missing: bool = False


@dataclass
class ReviewQuestion:
    index: int
    variable: str
    column: str  # the data file's column it is read from
    type: str
    text: str  # "" while the draft marks it TODO (the file has codes only)
    todo: str = ""  # the draft's TODO text, shown as the question to answer
    options: list[ReviewOption] = field(default_factory=list)


@dataclass
class Review:
    """A draft as a form shows it: every value a string a person can read and change ("" = still to decide)."""

    survey: dict[str, str]
    id_column: str
    weight_column: str
    municipality_column: str
    columns: list[str]  # the data file's columns, in its order
    questions: list[ReviewQuestion]
    ignored: list[str]  # columns the draft sets aside (free text, dates, personal data, metadata …)
    todo: dict[str, str] = field(default_factory=dict)  # field -> the draft's TODO text (what to decide)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _todo(value: Any) -> bool:
    return isinstance(value, str) and bool(TODO_MARK.match(value))


def _nb(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("nb") or value.get("nn") or value.get("en") or "")
    return "" if value is None else str(value)


def _shown(value: Any) -> str:
    """A draft's value as the form shows it: "" for a TODO or nothing, a date or number as text."""
    if value is None or _todo(value):
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return _nb(value)


def _document(codebook_yaml: str) -> dict[str, Any]:
    document = yaml.safe_load(codebook_yaml)
    if not isinstance(document, dict):
        raise ValueError("a drafted codebook is a YAML mapping")
    return document


def _column_of(document: dict[str, Any], variable: str, columns: list[str]) -> str:
    """The data file's column a question is read from: the one ``columns`` maps to it, else its namesake."""
    for name, target in (document.get("columns") or {}).items():
        if target == variable:
            return str(name)
    key = column_key(variable)
    return next((c for c in columns if column_key(c) == key), variable)


def review_of(codebook_yaml: str, columns: list[str]) -> Review:
    """The draft ``codebook_yaml`` of a data file with ``columns``, as a form shows it."""
    document = _document(codebook_yaml)
    survey = document.get("survey") or {}
    todo: dict[str, str] = {}
    for name in SURVEY_FIELDS:
        if _todo(survey.get(name)):
            todo[f"survey.{name}"] = str(survey[name])
    for name in COLUMN_FIELDS:
        if _todo(document.get(name)):
            todo[name] = str(document[name])
    questions = []
    for index, question in enumerate(document.get("questions") or []):
        text = question.get("text")
        options = [
            ReviewOption(int(o["code"]), _nb(o.get("label")), bool(o.get("missing")))
            for o in question.get("options") or []
        ]
        questions.append(
            ReviewQuestion(
                index,
                str(question["variable"]),
                _column_of(document, str(question["variable"]), columns),
                str(question.get("type", "")),
                "" if _todo(_nb(text)) else _nb(text),
                re.sub(r"^\s*TODO:?\s*", "", _nb(text)) if _todo(_nb(text)) else "",
                options,
            )
        )
    ignored = [str(name) for name, target in (document.get("columns") or {}).items() if target == IGNORE]
    return Review(
        {name: _shown(survey.get(name)) for name in SURVEY_FIELDS},
        _shown(document.get("id_column")),
        _shown(document.get("weight_column")),
        _shown(document.get("municipality_column")),
        list(columns),
        questions,
        ignored,
        todo,
    )


def _all_languages(text: str) -> dict[str, str]:
    return {"nb": text, "nn": text, "en": text}


def _answer(answers: dict[str, Any], name: str) -> str:
    value = answers.get(name)
    return "" if value is None else str(value).strip()


def reviewed_codebook(codebook_yaml: str, columns: list[str], answers: dict[str, Any]) -> str:
    """The draft with the person's ``answers`` written in (see the module's table): the YAML the check reads.

    An empty answer leaves the draft's value, so a TODO stays a TODO and the check names it. A changed text is
    written in nb, nn and en alike (as the draft writes the file's own texts)."""
    document = _document(codebook_yaml)
    survey = document.setdefault("survey", {})
    for name in SURVEY_FIELDS:
        value = _answer(answers, f"survey.{name}")
        if not value:
            continue
        if name == "title":
            if value != _nb(survey.get("title")):
                survey["title"] = _all_languages(value)
        elif name == "year":
            survey["year"] = int(value) if value.isdigit() else value  # not a year: the check says so
        else:
            survey[name] = value
    mapping: dict[str, str] = dict(document.get("columns") or {})
    before = [document.get(n) for n in COLUMN_FIELDS]
    for name in COLUMN_FIELDS:
        value = _answer(answers, name)
        if value:
            document[name] = NONE if value.casefold() == NONE else value
    chosen = {column_key(str(document[n])) for n in COLUMN_FIELDS if isinstance(document.get(n), str)}
    mapped = {column_key(k) for k in mapping}
    for previous in before:  # a column no longer the key (weight, municipality) is set aside, not left unknown
        if isinstance(previous, str) and previous in columns and column_key(previous) not in chosen | mapped:
            mapping[previous] = IGNORE

    kept = []
    for index, question in enumerate(document.get("questions") or []):
        variable = str(question["variable"])
        column = _column_of(document, variable, columns)
        if answers.get(f"q.{index}.ignore") in (True, "true", "on", 1) or column_key(column) in chosen:
            # set aside, or the column is now the key, weight or municipality: not a question
            mapping = {k: v for k, v in mapping.items() if v != variable}
            if column_key(column) not in chosen:
                mapping[column] = IGNORE
            continue
        text = _answer(answers, f"q.{index}.text")
        if text and text != _nb(question.get("text")):
            question["text"] = _all_languages(text)
        for option in question.get("options") or []:
            label = _answer(answers, f"q.{index}.o.{option['code']}.label")
            if label and label != _nb(option.get("label")):
                option["label"] = _all_languages(label)
        kept.append(question)
    document["questions"] = kept
    # the key, weight and municipality columns are read as such, not set aside
    mapping = {k: v for k, v in mapping.items() if not (v == IGNORE and column_key(k) in chosen)}
    if mapping:
        document["columns"] = mapping
    else:
        document.pop("columns", None)
    heading = (
        "# Drafted by `fjernarbeid codebook draft` and reviewed on the import page; the format is described in\n"
        "# docs/codebook-format.md.\n"
    )
    return heading + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)
