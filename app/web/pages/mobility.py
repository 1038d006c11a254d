"""Mobilitetspotensial: from jobs that can be done anywhere to potential movers for the region.

The report's reasoning (NORCE 2025, 3.2.5) as a funnel. Every assumption is a control kept in
the address, so a council can show exactly which numbers it used; the survey uncertainty is an
error bar, the headline gives the range with every assumption at its low or high end, and a
sensitivity ("tornado") chart shows which assumption moves the result most.

What reaches the browser is what is displayed: the result is rounded by
``app.query.mobility.publishable`` before any figure, table or text is built from it.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from babel.numbers import get_decimal_symbol
from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.development.base_component import Component
from flask import current_app, has_app_context

from app.config import Config
from app.language import BABEL_LOCALES, N_, format_number, format_share, pick
from app.language import gettext as _
from app.language.mobility import (
    assumption_name,
    definition_text,
    independence_note,
    jobs_anywhere_caveats,
    jobs_anywhere_source,
    net_migration_text,
    pool_note,
    region_share_source,
    residents_note,
    step_label,
    willing_note,
)
from app.query.metadata import survey_meta
from app.query.mobility import (
    JOBS_ANYWHERE,
    FunnelStep,
    MobilityResult,
    NetMigration,
    NotNationalSurvey,
    ReportCheck,
    is_rural_region,
    mobility_funnel,
    net_migration,
    publishable,
    region_share,
    regional_funnel,
    report_check,
    round_people,
    standard_conditions,
)
from app.web.kit import page_state
from app.web.kit.charts import PALETTE, base_layout
from app.web.kit.components import (
    labelled_dropdown,
    needs_message,
    page_language,
    survey_label,
)
from app.web.kit.page_state import (
    NATIONAL,
    Context,
    Option,
    PageState,
    Param,
    Spec,
    chosen_survey,
    parse_search,
    region_param,
    survey_param,
)
from app.web.kit.site import Page, link_to
from app.web.server.response_cache import page_reads
from app.web.views import Column, DataTable, View, percent, survey_source
from app.web.views.block import Views

__all__ = ["round_people"]  # re-exported for the tests: the page rounds with the query layer's function

PATH = "/mobilitet"
# The NORCE questions the funnel and its conditions are built on.
NEEDED = ("q22", "q23", "q14", "q21", "age_group", "centrality")
NAME = N_("Mobility potential")

ID = "mobility"
SURVEY = "mobility-survey"
REGION = "mobility-region"
JOBS = "mobility-jobs"
JOBS_INPUT = "mobility-jobs-input"
FILTERS = "mobility-filters"
AGES = "mobility-ages"
CENTRALITY = "mobility-centrality"
SHARE = "mobility-share"
SHARE_INPUT = "mobility-share-input"
SHARE_RESET = "mobility-share-reset"
SHARE_SOURCE = "mobility-share-source"
CONTENT = "mobility-content"
HEADLINE = "mobility-headline"
FUNNEL_CHART = "mobility-funnel"
TORNADO_CHART = "mobility-tornado"
ASSUMPTIONS = "mobility-assumptions"
REFUSED = "mobility-refused"
REPORT_CHECK = "mobility-report-check"
NET_MIGRATION = "mobility-net-migration"
INDEPENDENT = "mobility-independent"
SWITCH_EFFECT = "mobility-switch-effect"
RESIDENTS = "mobility-residents"


JOBS_MIN, JOBS_MAX, JOBS_STEP = 1_000_000, 1_600_000, 50_000
SHARE_MAX, SHARE_STEP = 5.0, 0.01  # region share slider, in per cent
FILTER_KEYS = ("attractive", "take_job", "travel", "outside")
REGION_DEFAULTS = ("attractive", "outside")  # conditions whose default follows the region
NO_FILTERS = "none"  # ?filters=none: every condition switched off (an absent parameter means the default)
TRAVEL_TIME_MIN = 2  # q21 code 2 = "up to one hour": accepts at least an hour's trip


def default_filters(session, region: str) -> list[str]:
    """The conditions on when nothing is said: for a rural region, finding a rural municipality attractive; for
    any region, leaving out those who already live there (moving there would be no move in)."""
    if region == NATIONAL:
        return []
    return (["attractive"] if is_rural_region(session, region) else []) + ["outside"]


FILTER_LABELS = {
    "attractive": "Find living in a rural municipality attractive",
    "take_job": N_("Can probably take the job along"),
    "travel": N_("Accept at least one hour's trip to the office"),
    "outside": N_("Leave out those who already live in the region"),
}


def _region_shares(context: Context):
    """The region's share and its range (None for all of Norway), read once per parse."""
    region, rural = context.values.get("region"), "attractive" in (context.values.get("filters") or [])
    if region is None or region == NATIONAL:
        return None
    slug = str(region)
    return context.once(("shares", slug, rural), lambda: region_share(context.session, slug, rural_only=rural))


def _code_options(variable: str):
    def options(context: Context) -> list[Option]:
        survey = context.values.get("survey")
        if survey is None:
            return []
        info = context.once(("meta", survey), lambda: survey_meta(context.session, survey)).questions.get(variable)
        return [Option(code, label) for code, label, missing in info.options if not missing] if info else []

    return options


