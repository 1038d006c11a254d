"""An import started in the browser is a job of the worker: after a reload the page finds it again on the
server and shows its progress, then its result."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from selenium.webdriver.support.ui import Select
from sqlalchemy import create_engine, delete, func, select
from sqlalchemy.orm import Session

from app.db.models import CoworkingSpace
from app.web.pages import admin_import

SEED = Path(__file__).resolve().parents[2] / "seed"


def test_a_check_started_survives_a_reload_and_shows_its_result(page, accounts, live_worker):
    page.log_in(accounts["admin"])
    page.open(admin_import.PATH, f"#{admin_import.CHECK}")
    page.wait_idle()
    page.driver.find_element("css selector", f"#{admin_import.DATA} input[type=file]").send_keys(
        str(SEED / "data" / "demo_hardanger.csv")
    )
    page.driver.find_element("css selector", f"#{admin_import.CODEBOOK} input[type=file]").send_keys(
        str(SEED / "codebooks" / "demo_hardanger.yaml")
    )
    page.wait_until(lambda: "demo_hardanger.yaml" in page.text(f"#{admin_import.CODEBOOK}-name"))
    page.click(f"#{admin_import.CHECK}")
    page.wait_until(  # the job is queued or running: the progress is shown, or it is already done
        lambda: page.find_all(f"#{admin_import.PROGRESS}-box:not([hidden])") or page.find_all("#import-summary"),
        message="the check did not start",
    )
    page.driver.refresh()  # nothing of the job is kept in the browser
    page.wait_for(f"#{admin_import.CHECK}")
    page.wait_until(lambda: page.find_all("#import-summary"), timeout=90, message="no result after the reload")
    assert "demo_hardanger" in page.text("#import-summary")
    assert page.find_all(f"#{admin_import.CONFIRM}:not([disabled])")  # the checked files may now be imported
    assert page.console_errors() == []


REAL_COWORKING = Path(__file__).resolve().parents[3] / "shared" / "real" / "coworking" / "seattle_coworking.geojson"
NORHEIMSUND = (60.3722, 6.1460)  # Kvam 4622
ODDA = (60.0690, 6.5450)  # Ullensvang 4618


def _upload_and_check(page, path: Path, done_css: str) -> None:
    page.driver.find_element("css selector", f"#{admin_import.DATA} input[type=file]").send_keys(str(path))
    page.wait_until(lambda: path.name in page.text(f"#{admin_import.DATA}-name"))
    page.click(f"#{admin_import.CHECK}")
    page.wait_until(lambda: page.find_all(done_css), timeout=90, message=f"the check of {path.name} did not end")


@pytest.fixture
def geojson_spaces(database_url):
    """The names of the spaces the test imports; removed again afterwards (the live server's database is shared)."""
    names = ["Nettlesar-kontoret Norheimsund", "Nettlesar-kontoret Odda", "Nettlesar-huset i Odda"]
    yield names
    engine = create_engine(database_url)
    with Session(engine) as session, session.begin():
        session.execute(delete(CoworkingSpace).where(CoworkingSpace.name.in_(names)))
    engine.dispose()


def test_a_geojson_coworking_list_is_checked_with_what_was_inferred_and_imported(
    page, accounts, live_worker, geojson_spaces, database_url, tmp_path
):
    """The real (Seattle) GeoJSON list is refused, naming file, feature, column and fix; a Norwegian one shows the
    municipalities found from its points and postal codes and the unknown seats, then imports them."""
    page.log_in(accounts["admin"])
    page.open(admin_import.PATH, f"#{admin_import.CHECK}")
    page.wait_idle()
    Select(page.driver.find_element("css selector", f"#{admin_import.KIND}")).select_by_value("coworking")
    page.wait_until(lambda: page.find_all(f"#{admin_import.SURVEY_PARTS}[hidden]"))

    if REAL_COWORKING.exists():
        _upload_and_check(page, REAL_COWORKING, "#import-problems")
        problems = page.text("#import-problems")
        page.wait_until(  # an error summary: the focus moves to it, so a screen reader reads it out
            lambda: page.driver.execute_script("return document.activeElement.closest('#import-problems') !== null"),
            message="the focus did not move to the problems",
        )
        assert page.find_all("#import-problems .ds-error-summary h2")
        assert f"{REAL_COWORKING.name}, feature 1, column latitude, longitude" in problems
        assert "coordinates outside Norway" in problems and "Fix:" in problems
        assert page.find_all(f"#{admin_import.CONFIRM}[disabled]")  # nothing to import

    norheimsund, odda, house = geojson_spaces
    path = tmp_path / "kontor_hardanger.geojson"
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [NORHEIMSUND[1], NORHEIMSUND[0]]},
         "properties": {"navn": norheimsund, "plasser": 12}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [ODDA[1], ODDA[0]]},
         "properties": {"navn": odda}},
        {"type": "Feature", "geometry": None, "properties": {"navn": house, "postnummer": "5750", "plasser": "4"}},
    ]  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    _upload_and_check(page, path, "#import-summary")
    inferred = page.text("#import-inferred")
    assert "Kommune funnet fra koordinatene eller postnummeret: 3" in inferred
    rows = [
        [cell.text for cell in row.find_elements("css selector", "td")]
        for row in page.find_all("#import-inferred tbody tr")
    ]
    assert rows == [
        ["1", norheimsund, "4622 Kvam", "koordinatene"],
        ["2", odda, "4618 Ullensvang", "koordinatene"],
        ["3", house, "4618 Ullensvang", "postnummeret"],
    ]
    assert "1 kontorfellesskap uten oppgitt antall plasser" in page.text("#import-unknown-seats")
    page.click(f"#{admin_import.CONFIRM}")
    page.wait_until(lambda: page.find_all("#import-done"), timeout=90, message="the import did not end")
    engine = create_engine(database_url)
    with Session(engine) as session:
        stored = {
            s.name: (s.kommunenummer, s.seats)
            for s in session.scalars(select(CoworkingSpace).where(CoworkingSpace.name.in_(geojson_spaces)))
        }
    engine.dispose()
    assert stored == {norheimsund: ("4622", 12), odda: ("4618", None), house: ("4618", 4)}
    errors = page.console_errors()
    assert errors == [], errors


