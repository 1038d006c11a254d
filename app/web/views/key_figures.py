"""The survey's key figures as Oversikt and a region's start page show them: which figures (the codebook's
``key_figures``, else the NORCE questionnaire's headline shares), a card per figure, and the table a view of
them exports. Shared so that both pages say the same figure the same way."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc

from app.language import N_, format_number, pick
from app.language import gettext as _
from app.web.kit.components import key_figure_card
from app.web.views import Column, DataTable, estimate_columns, interval_text, percent, percent_text

# The NORCE questionnaire's headline shares, for a codebook that declares no ``key_figures``.
NORCE_KEY_FIGURES = (
    ("q12", (1, 2, 3), N_("Use home office at least weekly")),
    ("q22", (1, 2), N_("Find moving to another municipality relevant")),
    ("q23", (1, 2), N_("Find living in a rural municipality attractive")),
)


def key_figure_specs(meta: Any, lang: str) -> list[tuple[str, tuple[int, ...], str]]:
    """(variable, categories, title) of the survey's key figures: its codebook's ``key_figures``, or else
    the NORCE ones it has."""
    declared = meta.codebook.get("key_figures") or []
    if declared:
        return [(k["variable"], tuple(k["categories"]), pick(k["label"], lang)) for k in declared]
    return [(v, codes, _(title, lang)) for v, codes, title in NORCE_KEY_FIGURES if v in meta.questions]


def _area(figure: Any, lang: str) -> str:
    return figure.level_name if figure.level != "national" else _("all of Norway", lang)


def share_card(title: str, figure: Any, lang: str, link: tuple[str, str], card_id: str) -> dbc.Card:
    """A key figure (``app.query.overview.KeyFigure``) as a card: the share, its interval, n and the area it
    describes (the county or country when the region has too few respondents), or why there is none."""
    if figure.estimate is None:
        why = (
            _("The chosen survey's respondents do not cover this area.", lang)
            if figure.reason == "not_covered"
            else _("Too few respondents to show", lang)
        )
        return key_figure_card(title, "–", why, link, card_id)
    where = _area(figure, lang)
    detail = " · ".join(
        [
            _("95 % interval: {interval}", lang).format(interval=interval_text(figure.ci_low, figure.ci_high, lang)),
            f"n = {format_number(figure.n, lang)}",
            where
            if figure.level == "region"
            else _("(too few respondents in the region; shown for {where})", lang).format(where=where),
        ]
    )
    return key_figure_card(title, percent_text(figure.estimate, lang), detail, link, card_id)


def key_table(titles: list[str], figures: list[Any], lang: str) -> DataTable:
    """The cards' survey figures, each with the area it describes."""
    columns = [
        Column("figure", _("Key figure", lang)),
        *estimate_columns(lang),
        Column("n", "n", "integer"),
        Column("area", _("Area", lang)),
    ]
    rows = [
        {
            "figure": title,
            "value": percent(f.estimate),
            "ci_low": percent(f.ci_low),
            "ci_high": percent(f.ci_high),
            "n": f.n if f.estimate is not None else None,
            "area": _area(f, lang),
        }
        for title, f in zip(titles, figures, strict=True)
    ]
    return DataTable(columns, rows)
