"""Undersøking: explore one question of a survey, by a breakdown and with filters.

Every setting lives in the URL (survey, question, by, f_<dim>, collapse, view), so a view can be
shared and back/forward restore it. Where the NORCE (2025) report published a figure for the
question, it is shown beside the one computed from the data, with its source.
"""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Output, dcc, html
from dash.development.base_component import Component

from app.language import N_, format_interval, format_number, format_published, format_share, localized, pick
from app.language import gettext as _
from app.query.estimates import estimate_mean, estimate_shares
from app.query.metadata import survey_meta
from app.query.publish import publishable
from app.query.published import BASES, COMPARABLE, comparisons
from app.query.survey import answer_codes, list_questions
from app.web.kit import page_state
from app.web.kit.components import labelled_dropdown, survey_label
from app.web.kit.grid_texts import grid_texts
from app.web.kit.page_state import Context, Option, PageState, Param, Spec, survey_param
from app.web.kit.site import Page
from app.web.pages.survey.figures import bar_figure, likert_figure, mean_figure
from app.web.views import (
    MAX_LISTED_HIDDEN,
    View,
    interval_text,
    listed_rows,
    mean_table,
    percent_text,
    share_table,
    survey_view,
)
from app.web.views.block import view_block

PATH = "/undersoking"
NAME = N_("Survey explorer")

ID = "survey"
SURVEY = "survey-survey"
QUESTION = "survey-question"
BY = "survey-by"
COLLAPSE = "survey-collapse"
VIEW = "survey-view"
MORE = "survey-more"  # the folded filters and display choices
MORE_SUMMARY = "survey-more-summary"  # what they choose, in words, on the fold
FILTER = "survey-filter"  # one dropdown per dimension: survey-filter-<variable>
WITH = "survey-with"  # another survey asking the same question, to compare with
COMPARE = "survey-compare"
CONTENT = "survey-content"
CHART = "survey-chart"
KEY_SENTENCE = "survey-key-sentence"
TABLE = "survey-table"
PUBLISHED = "survey-published"
TEST = "survey-test"

DEFAULT_QUESTION = "q22"
BREAKDOWNS = (
    "age_group",
    "gender",
    "education",
    "sector",
    "home_office_3plus",
    "workspace",
    "centrality",
    "county",
    "region",
    "municipality",
)
FILTERS = ("age_group", "gender", "education", "centrality", "home_office_3plus", "municipality")
# A survey's own filters (codebook ``filters:``, or its background questions and derived groupings) that
# are not among the NORCE ones above take these slots, in order: address parameters f1 … f4.
OWN_SLOTS = ("f1", "f2", "f3", "f4")
COLLAPSES = ("none", "top2")
VIEWS = ("chart", "table")
THEMES = {
    "background": N_("Background"),
    "work": N_("Work"),
    "home_office": N_("Home office"),
    "views_home_office": N_("Views on home office"),
    "views_workplace": N_("Views on the workplace"),
    "residence": N_("Choice of residence"),
    "mobility": N_("Mobility"),
    "derived": N_("Derived variables"),
}
THEME_ORDER = list(THEMES)
HIDDEN = {"display": "none"}
SIGNIFICANCE = 0.05
SHORT_LABELS = {"home_office_3plus": N_("Home office 3+ days a week")}  # the codebook's label wraps in a filter


def _filter_id(dim: str) -> str:
    return f"{FILTER}-{dim}"


def _meta(context: Context):
    """The chosen survey's questions and codebook (None without a survey)."""
    survey = context.values.get("survey")
    if survey is None:
        return None
    return context.once(("meta", survey), lambda: survey_meta(context.session, survey))


def _entries(context: Context) -> list:
    survey = context.values.get("survey")
    return context.once(("questions", survey), lambda: list_questions(context.session, survey) if survey else [])


