"""Kommune: one municipality — SSB's facts a planner starts from, and the survey side by side.

``/kommune/4622`` (or ``/kommune?kommune=4622``): population trend, the age pyramid with ages 25–60
marked, birth surplus and net migration where SSB 06913 is loaded, commuting (where residents work,
where the workers live, 2020–2022), education beside the county and Norway, and the survey's key
figures for the municipality | region | county | Norway, each suppressed where too small and never
replaced by another area's figure, with a model-based estimate beside them, labelled as such.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Output, dcc, html

from app.language import N_, format_number
from app.language import gettext as _
from app.language.small_area import caveats
from app.language.ssb import education_level_name
from app.query import municipality as facts
from app.query.metadata import survey_meta
from app.web.kit import page_state
from app.web.kit.charts import PALETTE, base_layout, figure_of, layout_with
from app.web.kit.components import key_figure_card, labelled_dropdown, needs_message, survey_label
from app.web.kit.page_state import Context, Option, PageState, Param, Spec, chosen_survey, survey_param
from app.web.kit.site import Page, link_to
from app.web.views import (
    SUPPRESSED,
    Column,
    DataTable,
    View,
    estimate_columns,
    interval_text,
    percent,
    percent_text,
    survey_source,
)
from app.web.views.block import StandingBlock, Views
from app.web.views.light_table import light_table

PATH = "/kommune"
NAME = N_("Municipality")
ID = "municipality"
SURVEY = "municipality-survey"
PLACE = "municipality-place"
CONTENT = "municipality-content"
TREND = "municipality-trend"
PYRAMID = "municipality-pyramid"
CHANGE = "municipality-change"
COMMUTING = "municipality-commuting"
EDUCATION = "municipality-education"
SURVEY_TABLE = "municipality-survey-figures"
MODEL_FIGURE = "municipality-model-figure"
MODEL_MAP = "municipality-model-map"
MODEL_KIND = "municipality-model-kind"
BASE_MODEL, EDUCATION_MODEL = "base", "education"
# Everything below the survey's table stands in the layout, filled by the main callback: its six charts are
# laid out once, so a change of municipality updates them in place (views.block.StandingBlock).
BODY = "municipality-body"
MAP_HEAD, MAP_NOTES = "municipality-map-head", "municipality-map-notes"
TREND_NOTE, PYRAMID_NOTE, CHANGE_NOTE = (
    "municipality-trend-note",
    "municipality-pyramid-note",
    "municipality-change-note",
)
COMMUTING_HEAD, COMMUTING_NOTES = "municipality-commuting-head", "municipality-commuting-notes"
EDUCATION_NOTES, LOCAL = "municipality-education-notes", "municipality-local"
SLOTS = (
    MAP_HEAD,
    MAP_NOTES,
    TREND_NOTE,
    PYRAMID_NOTE,
    CHANGE_NOTE,
    COMMUTING_HEAD,
    COMMUTING_NOTES,
    EDUCATION_NOTES,
    LOCAL,
)
BLOCKS = {view_id: StandingBlock(view_id) for view_id in (MODEL_MAP, TREND, PYRAMID, CHANGE, COMMUTING, EDUCATION)}
SHOWN = "body.hidden"
EXTRA_OUTPUTS = {
    SHOWN: Output(BODY, "hidden"),
    **{slot: Output(slot, "children") for slot in SLOTS},
    **{name: output for block in BLOCKS.values() for name, output in block.outputs().items()},
}

KEY_FIGURES = (
    ("q12", (1, 2, 3), N_("Use home office at least weekly")),
    ("q22", (1, 2), N_("Find moving to another municipality relevant")),
    ("q23", (1, 2), N_("Find living in a rural municipality attractive")),
)
LEVELS = {
    "municipality": N_("Municipality"),
    "region": N_("Region"),
    "county": N_("County"),
    "national": N_("Norway"),
    "model": N_("Model-based estimate"),
}
SSB_SOURCE = N_("Source: Statistics Norway (SSB), table {table}")
SSB_TABLE = N_("Statistics Norway (SSB), table {table}")  # a view's source: the block says "Source:" itself


def _places(context: Context) -> list[Option]:
    """The regions, then every municipality; the default region's members first."""
    found = context.once("municipalities", lambda: facts.municipalities(context.session))
    regions = context.once("regions", lambda: facts.regions(context.session))
    region = context.config.default_region
    first = [m for m in found if region and m[2] == region]
    rest = [m for m in found if m not in first]
    return [Option(slug, _region_label(name)) for slug, name in regions] + [
        Option(number, {"nb": f"{name} ({number})"}) for number, name, _ in first + rest
    ]


