"""Every table made with AG Grid speaks the page's language, also to a screen reader (issue 23 §6): the
sorting hint, the filter menu and the pager are AG Grid's English unless the grid is given its words."""

from __future__ import annotations

import json

import plotly.io.json as pio_json
import pytest

from app.web.kit.grid_texts import GRID_TEXTS
from app.web.pages import coworking, survey
from tests.page_answers import page_answer


def _grids(value, found: list) -> list:
    if isinstance(value, dict):
        if value.get("type") == "AgGrid":
            found.append(value["props"])
        for item in value.values():
            _grids(item, found)
    elif isinstance(value, list):
        for item in value:
            _grids(item, found)
    return found


@pytest.mark.parametrize("page, search", [(survey, "?survey=demo_national&question=q22"), (coworking, "")])
@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_every_grid_is_given_its_words_in_the_page_language(app, page, search, lang):
    answer = json.loads(pio_json.to_json_plotly(page_answer(app, page, search, lang)["content"]))
    grids = _grids(answer, [])
    assert grids, "the page shows no AG Grid table"
    for grid in grids:
        texts = grid["dashGridOptions"]["localeText"]
        assert set(GRID_TEXTS) <= set(texts)
        assert texts["ariaSortableColumn"] == "Trykk Enter for å sortere"
        assert texts["nextPage"] == "Neste side" and texts["ariaLabelColumnMenu"] == "Kolonnemeny"
        assert texts["previousPage"] == {"nb": "Forrige side", "nn": "Førre side"}[lang]
