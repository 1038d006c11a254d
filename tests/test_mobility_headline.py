"""Issue 20 §5: the mobility headline says what its number is. A pool of people who say they would consider
moving, not a forecast and with no time frame, with the region's actual net migration (SSB 06913) beside it;
the result if "would move" and "find rural municipalities attractive" were unrelated, in the headline's range
and the sensitivity chart; what the attraction switch does, in words and numbers; and the defaults with their
reasons. The page, its data address and ``fjernarbeid mobility`` say the same."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from app.query import mobility
from app.query.mobility import publishable, round_people, standard_conditions
from app.web.kit.page_state import render_page
from app.web.pages import mobility as page

DEFAULT = "?survey=demo_national&region=hardangerradet"


@pytest.fixture
def page_app(app_config):
    from app.db import session as db_session
    from app.web import create_app

    app = create_app(app_config)
    with app.server.app_context():
        yield app
    db_session.configure(app_config)


def _text(component) -> str:
    """Every string in a component tree, joined."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def _find(component, component_id):
    if isinstance(component, (list, tuple)):
        return next((f for c in component if (f := _find(c, component_id)) is not None), None)
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    return None if children is None or isinstance(children, (str, int, float)) else _find(children, component_id)


def _regional(db, attractive: bool = True):
    result, _shares = mobility.regional_funnel(
        db, "demo_national", "hardangerradet", conditions=standard_conditions(attractive=attractive), min_n=10
    )
    return result


def test_the_regions_net_migration_is_summed_from_ssb_06913(db):
    net = mobility.net_migration(db, "hardangerradet")
    assert (net.first_year, net.last_year, net.total, net.table) == (2020, 2025, 386, "06913")


def test_the_headline_says_it_is_a_pool_not_a_forecast_with_the_actual_net_migration_beside_it(page_app):
    content = render_page(page.PAGE, DEFAULT, "nb")["content"]
    card = _text(_find(content, page.HEADLINE))
    assert "ikke en prognose" in card and "ingen tidsramme" in card and "Å være villig er ikke å flytte" in card
    assert "Mulige tilflyttere" not in card  # the old title read as people who will move in
    net = _text(_find(content, page.NET_MIGRATION))
    assert "Hardangerrådet 2020–2025" in net and "+386" in net and "tabell 06913" in net
    english = _text(_find(render_page(page.PAGE, DEFAULT, "en")["content"], page.HEADLINE))
    assert "not a forecast" in english and "no time frame" in english and "+386" in english


def test_the_result_if_would_move_and_rural_attraction_were_unrelated(db):
    result = _regional(db)
    last = result.steps[-1]
    assert result.independent is not None and result.independent < 0.8 * last.people  # today ≈ 1 000 vs 1 600
    # the two shares over the base, multiplied, × jobs × the region's share
    unrelated = mobility.mobility_funnel(db, "demo_national", min_n=10).steps[-1].share
    attracted = mobility.condition_hypercube(
        db, mobility.survey_meta(db, "demo_national"), [mobility.Condition("attractive", "q23", (1, 2))]
    )
    share_attracted = sum(r[2] for r in attracted if r[0][0] is not None) / sum(r[2] for r in attracted)
    assert result.independent == pytest.approx(1_300_000 * unrelated * share_attracted * result.region_share)
    ranges = {r["assumption"]: (r["low"], r["high"]) for r in result.sensitivity}
    assert ranges["attraction_link"] == pytest.approx((result.independent, last.people))
    assert result.overall_low < result.independent  # the headline's range covers it
    assert _regional(db, attractive=False).independent is None  # no attraction step, nothing to say


def test_the_unrelated_reading_is_in_the_headline_and_the_sensitivity_data(page_app, client, db):
    shown = publishable(_regional(db))
    content = render_page(page.PAGE, DEFAULT, "en")["content"]
    words = _text(_find(content, page.INDEPENDENT))
    assert f"would be about {round_people(shown.independent):,.0f}" in words and "invented" in words
    assert shown.overall_low <= shown.independent
    document = json.loads(client.get(f"/data/mobilitet.json{DEFAULT}&chart={page.TORNADO_CHART}&lang=en").data)
    rows = {r["assumption"]: (r["low"], r["high"]) for r in document["views"][0]["rows"]}
    link = next(v for k, v in rows.items() if "go together" in k)
    assert link == (shown.independent, shown.steps[-1].people)


