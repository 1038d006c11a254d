"""A view: one chart or table of a page, with everything a reader needs to use it away from the page.

A page's ``render`` returns its views under ``"views"`` beside its Dash components, built from the
same (published, rounded) results as the page itself. Everything that takes numbers out of the
dashboard starts from them: the data addresses (``/data/…``), the images (``/export/…``), the
presentation slides and the deck handouts. So an export can never show another number than the
page, nor a group the page hides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import plotly.graph_objects as go

from app.language import N_, format_number
from app.language import gettext as _

Kind = Literal["text", "percent", "number", "integer"]
# A row of a view's table with this key set true is a group the disclosure rules hide: its empty numbers are
# suppressed, not missing (SSB's symbol ":" in CSV and XLSX, null with the reason in JSON). A set of column
# keys instead: only those cells are.
SUPPRESSED = "_suppressed"


def is_suppressed(row: dict[str, Any], column: Column) -> bool:
    """Whether the row's cell in ``column`` is empty because the disclosure rules hide it."""
    marked = row.get(SUPPRESSED)
    if not marked or column.kind == "text" or row.get(column.key) not in (None, ""):
        return False
    return marked is True or column.key in marked


@dataclass(frozen=True)
class Column:
    """A column of a view's table. ``percent`` holds percentages (15.2 for 15,2 %). ``missing``: what the page
    says for an empty cell whose emptiness means something ("unknown"); exports keep the cell empty (CSV) or null
    (JSON), and the view's method says what it means."""

    key: str
    header: str  # in the view's language
    kind: Kind = "text"
    decimals: int = 1
    missing: str = ""


@dataclass
class DataTable:
    columns: list[Column]
    rows: list[dict[str, Any]]

    def cell_text(self, row: dict[str, Any], column: Column, lang: str) -> str:
        """A cell as the page shows it (Norwegian number format, "–" for no value)."""
        value = row.get(column.key)
        if value is None or value == "":
            return column.missing or ("–" if column.kind != "text" else "")
        if column.kind == "text":
            return str(value)
        decimals = 0 if column.kind == "integer" else column.decimals
        return format_number(value, lang, decimals)


@dataclass
class View:
    """One chart (or table) of a page.

    Args:
        id: the chart's component id, unique on its page (``chart=`` in export addresses).
        title: what it shows, in the view's language.
        table: its numbers, exactly as shown (rounded, suppressed groups without values).
        figure: the chart, or None for a table.
        n: respondents behind it (None where it is not survey data).
        source: where the numbers come from.
        method: how they were computed, in one line.
        sentence: the one sentence a meeting should take away (shown under the chart on a slide).
        synthetic: the synthetic-data label when the numbers come from synthetic data.
        decimals: of the numbers the figure's traces carry; None: the finest of the table's percent and number
            columns other than p-values, and at least 1. The figure is rounded to it when the view is made
            (``app.web.views.rounding``), so no page, slide, image or handout sends more than the view shows.
    """

    id: str
    title: str
    table: DataTable
    figure: go.Figure | None = None
    n: int | None = None
    source: str = ""
    method: str = ""
    sentence: str = ""
    synthetic: str = ""
    notes: list[str] = field(default_factory=list)
    decimals: int | None = None

    def __post_init__(self) -> None:
        from app.web.views.rounding import round_figure

        round_figure(self.figure, self.figure_decimals())

    def figure_decimals(self) -> int:
        if self.decimals is not None:
            return self.decimals
        shown = [c.decimals for c in self.table.columns if c.kind in ("percent", "number") and c.key != "p"]
        return max([1, *shown])


# The method line of the views of weighted survey estimates
SURVEY_METHOD = N_(
    "Weighted estimates with 95 % confidence intervals (Taylor linearisation); shares rounded to a tenth of a "
    "percentage point."
)
SUPPRESSION_RULE = N_(
    "Groups with fewer than {min_n} respondents are not shown, nor groups whose numbers other views could reveal."
)


def percent(proportion: float | None) -> float | None:
    """A published proportion (to 0.001) as the percentage a table shows (to 0.1)."""
    return None if proportion is None else round(100 * proportion, 1)


def percent_text(proportion: float | None, lang: str) -> str:
    """A share as every page, slide, image and data file shows it: ``percent`` (the one rounding, from the
    exact value, to a tenth of a percentage point) written with that one decimal ("23,5 %"), never
    rounded again to fewer digits (23,46 % is 23,5 % everywhere, not 23 % here and 24 % there)."""
    from app.language import percent_suffix

    shown = percent(proportion)
    return "–" if shown is None else format_number(shown, lang, 1) + percent_suffix(lang)


