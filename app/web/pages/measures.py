"""Tiltak: the five measure areas with rationale, the survey figures behind them, their goals and success
criteria with each place's standing against them, and each activity's progress per municipality, plus the
eight opportunities for municipalities.

A compact summary per area comes first (activities done per place, the criteria set); the full status grid
of each area is folded away below it. Progress and criteria are read-only here; editors record them on
"Record measure progress" (/rediger/tiltak) and "Success criteria" (/rediger/suksesskriterier). An activity
without a record is shown as "not started", so the grid is complete even before anyone reports.
"""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from app.language import N_, format_number, format_share, localized, pick, quoted
from app.language import gettext as _
from app.query.measures import (
    MET,
    NOT_STARTED,
    ON_THE_WAY,
    OVERDUE,
    STATUSES,
    Area,
    Criterion,
    Evidence,
    ProgressGrid,
    Standing,
    area_done,
    catalogue,
    criteria,
    evidence_for,
    opportunities,
    progress_grid,
    standing,
)
from app.web.kit import page_state
from app.web.kit.components import aria, labelled_dropdown, survey_label
from app.web.kit.page_state import Option, PageState, Param, Spec, region_param, survey_param
from app.web.kit.shared_texts import STATUS_TEXT
from app.web.kit.site import Page, link_to
from app.web.views import Column, DataTable, View
from app.web.views.block import toolbar

PATH = "/tiltak"
NAME = N_("Measures")

ID = "measures"
SURVEY = "measures-survey"
REGION = "measures-region"
STATUS = "measures-status"
CONTENT = "measures-content"
SUMMARY = "measures-summary"

ALL = "all"

# Text, not colour alone, carries the status; colours only help scanning (all pass AA contrast).
STATUS_STYLE = {
    "not_started": ("light", "dark"),
    "planned": ("primary", None),
    "in_progress": ("warning", "dark"),
    "done": ("success", None),
    "paused": ("dark", None),
}


STANDING_TEXT = {
    MET: N_("Met"),
    ON_THE_WAY: N_("On the way"),
    OVERDUE: N_("Overdue"),
}
STANDING_STYLE = {MET: ("success", None), ON_THE_WAY: ("light", "dark"), OVERDUE: ("danger", None)}


STATE = Spec(
    survey_param(SURVEY),
    region_param(REGION, national=None),  # progress is recorded per region and municipality
    Param(
        "status",
        STATUS,
        options=lambda _context: [Option(ALL, N_("All statuses"))] + [Option(s, STATUS_TEXT[s]) for s in STATUSES],
        default=ALL,
        in_words=True,
    ),
)


def layout(lang: str) -> html.Div:
    return html.Div(
        [
            *page_state.frame(ID),
            html.H1(_("Measures", lang)),
            html.P(
                _(
                    "The region's own measures catalogue, which starts as the five measure areas proposed in the "
                    "NORCE report, the survey figures behind each of them, and how far each municipality has come "
                    "with the activities.",
                    lang,
                ),
                className="lead",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        labelled_dropdown(lang, SURVEY, _("Survey (for the figures)", lang), [], None),
                        md=5,
                    ),
                    dbc.Col(
                        labelled_dropdown(lang, REGION, _("Region", lang), [], None),
                        md=4,
                    ),
                    dbc.Col(
                        labelled_dropdown(lang, STATUS, _("Show activities with status", lang), [], None),
                        md=3,
                    ),
                ]
            ),
            dcc.Loading(html.Div(id=CONTENT), type="dot"),
        ]
    )


def render(state: PageState, session) -> dict:
    """Everything below the selectors."""
    lang, survey, region, status = state.lang, state["survey"], state["region"], state["status"]
    areas = catalogue(session, region)  # the region's own catalogue; the template while there are no regions
    grid = progress_grid(session, region) if region else ProgressGrid([])
    variables = [v for a in areas for v in a.evidence]
    figures = (
        {v: localized(e, lang) for v, e in evidence_for(session, survey, variables, min_n=page_state.min_n()).items()}
        if survey
        else {v: Evidence(v, "unavailable") for v in variables}
    )
    chances = opportunities(session, region)
    goals = criteria(session, region)
    view = progress_view(areas, grid, status, lang)
    goals_view = criteria_view(areas, goals, grid, lang, dt.date.today())
    return {
        "views": [view, goals_view] if goals_view.table.rows else [view],  # no empty table in the data files
        "content": [
            *survey_label(state),
            _contents(areas, lang),
            _summary(areas, goals, grid, lang),
            toolbar(PATH, goals_view, state) if goals and grid.places else None,
            _progress_note(grid, lang),
            toolbar(PATH, view, state) if grid.places else None,
            *[_area_card(area, figures, grid, state, status, goals) for area in areas],
            _opportunities(chances, lang),
        ],
    }


