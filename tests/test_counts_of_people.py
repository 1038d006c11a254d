"""Issue 20 §4: counts of people come from the population a share is a share of. The coworking page's
"employed residents who use home office at least weekly" is the survey's share of employed people × the
municipality's employed residents (SSB 11618), not × its whole population, and says which table and
quarter; the Kommune page's commuting total (SSB 03321) is labelled as the commuting table's count."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.db.models import MunicipalityStatistic

SEARCH = "?survey=demo_national&region=hardangerradet&chart=coworking-demand-chart"


def _employed(db, number: str) -> int:
    return db.scalar(
        select(MunicipalityStatistic.value).where(
            MunicipalityStatistic.kommunenummer == number,
            MunicipalityStatistic.measure == "employed_by_residence_15_74",
            MunicipalityStatistic.period == "2022-Q4",
        )
    )


def _demand(client, lang: str = "nb") -> dict:
    response = client.get(f"/data/kontorfellesskap.json{SEARCH}&lang={lang}")
    assert response.status_code == 200
    (view,) = json.loads(response.data)["views"]
    return view


def test_weekly_home_office_is_counted_among_employed_residents_with_table_and_quarter(client, db):
    view = _demand(client)
    headers = {c["key"]: c["header"] for c in view["columns"]}
    assert "11618" in headers["employed"] and "4. kvartal 2022" in headers["employed"]
    assert "Sysselsatte" in headers["remote"]
    rows = {r["municipality"]: r for r in view["rows"]}
    kvam, ulvik = rows["Kvam"], rows["Ulvik"]
    assert (kvam["employed"], ulvik["employed"]) == (_employed(db, "4622"), _employed(db, "4620")) == (4258, 512)
    # the same share applies to every municipality: the counts stand as the employed residents do
    share = kvam["remote"] / kvam["employed"]
    assert 0.3 < share < 0.6
    assert ulvik["remote"] == round(share * 512, -1)
    # never the whole population (Kvam 8 490 residents gave 3 910)
    assert kvam["remote"] < kvam["population"] * 0.3
    assert kvam["remote"] <= 0.6 * 4258


def test_the_indicator_names_its_source_in_the_data_file(client):
    document = json.loads(client.get(f"/data/kontorfellesskap.json{SEARCH}&lang=en").data)
    source = document["metadata"]["source"]
    assert "table 11618, Q4 2022" in source


def test_the_kommune_page_names_each_count_of_employed_residents_by_its_table(app, db):
    """Kvam's employed residents: 4 258 in SSB 11618 (as the coworking page and the mobility share use them) and
    the commuting matrix's 4 204 (SSB 03321) on the Kommune page, each named by its table."""
    from app.query.municipality import employed_residents
    from app.web.kit.page_state import render_page
    from app.web.pages import municipality
    from tests.page_answers import drawn

    assert employed_residents(db, ("4622",), 2022) == 4258
    assert employed_residents(db, ("4618", "4619", "4620", "4622"), 2022) == 10_881  # the mobility share's
    with app.server.app_context():
        content = drawn(render_page(municipality.PAGE, "?kommune=4622", "en"))
    text = json.dumps(content, default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    assert "4,204 employed residents in the commuting table" in text
    assert "table 11618 counts 4,258 employed residents aged 15–74 in Q4 2022" in text
    assert "Employed residents (commuting table 03321)" in text
