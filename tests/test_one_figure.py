"""One figure, one number (issue 20, §1 and §2).

§2: the same survey figure has the same digits wherever it is shown — the Overview card, the Kommune
comparison, both pages' data files (csv, json) and the view that slides and images are drawn from —
because it is rounded once, from the exact value, to a tenth of a percentage point.

§1: each column of the Kommune comparison comes from a survey whose respondents cover its area: a survey
of Hardanger's residents gives Kvam and Hardangerrådet, never Vestland or Norway.
"""

from __future__ import annotations

import csv
import io
import json
import re

from app.query.municipality import place, sampled_municipalities, survey_figures
from app.web.pages import municipality, overview
from tests.page_answers import page_answer

OVERVIEW = "?survey=demo_national&region=hardangerradet"  # Hardangerrådet too small: Vestland's figures
KOMMUNE = "?kommune=4622&survey=demo_national"
HARDANGER_KVAM = "?kommune=4622&survey=demo_hardanger"
NATIONAL_TITLE = "Syntetiske demodata – landsdekkende"
HARDANGER_TITLE = "Syntetiske demodata – Hardanger"


def _texts(component) -> list[str]:
    """Every text of a Dash answer, in order (components as plain JSON)."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            walk(node.get("props", {}).get("children"))

    walk(json.loads(json.dumps(component, default=lambda c: c.to_plotly_json())))
    return found


def _by_id(component, wanted: str):
    """The component with id ``wanted`` in a Dash answer (as plain JSON)."""
    stack = [json.loads(json.dumps(component, default=lambda c: c.to_plotly_json()))]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            props = node.get("props", {})
            if props.get("id") == wanted:
                return node
            stack.append(props.get("children"))
    raise AssertionError(f"no component {wanted!r}")


def _csv_rows(client, address: str) -> list[list[str]]:
    text = client.get(address).data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _json_view(client, address: str, view_id: str) -> dict:
    document = json.loads(client.get(address).data)
    return next(v for v in document["views"] if v["id"] == view_id)


def _slide_cells(app, path: str, search: str, chart: str) -> list[str]:
    """The texts of the slide (presentation mode; images and handouts are drawn from the same view)."""
    from app.web.views.present import slide

    with app.server.app_context():
        return _texts(slide(path, f"{search}&present=1&chart={chart}", "nb"))


def test_the_vestland_share_has_the_same_digits_on_every_page_slide_and_data_file(app, client):
    """Exact 23,457 % (q22 in Vestland, national demo): 23,5 % everywhere — not 23 % on Oversikt and 24 % on
    Kommune; its interval the same digits everywhere too (q12: 37,5–65,5, not 37–65 here and 38–66 there)."""
    share, low, high = "23,5", "13,3", "38,1"  # q22, Vestland
    weekly = ("51,6", "37,5", "65,5")  # q12, Vestland

    # Oversikt: the card and its data files (Hardangerrådet has too few: the card says Vestland)
    answer = page_answer(app, overview, OVERVIEW)
    card = " ".join(_texts(_by_id(answer["content"], "overview-card-willing")))
    assert f"{share}\u00a0%" in card and f"{low}\u00a0%–{high}\u00a0%" in card and "Vestland" in card
    weekly_card = " ".join(_texts(_by_id(answer["content"], "overview-card-weekly")))
    assert f"{weekly[0]}\u00a0%" in weekly_card and f"{weekly[1]}\u00a0%–{weekly[2]}\u00a0%" in weekly_card
    header, *rows = _csv_rows(client, f"/data/oversikt.csv{OVERVIEW}&chart={overview.KEY_FIGURES}")
    willing = next(r for r in rows if r and r[0].startswith("Synes det er aktuelt å flytte"))
    assert [willing[header.index(h)] for h in ("value", "ci_low", "ci_high")] == [share, low, high]
    view = _json_view(client, f"/data/oversikt.json{OVERVIEW}", overview.KEY_FIGURES)
    row = next(r for r in view["rows"] if r["figure"].startswith("Synes det er aktuelt å flytte"))
    assert [str(row[k]).replace(".", ",") for k in ("value", "ci_low", "ci_high")] == [share, low, high]
    assert _slide_cells(app, "/", OVERVIEW, overview.KEY_FIGURES).count(share) == 1

    # Kommune: the comparison table's Vestland column, its data files and its slide
    answer = page_answer(app, municipality, KOMMUNE)
    table = _texts(_by_id(answer["content"], municipality.SURVEY_TABLE))
    assert f"{share}\u00a0% ({low}\u00a0%–{high}\u00a0%), n = 51" in table
    assert f"{weekly[0]}\u00a0% ({weekly[1]}\u00a0%–{weekly[2]}\u00a0%), n = 53" in table
    header, *rows = _csv_rows(client, f"/data/kommune.csv{KOMMUNE}&chart={municipality.SURVEY_TABLE}")
    willing = next(r for r in rows if r and r[0].startswith("Synes det er aktuelt å flytte"))
    assert [willing[header.index(c)] for c in ("county", "county_low", "county_high")] == [share, low, high]
    view = _json_view(client, f"/data/kommune.json{KOMMUNE}", municipality.SURVEY_TABLE)
    row = next(r for r in view["rows"] if r["figure"].startswith("Synes det er aktuelt å flytte"))
    assert [str(row[k]).replace(".", ",") for k in ("county", "county_low", "county_high")] == [share, low, high]
    cells = _slide_cells(app, "/kommune", KOMMUNE, municipality.SURVEY_TABLE)
    assert share in cells and low in cells and high in cells


def test_no_page_text_shows_a_share_to_fewer_digits_than_its_data(app):
    """The Kommune comparison writes every share and bound with the tenth its data file carries."""
    answer = page_answer(app, municipality, HARDANGER_KVAM)
    for text in _texts(_by_id(answer["content"], municipality.SURVEY_TABLE)):
        for number in re.findall(r"(\d+(?:,\d+)?)\u00a0%", text):
            assert "," in number, text


def test_the_share_computed_beside_a_published_figure_has_its_tenth_and_so_has_its_interval(app):
    """Undersøking's "computed from these data" beside a published figure: share and bounds both to a tenth."""
    from app.web.pages import survey

    texts = _texts(page_answer(app, survey, "?survey=demo_national&question=q22")["content"])
    computed = [t for t in texts if re.search(r"95\s%-intervall .*n = ", t)]
    assert computed, texts[:20]
    for text in computed:
        numbers = re.findall(r"(\d+(?:,\d+)?)\s%", re.sub(r"95\s%-intervall", "", text))
        assert len(numbers) >= 3 and all("," in n for n in numbers), text


