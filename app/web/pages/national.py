"""Nasjonalt bilete: home office in Norway as the national sources publish it — who can work from
home (AFI 2022 Tabell 1, with its breaks in comparability), how often, where the working time goes,
written agreements, costs covered and wishes; what state employers say; and the rules.

Every number is a published figure (``app/query/national.py``), shown with its source and location;
none is computed here. A council's own survey is set beside a national figure only where its
codebook declares the same measure (``benchmarks:`` in docs/codebook-format.md), with the difference
in method stated.
"""

from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component

from app.language import N_, format_interval, format_published, format_share, pick
from app.language import gettext as _
from app.query.national import (
    AFI,
    STATE_EMPLOYERS,
    Benchmark,
    Figure,
    Wave,
    benchmarks,
    home_office_possibility,
    pick_figure,
    published,
)
from app.web.kit import page_state
from app.web.kit.charts import base_layout
from app.web.kit.components import labelled_dropdown, survey_label
from app.web.kit.page_state import PageState, Spec, survey_param
from app.web.kit.site import Page
from app.web.views import SURVEY_METHOD, Column, DataTable, View, percent, survey_source
from app.web.views.block import Views

PATH = "/nasjonalt"
NAME = N_("The national picture")

ID = "national"
SURVEY = "national-survey"
CONTENT = "national-content"
POSSIBILITY = "national-possibility"
FREQUENCY = "national-frequency"
CONDITIONS = "national-conditions"
EMPLOYERS = "national-employers"

STATE = Spec(survey_param(SURVEY))

AFI_SOURCE = N_(
    "Ingelsrud, Aksnes m.fl. (2022): Hjemme–Borte–Uavgjort. AFI-rapport 2022:04, Arbeidsforskningsinstituttet AFI, "
    "OsloMet"
)
STATE_SOURCE = N_("Presentation on home work in the state sector, IA breakfast seminar (probably autumn 2022)")
PUBLISHED_METHOD = N_("Published figures as the source states them; the dashboard computes nothing here.")


@dataclass(frozen=True)
class Wanted:
    """A published figure the page shows, found by where it stands in its source, with its label."""

    label: str  # an English message id
    source: str
    location: str
    measure: str
    base: str | None = None


