"""Kommune: SSB's facts and the survey for one municipality, its region, its county and Norway."""

from __future__ import annotations

import json

import pytest
from plotly.utils import PlotlyJSONEncoder

from app.config import LANGUAGES
from app.query.estimates import estimate_categories
from app.query.municipality import place, survey_figures
from app.web.pages import municipality
from tests.page_answers import drawn, page_answer
from tests.test_health import main_callback_request


@pytest.fixture(scope="module")
def app(database_url, tmp_path_factory):
    from app.config import Config
    from app.web import create_app

    return create_app(Config(database_url=database_url, data_dir=tmp_path_factory.mktemp("kommune"), secret_key="t"))


@pytest.mark.parametrize("number", ["4622", "4620", "4619", "4618", "0301"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_hardanger_municipality_and_oslo_is_drawn_in_every_language(app, number, lang):
    answer = page_answer(app, municipality, f"?kommune={number}&survey=demo_national", lang)
    text = json.dumps(drawn(answer), default=str, ensure_ascii=False)
    assert "render-failed" not in text and "database-error" not in text and "query-error" not in text
    assert {"Kilde", "Kjelde", "Source"} & set(text.replace(":", " ").split())
    assert "07459" in text and "03321" in text and "09429" in text


def test_a_small_municipality_is_never_given_another_areas_figure(db):
    """Kvam has too few respondents in the national survey: its column says so, the county's column holds
    the county's own estimate, and the model-based estimate is apart, labelled."""
    kvam = place(db, "4622")
    figures = survey_figures(db, "demo_national", [("q22", (1, 2))], kvam, 10)["q22"]
    levels = [f.level for f in figures]
    assert levels == ["municipality", "region", "county", "national", "model"]
    assert figures[0].estimate is None and figures[0].n is None
    county = estimate_categories(db, "demo_national", [("q22", (1, 2))], where={"county": [46]}, min_n=10)[0]
    assert figures[2].estimate == pytest.approx(county.estimate)
    assert figures[4].estimate is not None and figures[4].estimate != figures[2].estimate


def test_the_page_labels_the_model_and_says_too_few(app):
    answer = page_answer(app, municipality, "?kommune=4622&survey=demo_national", "nb")
    text = json.dumps(drawn(answer), default=str, ensure_ascii=False)
    assert "for få svar" in text and "modellbasert anslag" in text and "ikke en måling i kommunen" in text
    # the municipality's coworking spaces (the example inventory has two in Kvam) and measure progress
    assert "eksempeldata" in text.lower() and "Ikke startet" in text


def test_a_municipality_has_its_own_address(client):
    """``/kommune/4622`` is the page for Kvam (a path template, not a redirect); a number that is no
    municipality or region is not a page."""
    assert client.get("/kommune/4622?lang=nn").status_code == 200
    assert client.get("/kommune/hardangerradet").status_code == 200
    assert client.get("/kommune/46").status_code == 404
    assert client.get("/kommune/4622/x").status_code == 404
    answer = client.post("/_dash-update-component", json=main_callback_request("/kommune/4622", "?lang=nn"))
    assert answer.status_code == 200 and "Kvam" in answer.get_data(as_text=True)
    other = client.post("/_dash-update-component", json=main_callback_request("/kommune/4621", "?lang=nn"))
    assert "Voss" in other.get_data(as_text=True) and "Kvam kommune" not in other.get_data(as_text=True)


def test_a_page_that_cannot_be_drawn_says_why_and_hides_the_charts_of_the_one_before(client, monkeypatch):
    """The charts stand in the layout (filled by the main callback): when a render fails, the message comes in
    the content and the part holding the charts is hidden, not left showing the previous municipality."""
    drawn_page = client.post("/_dash-update-component", json=main_callback_request("/kommune/4622", "?lang=nb"))
    assert drawn_page.json["response"][municipality.BODY]["hidden"] is False

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(municipality.facts, "population_trend", broken)
    failed = client.post("/_dash-update-component", json=main_callback_request("/kommune/4621", "?lang=nb"))
    response = failed.json["response"]
    assert response[municipality.BODY]["hidden"] is True
    assert "render-failed" in json.dumps(response[municipality.CONTENT])
    assert municipality.TREND not in response  # the chart keeps what it had, out of sight


def test_choosing_a_municipality_writes_it_in_the_path(app):
    """The page's address writer moves the municipality into the path and keeps the rest in the query."""
    page = municipality.PAGE
    assert page.address({"kommune": "4622", "lang": "nn"}) == ("/kommune/4622", {"lang": "nn"})
    assert page.address({"lang": "nn"}) == ("/kommune", {"lang": "nn"})
    assert page.query_for("/kommune/4622", "?lang=nn&kommune=4621") == "?lang=nn&kommune=4622"  # the path wins
    assert page.query_for("/kommune", "?kommune=4621") == "?kommune=4621"  # the long form still works


def test_the_municipality_data_come_at_their_address(client):
    document = json.loads(client.get("/data/kommune.json?kommune=4622&survey=demo_national").data)
    ids = [v["id"] for v in document["views"]]
    assert municipality.SURVEY_TABLE in ids and municipality.PYRAMID in ids and municipality.COMMUTING in ids
    pyramid = next(v for v in document["views"] if v["id"] == municipality.PYRAMID)
    assert sum(r["men"] + r["women"] for r in pyramid["rows"]) == 8_490  # Kvam, 1 January 2026


def test_the_county_map_colours_every_municipality_the_model_can_speak_for(db):
    from app.query.boundaries import boundaries
    from app.query.small_area import county_estimates
    from app.web.pages.municipality.model_map import WIDE_PP, model_map

    found = county_estimates(db, "demo_national", "q22", "46", (1, 2))
    results = [r for r in found if not isinstance(r, tuple)]
    assert len(found) == 43 and len(results) >= 40  # Vestland; every centrality class is in the survey
    estimates = {r.kommunenummer: (r.estimate, r.ci_low, r.ci_high) for r in results}
    fig = model_map(boundaries(estimates), estimates, {"4622"}, "nb")
    shapes = [t for t in fig.data if t.fill == "toself"]
    assert len(shapes) == len(estimates)
    hatched = {t.text.split("<br>")[0] for t in shapes if t.fillpattern and t.fillpattern.shape == "/"}
    wide = {f"<b>{r.municipality}</b>" for r in results if (r.ci_high - r.ci_low) * 100 > WIDE_PP}
    assert hatched == wide  # the uncertainty is on the map
    kvam = next(t for t in shapes if "Kvam" in t.text)
    assert kvam.line.width == 3  # the chosen municipality is outlined


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_region_is_its_members_together(app, db, lang):
    answer = page_answer(app, municipality, "?kommune=hardangerradet&survey=demo_national", lang)
    text = json.dumps(drawn(answer), default=str, ensure_ascii=False)
    assert "render-failed" not in text and "database-error" not in text
    assert "Eidfjord, Kvam, Ullensvang, Ulvik" in text
    hardanger = place(db, "hardangerradet")
    assert hardanger.is_region and hardanger.population == 8_490 + 1_114 + 985 + 10_929  # 1 January 2026
    figures = survey_figures(db, "demo_national", [("q22", (1, 2))], hardanger, 10)["q22"]
    assert [f.level for f in figures] == ["region", "county", "national", "model"]


def test_the_region_links_to_its_start_page(app):
    """/region/<slug> is the region's own start page (tests/test_region_page.py); Kommune links to it."""
    answer = page_answer(app, municipality, "?kommune=4622&survey=demo_national", "nb")
    assert "/region/hardangerradet" in json.dumps(answer["content"], cls=PlotlyJSONEncoder)


def test_the_model_can_take_education_into_account_where_the_codebook_maps_it(app, db):
    """Issue 20 §6: where the survey's codebook maps its education answers to SSB 09429 levels, the page
    offers education as a covariate; the model column, the county map and their notes then say so."""
    answer = page_answer(app, municipality, "?kommune=4622&survey=demo_national&model=education", "nb")
    offered = [o["value"] for o in answer[f"{municipality.MODEL_KIND}.options"]]
    assert offered == [municipality.BASE_MODEL, municipality.EDUCATION_MODEL]
    assert answer[f"{municipality.MODEL_KIND}.value"] == municipality.EDUCATION_MODEL
    assert "utdanningsnivå (SSB 09429)" in json.dumps(drawn(answer), default=str, ensure_ascii=False)

    def views(search: str) -> dict:
        from app.web.views.export import render_views

        with app.server.app_context():
            rendered = render_views(municipality.PAGE, f"?kommune=4622&survey=demo_national{search}", "nb")
        return {v.id: v for v in rendered.views}

    plain, educated = views(""), views("&model=education")
    kvam = place(db, "4622")
    with_education = survey_figures(db, "demo_national", [("q22", (1, 2))], kvam, 10, education=True)["q22"][-1]
    without = survey_figures(db, "demo_national", [("q22", (1, 2))], kvam, 10)["q22"][-1]
    assert with_education.estimate != pytest.approx(without.estimate, abs=1e-6)
    table = educated[municipality.SURVEY_TABLE]
    row = next(r for r in table.table.rows if "flytte" in r["figure"].lower())
    assert row["model"] == pytest.approx(round(100 * with_education.estimate, 1))
    assert "09429" in table.method and "09429" not in plain[municipality.SURVEY_TABLE].method
    county_map = educated[municipality.MODEL_MAP]
    assert "09429" in county_map.source and "09429" not in plain[municipality.MODEL_MAP].source


def test_education_is_not_offered_for_a_survey_without_the_mapping(app):
    answer = page_answer(app, municipality, "?kommune=4622&survey=demo_ansatte&model=education", "nb")
    assert [o["value"] for o in answer[f"{municipality.MODEL_KIND}.options"]] == [municipality.BASE_MODEL]
    assert answer[f"{municipality.MODEL_KIND}.value"] == municipality.BASE_MODEL


def test_the_data_files_cite_the_municipality_at_its_own_address(client):
    """A file's citation is the address the page itself shows: ``/kommune/4622?…``."""
    metadata = json.loads(client.get("/data/kommune.metadata.json?kommune=4622&lang=nn").data)
    address = next(value for key, value in metadata.items() if key == "address")
    assert "/kommune/4622?" in address and "kommune=" not in address


@pytest.mark.parametrize(
    "search", ["?kommune=4622&survey=demo_national", "?kommune=hardangerradet&survey=demo_national"]
)
def test_the_figures_are_the_same_as_plotly_validated_them(app, monkeypatch, search):
    """The page builds its figures from dicts without Plotly's validation of each property (``figure_of``):
    with validation switched on, every figure comes out the same, number for number."""
    from dash._utils import to_json

    from app.web.kit import charts

    def figures() -> dict:
        answer = page_answer(app, municipality, search, "nn")  # each chart's figure is an output of its own
        return {
            key.removesuffix(".figure"): json.loads(to_json(value))
            for key, value in answer.items()
            if key.endswith(".figure")
        }

    fast = figures()
    monkeypatch.setattr(charts, "VALIDATE", True)
    checked = figures()
    assert set(fast) >= {municipality.TREND, municipality.PYRAMID, municipality.MODEL_MAP, municipality.EDUCATION}
    assert fast == checked


def test_a_standing_chart_is_sent_as_plotly_sends_a_figure_and_the_figure_is_left_as_it_was(app):
    """``charts.figure_json`` skips Plotly's deep copy of every number: it must give what ``to_dict`` gives
    (typed arrays included: the county map's boundaries) and leave the view's figure, which the exports use,
    unchanged."""
    from dash._utils import to_json

    from app.web.kit.charts import figure_json
    from app.web.views.export import render_views

    with app.server.test_request_context("/"):
        views = render_views(municipality.PAGE, "?kommune=4622&survey=demo_national", "nb").views
    figures = [v.figure for v in views if v.figure is not None]
    assert len(figures) == 6
    for figure in figures:
        before = to_json(figure.to_dict())
        assert json.loads(to_json(figure_json(figure))) == json.loads(before)
        assert to_json(figure.to_dict()) == before
    assert "bdata" in to_json(figure_json(next(v.figure for v in views if v.id == municipality.MODEL_MAP)))