def _default_share(context: Context) -> float | None:
    shares = _region_shares(context)
    return None if shares is None else shares.value * 100


STATE = Spec(
    survey_param(SURVEY),
    region_param(REGION, national=N_("All of Norway (no region step)")),
    Param("jobs", None, number=(JOBS_MIN, JOBS_MAX), default=JOBS_ANYWHERE.default),
    Param(
        "filters",
        FILTERS,
        options=lambda _context: [Option(k, FILTER_LABELS[k]) for k in FILTER_KEYS],
        default=lambda context: default_filters(context.session, context.values["region"]),
        many=True,
        none_value=NO_FILTERS,
        widget="checklist",
        in_words=True,
    ),
    Param("age", AGES, options=_code_options("age_group"), default=(), many=True, in_words=True),
    Param("centrality", CENTRALITY, options=_code_options("centrality"), default=(), many=True, in_words=True),
    Param("share", None, number=(0, SHARE_MAX), default=_default_share),
)
EXTRA_OUTPUTS = {
    "jobs": Output(JOBS, "value"),
    "jobs_text": Output(JOBS_INPUT, "value"),
    "share": Output(SHARE, "value"),
    "share_text": Output(SHARE_INPUT, "value"),
    "share_disabled": Output(SHARE, "disabled"),
    "share_text_disabled": Output(SHARE_INPUT, "disabled"),
    "share_source": Output(SHARE_SOURCE, "children"),
}


def _choices(session, search: str, config: Config | None = None) -> dict:
    """The page's state with what the funnel needs beside it (the region's shares, the survey's coverage)."""
    if config is None:
        config = current_app.config["FJERNARBEID"] if has_app_context() else Config.from_env()
    return _facts(STATE.parse(session, config, search), session)


def _facts(state: PageState, session) -> dict:
    region, filters = state["region"], state["filters"]
    shares = None if region == NATIONAL else state.lookups.get(("shares", region, "attractive" in filters))
    if shares is None and region != NATIONAL:
        shares = region_share(session, region, rural_only="attractive" in filters)
    share = None
    if shares is not None:
        given = state["share"] != state.defaults["share"]
        share = round(state["share"], 2) / 100 if given else shares.value
    surveys = state.lookups.get("surveys", [])
    return {
        "state": state,
        "surveys": surveys,
        "survey": state["survey"],
        "region": region,
        "jobs": state["jobs"],
        "filters": filters,
        "filters_default": state.defaults["filters"],
        "ages": state["age"],
        "centrality": state["centrality"],
        "share": share,
        "shares": shares,
        "coverage": next((s.coverage for s in surveys if s.slug == state["survey"]), "national"),
        "resolved": state,
    }


def _aria_label(label: str) -> dict[str, Any]:
    """``aria-label`` for a Dash html component (not a Python name, so passed as ``**``)."""
    return {"aria-label": label}


def _marks(labels: dict) -> dict:
    """Slider marks in full-contrast text (Dash greys out marks beyond the handle)."""
    return {v: {"label": label, "style": {"color": "#212529"}} for v, label in labels.items()}


def _share_percent(share: float | None) -> float | None:
    """The region share as the slider shows it: per cent with two decimals (the exact default is used in
    the calculation; a slider value within 0.005 of it counts as the default)."""
    return None if share is None else round(share * 100, 2)


def _share_field(share: float | None, lang: str) -> str:
    return "" if share is None else format_number(round(share * 100, 2), lang, 2)


def parse_number(value, lang: str, integer: bool = False) -> float | None:
    """A number typed in the page's format: "1 300 000" / "1,300,000", "1,38" / "1.38" (a trailing % and
    spaces are ignored); None when it is not a number."""
    if isinstance(value, (int, float)):
        return float(value)
    cleaned = re.sub(r"[\s\u00a0\u202f%]", "", str(value or ""))
    if integer:
        cleaned = re.sub(r"[.,'’]", "", cleaned)
    else:  # the language's decimal mark; the other mark groups thousands, or stands for the decimal mark alone
        decimal = get_decimal_symbol(BABEL_LOCALES.get(lang, BABEL_LOCALES["nb"]))
        other = "," if decimal == "." else "."
        cleaned = (
            cleaned.replace(other, "").replace(decimal, ".") if decimal in cleaned else cleaned.replace(other, ".")
        )
    try:
        return float(cleaned)
    except ValueError:
        return None


def _options(info, lang: str) -> list[dict]:
    return [{"label": pick(label, lang), "value": code} for code, label, missing in info.options if not missing]


def _number_control(label: str, slider_id: str, input_id: str, input_mode: str, slider: dict, transform: str) -> list:
    """A number as a labelled text field (to type it) above a slider (to drag it); the page keeps the two
    in step. ``transform`` names the tooltip's formatter in assets/ (the number in the page's format)."""
    return [
        html.Label(label, htmlFor=input_id, id=f"{slider_id}-label", className="form-label fw-semibold"),
        dbc.Input(id=input_id, type="text", inputMode=input_mode, debounce=True, className="mb-2"),
        dcc.Slider(
            id=slider_id,
            allow_direct_input=False,
            tooltip={"placement": "bottom", "always_visible": False, "transform": transform},
            **slider,
        ),
    ]