def _question_options(context: Context) -> list[Option]:
    """Searchable labels "Theme – short text", grouped by theme in the questionnaire's order."""
    ordered = sorted(_entries(context), key=lambda q: THEME_ORDER.index(q.theme) if q.theme in THEMES else len(THEMES))
    return [Option(q.variable, _theme_label(q)) for q in ordered]


def _theme_label(entry):
    return lambda lang: f"{_(THEMES.get(entry.theme, entry.theme), lang)} – {pick(entry.short, lang)}"


def _default_question(context: Context) -> str | None:
    variables = [q.variable for q in _entries(context)]
    return DEFAULT_QUESTION if DEFAULT_QUESTION in variables else (variables or [None])[0]


def _dimension(context: Context, variable: str):
    """The codebook entry of a breakdown or filter variable, if the survey has it with answer codes."""
    meta = _meta(context)
    info = meta.questions.get(variable) if meta else None
    return info if info is not None and info.valid_codes else None


def _by_options(context: Context) -> list[Option]:
    question = context.values.get("question")
    meta = _meta(context)
    offered = meta.groupings("breakdowns", BREAKDOWNS) if meta else []
    return [Option("none", N_("No breakdown"))] + [
        Option(b, info.short or info.text)
        for b in offered
        if b != question and (info := _dimension(context, b)) is not None
    ]


def _with_options(context: Context) -> list[Option]:
    """Other surveys that ask the chosen question with the same answer codes (waves, or national beside local)."""
    from app.query.compare import comparable_surveys

    survey, question = context.values.get("survey"), context.values.get("question")
    others = page_state.surveys(context)
    found = (
        comparable_surveys(context.session, survey, question, [s.slug for s in others]) if survey and question else []
    )
    labels = {s.slug: page_state.survey_option_label(s) for s in others}
    return [Option("none", N_("No comparison"))] + [Option(slug, labels[slug]) for slug in found]


def _offered_filters(meta) -> tuple[list[str], dict[str, str]]:
    """(the NORCE filters the survey offers, its own filters by slot)."""
    if meta is None:
        return [], {}
    offered = meta.groupings("filters", FILTERS)
    own = [v for v in offered if v not in FILTERS][: len(OWN_SLOTS)]
    return [d for d in FILTERS if d in offered], dict(zip(OWN_SLOTS, own, strict=False))


def _filter_options(dim: str):
    def options(context: Context) -> list[Option]:
        standard, _own = _offered_filters(_meta(context))
        info = _dimension(context, dim) if dim in standard else None
        return [Option(code, label) for code, label, missing in info.options if not missing] if info else []

    return options


def _slot_options(slot: str):
    def options(context: Context) -> list[Option]:
        variable = _offered_filters(_meta(context))[1].get(slot)
        info = _dimension(context, variable) if variable else None
        return [Option(code, label) for code, label, missing in info.options if not missing] if info else []

    return options


def _collapse_options(context: Context) -> list[Option]:
    """ "Merge the two first answers" is offered only where it means something (an ordered scale of 3+)."""
    entry = next((q for q in _entries(context) if q.variable == context.values.get("question")), None)
    mergeable = entry is not None and entry.can_merge_first_two
    return [
        Option("none", N_("All answers")),
        Option("top2", N_("Merge the two first answers"), disabled=not mergeable),
    ]


STATE = Spec(
    survey_param(SURVEY, resets=("question", "by", "with", "collapse", *[f"f_{dim}" for dim in FILTERS], *OWN_SLOTS)),
    Param("question", QUESTION, options=_question_options, default=_default_question),
    Param("by", BY, options=_by_options, default="none"),
    *[
        Param(f"f_{dim}", _filter_id(dim), options=_filter_options(dim), default=(), many=True, in_words=True)
        for dim in FILTERS
    ],
    *[
        Param(slot, _filter_id(slot), options=_slot_options(slot), default=(), many=True, in_words=True)
        for slot in OWN_SLOTS
    ],
    Param("with", WITH, options=_with_options, default="none"),
    Param("collapse", COLLAPSE, options=_collapse_options, default="none", widget="radio"),
    Param(
        "view",
        VIEW,
        options=lambda _c: [Option("chart", N_("Chart and table")), Option("table", N_("Table only"))],
        default="chart",
        widget="radio",
    ),
)
EXTRA_OUTPUTS = {
    "more": Output(MORE_SUMMARY, "children"),
    **{f"{dim}-label": Output(f"{_filter_id(dim)}-label", "children") for dim in (*FILTERS, *OWN_SLOTS)},
    **{f"{dim}-shown": Output(f"{_filter_id(dim)}-col", "style") for dim in (*FILTERS, *OWN_SLOTS)},
}


