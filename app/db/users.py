"""Accounts: who may edit (``editor``) and who may also delete (``admin``), nationally or in a region.

A role is held nationally (``app_user.role``: every region; a national admin also imports, reads the change
log and manages regions and users) or in regions (``user_region_role``: that region's municipalities and
presentations). What an account may change where is decided in one place, ``app.db.access``.

Passwords are hashed with Argon2id (argon2-cffi's defaults, which follow RFC 9106).

**Failed logins** are counted per typed name *and* client address (``login_throttle``), never per name
alone, so nobody can lock the rightful owner out by guessing from elsewhere. After
``MAX_FAILURES_PER_PAIR`` failures that pair is refused for a minute, and every further failure doubles
the wait (up to ``MAX_BLOCK``); an address that fails ``MAX_FAILURES_PER_ADDRESS`` times over any names
(password spraying) backs off the same way for all names. The pair's and the address's rows are locked
(``SELECT … FOR UPDATE``) from the check until the failure is counted, so parallel guesses queue and at
most the limit of them reach the password check, however many server processes answer. Counts are
forgotten ``FORGET_AFTER`` the last failure; a successful login clears its pair.

**Sessions** (``user_session``) are rows a login creates and logout deletes; the signed cookie carries
only the session's random secret (stored as a SHA-256). Changing the role or password, or disabling
the user, deletes all of the user's sessions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from dataclasses import dataclass

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from app.db.audit import record
from app.db.models import ROLES, AppUser, LoginThrottle, Region, UserRegionRole, UserSession
from app.errors import N_, FjernarbeidError

NAME = re.compile(r"[a-z0-9][a-z0-9._@-]{1,79}")
MIN_PASSWORD = 12
MAX_FAILURES_PER_PAIR = 5  # of one typed name from one address, before it must wait
MAX_FAILURES_PER_ADDRESS = 20  # over all names from one address
FIRST_BLOCK = dt.timedelta(minutes=1)  # doubled with every further failure
MAX_BLOCK = dt.timedelta(minutes=15)
FORGET_AFTER = dt.timedelta(hours=1)  # without failures, a pair or an address starts afresh
ALL_NAMES = "*"  # the ``login_throttle`` row of an address over every name (no user name can be "*")
OTHER_NAMES = "-"  # every typed name that cannot be a user name, from one address
LOCK_TIMEOUT_MS = 10_000  # a login waits this long behind parallel ones for the same pair
SESSION_LIFETIME = dt.timedelta(hours=8)
_hasher = PasswordHasher()
# Checked when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class UserError(FjernarbeidError):
    """A user command that cannot be carried out (unknown name, weak password, …)."""


class TooManyAttempts(FjernarbeidError):
    """Too many failed logins of this name from this address, or from this address; try again later."""

    def __init__(self, retry_after: dt.timedelta) -> None:
        self.retry_after = max(retry_after, dt.timedelta(seconds=1))
        super().__init__(f"Too many failed logins; try again in {int(self.retry_after.total_seconds())} seconds.")


@dataclass(frozen=True)
class RegionRole:
    """A role the account holds in one region."""

    region_id: int
    slug: str
    name: str
    role: str


def _at_least(held: str | None, role: str) -> bool:
    return held is not None and ROLES.index(held) >= ROLES.index(role)


@dataclass(frozen=True)
class Account:
    """The logged-in person as the web layer sees it: a national role (``role``; None: none) and the roles
    held in regions. What they may change where is decided by ``app.db.access``."""

    id: int
    name: str
    role: str | None
    session_stamp: str
    regions: tuple[RegionRole, ...] = ()

    def may(self, role: str) -> bool:
        """True if this account has ``role`` or a stronger one (admin > editor) anywhere: nationally or in
        at least one region (it may open the pages of that role; what it may change there is narrower)."""
        return self.national(role) or any(_at_least(r.role, role) for r in self.regions)

    def national(self, role: str) -> bool:
        """True if this account has ``role`` or a stronger one nationally (every region, and for an admin
        the imports, the change log, regions and users)."""
        return _at_least(self.role, role)

    def region_ids(self, role: str) -> frozenset[int]:
        """The regions where this account holds ``role`` or a stronger one (not counting a national role)."""
        return frozenset(r.region_id for r in self.regions if _at_least(r.role, role))

    def in_region(self, role: str, region_id: int | None) -> bool:
        """True if this account has ``role`` nationally or in the region ``region_id``."""
        return self.national(role) or (region_id is not None and region_id in self.region_ids(role))

    def describe(self) -> str:
        """``editor``, ``admin``, ``editor@hardangerradet`` … (the command line's and the log's words)."""
        parts = [self.role] if self.role else []
        return ", ".join(parts + [f"{r.role}@{r.slug}" for r in self.regions]) or "none"


def _account(session: Session, user: AppUser) -> Account:
    rows = session.execute(
        select(Region.id, Region.slug, Region.name, UserRegionRole.role)
        .join(UserRegionRole, UserRegionRole.region_id == Region.id)
        .where(UserRegionRole.user_id == user.id)
        .order_by(Region.name)
    ).all()
    regions = tuple(RegionRole(region_id, slug, name, role) for region_id, slug, name, role in rows)
    return Account(user.id, user.name, user.role, user.session_stamp, regions)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.")


def _region(session: Session, slug: str) -> Region:
    region = session.scalar(select(Region).where(Region.slug == slug.strip().lower()))
    if region is None:
        raise UserError(f"There is no region {slug!r}. `fjernarbeid regions list` shows them.")
    return region


def add_user(session: Session, name: str, role: str, password: str, actor: str, region: str | None = None) -> Account:
    """A local account with ``role`` nationally, or with ``region`` (a slug) in that region only."""
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
    place = _region(session, region) if region is not None else None
    user = AppUser(
        name=name,
        role=None if place is not None else role,
        password_hash=_hasher.hash(password),
        session_stamp=secrets.token_hex(8),
    )
    session.add(user)
    session.flush()
    if place is not None:
        session.add(UserRegionRole(user_id=user.id, region_id=place.id, role=role))
        session.flush()
    after = {"name": name, "role": role} if place is None else {"name": name, "role": role, "region": place.slug}
    record(session, actor, "user.add", "app_user", name, None, after)
    return _account(session, user)


def _user(session: Session, name: str) -> AppUser:
    user = session.scalar(select(AppUser).where(AppUser.name == name.strip().lower()))
    if user is None:
        raise UserError(f"There is no user {name!r}. `fjernarbeid users list` shows them.")
    return user


def set_role(session: Session, name: str, role: str | None, actor: str, region: str | None = None) -> None:
    """Give ``name`` the national ``role``, or with ``region`` that role in the region; ``role`` None (the
    command line's ``none``) takes the national role, or the role in the region, away. Ends their sessions."""
    if role is not None:
        _check_role(role)
    user = _user(session, name)
    if user.oidc_subject is not None:
        raise UserError(f"{user.name!r} logs in through single sign-on: its role comes from its groups at each login.")
    if region is None:
        before: dict[str, object] = {"role": user.role}
        after: dict[str, object] = {"role": role}
        user.role = role
    else:
        place = _region(session, region)
        held = session.get(UserRegionRole, (user.id, place.id))
        before = {"region": place.slug, "role": held.role if held else None}
        after = {"region": place.slug, "role": role}
        if held is not None and role is None:
            session.delete(held)
        elif held is not None and role is not None:
            held.role = role
        elif role is not None:
            session.add(UserRegionRole(user_id=user.id, region_id=place.id, role=role))
    user.session_stamp = secrets.token_hex(8)
    end_sessions(session, user.id)
    session.flush()
    record(session, actor, "user.set_role", "app_user", user.name, before, after)


def roles_of(session: Session, user: AppUser) -> Account:
    """The account of a user row, with its roles in regions (``fjernarbeid users list``)."""
    return _account(session, user)


def set_disabled(session: Session, name: str, disabled: bool, actor: str) -> None:
    user = _user(session, name)
    before = {"disabled": user.disabled}
    user.disabled, user.session_stamp = disabled, secrets.token_hex(8)
    end_sessions(session, user.id)
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
    if user.oidc_subject is not None:
        raise UserError(f"{user.name!r} logs in through single sign-on and has no password here.")
    user.password_hash, user.session_stamp = _hasher.hash(password), secrets.token_hex(8)
    end_sessions(session, user.id)
    record(session, actor, "user.set_password", "app_user", user.name, None, None)


def list_users(session: Session) -> list[AppUser]:
    return list(session.scalars(select(AppUser).order_by(AppUser.name)))


def authenticate(session: Session, name: str, password: str, address: str) -> Account | None:
    """The account if ``password`` is right; None otherwise (the failure is counted).

    The caller commits: the pair's and the address's rows stay locked until then, so that parallel
    guesses are checked one after the other against the count.

    Raises:
        TooManyAttempts: this name from this address, or this address, must wait.
    """
    name = (name or "").strip().lower()[:80]
    address = (address or "unknown")[:64]
    pair_name = name if NAME.fullmatch(name) else OTHER_NAMES
    now = dt.datetime.now(dt.UTC)
    _forget_old_failures(session, now)
    session.execute(text(f"SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS}"))
    session.execute(
        insert(LoginThrottle)
        .values([{"name": ALL_NAMES, "address": address}, {"name": pair_name, "address": address}])
        .on_conflict_do_nothing()
    )
    try:  # always the address's row first, then the pair's: two logins never wait for each other in a circle
        rows = [
            session.scalars(
                select(LoginThrottle)
                .where(LoginThrottle.name == row_name, LoginThrottle.address == address)
                .with_for_update()
                .execution_options(populate_existing=True)
            ).one()
            for row_name in (ALL_NAMES, pair_name)
        ]
    except OperationalError:  # lock_timeout: many parallel logins for this pair
        raise TooManyAttempts(FIRST_BLOCK) from None
    for row in rows:
        if row.failures and row.last_failure_at < now - FORGET_AFTER:
            row.failures, row.blocked_until = 0, None
        if row.blocked_until is not None and row.blocked_until > now:
            raise TooManyAttempts(row.blocked_until - now)
    user = session.scalar(select(AppUser).where(AppUser.name == name))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password or "")
        ok = user is not None and not user.disabled
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        for row, limit in zip(rows, (MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_PAIR), strict=True):
            row.failures += 1
            row.last_failure_at = now
            if row.failures >= limit:
                row.blocked_until = now + min(FIRST_BLOCK * 2 ** (row.failures - limit), MAX_BLOCK)
        session.flush()
        return None
    if pair_name != ALL_NAMES:
        session.delete(rows[1])
    if _hasher.check_needs_rehash(user.password_hash):
        _rehash(session, user, password)
    user.last_login_at = now
    return _account(session, user)


