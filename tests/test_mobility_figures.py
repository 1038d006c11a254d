"""Mobility page's pure pieces: rounding, the funnel and tornado figures, suppressed steps, the headline's
ranges, the report check, numbers typed in the page's format, step labels and sources said from keys in each
language, and complete translations."""

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from app.language import catalogue
from app.language import mobility as mobility_texts
from app.query.mobility import (
    FunnelStep,
    MobilityResult,
    RegionShare,
    ReportCheck,
    ShareDefinition,
    standard_conditions,
)
from app.web.pages import mobility


def _result(region_share=None) -> MobilityResult:
    result = MobilityResult("demo", 1_300_000, region_share)
    result.steps = [
        FunnelStep("jobs", None, None, 1_300_000, 1_200_000, 1_400_000, 0),
        FunnelStep("willing", 0.15, 0.017, 195_000, 155_000, 245_000, 488),
    ]
    result.sensitivity = [
        {"assumption": "jobs_anywhere", "low": 180_000, "high": 210_000},
        {"assumption": "survey_share", "low": 155_000, "high": 245_000},
    ]
    result.assumptions = [{"name": "jobs_anywhere", "default": 1_300_000, "low": 1_200_000, "high": 1_400_000}]
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


def _message_ids() -> list[str]:
    """Every literal passed to ``_()`` on the page and in its texts (app/language/mobility.py)."""
    ids = []
    for module in (mobility, mobility_texts):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        ids += [
            node.args[0].value
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and getattr(node.func, "id", None) == "_"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ]
    return ids


def test_every_message_on_the_page_is_translated():
    ids = {*_message_ids(), mobility.NAME, *mobility.FILTER_LABELS.values()}
    for lang in ("nb", "nn"):
        missing = sorted(i for i in ids if i not in catalogue(lang))
        assert missing == [], (lang, missing)


def test_assumptions_table_survives_a_zero_region_share():
    result = _result(region_share=0.0)
    result.steps.append(FunnelStep("region", 0.0, 0.0, 0.0, 0.0, 0.0, 488))
    result.assumptions.append({"name": "region_share", "default": 0.0, "low": 0.0, "high": 0.0})
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
    result.steps.append(FunnelStep("take_job", None, None, None, None, None, 488, suppressed=True))
    result.steps.append(FunnelStep("region", None, None, None, None, None, 488, suppressed=True))
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

    ids = _message_ids()
    texts = [*ids, *(catalogue("nb").get(i, i) for i in ids), *(catalogue("nn").get(i, i) for i in ids)]
    for lang in ("nb", "nn", "en"):
        texts += [
            mobility_texts.jobs_anywhere_source(lang),
            *mobility_texts.jobs_anywhere_caveats(lang),
            mobility_texts.willing_note(lang),
            *(
                mobility_texts.step_label(c.key, lang)
                for c in [query.WILLING, *query.standard_conditions(True, True, 2, [1], [1])]
            ),
        ]
    offending = [t for t in texts if re.search(r"\bq\d+\b|seed 0", t)]
    assert offending == []


@pytest.mark.parametrize(
    "lang,expected",
    [
        (
            "nb",
            [
                "Jobber som kan gjøres hvor som helst",
                "… synes det er aktuelt å flytte til en annen kommune (hvilken som helst)",
                "… synes det er attraktivt å bo i en distriktskommune",
                "… og kunne valgt denne regionen",
            ],
        ),
        (
            "nn",
            [
                "Jobbar som kan gjerast kvar som helst",
                "… synest det er aktuelt å flytte til ein annan kommune (kva kommune som helst)",
                "… synest det er attraktivt å bu i ein distriktskommune",
                "… og kunne valt denne regionen",
            ],
        ),
        (
            "en",
            [
                "Jobs that can be done anywhere",
                "… would consider moving to another municipality (any municipality)",
                "… find living in a rural municipality attractive",
                "… and could choose this region",
            ],
        ),
        (
            "xx",
            [
                "Jobber som kan gjøres hvor som helst",
                "… synes det er aktuelt å flytte til en annen kommune (hvilken som helst)",
                "… synes det er attraktivt å bo i en distriktskommune",
                "… og kunne valgt denne regionen",
            ],
        ),
    ],
)
def test_steps_are_labelled_by_key_in_the_chosen_language(lang, expected):
    """q22 is about any municipality and says so; an unknown language falls back to bokmål."""
    keys = ["jobs", "willing", "attractive", "region"]
    assert [mobility_texts.step_label(k, lang) for k in keys] == expected
    result = _result(region_share=0.0138)
    result.steps.insert(2, FunnelStep("attractive", 0.09, 0.01, 119_000, 87_000, 161_000, 488))
    result.steps.append(FunnelStep("region", 0.0012, 0.0002, 1_600, 1_200, 2_200, 488))
    rows = mobility.funnel_table(result, lang).children[1].children
    assert [row.children[0].children for row in rows] == expected
    assert list(mobility.funnel_figure(result, lang).data[0].y) == [mobility._wrap(e) for e in expected]
    labels = [mobility_texts.step_label(c.key, lang) for c in standard_conditions(True, True, 2, [1], [1])]
    assert len(set(labels)) == 5 and not any(label in keys for label in labels)  # every condition has words


def test_the_regional_share_is_said_whole_with_its_numbers_in_each_language():
    kvam_out = ShareDefinition("employed", (5, 6), 0.0172, 6_000, 350_000, ("Kvam",))
    everyone = ShareDefinition("population_25_60", None, 0.0021, 9_135, 4_400_000, ())
    assert mobility_texts.definition_text(kvam_out, "nb") == (
        "sysselsatte 15–74 år etter bosted, 4. kvartal 2022 (SSB tabell 11618), kommunene i sentralitetsklasse "
        "5–6 (ikke med: Kvam)"
    )
    assert (
        mobility_texts.definition_text(everyone, "nn")
        == "folketalet 25–60 år 1.1.2026 (SSB tabell 07459), alle kommunar"
    )
    assert mobility_texts.definition_text(everyone, "en") == (
        "population aged 25–60 on 1 Jan 2026 (Statistics Norway table 07459), all municipalities"
    )


def test_the_regional_shares_source_is_one_sentence_with_its_numbers():
    kvam_out = ShareDefinition("employed", (5, 6), 0.0172, 6_000, 350_000, ("Kvam",))
    shares = RegionShare("hardangerradet", "Hardangerrådet", True, kvam_out, (kvam_out,))
    assert mobility_texts.region_share_source(shares, "nb") == (
        "Regionens andel av sysselsatte 15–74 år etter bosted, 4. kvartal 2022 (SSB tabell 11618) i kommunene i "
        "sentralitetsklasse 5–6: 6\u00a0000 av 350\u00a0000. Ikke med (utenfor mengden): Kvam. Forutsetter at "
        "tilflytterne fordeler seg på kommunene i mengden som de sysselsatte. Kilde: Statistisk sentralbyrå (SSB), "
        "tabell 11618."
    )
    everyone = replace(shares, default=replace(kvam_out, classes=None, left_out=()))
    assert mobility_texts.region_share_source(everyone, "en") == (
        "The region's share of employed residents aged 15–74, Q4 2022 (Statistics Norway table 11618) in all "
        "municipalities: 6,000 of 350,000. Assumes movers spread over the municipalities in the set as the "
        "employed do. Source: Statistics Norway (SSB), table 11618."
    )
    assert "Kjelde: Statistisk sentralbyrå (SSB), tabell 11618." in mobility_texts.region_share_source(everyone, "nn")