def layout(lang: str) -> html.Div:
    filter_controls = [
        dbc.Col(
            labelled_dropdown(
                lang,
                _filter_id(dim),
                _(SHORT_LABELS[dim], lang)
                if dim in SHORT_LABELS
                else "",  # the survey's own label comes with the state
                [],
                [],
                multi=True,
                clearable=True,
                placeholder=_("All", lang),
            ),
            id=f"{_filter_id(dim)}-col",
            md=4,
            lg=2,
            style=HIDDEN,  # shown when the chosen survey offers it
        )
        for dim in (*FILTERS, *OWN_SLOTS)
    ]
    return html.Div(
        [
            *page_state.frame(ID),
            html.H1(_("Survey explorer", lang)),
            html.P(
                _(
                    "Pick a question and a breakdown. Shares are weighted, with 95 % intervals; groups with too few "
                    "respondents are not shown.",
                    lang,
                )
            ),
            dbc.Row(
                [
                    dbc.Col(labelled_dropdown(lang, SURVEY, _("Survey", lang), [], None), lg=3),
                    dbc.Col(labelled_dropdown(lang, QUESTION, _("Question", lang), [], None, searchable=True), lg=4),
                    dbc.Col(labelled_dropdown(lang, BY, _("Breakdown", lang), [], None), lg=2),
                    dbc.Col(labelled_dropdown(lang, WITH, _("Compare with another survey", lang), [], None), lg=3),
                ]
            ),
            # the answer first: filters and display choices folded under one line that says what they choose
            html.Details(
                [
                    html.Summary(
                        html.Span(_("Filters and display", lang), id=MORE_SUMMARY), className="fw-semibold mb-2"
                    ),
                    html.Fieldset(
                        [
                            html.Legend(_("Filters", lang), className="h6 fw-semibold"),
                            dbc.Row(filter_controls, className="g-2"),
                        ],
                        className="mb-1",
                    ),
                    dbc.Row(
                        [
                            dbc.Col(_radio(COLLAPSE, _("Answer categories", lang)), md="auto"),
                            dbc.Col(_radio(VIEW, _("Show", lang)), md="auto"),
                        ],
                        className="g-4 mb-2",
                    ),
                ],
                id=MORE,
                className="mb-2 filter-fold",
            ),
            dcc.Loading(html.Div(id=CONTENT), type="dot"),
        ]
    )


def _radio(component_id: str, label: str) -> html.Fieldset:
    """Radio buttons grouped under a visible legend (their accessible group name); options come with the state."""
    return html.Fieldset(
        [
            html.Legend(label, className="form-label fw-semibold fs-6 mb-1"),
            dbc.RadioItems(id=component_id, options=[], value=None, inline=True),
        ]
    )


