"""Mobility page's pure pieces: rounding, the funnel and tornado figures, suppressed steps, the headline's
ranges, the report check, numbers typed in the page's format, and complete translations."""

import ast
from pathlib import Path

import pytest

from app.query.mobility import FunnelStep, MobilityResult, ReportCheck
from app.web.i18n import catalogue
from app.web.pages import mobility


def _result(region_share=None) -> MobilityResult:
    result = MobilityResult("demo", 1_300_000, region_share, None)
    result.steps = [
        FunnelStep("jobs", "Jobs", None, None, 1_300_000, 1_200_000, 1_400_000, 0),
        FunnelStep("willing", "… willing", 0.15, 0.017, 195_000, 155_000, 245_000, 488),
    ]
    result.sensitivity = [
        {"assumption": "jobs_anywhere", "low": 180_000, "high": 210_000},
        {"assumption": "survey_share", "low": 155_000, "high": 245_000},
    ]
    result.assumptions = [
        {"name": "jobs_anywhere", "default": 1_300_000, "low": 1_200_000, "high": 1_400_000, "source": "NORCE"}
    ]
    return result


def test_round_people_keeps_sensible_precision():
    assert mobility.round_people(195_825) == 196_000
    assert mobility.round_people(5_417) == 5_400
    assert mobility.round_people(342) == 340
    assert mobility.round_people(34.1) == 34


def test_funnel_has_error_bars_and_norwegian_value_labels():
    fig = mobility.funnel_figure(_result(), "nb")
    bar = fig.data[0]
    assert bar.orientation == "h"
    assert list(bar.error_x.array) == [100_000, 50_000] and list(bar.error_x.arrayminus) == [100_000, 40_000]
    assert [a.text for a in fig.layout.annotations] == ["≈\u00a01\u00a0300\u00a0000", "≈\u00a0195\u00a0000"]
    assert fig.layout.separators == ",\u00a0"


def test_tornado_puts_the_widest_assumption_on_top_in_the_chosen_language():
    fig = mobility.tornado_figure(_result(), "nb")
    assert list(fig.data[0].y) == ["Usikkerhet i undersøkelsen (95 %)", "Antall jobber som kan gjøres hvor som helst"]
    assert fig.layout.yaxis.autorange == "reversed"
    assert "Usikkerhet i undersøkelsen (95 %)" in mobility.sensitivity_sentence(_result(), "nb")
    assert "Survey uncertainty" in mobility.sensitivity_sentence(_result(), "en")


def test_every_message_on_the_page_is_translated():
    tree = ast.parse(Path(mobility.__file__).read_text(encoding="utf-8"))
    ids = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "_"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    ids |= set(mobility.ASSUMPTION_NAMES.values()) | {mobility.NAME}
    for lang in ("nb", "nn"):
        missing = sorted(i for i in ids if i not in catalogue(lang))
        assert missing == [], (lang, missing)


def test_assumptions_table_survives_a_zero_region_share():
    result = _result(region_share=0.0)
    result.steps.append(FunnelStep("region", "… region", 0.0, 0.0, 0.0, 0.0, 0.0, 488))
    result.assumptions.append({"name": "region_share", "default": 0.0, "low": 0.0, "high": 0.0, "source": "SSB"})
    table = str(mobility.assumptions_table(result, "nb"))
    assert "15,0" in table and "0,00" in table  # the survey share, then the region share


def _text(component) -> str:
    """The text a component shows, non-breaking spaces as plain spaces."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component).replace("\u00a0", " ")
    if isinstance(component, (list, tuple)):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def _suppressed_last() -> MobilityResult:
    result = _result(region_share=0.0138)
    result.steps.append(FunnelStep("take_job", "… take the job", None, None, None, None, None, 488, suppressed=True))
    result.steps.append(FunnelStep("region", "… region", None, None, None, None, None, 488, suppressed=True))
    result.sensitivity = []
    return result


def test_suppressed_steps_are_rows_without_numbers_and_the_headline_says_so():
    result = _suppressed_last()
    table = mobility.funnel_table(result, "nb")
    rows = table.children[1].children
    assert [r.className for r in rows[2:]] == ["suppressed-step", "suppressed-step"]
    for row in rows[2:]:
        assert row.children[1].children == "For få svar til å vises" and len(row.children) == 2
    fig = mobility.funnel_figure(result, "nb")
    assert list(fig.data[0].x)[2:] == [None, None]
    assert [a.text for a in fig.layout.annotations][2:] == ["for få svar til å vises"] * 2
    card = _text(mobility.headline(result, "nb"))
    assert "For få respondenter oppfyller alle vilkårene" in card and "≈" not in card
    assert "kan ikke vises" in mobility.sensitivity_sentence(result, "nb")


def test_the_headline_gives_the_assumptions_range_and_the_survey_interval():
    result = _result()
    result.overall_low, result.overall_high = 144_000, 262_000
    words = _text(mobility.headline(result, "nb"))
    assert "144 000 til 262 000" in words  # every assumption at its low or high end
    assert "155 000 til 245 000" in words  # the survey alone
    assert "alle forutsetningene" in words


@pytest.mark.parametrize(
    "people,expected",
    [
        (196_000, "altså det samme"),
        (260_000, "60 000 flere enn rapportens tall"),
        (120_000, "80 000 færre enn rapportens tall"),
    ],
)
def test_the_report_check_depends_on_the_result(people, expected):
    check = ReportCheck(people, people / 1_300_000, abs(people - 200_000) < 25_000, people - 200_000)
    sentence = mobility.report_check_text(check, "nb").replace("\u00a0", " ")
    assert expected in sentence
    assert ("gjenskaper det ikke" in sentence) == (not check.reproduces)


def test_the_report_check_without_a_result():
    assert "for få respondenter" in mobility.report_check_text(ReportCheck(None, None, False, None), "nb")


@pytest.mark.parametrize(
    "typed,lang,integer,expected",
    [
        ("1 300 000", "nb", True, 1_300_000),
        ("1\u00a0400\u00a0000", "nn", True, 1_400_000),
        ("1,300,000", "en", True, 1_300_000),
        ("1.300.000", "nb", True, 1_300_000),
        ("2,77", "nb", False, 2.77),
        ("2,77 %", "nn", False, 2.77),
        ("2.77", "en", False, 2.77),
        ("2.77%", "en", False, 2.77),
        ("abc", "nb", False, None),
        ("", "nb", True, None),
    ],
)
def test_numbers_typed_in_the_pages_format(typed, lang, integer, expected):
    assert mobility.parse_number(typed, lang, integer) == expected


def test_no_question_codes_or_seed_numbers_in_the_page_texts():
    """Users see words, not internals: no q-codes or "seed 000" in any message or source on the page."""
    import re

    from app.query import mobility as query

    tree = ast.parse(Path(mobility.__file__).read_text(encoding="utf-8"))
    ids = [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "_"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]
    texts = [*ids, *(catalogue("nb").get(i, i) for i in ids), *(catalogue("nn").get(i, i) for i in ids)]
    for lang in ("nb", "nn", "en"):
        texts += [
            query.text(query.JOBS_ANYWHERE.source_texts, lang),
            query.text(query.WILLING.label, lang),
            query.text(query.WILLING_NOTE, lang),
            *(query.text(c, lang) for c in query.JOBS_ANYWHERE.caveats),
            *(query.text(c.label, lang) for c in query.standard_conditions(True, True, 2, [1], [1])),
        ]
    offending = [t for t in texts if re.search(r"\bq\d+\b|seed 0", t)]
    assert offending == []