def interval_text(low: float | None, high: float | None, lang: str) -> str:
    """A 95 % interval as ``percent_text`` writes its bounds ("37,5 %–65,5 %"); "–" when it is missing."""
    if low is None or high is None:
        return "–"
    return f"{percent_text(low, lang)}–{percent_text(high, lang)}"


def survey_source(survey, lang: str) -> tuple[str, str]:
    """(source line, synthetic label) of a survey's views."""
    from app.language import pick

    if survey is None:
        return "", ""
    title = pick(survey.title, lang)
    if not survey.is_synthetic:
        return f"{title}. {survey.citation}".strip(), ""
    label = _("Synthetic data", lang) + ": " + pick(survey.synthetic_note, lang)
    return _("{title} (synthetic)", lang).format(title=title), label


def n_text(n: int | None, lang: str) -> str:
    return "" if n is None else f"n = {format_number(n, lang)}"


MAX_LISTED_HIDDEN = 8  # more hidden groups than this (e.g. municipalities): counted in a note, not drawn as rows


def listed_rows(rows: list) -> list:
    """The rows a chart or table lists: every group when few are hidden; otherwise only the shown ones
    (the hidden ones are counted in a note)."""
    hidden = {r.group for r in rows if r.suppressed}
    return rows if len(hidden) <= MAX_LISTED_HIDDEN else [r for r in rows if not r.suppressed]


def estimate_columns(lang: str, header: str | None = None, kind: Kind = "percent", decimals: int = 1) -> list[Column]:
    """The three columns of an estimate with its 95 % interval: ``value``, ``ci_low``, ``ci_high``."""
    return [
        Column("value", header or _("Share (%)", lang), kind, decimals),
        Column("ci_low", _("95 % interval, lower", lang), kind, decimals),
        Column("ci_high", _("95 % interval, upper", lang), kind, decimals),
    ]


def share_table(results: list, lang: str, with_question: bool = False) -> DataTable:
    """Published share results (already localized) as one table: a row per group and answer, and a
    column for the question when there are several. Hidden groups keep their row, without numbers."""
    columns = [
        *([Column("question", _("Question", lang))] if with_question else []),
        Column("group", _("Group", lang)),
        Column("answer", _("Answer", lang)),
        *estimate_columns(lang),
        Column("n", "n", "integer"),
        Column("note", _("Note", lang)),
    ]
    rows = [
        {
            "question": result.question,
            "group": row.group if row.group is not None else _("All", lang),
            "answer": row.label,
            "value": None if row.suppressed else percent(row.estimate),
            "ci_low": None if row.suppressed else percent(row.ci_low),
            "ci_high": None if row.suppressed else percent(row.ci_high),
            "n": row.n,
            "note": _("too few respondents", lang) if row.suppressed else "",
            SUPPRESSED: row.suppressed,
        }
        for result in results
        for row in listed_rows(result.rows)
    ]
    return DataTable(columns, rows)


def mean_table(result, lang: str, value_header: str | None = None) -> DataTable:
    """A published mean result (localized) as a table: a row per group."""
    columns = [
        Column("group", _("Group", lang)),
        *estimate_columns(lang, value_header or _("Mean", lang), "number", 2),
        Column("n", "n", "integer"),
        Column("note", _("Note", lang)),
    ]
    rows = [
        {
            "group": row.group if row.group is not None else _("All", lang),
            "value": None if row.suppressed else row.estimate,
            "ci_low": None if row.suppressed else row.ci_low,
            "ci_high": None if row.suppressed else row.ci_high,
            "n": row.n,
            "note": _("too few respondents", lang) if row.suppressed else "",
            SUPPRESSED: row.suppressed,
        }
        for row in listed_rows(result.rows)
    ]
    return DataTable(columns, rows)


def respondents(results: list) -> int | None:
    """Respondents in the shown groups of the largest of ``results`` (None when nothing is shown)."""
    totals = [sum({r.group: r.n for r in result.rows if not r.suppressed and r.n}.values()) for result in results]
    return max(totals) if totals and max(totals) else None


def survey_view(
    state, view_id: str, title: str, table: DataTable, figure: go.Figure | None, results: list, sentence: str = ""
) -> View:
    """A view of weighted estimates from the state's survey, with its source, method and label."""
    from app.web.kit.page_state import chosen_survey

    source, synthetic = survey_source(chosen_survey(state), state.lang)
    return View(
        view_id,
        title,
        table,
        figure,
        n=respondents(results),
        source=source,
        method=_(SURVEY_METHOD, state.lang),
        sentence=sentence,
        synthetic=synthetic,
    )