def render(state: PageState, session) -> dict:
    """The results for the state, and the filters' labels in the survey's own words."""
    lang = state.lang
    entries = state.lookups.get(("questions", state["survey"]), [])
    entry = next((q for q in entries if q.variable == state["question"]), None)
    c = {
        "survey": state["survey"],
        "question": state["question"],
        "entry": entry,
        "by": None if state["by"] == "none" else state["by"],
        "filters": _chosen_filters(state),
        "collapse": state["collapse"],
        "view": state["view"],
        "state": state,
    }
    min_n = page_state.min_n()
    views: list[View] = []
    if entry is None:
        body = [dbc.Alert(_("This survey has no questions to show.", lang), color="info")]
    elif entry.is_numeric:
        body = _numeric(session, c, min_n, lang, views)
    else:
        body = _coded(session, c, min_n, lang, views)
        if state["with"] not in (None, "none"):
            body += _comparison(session, c, state["with"], min_n, lang, views)
    meta = state.lookups.get(("meta", state["survey"]))
    standard, own = _offered_filters(meta)
    labels: dict[str, Any] = {}
    for dim in (*FILTERS, *OWN_SLOTS):
        variable = own.get(dim) if dim in OWN_SLOTS else dim if dim in standard else None
        info = meta.questions.get(variable) if meta and variable else None
        labels[f"{dim}-label"] = (
            _(SHORT_LABELS[dim], lang) if dim in SHORT_LABELS else pick(info.short or info.text, lang) if info else ""
        )
        labels[f"{dim}-shown"] = None if info is not None else HIDDEN
    return {"content": [*survey_label(state), *body], "views": views, "more": _more_summary(state), **labels}


def _more_summary(state: PageState) -> str:
    """The folded choices in words: "Filters and display: Woman, 25–34 · chart and table"."""
    lang = state.lang
    chosen = state.describe() or _("everyone", lang)
    return _("Filters and display", lang) + ": " + chosen + " · " + state.label("view").lower()


def _chosen_filters(state: PageState) -> dict[str, list]:
    """variable → chosen codes, for the NORCE filters and the survey's own (slots)."""
    _standard, own = _offered_filters(state.lookups.get(("meta", state["survey"])))
    chosen = {dim: state[f"f_{dim}"] for dim in FILTERS if state[f"f_{dim}"]}
    chosen.update({own[slot]: state[slot] for slot in OWN_SLOTS if state[slot] and slot in own})
    return chosen


def _dimension_label(session, survey: str, variable: str, lang: str) -> str:
    info = survey_meta(session, survey).question(variable)
    return pick(info.short or info.text, lang)


def _coded(session, c: dict, min_n: int, lang: str, views: list[View]) -> list:
    entry, collapse = c["entry"], c["collapse"]
    exact = estimate_shares(
        session,
        c["survey"],
        entry.variable,
        by=c["by"],
        where=c["filters"],
        collapse=None if collapse == "none" else collapse,
        min_n=min_n,
    )
    result = localized(publishable(exact), lang)
    title = (
        _("{question} – by {breakdown}", lang).format(question=result.question, breakdown=result.by_label.lower())
        if result.by_label
        else result.question
    )
    figure = likert_figure(result, title, lang) if entry.direction else bar_figure(result, title, lang)
    published = _published_card(session, c, min_n, lang)
    parts = [_base_sentence(result.rows, c["filters"], lang)]
    if entry.direction and c["view"] == "chart":
        parts.append(
            html.P(
                _(
                    "Answers in the chart are shown on the right (agreeing end) and left (disagreeing end) "
                    "of zero; the middle answer is split across zero. The black lines at the ends of each "
                    "bar are the 95 % intervals of the share at that end.",
                    lang,
                ),
                className="small",
            )
        )
    parts += _suppressed_note(result.suppressed_groups, result.min_n, lang)
    if result.test is not None:
        parts.append(_test_sentence(result.test, lang))
    sentence = key_sentence(result, lang) or _base_text(result.rows, c["filters"], lang)
    # on the page the test has its own paragraph below the chart, with what significance means
    key = html.P(
        key_sentence(result, lang, with_test=False) or sentence,
        className="key-sentence fw-semibold mb-1",
        id=KEY_SENTENCE,
    )
    view = survey_view(c["state"], CHART, title, share_table([result], lang), figure, [result], sentence)
    views.append(view)
    main = [key, view_block(PATH, view, c["state"]), *parts] if c["view"] == "chart" else [key, *parts]
    return [
        dbc.Row([dbc.Col(main, lg=9 if published else 12), dbc.Col(published, lg=3) if published else None]),
        html.H2(_("Table", lang), className="h5 mt-3"),
        _share_table(result.rows, lang),
    ]