def layout(lang: str) -> html.Div:
    lang = page_language(lang)
    jobs = JOBS_ANYWHERE
    controls = [
        labelled_dropdown(lang, SURVEY, _("Survey", lang), [], None),
        labelled_dropdown(lang, REGION, _("Region", lang), [], None),
        html.Div(
            [
                *_number_control(
                    _("Jobs that can be done anywhere", lang),
                    JOBS,
                    JOBS_INPUT,
                    "numeric",
                    dict(
                        min=JOBS_MIN,
                        max=JOBS_MAX,
                        step=JOBS_STEP,
                        value=jobs.default,
                        marks=_marks(
                            {
                                v: _("{n} million", lang).format(n=format_number(v / 1e6, lang, 1))
                                for v in (JOBS_MIN, jobs.default, JOBS_MAX)
                            }
                        ),
                    ),
                    "mobilityJobs",
                ),
                html.P(
                    _("Default {default}, range {low}–{high}. Source: {source}", lang).format(
                        default=format_number(jobs.default, lang),
                        low=format_number(jobs.low, lang),
                        high=format_number(jobs.high, lang),
                        source=jobs_anywhere_source(lang),
                    ),
                    className="small text-muted mb-1",
                    id=f"{JOBS}-help",
                ),
                html.P(_("What the sources say limits this assumption:", lang), className="small fw-semibold mb-0"),
                html.Ul(
                    [html.Li(caveat) for caveat in jobs_anywhere_caveats(lang)],
                    className="small text-muted",
                    id=f"{JOBS}-caveats",
                ),
            ],
            className="mb-3",
        ),
        html.Fieldset(
            [
                html.Legend(_("Only those who also …", lang), className="form-label fw-semibold fs-6"),
                dbc.Checklist(id=FILTERS, options=[], value=[]),
                html.P(
                    _(
                        "“Find living in a rural municipality attractive” does two things: it counts only those who "
                        "also find a rural municipality attractive, and it shares them out among the rural "
                        "municipalities (Statistics Norway centrality classes 4–6) instead of all municipalities, "
                        "so the region's share is larger. The second outweighs the first: switched on, the result "
                        "is higher. It is on by default for a region with rural municipalities.",
                        lang,
                    ),
                    className="small text-muted mt-1 mb-1",
                    id=f"{FILTERS}-attractive-help",
                ),
                html.P(
                    _(
                        "“Can probably take the job along” and “Accept at least one hour's trip to the office” are "
                        "off by default: the report's reasoning (NORCE 2025, 3.2.5) counts everyone for whom moving "
                        "is relevant without them. Switch them on to count only those for whom a move also looks "
                        "practical.",
                        lang,
                    ),
                    className="small text-muted mb-0",
                    id=f"{FILTERS}-defaults-help",
                ),
            ],
            className="mb-3",
        ),
        labelled_dropdown(
            lang,
            AGES,
            _("Age groups", lang),
            [],
            [],
            multi=True,
            clearable=True,
            placeholder=_("All age groups", lang),
        ),
        labelled_dropdown(
            lang,
            CENTRALITY,
            _("Centrality of current residence", lang),
            [],
            [],
            multi=True,
            clearable=True,
            placeholder=_("All centrality classes", lang),
        ),
        html.Div(
            [
                *_number_control(
                    _("Share who could choose the region (%)", lang),
                    SHARE,
                    SHARE_INPUT,
                    "decimal",
                    dict(min=0, max=SHARE_MAX, step=SHARE_STEP, marks=_marks({v: str(v) for v in range(6)})),
                    "mobilityShare",
                ),
                html.P(id=SHARE_SOURCE, className="small text-muted mb-1"),
                dbc.Button(_("Reset to default", lang), id=SHARE_RESET, size="sm", color="secondary", outline=True),
            ],
            className="mb-3",
        ),
    ]
    return html.Div(
        [
            *page_state.frame(ID),
            html.H1(_("Mobility potential", lang)),
            html.P(
                _(
                    "How many people have a job they can do anywhere and would consider moving — and how many "
                    "of them could choose this region? Change the assumptions and see how much the answer moves.",
                    lang,
                ),
                className="lead",
            ),
            dbc.Row(
                [
                    dbc.Col(html.Section(controls, **_aria_label(_("Assumptions", lang))), lg=4),
                    dbc.Col(dcc.Loading(html.Div(id=CONTENT), type="dot"), lg=8),
                ]
            ),
        ]
    )


