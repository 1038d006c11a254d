"""A region changes its own measures catalogue (issue 24 §1, "a template it may change"): an area's texts, its
activities and opportunities, by its admins or a national admin; the template only by a national admin. What
is recorded against an activity is never removed with it. The command line exports and imports a whole
catalogue in one transaction, refusing to drop what has records."""

from __future__ import annotations

import secrets

import pytest
import yaml
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from app.cli import main
from app.db.access import NotAllowed, may_change_catalogue
from app.db.models import AuditEntry, MeasureActivity, MeasureArea, Region
from app.db.regions import add_region
from app.db.users import Account, RegionRole
from app.ingest.catalogue_editing import (
    InUse,
    activity_code,
    add_activity,
    load_catalogue,
    move_activity,
    remove_activity,
    remove_opportunity,
    save_activity,
    save_area,
    save_opportunity,
)
from app.ingest.editing import EditError, save_criterion, save_progress
from tests import catalogues
from tests.accounts import committed


def _region_id(session, slug: str) -> int:
    return session.scalar(select(Region.id).where(Region.slug == slug))


def _shape(session, region_id) -> list:
    found = load_catalogue(session, region_id)
    return [
        (a["code"], a["title"], a["rationale"], [(x["code"], x["position"], x["title"]) for x in a["activities"]])
        for a in found["areas"]
    ] + [(o["number"], o["title"], o["source"]) for o in found["opportunities"]]


@pytest.fixture
def two(db):
    """Hardangerrådet (A, seeded) and a region B made here (a copy of the template), with an admin and an editor
    of A."""
    add_region(db, "sunnhordland-k", "Sunnhordland", ["4613", "4614"], "cli:test")
    a, b = _region_id(db, catalogues.HARDANGER), _region_id(db, "sunnhordland-k")
    return {
        "a": a,
        "b": b,
        "admin_a": Account(7, "kari", None, "s", (RegionRole(a, catalogues.HARDANGER, "Hardangerrådet", "admin"),)),
        "editor_a": Account(8, "ola", None, "s", (RegionRole(a, catalogues.HARDANGER, "Hardangerrådet", "editor"),)),
        "national_admin": Account(9, "nina", "admin", "s"),
        "national_editor": Account(10, "per", "editor", "s"),
    }


def test_who_may_change_a_catalogue(two):
    a, b = two["a"], two["b"]
    assert may_change_catalogue(two["admin_a"], a)
    assert not may_change_catalogue(two["admin_a"], b)
    assert not may_change_catalogue(two["admin_a"], None)  # the template
    assert not may_change_catalogue(two["editor_a"], a)
    assert not may_change_catalogue(two["national_editor"], a)
    assert not may_change_catalogue(None, a)
    assert all(may_change_catalogue(two["national_admin"], r) for r in (a, b, None))
    assert may_change_catalogue("cli:test", None)


def test_a_regional_admin_changes_the_own_catalogue_and_nothing_else(db, two):
    a, b = two["a"], two["b"]
    others = {r: _shape(db, r) for r in (b, None)}
    admin = two["admin_a"]
    area = catalogues.area(db, "coworking")

    saved = save_area(
        db, admin, area.id, {"title_nb": " Kontor nær deg ", "rationale_nb": "Fordi.", "title_en": "Near"}
    )
    assert saved["title"] == {"nb": "Kontor nær deg", "nn": "Kontor nær deg", "en": "Near"}
    assert saved["rationale"] == {"nb": "Fordi.", "nn": "Fordi.", "en": "Fordi."}

    added = add_activity(db, admin, area.id, {"title_nb": "Åpne kontoret på Øystese!", "title_nn": "Opne kontoret"})
    assert added["code"] == "coworking_apne_kontoret_pa_oystese"
    assert added["title"] == {
        "nb": "Åpne kontoret på Øystese!",
        "nn": "Opne kontoret",
        "en": "Åpne kontoret på Øystese!",
    }
    codes = [x["code"] for x in load_catalogue(db, a)["areas"][0]["activities"]]
    assert codes[-1] == added["code"]
    again = add_activity(db, admin, area.id, {"title_nb": "Åpne kontoret på Øystese"})
    assert again["code"] == added["code"] + "_2"  # unique within the catalogue

    assert move_activity(db, admin, added["id"], "up")
    moved = [x["code"] for x in load_catalogue(db, a)["areas"][0]["activities"]]
    assert moved[-3:] == [added["code"], codes[-2], again["code"]]
    assert move_activity(db, admin, again["id"], "down") is False  # already last
    first = moved[0]
    first_id = next(x["id"] for x in load_catalogue(db, a)["areas"][0]["activities"] if x["code"] == first)
    assert move_activity(db, admin, first_id, "up") is False  # already first

    renamed = save_activity(db, admin, added["id"], {"title_nb": "Opne Øystese", "title_en": "Open Øystese"})
    assert renamed["code"] == added["code"] and renamed["title"]["en"] == "Open Øystese"

    remove_activity(db, admin, again["id"])
    assert db.get(MeasureActivity, again["id"]) is None

    chance = save_opportunity(db, admin, a, {"title_nb": "Ny mulighet", "source": "Rådet"})
    assert chance["number"] == max(o["number"] for o in load_catalogue(db, a)["opportunities"])
    save_opportunity(db, admin, a, {"title_nb": "Endret mulighet"}, chance["id"])
    first_chance = load_catalogue(db, a)["opportunities"][0]
    count = len(load_catalogue(db, a)["opportunities"])
    remove_opportunity(db, admin, first_chance["id"])
    numbers = [o["number"] for o in load_catalogue(db, a)["opportunities"]]
    assert numbers == list(range(1, count))  # the later ones moved up a number

    assert {r: _shape(db, r) for r in (b, None)} == others  # B's and the template untouched
    actions = set(db.scalars(select(AuditEntry.action).where(AuditEntry.actor == "kari")))
    assert {"catalogue.area.update", "catalogue.activity.create", "catalogue.activity.move"} <= actions
    assert {"catalogue.activity.delete", "catalogue.opportunity.create", "catalogue.opportunity.delete"} <= actions