def _numeric(session, c: dict, min_n: int, lang: str, views: list[View]) -> list:
    exact = estimate_mean(session, c["survey"], c["entry"].variable, by=c["by"], where=c["filters"], min_n=min_n)
    result = localized(publishable(exact), lang)
    by_label = _dimension_label(session, c["survey"], c["by"], lang).lower() if c["by"] else None
    title = (
        _("Mean: {question} – by {breakdown}", lang).format(question=result.question, breakdown=by_label)
        if by_label
        else _("Mean: {question}", lang).format(question=result.question)
    )
    parts = [_base_sentence(result.rows, c["filters"], lang)]
    if result.cronbach_alpha is not None:
        parts.append(
            html.P(
                _("The index is the mean of six statements; their internal consistency (Cronbach's alpha) is", lang)
                + f" {format_number(result.cronbach_alpha, lang, 2)}.",
                className="alpha-note",
            )
        )
    parts += _suppressed_note(result.suppressed_groups, result.min_n, lang)
    figure = mean_figure(result, title, lang)
    sentence = _base_text(result.rows, c["filters"], lang)
    view = survey_view(c["state"], CHART, title, mean_table(result, lang), figure, [result], sentence)
    views.append(view)
    rows = [
        {
            "group": r.group,
            "category": _("Mean", lang),
            "share": "–" if r.suppressed else format_number(r.estimate, lang, 2),
            "value": r.estimate,
            "interval": "–"
            if r.suppressed
            else f"{format_number(r.ci_low, lang, 2)}–{format_number(r.ci_high, lang, 2)}",
            "n": r.n,
            "suppressed": _("too few respondents", lang) if r.suppressed else "",
        }
        for r in listed_rows(result.rows)
    ]
    rows += _hidden_summary_row(result.rows, _("Mean", lang), lang)
    return [
        *([view_block(PATH, view, c["state"])] if c["view"] == "chart" else []),
        *parts,
        html.H2(_("Table", lang), className="h5 mt-3"),
        _grid(rows, _("Mean", lang), lang),
    ]


def _base_sentence(rows, filters: dict, lang: str) -> html.P:
    return html.P(_base_text(rows, filters, lang), className="small text-muted base-note")


def _base_text(rows, filters: dict, lang: str) -> str:
    """How many respondents the shown groups hold (and that filters apply), or why nothing is shown."""
    shown = {r.group: r.n for r in rows if not r.suppressed}
    if not shown:
        return _(
            "No group can be shown: each has too few respondents, or is hidden so that no other view can "
            "reveal a small group. Try fewer filters or another breakdown.",
            lang,
        )
    text = _("Respondents in the groups shown", lang) + f": n = {format_number(sum(shown.values()), lang)}."
    if filters:
        text += " " + _("Filters are applied; the figures describe only the selected respondents.", lang)
    return text


def p_text(p: float, lang: str) -> str:
    """``p = 0,003`` or ``p < 0,001``."""
    return "p < " + format_number(0.001, lang, 3) if p < 0.001 else "p = " + format_number(p, lang, 3)


def key_sentence(result, lang: str, with_test: bool = True) -> str:
    """What the chart says, in one sentence from the shown (rounded) shares: the most common answer with its
    share and interval; by a breakdown, the range of that answer's share from the lowest group to the highest,
    and the test. Empty when no group can be shown. The slide's headline and the handout's lead."""
    shown = [r for r in result.rows if not r.suppressed and r.estimate is not None]
    if not shown:
        return ""
    answers: dict = {}
    for row in shown:
        answers.setdefault(row.code, []).append(row)
    # the answer most common on average over the groups shown (with no breakdown: the most common answer)
    rows = max(answers.values(), key=lambda rs: sum(r.estimate for r in rs) / len(rs))
    answer = str(rows[0].label)
    if not result.by or len(rows) == 1:
        top = rows[0]
        return _("The most common answer is «{answer}»: {share} ({interval}).", lang).format(
            answer=answer, share=percent_text(top.estimate, lang), interval=interval_text(top.ci_low, top.ci_high, lang)
        )
    low, high = min(rows, key=lambda r: r.estimate), max(rows, key=lambda r: r.estimate)
    text = _("«{answer}» ranges from {low} ({low_group}) to {high} ({high_group}).", lang).format(
        answer=answer,
        low=percent_text(low.estimate, lang),
        low_group=low.group or _("All", lang),
        high=percent_text(high.estimate, lang),
        high_group=high.group or _("All", lang),
    )
    return text + (" " + independence_sentence(result.test, lang) if with_test and result.test is not None else "")


