"""Codebook and user texts are drawn by Plotly as their own characters, never as markup: a label
``<b>fet</b>`` shows those characters (``&lt;b&gt;`` in the figure), not bold text."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from app.query.estimates import EstimateRow, MeanResult, MeanRow, ShareResult
from app.web.kit.charts import plain
from app.web.pages.coworking.figures import DemandRow, demand_figure
from app.web.pages.relationships import figures as relationships_view
from app.web.pages.survey import figures as survey_figures

MARKUP = "<b>fet</b>"
ESCAPED = "&lt;b&gt;fet&lt;/b&gt;"


def texts(figure: go.Figure) -> list[str]:
    """Every string in the figure (data and layout), where Plotly may read markup."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(figure.to_plotly_json())
    return found


def assert_drawn_as_text(figure: go.Figure) -> None:
    strings = texts(figure)
    assert any(ESCAPED in s for s in strings)
    assert not any("<b>fet" in s or "fet</b>" in s for s in strings), [s for s in strings if "fet" in s]


def share_result(group: str | None = MARKUP) -> ShareResult:
    result = ShareResult("s", "q1", f"Spørsmål {MARKUP}", "by" if group else None, f"Etter {MARKUP}", {}, 10, 500)
    for code, share in ((1, 0.6), (2, 0.3), (3, 0.1)):
        label = MARKUP if code == 1 else f"Svar {code}"
        result.rows.append(EstimateRow(group, 1, code, label, share, 0.02, share - 0.03, share + 0.03, 300, 300.0))
    return result


def test_plain_escapes_markup_and_leaves_other_values_alone():
    assert plain(MARKUP) == ESCAPED
    assert plain("Ås & Vestby") == "Ås &amp; Vestby"
    assert plain(None) is None and plain(3) == 3


def test_survey_figures_draw_codebook_labels_as_text():
    assert_drawn_as_text(survey_figures.bar_figure(share_result(None), MARKUP, "nb"))  # answers as rows
    assert_drawn_as_text(survey_figures.bar_figure(share_result(), MARKUP, "nb"))  # groups as colours
    assert_drawn_as_text(survey_figures.likert_figure(share_result(), MARKUP, "nb"))
    means = MeanResult("s", "q2", MARKUP, "by", {}, 10, 500, [MeanRow(MARKUP, 1, 3.2, 0.1, 3.0, 3.4, 300, 300.0)])
    assert_drawn_as_text(survey_figures.mean_figure(means, MARKUP, "nb"))


def test_relationship_figures_draw_codebook_labels_as_text():
    assert_drawn_as_text(relationships_view.facet_figure([share_result()], "nb", MARKUP))
    assert_drawn_as_text(relationships_view.bars_figure(share_result(), "nb", MARKUP))
    assert_drawn_as_text(relationships_view.travel_figure(share_result(), "nb"))


def test_coworking_figures_draw_names_as_text():
    row = DemandRow("4622", MARKUP, 8000, 20, 2.5, 400, 50.0)
    assert_drawn_as_text(demand_figure([row], "nb"))
