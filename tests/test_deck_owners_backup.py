"""A deck's owner survives export-all / import-all by account name (accounts themselves are not copied)."""

from __future__ import annotations

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app.db import migrate
from app.db.decks import add_view, create_deck
from app.db.models import AppUser, Deck
from app.db.users import add_user
from app.ingest.backup import export_all, import_all


def test_a_decks_owner_is_given_back_to_the_account_of_the_same_name(db, empty_database_url, tmp_path):
    owner = add_user(db, "kari-deck", "editor", "et langt passord 123", "test").id
    mine = create_deck(db, "Karis møte", owner_id=owner).token
    add_view(db, mine, "/", "?survey=demo_national", "Oversikt")
    nobodys = create_deck(db, "Gammel").token
    db.flush()
    export_all(db, tmp_path / "copy")

    engine = create_engine(empty_database_url)
    migrate.upgrade(engine)
    with Session(engine) as restored, restored.begin():
        again = add_user(restored, "kari-deck", "editor", "et annet passord 456", "test").id  # added again first
        import_all(restored, tmp_path / "copy")
    with Session(engine) as restored:
        owners = dict(restored.execute(select(Deck.token, Deck.owner_id)).all())
        assert owners[mine] == again and owners[nobodys] is None
        assert restored.scalar(select(AppUser.name).where(AppUser.id == again)) == "kari-deck"
    engine.dispose()
