"""The interviews (issue 20, 7): the report's seven interviews with remote workers in Hardanger, themes and
quotes as data, every quote verbatim in the report's text, and a page that shows them with their sections,
the survey's findings and the measure areas."""

from __future__ import annotations

import json
import re
from pathlib import Path

import plotly.io.json as pio_json
import pytest
import yaml
from sqlalchemy import select

from app.config import LANGUAGES
from app.db.models import InterviewQuote, InterviewTheme, MeasureArea
from app.ingest.interviews import load_interviews
from app.ingest.seed import SEED_DIR
from app.query.interviews import themes
from app.web.pages import interviews
from tests.page_answers import page_answer

REPORT = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "001_2f0da68bd0405d38.txt"
INTERVIEWS = SEED_DIR / "interviews.yaml"


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def document() -> dict:
    return yaml.safe_load(INTERVIEWS.read_text(encoding="utf-8"))


def test_every_quote_is_verbatim_in_the_report_and_in_its_section():
    report = REPORT.read_text(encoding="utf-8")
    whole = normalised(report)
    quotes = [(t["section"], q) for t in document()["themes"] for q in t["quotes"]]
    assert len(quotes) >= 12
    for section, quote in quotes:
        assert normalised(quote) in whole, quote
        # the section the quote is given under is the last heading before it in the report
        position = whole.index(normalised(quote))
        headings = [m for m in re.finditer(r" (3\.1(?:\.\d)+) [A-ZÆØÅ]", whole) if m.start() < position]
        assert headings and headings[-1].group(1) == section, (section, quote[:40])


def test_a_quote_that_is_not_in_the_report_would_be_caught():
    whole = normalised(REPORT.read_text(encoding="utf-8"))
    assert normalised("Vi har senket skuldrene kontra det å bo i sentrum av Oslo.") not in whole


def test_the_seed_loads_every_theme_and_quote_and_a_second_load_changes_nothing(db):
    loaded = themes(db)
    assert [t.code for t in loaded] == [t["code"] for t in document()["themes"]]
    assert sum(len(t.quotes) for t in loaded) == sum(len(t["quotes"]) for t in document()["themes"])
    areas = set(db.scalars(select(MeasureArea.code)))
    assert all(t.measure_areas and set(t.measure_areas) <= areas for t in loaded)
    assert all(set(t.title) == set(LANGUAGES) and set(t.survey) == set(LANGUAGES) for t in loaded)
    assert load_interviews(db, INTERVIEWS) == 0
    assert [t.code for t in themes(db, "coworking")] == [
        t["code"] for t in document()["themes"] if "coworking" in t["measure_areas"]
    ]


def test_a_quote_removed_from_the_file_is_removed_from_the_database(db, tmp_path):
    data = document()
    dropped = data["themes"][0]["quotes"].pop()
    path = tmp_path / "interviews.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_interviews(db, path) == 1
    texts = set(db.scalars(select(InterviewQuote.text)))
    assert normalised(dropped) not in texts
    assert db.scalar(select(InterviewTheme.id).where(InterviewTheme.code == data["themes"][0]["code"])) is not None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_shows_every_quote_in_norwegian_with_its_section_in_every_language(app, lang):
    answer = page_answer(app, interviews, "", lang)
    text = json.dumps(json.loads(pio_json.to_json_plotly(answer["content"])), ensure_ascii=False)
    assert "render-failed" not in text
    for theme in document()["themes"]:
        assert f"interviews-theme-{theme['code']}" in text
        for quote in theme["quotes"]:
            assert json.dumps(normalised(quote), ensure_ascii=False)[1:-1] in text  # the Norwegian, in every language
    section = {"nb": "avsnitt 3.1.2", "nn": "avsnitt 3.1.2", "en": "section 3.1.2"}[lang]
    assert f"NORCE (2025), {section}" in text
    assert "/tiltak#measures-area-coworking" in text


def test_the_page_can_show_the_themes_of_one_measure_area(app):
    answer = page_answer(app, interviews, "?area=skills", "en")
    text = json.dumps(json.loads(pio_json.to_json_plotly(answer["content"])), ensure_ascii=False)
    assert "interviews-theme-leadership" in text and "interviews-theme-where" not in text
