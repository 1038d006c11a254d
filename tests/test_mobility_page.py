"""Mobilitetspotensial's main callback against the seeded database: what reaches the browser is rounded as
displayed, unknown languages and regional surveys give words instead of errors, and the address keeps
the user's choices (the rural condition can be switched off and stays off)."""

from __future__ import annotations

import json
import math

import plotly
import plotly.io as pio
import pytest
from dash import dcc

from app.query.mobility import mobility_funnel, regional_funnel, round_people, standard_conditions
from app.web.kit import urls
from app.web.kit.page_state import render_page
from app.web.pages import mobility

SEARCHES = [
    "",
    "?region=norge",
    "?filters=take_job,travel",
    "?share=2.5&jobs=1450000",
    "?filters=none",
    "?region=norge&filters=attractive,take_job&age=2,3",
    "?filters=attractive,take_job,travel&age=1&centrality=6",
]


@pytest.fixture
def page_app(app_config):
    from app.db import session as db_session
    from app.web import create_app

    app = create_app(app_config)
    with app.server.app_context():
        yield app
    db_session.configure(app_config)


def _render(search: str, lang: str = "nb"):
    """The main callback's answer in the order of its outputs: content, survey, region, jobs, jobs field,
    conditions, age groups, centrality, share, share field, share disabled (slider, field), share source."""
    answer = render_page(mobility.PAGE, search, lang)
    return (
        answer["content"],
        answer.get(f"{mobility.SURVEY}.value"),
        answer.get(f"{mobility.REGION}.value"),
        answer.get("jobs"),
        answer.get("jobs_text"),
        answer.get(f"{mobility.FILTERS}.value"),
        answer.get(f"{mobility.AGES}.value"),
        answer.get(f"{mobility.CENTRALITY}.value"),
        answer.get("share"),
        answer.get("share_text"),
        answer.get("share_disabled"),
        answer.get("share_text_disabled"),
        answer.get("share_source"),
    )


def _graphs(component) -> list:
    """Every dcc.Graph in a component tree."""
    found = []
    if isinstance(component, dcc.Graph):
        found.append(component)
    children = getattr(component, "children", None) if not isinstance(component, (list, tuple)) else component
    if isinstance(children, (list, tuple)):
        for child in children:
            found += _graphs(child)
    elif children is not None and not isinstance(children, (str, int, float)):
        found += _graphs(children)
    return found


def _find(component, component_id):
    """The component with this id in a tree, or None."""
    if isinstance(component, (list, tuple)):
        return next((f for c in component if (f := _find(c, component_id)) is not None), None)
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    return None if children is None or isinstance(children, (str, int, float)) else _find(children, component_id)


def _numbers(node, path=()):
    """(path, number) for every number in a JSON tree."""
    if isinstance(node, bool) or node is None or isinstance(node, str):
        return
    if isinstance(node, (int, float)):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _numbers(value, (*path, key))
    elif isinstance(node, list):
        for value in node:
            yield from _numbers(value, path)


