"""Straight from SSB: ``fjernarbeid fetch ssb TABLE`` asks SSB's PxWebApi v2 and imports the answer.

No test here calls SSB. The answers are real ones, recorded elsewhere and kept unchanged in
/work/shared/real/ssb (see tests/ssb_replay.py for which answer comes from where), served by a real HTTP
server on 127.0.0.1 that the fetcher is pointed at (``FJERNARBEID_SSB_API`` / ``base``). The recorded 07459
answer was SSB's answer to a request of its older API; the v2 request shape (``/tables/{id}/data`` with
``valueCodes[…]``, ``codelist``, ``top()``/``from()``) follows SSB's PxWebApi v2 documentation and was not
exercised against SSB from here.
"""

from __future__ import annotations

import json
import re
import urllib.parse

import pytest
from sqlalchemy import func, select, update

from app.db.models import (
    CommutingFlow,
    EducationLevel,
    ImportBatch,
    MunicipalityStatistic,
    PopulationAgeSex,
    PopulationChange,
    PopulationTotal,
)
from app.errors import FjernarbeidError, ImportValidationError
from app.ingest import ssb_fetch
from app.ingest.ssb_fetch import CELL_LIMIT, QUERIES, SsbRefused, SsbUnreachable, fetch_ssb, plan
from tests.ssb_replay import ANSWERS, REAL, closed_port, replay_server

MODELS = (
    PopulationTotal,
    PopulationAgeSex,
    MunicipalityStatistic,
    CommutingFlow,
    PopulationChange,
    EducationLevel,
    ImportBatch,
)
RECORDED_07459 = ANSWERS["07459"]


def counts(session) -> dict[str, int]:
    return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def recorded_values() -> dict[str, int | None]:
    data = json.loads(RECORDED_07459.read_text(encoding="utf-8"))
    codes = list(data["dimension"]["Region"]["category"]["index"])
    return dict(zip(codes, data["value"], strict=True))


def test_a_replayed_answer_lands_in_the_database_with_ssbs_numbers(db):
    """SSB's 07459 answer (1 January 2022, 2020 numbers with K-) is translated to today's numbers and stored.
    The stored 2022 totals are zeroed first, so only the import can put SSB's figures back."""
    values = recorded_values()
    db.execute(update(PopulationTotal).where(PopulationTotal.year == 2022).values(population=0))
    steps = []
    with replay_server() as replay:
        result = fetch_ssb(db, "07459", base=replay.base, report=lambda step, *numbers: steps.append(step))
    assert replay.urls() == [r.url for r in result.requests] == [r.url for r in plan("07459", replay.base)]
    stored = {
        code: db.get(PopulationTotal, (code, 2022)).population for code in ("3101", "4622", "5501", "0301", "4601")
    }
    assert stored == {
        "3101": values["K-3001"],  # Halden: 3001 in 2022, 3101 since 2024
        "4622": values["K-4622"],
        "5501": values["K-5401"],  # Tromsø
        "0301": values["K-0301"],
        "4601": values["K-4601"],
    }
    assert result.rows > 350 and result.changed > 350
    assert "1507 Ålesund" in result.summary()  # divided in 2024: left out, and said so
    assert steps[:2] == ["download", "read"] and "save" in steps
    batch = db.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).first()
    assert (batch.kind, batch.status, batch.file_name) == ("ssb_07459", "succeeded", "ssb-api_07459_1-of-1.json")


def test_a_region_asks_for_its_municipalities_only(db):
    with replay_server() as replay:
        result = fetch_ssb(db, "07459", base=replay.base, region="hardangerradet", first_year=2022, this_year=2026)
    (sent,) = replay.requests
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(sent).query)
    assert "K-4622" in query["valueCodes[Region]"][0].split(",") and "*" not in query["valueCodes[Region]"][0]
    assert query["codelist[Region]"] == ["agg_KommSummer"] and query["valueCodes[Tid]"] == ["from(2022)"]
    assert result.rows > 0  # the replayed answer has every municipality; what SSB sends is imported