def _rehash(session: Session, user: AppUser, password: str) -> None:
    """Store the hash with today's parameters, where the role may: the web server's database role may not
    write password hashes (app/db/roles.py), so there the login goes on with the old, still valid hash and
    the next ``fjernarbeid users set-password`` (or a login through the owner's role) brings it up to date."""
    try:
        with session.begin_nested():
            user.password_hash = _hasher.hash(password)
            session.flush()
    except ProgrammingError as error:
        if not isinstance(error.orig, psycopg.errors.InsufficientPrivilege):
            raise


def _forget_old_failures(session: Session, now: dt.datetime) -> None:
    """Delete counts nobody needs any more; rows another login holds are left for the next time."""
    session.execute(
        text(
            "DELETE FROM login_throttle WHERE ctid IN (SELECT ctid FROM login_throttle WHERE last_failure_at < :old "
            "AND (blocked_until IS NULL OR blocked_until < :now) FOR UPDATE SKIP LOCKED)"
        ),
        {"old": now - FORGET_AFTER, "now": now},
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, account: Account) -> str:
    """A new session of ``account``: the secret the cookie carries."""
    now = dt.datetime.now(dt.UTC)
    session.execute(delete(UserSession).where(UserSession.expires_at < now))
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=_hash(token), user_id=account.id, expires_at=now + SESSION_LIFETIME))
    session.flush()
    return token