def independence_sentence(test, lang: str) -> str:
    """The test of independence in plain words, e.g. "The difference … is statistically significant"."""
    key = (
        N_("The difference between the groups is statistically significant ({test}, {p}).")
        if test.p_value < SIGNIFICANCE
        else N_("The difference between the groups is not statistically significant ({test}, {p}).")
    )
    return _(key, lang).format(test=_("Rao–Scott F test", lang), p=p_text(test.p_value, lang))


def _test_sentence(test, lang: str) -> html.P:
    return html.P(
        [
            html.Strong(independence_sentence(test, lang)),
            " ",
            html.Span(
                _(
                    "Statistically significant means that a difference this large would rarely (less "
                    "than 5 % of the time) arise by chance if the groups were really alike.",
                    lang,
                ),
                className="small",
            ),
        ],
        id=TEST,
        className="test-note",
    )


def _share_table(rows, lang: str) -> dag.AgGrid:
    records = [
        {
            "group": r.group,
            "category": r.label,
            "share": "–" if r.suppressed else format_share(r.estimate, lang),
            "value": r.estimate,
            "interval": "–" if r.suppressed else format_interval(r.ci_low, r.ci_high, lang, 1),
            "n": r.n,
            "suppressed": _("too few respondents", lang) if r.suppressed else "",
        }
        for r in listed_rows(rows)
    ]
    return _grid(records + _hidden_summary_row(rows, "", lang), _("Share", lang), lang)


def _suppressed_note(groups: list[str], min_n: int, lang: str) -> list:
    """Which groups are hidden — named when there are few, counted when many (an empty group and a small
    one look the same: the note never says which is which)."""
    if not groups:
        return []
    named = (
        ", ".join(groups)
        if len(groups) <= MAX_LISTED_HIDDEN
        else _("{count} groups", lang).format(count=format_number(len(groups), lang))
    )
    return [
        html.P(
            _(
                "Not shown (fewer than {min_n} respondents, or hidden so that other views cannot reveal a "
                "small group):",
                lang,
            ).format(min_n=min_n)
            + " "
            + named
            + ".",
            className="suppressed-note",
        )
    ]


def _hidden_summary_row(rows, category: str, lang: str) -> list[dict]:
    """One table row for many hidden groups (they are not listed one by one)."""
    hidden = list(dict.fromkeys(r.group for r in rows if r.suppressed))
    if len(hidden) <= MAX_LISTED_HIDDEN:
        return []
    return [
        {
            "group": _("{count} groups", lang).format(count=format_number(len(hidden), lang)),
            "category": category,
            "share": "–",
            "value": None,
            "interval": "–",
            "n": None,
            "suppressed": _("too few respondents", lang),
        }
    ]