@pytest.mark.parametrize("search", SEARCHES)
def test_the_browser_gets_people_and_shares_rounded_as_displayed(page_app, db, search):
    """Every number in the page's figures and tables is rounded as shown: people counts with round_people,
    shares to the displayed decimals; the exact estimates, standard errors and weighted counts never leave."""
    output = _render(search)
    content = output[0]
    # 1. the figures: every x value, error bar, base, annotation position and axis end is a shown people count
    graphs = _graphs(content)
    assert graphs, "the page draws its charts"
    for graph in graphs:
        figure = json.loads(pio.to_json(graph.figure))
        figure["layout"].pop("template", None)  # Plotly's default styling, not data
        for trace in figure["data"]:
            for key in ("x", "base"):
                for value in trace.get(key) or []:
                    assert value is None or round_people(value) == value, (search, key, value)
            for key in ("array", "arrayminus"):
                for value in (trace.get("error_x") or {}).get(key) or []:
                    assert value is None or round_people(value) == value, (search, key, value)
        for annotation in figure["layout"].get("annotations", []):
            assert round_people(annotation["x"]) == annotation["x"], (search, annotation)
        for shape in figure["layout"].get("shapes", []):
            assert round_people(shape["x0"]) == shape["x0"], (search, shape)
        for value in figure["layout"]["xaxis"]["range"]:
            assert round_people(value) == value
    # 2. everything sent (content and the controls' values): no number with more decimals than shown
    sent = json.loads(json.dumps([content, *output[1:]], cls=plotly.utils.PlotlyJSONEncoder))
    for graph in _sent_graphs(sent):
        graph["props"]["figure"]["layout"].pop("template", None)  # Plotly's own colour scales
    for path, value in _numbers(sent):
        assert round(value, 4) == value, (search, path, value)
    # 3. none of the exact figures behind the page is among them
    c = {**mobility._choices(db, search)}
    conditions = standard_conditions(
        "attractive" in c["filters"],
        "take_job" in c["filters"],
        2 if "travel" in c["filters"] else None,
        c["ages"],
        c["centrality"],
    )
    if c["region"] == "norge":
        exact = mobility_funnel(db, "demo_national", c["jobs"], conditions, min_n=10)
    else:
        override = None if c["share"] == c["shares"].value else c["share"]
        exact, _shares = regional_funnel(db, "demo_national", c["region"], c["jobs"], conditions, override, min_n=10)
    text = json.dumps(sent)
    secret = [
        v
        for s in exact.steps
        for v in (s.share, s.share_se, s.people, s.people_low, s.people_high)
        if v is not None and not float(v).is_integer()
    ]
    secret += [exact.overall_low, exact.overall_high, *(r[k] for r in exact.sensitivity for k in ("low", "high"))]
    for value in secret:
        if value is not None and not math.isclose(value, round_people(value)):
            assert json.dumps(value) not in text, (search, value)


@pytest.mark.parametrize("search", ["", "?lang=en&region=norge", "?survey=demo_hardanger&lang=nn", "?lang=xx"])
def test_the_layout_builds_with_its_number_fields(page_app, search):
    lang = urls.parse(search).get("lang", "nb")
    layout = mobility.layout(lang)
    assert _find(layout, mobility.JOBS_INPUT) is not None
    jobs_text = _render(search, lang)[4]
    assert jobs_text == ("1,300,000" if lang == "en" else "1\u00a0300\u00a0000")
    assert _find(layout, mobility.JOBS).allow_direct_input is False  # no raw "1300000" box beside the slider
    assert _find(layout, mobility.SHARE).allow_direct_input is False


@pytest.mark.parametrize("lang", ["xx", "de"])
def test_an_unknown_language_draws_the_page_in_bokmal(page_app, lang):
    output = _render(f"?lang={lang}", lang)
    text = json.dumps(output[0], cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)
    assert "mobility-headline" in text and "Jobber som kan gjøres hvor som helst" in text
    assert "render-failed" not in text and "alert-danger" not in text


@pytest.mark.parametrize(
    "lang,step,source,note",
    [
        (
            "nn",
            "… synest det er attraktivt å bu i ein distriktskommune",
            "Kjelde: Statistisk sentralbyrå (SSB), tabell 11618",
            "Spørsmålet gjeld flytting til kva som helst annan kommune",
        ),
        (
            "en",
            "… find living in a rural municipality attractive",
            "Source: Statistics Norway (SSB), table 11618",
            "The question asks about moving to any other municipality",
        ),
    ],
)
def test_the_funnel_is_said_in_the_pages_language(page_app, lang, step, source, note):
    """The query layer gives keys; the page says the steps, the share's source and the note in its language."""
    output = _render(f"?lang={lang}", lang)
    steps = [row.children[0].children for row in _find(output[0], "mobility-funnel-table").children[1].children]
    assert step in steps and steps[-1] == mobility.step_label("region", lang)
    assert source in output[12]
    text = json.dumps(output[0], cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)
    assert note in text and source in text  # the assumptions table cites the same source


