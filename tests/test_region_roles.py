"""Roles per region (issue 24 §1): accounts hold roles nationally or in regions, regions are made from the
command line, and every write of the editing layer asks ``app.db.access`` whether the account's regions
reach the record. The role matrix over real sessions is ``tests/test_role_matrix.py``."""

from __future__ import annotations

import ast
import io
import secrets
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from app.cli import main
from app.db.access import NotAllowed, editable_places
from app.db.decks import DeckError, create_deck, deletable, editable
from app.db.models import AppUser, AuditEntry, CoworkingSpace, Region, UserRegionRole
from app.db.regions import RegionError, add_region
from app.db.users import UserError, add_user, authenticate, current_account, set_role, start_session
from app.ingest.editing import (
    delete_space,
    load_space,
    record_measurement,
    save_criterion,
    save_progress,
    save_space,
)
from tests import catalogues
from tests.accounts import committed

PASSWORD = "et langt passord for regionar"
SUNNHORDLAND = ["4613", "4614", "4615"]  # Bømlo, Stord, Fitjar: not in Hardangerrådet (4618, 4619, 4620, 4622)


@pytest.fixture
def regions(db):
    """Hardangerrådet (seeded) and a second region; their ids by slug."""
    add_region(db, "sunnhordland", "Sunnhordland", SUNNHORDLAND, "cli:test")
    return dict(db.execute(select(Region.slug, Region.id)).all())


def account(db, name: str, role: str, region: str | None = None):
    return add_user(db, name, role, PASSWORD, "cli:test", region=region)


def test_a_region_is_made_from_its_municipalities_and_refuses_what_does_not_exist(db):
    made = add_region(db, "sunnhordland", "Sunnhordland", ["4614", "4613", " 4615"], "cli:test")
    assert made.members == ("4613", "4614", "4615")
    with pytest.raises(RegionError, match="already a region"):
        add_region(db, "sunnhordland", "Igjen", ["4613"], "cli:test")
    with pytest.raises(RegionError, match="No municipality has the number 9999"):
        add_region(db, "nowhere", "Nowhere", ["4613", "9999"], "cli:test")
    with pytest.raises(RegionError, match="cannot be a region's slug"):
        add_region(db, "Sunn Hordland", "X", ["4613"], "cli:test")
    with pytest.raises(RegionError, match="at least one"):
        add_region(db, "tom", "Tom", [], "cli:test")
    entry = db.scalar(
        select(AuditEntry).where(AuditEntry.action == "region.add", AuditEntry.entity_id == "sunnhordland")
    )
    assert entry.after == {"name": "Sunnhordland", "municipalities": ["4613", "4614", "4615"]}


def test_a_user_holds_a_role_nationally_or_in_regions(db, regions):
    national = account(db, "nasjonal", "admin")
    regional = account(db, "kari-hardanger", "editor", region="hardangerradet")
    assert national.role == "admin" and national.regions == () and national.national("editor")
    assert regional.role is None and not regional.national("editor") and regional.may("editor")
    assert not regional.may("admin")
    assert regional.region_ids("editor") == {regions["hardangerradet"]}
    assert regional.describe() == "editor@hardangerradet"
    set_role(db, "kari-hardanger", "admin", "cli:test", region="sunnhordland")
    again = authenticate(db, "kari-hardanger", PASSWORD, "10.9.0.1")
    assert {(r.slug, r.role) for r in again.regions} == {("hardangerradet", "editor"), ("sunnhordland", "admin")}
    assert again.may("admin") and not again.national("admin")
    token = start_session(db, again)
    set_role(db, "kari-hardanger", None, "cli:test", region="hardangerradet")  # a role taken away …
    assert current_account(db, token) is None  # … ends the sessions
    assert [r.slug for r in authenticate(db, "kari-hardanger", PASSWORD, "10.9.0.1").regions] == ["sunnhordland"]
    with pytest.raises(UserError, match="no region 'finst-ikkje'"):
        account(db, "ola", "editor", region="finst-ikkje")
    set_role(db, "nasjonal", None, "cli:test")  # no national role left: nothing anywhere
    assert not authenticate(db, "nasjonal", PASSWORD, "10.9.0.1").may("editor")


def test_an_existing_global_user_keeps_working_as_national(db, regions):
    """Migration 0017 leaves app_user.role as it was: it is the national role now."""
    old = account(db, "gamal-redaktor", "editor")
    space = db.scalar(select(CoworkingSpace).where(CoworkingSpace.kommunenummer == "4622"))
    save_space(db, old, {"name": "Nasjonalt endra", "kommunenummer": "4613", "seats": 2, "status": "active"})
    assert save_space(db, old, {**_values(space), "seats": 9}, space.id, space.version)["seats"] == 9
    assert editable_places(db, old, "editor").everywhere


def _values(space: CoworkingSpace) -> dict:
    return {"name": space.name, "kommunenummer": space.kommunenummer, "seats": space.seats, "status": space.status}