def _region_label(name: str):
    return lambda lang: _("{name} (region)", lang).format(name=name)


def _default_place(context: Context) -> str | None:
    options = _places(context)
    return str(options[0].value) if options else None


def _model_options(context: Context) -> list[Option]:
    """The model without education always; with it where the survey's codebook maps its education answers
    to SSB 09429 levels (``education_covariate``)."""
    options = [Option(BASE_MODEL, N_("Age group, gender and centrality class"))]
    survey = context.values.get("survey")
    if survey:
        from app.query.estimates import QueryError

        try:
            declared = (survey_meta(context.session, survey).codebook or {}).get("education_covariate")
        except QueryError:
            declared = None
        if declared:
            options.append(Option(EDUCATION_MODEL, N_("… and education (SSB 09429)")))
    return options


STATE = Spec(
    Param("kommune", PLACE, options=_places, default=_default_place, in_words=True),
    survey_param(SURVEY),
    Param("model", MODEL_KIND, options=_model_options, default=BASE_MODEL, widget="radio"),
    Param(
        "figure",
        MODEL_FIGURE,
        options=lambda _c: [Option(variable, title) for variable, _codes, title in KEY_FIGURES],
        default="q22",
        widget="radio",
    ),
)


def layout(lang: str) -> html.Div:
    return html.Div(
        [
            *page_state.frame(ID),
            html.H1(_("Municipality", lang)),
            html.P(
                _(
                    "The facts a planner starts from (Statistics Norway) and the survey side by side: the "
                    "municipality, its region, its county and Norway.",
                    lang,
                ),
                className="lead",
            ),
            dbc.Row(
                [
                    dbc.Col(labelled_dropdown(lang, PLACE, _("Municipality", lang), [], None, searchable=True), md=5),
                    dbc.Col(labelled_dropdown(lang, SURVEY, _("Survey", lang), [], None), md=7),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(
                        html.Fieldset(  # the key figure of the county map (in the layout: the state fills it)
                            [
                                html.Legend(
                                    _("Key figure on the county map", lang),
                                    className="form-label fw-semibold fs-6 mb-1",
                                ),
                                dbc.RadioItems(id=MODEL_FIGURE, options=[], value=None, inline=True),
                            ],
                            className="mb-2",
                        ),
                        lg=7,
                    ),
                    dbc.Col(
                        html.Fieldset(  # what the model-based estimates know of a municipality
                            [
                                html.Legend(
                                    _("The model-based estimates take into account", lang),
                                    className="form-label fw-semibold fs-6 mb-1",
                                ),
                                dbc.RadioItems(id=MODEL_KIND, options=[], value=None, inline=True),
                            ],
                            className="mb-2",
                        ),
                        lg=5,
                    ),
                ]
            ),
            dcc.Loading([html.Div(id=CONTENT), _body(lang)], type="dot"),
        ]
    )


def _body(lang: str) -> html.Div:
    """The page below the survey's table: its charts and the texts around them, filled by ``render``."""
    return html.Div(
        [
            html.Div(id=MAP_HEAD),
            BLOCKS[MODEL_MAP].layout(lang),
            html.Div(id=MAP_NOTES),
            html.H2(_("People", lang), className="h4 mt-4"),
            dbc.Row(
                [
                    dbc.Col([BLOCKS[TREND].layout(lang), html.Div(id=TREND_NOTE)], lg=6),
                    dbc.Col([BLOCKS[PYRAMID].layout(lang), html.Div(id=PYRAMID_NOTE)], lg=6),
                ]
            ),
            BLOCKS[CHANGE].layout(lang),
            html.Div(id=CHANGE_NOTE),
            html.H2(_("Commuting", lang), className="h4 mt-4"),
            html.Div(id=COMMUTING_HEAD),
            BLOCKS[COMMUTING].layout(lang),
            html.Div(id=COMMUTING_NOTES),
            html.H2(_("Education", lang), className="h4 mt-4"),
            BLOCKS[EDUCATION].layout(lang),
            html.Div(id=EDUCATION_NOTES),
            html.H2(_("Coworking spaces and measures", lang), className="h4 mt-4"),
            html.Div(id=LOCAL),
        ],
        id=BODY,
        hidden=True,
    )