def register_callbacks(app) -> None:
    @app.callback(
        Output(page_state.ids(ID)["url"], "search"),
        Input(SURVEY, "value"),
        Input(REGION, "value"),
        Input(JOBS, "value"),
        Input(JOBS_INPUT, "value"),
        Input(FILTERS, "value"),
        Input(AGES, "value"),
        Input(CENTRALITY, "value"),
        Input(SHARE, "value"),
        Input(SHARE_INPUT, "value"),
        Input(SHARE_RESET, "n_clicks"),
        State(page_state.ids(ID)["url"], "search"),
        prevent_initial_call=True,
    )
    def _controls_to_url(survey, region, jobs, jobs_text, filters, ages, centrality, share, share_text, _reset, search):
        triggered = {t["prop_id"].rsplit(".", 1)[0] for t in (ctx.triggered or [])}
        with page_reads() as session:
            new = url_for_controls(
                session,
                search,
                triggered,
                survey=survey,
                region=region,
                jobs=jobs,
                jobs_text=jobs_text,
                filters=filters,
                ages=ages,
                centrality=centrality,
                share=share,
                share_text=share_text,
            )
        return no_update if new == (search or "") else new

    page_state.register_renderer(app, PAGE)


def url_for_controls(
    session,
    search: str,
    triggered: set[str],
    *,
    survey,
    region,
    jobs,
    jobs_text,
    filters,
    ages,
    centrality,
    share,
    share_text,
) -> str:
    """The address for the controls' values. ``triggered``: the ids of the controls the user changed (the
    slider and the field beside it hold the same value; the one changed wins). Values equal to their
    defaults are left out, so a new region brings its own defaults."""
    shown = _choices(session, search)
    resolved: PageState = shown["state"]
    raw = parse_search(search)
    lang = resolved.lang
    region_changed = region != shown["region"]
    chosen = [k for k in FILTER_KEYS if k in (filters or [])]
    new_default = default_filters(session, region)
    if region_changed:  # the rural condition follows the new region's default; the others stay
        chosen = [k for k in FILTER_KEYS if ((k in new_default) if k in REGION_DEFAULTS else (k in chosen))]
    filters_param = None if chosen == new_default else chosen  # none chosen: the address says NO_FILTERS

    if JOBS_INPUT in triggered:
        typed = parse_number(jobs_text, lang, integer=True)
        jobs_value = (jobs_text or None) if typed is None else typed  # not a number: the page says so
    elif JOBS in triggered:
        jobs_value = jobs
    else:
        jobs_value = raw.get("jobs")
    jobs_param = (
        None
        if jobs_value in (None, JOBS_ANYWHERE.default)
        else (f"{jobs_value:.0f}" if isinstance(jobs_value, float) else jobs_value)
    )

    share_param = raw.get("share")
    if region == NATIONAL or region_changed or SHARE_RESET in triggered:
        share_param = None
    elif SHARE_INPUT in triggered or SHARE in triggered:
        value = parse_number(share_text, lang) if SHARE_INPUT in triggered else share
        default = region_share(session, region, rural_only="attractive" in chosen).value * 100
        if value is None:
            share_param = share_text or None  # not a number: the page says so
        else:
            share_param = None if abs(value - default) < 0.005 else f"{value:g}"
    # the page's own spec writes the address (the language kept); a value left None takes its default there
    return resolved.query(
        survey=survey,
        region=region,
        jobs=jobs_param,
        filters=filters_param,
        age=sorted(ages or []),
        centrality=sorted(centrality or []),
        share=share_param,
    )