def progress_view(areas: list[Area], grid: ProgressGrid, status: str, lang: str) -> View:
    """The progress tables of all areas as one table: a row per activity and place."""
    columns = [
        Column("area", _("Measure area", lang)),
        Column("activity", _("Activity", lang)),
        Column("place", _("Municipality", lang)),
        Column("status", _("Status", lang)),
        Column("owner", _("Owner", lang)),
        Column("due", _("Due", lang)),
        Column("note", _("Note", lang)),
    ]
    rows = [
        {
            "area": pick(area.title, lang),
            "activity": pick(activity.title, lang),
            "place": _("{name} (whole region)", lang).format(name=place.name) if place.is_region else place.name,
            "status": _(STATUS_TEXT[cell.status], lang),
            "owner": cell.owner or "",
            "due": cell.due_date.isoformat() if cell.due_date else "",
            "note": " ".join(filter(None, [cell.note, "(" + _("example", lang) + ")" if cell.is_example else ""])),
        }
        for area in areas
        for activity in area.activities
        if status == ALL or status in grid.statuses(activity.id)
        for place in grid.places
        if (cell := grid.get(activity.id, place.key))
    ]
    return View(
        "measures-progress",
        _("Status of each activity by municipality", lang),
        DataTable(columns, rows),
        source=_("Measures catalogue: NORCE (2025), chapter 4; progress as recorded by the region", lang),
    )


def criteria_view(areas: list[Area], goals: list[Criterion], grid: ProgressGrid, lang: str, today: dt.date) -> View:
    """Each success criterion's standing in each place, one row per criterion and place."""
    columns = [
        Column("area", _("Measure area", lang)),
        Column("measure", _("Measure", lang)),
        Column("criterion", _("Criterion", lang)),
        Column("target", _("Target", lang)),
        Column("due", _("Due", lang)),
        Column("place", _("Municipality", lang)),
        Column("done", _("Activities done", lang), "integer"),
        Column("total", _("Activities", lang), "integer"),
        Column("measured", _("Measured value", lang), "number"),
        Column("measured_on", _("Measured on", lang)),
        Column("standing", _("Standing", lang)),
        Column("example", _("Example", lang)),
    ]
    by_code = {a.code: a for a in areas}
    rows = []
    for criterion in goals:
        area = by_code[criterion.area_code]
        activity = next((a for a in area.activities if a.id == criterion.activity_id), None)
        for place in grid.places:
            result = standing(criterion, area, grid, place.key, today)
            rows.append(
                {
                    "area": pick(area.title, lang),
                    "measure": pick(activity.title, lang) if activity else _("The whole area", lang),
                    "criterion": criterion.description,
                    "target": _target_text(criterion, lang),
                    "due": criterion.target_date.isoformat(),
                    "place": _place_name(place, lang),
                    "done": result.done,
                    "total": result.total,
                    "measured": result.measured.value if result.measured else None,
                    "measured_on": result.measured.measured_on.isoformat() if result.measured else "",
                    "standing": _(STANDING_TEXT[result.state], lang),
                    "example": _("Yes", lang) if criterion.is_example else _("No", lang),
                }
            )
    return View(
        "measures-criteria",
        _("Success criteria and each place's standing", lang),
        DataTable(columns, rows),
        source=_(
            "Success criteria as set by the region's editors; standing from the values they measure, else from the "
            "progress they record",
            lang,
        ),
    )