def render(state: PageState, session) -> dict:
    lang = state.lang
    where = facts.place(session, state["kommune"])
    views = Views(PATH, state)
    missing = survey_meta(session, state["survey"]).missing([v for v, _codes, _t in KEY_FIGURES])
    if missing:  # a survey with other questions: the SSB side stands alone
        survey_side = [needs_message(missing, lang, link_to(state, "survey", survey=state["survey"]))]
        model_map: dict = {MAP_HEAD: None, MAP_NOTES: None, **BLOCKS[MODEL_MAP].hidden()}
    else:
        items: list[tuple[str, tuple[int, ...]]] = [(v, codes) for v, codes, _t in KEY_FIGURES]
        figures = facts.survey_figures(
            session, state["survey"], items, where, page_state.min_n(), education=_with_education(state)
        )
        better = facts.better_survey(session, state["survey"], items, where, page_state.min_n())
        survey_side = [
            *([_better_survey(state, where, better)] if better else []),
            _survey_section(state, where, figures, views),
        ]
        model_map = _model_map(session, state, where, views)
    content = [
        html.H2(where.name, className="h2 municipality-name", id="municipality-name"),
        _cards(where, lang, start_page(state, where)),
        html.H2(_("The survey for {name} and around it", lang).format(name=where.name), className="h4 mt-4"),
        *survey_label(state),
        *survey_side,
    ]
    return {
        "content": content,
        **model_map,
        **_trend(session, where, views),
        **_pyramid(session, where, views),
        **_change(session, where, views),
        **_commuting(session, where, views),
        **_education(session, where, views),
        LOCAL: _local(session, state, where),
        SHOWN: False,
        "views": views.views,
    }


def _fill(views: Views, view: View) -> dict:
    """The view in its standing block, its table (the chart's text alternative) drawn as one component: the
    page's tables hold some 1 000 cells, and as Dash components they were most of the browser's work on every
    change."""
    return views.fill(BLOCKS[view.id], view, table=light_table(view.table, view.title, views.state.lang))


def _source(table: str, lang: str) -> str:
    return _(SSB_SOURCE, lang).format(table=table)


def _view_source(table: str, lang: str) -> str:
    return _(SSB_TABLE, lang).format(table=table)


def _caption(text: str) -> html.P:
    return html.P(text, className="small text-muted ssb-source")


def start_page(state: PageState, where: facts.Place) -> tuple[str, str] | None:
    """The link to the start page of the region the place is (in), for the card that names the region."""
    if not where.region_slug:
        return None
    return link_to(state, "region", region=where.region_slug), _("The region's start page", state.lang)


def _cards(where: facts.Place, lang: str, region_link: tuple[str, str] | None = None) -> dbc.Row:
    cards = [
        key_figure_card(
            _("Residents 1 January {year}", lang).format(year=where.population_year),
            format_number(where.population, lang),
            _source("07459", lang),
            None,
            "municipality-card-population",
        ),
        key_figure_card(
            _("County", lang),
            where.county_name,
            _("Region", lang) + ": " + (where.region_name or "–"),
            region_link,
            "municipality-card-county",
        ),
        key_figure_card(
            _("Centrality (SSB)", lang),
            "–" if where.centrality_class is None else str(where.centrality_class),
            _("1 = most central, 6 = least central", lang),
            None,
            "municipality-card-centrality",
        )
        if not where.is_region
        else key_figure_card(
            _("Municipalities", lang),
            format_number(len(where.numbers), lang),
            ", ".join(where.member_names),
            None,
            "municipality-card-members",
        ),
    ]
    return dbc.Row([dbc.Col(c, md=4) for c in cards], className="g-3")


def _cell(figure: facts.AreaFigure, lang: str) -> str:
    if figure.estimate is None:
        if figure.level == "model":
            return _("not available", lang)
        return (
            _("no survey covers this area", lang) if figure.reason == "not_covered" else _("too few respondents", lang)
        )
    # rounded once, from the exact value, as the data files and slides show it (views.percent)
    share = percent_text(figure.estimate, lang)
    interval = interval_text(figure.ci_low, figure.ci_high, lang)
    if figure.level == "model":
        return f"{share} ({interval})"
    return f"{share} ({interval}), n = {format_number(figure.n, lang)}"