def render(state: PageState, session) -> dict:
    """The funnel, the sensitivity and the assumptions, and the number controls' values."""
    lang, min_n = state.lang, page_state.min_n()
    c = _facts(state, session)
    controls = {
        "jobs": c["jobs"],
        "jobs_text": format_number(c["jobs"], lang),
        "share": _share_percent(c["share"]),
        "share_text": _share_field(c["share"], lang),
        "share_disabled": c["share"] is None,
        "share_text_disabled": c["share"] is None,
        "share_source": _share_source(c, lang),
    }
    head = survey_label(state)
    if c["coverage"] != "national":
        return {"content": [*head, refused(c, state)], **controls}
    missing = survey_meta(session, c["survey"]).missing(NEEDED)
    if missing:
        return {
            "content": [*head, needs_message(missing, lang, link_to(state, "survey", survey=c["survey"]))],
            **controls,
        }
    conditions = standard_conditions(
        attractive="attractive" in c["filters"],
        take_job="take_job" in c["filters"],
        travel_time_min=TRAVEL_TIME_MIN if "travel" in c["filters"] else None,
        age_groups=c["ages"],
        centrality=c["centrality"],
    )
    switch_words, net = "", None
    try:
        if c["region"] == NATIONAL:
            exact = mobility_funnel(session, c["survey"], c["jobs"], conditions, min_n=min_n)
        else:
            override = None if c["share"] == c["shares"].value else c["share"]
            leave_out = "outside" in c["filters"]
            exact, _shares = regional_funnel(
                session,
                c["survey"],
                c["region"],
                c["jobs"],
                conditions,
                override,
                min_n=min_n,
                leave_out_residents=leave_out,
            )
            # the same view with the attraction condition switched the other way (the region's default share)
            flipped = standard_conditions(
                attractive="attractive" not in c["filters"],
                take_job="take_job" in c["filters"],
                travel_time_min=TRAVEL_TIME_MIN if "travel" in c["filters"] else None,
                age_groups=c["ages"],
                centrality=c["centrality"],
            )
            other, _other_shares = regional_funnel(
                session, c["survey"], c["region"], c["jobs"], flipped, None, min_n=min_n, leave_out_residents=leave_out
            )
            off, on = (other, exact) if "attractive" in c["filters"] else (exact, other)
            switch_words = switch_effect(publishable(off), publishable(on), lang)
            net = net_migration(session, c["region"])
        check = report_check(session, c["survey"], min_n=min_n)
    except NotNationalSurvey:  # the survey changed its coverage since the list was read
        return {"content": [*head, refused(c, state)], **controls}
    result = publishable(exact)
    views = Views(PATH, state)
    source, synthetic = survey_source(chosen_survey(state), lang)
    source = _("{survey}; assumptions as in the table on the page", lang).format(survey=source)

    def view(chart_id: str, title: str, table: DataTable, figure) -> View:
        """A chart of the funnel's result, with the result's n, source, method and sentence."""
        return View(
            chart_id,
            title,
            table,
            figure,
            n=result.steps[-1].n,
            source=source,
            method=_(MOBILITY_METHOD, lang),
            sentence=sensitivity_sentence(result, lang),
            synthetic=synthetic,
        )

    funnel = view(
        FUNNEL_CHART,
        _("From jobs that can be done anywhere to potential movers", lang),
        funnel_data(result, lang),
        funnel_figure(result, lang),
    )
    content = [
        *head,
        headline(result, lang, net, c["shares"].region_name if c["shares"] is not None else ""),
        *([html.P(switch_words, className="small", id=SWITCH_EFFECT)] if switch_words else []),
        *([html.P(residents_note(result, lang, min_n), className="small", id=RESIDENTS)] if result.residents else []),
        views.block(funnel),
        funnel_table(result, lang),
        html.P([html.Strong(_("About the second step:", lang) + " "), willing_note(lang)], className="small"),
        html.H2(_("Which assumption matters most?", lang), className="h4 mt-4"),
        html.P(sensitivity_sentence(result, lang), id=f"{TORNADO_CHART}-summary"),
    ]
    if result.shown:
        tornado = view(
            TORNADO_CHART,
            _("How much the result moves across each assumption's range", lang),
            sensitivity_data(result, lang),
            tornado_figure(result, lang),
        )
        content.append(views.block(tornado))
    content += [
        html.H2(_("Assumptions and sources", lang), className="h4 mt-4"),
        assumptions_table(result, lang, c["shares"]),
        html.P(report_check_text(check, lang), className="small", id=REPORT_CHECK),
    ]
    return {"content": content, "views": views.views, **controls}


MOBILITY_METHOD = N_(
    "Jobs that can be done anywhere × weighted survey shares of each step (95 % intervals); people rounded."
)


def funnel_data(result: MobilityResult, lang: str) -> DataTable:
    """The funnel's numbers as its table shows them (people rounded; a suppressed step without numbers)."""
    columns = [
        Column("step", _("Step", lang)),
        Column("share", _("Share (%)", lang), "percent"),
        Column("people", _("People", lang), "integer"),
        Column("people_low", _("95 % interval, lower", lang), "integer"),
        Column("people_high", _("95 % interval, upper", lang), "integer"),
        Column("note", _("Note", lang)),
    ]
    rows = []
    for step in result.steps:
        row: dict = {"step": step_label(step.key, lang), "note": _("Too few respondents to show", lang)}
        if not step.suppressed:
            people, low, high = _people(step)
            row.update(share=percent(step.share), people=round_people(people), note="")
            row.update(people_low=round_people(low), people_high=round_people(high))
        rows.append(row)
    return DataTable(columns, rows)


def sensitivity_data(result: MobilityResult, lang: str) -> DataTable:
    columns = [
        Column("assumption", _("Assumption", lang)),
        Column("low", _("Result at the low end", lang), "integer"),
        Column("high", _("Result at the high end", lang), "integer"),
    ]
    rows = [
        {
            "assumption": assumption_name(r["assumption"], lang),
            "low": round_people(r["low"]),
            "high": round_people(r["high"]),
        }
        for r in _sorted_sensitivity(result)
    ]
    return DataTable(columns, rows)


def _share_source(c: dict, lang: str) -> str:
    if c["region"] == NATIONAL:
        return _("Choose a region to add the last step.", lang)
    shares = c["shares"]
    return _("Default {share}. Source: {source}", lang).format(
        share=format_share(round(shares.value, 4), lang, 2), source=region_share_source(shares, lang)
    )


def refused(c: dict, state: PageState) -> dbc.Alert:
    """Why the funnel is not computed for a survey that does not cover the whole country."""
    lang = state.lang
    title = next((pick(s.title, lang) for s in c["surveys"] if s.slug == c["survey"]), c["survey"])
    national = [s for s in c["surveys"] if s.coverage == "national"]
    body = [
        html.H2(_("The mobility potential needs a national survey", lang), className="h5"),
        html.P(
            _(
                "“{title}” asks residents of one region, not a national sample of people who can work remotely. "
                "The funnel multiplies the number of jobs in all of Norway that can be done anywhere by shares "
                "from the survey, so those shares must describe the whole country. This survey's answers are "
                "shown on the survey page.",
                lang,
            ).format(title=title)
        ),
    ]
    if national:
        body.append(
            dcc.Link(
                _("Show the funnel with a national survey", lang),
                href=PATH + state.query(survey=national[0].slug),
                className="alert-link",
            )
        )
    return dbc.Alert(body, color="info", id=REFUSED, className="mb-3")