def end_session(session: Session, token: str) -> None:
    """Logout: the session's cookie, and every copy of it, no longer counts."""
    session.execute(delete(UserSession).where(UserSession.token_hash == _hash(token)))


def end_sessions(session: Session, user_id: int) -> None:
    """End every session of the user (role, password or disabling changed)."""
    session.execute(delete(UserSession).where(UserSession.user_id == user_id))


def current_account(session: Session, token: str) -> Account | None:
    """The account of a session, if it still holds: the session was not ended or revoked and has not
    expired, and the user exists and is not disabled."""
    user = session.scalar(
        select(AppUser)
        .join(UserSession, UserSession.user_id == AppUser.id)
        .where(UserSession.token_hash == _hash(token or ""), UserSession.expires_at > dt.datetime.now(dt.UTC))
    )
    if user is None or user.disabled:
        return None
    return _account(session, user)


SSO_PASSWORD = "!sso"  # the password "hash" of an account of single sign-on: no password matches it


class SsoRefused(FjernarbeidError):
    """A person the OpenID provider vouched for may not log in here (no mapped group, or disabled)."""


@dataclass(frozen=True)
class SsoIdentity:
    """What a verified ID token says about the person, and what the role map makes of their groups."""

    issuer: str
    subject: str
    name_hint: str  # preferred_username, email or the subject: the account's name is made from it
    role: str | None  # the strongest national role the groups give; None: no national role
    region_roles: tuple[tuple[str, str], ...] = ()  # (region slug, role) the groups give
    groups: tuple[str, ...] = ()  # the mapped groups the person is in (never the unmapped ones)