def test_a_regional_survey_fills_only_the_columns_it_covers(app, client, db):
    """With the Hardanger demo chosen, Kvam and Hardangerrådet come from it (237 and 600 respondents);
    Vestland and Norway from the national demo, whose respondents cover them — never the 600 again."""
    view = _json_view(client, f"/data/kommune.json{HARDANGER_KVAM}", municipality.SURVEY_TABLE)
    weekly = next(r for r in view["rows"] if r["figure"].startswith("Bruker hjemmekontor"))
    assert weekly["municipality_n"] == 237 and weekly["region_n"] == 600
    assert weekly["municipality_survey"].startswith(HARDANGER_TITLE)
    assert weekly["region_survey"].startswith(HARDANGER_TITLE)
    assert weekly["county_n"] == 53 and weekly["national_n"] == 500
    assert weekly["county_survey"].startswith(NATIONAL_TITLE)
    assert weekly["national_survey"].startswith(NATIONAL_TITLE)
    assert weekly["county"] != weekly["region"] and weekly["national"] != weekly["region"]
    document = json.loads(client.get(f"/data/kommune.json{HARDANGER_KVAM}").data)
    assert NATIONAL_TITLE in json.dumps(document, ensure_ascii=False)  # the view's source names both surveys
    # the page names each column's survey under the area
    answer = page_answer(app, municipality, HARDANGER_KVAM)
    header = _texts(_by_id(answer["content"], municipality.SURVEY_TABLE))
    assert sum(t.startswith(NATIONAL_TITLE) for t in header) == 2
    assert sum(t.startswith(HARDANGER_TITLE) for t in header) >= 2
    assert sampled_municipalities(db, "demo_hardanger") == {"4622", "4620", "4619", "4618"}
    assert sampled_municipalities(db, "demo_national") is None  # the whole country


