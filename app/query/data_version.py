"""The database's data version: a counter PostgreSQL increments on every write to content tables."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import DataVersion
from app.db.visibility import audience_key

T = TypeVar("T")
MAX_REMEMBERED = 1024  # results per process: most under 5 kB, the largest (a survey's Samanhengar findings) 45 kB

_remembered: OrderedDict[tuple, Any] = OrderedDict()
_lock = threading.Lock()


def data_version(session: Session) -> int:
    """Changes whenever anything a page shows may have changed (see migration 0003)."""
    return session.scalar(select(DataVersion.version).where(DataVersion.id == 1)) or 0


def remembered(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, remembered in this process until the data version changes.

    For query results that are pure functions of the database and ``key`` (which must hold every argument
    that changes the result, the disclosure threshold too): the same request made again, by any page and in
    any language, costs one look at the version instead of its statements. The result is shared, so it must
    not be changed by its users (the query layer's results are frozen or copied before they are changed).
    An import changes the version, so nothing computed before it is used after it. A transaction that has
    written (an import, a test) computes afresh and remembers nothing: its uncommitted data may be rolled
    back, and the version number with it."""
    version_now = select(DataVersion.version).where(DataVersion.id == 1).scalar_subquery()
    version, writing = session.execute(select(version_now, func.pg_current_xact_id_if_assigned())).one()
    if writing is not None:  # this transaction has written: what it sees is not the version's data
        return compute()
    # the audience too: a result that chose among surveys (Kommune's stand-ins) is never shared with a request
    # that may see fewer of them (app/db/visibility.py; "" for the public surveys only, as before)
    full = (session.connection().engine.url.render_as_string(hide_password=True), version or 0, audience_key(), key)
    with _lock:
        if full in _remembered:
            _remembered.move_to_end(full)
            return _remembered[full]
    value = compute()
    with _lock:
        _remembered[full] = value
        while len(_remembered) > MAX_REMEMBERED:
            _remembered.popitem(last=False)
    return value


def forget_remembered() -> None:
    """Forget every remembered result."""
    with _lock:
        _remembered.clear()