def _contents(areas: list[Area], lang: str) -> html.Nav:
    """Links to each area: the page is long, and this lets keyboard and screen-reader users jump."""
    links = [html.Li(html.A(f"{a.number}. {pick(a.title, lang)}", href=f"#measures-area-{a.code}")) for a in areas]
    links.append(html.Li(html.A(_("Opportunities for municipalities", lang), href="#measures-opportunities-section")))
    # one wrapping line, so the summary table shows on the first screen
    return html.Nav(
        html.Ul(links, className="list-inline-links"), className="small mb-3", **aria(label=_("On this page", lang))
    )


def _progress_note(grid: ProgressGrid, lang: str) -> html.P:
    if grid.recorded == 0:
        text = _("No progress has been recorded for these activities yet.", lang)
    else:
        text = _("Activities with no progress recorded are shown as not started.", lang)
    return html.P(text, className="alert alert-info measures-progress-note", role="note")


def _place_name(place, lang: str) -> str:
    return _("{name} (whole region)", lang).format(name=place.name) if place.is_region else place.name


def _summary(areas: list[Area], goals: list[Criterion], grid: ProgressGrid, lang: str) -> html.Section:
    """One row per area: activities done in each place, and the goals set for the area and its activities."""
    head = [html.Th(_("Measure area", lang), scope="col")]
    head += [html.Th(_place_name(p, lang), scope="col") for p in grid.places]
    head.append(html.Th(_("Success criteria", lang), scope="col"))
    rows = []
    for area in areas:
        mine = [c for c in goals if c.area_code == area.code]
        cells: list[Component] = [
            html.Th(html.A(f"{area.number}. {pick(area.title, lang)}", href=f"#measures-area-{area.code}"), scope="row")
        ]
        cells += [
            html.Td(
                _("{done} of {total} done", lang).format(done=area_done(area, grid, p.key), total=len(area.activities))
            )
            for p in grid.places
        ]
        if mine:
            soonest = min(c.target_date for c in mine)
            text = _("{count} set, the first due {date}", lang).format(count=len(mine), date=f"{soonest:%d.%m.%Y}")
            if all(c.is_example for c in mine):
                text += " (" + _("examples", lang) + ")"
        else:
            text = _("None set yet", lang)
        cells.append(html.Td(text))
        rows.append(html.Tr(cells, id=f"measures-summary-{area.code}"))
    caption = html.Caption(
        _("Activities done per place, and the success criteria set, by area", lang), className="small"
    )
    return html.Section(
        [
            html.H2(_("Summary by area", lang), className="h4"),
            html.Div(
                dbc.Table(
                    [caption, html.Thead(html.Tr(head)), html.Tbody(rows)],
                    bordered=True,
                    size="sm",
                    className="caption-top align-middle mb-0",
                ),
                className="table-responsive",
            ),
        ],
        id=SUMMARY,
        className="mb-4",
    )


def _number(value: float, unit: str | None, lang: str) -> str:
    return " ".join(filter(None, [format_number(value, lang, 0 if float(value).is_integer() else 2), unit]))


def _target_text(criterion: Criterion, lang: str) -> str:
    parts = []
    if criterion.target_value is not None:
        number = _number(criterion.target_value, criterion.target_unit, lang)
        parts.append(
            (_("at most {target}", lang) if criterion.at_most else _("at least {target}", lang)).format(target=number)
        )
    if criterion.target_text:
        parts.append(criterion.target_text)
    return " – ".join(parts)


def _standing_detail(criterion: Criterion, result: Standing, lang: str) -> html.Div:
    """What the standing rests on: the value measured (and when), else the activities done."""
    if result.measured is None:
        text = _("{done} of {total} activities done", lang).format(done=result.done, total=result.total)
        return html.Div(text, className="small")
    measured = result.measured
    text = _("Measured {value} on {date}", lang).format(
        value=_number(measured.value, criterion.target_unit, lang), date=f"{measured.measured_on:%d.%m.%Y}"
    )
    if measured.is_example:
        text += " (" + _("example", lang) + ")"
    return html.Div(text, className="small measures-measured", title=measured.note or None)


