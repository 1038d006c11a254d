"""A regional council's start page, ``/region/<slug>`` (issue 24 §1): the region's name and members, its key
figures, its own measures catalogue counted per place, and only the surveys the visitor may see."""

from __future__ import annotations

import json
import secrets

import pytest
from plotly.utils import PlotlyJSONEncoder
from sqlalchemy import delete, select

from app.db.models import AppUser, MeasureProgress, Region
from app.db.regions import add_region
from app.db.users import add_user
from app.db.visibility import set_visibility
from app.ingest.editing import save_progress
from app.query.measures import STATUSES, catalogue, progress_grid
from app.query.overview import key_figures
from app.web.pages import region
from app.web.views import interval_text, percent_text
from tests.accounts import PASSWORD, committed, csrf, logged_in
from tests.dash_calls import callback_request
from tests.page_answers import drawn, page_answer

HARDANGER = {"4618": "Ulvik", "4619": "Eidfjord", "4620": "Ullensvang", "4622": "Kvam"}
OWN_SURVEY = "demo_ansatte"  # the employee survey: a council's own


def _render(app, session, search: str, lang: str = "nb") -> dict:
    """The page's render on ``session`` (which sees the test's own uncommitted writes)."""
    with app.server.app_context():
        state = region.STATE.parse(session, app.server.config["FJERNARBEID"], search, lang)
        return region.render(state, session)


def _row(answer: dict, place: str) -> dict:
    view = next(v for v in answer["views"] if v.id == region.MEASURES)
    return next(r for r in view.table.rows if r["place"] == place)


def test_the_start_page_names_the_region_and_links_its_members(app, db):
    answer = page_answer(app, region, "?region=hardangerradet&survey=demo_national")
    text = json.dumps(drawn(answer), cls=PlotlyJSONEncoder, ensure_ascii=False)
    assert "render-failed" not in text and "database-error" not in text
    assert '"children": "Hardangerrådet"' in json.dumps(answer[region.HEAD], cls=PlotlyJSONEncoder, ensure_ascii=False)
    for number, name in HARDANGER.items():
        assert f'"href": "/kommune/{number}"' in text and name in text
    assert "/tiltak?region=hardangerradet" in text and "/kontorfellesskap?region=hardangerradet" in text
    # the key figures as Oversikt computes them, with their intervals
    figure = key_figures(db, "demo_national", [("q22", (1, 2))], "hardangerradet", 10)["q22"]
    assert figure.estimate is not None and percent_text(figure.estimate, "nb") in text
    assert interval_text(figure.ci_low, figure.ci_high, "nb") in text and "Vestland" in text


def test_oversikt_links_to_the_chosen_region_s_start_page(app):
    from app.web.pages import overview

    answer = page_answer(app, overview, "?region=hardangerradet")
    assert '"href": "/region/hardangerradet?' in json.dumps(answer["content"], cls=PlotlyJSONEncoder)


def test_the_catalogue_counts_are_the_region_s_own(app, db):
    """A progress record in the region moves its count; a second region's copy of the catalogue is untouched."""
    add_region(db, "landingtest", "Landingtest", ["4613", "4614"], "test")
    whole = "Hardangerrådet (hele regionen)"
    before = _row(_render(app, db, "?region=hardangerradet"), whole)
    grid = progress_grid(db, "hardangerradet")
    areas = catalogue(db, "hardangerradet")
    activity = next(a for area in areas for a in area.activities if grid.get(a.id, "region").status != "done")
    was = grid.get(activity.id, "region").status
    save_progress(db, "test", activity.id, "region:hardangerradet", {"status": "done"}, version=_version(db, activity))
    after = _row(_render(app, db, "?region=hardangerradet"), whole)
    assert after["done"] == before["done"] + 1 and after[was] == before[was] - 1
    assert sum(after[s] for s in STATUSES) == sum(len(a.activities) for a in areas)
    other = next(v for v in _render(app, db, "?region=landingtest")["views"] if v.id == region.MEASURES)
    assert [r["place"] for r in other.table.rows] == ["Bømlo", "Stord", "Landingtest (hele regionen)"]
    assert all(r["done"] == 0 for r in other.table.rows)


def _version(db, activity) -> int | None:
    return db.scalar(
        select(MeasureProgress.version).where(
            MeasureProgress.activity_id == activity.id, MeasureProgress.region_id.is_not(None)
        )
    )


def test_an_unknown_region_is_a_404_and_the_old_address_is_the_page_itself(client):
    assert client.get("/region/finst-ikkje").status_code == 404
    page = client.get("/region/hardangerradet")
    assert page.status_code == 200  # no longer a redirect to /kommune/hardangerradet
    assert client.get("/region").status_code == 200  # the default region
    data = client.get("/data/region.csv?region=hardangerradet&chart=region-measures")
    assert data.status_code == 200 and "Kvam" in data.get_data(as_text=True)


@pytest.fixture
def accounts(engine, module_app):
    """An editor of Hardangerrådet and one of another region, logged in; the employee survey kept to
    Hardangerrådet while the test runs."""
    tag = secrets.token_hex(3)
    other = f"landing-{tag}"
    names = {"hardanger": f"landing-h-{tag}", "other": f"landing-o-{tag}"}
    with committed(engine) as session:
        add_region(session, other, "Sunnhordland (landing)", ["4613", "4614"], "test")
        add_user(session, names["hardanger"], "editor", PASSWORD, "test", region="hardangerradet")
        add_user(session, names["other"], "editor", PASSWORD, "test", region=other)
        set_visibility(session, OWN_SURVEY, "region", "test", region="hardangerradet")
    clients = {key: logged_in(module_app, name) for key, name in names.items()}
    clients["anonymous"] = logged_in(module_app, None)
    yield clients
    with committed(engine) as session:
        set_visibility(session, OWN_SURVEY, "public", "test")
        session.execute(delete(AppUser).where(AppUser.name.in_(names.values())))
        session.execute(delete(Region).where(Region.slug == other))


def test_a_region_only_survey_is_listed_only_for_the_region_s_accounts(accounts, module_app):
    request = callback_request(
        module_app,
        f"{region.ID}-url",
        {f"{region.ID}-url.pathname": "/region/hardangerradet", f"{region.ID}-url.search": ""},
    )

    def listed(who: str) -> tuple[bool, bool]:
        client = accounts[who]
        answer = client.post("/_dash-update-component", json=request, headers=csrf(client))
        assert answer.status_code == 200
        text = answer.get_data(as_text=True)
        return f"region-survey-{OWN_SURVEY}" in text, "region-survey-demo_national" in text

    assert listed("hardanger") == (True, True)
    assert listed("anonymous") == (False, True)
    assert listed("other") == (False, True)
