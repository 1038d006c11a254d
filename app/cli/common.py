"""What every command shares: the database engine, checked before use, and the name its changes are recorded under."""

from __future__ import annotations

from app.config import Config


def _engine(config: Config):
    from app.db import session as db_session

    db_session.configure(config)
    db_session.check_database()
    return db_session.get_engine()


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