def test_refusals_change_nothing(db, two):
    a, b = two["a"], two["b"]
    before = {r: _shape(db, r) for r in (a, b, None)}
    b_area = catalogues.area(db, "coworking", "sunnhordland-k")
    template_area = catalogues.area(db, "coworking", None)
    a_area = catalogues.area(db, "coworking")
    template_activity = catalogues.activity(db, region=None)
    for who, area_id in ((two["admin_a"], b_area.id), (two["admin_a"], template_area.id), (two["editor_a"], a_area.id)):
        with pytest.raises(NotAllowed):
            add_activity(db, who, area_id, {"title_nb": "Nei"})
        with pytest.raises(NotAllowed):
            save_area(db, who, area_id, {"title_nb": "Nei", "rationale_nb": "Nei"})
    for who in (two["admin_a"], two["national_editor"]):
        with pytest.raises(NotAllowed):
            remove_activity(db, who, template_activity.id)
        with pytest.raises(NotAllowed):
            save_opportunity(db, who, None, {"title_nb": "Nei"})
    with pytest.raises(NotAllowed):
        move_activity(db, two["admin_a"], catalogues.activity(db, region="sunnhordland-k").id, "down")
    with pytest.raises(EditError) as refused:
        add_activity(db, two["admin_a"], a_area.id, {"title_nb": "  ", "title_en": "x" * 301})
    assert {(p.field, p.code) for p in refused.value.problems} == {("title_nb", "required"), ("title_en", "too_long")}
    with pytest.raises(EditError):
        save_area(db, two["admin_a"], a_area.id, {"title_nb": "Tittel"})  # the rationale is required too
    with pytest.raises(EditError):
        save_activity(db, two["admin_a"], 0, {"title_nb": "Finst ikkje"})
    assert {r: _shape(db, r) for r in (a, b, None)} == before


def test_an_activity_with_records_is_not_removed_and_the_message_counts_them(db, two):
    activity = catalogues.activity(db)
    save_progress(db, "test", activity.id, "4622", {"status": "planned"})
    save_progress(db, "test", activity.id, "region:hardangerradet", {"status": "done"})
    save_criterion(
        db,
        "test",
        f"activity:{activity.code}@hardangerradet",
        {"description": "Mål", "target_text": "Ja", "target_date": "2027-01-01"},
    )
    with pytest.raises(InUse) as refused:
        remove_activity(db, two["admin_a"], activity.id)
    assert (refused.value.recorded.progress, refused.value.recorded.criteria) == (2, 1)
    assert "2 progress records, 1 success criteria" in str(refused.value)
    assert db.get(MeasureActivity, activity.id) is not None


def test_activity_codes_are_plain_and_short():
    assert activity_code("Kartlegge – «kontor» & mer", "coworking", set()) == "coworking_kartlegge_kontor_mer"
    assert len(activity_code("ord " * 40, "coworking", set())) <= 60
    assert activity_code("!!!", "x", {"x_activity"}) == "x_activity_2"


# --- the web's own database role may do these writes, and no more ----------------------------------


def test_the_web_role_may_change_a_catalogue_but_not_its_areas_codes(web_engine):
    with Session(web_engine) as session:
        admin = Account(1, "web", "admin", "s")
        area = catalogues.area(session, "coworking")
        save_area(session, admin, area.id, {"title_nb": "Tittel", "rationale_nb": "Grunn"})
        added = add_activity(session, admin, area.id, {"title_nb": "Nytt tiltak"})
        move_activity(session, admin, added["id"], "up")
        save_activity(session, admin, added["id"], {"title_nb": "Endret"})
        remove_activity(session, admin, added["id"])
        chance = save_opportunity(session, admin, area.region_id, {"title_nb": "Mulighet"})
        remove_opportunity(session, admin, chance["id"])
        session.rollback()
    with web_engine.connect() as connection:
        for statement in ("UPDATE measure_area SET code = code", "DELETE FROM measure_area WHERE false"):
            with pytest.raises(Exception, match="permission denied"):
                connection.execute(text(statement))
            connection.rollback()