def _survey_section(state: PageState, where: facts.Place, figures: dict, views: Views) -> html.Div:
    lang = state.lang
    levels = [f.level for f in next(iter(figures.values()))]
    names = {
        "municipality": where.name,
        "region": where.region_name or "",
        "county": where.county_name,
        "national": _("Norway", lang),
        "model": _("{name}, model-based estimate", lang).format(name=where.name),
    }
    titles = _survey_titles(state)
    sources = {f.level: f.survey for f in next(iter(figures.values()))}  # one survey per column
    columns = [Column("figure", _("Key figure", lang))]
    for level in levels:
        columns += [
            Column(f"{level}", f"{names[level]}: " + _("share (%)", lang), "percent"),
            Column(f"{level}_low", f"{names[level]}: " + _("95 % interval, lower", lang), "percent"),
            Column(f"{level}_high", f"{names[level]}: " + _("95 % interval, upper", lang), "percent"),
            *([Column(f"{level}_n", f"{names[level]}: n", "integer")] if level != "model" else []),
            Column(f"{level}_survey", f"{names[level]}: " + _("survey", lang)),
        ]
    rows = []
    for variable, _codes, title in KEY_FIGURES:
        row: dict = {"figure": _(title, lang)}
        for f in figures[variable]:
            row[f.level] = percent(f.estimate)  # the one rounding, from the exact value
            row[f"{f.level}_low"] = percent(f.ci_low)
            row[f"{f.level}_high"] = percent(f.ci_high)
            if f.level != "model":
                row[f"{f.level}_n"] = f.n
            row[f"{f.level}_survey"] = (
                titles.get(f.survey, f.survey) if f.survey else _("no survey covers this area", lang)
            )
            if f.reason == "too_few":  # hidden by the disclosure rules, not missing
                row.setdefault(SUPPRESSED, set()).update({f.level, f"{f.level}_low", f"{f.level}_high", f"{f.level}_n"})
        rows.append(row)
    infos = {s.slug: s for s in state.lookups.get("surveys", [])}
    used = [survey_source(infos.get(slug), lang) for slug in dict.fromkeys(s for s in sources.values() if s)]
    source = "; ".join(dict.fromkeys(text for text, _label in used if text))  # every column's survey
    synthetic = " ".join(dict.fromkeys(label for _text, label in used if label))
    view = View(
        SURVEY_TABLE,
        _("Key figures by area", lang),
        DataTable(columns, rows),
        source=source,
        method=" ".join([_(model_note(state), lang), *caveats(lang, _with_education(state))]),
        synthetic=synthetic,
    )
    views.views.append(view)
    header = html.Thead(
        html.Tr(
            [html.Th(_("Key figure", lang), scope="col")]
            + [
                html.Th(
                    [
                        names[level],
                        html.Br(),
                        html.Span(
                            titles.get(sources[level] or "", sources[level] or "")
                            if sources[level]
                            else _("no survey covers this area", lang),
                            className="small fw-normal survey-of-column",
                        ),
                    ],
                    scope="col",
                    className="model-column" if level == "model" else None,
                )
                for level in levels
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [html.Th(_(title, lang), scope="row", className="fw-normal")]
                + [
                    html.Td(_cell(f, lang), className="model-column fst-italic" if f.level == "model" else None)
                    for f in figures[variable]
                ]
            )
            for variable, _codes, title in KEY_FIGURES
        ]
    )
    from app.web.views.block import toolbar

    return html.Div(
        [
            toolbar(PATH, view, state),
            html.Div(
                dbc.Table([header, body], bordered=True, size="sm", id=SURVEY_TABLE, className="caption-top"),
                className="table-responsive",
            ),
            html.P(
                [html.Strong(_("Model-based estimate", lang) + ": "), _(model_note(state), lang)],
                className="small model-note mb-1",
            ),
            html.Ul([html.Li(c) for c in caveats(lang, _with_education(state))], className="small model-caveats"),
            html.P(
                _(
                    "A direct estimate is shown only where the area has enough respondents; it is never replaced "
                    "by another area's figure.",
                    lang,
                ),
                className="small text-muted",
            ),
            html.P(
                _(
                    "Each column comes from a survey whose respondents cover its area, named under the area: a survey "
                    "of one region's residents says nothing about its county or the country. Where no survey covers "
                    "an area, its column stays empty.",
                    lang,
                ),
                className="small text-muted",
                id="municipality-column-surveys",
            ),
        ]
    )


def _shown(proportion: float) -> float:
    """A proportion as the table shows it (``views.percent``, the one rounding), as a proportion again."""
    return (percent(proportion) or 0.0) / 100