FREQUENCY_FIGURES = (  # (year, at least weekly, every day); base: employees who can work from home
    (
        "2019",
        Wanted(N_("At least weekly"), AFI, "1 Sterk økning", "share working from home the whole day weekly or more often (LKU 2019)"),
        Wanted(N_("Every day"), AFI, "1 Sterk økning", "share working from home the whole day every day (LKU 2019)"),
    ),
    (
        "2021",
        Wanted(N_("At least weekly"), AFI, "1 Sterk økning", "share working from home the whole day at least weekly", "employees with possibility of home office, 2021"),
        Wanted(N_("Every day"), AFI, "1 Sterk økning", "share working from home the whole day every day", "employees with possibility of home office, 2021"),
    ),
    (
        "2022",
        Wanted(N_("At least weekly"), AFI, "1 Sterk økning", "share working from home the whole day at least weekly", "employees with possibility of home office, 2022"),
        Wanted(N_("Every day"), AFI, "1 Sterk økning", "share working from home the whole day every day", "employees with possibility of home office, Feb-Mar 2022"),
    ),
)  # fmt: skip
CONDITION_FIGURES = (
    Wanted(N_("Share of working time worked from home, 2021"), AFI, "1 Andel av arbeidstiden (Figur 5)", "share of working time worked from home", "employees with home office, 2021"),
    Wanted(N_("Share of working time worked from home, 2022"), AFI, "1 Andel av arbeidstiden (Figur 5)", "share of working time worked from home", "employees with home office, 2022"),
    Wanted(N_("Have a written home-office agreement with the employer, 2022"), AFI, "1 Utvikling i rammene", "share with a written home-office agreement with the employer", "employees with home office, 2022"),
    Wanted(N_("Employer covers the mobile phone, 2022"), AFI, "1 Fortsatt få", "share having mobile phone costs covered by the employer"),
    Wanted(N_("Employer covers the internet connection, 2022"), AFI, "1 Fortsatt få", "share having internet costs covered by the employer"),
    Wanted(N_("Home-office allowance or electricity covered, 2022"), AFI, "1 Fortsatt få", "share receiving a home-office allowance or having electricity covered"),
    Wanted(N_("Want to work from home at least one day a week in a normal situation, 2022"), AFI, "1 Utviklingen i utbredelse", "share of employees with home office wanting to work from home at least one day a week (normal situation)", "employees with home office, 2022"),
)  # fmt: skip
EMPLOYER_FIGURES = (
    Wanted(N_("Will give employees more flexibility than before the pandemic (fully or partly agree)"), STATE_EMPLOYERS, "Hva sier", "share of state employers fully/partly agreeing they will give employees more flexibility than before the pandemic"),
    Wanted(N_("Have already given more flexibility (permanent or temporary)"), STATE_EMPLOYERS, "Hva sier", "share that have already given more flexibility (permanent or temporary)"),
    Wanted(N_("Have an upper limit on home-office days"), STATE_EMPLOYERS, "Hva sier", "share with an upper limit on the number of days employees can work from home"),
    Wanted(N_("Of those with an upper limit: a maximum of 2 home-office days a week"), STATE_EMPLOYERS, "Hva sier", "share with a maximum of 2 home-office days", "state employers with an upper limit"),
)  # fmt: skip
BAERUM = "004_4d3028aa1a6a6b28.txt"
MUNICIPAL_FIGURES = (
    Wanted(N_("Would like home office to some degree after the pandemic too"), BAERUM, "Figur: Ønske om fast", "share who would like home office to some degree also after the pandemic"),
    Wanted(N_("Of those: up to 3 days a week"), BAERUM, "Figur: Ønsket omfang", "share who would like home office up to 3 days a week"),
    Wanted(N_("As motivated working from home (fully or partly agree)"), BAERUM, "Kommentarer (Figur: Motivasjon", "share fully/partly agreeing they are as motivated working from home"),
    Wanted(N_("Easy to collaborate with others from home (fully or partly agree)"), BAERUM, "Kommentarer (Figur: Motivasjon", "share fully/partly agreeing it is easy to collaborate with others from home (parenthesis may also cover 'solve tasks as well')"),
    Wanted(N_("Have a workroom of their own at home"), BAERUM, "Under halvparten", "share with own workroom at home"),
    Wanted(N_("Have a fixed workplace at home"), BAERUM, "Under halvparten", "share with a fixed workplace at home"),
    Wanted(N_("Lack an office desk, office chair or forearm support at home"), BAERUM, "Vi må ha bedre", "share without office desk, office chair or sufficient forearm support at home"),
    Wanted(N_("Predictability about when and where to meet colleagues is important"), BAERUM, "Figur: Viktig for", "share for whom predictability about when/where to meet colleagues is important"),
)  # fmt: skip
MUNICIPAL = "national-municipal"
BAERUM_SOURCE = N_(
    "Bærum kommune (2020–2021): Digitalt kontor – hjemmekontor (the municipality's survey of its managers and employees, over 2 000 answers)"
)
WAVE_NAMES = {
    "AKU 2017": N_("Labour force survey 2017"),
    "LKU 2019": N_("Living conditions survey 2019"),
    "YSAB2020": N_("Spring 2020"),
    "HK2021": N_("Winter 2021"),
    "HK2022": N_("Winter 2022"),
}
COLORS = {"fixed": "#1f4e79", "when_needed": "#6f9fd8", "total": "#8c8c8c"}


