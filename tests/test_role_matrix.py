"""The role matrix (README, "The role matrix"), walked cell by cell for two regions with real sessions.

The table is read from the README, so the documentation and the behaviour cannot drift apart. Region A is
the seeded Hardangerrådet (Kvam 4622 among its members), region B one made here (Bømlo 4613, Stord 4614).
Each account logs in through the login form; each write is the Dash callback request the page's renderer
would send, built by hand (``tests/dash_calls.py``), so nothing hidden in the browser helps. A cell "yes"
means the write is stored; "no" that it is refused (401 or 403, or for a presentation the page's own
warning) and nothing changed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from app.db.decks import create_deck
from app.db.models import (
    AppUser,
    CoworkingSpace,
    CriterionMeasurement,
    Deck,
    MeasureActivity,
    MeasureCriterion,
    MeasureProgress,
    Region,
)
from app.db.regions import add_region
from app.db.users import add_user
from app.ingest.editing import save_criterion, save_space
from app.web.pages import admin_import, admin_regions, edit_catalogue, edit_coworking, edit_criteria, edit_progress
from tests import catalogues
from tests.accounts import PASSWORD, committed, csrf, logged_in
from tests.dash_calls import callback_request

README = Path(__file__).resolve().parents[1] / "README.md"
B_SLUG = f"matrise-{secrets.token_hex(3)}"
NEW_REGIONS = "matrise-ny-"  # the regions the matrix makes, removed with the world
PLACES = {"A": ("hardangerradet", "4622"), "B": (B_SLUG, "4614")}
# the table's columns: (account, the region the action is tried on)
COLUMNS = {
    "anonymous": ("anonymous", "A"),
    "editor of A, on A": ("editor-a", "A"),
    "editor of A, on B": ("editor-a", "B"),
    "admin of A, on A": ("admin-a", "A"),
    "admin of A, on B": ("admin-a", "B"),
    "national editor": ("national-editor", "B"),
    "national admin": ("national-admin", "B"),
}
ACCOUNTS = {  # name suffix → (role, region): None is national
    "editor-a": ("editor", "hardangerradet"),
    "admin-a": ("admin", "hardangerradet"),
    "national-editor": ("editor", None),
    "national-admin": ("admin", None),
}
SPACE_FIELDS = tuple(
    "name kommunenummer address postal_code latitude longitude seats cell_offices meeting_rooms price_day_nok "
    "price_month_nok price_note opening_hours facilities operator contact website status".split()
)


def matrix() -> list[tuple[str, str, bool]]:
    """(action, column, allowed) for every cell of the README's table."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("<!-- role-matrix -->") : text.index("<!-- /role-matrix -->")]
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in table.splitlines()[1:]]
    header, body = rows[0], [r for r in rows[2:] if r and r[0]]
    assert header[1:] == list(COLUMNS), header
    cells = []
    for row in body:
        assert set(row[1:]) <= {"yes", "no"}, row
        cells += [(row[0], column, value == "yes") for column, value in zip(header[1:], row[1:], strict=True)]
    return cells


@pytest.fixture(scope="module")
def world(engine, module_app):
    """Region B, the four accounts and their logged-in test clients, and in each region's own catalogue an
    activity and a numeric criterion."""
    tag = secrets.token_hex(3)
    names = {key: f"matrise-{key}-{tag}" for key in ACCOUNTS}
    with committed(engine) as session:
        add_region(session, B_SLUG, "Sunnhordland (matrise)", ["4613", "4614"], "test")
        for key, (role, region) in ACCOUNTS.items():
            add_user(session, names[key], role, PASSWORD, "test", region=region)
        activity = {target: catalogues.activity(session, region=slug).id for target, (slug, _n) in PLACES.items()}
        criterion = {
            target: save_criterion(
                session,
                "test",
                f"area:coworking@{slug}",
                {"description": f"Matrise {tag}", "target_value": "5", "target_date": "2027-12-31"},
            )["id"]
            for target, (slug, _n) in PLACES.items()
        }
    clients = {key: logged_in(module_app, name) for key, name in names.items()}
    clients["anonymous"] = logged_in(module_app, None)
    yield {"clients": clients, "activity": activity, "criterion": criterion, "tag": tag, "app": module_app}
    with committed(engine) as session:
        session.execute(delete(CoworkingSpace).where(CoworkingSpace.name.like(f"Matrise {tag}%")))
        session.execute(delete(MeasureCriterion).where(MeasureCriterion.description.like(f"Matrise {tag}%")))
        session.execute(delete(Deck).where(Deck.title.like(f"Matrise {tag}%")))
        session.execute(delete(MeasureActivity).where(MeasureActivity.title["nb"].astext.like(f"Matrise {tag}%")))
        session.execute(
            delete(MeasureProgress).where(
                MeasureProgress.updated_by.in_(names.values()) | MeasureProgress.region_id.in_(_region_ids(session))
            )
        )
        session.execute(delete(AppUser).where(AppUser.name.in_(names.values())))
        session.execute(delete(Region).where(Region.slug == B_SLUG))
        session.execute(delete(Region).where(Region.slug.startswith(NEW_REGIONS)))