def test_a_regional_survey_gets_an_explanation_not_a_funnel(page_app):
    output = _render("?survey=demo_hardanger")
    text = json.dumps(output[0], cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)
    assert "Mobilitetspotensialet krever en landsdekkende undersøkelse" in text
    assert "mobility-refused" in text and '"color": "info"' in text
    assert "mobility-headline" not in text and "mobility-funnel" not in text
    assert "/mobilitet?survey=demo_national" in text  # a way to a national survey


def test_the_number_fields_use_the_pages_format(page_app):
    nb = _render("?share=2.77&jobs=1300000")
    assert nb[4] == "1\u00a0300\u00a0000" and nb[9] == "2,77" and nb[8] == 2.77
    en = _render("?share=2.77&lang=en", "en")
    assert en[4] == "1,300,000" and en[9] == "2.77"


def test_the_rural_condition_is_on_by_default_for_the_region_and_can_be_switched_off(page_app):
    default = _render("")
    assert default[5] == ["attractive", "outside"]  # and leaving out those who already live there (issue 20 §5)
    off = _render("?filters=none")
    assert off[5] == []
    national = _render("?region=norge")
    assert national[5] == []
    steps = [row.children[0].children for row in _find(off[0], "mobility-funnel-table").children[1].children]
    assert not any("distriktskommune" in step for step in steps)
    steps = [row.children[0].children for row in _find(default[0], "mobility-funnel-table").children[1].children]
    assert any("distriktskommune" in step for step in steps)


def _url(db, search, triggered, **values):
    base = {
        "survey": "demo_national",
        "region": "hardangerradet",
        "jobs": 1_300_000,
        "jobs_text": "1 300 000",
        "filters": ["attractive", "outside"],
        "ages": [],
        "centrality": [],
        "share": 1.38,
        "share_text": "1,38",
    }
    return urls.parse(mobility.url_for_controls(db, search, set(triggered), **{**base, **values}))


def test_the_address_keeps_the_rural_condition_switched_off(db):
    assert "filters" not in _url(db, "", {mobility.FILTERS})  # the default is left out
    off = _url(db, "", {mobility.FILTERS}, filters=[])
    assert off["filters"] == "none"
    assert mobility._choices(db, "?filters=none")["filters"] == []  # and it reads back as off
    assert _url(db, "?filters=take_job", {mobility.FILTERS}, filters=["take_job"])["filters"] == "take_job"
    # a new region brings its own default for the rural condition, other conditions stay
    moved = _url(db, "?region=norge&filters=take_job", {mobility.REGION}, filters=["take_job"])
    assert set(moved["filters"].split(",")) == {"attractive", "take_job", "outside"}
    assert "filters" not in _url(db, "?filters=none", {mobility.REGION}, region="norge", filters=[])


def test_the_address_takes_numbers_typed_in_the_pages_format(db):
    assert _url(db, "", {mobility.JOBS_INPUT}, jobs_text="1 450 000")["jobs"] == "1450000"
    assert "jobs" not in _url(db, "?jobs=1450000", {mobility.JOBS_INPUT}, jobs_text="1\u00a0300\u00a0000")
    assert _url(db, "", {mobility.SHARE_INPUT}, share_text="2,5")["share"] == "2.5"
    assert "share" not in _url(db, "?share=2.5", {mobility.SHARE_INPUT}, share_text="1,38")  # the default
    assert _url(db, "?lang=en", {mobility.SHARE_INPUT}, share_text="2.25")["share"] == "2.25"
    assert _url(db, "", {mobility.JOBS_INPUT}, jobs_text="lots")["jobs"] == "lots"  # the page will say so
    # switching the rural condition off changes the default share; a share never set stays unset
    assert "share" not in _url(db, "", {mobility.FILTERS}, filters=[])


def _sent_graphs(value) -> list[dict]:
    """Every Graph component in a sent layout, however deep (charts sit in tabs)."""
    if isinstance(value, list):
        return [g for item in value for g in _sent_graphs(item)]
    if isinstance(value, dict):
        found = [value] if value.get("type") == "Graph" else []
        return found + [g for item in value.values() for g in _sent_graphs(item)]
    return []
