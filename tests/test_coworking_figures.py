"""Coworking page: the query layer on the seeded example inventory and the pure figure builders."""

import json
import math

import pytest
from sqlalchemy import select

from app.query.boundaries import boundaries, neighbours
from app.query.coworking import (
    MunicipalityCapacity,
    capacity_by_municipality,
    list_spaces,
    municipalities_without_space,
    total_seats,
    unknown_seats,
)
from app.query.overview import coworking_capacity
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


def _unknown_in_kvam(db) -> tuple[str, int]:
    """One active Kvam space's seats made unknown (NULL): its name and the seats it had."""
    from app.db.models import CoworkingSpace

    space = db.scalars(
        select(CoworkingSpace)
        .where(CoworkingSpace.kommunenummer == "4622", CoworkingSpace.status == "active")
        .order_by(CoworkingSpace.name)
    ).first()
    had = space.seats
    space.seats = None
    db.flush()
    return space.name, had


def test_unknown_seats_are_counted_as_unknown_never_as_0(db):
    before = total_seats(db, "hardangerradet")
    kvam_before = {m.kommunenummer: m for m in capacity_by_municipality(db, "hardangerradet")}["4622"]
    name, had = _unknown_in_kvam(db)
    assert total_seats(db, "hardangerradet") == before - had  # the known seats only
    assert unknown_seats(db, "hardangerradet") == 1
    assert next(s for s in list_spaces(db, "hardangerradet") if s.name == name).seats is None
    kvam = {m.kommunenummer: m for m in capacity_by_municipality(db, "hardangerradet")}["4622"]
    assert (kvam.spaces, kvam.seats, kvam.unknown_seats) == (kvam_before.spaces, kvam_before.seats - had, 1)
    overview = coworking_capacity(db, "hardangerradet")
    assert (overview["seats"], overview["unknown_seats"]) == (before - had, 1)
    row = next(r for r in demand_rows([kvam], 0.5) if r.kommunenummer == "4622")
    assert row.unknown_seats == 1 and not row.seats_unknown  # Kvam's other space still says how many
    every_unknown = MunicipalityCapacity("4622", "Kvam", 8000, 4, 2, 0, 4000, "2022-Q4", unknown_seats=2)
    only = demand_rows([every_unknown], 0.5)[0]
    assert only.seats_unknown and only.seats_per_1000 is None and only.seats_per_1000_remote is None


def test_the_page_says_how_many_spaces_have_unknown_seats(db, app):
    """The page, its table and its exports: "unknown" on the page, an empty cell (CSV) or null (JSON) out of it,
    and the meaning in the view's method. The page is drawn with the test's own session (its change unseen by
    anyone else), as its callback draws it."""
    from app.web.pages import coworking
    from app.web.views.export import Rendered, to_csv, to_json

    name, _had = _unknown_in_kvam(db)
    config = app.server.config["FJERNARBEID"]
    search = "?region=hardangerradet&survey=demo_national"
    for lang, word, phrase in (
        ("nb", "ukjent", "1 kontorfellesskap uten oppgitt antall plasser"),
        ("nn", "ukjend", "1 kontorfellesskap utan oppgitt tal på plassar"),
        ("en", "unknown", "1 space without a stated number of seats"),
    ):
        with app.server.app_context():
            state = coworking.STATE.parse(db, config, search, lang)
            outputs = coworking.render(state, db)
        text = json.dumps(outputs["content"], default=str, ensure_ascii=False)
        assert phrase in text, lang
        assert word in text, lang  # the capacity table and the grid's seats column
        spaces_view = next(v for v in outputs["views"] if v.id == coworking.MAP)
        row = next(r for r in spaces_view.table.rows if r["name"] == name)
        assert row["seats"] is None
        column = next(c for c in spaces_view.table.columns if c.key == "seats")
        assert spaces_view.table.cell_text(row, column, lang) == word
        if lang == "nb":
            assert "ikke 0" in spaces_view.method
            with app.server.app_context():
                rendered = Rendered(coworking.PAGE, state, outputs["views"], 1, config.min_n)
                csv_text = to_csv(rendered, spaces_view).decode("utf-8-sig")
                document = json.loads(to_json(rendered, [spaces_view]))
            assert any(line.startswith(f"{name};Kvam;;") for line in csv_text.splitlines())
            exported = next(r for r in document["views"][0]["rows"] if r["name"] == name)
            assert exported["seats"] is None
            assert "ikke 0" in document["metadata"]["method"]
