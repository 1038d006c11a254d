"""Who may change what, where: the one place that decides (README: "The role matrix").

A role is held nationally (``app_user.role``) or in regions (``user_region_role``). An account may change

- a **coworking space** if it holds the role nationally or in a region its municipality belongs to (a
  space moved to another municipality: in both);
- **measure progress** and **measured values** of a municipality the same way, and of a region as a whole
  (``region:<slug>``) with the role nationally or in that region;
- a **presentation** if it is its owner, a national admin, an editor or admin of the region the
  presentation belongs to (``deck.region_id``), or the presentation has neither owner nor region (the
  first editor claims it); deleting one needs ``admin`` nationally or in its region;
- the **success criteria** of a region's measures catalogue with the role nationally or in that region; the
  template's (the catalogue with no region) only nationally;
- a **measures catalogue itself** (its areas' texts, its activities and opportunities:
  ``app.ingest.catalogue_editing``) of a region with ``admin`` nationally or in that region; the template,
  which regions made later copy, only with ``admin`` nationally (``may_change_catalogue``);
- **imports**, the **change log**, **regions** and **users** only with the role nationally.

A record of progress or a measured value must also be of a place that uses the activity's catalogue: the
region or one of its municipalities (``app.ingest.editing``).

Every write of the editing layer (``app.ingest.editing``, ``app.ingest.catalogue_editing``, ``app.db.decks``)
goes through these checks with its actor: the logged-in ``Account`` in the web app. A plain string as the
actor is a trusted caller (the command line, the seed, tests), named in the change log, and may change
everything. The forms ask ``editable_places`` to offer only what the account may change; refusing again here
is what counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Municipality, Region, RegionMember
from app.db.users import Account
from app.errors import N_, FjernarbeidError

Actor = str | Account  # the web's account, or a trusted caller's name (command line, seed, tests)


class NotAllowed(FjernarbeidError):
    """The account's roles do not reach this record (the web answers 403)."""


def actor_name(actor: Actor) -> str:
    """The name the change log records for ``actor``."""
    return actor if isinstance(actor, str) else actor.name


def _refuse() -> NotAllowed:
    return NotAllowed(message_id=N_("Your role does not reach this place: it belongs to another region."))


def regions_of_municipality(session: Session, kommunenummer: str) -> frozenset[int]:
    """The regions ``kommunenummer`` is a member of (a municipality may belong to several councils)."""
    return frozenset(session.scalars(select(RegionMember.region_id).where(RegionMember.kommunenummer == kommunenummer)))


def may_change_municipality(session: Session, actor: Actor, role: str, kommunenummer: str) -> bool:
    if isinstance(actor, str) or actor.national(role):
        return True
    return bool(actor.region_ids(role) & regions_of_municipality(session, kommunenummer))


def check_municipality(session: Session, actor: Actor, role: str, *kommunenummer: str | None) -> None:
    """Raises ``NotAllowed`` unless ``actor`` may change records of every municipality named."""
    for number in kommunenummer:
        if number is not None and not may_change_municipality(session, actor, role, number):
            raise _refuse()


def check_region(actor: Actor, role: str, region_id: int | None) -> None:
    """Raises ``NotAllowed`` unless ``actor`` holds ``role`` nationally or in ``region_id``."""
    if isinstance(actor, str) or actor.in_region(role, region_id):
        return
    raise _refuse()


def check_place(session: Session, actor: Actor, role: str, place: str) -> None:
    """A place as the forms name it: a kommunenummer, or ``region:<slug>`` for a region as a whole. An
    unknown place passes here; the editing function refuses it as invalid."""
    if isinstance(actor, str) or actor.national(role):
        return
    if place.startswith("region:"):
        region_id = session.scalar(select(Region.id).where(Region.slug == place.removeprefix("region:")))
        check_region(actor, role, region_id if region_id is not None else -1)
    elif re.fullmatch(r"\d{4}", place):
        check_municipality(session, actor, role, place)
    else:
        raise _refuse()


def check_national(actor: Actor, role: str) -> None:
    """Raises ``NotAllowed`` unless ``actor`` holds ``role`` nationally (shared things: the catalogue's
    success criteria, imports, the change log, regions and users)."""
    if isinstance(actor, str) or actor.national(role):
        return
    raise NotAllowed(message_id=N_("Only a national {role} may change this: it is shared by every region."), role=role)


def may_change_catalogue(actor: Actor | None, region_id: int | None) -> bool:
    """Whether ``actor`` may change the measures catalogue of ``region_id`` (None: the template) itself: its
    areas' texts, its activities and its opportunities."""
    if actor is None:
        return False
    if isinstance(actor, str):
        return True
    return actor.national("admin") if region_id is None else actor.in_region("admin", region_id)


def check_catalogue(actor: Actor, region_id: int | None) -> None:
    """Raises ``NotAllowed`` unless ``may_change_catalogue``."""
    if may_change_catalogue(actor, region_id):
        return
    if region_id is None:
        raise NotAllowed(
            message_id=N_("Only a national {role} may change this: it is shared by every region."), role="admin"
        )
    raise NotAllowed(
        message_id=N_(
            "Only an administrator of the region, or a national administrator, may change its measures catalogue."
        )
    )


@dataclass(frozen=True)
class Places:
    """What an account may change: everything (``everywhere``), or these municipalities and regions."""

    everywhere: bool
    municipalities: frozenset[str] = frozenset()
    region_slugs: frozenset[str] = frozenset()

    def allows(self, place: str) -> bool:
        """``place`` a kommunenummer or ``region:<slug>``."""
        if self.everywhere:
            return True
        if place.startswith("region:"):
            return place.removeprefix("region:") in self.region_slugs
        return place in self.municipalities


def editable_places(session: Session, actor: Actor | None, role: str) -> Places:
    """The municipalities and regions ``actor`` may change records of (nothing for nobody)."""
    if actor is None:
        return Places(False)
    if isinstance(actor, str) or actor.national(role):
        return Places(True)
    region_ids = actor.region_ids(role)
    numbers = session.scalars(
        select(Municipality.kommunenummer)
        .join(RegionMember, RegionMember.kommunenummer == Municipality.kommunenummer)
        .where(RegionMember.region_id.in_(region_ids))
    )
    slugs = session.scalars(select(Region.slug).where(Region.id.in_(region_ids)))
    return Places(False, frozenset(numbers), frozenset(slugs))


# --- presentations -------------------------------------------------------------------------------


def may_change_deck(actor: Actor | None, owner_id: int | None, region_id: int | None) -> bool:
    """Its owner, a national admin, an editor of its region; any editor while it has neither owner nor region.
    (A national editor changes only their own, as before regions.)"""
    if actor is None:
        return False
    if isinstance(actor, str):
        return True
    if not actor.may("editor"):
        return False
    if actor.id == owner_id or actor.national("admin"):
        return True
    if region_id is not None:
        return region_id in actor.region_ids("editor")
    return owner_id is None


def may_delete_deck(actor: Actor | None, region_id: int | None) -> bool:
    """An admin nationally or of the presentation's region."""
    if actor is None:
        return False
    return isinstance(actor, str) or actor.in_region("admin", region_id)


def home_region(actor: Actor) -> int | None:
    """The region a new presentation of ``actor`` belongs to: for an account with roles in regions only,
    the first of them (by name); national accounts and trusted callers make national ones."""
    if isinstance(actor, str) or actor.role is not None or not actor.regions:
        return None
    return actor.regions[0].region_id