def _grid(records: list[dict], value_header: str, lang: str) -> dag.AgGrid:
    """A sortable table of the chart's numbers; it is also the chart's text alternative."""
    columns = [
        {"field": "group", "headerName": _("Group", lang)},
        {"field": "category", "headerName": _("Answer", lang), "flex": 2},
        # Sorting uses the raw number, the cell shows the Norwegian-formatted text.
        {
            "field": "value",
            "headerName": value_header,
            "valueFormatter": {"function": "params.data.share"},
            "type": "rightAligned",
        },
        {"field": "interval", "headerName": _("95 % interval", lang)},
        {"field": "n", "headerName": "n", "type": "rightAligned"},
        {"field": "suppressed", "headerName": _("Note", lang)},
    ]
    return dag.AgGrid(
        id=TABLE,
        rowData=records,
        columnDefs=columns,
        columnSize="responsiveSizeToFit",
        defaultColDef={"sortable": True, "resizable": True, "flex": 1, "minWidth": 90},
        dashGridOptions={
            "domLayout": "autoHeight",
            "ensureDomOrder": True,
            "suppressColumnVirtualisation": True,
            "tabToNextCell": {"function": "false"},  # Tab leaves the table; arrows move inside it
            "tabToNextHeader": {"function": "false"},
            "localeText": grid_texts(lang),
        },
        className="ag-theme-alpine survey-table",
        style={"height": None},
    )


def _published_card(session, c: dict, min_n: int, lang: str):
    """The report's figure for this question beside the one computed on the same base, with its source."""
    survey = c["survey"]
    if survey not in COMPARABLE or c["entry"] is None:
        return None
    items = comparisons(session, survey, c["entry"].variable, min_n=min_n)
    if not items:
        return None
    labels = {code: pick(label, lang) for code, label in answer_codes(session, survey, c["entry"].variable)}
    body: list[Component] = [html.H2(_("Published figure", lang), className="h6")]
    if COMPARABLE[survey] == "other":
        body.append(
            html.P(
                _(
                    "The report describes employed people across Norway; this survey covers another "
                    "population, so the numbers are not meant to agree.",
                    lang,
                ),
                className="small fw-semibold",
            )
        )
    for item in items:
        answers = " / ".join(labels.get(code, str(code)).lower() for code in item.categories)
        base = _(BASE_TEXT.get(item.breakdown, ""), lang) if item.breakdown in BASE_TEXT else item.breakdown
        published: list[Component | str] = [
            html.Strong(format_published(item.as_published, item.unit, item.qualifier, lang, quote=item.quote)),
            f" ({answers}; {base})",
        ]
        computed = item.computed
        if computed is None:
            mine = _("Not computed: the report's base is not in the data.", lang)
        elif computed.suppressed:
            mine = _("Too few respondents to show", lang)
        else:
            mine = _("{share} (95 % interval {interval}, n = {n})", lang).format(
                share=percent_text(computed.estimate, lang),  # the one rounding, as every page writes it
                interval=interval_text(computed.ci_low, computed.ci_high, lang),
                n=format_number(computed.n, lang),
            )
        body.append(
            html.Div(
                [
                    html.P(
                        [
                            _("Published in NORCE (2025)", lang)
                            + (f", {item.location}" if item.location else "")
                            + ": ",
                            *published,
                        ],
                        className="mb-1 small",
                    ),
                    html.Blockquote(f"«{item.quote}»", className="small fst-italic mb-1 ps-2 border-start"),
                    html.P(
                        [_("Computed from these data, same base", lang) + ": ", html.Strong(mine)],
                        className="small mb-3 computed-figure",
                    ),
                ]
            )
        )
    body.append(
        html.P(
            _(
                "Source: NORCE (2025), report from phase 2 of the research project on remote work with "
                "Hardangerrådet. Filters and breakdown above do not apply here.",
                lang,
            ),
            className="small text-muted mb-0",
        )
    )
    return dbc.Card(dbc.CardBody(body), id=PUBLISHED, className="published-card")


BASE_TEXT = {
    "all": N_("all respondents"),
    "uses home office (q12 < 6)": N_("those who use home office"),
    "centrality index 1-2 (central municipalities)": N_("central municipalities (centrality 1–2)"),
}
assert set(BASE_TEXT) == set(BASES)