def test_the_region_page_takes_the_county_and_the_country_from_a_survey_that_covers_them(client):
    view = _json_view(
        client, "/data/kommune.json?kommune=hardangerradet&survey=demo_hardanger", municipality.SURVEY_TABLE
    )
    weekly = next(r for r in view["rows"] if r["figure"].startswith("Bruker hjemmekontor"))
    assert weekly["region_n"] == 600 and weekly["region_survey"].startswith(HARDANGER_TITLE)
    assert weekly["county_n"] == 53 and weekly["county_survey"].startswith(NATIONAL_TITLE)
    assert weekly["national_n"] == 500 and weekly["national_survey"].startswith(NATIONAL_TITLE)


def test_without_a_survey_covering_the_area_the_column_stays_empty_and_says_why(db):
    kvam = place(db, "4622")
    figures = survey_figures(db, "demo_hardanger", [("q12", (1, 2, 3))], kvam, 10, others=[])["q12"]
    by_level = {f.level: f for f in figures}
    assert by_level["municipality"].n == 237 and by_level["region"].n == 600
    for level in ("county", "national"):
        assert by_level[level].estimate is None and by_level[level].survey is None
        assert by_level[level].reason == "not_covered"


def test_too_few_in_the_municipality_points_to_the_survey_that_has_enough(app):
    """The national demo has too few in Kvam; the Hardanger demo has 237: the page says so and links to it."""
    answer = page_answer(app, municipality, KOMMUNE)
    hint = _by_id(answer["content"], "municipality-better-survey")
    text = " ".join(_texts(hint))
    assert "for få svar i Kvam" in text and "237" in text and HARDANGER_TITLE in text
    links = [
        n["props"]["href"]
        for n in json.loads(json.dumps(hint, default=str))["props"]["children"]
        if isinstance(n, dict)
    ]
    assert any("survey=demo_hardanger" in href and "kommune=4622" in href for href in links)
    # with enough respondents in the chosen survey there is nothing to point to
    answer = page_answer(app, municipality, HARDANGER_KVAM)
    assert "municipality-better-survey" not in json.dumps(answer["content"], default=lambda c: c.to_plotly_json())


def test_the_overview_never_shows_a_regional_survey_for_the_country(client):
    """With the Hardanger demo chosen and all of Norway as the area, the Overview's key figures stay empty
    and say why, instead of showing Hardanger's 600 as Norway; for Hardangerrådet they are its own."""
    norway = _json_view(client, "/data/oversikt.json?survey=demo_hardanger&region=norge", overview.KEY_FIGURES)
    assert norway["rows"] and all(r["value"] is None and r["n"] is None for r in norway["rows"])
    region = _json_view(client, "/data/oversikt.json?survey=demo_hardanger&region=hardangerradet", overview.KEY_FIGURES)
    weekly = next(r for r in region["rows"] if r["figure"].startswith("Bruker hjemmekontor"))
    assert weekly["n"] == 600 and weekly["area"] == "Hardangerrådet"


def test_the_overview_card_says_the_survey_does_not_cover_the_area(app):
    answer = page_answer(app, overview, "?survey=demo_hardanger&region=norge")
    card = " ".join(_texts(_by_id(answer["content"], "overview-card-weekly")))
    assert "dekker ikke dette området" in card and "n = 600" not in card