def _interval(low: float, high: float, lang: str) -> str:
    return f"{format_number(round_people(low), lang)}–{format_number(round_people(high), lang)}"


def _share_text(share: float, lang: str) -> str:
    return format_share(share, lang, 2 if share < 0.01 else 1)


def people_text(value: float, lang: str) -> str:
    return "≈\u00a0" + format_number(round_people(value), lang)


def _people(step: FunnelStep) -> tuple[float, float, float]:
    """A shown step's people and their 95 % interval (a suppressed step has none)."""
    if step.people is None or step.people_low is None or step.people_high is None:
        raise ValueError(f"The step {step.key!r} has no numbers (too few respondents).")
    return step.people, step.people_low, step.people_high


def headline(result: MobilityResult, lang: str, net: NetMigration | None = None, region_name: str = "") -> dbc.Card:
    """The result as what it is: a pool of people who say they would consider moving, not a forecast and with
    no time frame; its range (the unknown link between would-move and rural attraction included); and, for a
    region, what actually happened: its net migration over the years loaded."""
    last = result.steps[-1]
    title = (
        _("People who say they would consider moving and could choose the region", lang)
        if result.region_share is not None
        else _("People with a job they can do anywhere who say they would consider moving", lang)
    )
    body: list[Component] = []
    if not result.shown:
        value = "–"
        words = _(
            "Too few respondents meet all the conditions to show a number. Switch a condition off or choose "
            "wider groups.",
            lang,
        )
    else:
        people, people_low, people_high = _people(last)
        overall_low, overall_high = result.overall_low, result.overall_high
        if overall_low is None or overall_high is None:
            raise ValueError("A shown result has its range.")
        value = people_text(people, lang)
        words = _(
            "With these assumptions, about {n} people. With every assumption at its low or high end: {low} to "
            "{high}; survey uncertainty alone (95 % interval): {survey_low} to {survey_high}.",
            lang,
        ).format(
            n=format_number(round_people(people), lang),
            low=format_number(round_people(overall_low), lang),
            high=format_number(round_people(overall_high), lang),
            survey_low=format_number(round_people(people_low), lang),
            survey_high=format_number(round_people(people_high), lang),
        )
        if people_high - people_low > 2 * people:  # roughly: standard error over half the estimate
            words += " " + _("Very uncertain: few respondents meet all the conditions.", lang)
        body.append(
            html.P(
                pool_note(lang),
                className="mb-1 fw-semibold",
                id=f"{HEADLINE}-pool",
            )
        )
        if result.independent is not None:
            body.append(
                html.P(
                    independence_note(result, lang),
                    className="mb-1",
                    id=INDEPENDENT,
                )
            )
    if net is not None:
        body.append(
            html.P(
                net_migration_text(net, region_name, lang),
                className="mb-0",
                id=NET_MIGRATION,
            )
        )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2(title, className="h6 text-muted mb-1"),
                html.P(value, className="display-6 mb-1 key-figure-value"),
                html.P(words, className="mb-1"),
                *body,
            ]
        ),
        id=HEADLINE,
        className="mb-3 key-figure",
    )


def switch_effect(off: MobilityResult, on: MobilityResult, lang: str) -> str:
    """What switching the attraction condition does here, in numbers (both results as published)."""
    if not (off.shown and on.shown):
        return ""
    return _(
        "Here, “Find living in a rural municipality attractive” switched off gives about {off} (everyone for whom "
        "moving is relevant, shared among all municipalities); switched on, about {on} (only those who find a rural "
        "municipality attractive, shared among the rural municipalities).",
        lang,
    ).format(
        off=format_number(round_people(_people(off.steps[-1])[0]), lang),
        on=format_number(round_people(_people(on.steps[-1])[0]), lang),
    )