def _comparison(session, c: dict, other: str, min_n: int, lang: str, views: list[View]) -> list:
    """The chosen question in this survey (A) and another that asks it the same way (B): each share, the
    difference B − A with its 95 % interval and test (independent samples, app/query/compare.py)."""
    from app.query.compare import compare_shares
    from app.query.metadata import QueryError
    from app.web.kit.charts import base_layout
    from app.web.views import Column, DataTable

    state = c["state"]
    try:
        result = compare_shares(
            session,
            c["survey"],
            other,
            c["question"],
            by=c["by"],
            collapse=None if c["collapse"] == "none" else c["collapse"],
            min_n=min_n,
            where=c["filters"] or None,
        )
    except QueryError:
        message = _("The other survey does not have this breakdown or these filters with the same answers.", lang)
        return [dbc.Alert(message, color="info", id="survey-compare-unavailable")]
    name_a, name_b = state.label("survey"), state.label("with", other)

    def pct(value: float | None, decimals: int = 1) -> float | None:
        return None if value is None else round(100 * value, decimals)

    rows = [
        {
            "group": pick(r.group, lang) if r.group else _("All", lang),
            "answer": pick(r.label, lang),
            "a": pct(r.a),
            "b": pct(r.b),
            "difference": pct(r.difference),
            "ci_low": pct(r.ci_low),
            "ci_high": pct(r.ci_high),
            "p": None if r.p_value is None else round(r.p_value, 3),
            "note": _("Hidden: too few respondents in one of the surveys", lang) if r.suppressed else "",
        }
        for r in result.rows
    ]
    table = DataTable(
        [
            Column("group", _("Group", lang)),
            Column("answer", _("Answer", lang)),
            Column("a", "A (%)", "number", 1),
            Column("b", "B (%)", "number", 1),
            Column("difference", _("Difference B − A (points)", lang), "number", 1),
            Column("ci_low", _("95 % interval, low", lang), "number", 1),
            Column("ci_high", _("95 % interval, high", lang), "number", 1),
            Column("p", "p", "number", 3),
            Column("note", _("Note", lang)),
        ],
        rows,
    )
    shown = [r for r in result.rows if r.difference is not None and r.ci_low is not None and r.ci_high is not None]
    labels = [
        f"{pick(r.label, lang)} ({pick(r.group, lang) if r.group else _('All', lang)})"
        if c["by"]
        else pick(r.label, lang)
        for r in shown
    ]
    figure = go.Figure(
        go.Scatter(
            x=[100 * float(r.difference or 0) for r in shown],
            y=labels,
            mode="markers",
            marker={"size": 10, "color": "#1f4e79"},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [100 * (float(r.ci_high or 0) - float(r.difference or 0)) for r in shown],
                "arrayminus": [100 * (float(r.difference or 0) - float(r.ci_low or 0)) for r in shown],
            },
        )
    )
    title = _("Difference B − A in percentage points, with 95 % intervals", lang)
    figure.update_layout(base_layout(lang, height=max(260, 40 * len(shown) + 120)))
    figure.update_layout(
        xaxis={"title": title, "zeroline": True, "zerolinecolor": "#555"}, yaxis={"autorange": "reversed"}
    )
    view = survey_view(
        state,
        COMPARE,
        _("{question}: {a} (A) and {b} (B)", lang).format(question=pick(result.question, lang), a=name_a, b=name_b),
        table,
        figure,
        [],
        sentence=_(
            "A difference whose interval does not cross zero is statistically significant at the 5 % level.", lang
        ),
    )
    views.append(view)
    return [
        html.H2(_("Compared with another survey", lang), className="h4 mt-4"),
        html.P(
            _(
                "Each survey's shares are estimated on its own design; the samples are independent, so the difference "
                "has the standard error √(SE_A² + SE_B²). Groups too small in either survey are hidden.",
                lang,
            ),
            className="small",
        ),
        view_block(PATH, view, state),
    ]


PAGE = Page(
    name="survey", path=PATH, title=NAME, layout=layout, id=ID, state=STATE, render=render, extra_outputs=EXTRA_OUTPUTS
)