def test_an_editor_of_one_region_changes_only_its_spaces_progress_and_values(db, regions):
    hardanger = account(db, "red-hardanger", "editor", region="hardangerradet")
    admin_sunn = account(db, "admin-sunn", "admin", region="sunnhordland")
    ours = save_space(db, "cli:test", {"name": "Vår stove", "kommunenummer": "4622", "seats": 3, "status": "active"})
    theirs = save_space(
        db, "cli:test", {"name": "Deira stove", "kommunenummer": "4614", "seats": 3, "status": "active"}
    )

    changed = save_space(db, hardanger, {**ours, "seats": 4}, ours["id"], ours["version"])
    assert changed["seats"] == 4
    for attempt in (
        lambda: save_space(db, hardanger, {**theirs, "seats": 0}, theirs["id"], theirs["version"]),
        lambda: save_space(db, hardanger, {"name": "Ny", "kommunenummer": "4614", "seats": 1, "status": "active"}),
        # moving our space into their municipality changes theirs: refused
        lambda: save_space(db, hardanger, {**changed, "kommunenummer": "4614"}, ours["id"], changed["version"]),
        # and their admin may not take ours either
        lambda: save_space(db, admin_sunn, {**changed, "kommunenummer": "4613"}, ours["id"], changed["version"]),
        lambda: delete_space(db, admin_sunn, ours["id"], changed["version"]),
        lambda: delete_space(db, hardanger, ours["id"], changed["version"]),  # an editor retires, never deletes
        lambda: load_space(db, theirs["id"], hardanger),
    ):
        with pytest.raises(NotAllowed):
            attempt()
    assert db.get(CoworkingSpace, theirs["id"]).seats == 3
    delete_space(db, admin_sunn, theirs["id"], theirs["version"])  # their own admin may
    assert db.get(CoworkingSpace, theirs["id"]) is None

    activity = catalogues.activity(db).id
    save_progress(db, hardanger, activity, "4622", {"status": "planned"})
    save_progress(db, hardanger, activity, "region:hardangerradet", {"status": "planned"})
    for place in ("4614", "region:sunnhordland", "0301"):  # theirs, their region, a municipality in no region
        with pytest.raises(NotAllowed):
            save_progress(db, hardanger, activity, place, {"status": "done"})

    goal = save_criterion(
        db,
        "cli:test",
        "area:coworking@hardangerradet",
        {"description": "Mål", "target_value": "3", "target_date": "2027-12-31"},
    )
    record_measurement(db, hardanger, goal["id"], "4619", {"value": "2", "measured_on": "2026-11-30"})
    with pytest.raises(NotAllowed):
        record_measurement(db, hardanger, goal["id"], "4613", {"value": "2", "measured_on": "2026-11-30"})
    changed = save_criterion(  # the region's own catalogue: its editors set its success criteria
        db,
        hardanger,
        "area:coworking@hardangerradet",
        {k: goal[k] for k in ("target_value", "target_date")} | {"description": "Endra"},
        goal["id"],
        goal["version"],
    )
    assert changed["description"] == "Endra"
    new_goal = {"description": "Mål", "target_text": "x", "target_date": "2027-12-31"}
    with pytest.raises(NotAllowed):  # another region's catalogue
        save_criterion(db, hardanger, "area:coworking@sunnhordland", new_goal)
    with pytest.raises(NotAllowed, match="national"):  # the template's are national
        save_criterion(db, hardanger, "area:coworking", new_goal)

    places = editable_places(db, hardanger, "editor")
    assert not places.everywhere and places.municipalities == {"4618", "4619", "4620", "4622"}
    assert places.allows("region:hardangerradet") and not places.allows("region:sunnhordland")
    assert editable_places(db, admin_sunn, "admin").municipalities == set(SUNNHORDLAND)
    assert editable_places(db, None, "editor").allows("4622") is False


def test_a_region_s_presentations_are_its_editors_to_change_and_its_admins_to_delete(db, regions):
    owner = account(db, "eigar-sunn", "editor", region="sunnhordland")
    colleague = account(db, "kollega-sunn", "editor", region="sunnhordland")
    boss = account(db, "sjef-sunn", "admin", region="sunnhordland")
    hardanger_admin = account(db, "sjef-hardanger", "admin", region="hardangerradet")
    national_editor = account(db, "nasjonal-red", "editor")
    national_admin = account(db, "nasjonal-admin", "admin")
    token = create_deck(db, "Rådsmøte", owner_id=owner.id, region_id=regions["sunnhordland"]).token
    for allowed in (owner, colleague, boss, national_admin):
        assert editable(db, token, allowed).owner_id == owner.id  # nobody takes it over
    for refused in (hardanger_admin, national_editor):
        with pytest.raises(DeckError, match="belongs to another editor"):
            editable(db, token, refused)
    for refused in (owner, colleague, hardanger_admin, national_editor):
        with pytest.raises(NotAllowed):
            deletable(db, token, refused)
    assert deletable(db, token, boss).token == token and deletable(db, token, national_admin).token == token


# --- the command line --------------------------------------------------------------------------------------