def _region_ids(session) -> list[int]:
    return list(session.scalars(select(Region.id).where(Region.slug == B_SLUG)))


def _post(world, who: str, request: dict) -> int:
    client = world["clients"][who]
    return client.post("/_dash-update-component", json=request, headers=csrf(client)).status_code


def _fields(kind: str, feedback: str, names) -> dict[str, list[dict]]:
    ids = [{"name": n, "type": kind} for n in names]
    return {kind: ids, feedback: [{**i, "type": feedback} for i in ids]}


def _field_values(kind: str, values: dict[str, object]) -> dict[str, object]:
    return {f'{{"name":"{name}","type":"{kind}"}}.value': value for name, value in values.items()}


def _count(engine, model, *where) -> int:
    with committed(engine) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


# --- each action: tried by ``who`` on region ``target``; True if it was carried out -----------------------------


def read(world, engine, who, target) -> bool:
    client = world["clients"][who]
    slug = PLACES[target][0]
    data = client.get(f"/data/kontorfellesskap.csv?region={slug}&chart=coworking-map")
    assert client.post("/data/kontorfellesskap.csv").status_code in (401, 403, 405)  # a data address writes nothing
    return client.get("/").status_code == 200 and data.status_code == 200


def _space_request(world, values: dict, loaded: dict | None) -> dict:
    state = {
        f"{edit_coworking.SAVE}.n_clicks": 1,
        f"{edit_coworking.LOADED}.data": loaded,
        f"{edit_coworking.URL}.search": "",
        **_field_values(edit_coworking.FIELD, values),
    }
    expand = _fields(edit_coworking.FIELD, edit_coworking.FEEDBACK, SPACE_FIELDS)
    return callback_request(world["app"], edit_coworking.SAVE, state, expand)


def _trusted_space(engine, world, target) -> dict:
    name = f"Matrise {world['tag']} {secrets.token_hex(3)}"
    with committed(engine) as session:
        return save_space(session, "test", {"name": name, "kommunenummer": PLACES[target][1], "seats": 2})


def add_or_change_space(world, engine, who, target) -> bool:
    name = f"Matrise {world['tag']} {secrets.token_hex(3)}"
    values = {"name": name, "kommunenummer": PLACES[target][1], "seats": "4", "status": "active"}
    status = _post(world, who, _space_request(world, values, None))
    added = _count(engine, CoworkingSpace, CoworkingSpace.name == name) == 1
    assert (status == 200) == added, status
    theirs = _trusted_space(engine, world, target)
    changed_values = {**values, "name": theirs["name"], "seats": "11"}
    status = _post(world, who, _space_request(world, changed_values, {"id": theirs["id"], "version": 1}))
    changed = _count(engine, CoworkingSpace, CoworkingSpace.id == theirs["id"], CoworkingSpace.seats == 11) == 1
    assert (status == 200) == changed, status
    # a space of the region, moved into another region's municipality, changes that region too
    other = "B" if target == "A" else "A"
    if added:
        mover = _trusted_space(engine, world, target)
        moved = {**values, "name": mover["name"], "kommunenummer": PLACES[other][1]}
        _post(world, who, _space_request(world, moved, {"id": mover["id"], "version": 1}))
        stayed = _count(
            engine, CoworkingSpace, CoworkingSpace.id == mover["id"], CoworkingSpace.kommunenummer == PLACES[target][1]
        )
        allowed_everywhere = who.startswith("national")
        assert stayed == (0 if allowed_everywhere else 1)
    assert added == changed
    return added


def delete_space(world, engine, who, target) -> bool:
    space = _trusted_space(engine, world, target)
    request = callback_request(
        world["app"],
        edit_coworking.DELETE,
        {
            f"{edit_coworking.DELETE}.submit_n_clicks": 1,
            f"{edit_coworking.LOADED}.data": {"id": space["id"], "version": space["version"]},
            f"{edit_coworking.URL}.search": "",
        },
    )
    status = _post(world, who, request)
    gone = _count(engine, CoworkingSpace, CoworkingSpace.id == space["id"]) == 0
    assert (status == 200) == gone, status
    return gone