def _criteria_block(area: Area, goals: list[Criterion], grid: ProgressGrid, lang: str) -> html.Div:
    """The area's goals, each with every place's standing against it by its date."""
    mine = [c for c in goals if c.area_code == area.code]
    title = html.H3(_("Goals and success criteria", lang), className="h5 mt-3")
    if not mine:
        return html.Div(
            [
                title,
                html.P(
                    _("No success criteria have been set for this area yet.", lang), className="measures-criteria-none"
                ),
            ]
        )
    activities = {a.id: a for a in area.activities}
    today = dt.date.today()
    head = [html.Th(_("Criterion", lang), scope="col")]
    head += [html.Th(_place_name(p, lang), scope="col") for p in grid.places]
    rows = []
    for criterion in mine:
        what: list[Component | str] = [html.Div(criterion.description)]
        measure = (
            pick(activities[criterion.activity_id].title, lang)
            if criterion.activity_id in activities
            else _("The whole area", lang)
        )
        what.append(html.Div(_("Measure", lang) + f": {measure}", className="small"))
        what.append(html.Div(_("Target", lang) + f": {_target_text(criterion, lang)}", className="small"))
        what.append(html.Div(_("By", lang) + f" {criterion.target_date:%d.%m.%Y}", className="small"))
        if criterion.is_example:
            what.append(
                html.Div(
                    _("Example, not a decision of the council", lang),
                    className="small fst-italic measures-criterion-example",
                )
            )
        cells: list[Component] = [html.Th(what, scope="row", className="fw-normal")]
        for place in grid.places:
            result = standing(criterion, area, grid, place.key, today)
            color, text_color = STANDING_STYLE[result.state]
            cells.append(
                html.Td(
                    [
                        dbc.Badge(
                            _(STANDING_TEXT[result.state], lang),
                            color=color,
                            text_color=text_color,
                            className="measures-standing" + (" border" if result.state == ON_THE_WAY else ""),
                        ),
                        _standing_detail(criterion, result, lang),
                    ]
                )
            )
        rows.append(html.Tr(cells, id=f"measures-criterion-{criterion.id}"))
    caption = html.Caption(
        _(
            "Met: the latest value measured in the place reaches the target (where a number is the target and a "
            "value is recorded), else every activity of the measure is done there; overdue: the date has passed "
            "before that.",
            lang,
        ),
        className="small",
    )
    table = dbc.Table(
        [caption, html.Thead(html.Tr(head)), html.Tbody(rows)],
        bordered=True,
        size="sm",
        className="measures-criteria caption-top align-middle mb-0",
    )
    return html.Div([title, html.Div(table, className="table-responsive")])


def _area_card(
    area: Area,
    figures: dict[str, Evidence],
    grid: ProgressGrid,
    state: PageState,
    status: str,
    goals: list[Criterion],
) -> dbc.Card:
    lang = state.lang
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2(f"{area.number}. {pick(area.title, lang)}", className="h4"),
                html.P(pick(area.rationale, lang)),
                html.P([_("Source", lang), f": {area.source}"], className="small text-muted"),
                _evidence_box(area, figures, state),
                _criteria_block(area, goals, grid, lang) if grid.places else None,
                html.Details(
                    [
                        html.Summary(_("Activities and progress", lang), className="h5 mt-3"),
                        _progress_table(area, grid, status, lang),
                    ],
                    className="measures-grid",
                    open=status != ALL,  # a status filter is about the grid: show what it kept
                ),
            ]
        ),
        className="mb-4 measures-area",
        id=f"measures-area-{area.code}",
    )


def _evidence_box(area: Area, figures: dict[str, Evidence], state: PageState) -> html.Div:
    lang = state.lang
    items = [_evidence_item(figures[v], state) for v in area.evidence]
    body = [html.H3(_("What the survey says", lang), className="h6"), html.Ul(items, className="mb-2")]
    if area.evidence_note:
        body.append(
            html.P([html.Strong(_("The report", lang) + ": "), pick(area.evidence_note, lang)], className="small mb-0")
        )
    # White background: the link colour only reaches AA contrast on white.
    return html.Div(body, className="border border-start border-4 border-info-subtle rounded p-3 measures-evidence")


