"""Published figures as the source words them (issue 20, §3): every published number the dashboard
shows is checked against seed/published_figures.csv (value, qualifier, source document, location), and
shown with the source's own qualifier and decimals: «over halvparten», never «ca. 50 %»."""

from __future__ import annotations

import csv
import json
from fractions import Fraction
from pathlib import Path

import plotly.io._json as pio_json
import pytest

from app.config import LANGUAGES
from app.language import format_published, gettext
from app.web.pages import municipality, national, pages, survey
from tests.page_answers import page_answer

CSV = Path(__file__).resolve().parents[1] / "seed" / "published_figures.csv"
# The source line of a view of published figures → the seed document it quotes.
DOCUMENTS = {
    national.AFI_SOURCE: "003_6884e29e1a1c698d.txt",
    national.STATE_SOURCE: "002_65d39f797cde444f.txt",
    national.BAERUM_SOURCE: "004_4d3028aa1a6a6b28.txt",
}


def rows() -> list[dict[str, str]]:
    with CSV.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def as_percent(row: dict[str, str]) -> float:
    value = float(Fraction(row["value"]))
    return round(100 * value, 1) if row["unit"] == "fraction" else value


def worded(row: dict[str, str], lang: str) -> str:
    """The CSV row worded in ``lang`` as the source words it (value, qualifier and the quote's "halvparten")."""
    value = float(Fraction(row["value"]))
    return format_published(value, row["unit"], row["qualifier"] or None, lang, quote=row["quote"])


def content(app, page, search: str, lang: str) -> str:
    """The page's content as text (the JSON the browser gets, with its characters unescaped)."""
    answer = page_answer(app, page, search, lang)["content"]
    return json.dumps(json.loads(pio_json.to_json_plotly(answer)), ensure_ascii=False)


def rendered(app, page, search: str, lang: str):
    from app.web.views.export import render_views

    with app.server.app_context():
        return render_views(getattr(page, "PAGE", page), search, lang).views


def test_the_seed_carries_the_qualifier_and_the_database_keeps_it(db):
    from app.db.models import PublishedFigure

    stored = {(f.source_document, f.quote, f.value, f.qualifier) for f in db.query(PublishedFigure)}
    for row in rows():
        assert row["qualifier"] in ("", "about", "over", "under", "nearly", "at least", "range")
        assert (row["approx"] == "true") == bool(row["qualifier"]), row["quote"]
    over_half = next(r for r in rows() if r["quote"].startswith("over halvparten ikke vil bruke"))
    assert (over_half["source"], over_half["quote"], 50.0, "over") in stored


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "quote", "expected"),
    [
        (50, "percent", "over", "over halvparten ikke vil", {"nb": "over halvparten", "nn": "over halvparten", "en": "over half"}),
        (50, "percent", "under", "Under halvparten har eget", {"nb": "under halvparten", "en": "under half"}),
        (90, "percent", "over", "for over 90% av respondentene", {"nb": "over 90\u00a0%", "en": "over 90%"}),
        (90, "percent", "nearly", "Nesten 90% av", {"nb": "nesten 90\u00a0%", "nn": "nesten 90\u00a0%", "en": "nearly 90%"}),
        (2.3, "percent", "about", "ca. 2,3% hver", {"nb": "ca. 2,3\u00a0%", "en": "about 2.3%"}),
        (2 / 3, "fraction", "about", "Ca 2/3 har ikke", {"nb": "ca. 2/3", "en": "about 2/3"}),
        (85, "percent", None, "85 % har maks 2 dager", {"nb": "85\u00a0%", "en": "85%"}),
    ],
)  # fmt: skip
def test_a_figure_is_worded_as_its_source_words_it(value, unit, qualifier, quote, expected):
    for lang, text in expected.items():
        assert format_published(value, unit, qualifier, lang, quote=quote) == text


