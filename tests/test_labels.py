"""Labels say what they show: what every page says, in all three languages, read as a user would.

Each page is rendered as the server answers it (layout and main callback) and its visible text
collected; the checks are the findings of issue 9 §3, so none of them can come back unnoticed.
"""

from __future__ import annotations

import json
import re

import plotly.io.json as pio_json
import pytest

from app.language import catalogue, localized
from app.query.estimates import estimate_shares
from app.web.pages import pages
from app.web.pages.survey import _base_sentence
from app.web.pages.survey.figures import likert_figure
from tests.page_answers import drawn, page_answer

LANGUAGES = ("nb", "nn", "en")
VISIBLE_KEYS = ("children", "label", "placeholder", "title", "text", "headerName", "alt")


def _visible_text(value, found: list) -> list:
    """The strings a user reads: component children and labels, chart titles, annotations and table cells."""
    if isinstance(value, str):
        found.append(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in VISIBLE_KEYS or key in (
                "props",
                "figure",
                "layout",
                "annotations",
                "rowData",
                "data",
                "options",
                "columnDefs",
                "xaxis",
                "yaxis",
                "legend",
            ):
                _visible_text(item, found)
            elif isinstance(item, (dict, list)) and key not in ("id", "style", "className", "config", "value"):
                _visible_text(item, found)
    elif isinstance(value, list):
        for item in value:
            _visible_text(item, found)
    return found


def _page_text(app, page, lang: str, search: str = "") -> str:
    answer = page_answer(app, page, search, lang)
    with app.server.app_context():
        parts = [page.layout(lang)]
    # what the page draws and the controls' options (labels), not their values (codes) or the defaults store
    parts += [*drawn(answer), *(value for key, value in answer.items() if key.endswith(".options"))]
    raw = json.loads(pio_json.to_json_plotly(parts))
    return "\n".join(_visible_text(raw, []))


@pytest.fixture(scope="module")
def texts(module_app) -> dict:
    """Visible text of every page in every language, default settings. The administrators' change log is
    left out: it shows records exactly as stored (table names, fields and values), which is its purpose."""
    return {
        (page.path, lang): _page_text(module_app, page, lang)
        for page in pages()
        for lang in LANGUAGES
        if page.role != "admin"
    }


INTERNALS = [
    r"\bseed\b",
    r"\bq\d+(_\d+)?\b",
    "measure_progress",
    "generate_demo",
    "sha256",
    r"\b1300000\b",
    r"\b2\.77\b",
    "tests/r_reference",
    r"\.py\b",
    r"\.csv\b(?! \·)",
]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_users_do_not_see_internals(texts, lang):
    found = []
    for (path, page_lang), text in texts.items():
        if page_lang != lang:
            continue
        text = re.sub(r"https?://\S+|\?\S+=\S+", "<address>", text)  # a view's address, e.g. in its citation
        for pattern in INTERNALS:
            for match in re.finditer(pattern, text):
                context = text[max(0, match.start() - 40) : match.end() + 40].replace("\n", " ")
                if path == "/om" and ".csv" in match.group(0):
                    continue  # the About page names the imported files, as it should
                found.append(f"{path} [{lang}] {match.group(0)!r}: …{context}…")
    assert not found, "\n".join(found[:20])


def test_the_coworking_indicator_says_it_counts_home_office_use(texts):
    text = texts[("/kontorfellesskap", "nb")]
    assert "hjemmekontor minst ukentlig" in text
    assert "kan jobbe på avstand" not in text


def test_the_afi_series_notes_its_break_and_draws_no_line_across_it(app, texts):
    assert "ikke sammenlignbart" in texts[("/", "nb")] and "ikkje samanliknbart" in texts[("/", "nn")]
    from app.web.pages import overview

    output = page_answer(app, overview, "")
    figures = _figures(json.loads(pio_json.to_json_plotly(output)), [])
    scatter = [t for f in figures for t in f["data"] if t.get("type") == "scatter"]
    assert scatter and all(t.get("mode") == "markers" for t in scatter)


def _figures(value, found: list) -> list:
    if isinstance(value, dict):
        if isinstance(value.get("data"), list) and "layout" in value:
            found.append(value)
        for item in value.values():
            _figures(item, found)
    elif isinstance(value, list):
        for item in value:
            _figures(item, found)
    return found


def test_the_norce_report_is_cited_as_the_document_states_it(texts):
    for text in texts.values():
        assert "Fjernarbeid i Hardanger – fase 2" not in text  # a title the report does not carry
    assert "fase 2 av forskningsprosjektet" in texts[("/om", "nb")]


def test_one_term_per_concept_in_each_language():
    nb = "\n".join(catalogue("nb").values())
    nn = "\n".join(catalogue("nn").values())
    assert "statistisk sikker" not in nb.lower() and "statistisk sikker" not in nn.lower()
    assert "statistisk signifikant" in nb and "statistisk signifikant" in nn
    assert "Hele Norge" not in nb and "Heile Noreg" not in nn  # "Hele landet" / "Heile landet" for all of Norway
    for pattern in (r"\bvert\b", r"\bvart\b", r"\barbeidsgivar", r"\bbruker\b"):
        assert not re.search(pattern, nn), pattern


def test_likert_bars_carry_the_intervals_the_page_promises(db):
    result = estimate_shares(db, "demo_national", "q6_1", by="gender", min_n=10)
    figure = likert_figure(localized(result, "nb"), "q6_1", "nb")
    intervals = [t for t in figure.data if t.type == "scatter" and t.error_x and t.error_x.array is not None]
    assert len(intervals) == 2  # the agreeing and the disagreeing end
    assert all(len(t.x) == 2 and all(v > 0 for v in t.error_x.array) for t in intervals)


def test_when_every_group_is_hidden_the_page_does_not_claim_n_is_zero(db):
    result = estimate_shares(
        db, "demo_hardanger", "q22", by="age_group", where={"municipality": [4619], "gender": [1]}, min_n=10
    )
    assert all(r.suppressed for r in result.rows)
    sentence = json.dumps(_base_sentence(result.rows, {"municipality": [4619]}, "nb").to_plotly_json(), default=str)
    assert "n = 0" not in sentence and "Ingen grupper kan vises" in sentence


def test_ssb_categories_are_named_in_the_page_language(texts):
    """SSB's education levels are imported with the bokmål labels of the downloaded file; a page in English or
    nynorsk names them as SSB does in that language (issue 23 §6)."""
    kommune = {lang: texts[("/kommune", lang)] for lang in LANGUAGES}
    assert "Grunnskolenivå" in kommune["nb"] and "Videregående skolenivå" in kommune["nb"]
    assert "Vidaregåande skulenivå" in kommune["nn"] and "Videregående skolenivå" not in kommune["nn"]
    assert "Upper secondary education" in kommune["en"] and "Higher education, long" in kommune["en"]
    for norwegian in ("Grunnskolenivå", "Videregående", "skulenivå", "høgskolenivå", "Fagskolenivå"):
        assert norwegian not in kommune["en"]
