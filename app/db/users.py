"""Accounts: who may edit (``editor``) and who may also import, manage users and delete (``admin``).

Passwords are hashed with Argon2id (argon2-cffi's defaults, which follow RFC 9106). A failed login is
stored, and a name or an address with too many failures in the last window is refused before the
password is even checked, so guessing is slow however many server processes answer.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.db.audit import record
from app.db.models import ROLES, AppUser, LoginAttempt
from app.errors import FjernarbeidError

NAME = re.compile(r"[a-z0-9][a-z0-9._@-]{1,79}")
MIN_PASSWORD = 12
MAX_FAILURES_PER_NAME = 5  # in WINDOW
MAX_FAILURES_PER_ADDRESS = 20
WINDOW = dt.timedelta(minutes=15)
_hasher = PasswordHasher()
# Checked when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class UserError(FjernarbeidError):
    """A user command that cannot be carried out (unknown name, weak password, …)."""


class TooManyAttempts(FjernarbeidError):
    """Too many failed logins for this name or address; try again later."""


@dataclass(frozen=True)
class Account:
    """The logged-in person as the web layer sees it."""

    id: int
    name: str
    role: str
    session_stamp: str

    def may(self, role: str) -> bool:
        """True if this account has ``role`` or a stronger one (admin > editor)."""
        return ROLES.index(self.role) >= ROLES.index(role)


def _account(user: AppUser) -> Account:
    return Account(user.id, user.name, user.role, user.session_stamp)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.")


def add_user(session: Session, name: str, role: str, password: str, actor: str) -> Account:
    name = name.strip().lower()
    if not NAME.fullmatch(name):
        raise UserError(
            f"{name!r} cannot be a user name: 2–80 lower-case letters, digits and . _ @ -, starting with a letter or digit."
        )
    _check_role(role)
    if len(password) < MIN_PASSWORD:
        raise UserError(f"The password must have at least {MIN_PASSWORD} characters.")
    if session.scalar(select(AppUser.id).where(AppUser.name == name)) is not None:
        raise UserError(f"There is already a user {name!r}.")
    user = AppUser(name=name, role=role, password_hash=_hasher.hash(password), session_stamp=secrets.token_hex(8))
    session.add(user)
    session.flush()
    record(session, actor, "user.add", "app_user", name, None, {"name": name, "role": role})
    return _account(user)


def _user(session: Session, name: str) -> AppUser:
    user = session.scalar(select(AppUser).where(AppUser.name == name.strip().lower()))
    if user is None:
        raise UserError(f"There is no user {name!r}. `fjernarbeid users list` shows them.")
    return user


def set_role(session: Session, name: str, role: str, actor: str) -> None:
    _check_role(role)
    user = _user(session, name)
    before = {"role": user.role}
    user.role, user.session_stamp = role, secrets.token_hex(8)
    record(session, actor, "user.set_role", "app_user", user.name, before, {"role": role})


def set_disabled(session: Session, name: str, disabled: bool, actor: str) -> None:
    user = _user(session, name)
    before = {"disabled": user.disabled}
    user.disabled, user.session_stamp = disabled, secrets.token_hex(8)
    record(
        session,
        actor,
        "user.disable" if disabled else "user.enable",
        "app_user",
        user.name,
        before,
        {"disabled": disabled},
    )


def set_password(session: Session, name: str, password: str, actor: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"The password must have at least {MIN_PASSWORD} characters.")
    user = _user(session, name)
    user.password_hash, user.session_stamp = _hasher.hash(password), secrets.token_hex(8)
    record(session, actor, "user.set_password", "app_user", user.name, None, None)


def list_users(session: Session) -> list[AppUser]:
    return list(session.scalars(select(AppUser).order_by(AppUser.name)))


def authenticate(session: Session, name: str, password: str, address: str) -> Account | None:
    """The account if ``password`` is right; None otherwise (the failure is stored).

    Raises:
        TooManyAttempts: the name or the address has failed too often in the last 15 minutes.
    """
    name = (name or "").strip().lower()[:80]
    address = (address or "unknown")[:64]
    since = dt.datetime.now(dt.UTC) - WINDOW
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < since))
    by_name = session.scalar(select(func.count()).where(LoginAttempt.name == name, LoginAttempt.at >= since)) or 0
    by_address = (
        session.scalar(select(func.count()).where(LoginAttempt.address == address, LoginAttempt.at >= since)) or 0
    )
    if by_name >= MAX_FAILURES_PER_NAME or by_address >= MAX_FAILURES_PER_ADDRESS:
        raise TooManyAttempts("Too many failed logins; wait 15 minutes.")
    user = session.scalar(select(AppUser).where(AppUser.name == name))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password or "")
        ok = user is not None and not user.disabled
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        session.add(LoginAttempt(name=name, address=address))
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = dt.datetime.now(dt.UTC)
    return _account(user)


def current_account(session: Session, user_id: int, stamp: str) -> Account | None:
    """The account of a session, if it still holds: the user exists, is not disabled, and neither the
    password nor the role changed since the login."""
    user = session.get(AppUser, user_id)
    if user is None or user.disabled or not secrets.compare_digest(user.session_stamp, stamp or ""):
        return None
    return _account(user)