# Every published figure the national page shows, as a planner reads it (bokmål): view, the figure's
# label, how it is worded. A figure added to the page must be added here, and checked against the source.
EXPECTED_NB = {
    national.CONDITIONS: None,  # checked row by row against the CSV below
    national.EMPLOYERS: [
        ("Vil gi de ansatte mer fleksibilitet enn før pandemien (helt eller delvis enig)", "89\u00a0%"),
        ("Har allerede gitt mer fleksibilitet (fast eller midlertidig)", "95\u00a0%"),
        ("Har en øvre grense for antall hjemmekontordager", "75\u00a0%"),
        ("Av dem med øvre grense: maks 2 hjemmekontordager i uka", "85\u00a0%"),
    ],
    national.MUNICIPAL: [
        (None, "65\u00a0%"),
        (None, "ca. 1/3"),
        (None, "83\u00a0%"),
        (None, "70\u00a0%"),
        (None, "under halvparten"),
        (None, "ca. 40\u00a0%"),
        (None, "ca. 2/3"),
        (None, "over 90\u00a0%"),
    ],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_published_figure_on_every_page_matches_the_source(app, lang):
    """Walk every view of every page; each number labelled as published is a row of the CSV with the same
    value, the same document (by the view's source line), the same location, and worded as the source."""
    table = rows()
    checked = 0
    for page in pages():
        if page.role is not None or not page.has_views:
            continue
        for view in rendered(app, page, "?survey=demo_national", lang):
            if view.table is None or not any(c.key == "published" for c in view.table.columns):
                continue
            document = next(d for s, d in DOCUMENTS.items() if view.source.startswith(gettext(s, lang)))
            for shown in view.table.rows:
                candidates = [
                    r
                    for r in table
                    if r["source"] == document and r["section"] == shown["location"] and as_percent(r) == shown["value"]
                ]
                assert candidates, (view.id, shown)
                assert shown["published"] in {worded(r, lang) for r in candidates}, (view.id, shown)
                checked += 1
    assert checked >= 19  # 7 conditions, 4 state employers, 8 Bærum


def test_the_national_figures_are_the_listed_ones_worded_as_published(app):
    views = {v.id: v for v in rendered(app, national, "?survey=demo_national", "nb")}
    for view_id, expected in EXPECTED_NB.items():
        if expected is None:
            continue
        shown = [(r["figure"], r["published"]) for r in views[view_id].table.rows]
        assert [p for _f, p in shown] == [p for _f, p in expected], view_id
        assert [f for (f, _p), (e, _q) in zip(shown, expected, strict=True) if e is not None] == [
            e for e, _q in expected if e is not None
        ]
    # "85 % har maks 2 dager" is of the 75 % with an upper limit: said on its own base, and of all
    sentence = views[national.EMPLOYERS].sentence
    assert "85\u00a0%" in sentence and "75\u00a0%" in sentence and "64\u00a0%" in sentence


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_series_names_its_surveys_and_the_sentence_says_what_was_asked(app, lang):
    text = content(app, national, "", lang)
    assert "YS Arbeidslivsbarometer" in text  # 2020 is YS's survey (seed 003), not AFI's own
    assert "2020–2022 er AFI" not in text and "2020–2022 are AFI" not in text
    possibility = next(v for v in rendered(app, national, "", lang) if v.id == national.POSSIBILITY)
    sentence = possibility.sentence
    assert "hele tiden" not in sentence and "throughout" not in sentence  # not what the question asked
    assert "35\u00a0%" in sentence or "35%" in sentence  # 2017, as Tabell 1 prints it


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_survey_page_shows_the_report_figure_as_the_report_words_it(app, lang):
    text = content(app, survey, "?survey=demo_national&question=q21", lang)
    half = {"nb": "over halvparten", "nn": "over halvparten", "en": "over half"}[lang]
    about = {"nb": "ca. 2,3\u00a0%", "nn": "ca. 2,3\u00a0%", "en": "about 2.3%"}[lang]
    assert half in text and about in text
    assert "ca. 50" not in text and "ca. 2\u00a0%" not in text and "about 50" not in text
    text = content(app, survey, "?survey=demo_national&question=q16_2", lang)
    assert {"nb": "nesten 90\u00a0%", "nn": "nesten 90\u00a0%", "en": "nearly 90%"}[lang] in text
    assert "ca. 90" not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_kommune_source_line_says_source_once(app, lang):
    word = gettext("Source", lang)
    views = rendered(app, municipality, "?kommune=4622", lang)
    assert views
    for view in views:
        assert word not in (view.source or ""), (view.id, view.source)
    text = content(app, municipality, "?kommune=4622", lang)
    assert f"{word}: {word}:" not in text


# Published figures written into the pages' prose: (page, the words in English, CSV row: document, value,
# qualifier, a piece of its quote). The words must be on the page and say what the CSV row says.
PROSE = [
    ("about", "50 % of jobs, about 1.4 million", [("000_e989ef3b93fa4e15.txt", "50", "", "50% av jobbene"),
                                                  ("000_e989ef3b93fa4e15.txt", "1400000", "about", "ca 1,4 mill")]),
    ("about", "about 15 % of 1.2–1.4 million jobs", [("001_2f0da68bd0405d38.txt", "15", "about", "ca. 15%"),
                                                     ("001_2f0da68bd0405d38.txt", "1200000-1400000", "range", "1,2-1,4")]),
    ("relationships", "just under 25 % of those living in central municipalities",
     [("001_2f0da68bd0405d38.txt", "25", "under", "i underkant av 25%")]),
]  # fmt: skip


@pytest.mark.parametrize(("module", "words", "sources"), PROSE)
def test_published_figures_in_the_prose_say_what_the_source_says(app, module, words, sources):
    import importlib

    page = importlib.import_module(f"app.web.pages.{module}")
    assert words in content(app, page, "", "en")
    table = rows()
    for document, value, qualifier, quote in sources:
        assert any(
            r["source"] == document and r["value"] == value and r["qualifier"] == qualifier and quote in r["quote"]
            for r in table
        ), (words, document, value, quote)
