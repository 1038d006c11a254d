"""Regions (regional councils): a slug, a name and the member municipalities, made by a national admin
from the command line (``fjernarbeid regions add|list``) or in the browser (``/admin/regioner``). Roles are
held per region (``app.db.access``); a municipality may be a member of more than one region. A new region
gets its own measures catalogue, a copy of the template (``app.db.catalogues``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.db.access import Actor, actor_name, check_national
from app.db.audit import record
from app.db.catalogues import copy_template
from app.db.models import Municipality, Region, RegionMember, UserRegionRole
from app.errors import N_, FjernarbeidError

SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{1,59}")


class RegionError(FjernarbeidError):
    """A region that cannot be made (a slug taken, an unknown municipality, …); ``field`` names what is wrong
    (``slug``, ``name`` or ``municipalities``), so a form can point at it, and ``message_id`` says it in the
    page's language."""

    def __init__(self, field: str, message_id: str, **values: object):
        super().__init__("", message_id, **values)
        self.field = field


@dataclass(frozen=True)
class RegionInfo:
    slug: str
    name: str
    members: tuple[str, ...]  # kommunenummer, in order
    accounts: int  # accounts holding a role in it


def _numbers(session: Session, municipalities: list[str]) -> list[str]:
    numbers = sorted({m.strip() for m in municipalities if m.strip()})
    if not numbers:
        raise RegionError("municipalities", N_("A region needs at least one member municipality."))
    bad = [n for n in numbers if not re.fullmatch(r"\d{4}", n)]
    if bad:
        raise RegionError(
            "municipalities", N_("Not a four-digit municipality number: {numbers}."), numbers=", ".join(bad)
        )
    known = set(session.scalars(select(Municipality.kommunenummer).where(Municipality.kommunenummer.in_(numbers))))
    unknown = [n for n in numbers if n not in known]
    if unknown:
        raise RegionError(
            "municipalities",
            N_(
                "No municipality has the number {numbers} (today's numbers, e.g. 4622 Kvam); "
                "`fjernarbeid db` loads the reference data."
            ),
            numbers=", ".join(unknown),
        )
    return numbers


def add_region(session: Session, slug: str, name: str, municipalities: list[str], actor: Actor) -> RegionInfo:
    """A new region with its member municipalities, made by a national admin (``actor``: the web's account;
    a trusted caller's name from the command line).

    Raises:
        NotAllowed: the account is no national admin (``app.db.access``).
        RegionError: a bad or taken slug, an empty name, or a municipality number that does not exist.
    """
    check_national(actor, "admin")
    name = name.strip()
    if not name or len(name) > 120:
        raise RegionError("name", N_("A region's name has 1–120 characters."))
    slug = slug.strip().lower()
    if not slug:
        raise RegionError(
            "slug", N_("A region needs a slug, its address: e.g. hardangerradet for /region/hardangerradet.")
        )
    if not SLUG.fullmatch(slug):
        raise RegionError(
            "slug",
            N_(
                "'{slug}' cannot be a region's slug: 2–60 lower-case letters a–z, digits, - and _ "
                "(e.g. hardangerradet)."
            ),
            slug=slug[:60],
        )
    if session.scalar(select(Region.id).where(Region.slug == slug)) is not None:
        raise RegionError("slug", N_("There is already a region '{slug}'."), slug=slug)
    numbers = _numbers(session, municipalities)
    region = Region(slug=slug, name=name)
    session.add(region)
    session.flush()
    session.add_all(RegionMember(region_id=region.id, kommunenummer=n) for n in numbers)
    session.flush()
    copy_template(session, region.id)
    record(session, actor_name(actor), "region.add", "region", slug, None, {"name": name, "municipalities": numbers})
    return RegionInfo(slug, name, tuple(numbers), 0)


def list_regions(session: Session) -> list[RegionInfo]:
    regions = session.scalars(select(Region).options(selectinload(Region.members)).order_by(Region.name)).all()
    counts: dict[int, int] = {
        region_id: n
        for region_id, n in session.execute(
            select(UserRegionRole.region_id, func.count()).group_by(UserRegionRole.region_id)
        )
    }
    return [
        RegionInfo(r.slug, r.name, tuple(sorted(m.kommunenummer for m in r.members)), counts.get(r.id, 0))
        for r in regions
    ]