@pytest.mark.parametrize("base", ["http://127.0.0.1:{port}/api/pxwebapi/v2", "http://ssb.invalid/api/pxwebapi/v2"])
def test_no_answer_is_one_clear_error_and_nothing_changes(db, base):
    before = counts(db)
    with pytest.raises(SsbUnreachable) as failed:
        fetch_ssb(db, "07459", base=base.format(port=closed_port()), first_year=2015, timeout=5)
    assert failed.value.exit_code == 3
    message = str(failed.value)
    assert "\n" not in message and "SSB cannot be reached" in message and "nothing was changed" in message
    assert failed.value.message_id and "{host}" in failed.value.message_id  # said in the page's language too
    assert counts(db) == before


def test_a_table_the_dashboard_does_not_read_is_refused_with_its_number_and_title(db):
    before = counts(db)
    with replay_server() as replay, pytest.raises(ImportValidationError) as refused:
        fetch_ssb(db, "13861", base=replay.base)
    message = str(refused.value)
    assert "13861" in message and "Lønnsfordelingen belyst ved ulikhetsmålene" in message, message
    for number, table in ssb_fetch.TABLES.items():
        assert f"{number} ({table.title})" in message
    assert replay.requests == ["/api/pxwebapi/v2/tables/13861/data?lang=no&outputFormat=json-stat2"]
    assert counts(db) == before


def test_an_answer_that_is_not_the_table_asked_for_is_refused_and_nothing_changes(db):
    """SSB's index of production (JSON-stat 1.x) answering a request for 11618."""
    before = counts(db)
    with replay_server({"11618": REAL / "29843.json"}) as replay, pytest.raises(ImportValidationError) as refused:
        fetch_ssb(db, "11618", base=replay.base)
    assert "industry/main industrial grouping" in str(refused.value)
    assert counts(db) == before


def test_an_error_status_from_ssb_is_one_line_naming_it_and_nothing_changes(db):
    """The replay answers 404 for a table it has no recording of, as SSB does for a table it does not have."""
    before = counts(db)
    with replay_server({}) as replay, pytest.raises(SsbRefused) as refused:
        fetch_ssb(db, "06913", base=replay.base)
    message = str(refused.value)
    assert "(HTTP 404)" in message and "nothing was changed" in message and "\n" not in message, message
    assert refused.value.exit_code == 1 and len(replay.requests) == 1
    assert counts(db) == before


def test_not_a_table_number_or_region_is_refused_before_asking(db):
    with pytest.raises(FjernarbeidError, match="not an SSB table number"):
        fetch_ssb(db, "7459x", base="http://127.0.0.1:1")
    with pytest.raises(FjernarbeidError, match="hardangerradet"):
        fetch_ssb(db, "07459", base="http://127.0.0.1:1", region="atlantis")


# --- the plan: what is asked ------------------------------------------------------------------------------


def test_the_07459_request_is_the_documented_v2_get():
    (request,) = plan("07459", "https://data.ssb.no/api/pxwebapi/v2/", this_year=2026)
    assert request.url == (
        "https://data.ssb.no/api/pxwebapi/v2/tables/07459/data?lang=no&outputFormat=json-stat2"
        "&valueCodes[Region]=*&valueCodes[Kjonn]=1,2&valueCodes[Alder]=*&valueCodes[ContentsCode]=Personer1"
        "&valueCodes[Tid]=top(1)&codelist[Region]=agg_KommSummer&outputValues[Region]=aggregated"
    )


@pytest.mark.parametrize("table", sorted(QUERIES))
@pytest.mark.parametrize("first_year", [None, 2015, 1986])
def test_every_request_stays_under_the_cell_limit_and_the_years_join_up(table, first_year):
    requests = plan(table, first_year=first_year, this_year=2026)
    assert all(r.cells <= CELL_LIMIT for r in requests)
    if first_year is None:
        assert {r.years for r in requests} == {"top(1)"}
        return
    years: list[int] = []
    for request in requests:
        bounds = [int(y) for y in re.findall(r"\d{4}", request.years)]
        last = 2026 if request.years.startswith("from(") else bounds[-1]
        years += range(bounds[0], last + 1)
    assert years == list(range(first_year, 2027))  # every year once, in order, the last page open-ended


def test_a_long_series_of_07459_is_split_by_years():
    requests = plan("07459", first_year=1986, this_year=2026)
    assert len(requests) > 1 and requests[-1].years.startswith("from(")
    assert requests[0].years.startswith("[range(1986,")