# National figures a survey's codebook may set its own questions beside (``benchmarks:``; the keys are
# listed in app/ingest/codebook.py and docs/codebook-format.md).
NATIONAL = {
    "afi_weekly_2022": FREQUENCY_FIGURES[2][1],
    "afi_daily_2022": FREQUENCY_FIGURES[2][2],
    "afi_wish_weekly_2022": CONDITION_FIGURES[6],
    "afi_agreement_2022": CONDITION_FIGURES[2],
}
NATIONAL_LABELS = {
    "afi_weekly_2022": N_("Whole days of home office at least weekly, among those who can (2022)"),
    "afi_daily_2022": N_("Whole days of home office every day, among those who can (2022)"),
    "afi_wish_weekly_2022": N_("Want to work from home at least one day a week (2022)"),
    "afi_agreement_2022": N_("Have a written home-office agreement (2022)"),
}
BESIDE = "national-beside"


def layout(lang: str) -> html.Div:
    return html.Div(
        [
            *page_state.frame(ID),
            html.H1(_("The national picture", lang)),
            html.P(
                _(
                    "Home office in Norway as national sources publish it, to set a region's own figures against. Every "
                    "number is a published figure with its source; the dashboard computes none of them.",
                    lang,
                ),
                className="lead",
            ),
            dbc.Row(dbc.Col(labelled_dropdown(lang, SURVEY, _("Survey to set beside", lang), [], None), md=7)),
            dcc.Loading(html.Div(id=CONTENT), type="dot"),
        ]
    )


def _share(value: float | None, lang: str) -> str:
    return "–" if value is None else format_share(value / 100, lang, 0)


def possibility_view(waves: list[Wave], lang: str) -> View:
    names = [_(WAVE_NAMES[w.survey], lang) + f" ({w.survey})" for w in waves]
    ticks = [f"{w.year}<br>{w.survey}" for w in waves]  # short under the bars; the table has the full names
    figure = go.Figure()
    for key, text in (("fixed", N_("Yes, as a fixed arrangement")), ("when_needed", N_("Yes, but only when needed"))):
        values = [w.values[key] for w in waves]
        figure.add_bar(
            name=_(text, lang),
            x=ticks,
            y=values,
            marker_color=COLORS[key],
            text=[_share(v, lang) if v is not None else "" for v in values],
            textposition="inside",
        )
    only_total = [w.values["total"] if w.values["fixed"] is None else None for w in waves]
    figure.add_bar(
        name=_("Yes (not split; another question)", lang),
        x=ticks,
        y=only_total,
        marker_color=COLORS["total"],
        marker_pattern_shape="/",
        text=[_share(v, lang) if v is not None else "" for v in only_total],
        textposition="inside",
    )
    figure.update_layout(base_layout(lang, height=440))
    figure.update_layout(barmode="stack", yaxis={"title": _("Share of employees (%)", lang), "range": [0, 100]})
    figure.add_vline(x=1.5, line_dash="dot", line_color="#555")
    rows = [
        {
            "wave": name,
            "fixed": w.values["fixed"],
            "when_needed": w.values["when_needed"],
            "total": w.values["total"],
            "none": w.values["none"],
            "n": w.values["n"],
        }
        for name, w in zip(names, waves, strict=True)
    ]
    table = DataTable(
        [
            Column("wave", _("Survey", lang)),
            Column("fixed", _("Yes, as a fixed arrangement", lang) + " (%)", "number", 0),
            Column("when_needed", _("Yes, but only when needed", lang) + " (%)", "number", 0),
            Column("total", _("Can work from home", lang) + " (%)", "number", 0),
            Column("none", _("Cannot work from home", lang) + " (%)", "number", 0),
            Column("n", _("Respondents", lang), "integer"),
        ],
        rows,
    )
    return View(
        POSSIBILITY,
        _("Employees who can work from home, 2017–2022", lang),
        table,
        figure,
        n=None,
        source=_(AFI_SOURCE, lang) + ", " + _("Table 1", lang),
        method=_(PUBLISHED_METHOD, lang),
        sentence=_(
            "{y2017} of employees said they could work from home if they wished in 2017, {y2022} in 2022; as a fixed "
            "arrangement {spring2020} in spring 2020, {winter2021} in 2021 and {winter2022} in 2022.",
            lang,
        ).format(
            y2017=_share(waves[0].values["total"], lang),
            y2022=_share(waves[4].values["total"], lang),
            spring2020=_share(waves[2].values["fixed"], lang),
            winter2021=_share(waves[3].values["fixed"], lang),
            winter2022=_share(waves[4].values["fixed"], lang),
        ),
    )