@pytest.fixture
def cli(database_url, engine, monkeypatch, tmp_path):
    """``fjernarbeid`` against the shared test database; what it made is removed afterwards."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FJERNARBEID_DATA_DIR", str(tmp_path))
    made: dict[str, list[str]] = {"users": [], "regions": []}
    yield made
    with committed(engine) as session:
        session.execute(delete(AppUser).where(AppUser.name.in_(made["users"])))
        session.execute(delete(Region).where(Region.slug.in_(made["regions"])))


def test_the_command_line_makes_regions_and_regional_users(cli, engine, monkeypatch, capsys):
    slug, name = f"rad{secrets.token_hex(3)}", f"kari{secrets.token_hex(3)}"
    cli["regions"].append(slug)
    cli["users"].append(name)
    assert main(["regions", "add", slug, "--name", "Sunnhordland", "--municipalities", "4613,4614,4615"]) == 0
    assert f"Region '{slug}' (Sunnhordland) added with 3 municipalities." in capsys.readouterr().out
    assert main(["regions", "add", slug, "--name", "Igjen", "--municipalities", "4613"]) == 1
    assert "already a region" in capsys.readouterr().err
    assert main(["regions", "list"]) == 0
    assert any(
        line.split()[:3] == [slug, "Sunnhordland", "4613,4614,4615"] for line in capsys.readouterr().out.splitlines()
    )

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", name, "--role", "editor", "--region", slug, "--password-stdin"]) == 0
    assert f"added with the role editor@{slug}" in capsys.readouterr().out
    assert main(["users", "set-role", name, "admin", "--region", "hardangerradet"]) == 0
    assert "now has the role admin in hardangerradet" in capsys.readouterr().out
    assert main(["users", "list"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(name))
    assert f"admin@hardangerradet, editor@{slug}" in line
    assert main(["users", "set-role", name, "none", "--region", slug]) == 0
    with committed(engine) as session:
        held = session.execute(
            select(Region.slug, UserRegionRole.role)
            .join(UserRegionRole, UserRegionRole.region_id == Region.id)
            .join(AppUser, AppUser.id == UserRegionRole.user_id)
            .where(AppUser.name == name)
        ).all()
        assert [tuple(h) for h in held] == [("hardangerradet", "admin")]
        assert session.scalar(select(AppUser.role).where(AppUser.name == name)) is None


# --- the one place ------------------------------------------------------------------------------------------

WRITES = {
    "save_space",
    "delete_space",
    "save_progress",
    "save_criterion",
    "record_measurement",
    "editable",
    "deletable",
}


def test_the_web_hands_the_editing_layer_its_account_never_a_bare_name():
    """A string actor is a trusted caller (command line, tests) that may change everything: the web app must
    pass the logged-in ``Account`` itself, so that ``app.db.access`` decides."""
    offenders = []
    for path in Path("app/web").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node.func, "id", getattr(node.func, "attr", None)) if isinstance(node, ast.Call) else None
            if name in WRITES:
                at = 2 if name in ("editable", "deletable") else 1
                if len(node.args) <= at or not isinstance(node.args[at], ast.Name):
                    offenders.append(f"{path}:{node.lineno}")
    assert offenders == []


def test_a_copy_brings_back_the_regions_made_here_the_presentations_regions_and_closed_surveys(
    db, empty_database_url, tmp_path
):
    """Regions made with ``regions add`` are not in seed/reference: the copy keeps them (regions.json), a
    presentation its region, and a survey its visibility (it never comes back public). (A survey imported
    again derives its region variable from every region there.)"""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from app.db import migrate
    from app.db.models import Deck, RegionMember, Survey
    from app.db.visibility import set_visibility
    from app.ingest.backup import export_all, import_all

    add_region(db, "sunnhordland", "Sunnhordland", SUNNHORDLAND, "cli:test")
    region_id = db.scalar(select(Region.id).where(Region.slug == "sunnhordland"))
    token = create_deck(db, "Rådsmøte i Sunnhordland", region_id=region_id).token
    set_visibility(db, "demo_ansatte", "region", "test", region="sunnhordland")
    set_visibility(db, "demo_hardanger", "private", "test", readers=[])
    export_all(db, tmp_path / "copy")
    engine = create_engine(empty_database_url)
    migrate.upgrade(engine)
    with Session(engine) as restored, restored.begin():
        report = import_all(restored, tmp_path / "copy")
    with Session(engine) as restored:
        members = restored.scalars(
            select(RegionMember.kommunenummer)
            .join(Region, Region.id == RegionMember.region_id)
            .where(Region.slug == "sunnhordland")
            .order_by(RegionMember.kommunenummer)
        ).all()
        deck_region = restored.scalar(
            select(Region.slug).join(Deck, Deck.region_id == Region.id).where(Deck.token == token)
        )
        surveys = restored.execute(
            select(Survey.slug, Survey.visibility, Region.slug).outerjoin(Region, Region.id == Survey.region_id)
        ).all()
    engine.dispose()
    assert members == SUNNHORDLAND and deck_region == "sunnhordland"
    assert report.counts["regions added"] == 1
    assert {slug: (visibility, region) for slug, visibility, region in surveys} == {
        "demo_ansatte": ("region", "sunnhordland"),
        "demo_hardanger": ("private", None),
        "demo_national": ("public", None),
    }