def funnel_figure(result: MobilityResult, lang: str) -> go.Figure:
    """Horizontal bars, first step on top, with the 95 % interval as error bars and "≈ n" labels; a step
    with too few respondents has no bar and says so."""
    steps = result.steps
    fig = go.Figure(
        layout=base_layout(
            lang, _("From jobs that can be done anywhere to potential movers", lang), height=120 + 55 * len(steps)
        )
    )
    colours = [PALETTE[4]] + [PALETTE[0]] * (len(steps) - 2) + [PALETTE[5]] if len(steps) > 1 else [PALETTE[4]]
    labels = [_wrap(step_label(s.key, lang)) for s in steps]
    # (people, low, high) as shown, None for a suppressed step
    figures = [None if s.suppressed else tuple(round_people(v) for v in _people(s)) for s in steps]

    fig.add_trace(
        go.Bar(
            y=labels,
            x=[None if f is None else f[0] for f in figures],
            orientation="h",
            marker_color=colours,
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [None if f is None else f[2] - f[0] for f in figures],
                "arrayminus": [None if f is None else f[0] - f[1] for f in figures],
                "color": "#333",
                "thickness": 1.5,
            },
            customdata=[
                _("too few respondents to show", lang) if s.suppressed else _interval(*_people(s)[1:], lang)
                for s in steps
            ],
            hovertemplate="%{y}: %{x:,.0f}<br>"
            + _("Interval: {interval}", lang).format(interval="%{customdata}")
            + "<extra></extra>",
        )
    )
    for f, label in zip(figures, labels, strict=False):
        if f is None:
            fig.add_annotation(
                x=0,
                y=label,
                text=_("too few respondents to show", lang),
                showarrow=False,
                xanchor="left",
                xshift=6,
                font={"size": 13, "color": "#495057"},
            )
        else:
            fig.add_annotation(
                x=f[2],
                y=label,
                text=people_text(f[0], lang),
                showarrow=False,
                xanchor="left",
                xshift=6,
                font={"size": 13},
            )
    top = max((f[2] for f in figures if f is not None), default=1)
    fig.update_xaxes(
        range=[0, round_people(top * 1.45)], gridcolor="#e5e5e5", tickformat=",.0f", title=_("People", lang), nticks=5
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(showlegend=False, margin={"l": 10, "r": 20, "t": 60, "b": 50})
    return fig


def _wrap(label: str, width: int = 36) -> str:
    """A long step label over several lines, so the bars keep their room."""
    return "<br>".join(textwrap.wrap(label, width)) or label


def funnel_table(result: MobilityResult, lang: str) -> dbc.Table:
    """The funnel as numbers (the chart's text alternative); a suppressed step has no numbers."""
    head = html.Thead(
        html.Tr(
            [
                html.Th(_("Step", lang), scope="col"),
                html.Th(_("Share", lang), scope="col"),
                html.Th(_("People", lang), scope="col"),
                html.Th(_("95 % interval", lang), scope="col"),
            ]
        )
    )
    rows = []
    for s in result.steps:
        label = html.Th(step_label(s.key, lang), scope="row", className="fw-normal")
        if s.suppressed:
            rows.append(
                html.Tr(
                    [
                        label,
                        html.Td(_("Too few respondents to show", lang), colSpan=3, className="text-muted fst-italic"),
                    ],
                    className="suppressed-step",
                )
            )
            continue
        people, people_low, people_high = _people(s)
        interval = _interval(people_low, people_high, lang)
        if s.key == "jobs":
            interval = _("{interval} (assumption's range)", lang).format(interval=interval)
        rows.append(
            html.Tr(
                [
                    label,
                    html.Td("–" if s.share is None else _share_text(s.share, lang)),
                    html.Td(people_text(people, lang)),
                    html.Td(interval),
                ]
            )
        )
    return dbc.Table([head, html.Tbody(rows)], size="sm", striped=True, className="small", id=f"{FUNNEL_CHART}-table")


def _sorted_sensitivity(result: MobilityResult) -> list[dict]:
    return sorted(result.sensitivity, key=lambda r: r["high"] - r["low"], reverse=True)


def sensitivity_sentence(result: MobilityResult, lang: str) -> str:
    if not result.shown:
        return _("No sensitivity can be shown: too few respondents meet all the conditions.", lang)
    rows = _sorted_sensitivity(result)
    if not rows:
        return ""
    top = rows[0]
    name = assumption_name(top["assumption"], lang)
    return _(
        "The assumption that matters most is “{name}”: across its range the result goes from {low} to {high}.", lang
    ).format(
        name=name,
        low=format_number(round_people(top["low"]), lang),
        high=format_number(round_people(top["high"]), lang),
    )


def tornado_figure(result: MobilityResult, lang: str) -> go.Figure:
    """One bar per assumption from the result at its low end to its high end; the widest on top."""
    rows = [{**r, "low": round_people(r["low"]), "high": round_people(r["high"])} for r in _sorted_sensitivity(result)]
    names = [assumption_name(r["assumption"], lang) for r in rows]
    fig = go.Figure(
        layout=base_layout(
            lang, _("How much the result moves across each assumption's range", lang), height=140 + 60 * len(rows)
        )
    )
    fig.add_trace(
        go.Bar(
            y=names,
            x=[r["high"] - r["low"] for r in rows],
            base=[r["low"] for r in rows],
            orientation="h",
            marker_color=PALETTE[0],
            hoverinfo="skip",
            width=0.55,
        )
    )
    for name, r in zip(names, rows, strict=False):
        fig.add_annotation(
            x=r["low"],
            y=name,
            text=format_number(r["low"], lang),
            showarrow=False,
            xanchor="right",
            xshift=-4,
            font={"size": 12},
        )
        fig.add_annotation(
            x=r["high"],
            y=name,
            text=format_number(r["high"], lang),
            showarrow=False,
            xanchor="left",
            xshift=4,
            font={"size": 12},
        )
    final = round_people(_people(result.steps[-1])[0])
    fig.add_vline(x=final, line_dash="dash", line_color="#333")
    top = max([r["high"] for r in rows] + [final])
    fig.update_xaxes(
        range=[0, round_people(top * 1.25)], gridcolor="#e5e5e5", tickformat=",.0f", title=_("Potential movers", lang)
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(showlegend=False, margin={"l": 10, "r": 20, "t": 60, "b": 50})
    return fig


def _region_source(result: MobilityResult, shares, lang: str) -> list:
    """The regional share's source: the default, where each end of the range comes from, what is untested."""
    if shares is None:
        return []
    low, high = shares.low, shares.high
    parts: list[Component] = [html.Span(region_share_source(shares, lang))]
    if abs(result.region_share - round(shares.value, 4)) >= 0.00005:
        parts.append(
            html.Span(
                " "
                + _("Set by hand; the region's default is {share}.", lang).format(
                    share=format_share(round(shares.value, 4), lang, 2)
                )
            )
        )
    parts.append(
        html.Ul(
            [
                html.Li(
                    _("Low end {share}: {definition}.", lang).format(
                        share=format_share(round(low.share, 4), lang, 2), definition=definition_text(low, lang)
                    )
                ),
                html.Li(
                    _("High end {share}: {definition}.", lang).format(
                        share=format_share(round(high.share, 4), lang, 2), definition=definition_text(high, lang)
                    )
                ),
            ],
            className="mb-1",
        )
    )
    parts.append(
        html.Span(
            _(
                "The range covers the choice of definition only. That movers choose among the "
                "municipalities in proportion to their employed residents cannot be tested with the "
                "survey, which does not ask where people would move.",
                lang,
            )
        )
    )
    return parts


def assumptions_table(result: MobilityResult, lang: str, shares=None) -> dbc.Table:
    """Each assumption: the value used, the range tried in the sensitivity chart, and its source."""
    last_share = next((s for s in reversed(result.steps) if s.key != "region"), result.steps[-1])
    rows: list[tuple[str, str, str, Any]] = []  # (assumption, value, range, source)
    for a in result.assumptions:
        if a["name"] == "jobs_anywhere":
            value, span = (
                format_number(result.jobs_anywhere, lang),
                f"{format_number(a['low'], lang)}–{format_number(a['high'], lang)}",
            )
            source = [
                html.Span(jobs_anywhere_source(lang)),
                html.Ul([html.Li(c) for c in jobs_anywhere_caveats(lang)], className="mb-0"),
            ]
        else:
            value = format_share(a["default"], lang, 2)
            span = f"{format_share(a['low'], lang, 2)}–{format_share(a['high'], lang, 2)}"
            source = _region_source(result, shares, lang)
        rows.append((a["name"], value, span, source))
    if last_share.suppressed:
        rows.insert(1, ("survey_share", "–", "–", _("Too few respondents to show", lang)))
    elif last_share.share is not None:
        _people_now, people_low, people_high = _people(last_share)
        low, high = people_low / result.jobs_anywhere, people_high / result.jobs_anywhere
        rows.insert(
            1,
            (
                "survey_share",
                _share_text(last_share.share, lang),
                f"{_share_text(low, lang)}–{_share_text(high, lang)}",
                _(
                    "The survey: weighted share meeting every chosen condition (moving to another municipality "
                    "very or fairly relevant, and each condition chosen), n = {n}",
                    lang,
                ).format(n=format_number(last_share.n, lang)),
            ),
        )
    headings = (_("Assumption", lang), _("Value", lang), _("Range", lang), _("Source", lang))
    head = html.Thead(html.Tr([html.Th(h, scope="col") for h in headings]))
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Th(assumption_name(n, lang), scope="row", className="fw-normal"),
                    html.Td(v),
                    html.Td(s),
                    html.Td(src, className="small"),
                ]
            )
            for n, v, s, src in rows
        ]
    )
    return dbc.Table([head, body], size="sm", bordered=True, id=ASSUMPTIONS)