def frequency_view(found: list[tuple[str, Figure | None, Figure | None]], lang: str) -> View:
    years = [year for year, _w, _d in found]
    weekly = [w.value if w else None for _y, w, _d in found]
    daily = [d.value if d else None for _y, _w, d in found]
    figure = go.Figure()
    figure.add_bar(name=_("At least weekly", lang), x=years, y=weekly, marker_color=COLORS["when_needed"],
                   text=[_share(v, lang) for v in weekly], textposition="outside")  # fmt: skip
    figure.add_bar(name=_("Every day", lang), x=years, y=daily, marker_color=COLORS["fixed"],
                   text=[_share(v, lang) for v in daily], textposition="outside")  # fmt: skip
    figure.update_layout(base_layout(lang, height=380))
    figure.update_layout(barmode="group", yaxis={"title": _("Share of those who can (%)", lang), "range": [0, 100]})
    table = DataTable(
        [
            Column("year", _("Year", lang)),
            Column("weekly", _("At least weekly", lang) + " (%)", "number", 0),
            Column("daily", _("Every day", lang) + " (%)", "number", 0),
        ],
        [{"year": y, "weekly": w, "daily": d} for y, w, d in zip(years, weekly, daily, strict=True)],
    )
    return View(
        FREQUENCY,
        _("Whole days of home office among those who can, 2019–2022", lang),
        table,
        figure,
        source=_(AFI_SOURCE, lang) + ", " + _("Figure 2", lang),
        method=_(PUBLISHED_METHOD, lang),
        sentence=_(
            "In 2022, {weekly} of those who can worked whole days at home at least weekly, {daily} every day.", lang
        ).format(weekly=_share(weekly[-1], lang), daily=_share(daily[-1], lang)),
    )


def figures_view(
    view_id: str,
    title: str,
    wanted: tuple[Wanted, ...],
    found: list[Figure | None],
    source: str,
    lang: str,
    sentence: str = "",
) -> View:
    rows = [
        {
            "figure": _(w.label, lang),
            "published": _worded(f, lang),
            "value": _as_percent(f),
            "location": f.location if f else None,
        }
        for w, f in zip(wanted, found, strict=True)
    ]
    table = DataTable(
        [
            Column("figure", _("Figure", lang)),
            Column("published", _("As the source words it", lang)),
            Column("value", _("Share (%)", lang), "number", 1),
            Column("location", _("Where in the source", lang)),
        ],
        rows,
    )
    return View(view_id, title, table, None, source=source, method=_(PUBLISHED_METHOD, lang), sentence=sentence)


def _worded(figure: Figure | None, lang: str) -> str | None:
    """The figure as the source words it («over 90 %», «under halvparten», «ca. 1/3»)."""
    if figure is None:
        return None
    return format_published(
        figure.value, figure.unit, figure.qualifier, lang, value_high=figure.value_high, quote=figure.quote
    )


def _sub_share(part: Figure | None, whole: Figure | None, lang: str) -> str:
    """A share of a share said on both bases: "85 % of the 75 % with an upper limit, about 64 % of all"."""
    if part is None or whole is None:
        return ""
    return _(
        "{part} of those with an upper limit ({whole} of all) have a maximum of 2 home-office days, that is about "
        "{all} of all state employers.",
        lang,
    ).format(
        part=_worded(part, lang),
        whole=_worded(whole, lang),
        all=format_share(part.value * whole.value / 10000, lang, 0),
    )