def test_the_attraction_switch_says_what_it_does_in_words_and_numbers(page_app, db):
    content = render_page(page.PAGE, DEFAULT, "en")["content"]
    effect = _text(_find(content, page.SWITCH_EFFECT))
    on, off = publishable(_regional(db)).steps[-1].people, publishable(_regional(db, False)).steps[-1].people
    assert on > 1.5 * off  # the switch doubles the result (760 → 1 600 today)
    assert f"switched off gives about {off:,.0f}" in effect and f"switched on, about {on:,.0f}" in effect
    assert "shared among all municipalities" in effect and "shared among the rural municipalities" in effect
    # the same sentence when the switch is off
    off_page = _text(_find(render_page(page.PAGE, DEFAULT + "&filters=none", "en")["content"], page.SWITCH_EFFECT))
    assert off_page == effect


def test_the_switch_and_the_defaults_are_explained_beside_the_checklist():
    layout = page.layout("en")
    switch = _text(_find(layout, f"{page.FILTERS}-attractive-help"))
    assert "does two things" in switch and "centrality classes 4–6" in switch
    defaults = _text(_find(layout, f"{page.FILTERS}-defaults-help"))
    assert "off by default" in defaults and "take the job along" in defaults and "trip to the office" in defaults
    assert "NORCE 2025" in defaults


def test_the_command_says_the_same(database_url, tmp_path, monkeypatch, capsys, db):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FJERNARBEID_DATA_DIR", str(tmp_path))
    args = ["mobility", "--survey", "demo_national", "--region", "hardangerradet", "--lang", "en"]
    assert main([*args, "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    shown = publishable(_regional(db))
    assert payload["independent"] == shown.independent
    notes = " ".join(payload["notes"])
    assert "not a forecast" in notes and "+386" in notes and f"about {shown.independent:,.0f}" in notes
    assert {r["assumption"] for r in payload["sensitivity"]} >= {"attraction_link"}
    assert main([*args, "--format", "table"]) == 0
    assert "not a forecast" in capsys.readouterr().out


def test_those_who_already_live_in_the_region_are_left_out_when_that_reveals_no_one(db):
    """Leaving them out is a last condition (municipality of residence outside the region). With the demo
    survey fewer than 10 of those counted live in Hardanger: leaving them out would reveal them, so they stay
    counted and the result says why; with a minimum of 1 they are left out and the result says how many."""
    conditions = standard_conditions(attractive=True)
    kept, _shares = mobility.regional_funnel(db, "demo_national", "hardangerradet", conditions=conditions, min_n=10)
    default, _shares = mobility.regional_funnel(
        db, "demo_national", "hardangerradet", conditions=conditions, leave_out_residents=True, min_n=10
    )
    assert default.residents == mobility.ResidentsLeftOut(None, too_few=True)
    assert default.steps[-1].people == kept.steps[-1].people
    loose, _shares = mobility.regional_funnel(
        db, "demo_national", "hardangerradet", conditions=conditions, min_n=1, leave_out_residents=True
    )
    assert [s.key for s in loose.steps][-2:] == ["outside_region", "region"]
    members = mobility.Condition("in_region", "municipality", (4618, 4619, 4620, 4622))
    inside = mobility.mobility_funnel(db, "demo_national", conditions=[*conditions, members], min_n=1)
    expected = inside.steps[-1].people * loose.region_share
    assert expected > 0 and loose.residents.people == pytest.approx(expected)
    assert loose.steps[-1].people == pytest.approx(kept.steps[-1].people - expected)


def test_the_page_leaves_them_out_by_default_and_says_so(page_app, app_config):
    answer = render_page(page.PAGE, DEFAULT, "en")
    assert "outside" in answer[f"{page.FILTERS}.value"]
    note = _text(_find(answer["content"], page.RESIDENTS))
    assert f"fewer than {app_config.min_n} of the respondents counted live there" in note
    off = render_page(page.PAGE, DEFAULT + "&filters=attractive", "en")
    assert _find(off["content"], page.RESIDENTS) is None
    assert "outside" not in render_page(page.PAGE, "?survey=demo_national&region=norge", "en")[f"{page.FILTERS}.value"]


def test_the_command_leaves_them_out_unless_told(database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FJERNARBEID_DATA_DIR", str(tmp_path))
    args = ["mobility", "--survey", "demo_national", "--region", "hardangerradet", "--lang", "en", "--format", "json"]
    assert main(args) == 0
    assert "too few to leave out" in " ".join(json.loads(capsys.readouterr().out)["notes"])
    assert main([*args, "--no-leave-out-residents"]) == 0
    assert "already live in the region" not in " ".join(json.loads(capsys.readouterr().out)["notes"])


def test_the_overview_card_says_its_number_is_a_pool_not_a_forecast(page_app):
    from app.web.pages import overview

    card = _text(_find(render_page(overview.PAGE, "?survey=demo_national", "nb")["content"], "overview-card-mobility"))
    assert "ikke en prognose" in card and "uten tidsramme" in card