def report_check_text(check: ReportCheck, lang: str) -> str:
    """Tie the tool to the report: does the default national funnel give the report's "rundt 200 000"?"""
    intro = _("Check against the report: 1.2–1.4 million jobs × about 15 % gives “around 200,000” (NORCE 2025).", lang)
    if check.people is None or check.share is None or check.difference is None:
        return intro + " " + _("With this survey the default assumptions cannot be checked: too few respondents.", lang)
    values = {
        "n": people_text(check.people, lang),
        "share": format_share(round(check.share, 3), lang, 1),
        "diff": format_number(round_people(abs(check.difference)), lang),
        "jobs": format_number(JOBS_ANYWHERE.default, lang),
    }
    if check.reproduces:
        sentence = _(
            "With this survey the default assumptions ({jobs} jobs, no conditions, no region) give {n} "
            "({share}), which reproduces it.",
            lang,
        )
    elif check.difference > 0:
        sentence = _(
            "With this survey the default assumptions ({jobs} jobs, no conditions, no region) give {n} "
            "({share}): {diff} more than the report's figure, so the survey does not reproduce it.",
            lang,
        )
    else:
        sentence = _(
            "With this survey the default assumptions ({jobs} jobs, no conditions, no region) give {n} "
            "({share}): {diff} fewer than the report's figure, so the survey does not reproduce it.",
            lang,
        )
    return intro + " " + sentence.format(**values)


PAGE = Page(
    name="mobility",
    path=PATH,
    title=NAME,
    layout=layout,
    id=ID,
    state=STATE,
    render=render,
    extra_outputs=EXTRA_OUTPUTS,
    register_callbacks=register_callbacks,
)