def _as_percent(figure: Figure | None) -> float | None:
    """A published share in percent ("2/3" is stored as the fraction 0.667)."""
    if figure is None:
        return None
    return round(100 * figure.value, 1) if figure.unit == "fraction" else figure.value


def render(state: PageState, session) -> dict:
    lang = state.lang
    waves = home_office_possibility(session)
    rows = published(session)  # every published figure, read once per data version; the lookups below in memory

    def find(w: Wanted) -> Figure | None:
        return pick_figure(rows, w.source, w.location, w.measure, w.base)

    frequency = [(year, find(w), find(d)) for year, w, d in FREQUENCY_FIGURES]
    conditions = [find(w) for w in CONDITION_FIGURES]
    employers = [find(w) for w in EMPLOYER_FIGURES]
    municipal = [find(w) for w in MUNICIPAL_FIGURES]
    views = [
        possibility_view(waves, lang),
        frequency_view(frequency, lang),
        figures_view(
            CONDITIONS, _("Working time, agreements, costs and wishes", lang), CONDITION_FIGURES, conditions,
            _(AFI_SOURCE, lang), lang,
        ),
        figures_view(
            EMPLOYERS, _("What state employers say", lang), EMPLOYER_FIGURES, employers, _(STATE_SOURCE, lang), lang,
            _sub_share(employers[3], employers[2], lang),
        ),
        figures_view(
            MUNICIPAL, _("A municipality's own employees: Bærum 2020", lang), MUNICIPAL_FIGURES, municipal,
            _(BAERUM_SOURCE, lang), lang,
        ),
    ]  # fmt: skip
    survey = state["survey"]
    beside = benchmarks(session, survey, min_n=page_state.min_n()) if survey else []
    national = {key: find(w) for key, w in NATIONAL.items()}
    if beside:
        views.append(beside_view(state, beside, national))
    blocks = Views(PATH, state)
    content = html.Div(
        [
            *survey_label(state),
            _section(views[0].title, blocks.block(views[0]), _breaks(lang)),
            _section(views[1].title, blocks.block(views[1])),
            _section(views[2].title, blocks.block(views[2]), _base(BASE_EMPLOYEES, lang)),
            _section(views[3].title, blocks.block(views[3]), _base(BASE_EMPLOYERS, lang)),
            _section(views[4].title, blocks.block(views[4]), _base(BASE_MUNICIPAL, lang)),
            _beside_section(blocks, views[5] if beside else None, beside, lang),
            _rules(lang),
        ]
    )
    return {"content": content, "views": blocks.views}


BASE_EMPLOYEES = N_(
    "Base: employees who work from home (AFI's survey of employees, February–March 2022; 2021 the year before)."
)
BASE_MUNICIPAL = N_(
    "One municipality's survey in 2020, during the pandemic, not a national figure: shown as an example of what "
    "a council's own employee survey finds (the dashboard's employee-survey demo is modelled on it)."
)
BASE_EMPLOYERS = N_(
    "Base: state employers, as the presentation reports them (it refers to “AGB” and does not say how many answered)."
)


def _base(text: str, lang: str) -> html.P:
    return html.P(_(text, lang), className="small text-muted national-base")


