"""Presentations (decks): saved views in order, for council meetings.

A deck is shown to whoever has its link (its token, ``secrets.token_urlsafe``: 32 characters, unguessable)
and belongs to the editor who made it (``owner_id``) and, when that editor holds roles in regions only, to
their region (``region_id``): it is listed for that account on any computer, and only its owner, the
editors of its region or a national admin change it (``editable``; the rules are ``app.db.access``'s). A
deck made before decks had owners is claimed by the first editor who changes it. Every function takes the session of one request and leaves committing
to ``session_scope``.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass, replace
from urllib.parse import parse_qs

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.db.access import Actor, NotAllowed, may_change_deck, may_delete_deck
from app.db.models import Deck, DeckView
from app.db.visibility import hidden_slugs
from app.errors import N_, FjernarbeidError

MAX_TITLE = 200
MAX_NOTE = 2000
MAX_QUERY = 2000
MAX_VIEWS = 100


class DeckError(FjernarbeidError):
    """A deck request that cannot be carried out (unknown token, a text too long, …)."""


@dataclass(frozen=True)
class SavedView:
    id: int
    position: int
    path: str
    query_string: str
    title: str
    note: str

    @property
    def address(self) -> str:
        return self.path + self.query_string


@dataclass(frozen=True)
class DeckInfo:
    token: str
    title: str
    views: list[SavedView]
    owner_id: int | None = None
    region_id: int | None = None

    def may_edit(self, actor: Actor | None) -> bool:
        """Whether ``actor`` may change the deck (``app.db.access.may_change_deck``; None: nobody logged in)."""
        return may_change_deck(actor, self.owner_id, self.region_id)

    def may_delete(self, actor: Actor | None) -> bool:
        return may_delete_deck(actor, self.region_id)


def _clean(text: str | None, limit: int, what: str, required: bool = False) -> str:
    text = (text or "").strip()
    if required and not text:
        raise DeckError(message_id=N_("The text is empty; give it a few words."))
    if len(text) > limit:
        raise DeckError(
            message_id=N_("The text is {length} characters long; at most {limit} are kept."),
            length=len(text),
            limit=limit,
        )
    return text


def _deck(session: Session, token: str) -> Deck:
    deck = session.scalar(select(Deck).where(Deck.token == token).options(selectinload(Deck.views)))
    if deck is None:
        raise DeckError(message_id=N_("No presentation has this link; it may have been deleted."))
    return deck


def _info(deck: Deck) -> DeckInfo:
    views = [SavedView(v.id, v.position, v.path, v.query_string, v.title, v.note) for v in deck.views]
    return DeckInfo(deck.token, deck.title, views, deck.owner_id, deck.region_id)


def create_deck(session: Session, title: str, owner_id: int | None = None, region_id: int | None = None) -> DeckInfo:
    deck = Deck(
        token=secrets.token_urlsafe(24),
        title=_clean(title, MAX_TITLE, "title", required=True),
        owner_id=owner_id,
        region_id=region_id,
    )
    session.add(deck)
    session.flush()
    return DeckInfo(deck.token, deck.title, [], deck.owner_id, deck.region_id)


def editable(session: Session, token: str, actor: Actor) -> DeckInfo:
    """The deck if ``actor`` may change it; a deck without an owner or region becomes this account's.

    Raises:
        DeckError: no deck has the token, or it belongs to another editor (or region).
    """
    deck = _deck(session, token)
    if not _info(deck).may_edit(actor):
        raise DeckError(
            message_id=N_(
                "This presentation belongs to another editor: you may show it and hand it out, not change it."
            )
        )
    if deck.owner_id is None and deck.region_id is None and not isinstance(actor, str) and not actor.national("admin"):
        deck.owner_id = actor.id
        session.flush()
    return _info(deck)


def deletable(session: Session, token: str, actor: Actor) -> DeckInfo:
    """The deck if ``actor`` may delete it (an admin nationally or of its region).

    Raises:
        DeckError: no deck has the token.
        NotAllowed: the actor may not delete it.
    """
    deck = _deck(session, token)
    if not may_delete_deck(actor, deck.region_id):
        raise NotAllowed(message_id=N_("Only an administrator of its region may delete this presentation."))
    return _info(deck)


def decks_of(session: Session, owner_id: int, region_ids: Collection[int] = ()) -> list[DeckInfo]:
    """The decks that belong to this account or to one of ``region_ids`` (the regions it edits in), the one
    changed last first."""
    decks = session.scalars(
        select(Deck)
        .where(or_(Deck.owner_id == owner_id, Deck.region_id.in_(list(region_ids))))
        .options(selectinload(Deck.views))
        .order_by(Deck.updated_at.desc(), Deck.id.desc())
        .limit(200)
    )
    return [_info(d) for d in decks]


def get_deck(session: Session, token: str) -> DeckInfo:
    return _info(_deck(session, token))


SURVEY_PARAMETERS = ("survey", "with")  # a view's parameters that name a survey (the survey page compares "with")


def surveys_of(query_string: str) -> set[str]:
    """The surveys a saved view's address names."""
    found = parse_qs(query_string.lstrip("?"))
    return {value for name in SURVEY_PARAMETERS for value in found.get(name, [])}


