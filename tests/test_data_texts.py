"""Texts that come from data are in every language a page is shown in (issue 23 §6): the labels of the shipped
codebooks and of the surveys stored from them, and SSB's categories; ``tests/test_i18n.py`` holds the
catalogues to the same."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from app.config import LANGUAGES
from app.db.models import AnswerOption, EducationLevel, Question, Survey
from app.language import gettext
from app.language.ssb import EDUCATION_LEVELS

CODEBOOKS = sorted((Path(__file__).resolve().parents[1] / "seed" / "codebooks").glob("*.yaml"))


def language_maps(node, path: str = "") -> Iterator[tuple[str, dict]]:
    """Every ``{"nb": …, "nn": …, "en": …}`` text in a codebook, with where it is."""
    if isinstance(node, dict):
        if node and set(node) <= set(LANGUAGES) and "nb" in node:
            yield path, node
            return
        for key, value in node.items():
            yield from language_maps(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from language_maps(value, f"{path}[{i}]")


def missing(texts: dict | None) -> list[str]:
    return [lang for lang in LANGUAGES if not str((texts or {}).get(lang) or "").strip()]


@pytest.mark.parametrize("codebook", CODEBOOKS, ids=lambda p: p.stem)
def test_every_shipped_codebook_names_everything_in_bokmal_nynorsk_and_english(codebook):
    texts = list(language_maps(yaml.safe_load(codebook.read_text(encoding="utf-8"))))
    assert len(texts) >= 3  # at least the title and descriptions (a demo codebook takes its questions from another)
    gaps = [f"{path}: {', '.join(missing(text))}" for path, text in texts if missing(text)]
    assert gaps == [], gaps[:10]


def test_the_check_finds_a_label_without_nynorsk():
    codebook = {"questions": [{"id": "q1", "text": {"nb": "Alder", "en": "Age"}}]}
    assert [missing(text) for _path, text in language_maps(codebook)] == [["nn"]]


def test_every_stored_survey_label_has_every_language(db):
    """What the pages show comes from the database: the surveys as imported keep every language."""
    surveys = db.execute(select(Survey.slug, Survey.title)).all()
    questions = db.execute(select(Survey.slug, Question.variable, Question.text, Question.short).join(Survey)).all()
    options = db.execute(
        select(Survey.slug, Question.variable, AnswerOption.code, AnswerOption.label)
        .join(Question, AnswerOption.question_id == Question.id)
        .join(Survey, Question.survey_id == Survey.id)
    ).all()
    assert surveys and len(questions) > 40 and len(options) > 150
    gaps = [f"{slug}: title" for slug, title in surveys if missing(title)]
    gaps += [f"{slug}.{variable}: text" for slug, variable, text, _short in questions if missing(text)]
    gaps += [f"{slug}.{variable}: short" for slug, variable, _text, short in questions if short and missing(short)]
    gaps += [f"{slug}.{variable}={code}" for slug, variable, code, label in options if missing(label)]
    assert gaps == [], gaps[:10]


def test_every_ssb_education_level_stored_is_named_in_every_language(db):
    """SSB's file gives bokmål names; the page names each level as SSB does in the page's language."""
    stored = set(db.scalars(select(EducationLevel.level).distinct()))
    assert stored and stored <= set(EDUCATION_LEVELS), stored - set(EDUCATION_LEVELS)
    for code in stored:
        names = {lang: gettext(EDUCATION_LEVELS[code], lang) for lang in LANGUAGES}
        assert len(set(names.values())) >= 2 and all(names.values()), (code, names)  # nb and nn differ from English