def _breaks(lang: str) -> html.Div:
    return html.Div(
        [
            html.P(_("The series is not one measurement repeated:", lang), className="fw-semibold mb-1"),
            html.Ul(
                [
                    html.Li(
                        _(
                            "2017 is Statistics Norway's labour force survey (as reported by Nergaard et al. 2018); 2020 is YS "
                            "Arbeidslivsbarometer and 2021–2022 are AFI's own surveys (AFI's own analyses of all three). All four asked “Can you work from home if you wish?” with the answers “yes, as "
                            "a fixed arrangement”, “yes, but only when needed”, “no” and “not sure”.",
                            lang,
                        )
                    ),
                    html.Li(
                        _(
                            "2019 (Statistics Norway's living conditions survey) asked another question (“Do you have the "
                            "opportunity to work from home in your job?”, yes/no) and only of employees with office work: it has "
                            "no split into fixed and when needed, and it is not comparable with the other years (dotted line).",
                            lang,
                        )
                    ),
                    html.Li(_("The change in the fixed arrangement from 2021 to 2022 is not significant (AFI).", lang)),
                ],
                className="small",
            ),
        ],
        className="national-breaks",
    )


def _rules(lang: str) -> html.Section:
    return html.Section(
        [
            html.H2(_("The rules", lang), className="h4"),
            html.Ul(
                [
                    html.Li(
                        _(
                            "The regulation on work in the employee's home (hjemmekontorforskriften, changed from 1 July 2022) "
                            "applies to home work that is not short-term or occasional: employer and employee then make a written "
                            "agreement in addition to the employment contract. In the state sector, individual agreements are used "
                            "when the employee regularly works from home at least one day a week.",
                            lang,
                        )
                    ),
                    html.Li(
                        _(
                            "Home office is neither a duty nor a right: no one shall be ordered to work from home, and working "
                            "from home is not a right. The Working Environment Act applies at home too.",
                            lang,
                        )
                    ),
                ]
            ),
            html.P(
                _("Sources: {afi}, chapter on regulation; {state}.", lang).format(
                    afi=_(AFI_SOURCE, lang), state=_(STATE_SOURCE, lang)
                ),
                className="small text-muted",
            ),
        ],
        className="mb-4",
    )


def beside_view(state: PageState, beside: list[Benchmark], national: dict[str, Figure | None]) -> View:
    """The chosen survey's share for each national figure its codebook names, with the method difference."""
    lang = state.lang
    rows = []
    for b in beside:
        figure, row = national.get(b.national), b.estimate
        rows.append(
            {
                "measure": _(NATIONAL_LABELS[b.national], lang),
                "national": figure.value if figure else None,
                "survey": percent(row.estimate),
                "interval": format_interval(row.ci_low, row.ci_high, lang) if row.estimate is not None else "",
                "n": row.n,
                "note": pick(b.note, lang),
            }
        )
    table = DataTable(
        [
            Column("measure", _("Figure", lang)),
            Column("national", _("National (%)", lang), "number", 0),
            Column("survey", _("This survey (%)", lang), "number", 1),
            Column("interval", _("95 % interval", lang)),
            Column("n", "n", "integer"),
            Column("note", _("How the two differ", lang)),
        ],
        rows,
    )
    source, synthetic = survey_source(page_state.chosen_survey(state), lang)
    return View(
        BESIDE,
        _("The chosen survey beside the national figures", lang),
        table,
        None,
        n=max((b.estimate.n or 0 for b in beside), default=None),
        source=f"{_(AFI_SOURCE, lang)}; {source}",
        method=_(SURVEY_METHOD, lang),
        synthetic=synthetic,
    )


def _beside_section(blocks: Views, view: View | None, beside: list[Benchmark], lang: str) -> html.Section:
    title = _("The chosen survey beside the national figures", lang)
    body: Component
    if view is None:
        body = html.P(
            _(
                "The chosen survey's codebook names no question that measures one of these national figures "
                "(benchmarks in docs/codebook-format.md).",
                lang,
            ),
            id="national-no-benchmarks",
        )
    else:
        body = blocks.block(view)
    return _section(title, body)


def _section(title: str, *children: Component) -> html.Section:
    """One part of the page: its heading, then what it holds."""
    return html.Section([html.H2(title, className="h4"), *children], className="mb-4")


PAGE = Page(name="national", path=PATH, title=NAME, layout=layout, id=ID, state=STATE, render=render)