def shown_deck(session: Session, token: str, public_only: bool = False) -> DeckInfo:
    """The deck with only the views the current audience may see (``app.db.visibility``): a view of a
    region's or a private survey is left out for everyone else, in the deck's list, when it is played and
    (``public_only``, as the handout is one file for everyone) in its handout."""
    return shown_decks(session, [get_deck(session, token)], public_only)[0]


def shown_decks(session: Session, decks: list[DeckInfo], public_only: bool = False) -> list[DeckInfo]:
    """``decks`` with only the views the current audience may see, as ``shown_deck`` (a list of decks counts
    their views: a hidden view must not show even as a number)."""
    hidden = hidden_slugs(session, public_only)
    if not hidden:
        return decks
    return [replace(d, views=[v for v in d.views if not surveys_of(v.query_string) & hidden]) for d in decks]


def find_decks(session: Session, tokens: list[str], without_owner: bool = False) -> list[DeckInfo]:
    """The decks among ``tokens`` that still exist (a browser remembered the ones it made before decks had
    owners), newest first; ``without_owner``: only those nobody has claimed yet."""
    if not tokens:
        return []
    query = select(Deck).where(Deck.token.in_(tokens[:200]))
    if without_owner:
        query = query.where(Deck.owner_id.is_(None))
    decks = session.scalars(query.options(selectinload(Deck.views)).order_by(Deck.id.desc()))
    return [_info(d) for d in decks]


def add_view(session: Session, token: str, path: str, query_string: str, title: str, note: str = "") -> SavedView:
    """Append a view to the deck (``query_string`` with its ``?``, or empty)."""
    deck = _deck(session, token)
    if len(deck.views) >= MAX_VIEWS:
        raise DeckError(message_id=N_("A presentation holds at most {count} views."), count=MAX_VIEWS)
    query = _clean(query_string, MAX_QUERY, "address")
    if query and not query.startswith("?"):
        query = "?" + query
    position = (session.scalar(select(func.max(DeckView.position)).where(DeckView.deck_id == deck.id)) or 0) + 1
    view = DeckView(
        deck_id=deck.id,
        position=position,
        path=_clean(path, 100, "page", required=True),
        query_string=query,
        title=_clean(title, MAX_TITLE, "title", required=True),
        note=_clean(note, MAX_NOTE, "note"),
    )
    session.add(view)
    deck.updated_at = func.now()
    session.flush()
    return SavedView(view.id, view.position, view.path, view.query_string, view.title, view.note)


def rename_deck(session: Session, token: str, title: str) -> None:
    deck = _deck(session, token)
    deck.title = _clean(title, MAX_TITLE, "title", required=True)
    deck.updated_at = func.now()


def delete_deck(session: Session, token: str) -> None:
    session.delete(_deck(session, token))


def _view(deck: Deck, view_id: int) -> DeckView:
    view = next((v for v in deck.views if v.id == view_id), None)
    if view is None:
        raise DeckError(message_id=N_("This view is no longer in the presentation."))
    return view


def move_view(session: Session, token: str, view_id: int, steps: int) -> None:
    """Move a view ``steps`` places (negative: towards the start); positions stay 1..n."""
    deck = _deck(session, token)
    views = list(deck.views)
    view = _view(deck, view_id)
    index = views.index(view)
    views.insert(max(0, min(len(views) - 1, index + steps)), views.pop(index))
    for position, item in enumerate(views, start=1):
        item.position = position
    deck.updated_at = func.now()


def remove_view(session: Session, token: str, view_id: int) -> None:
    deck = _deck(session, token)
    deck.views.remove(_view(deck, view_id))
    for position, item in enumerate(deck.views, start=1):
        item.position = position
    deck.updated_at = func.now()


def edit_view(session: Session, token: str, view_id: int, title: str, note: str) -> None:
    deck = _deck(session, token)
    view = _view(deck, view_id)
    view.title = _clean(title, MAX_TITLE, "title", required=True)
    view.note = _clean(note, MAX_NOTE, "note")
    deck.updated_at = func.now()


def duplicate_view(session: Session, token: str, view_id: int) -> SavedView:
    """A copy of a view (its address, title and note) right after it; the views after it move down one."""
    deck = _deck(session, token)
    if len(deck.views) >= MAX_VIEWS:
        raise DeckError(message_id=N_("A presentation holds at most {count} views."), count=MAX_VIEWS)
    original = _view(deck, view_id)
    index = deck.views.index(original)
    copy = DeckView(
        position=original.position,
        path=original.path,
        query_string=original.query_string,
        title=original.title,
        note=original.note,
    )
    deck.views.insert(index + 1, copy)
    for position, item in enumerate(deck.views, start=1):
        item.position = position
    deck.updated_at = func.now()
    session.flush()
    return SavedView(copy.id, copy.position, copy.path, copy.query_string, copy.title, copy.note)


def deck_version(session: Session, token: str) -> tuple[int, str]:
    """The deck's id and a hash of everything a handout shows of it (title, views in order, notes)."""
    import hashlib
    import json

    deck = _deck(session, token)
    content = [deck.title, [(v.path, v.query_string, v.title, v.note) for v in deck.views]]
    return deck.id, hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()
