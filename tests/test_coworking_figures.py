"""Coworking page: the query layer on the seeded example inventory and the pure figure builders."""

import math

import pytest

from app.query.boundaries import boundaries, neighbours
from app.query.coworking import (
    MunicipalityCapacity,
    capacity_by_municipality,
    list_spaces,
    municipalities_without_space,
    total_seats,
)
from app.web.pages.coworking.figures import demand_figure, demand_rows, map_figure

HARDANGER = {"4618", "4619", "4620", "4622"}


def test_spaces_and_capacity_follow_the_status_filter(db):
    active = list_spaces(db, "hardangerradet")
    assert active and all(s.status == "active" and s.is_example for s in active)
    assert total_seats(db, "hardangerradet") == sum(s.seats for s in active)
    both = total_seats(db, "hardangerradet", ("active", "planned"))
    assert both > total_seats(db, "hardangerradet")
    capacity = capacity_by_municipality(db, "hardangerradet")
    assert {m.kommunenummer for m in capacity} == HARDANGER
    assert sum(m.seats for m in capacity) == total_seats(db, "hardangerradet")
    assert all(m.population > 0 for m in capacity)


def test_municipalities_without_space_depend_on_the_status(db):
    assert municipalities_without_space(db, "hardangerradet") == []
    planned_only = {m.name for m in municipalities_without_space(db, "hardangerradet", ("planned",))}
    assert planned_only == {"Kvam", "Ulvik", "Eidfjord"}


def test_boundaries_are_read_from_the_local_file_with_neighbours():
    scope = boundaries(HARDANGER | {"9999"})
    assert set(scope) == HARDANGER and scope["4622"][0] == "Kvam"
    around = neighbours(scope)
    assert "4621" in around and not HARDANGER & set(around)  # Voss borders Ulvik and Kvam


def test_demand_rows_use_share_times_employed_residents():
    capacity = [
        MunicipalityCapacity("4622", "Kvam", 8000, 4, 2, 20, 4000, "2022-Q4"),
        MunicipalityCapacity("4619", "E", 1000, 6, 0, 0, 500, "2022-Q4"),
    ]
    rows = demand_rows(capacity, 0.5)
    assert rows[0].remote_weekly == 2000 and rows[0].seats_per_1000_remote == pytest.approx(10.0)
    assert rows[0].employed == 4000 and rows[0].employed_period == "2022-Q4"
    assert rows[0].seats_per_1000 == pytest.approx(2.5)
    assert rows[1].seats_per_1000_remote == 0
    assert all(r.remote_weekly is None for r in demand_rows(capacity, None))
    # without employed residents there is no count (never the whole population instead)
    assert demand_rows([MunicipalityCapacity("4622", "Kvam", 8000, 4, 2, 20)], 0.5)[0].remote_weekly is None


def test_capacity_carries_the_employed_residents_of_ssb_11618(db):
    capacity = {m.kommunenummer: m for m in capacity_by_municipality(db, "hardangerradet")}
    assert (capacity["4622"].employed, capacity["4620"].employed) == (4258, 512)
    assert {m.employed_period for m in capacity.values()} == {"2022-Q4"}


def test_demand_figure_is_translated_and_explains_a_suppressed_share():
    capacity = [MunicipalityCapacity("4622", "Kvam", 8000, 4, 2, 20, 4000, "2022-Q4")]
    fig = demand_figure(demand_rows(capacity, 0.5), "nb")
    assert fig.data[0].text == ("10,0",) and "Arbeidsplasser" in fig.layout.title.text
    empty = demand_figure(demand_rows(capacity, None), "en")
    assert "Too few respondents" in empty.layout.annotations[0].text


def test_map_figure_uses_no_tiles_and_keeps_the_proportions(db):
    spaces = list_spaces(db, "hardangerradet")
    scope = boundaries(HARDANGER)
    fig = map_figure(scope, {}, spaces, {"4620"}, "nb")
    assert all(trace.type == "scatter" for trace in fig.data)  # no mapbox/geo traces: nothing from the internet
    assert not {"map", "mapbox", "geo"} & set(fig.to_plotly_json()["layout"])
    ratio = fig.layout.yaxis.scaleratio
    assert (
        fig.layout.yaxis.scaleanchor == "x"
        and 1.9 < ratio < 2.1
        and ratio == pytest.approx(1 / math.cos(math.radians(sum(fig.layout.yaxis.range) / 2)), rel=0.01)
    )
    hatched = [t for t in fig.data if t.fillpattern and t.fillpattern.shape == "/"]
    assert [t.text for t in hatched] == ["Ulvik"]
    markers = [t for t in fig.data if t.mode == "markers"]
    assert sum(len(t.x) for t in markers) == len(spaces)