def _survey_titles(state: PageState) -> dict[str, str]:
    """Each survey's name as the survey menu shows it."""
    from app.web.kit.page_state import survey_option_label

    return {s.slug: survey_option_label(s)(state.lang) for s in state.lookups.get("surveys", [])}


def _better_survey(state: PageState, where: facts.Place, better: tuple[str, int]) -> dbc.Alert:
    """The chosen survey has too few respondents in the area (or does not cover it); another has enough."""
    lang = state.lang
    slug, n = better
    titles = _survey_titles(state)
    return dbc.Alert(
        [
            _(
                "The chosen survey has too few respondents in {name} to show its figures; {survey} has {n}.", lang
            ).format(name=where.name, survey=titles.get(slug, slug), n=format_number(n, lang)),
            " ",
            dcc.Link(
                _("Show {name} with {survey}", lang).format(name=where.name, survey=titles.get(slug, slug)),
                href=state.link(PATH, kommune=state["kommune"], survey=slug, figure=state["figure"]),
                className="alert-link",
            ),
        ],
        color="info",
        id="municipality-better-survey",
    )


def _model_map(session, state: PageState, where: facts.Place, views: Views) -> dict:
    """The county's municipalities coloured by the chosen key figure's model-based estimate."""
    from app.query.boundaries import boundaries
    from app.query.estimates import QueryError
    from app.query.small_area import county_estimates

    lang = state.lang
    variable = state["figure"]
    codes, title_id = next((c, t) for v, c, t in KEY_FIGURES if v == variable)
    heading = html.H3(
        _("Model-based estimates in {county}", lang).format(county=where.county_name), className="h5 mt-4"
    )
    try:
        found = county_estimates(
            session, state["survey"], variable, where.county_number, codes, education=_with_education(state)
        )
    except QueryError as error:
        return {MAP_HEAD: heading, MAP_NOTES: dbc.Alert(str(error), color="info"), **BLOCKS[MODEL_MAP].hidden()}
    estimates = {  # the shares as the table shows them (views.percent), so the map's hover says the same
        r.kommunenummer: (_shown(r.estimate), _shown(r.ci_low), _shown(r.ci_high))
        for r in found
        if not isinstance(r, tuple)
    }
    names = {r.kommunenummer: r.municipality for r in found if not isinstance(r, tuple)}
    names.update({r[0]: r[1] for r in found if isinstance(r, tuple)})
    # the class beside each estimate: municipalities of one class and a similar age structure come out alike
    classes = {r.kommunenummer: r.centrality for r in found if not isinstance(r, tuple)}
    title = _("{figure}: model-based estimate by municipality", lang).format(figure=_(title_id, lang))
    rows = [
        {
            "municipality": names[n],
            "centrality": classes[n],
            "value": percent(e[0]),
            "ci_low": percent(e[1]),
            "ci_high": percent(e[2]),
            "width": round(100 * (e[2] - e[1]), 1),
        }
        for n, e in sorted(estimates.items(), key=lambda item: names[item[0]])
    ]
    table = DataTable(
        [
            Column("municipality", _("Municipality", lang)),
            Column("centrality", _("Centrality (SSB)", lang), "integer"),
            *estimate_columns(lang),
            Column("width", _("Interval width (percentage points)", lang), "number"),
        ],
        rows,
    )
    source, synthetic = survey_source(chosen_survey(state), lang)
    from app.web.pages.municipality.model_map import model_map

    view = View(
        MODEL_MAP,
        title,
        table,
        model_map(boundaries(names), estimates, set(where.numbers), lang),
        source="; ".join([source, *(_view_source(t, lang) for t in model_tables(state))]),
        method=" ".join(
            [
                _("Model-based estimate", lang) + ": " + _(model_note(state), lang),
                *caveats(lang, _with_education(state)),
            ]
        ),
        synthetic=synthetic,
    )
    return {
        MAP_HEAD: heading,
        **_fill(views, view),
        MAP_NOTES: [
            _caption(
                _(
                    "Model-based estimates, not measurements: see the note above. Municipal boundaries © Kartverket.",
                    lang,
                )
            ),
            html.Ul([html.Li(c) for c in caveats(lang, _with_education(state))], className="small model-caveats"),
        ],
    }


def _with_education(state: PageState) -> bool:
    return state["model"] == EDUCATION_MODEL


def model_note(state: PageState) -> str:
    """The message id saying what the chosen model is."""
    return MODEL_NOTE_EDUCATION if _with_education(state) else MODEL_NOTE


