"""Regions made in the browser (issue 24 §1): a national admin's form makes a region with its members and its
own copy of the measures catalogue; a bad slug is refused in the error summary; a region's admin is refused
whatever sends the request. (The role matrix walks "create a region" for every column.)"""

from __future__ import annotations

import json
import secrets

import pytest
from sqlalchemy import delete, func, select

from app.db.access import NotAllowed
from app.db.models import AppUser, MeasureArea, Region, RegionMember
from app.db.regions import add_region
from app.db.users import add_user, roles_of
from app.web.pages import admin_regions
from tests.accounts import PASSWORD, committed, csrf, logged_in
from tests.dash_calls import callback_request

PREFIX = "adminreg-"


@pytest.fixture(scope="module")
def admins(engine, module_app):
    """A national admin and an admin of Hardangerrådet, logged in."""
    tag = secrets.token_hex(3)
    names = {"national": f"{PREFIX}n-{tag}", "regional": f"{PREFIX}r-{tag}"}
    with committed(engine) as session:
        add_user(session, names["national"], "admin", PASSWORD, "test")
        add_user(session, names["regional"], "admin", PASSWORD, "test", region="hardangerradet")
    yield {key: logged_in(module_app, name) for key, name in names.items()} | {"names": names}
    with committed(engine) as session:
        session.execute(delete(Region).where(Region.slug.startswith(PREFIX)))
        session.execute(delete(AppUser).where(AppUser.name.in_(names.values())))


def _make(app, client, name: str, slug: str, members: list[str], lang: str = "nb"):
    request = callback_request(
        app,
        admin_regions.SAVE,
        {
            f"{admin_regions.SAVE}.n_clicks": 1,
            f"{admin_regions.NAME_FIELD}.value": name,
            f"{admin_regions.SLUG_FIELD}.value": slug,
            f"{admin_regions.MEMBERS_FIELD}.value": members,
            f"{admin_regions.URL}.search": f"?lang={lang}",
        },
    )
    return client.post("/_dash-update-component", json=request, headers=csrf(client))


def test_a_national_admin_makes_a_region_with_its_members_and_catalogue(admins, module_app, engine):
    slug = f"{PREFIX}{secrets.token_hex(3)}"
    answer = _make(module_app, admins["national"], "Sunnhordland (skjema)", slug, ["4613", "4614"])
    assert answer.status_code == 200
    text = json.dumps(answer.get_json(), ensure_ascii=False)
    assert "regions-made" in text and f"/region/{slug}" in text and f"regions-row-{slug}" in text
    with committed(engine) as session:
        region = session.scalar(select(Region).where(Region.slug == slug))
        members = session.scalars(select(RegionMember.kommunenummer).where(RegionMember.region_id == region.id))
        assert sorted(members) == ["4613", "4614"] and region.name == "Sunnhordland (skjema)"
        areas = session.scalar(select(func.count()).select_from(MeasureArea).where(MeasureArea.region_id == region.id))
        assert areas == 5  # its own copy of the template
    page = admins["national"].get(f"/region/{slug}")
    assert page.status_code == 200


def test_a_bad_slug_is_refused_in_the_error_summary(admins, module_app, engine):
    answer = _make(module_app, admins["national"], "Feil", "Ikkje gyldig!", ["4613"])
    assert answer.status_code == 200
    text = json.dumps(answer.get_json(), ensure_ascii=False)
    assert "ds-error-summary" in text and "kan ikke være en regions kortnavn" in text, text[:2000]
    assert f"#{admin_regions.SLUG_FIELD}" in text
    taken = _make(module_app, admins["national"], "Dobbel", "hardangerradet", ["4613"], lang="en")
    assert "There is already a region 'hardangerradet'" in json.dumps(taken.get_json(), ensure_ascii=False)
    with committed(engine) as session:
        assert session.scalar(select(func.count()).select_from(Region).where(Region.name == "Feil")) == 0


def test_an_admin_of_one_region_cannot_make_regions(admins, module_app, engine, db):
    slug = f"{PREFIX}{secrets.token_hex(3)}"
    answer = _make(module_app, admins["regional"], "Forsøk", slug, ["4613"])
    assert answer.status_code == 403
    assert admins["regional"].get(admin_regions.PATH).status_code == 200  # the shell says the role is too weak
    with committed(engine) as session:
        assert session.scalar(select(Region.id).where(Region.slug == slug)) is None
    account = roles_of(db, db.scalar(select(AppUser).where(AppUser.name == admins["names"]["regional"])))
    with pytest.raises(NotAllowed):  # the one place that decides, whoever calls it
        add_region(db, slug, "Forsøk", ["4613"], account)