def test_a_region_of_a_table_without_ssbs_grouping_asks_for_its_former_numbers_too(db):
    """Kvam was 1238 until 2020: 11618 from 2015 asks for both; the importer translates and sums."""
    from app.ingest.ssb_fetch import divisions_of, region_members

    members = region_members(db, "hardangerradet")
    (request,) = plan("11618", first_year=2015, members=members, divisions=divisions_of(db), this_year=2026)
    codes = urllib.parse.parse_qs(urllib.parse.urlsplit(request.url).query)["valueCodes[Region]"][0].split(",")
    assert "4622" in codes and "1238" in codes and "0301" not in codes
    (newest,) = plan("11618", members=members, divisions=divisions_of(db), this_year=2026)
    assert "1238" not in newest.url  # the newest year has today's numbers only


def test_a_flow_table_for_a_region_asks_for_flows_out_of_and_into_it(db):
    from app.ingest.ssb_fetch import region_members

    requests = plan("03321", members=region_members(db, "hardangerradet"), this_year=2026)
    selections = [urllib.parse.parse_qs(urllib.parse.urlsplit(r.url).query) for r in requests]
    assert [(s["valueCodes[Bokommuen]"][0] == "*", s["valueCodes[ArbstedKomm]"][0] == "*") for s in selections] == [
        (False, True),
        (True, False),
    ]


# --- the command ------------------------------------------------------------------------------------------


@pytest.fixture
def shared_counts(engine):
    def read():
        with engine.connect() as connection:
            return {m.__tablename__: connection.scalar(select(func.count()).select_from(m)) for m in MODELS}

    return read


def test_dry_run_prints_the_exact_requests_and_asks_nothing(database_url, monkeypatch, capsys, shared_counts):
    from app.cli import main

    before = shared_counts()
    with replay_server() as replay:
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.setenv("FJERNARBEID_SSB_API", replay.base)
        assert main(["fetch", "ssb", "07459", "--from", "1986", "--dry-run"]) == 0
        printed = capsys.readouterr()
        assert printed.out.splitlines() == [r.url for r in plan("07459", replay.base, 1986)]
        assert len(printed.out.splitlines()) > 1 and "nothing was asked or changed" in printed.err
        assert main(["fetch", "ssb", "11618", "--municipalities", "region", "hardangerradet", "--dry-run"]) == 0
        (url,) = capsys.readouterr().out.splitlines()
        assert url.startswith(f"{replay.base}/tables/11618/data?") and "valueCodes[Region]=4601," not in url
        assert "4622" in url and "valueCodes[Region]=*" not in url
        assert replay.requests == []
    assert shared_counts() == before


def test_without_internet_the_command_prints_one_line_exits_3_and_changes_nothing(database_url, shared_counts):
    import os
    import subprocess
    import sys

    before = shared_counts()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FJERNARBEID_SSB_API": f"http://127.0.0.1:{closed_port()}/api/pxwebapi/v2",
    }
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "fetch", "ssb", "07459", "--from", "2020"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 3, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: SSB cannot be reached at 127.0.0.1:{env['FJERNARBEID_SSB_API'].split(':')[2].split('/')[0]} "
        "(connection refused); nothing was changed. Check the internet connection (or FJERNARBEID_SSB_API) and "
        "try again."
    ]
    assert result.stdout == ""
    assert shared_counts() == before


def test_the_command_imports_the_replayed_answer(database_url, engine, monkeypatch, capsys):
    """Writes SSB's 2022 totals to the shared database: the seed has the same figures (SSB's)."""
    from app.cli import main

    values = recorded_values()
    with replay_server() as replay:
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.setenv("FJERNARBEID_SSB_API", replay.base)
        assert main(["fetch", "ssb", "07459"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("SSB 07459: 1 answer(s) from SSB's API imported.") and "Halden 3001 → 3101 (2024)" in out
    with engine.connect() as connection:
        kvam = connection.scalar(
            select(PopulationTotal.population).where(
                PopulationTotal.kommunenummer == "4622", PopulationTotal.year == 2022
            )
        )
    assert kvam == values["K-4622"]


def test_the_command_refuses_a_table_the_dashboard_does_not_read(database_url, monkeypatch, capsys, shared_counts):
    from app.cli import main

    before = shared_counts()
    with replay_server() as replay:
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.setenv("FJERNARBEID_SSB_API", replay.base)
        assert main(["fetch", "ssb", "13861"]) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "13861" in err and "Lønnsfordelingen belyst" in err and "09429 (education)" in err
    assert shared_counts() == before