def model_tables(state: PageState) -> tuple[str, ...]:
    """The SSB tables the chosen model weights to."""
    return ("07459", "09429") if _with_education(state) else ("07459",)


MODEL_NOTE_EDUCATION = N_(
    "not a measurement in the municipality. A model of the whole survey (age group, gender, education and "
    "centrality class) predicts each age group, gender and education level at the municipality's centrality "
    "class, weighted by its residents aged 25–60 (SSB 07459) raked to its education level (SSB 09429). It "
    "assumes people alike in these respects answer alike wherever they live."
)
MODEL_NOTE = N_(
    "not a measurement in the municipality. A model of the whole survey (age group, gender and centrality "
    "class) predicts each age group and gender at the municipality's centrality class, weighted by its "
    "residents aged 25–60 (SSB 07459). It assumes people alike in these respects answer alike wherever they live."
)


def _trend(session, where: facts.Place, views: Views) -> dict:
    lang = views.state.lang
    points = facts.population_trend(session, where.numbers)
    title = _("Residents 1 January", lang)
    trace = dict(
        type="scatter",
        x=[p[0] for p in points],
        y=[p[1] for p in points],
        mode="lines+markers",
        marker={"color": [PALETTE[0] if p[2] else "#999" for p in points], "size": 7},
        line={"color": PALETTE[0]},
        name=title,
        hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
    )
    fig = figure_of(
        [trace],
        layout_with(
            base_layout(lang, title, height=320),
            yaxis={"tickformat": ",.0f", "gridcolor": "#e5e5e5", "rangemode": "tozero"},
            # half a year beyond the first and last: no year tick in the corner, where it met the y axis's 0
            xaxis={"range": [points[0][0] - 0.5, points[-1][0] + 0.5]} if points else {},
            showlegend=False,
        ),
    )
    table = DataTable(
        [
            Column("year", _("Year", lang)),
            Column("population", _("Residents", lang), "integer"),
            Column("note", _("Note", lang)),
        ],
        [
            {"year": str(y), "population": n, "note": "" if exact else _("not an SSB figure (split by weights)", lang)}
            for y, n, exact in points
        ],
    )
    view = View(TREND, title, table, fig, source=_view_source("07459", lang))
    return {**_fill(views, view), TREND_NOTE: _caption(_source("07459", lang) + ". " + _("2024 borders.", lang))}


