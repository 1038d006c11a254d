"""Mobility page's pure pieces: rounding, the funnel and tornado figures, and complete translations."""

import ast
from pathlib import Path

from app.query.mobility import FunnelStep, MobilityResult
from app.web.i18n import catalogue
from app.web.pages import mobility


def _result(region_share=None) -> MobilityResult:
    result = MobilityResult("demo", 1_300_000, region_share, None)
    result.steps = [FunnelStep("jobs", "Jobs", None, None, 1_300_000, 1_200_000, 1_400_000, 0),
                    FunnelStep("willing", "… willing", 0.15, 0.017, 195_000, 155_000, 245_000, 488)]
    result.sensitivity = [{"assumption": "jobs_anywhere", "low": 180_000, "high": 210_000},
                          {"assumption": "survey_share", "low": 155_000, "high": 245_000}]
    result.assumptions = [{"name": "jobs_anywhere", "default": 1_300_000, "low": 1_200_000, "high": 1_400_000,
                           "source": "NORCE"}]
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
    ids = {node.args[0].value for node in ast.walk(tree)
           if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_" and node.args
           and isinstance(node.args[0], ast.Constant)}
    ids |= set(mobility.ASSUMPTION_NAMES.values()) | set(mobility.SOURCE_IDS.values()) | {mobility.NAME}
    for lang in ("nb", "nn"):
        missing = sorted(i for i in ids if i not in catalogue(lang))
        assert missing == [], (lang, missing)


def test_assumptions_table_survives_a_zero_region_share():
    result = _result(region_share=0.0)
    result.steps.append(FunnelStep("region", "… region", 0.0, 0.0, 0.0, 0.0, 0.0, 488))
    result.assumptions.append({"name": "region_share", "default": 0.0, "low": 0.0, "high": 0.0, "source": "SSB"})
    table = str(mobility.assumptions_table(result, "nb"))
    assert "15,0" in table and "0,00" in table  # the survey share, then the region share
