"""«Oppdater fra SSB» on the import page: one button per table starts a job of the worker, which asks SSB's
API and imports the answer; the page shows its progress, then the rows imported or why nothing changed.

SSB is not called. The worker beside the live server is pointed (``FJERNARBEID_SSB_API``) at a real HTTP
server on 127.0.0.1 replaying SSB's recorded 07459 answer (tests/ssb_replay.py: from where, and that it
answered a request of SSB's older API, not the v2 GET sent here), or at a port nothing listens on.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, func, select, update

from app.db.models import ImportBatch, MunicipalityStatistic, PopulationTotal
from app.web.pages import admin_import
from tests.queue import start_worker, stop_worker
from tests.ssb_replay import ANSWERS, closed_port, replay_server


@pytest.fixture(scope="module")
def replay():
    with replay_server(delay=4) as server:  # slow enough for the page to show the step it is at
        yield server


@pytest.fixture
def worker_for(live_server, live_env):
    """Start the worker beside the live server with ``FJERNARBEID_SSB_API`` set; stopped after the test."""
    started = []

    def start(api: str):
        started.append(start_worker({**live_env, "FJERNARBEID_SSB_API": api}))

    yield start
    for worker in started:
        stop_worker(worker, live_env["DATABASE_URL"])


def _fetch(page, table: str) -> None:
    page.open(admin_import.PATH, f"#{admin_import.FETCH}-{table}")
    page.wait_idle()
    page.click(f"#{admin_import.FETCH}-{table}")
    page.wait_until(  # queued or running (its progress shown), or already done
        lambda: (
            page.find_all(f"#{admin_import.FETCH_PROGRESS}-box:not([hidden])")
            or page.find_all("#ssb-fetch-done, #ssb-fetch-failed")
        ),
        message="the fetch did not start",
    )


def test_update_from_ssb_imports_the_answer_and_says_how_many_rows(page, accounts, replay, worker_for, database_url):
    recorded = json.loads(ANSWERS["07459"].read_text(encoding="utf-8"))
    kvam = recorded["value"][recorded["dimension"]["Region"]["category"]["index"]["K-4622"]]
    engine = create_engine(database_url)
    with engine.begin() as connection:  # only the import can put SSB's figure back
        connection.execute(
            update(PopulationTotal)
            .where(PopulationTotal.kommunenummer == "4622", PopulationTotal.year == 2022)
            .values(population=0)
        )
    worker_for(replay.base)
    page.log_in(accounts["admin"])
    _fetch(page, "07459")
    page.wait_until(
        lambda: page.text(f"#{admin_import.FETCH_PROGRESS}-step") == "Henter svar 1 av 1 fra SSB",
        timeout=60,
        message="the step of the fetch was not shown",
    )
    page.wait_until(lambda: page.find_all("#ssb-fetch-done"), timeout=90, message="no result")
    done = page.text("#ssb-fetch-done")
    assert done.startswith("SSB-tabell 07459 hentet og importert:") and "rader lest" in done, done
    assert any("/tables/07459/data?" in request for request in replay.requests)
    with engine.connect() as connection:
        stored = connection.scalar(
            select(PopulationTotal.population).where(
                PopulationTotal.kommunenummer == "4622", PopulationTotal.year == 2022
            )
        )
    engine.dispose()
    assert stored == kvam
    assert page.axe_violations() == []
    assert page.console_errors() == []


def test_without_internet_the_page_says_so_and_nothing_changes(page, accounts, worker_for, database_url):
    engine = create_engine(database_url)

    def counts():
        with engine.connect() as connection:
            return [
                connection.scalar(select(func.count()).select_from(model))
                for model in (MunicipalityStatistic, PopulationTotal, ImportBatch)
            ]

    before = counts()
    worker_for(f"http://127.0.0.1:{closed_port()}/api/pxwebapi/v2")
    page.log_in(accounts["admin"])
    _fetch(page, "11618")
    page.wait_until(lambda: page.find_all("#ssb-fetch-failed"), timeout=90, message="no message")
    message = page.text("#ssb-fetch-failed")
    assert "SSB-tabell 11618 ble ikke oppdatert." in message
    assert "SSB kan ikke nås" in message and "tilkoblingen ble avvist" in message and "ingenting ble endret" in message
    assert counts() == before
    engine.dispose()