# --- the command line: a whole catalogue to and from YAML ---------------------------------------------


@pytest.fixture
def cli_region(engine, database_url, monkeypatch, tmp_path):
    """A region of its own for the command line's tests (committed: the command has its own session)."""
    slug = f"katalog-{secrets.token_hex(3)}"
    with committed(engine) as session:
        add_region(session, slug, "Katalogtest", ["4613"], "cli:test")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FJERNARBEID_DATA_DIR", str(tmp_path))
    yield slug
    with committed(engine) as session:
        session.execute(delete(Region).where(Region.slug == slug))


def _count_in(engine, slug: str, model) -> int:
    with committed(engine) as session:
        region_id = _region_id(session, slug)
        if model is MeasureActivity:
            return session.scalar(
                select(func.count())
                .select_from(MeasureActivity)
                .join(MeasureArea, MeasureArea.id == MeasureActivity.area_id)
                .where(MeasureArea.region_id == region_id)
            )
        return session.scalar(select(func.count()).select_from(model).where(model.region_id == region_id))


def test_the_command_line_exports_and_imports_a_catalogue(engine, cli_region, tmp_path, capsys):
    path = tmp_path / "katalog.yaml"
    template = tmp_path / "mal.yaml"
    assert main(["measures", "export", "--region", cli_region, str(path)]) == 0
    assert main(["measures", "export", str(template)]) == 0
    assert path.read_text(encoding="utf-8") == template.read_text(encoding="utf-8")  # a fresh copy of the template
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    areas_before = len(document["areas"])
    activities_before = _count_in(engine, cli_region, MeasureActivity)

    # change a title, drop an activity, an opportunity and a whole area, add an activity
    document["areas"][0]["title"]["nb"] = "Kontorfellesskap i vår region"
    dropped = document["areas"][0]["activities"].pop(0)
    gone_area = document["areas"].pop()
    document["areas"][0]["activities"].append(
        {"code": "egen_aktivitet", "title": {"nb": "Eget", "nn": "Eige", "en": "Own"}}
    )
    document["opportunities"].pop()
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["measures", "import", "--region", cli_region, str(path)]) == 0
    said = capsys.readouterr().out
    assert f"activity {dropped['code']}" in said and f"area {gone_area['code']}" in said

    again = tmp_path / "igjen.yaml"
    assert main(["measures", "export", "--region", cli_region, str(again)]) == 0
    assert yaml.safe_load(again.read_text(encoding="utf-8")) == document  # the round trip
    assert _count_in(engine, cli_region, MeasureArea) == areas_before - 1
    assert _count_in(engine, cli_region, MeasureActivity) == activities_before - 1 - len(gone_area["activities"]) + 1
    template_after = tmp_path / "mal-etter.yaml"
    assert main(["measures", "export", str(template_after)]) == 0
    assert template_after.read_text(encoding="utf-8") == template.read_text(encoding="utf-8")  # untouched


def test_an_import_that_drops_what_has_records_changes_nothing(engine, cli_region, tmp_path, capsys):
    path = tmp_path / "katalog.yaml"
    assert main(["measures", "export", "--region", cli_region, str(path)]) == 0
    original = path.read_text(encoding="utf-8")
    document = yaml.safe_load(original)
    recorded = document["areas"][0]["activities"][0]["code"]
    with committed(engine) as session:
        activity = catalogues.activity(session, recorded, region=cli_region)
        save_progress(session, "test", activity.id, "4613", {"status": "in_progress"})
    document["areas"][0]["title"]["nb"] = "Skal ikke lagres"
    document["areas"][0]["activities"].pop(0)
    document["opportunities"].pop()
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["measures", "import", "--region", cli_region, str(path)]) == 4
    said = capsys.readouterr().err
    assert f"activity {recorded}" in said and "1 progress records" in said and "Fix:" in said
    after = tmp_path / "etter.yaml"
    assert main(["measures", "export", "--region", cli_region, str(after)]) == 0
    assert after.read_text(encoding="utf-8") == original  # nothing changed


def test_the_command_line_names_an_unknown_region_and_a_bad_file(cli_region, tmp_path, capsys):
    path = tmp_path / "katalog.yaml"
    assert main(["measures", "export", "--region", "finst-ikkje", str(path)]) == 1
    assert "finst-ikkje" in capsys.readouterr().err
    path.write_text("areas: [\n", encoding="utf-8")
    assert main(["measures", "import", "--region", cli_region, str(path)]) == 4
    assert "katalog.yaml: this is not YAML" in capsys.readouterr().err
    path.write_text("areas:\n  - code: x\n    number: 1\nopportunities: []\n", encoding="utf-8")
    assert main(["measures", "import", "--region", cli_region, str(path)]) == 4
    said = capsys.readouterr().err
    assert "katalog.yaml" in said and "title" in said