def _progress(world, engine, who, target: str, place: str) -> bool:
    activity = world["activity"][target]
    number, region = (None, place.removeprefix("region:")) if place.startswith("region:") else (place, None)
    with committed(engine) as session:
        where = [MeasureProgress.activity_id == activity]
        if number:
            where.append(MeasureProgress.kommunenummer == number)
        else:
            region_id = session.scalar(select(Region.id).where(Region.slug == region))
            where.append(MeasureProgress.region_id == region_id)
        session.execute(delete(MeasureProgress).where(*where))
    state = {
        f"{edit_progress.SAVE}.n_clicks": 1,
        f"{edit_progress.ACTIVITY}.value": str(activity),
        f"{edit_progress.PLACE}.value": place,
        **_field_values(edit_progress.FIELD, {"status": "planned"}),
    }
    request = callback_request(
        world["app"],
        edit_progress.SAVE,
        state,
        _fields(edit_progress.FIELD, edit_progress.FEEDBACK, edit_progress.FIELDS),
    )
    status = _post(world, who, request)
    stored = _count(engine, MeasureProgress, *where) == 1
    assert (status == 200) == stored, status
    return stored


def progress_of_municipality(world, engine, who, target) -> bool:
    return _progress(world, engine, who, target, PLACES[target][1])


def progress_of_region(world, engine, who, target) -> bool:
    return _progress(world, engine, who, target, f"region:{PLACES[target][0]}")


def measured_value(world, engine, who, target) -> bool:
    criterion = world["criterion"][target]
    place = PLACES[target][1]
    before = _count(engine, CriterionMeasurement, CriterionMeasurement.criterion_id == criterion)
    names = ("place", "value", "measured_on", "note")
    values = {"place": place, "value": "3", "measured_on": dt.date.today().isoformat(), "note": ""}
    request = callback_request(
        world["app"],
        edit_criteria.MEASURED_SAVE,
        {
            f"{edit_criteria.MEASURED_SAVE}.n_clicks": 1,
            f"{edit_criteria.LOADED}.data": {"id": criterion, "version": 1},
            f"{edit_criteria.URL}.search": "",
            **_field_values(edit_criteria.MEASURED_FIELD, values),
        },
        _fields(edit_criteria.MEASURED_FIELD, edit_criteria.MEASURED_FEEDBACK, names),
    )
    status = _post(world, who, request)
    stored = _count(engine, CriterionMeasurement, CriterionMeasurement.criterion_id == criterion) == before + 1
    assert (status == 200) == stored, status
    return stored


def set_criterion(world, engine, who, target) -> bool:
    description = f"Matrise {world['tag']} {secrets.token_hex(3)}"
    values = {"description": description, "target_value": "2", "target_date": "2027-06-30", "at_most": "false"}
    request = callback_request(
        world["app"],
        edit_criteria.SAVE,
        {
            f"{edit_criteria.SAVE}.n_clicks": 1,
            f"{edit_criteria.MEASURE}.value": f"area:coworking@{PLACES[target][0]}",
            f"{edit_criteria.LOADED}.data": {"id": None, "version": None},
            f"{edit_criteria.URL}.search": "",
            **_field_values(edit_criteria.FIELD, values),
        },
        _fields(edit_criteria.FIELD, edit_criteria.FEEDBACK, edit_criteria.FIELDS),
    )
    status = _post(world, who, request)
    stored = _count(engine, MeasureCriterion, MeasureCriterion.description == description) == 1
    assert (status == 200) == stored, status
    return stored


def change_catalogue(world, engine, who, target) -> bool:
    """Add an activity to the region's own catalogue (the catalogue page's "Save the activity" with "New
    activity" chosen)."""
    title = f"Matrise {world['tag']} {secrets.token_hex(3)}"
    with committed(engine) as session:
        area = catalogues.area(session, "coworking", PLACES[target][0]).id
    names = ("title_nb", "title_nn", "title_en")
    request = callback_request(
        world["app"],
        edit_catalogue.ACTIVITY_SAVE,
        {
            f"{edit_catalogue.ACTIVITY_SAVE}.n_clicks": 1,
            f"{edit_catalogue.AREA}.value": str(area),
            f"{edit_catalogue.ACTIVITY}.value": edit_catalogue.NEW,
            f"{edit_catalogue.CHANGED}.data": {"n": 0},
            f"{edit_catalogue.CATALOGUE}.value": PLACES[target][0],
            f"{edit_catalogue.URL}.search": "",
            **_field_values(edit_catalogue.ACTIVITY_FIELD, {"title_nb": title}),
        },
        _fields(edit_catalogue.ACTIVITY_FIELD, edit_catalogue.ACTIVITY_FEEDBACK, names),
    )
    status = _post(world, who, request)
    stored = _count(
        engine, MeasureActivity, MeasureActivity.area_id == area, MeasureActivity.title["nb"].astext == title
    )
    assert (status == 200) == (stored == 1), status
    return stored == 1