def _pyramid(session, where: facts.Place, views: Views) -> dict:
    lang = views.state.lang
    year, ages = facts.age_pyramid(session, where.numbers)
    title = _("Age pyramid 1 January {year}", lang).format(year=year)
    marked = [25 <= a <= 60 for a, _m, _w in ages]
    top = max([max(m, w) for _a, m, w in ages] or [1])
    step = _nice_step(top)
    ticks = [k * step for k in range(-int(top // step), int(top // step) + 1)]
    fig = figure_of(
        [
            dict(
                type="bar",
                y=[a for a, *_rest in ages],
                x=[sign * row[index] for row in ages],
                orientation="h",
                name=sex,
                marker={"color": [colour if m else "#c8c8c8" for m in marked]},
                customdata=[row[index] for row in ages],
                hovertemplate="%{y}: %{customdata}<extra>" + sex + "</extra>",
            )
            for sex, index, sign, colour in (
                (_("Men", lang), 1, -1, PALETTE[0]),
                (_("Women", lang), 2, 1, PALETTE[1]),
            )
        ],
        layout_with(
            base_layout(lang, title, height=420),
            barmode="overlay",
            bargap=0.05,
            xaxis={
                "tickvals": ticks,
                "ticktext": [format_number(abs(t), lang) for t in ticks],  # men left of zero, counted as people
                "gridcolor": "#e5e5e5",
                "title": {"text": _("Residents (men left, women right)", lang)},
            },
            yaxis={"title": {"text": _("Age", lang)}},
            showlegend=False,  # the axis title says which side is whose; a legend showed the grey of age 0
        ),
    )
    table = DataTable(
        [
            Column("age", _("Age", lang)),
            Column("men", _("Men", lang), "integer"),
            Column("women", _("Women", lang), "integer"),
        ],
        [{"age": str(a) if a < 105 else "105+", "men": m, "women": w} for a, m, w in ages],
    )
    view = View(PYRAMID, title, table, fig, source=_view_source("07459", lang))
    note = _("Ages 25–60, the survey's population, in colour.", lang)
    return {**_fill(views, view), PYRAMID_NOTE: _caption(_source("07459", lang) + ". " + note)}


def _local(session, state: PageState, where: facts.Place) -> dbc.Row:
    """The area's coworking spaces and how far its measure activities have come, linked to their pages."""
    from app.web.kit.shared_texts import STATUS_NAMES, STATUS_TEXT, seats_text

    lang = state.lang
    spaces = facts.coworking_spaces(session, where.numbers)
    items = [
        html.Li(
            f"{name} ({town}): "
            + (_("seats unknown", lang) if seats is None else seats_text(seats, lang) + " " + _("seats", lang))
            + ", "
            + _(STATUS_NAMES.get(status, status), lang).lower()
            + (" – " + _("example data, to be replaced", lang) if example else "")
        )
        for name, town, seats, status, example in spaces
    ]
    status = facts.measure_status(session, where)
    region = where.region_slug or ""
    return dbc.Row(
        [
            dbc.Col(
                [
                    html.Ul(items, id="municipality-spaces")
                    if items
                    else html.P(_("No coworking space is registered.", lang)),
                    dcc.Link(_("See the map", lang), href=link_to(state, "coworking", region=region or None)),
                ],
                md=6,
            ),
            dbc.Col(
                [
                    html.Ul(
                        [
                            html.Li(f"{_(STATUS_TEXT[key], lang)}: {format_number(n, lang)}")
                            for key, n in status.items()
                            if key in STATUS_TEXT and n
                        ],
                        id="municipality-measures",
                    ),
                    dcc.Link(_("See the measures", lang), href=link_to(state, "measures", region=region or None)),
                ],
                md=6,
            ),
        ]
    )


def _nice_step(top: float) -> int:
    """A round tick step giving two to five ticks on each side of zero."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if top / step <= 5:
            return step
    return 20000


def _change(session, where: facts.Place, views: Views) -> dict:
    lang = views.state.lang
    years = facts.population_change(session, where.numbers)
    if not years:
        return {CHANGE_NOTE: None, **BLOCKS[CHANGE].hidden()}
    title = _("Birth surplus and net migration", lang)
    fig = figure_of(
        [
            dict(type="bar", x=[y for y, *_r in years], y=[b for _y, b, _n in years], name=_("Birth surplus", lang)),
            dict(type="bar", x=[y for y, *_r in years], y=[n for _y, _b, n in years], name=_("Net migration", lang)),
        ],
        layout_with(
            base_layout(lang, title, height=320),
            barmode="group",
            yaxis={"gridcolor": "#e5e5e5", "zerolinecolor": "#333"},
        ),
    )
    table = DataTable(
        [
            Column("year", _("Year", lang)),
            Column("birth_surplus", _("Birth surplus", lang), "integer"),
            Column("net_migration", _("Net migration", lang), "integer"),
        ],
        [{"year": str(y), "birth_surplus": b, "net_migration": n} for y, b, n in years],
    )
    view = View(CHANGE, title, table, fig, source=_view_source("06913", lang))
    return {**_fill(views, view), CHANGE_NOTE: _caption(_source("06913", lang))}


def _commuting(session, where: facts.Place, views: Views) -> dict:
    lang = views.state.lang
    flows = facts.commuting(session, where.numbers)
    if flows is None:
        return {
            COMMUTING_HEAD: html.P(_("No commuting figures are loaded.", lang)),
            COMMUTING_NOTES: None,
            **BLOCKS[COMMUTING].hidden(),
        }
    title = _("Commuting {year}: the largest flows out of and into {name}", lang).format(
        year=flows.year, name=where.name
    )
    fig = figure_of(
        [
            dict(
                type="bar",
                y=[n for n, _v in flows.out_flows],
                x=[v for _n, v in flows.out_flows],
                orientation="h",
                name=_("Residents who work there", lang),
                marker={"color": PALETTE[0]},
            ),
            dict(
                type="bar",
                y=[n for n, _v in flows.in_flows],
                x=[v for _n, v in flows.in_flows],
                orientation="h",
                name=_("Workers who live there", lang),
                marker={"color": PALETTE[1]},
            ),
        ],
        layout_with(
            base_layout(lang, title, height=460),
            barmode="group",
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"gridcolor": "#e5e5e5", "tickformat": ",.0f"},
        ),
    )
    rows = [{"direction": _("out", lang), "municipality": n, "employed": v} for n, v in flows.out_flows] + [
        {"direction": _("in", lang), "municipality": n, "employed": v} for n, v in flows.in_flows
    ]
    table = DataTable(
        [
            Column("direction", _("Direction", lang)),
            Column("municipality", _("Municipality", lang)),
            Column("employed", _("Employed persons", lang), "integer"),
        ],
        rows,
    )
    balance = flows.jobs - flows.employed_residents
    sentence = _(
        "{year}: {residents} employed residents in the commuting table, {staying} of them work in {name}; {jobs} "
        "people work in {name}. In-commuting minus out-commuting: {balance}.",
        lang,
    ).format(
        year=flows.year,
        residents=format_number(flows.employed_residents, lang),
        staying=format_number(flows.staying, lang),
        jobs=format_number(flows.jobs, lang),
        name=where.name,
        balance=("+" if balance > 0 else "") + format_number(balance, lang),
    )
    employed = facts.employed_residents(session, where.numbers, flows.year)
    if employed is not None:  # the other count of the same people, named by its table (issue 20 §4)
        sentence += " " + _(
            "Statistics Norway's employment table 11618 counts {employed} employed residents aged 15–74 in Q4 "
            "{year}; the commuting table 03321 counts {residents}, as the two tables are compiled differently.",
            lang,
        ).format(
            employed=format_number(employed, lang),
            year=flows.year,
            residents=format_number(flows.employed_residents, lang),
        )
    view = View(COMMUTING, title, table, fig, source=_view_source("03321", lang), sentence=sentence)
    years = dbc.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(_("Year", lang), scope="col"),
                        html.Th(_("Employed residents (commuting table 03321)", lang), scope="col"),
                        html.Th(_("Jobs in the municipality", lang), scope="col"),
                        html.Th(_("Live and work here", lang), scope="col"),
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr([html.Td(str(y))] + [html.Td(format_number(v, lang)) for v in (r, j, s)])
                    for y, r, j, s in flows.by_year
                ]
            ),
        ],
        size="sm",
        className="commuting-years",
        id="municipality-commuting-years",
    )
    return {
        COMMUTING_HEAD: html.P(sentence, className="commuting-sentence"),
        **_fill(views, view),
        COMMUTING_NOTES: [
            _caption(_source("03321", lang) + ". " + _("4th quarter; employed persons aged 15–74.", lang)),
            html.H3(_("2020–2022", lang), className="h6"),
            years,
        ],
    }


def _education(session, where: facts.Place, views: Views) -> dict:
    lang = views.state.lang
    levels = facts.education(session, where.numbers, where.county_number)
    if not levels:
        return {EDUCATION_NOTES: html.P(_("No education figures are loaded.", lang)), **BLOCKS[EDUCATION].hidden()}
    levels = [{**lv, "label": education_level_name(lv["level"], lv["label"], lang)} for lv in levels]  # SSB's names
    year = levels[0]["year"]
    title = _("Highest education, residents 16 and over, {year}", lang).format(year=year)
    fig = figure_of(
        [
            dict(
                type="bar",
                x=[lv["label"] for lv in levels],
                y=[lv[key] for lv in levels],
                name=name,
                marker={"color": colour},
            )
            for key, name, colour in (
                ("municipality", where.name, PALETTE[0]),
                ("county", where.county_name, PALETTE[1]),
                ("norway", _("Norway", lang), PALETTE[2]),
            )
        ],
        layout_with(
            base_layout(lang, title, height=380), barmode="group", yaxis={"ticksuffix": " %", "gridcolor": "#e5e5e5"}
        ),
    )
    table = DataTable(
        [
            Column("label", _("Education level", lang)),
            Column("municipality", where.name + " (%)", "percent"),
            Column("county", where.county_name + " (%)", "percent"),
            Column("norway", _("Norway", lang) + " (%)", "percent"),
        ],
        levels,
    )
    view = View(EDUCATION, title, table, fig, source=_view_source("09429", lang))
    note = _(
        "The county's and Norway's shares are the municipalities' weighted by their residents aged 16 and over "
        "(SSB 07459), not SSB's own figures.",
        lang,
    )
    return {**_fill(views, view), EDUCATION_NOTES: _caption(_source("09429", lang) + ". " + note)}


PAGE = Page(
    name="municipality",
    path=PATH,
    title=NAME,
    layout=layout,
    id=ID,
    state=STATE,
    render=render,
    extra_outputs=EXTRA_OUTPUTS,
    on_failure={SHOWN: True},
    path_params=("kommune",),
)