REAL_SURVEY = Path(__file__).resolve().parents[3] / "shared" / "real" / "survey"
CLASSIC_DATA = REAL_SURVEY / "nettskjema_data-82087-2018-09-03-1550-utf.txt"
CLASSIC_CODEBOOK = REAL_SURVEY / "nettskjema_codebook-82087-2018-09-03.txt"
CLASSIC_SLUG = "interesse_for_deltagelse"


@pytest.fixture
def classic_survey(database_url):
    """The slug the test imports; removed again afterwards (the live server's database is shared)."""
    yield CLASSIC_SLUG
    from app.db.models import Survey

    engine = create_engine(database_url)
    with Session(engine) as session, session.begin():
        session.execute(delete(Survey).where(Survey.slug == CLASSIC_SLUG))
    engine.dispose()


def _field(page, name: str):
    selector = f"[id='{json.dumps({'name': name, 'type': admin_import.REVIEW_FIELD}, separators=(',', ':'))}']"
    return page.wait_until(lambda: (page.find_all(selector) or [None])[0], message=f"no field {name}")


@pytest.mark.skipif(not REAL_SURVEY.is_dir(), reason="the real survey files are not here")
def test_a_nettskjema_export_is_drafted_reviewed_checked_and_imported(
    page, accounts, live_worker, classic_survey, database_url
):
    """The real classic Nettskjema export and its codebook: draft → the questions and options in words → the
    decisions chosen, a question retitled, the postal code column (with a code Posten does not know) left out →
    check → import, with every ticked box stored as the file has it."""
    from app.db.models import Answer, Question, Survey
    from app.ingest.codebook_draft import drafted
    from app.ingest.codebook_review import review_of

    review = review_of(*drafted(CLASSIC_DATA, CLASSIC_CODEBOOK))
    postal = next(q for q in review.questions if q.column == "Postnummer")
    inclusion = next(q for q in review.questions if q.column == "Inklusjon_1")

    page.log_in(accounts["admin"])
    page.open(admin_import.PATH, f"#{admin_import.CHECK}")
    page.wait_idle()
    page.click(f"#{admin_import.SURVEY_PARTS} details summary")
    page.driver.find_element("css selector", f"#{admin_import.DATA} input[type=file]").send_keys(str(CLASSIC_DATA))
    page.driver.find_element("css selector", f"#{admin_import.NETTSKJEMA} input[type=file]").send_keys(
        str(CLASSIC_CODEBOOK)
    )
    page.wait_until(lambda: CLASSIC_CODEBOOK.name in page.text(f"#{admin_import.NETTSKJEMA}-name"))
    page.click(f"#{admin_import.DRAFT}")
    page.wait_until(lambda: page.find_all(f"#{admin_import.REVIEW}"), timeout=90, message="no draft to review")
    form = page.text(f"#{admin_import.REVIEW}")
    assert "Interesse for deltagelse" in _field(page, "survey.title").get_attribute("value")
    assert _field(page, f"q.{inclusion.index}.text").get_attribute("value") == inclusion.text
    assert _field(page, f"q.{inclusion.index}.o.1.label").get_attribute("value") == inclusion.options[0].label
    assert "Kode 1" in form and "kolonne Postnummer" in form and "et postnummer" in form  # in words
    assert "Må avgjøres" in form and "E-post" in page.text(f"#{admin_import.REVIEW}-ignored")  # personal data out
    assert page.axe_violations() == []

    _field(page, "survey.citation").send_keys("UiO (2018): Interesse for deltagelse")
    Select(_field(page, "survey.coverage")).select_by_value("regional")
    Select(_field(page, "weight_column")).select_by_value("none")
    Select(_field(page, "municipality_column")).select_by_value("none")
    text = _field(page, f"q.{inclusion.index}.text")
    text.clear()
    text.send_keys("Oppfyller inklusjonskriteriene")
    page.click_on(_field(page, f"q.{postal.index}.ignore"))
    page.wait_idle()
    page.click(f"#{admin_import.REVIEW_CHECK}")
    page.wait_until(
        lambda: page.find_all("#import-summary") or page.find_all("#import-problems"), timeout=90, message="no check"
    )
    assert page.find_all("#import-summary"), page.text("#import-problems")
    assert "3 respondents" in page.text("#import-summary")
    page.click(f"#{admin_import.CONFIRM}")
    page.wait_until(lambda: page.find_all("#import-done"), timeout=90, message="the import did not end")

    with CLASSIC_DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    engine = create_engine(database_url)
    with Session(engine) as session:
        question = session.scalar(
            select(Question).join(Survey).where(Survey.slug == CLASSIC_SLUG, Question.variable == "inklusjon_1")
        )
        assert question.text["nb"] == "Oppfyller inklusjonskriteriene"
        ticked = session.scalar(select(func.count()).select_from(Answer).where(Answer.question_id == question.id))
        assert ticked == sum(1 for row in rows if row["Inklusjon_1"].strip() == "Ja")
        variables = set(session.scalars(select(Question.variable).join(Survey).where(Survey.slug == CLASSIC_SLUG)))
        assert "postnummer" not in variables
    engine.dispose()
    errors = page.console_errors()
    assert errors == [], errors