def _regional_deck(engine, world, target) -> str:
    with committed(engine) as session:
        region_id = session.scalar(select(Region.id).where(Region.slug == PLACES[target][0]))
        return create_deck(session, f"Matrise {world['tag']}", region_id=region_id).token


def _deck_request(world, token: str, kind: str, values: dict) -> dict:
    button = {"index": 0, "type": kind}
    key = json.dumps(button, separators=(",", ":"), sort_keys=True)
    request = callback_request(
        world["app"],
        "decks-url",
        {"decks-url.search": f"?deck={token}", **values},
        {"decks-rename": [{"index": 0, "type": "decks-rename"}], kind: [button]},
    )
    request["changedPropIds"] = [f"{key}.{'submit_n_clicks' if kind == 'decks-delete' else 'n_clicks'}"]
    return request


def change_deck(world, engine, who, target) -> bool:
    token = _regional_deck(engine, world, target)
    new = f"Matrise {world['tag']} omdøypt {secrets.token_hex(2)}"
    request = _deck_request(
        world,
        token,
        "decks-rename-save",
        {'{"index":0,"type":"decks-rename-save"}.n_clicks': 1, '{"index":0,"type":"decks-rename"}.value': new},
    )
    status = _post(world, who, request)
    assert status in (200, 401, 403), status
    return _count(engine, Deck, Deck.token == token, Deck.title == new) == 1


def delete_deck(world, engine, who, target) -> bool:
    token = _regional_deck(engine, world, target)
    request = _deck_request(world, token, "decks-delete", {'{"index":0,"type":"decks-delete"}.submit_n_clicks': 1})
    status = _post(world, who, request)
    assert status in (200, 401, 403), status  # 200: the page's warning that it is another's
    return _count(engine, Deck, Deck.token == token) == 0


def import_page(world, engine, who, target) -> bool:
    """The import page's check, with nothing chosen: a national admin is told to choose; anyone else refused."""
    request = callback_request(
        world["app"], admin_import.CHECK, {f"{admin_import.CHECK}.n_clicks": 1, f"{admin_import.URL}.search": ""}
    )
    status = _post(world, who, request)
    assert status in (200, 401, 403), status
    return status == 200


def change_log(world, engine, who, target) -> bool:
    return world["clients"][who].get("/admin/endringslogg.csv").status_code == 200


def create_region(world, engine, who, target) -> bool:
    """The Regions page's form, with a member of the target region; only a national admin makes it."""
    slug = f"{NEW_REGIONS}{secrets.token_hex(3)}"
    request = callback_request(
        world["app"],
        admin_regions.SAVE,
        {
            f"{admin_regions.SAVE}.n_clicks": 1,
            f"{admin_regions.NAME_FIELD}.value": f"Matrise {world['tag']}",
            f"{admin_regions.SLUG_FIELD}.value": slug,
            f"{admin_regions.MEMBERS_FIELD}.value": [PLACES[target][1]],
            f"{admin_regions.URL}.search": "",
        },
    )
    status = _post(world, who, request)
    made = _count(engine, Region, Region.slug == slug) == 1
    assert (status == 200) == made, status
    return made


ACTIONS: dict[str, Callable[..., bool]] = {
    "read pages and data addresses": read,
    "add or change a coworking space": add_or_change_space,
    "delete a coworking space": delete_space,
    "record measure progress of a municipality": progress_of_municipality,
    "record measure progress of the region as a whole": progress_of_region,
    "record a value measured against a success criterion": measured_value,
    "set a success criterion of the region's measures catalogue": set_criterion,
    "change the region's measures catalogue": change_catalogue,
    "change a presentation of the region": change_deck,
    "delete a presentation of the region": delete_deck,
    "import data in the browser": import_page,
    "read the change log": change_log,
    "create a region": create_region,
}


def test_the_readme_matrix_names_every_action_the_test_walks():
    assert sorted({action for action, _, _ in matrix()}) == sorted(ACTIONS)


@pytest.mark.parametrize(("action", "column", "allowed"), matrix(), ids=lambda v: re.sub(r"\W+", "-", str(v))[:40])
def test_the_role_matrix(world, engine, action, column, allowed):
    who, target = COLUMNS[column]
    assert ACTIONS[action](world, engine, who, target) is allowed