def evidence_text(figure: Evidence, lang: str) -> tuple[str, str]:
    """(headline number, what it counts) for one evidence figure, in ``lang``."""
    if figure.kind == "unavailable":
        return "–", _("This survey does not have the question", lang)
    if figure.suppressed:
        return "–", _("{question}: too few respondents to show", lang).format(question=figure.question)
    if figure.kind == "mean":
        return (
            format_number(figure.estimate, lang, 1),
            _("{question}: mean for all respondents (lower means a more positive view of remote work)", lang).format(
                question=figure.question
            ),
        )
    return (format_share(figure.estimate, lang, 0), f"{figure.question}: {quoted(str(figure.categories), lang)}")


def _evidence_item(figure: Evidence, state: PageState) -> html.Li:
    lang, survey = state.lang, state["survey"]
    value, what = evidence_text(figure, lang)
    parts: list[Component | str] = [html.Strong(value, className="measures-evidence-value"), " – ", what]
    if figure.n:
        parts.append(f", n = {format_number(figure.n, lang)}")
    if survey and figure.kind != "unavailable":
        href = link_to(state, "survey", survey=survey, question=figure.variable)
        parts += [" · ", dcc.Link(_("See the survey explorer", lang), href=href)]
    return html.Li(parts, id=f"measures-evidence-{figure.variable}")


def _status_badge(progress, lang: str) -> dbc.Badge:
    color, text_color = STATUS_STYLE[progress.status]
    return dbc.Badge(
        _(STATUS_TEXT[progress.status], lang),
        color=color,
        text_color=text_color,
        className="measures-status" + (" border" if progress.status == NOT_STARTED else ""),
    )


def _progress_cell(progress, lang: str) -> html.Td:
    parts = [_status_badge(progress, lang)]
    if progress.is_example:
        parts.append(html.Span(" (" + _("example", lang) + ")", className="small"))
    if progress.owner:
        parts.append(html.Div(_("Owner", lang) + f": {progress.owner}", className="small"))
    if progress.status_date:
        parts.append(html.Div(_("As of", lang) + f" {progress.status_date:%d.%m.%Y}", className="small"))
    if progress.due_date:
        parts.append(html.Div(_("Due", lang) + f": {progress.due_date:%d.%m.%Y}", className="small"))
    if progress.note:
        parts.append(html.Div(progress.note, className="small measures-note"))
    if progress.link:
        parts.append(html.A(_("Read more", lang), href=progress.link, className="small", rel="noopener noreferrer"))
    return html.Td(parts)


def _progress_table(area: Area, grid: ProgressGrid, status: str, lang: str):
    if not grid.places:
        return html.P(_("Choose a region to see progress.", lang))
    activities = [a for a in area.activities if status == ALL or status in grid.statuses(a.id)]
    if not activities:
        return html.P(
            _("No activities in this area have the status {status}.", lang).format(
                status=quoted(_(STATUS_TEXT[status], lang), lang)
            ),
            className="measures-none",
        )
    header = html.Thead(
        html.Tr(
            [html.Th(_("Activity", lang), scope="col")]
            + [
                html.Th(_("{name} (whole region)", lang).format(name=p.name) if p.is_region else p.name, scope="col")
                for p in grid.places
            ]
        )
    )
    rows = [
        html.Tr(
            [html.Th(pick(a.title, lang), scope="row", className="fw-normal")]
            + [_progress_cell(grid.get(a.id, p.key), lang) for p in grid.places]
        )
        for a in activities
    ]
    caption = html.Caption(_("Status of each activity by municipality", lang), className="small")
    return html.Div(
        dbc.Table(
            [caption, header, html.Tbody(rows)],
            bordered=True,
            size="sm",
            className="measures-progress caption-top align-middle mb-0",
        ),
        className="table-responsive",
    )


def _opportunities(chances, lang: str) -> html.Section:
    return html.Section(
        [
            html.H2(_("Opportunities for municipalities", lang), className="h4"),
            html.P(_("Eight opportunities found in the Hardanger qualification project.", lang)),
            html.Ol(
                [
                    html.Li(
                        [pick(o.title, lang), html.Span(f" – {o.source}", className="small text-muted")], value=o.number
                    )
                    for o in chances
                ],
                id="measures-opportunities",
            ),
        ],
        className="mb-4",
        id="measures-opportunities-section",
    )


PAGE = Page(name="measures", path=PATH, title=NAME, layout=layout, id=ID, state=STATE, render=render)