def _sso_name(session: Session, identity: SsoIdentity) -> str:
    """``sso:`` and the hint (a local name never has a colon); made unique with a digest if taken."""
    hint = re.sub(r"[^a-z0-9._@-]", "", identity.name_hint.strip().lower()) or "person"
    name = f"sso:{hint[:60]}"
    if session.scalar(select(AppUser.id).where(AppUser.name == name)) is not None:
        digest = hashlib.sha256(f"{identity.issuer} {identity.subject}".encode()).hexdigest()[:10]
        name = f"sso:{hint[:60]}~{digest}"
    return name


def sso_login(session: Session, identity: SsoIdentity) -> Account:
    """The account of a person the provider vouched for, with the roles the groups give now: a national
    role from ``group=role`` rules, roles in regions from ``group=role@region`` rules (a region that does
    not exist here gives nothing, and is said in the log).

    Made on the first login; the roles are set again at every login, so a person who left a group has
    lost its role from the next login on (and a changed role ends the person's other sessions). The
    write goes through ``app_user_sso_login`` (migration 0017), which the web server's database role may
    call though it may not write accounts itself. Logins and role changes go to the audit trail.

    Raises:
        SsoRefused: no mapped group gives a role (nationally or in a region that exists), or the account
            is disabled.
    """
    user = session.scalar(
        select(AppUser).where(AppUser.oidc_issuer == identity.issuer, AppUser.oidc_subject == identity.subject)
    )
    actor = user.name if user is not None else f"sso:{identity.name_hint[:70]}"
    known = set(session.scalars(select(Region.slug).where(Region.slug.in_([r for r, _ in identity.region_roles]))))
    in_force = [(region, role) for region, role in identity.region_roles if region in known and role in ROLES]
    if identity.role is None and not in_force:
        if user is not None:
            end_sessions(session, user.id)
        record(
            session,
            actor,
            "user.sso_refused",
            "app_user",
            user.name if user is not None else None,
            {"role": user.role} if user is not None else None,
            {"groups": list(identity.groups), "region_roles": [list(pair) for pair in identity.region_roles]},
        )
        raise SsoRefused(
            message_id=N_(
                "None of your groups at the sign-in service gives you a role in this dashboard. Ask its "
                "administrator to add your group."
            )
        )
    if user is not None and user.disabled:
        record(session, actor, "user.sso_refused", "app_user", user.name, None, {"disabled": True})
        raise SsoRefused(message_id=N_("Your account in this dashboard is disabled. Ask its administrator."))
    if identity.role is not None:
        _check_role(identity.role)
    name = user.name if user is not None else _sso_name(session, identity)
    region_roles = [{"region": region, "role": role} for region, role in identity.region_roles]
    row = session.execute(
        text(
            "SELECT user_id, is_new, changed, previous_role, previous_regions, regions FROM app_user_sso_login("
            "CAST(:issuer AS text), CAST(:subject AS text), CAST(:name AS text), CAST(:role AS text), "
            "CAST(:region_roles AS jsonb), CAST(:stamp AS text))"
        ),
        {
            "issuer": identity.issuer,
            "subject": identity.subject,
            "name": name,
            "role": identity.role,
            "region_roles": json.dumps(region_roles),
            "stamp": secrets.token_hex(8),
        },
    ).one()
    after = {
        "role": identity.role,
        "groups": list(identity.groups),
        "region_roles": region_roles,
        "regions": row.regions,
    }
    if row.is_new:
        record(session, name, "user.sso_add", "app_user", name, None, after)
    elif row.changed:
        end_sessions(session, row.user_id)
        before = {"role": row.previous_role, "regions": row.previous_regions}
        record(session, name, "user.sso_set_role", "app_user", name, before, after)
    record(session, name, "user.sso_login", "app_user", name, None, after)
    session.expire_all()  # the function wrote the rows behind the ORM's back
    user = session.get(AppUser, row.user_id)
    assert user is not None
    return _account(session, user)
