"""Local accounts: Argon2 hashes, roles, disabling, sessions that end, and a login back-off per typed name
and address that holds across processes and cannot lock the rightful owner out."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app.db.models import AppUser, AuditEntry, LoginThrottle
from app.db.users import (
    MAX_FAILURES_PER_ADDRESS,
    MAX_FAILURES_PER_PAIR,
    TooManyAttempts,
    UserError,
    add_user,
    authenticate,
    current_account,
    end_session,
    set_disabled,
    set_password,
    set_role,
    start_session,
)

PASSWORD = "korrekt hest batteri"


def test_password_is_stored_as_an_argon2id_hash_and_checks(db):
    account = add_user(db, "Kari", "editor", PASSWORD, "cli:root")
    user = db.get(AppUser, account.id)
    assert user.name == "kari" and user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert authenticate(db, "kari", PASSWORD, "10.0.0.1") == account
    assert authenticate(db, "kari", "feil passord!!", "10.0.0.1") is None
    assert db.scalar(select(AuditEntry.action).where(AuditEntry.entity_id == "kari")) == "user.add"


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("kari", "viewer", PASSWORD, "Unknown role"),
        ("kari", "editor", "kort", "at least 12"),
        ("<script>", "editor", PASSWORD, "cannot be a user name"),
    ],
)
def test_bad_users_are_refused(db, name, role, password, message):
    with pytest.raises(UserError, match=message):
        add_user(db, name, role, password, "cli:root")


def test_a_name_is_taken_once(db):
    add_user(db, "kari", "editor", PASSWORD, "cli:root")
    with pytest.raises(UserError, match="already"):
        add_user(db, "KARI", "admin", PASSWORD, "cli:root")


def test_role_change_password_change_disabling_and_logout_end_sessions(db):
    account = add_user(db, "ola", "editor", PASSWORD, "cli:root")
    first, second = start_session(db, account), start_session(db, account)
    assert current_account(db, first) == account == current_account(db, second)
    end_session(db, first)  # logout ends that session only
    assert current_account(db, first) is None and current_account(db, second) == account
    set_role(db, "ola", "admin", "cli:root")
    assert current_account(db, second) is None
    fresh = authenticate(db, "ola", PASSWORD, "10.0.0.2")
    assert fresh.role == "admin" and fresh.may("editor")
    token = start_session(db, fresh)
    set_password(db, "ola", PASSWORD + "!", "cli:root")
    assert current_account(db, token) is None
    token = start_session(db, fresh)
    set_disabled(db, "ola", True, "cli:root")
    assert current_account(db, token) is None
    assert authenticate(db, "ola", PASSWORD + "!", "10.0.0.2") is None


def test_failures_back_off_the_name_from_that_address_only(db):
    add_user(db, "per", "editor", PASSWORD, "cli:root")
    for attempt in range(MAX_FAILURES_PER_PAIR):
        assert authenticate(db, "per", f"gjetting {attempt:04d}", "10.0.1.1") is None
    with pytest.raises(TooManyAttempts) as refused:
        authenticate(db, "per", PASSWORD, "10.0.1.1")  # even the right password waits
    assert 0 < refused.value.retry_after.total_seconds() <= 60
    assert authenticate(db, "per", PASSWORD, "10.0.2.1") is not None  # the owner, from elsewhere
    db.execute(update(LoginThrottle).where(LoginThrottle.address == "10.0.1.1").values(blocked_until=None))
    assert authenticate(db, "per", "gjetting igjen", "10.0.1.1") is None  # the wait is over: one more guess …
    with pytest.raises(TooManyAttempts) as refused:
        authenticate(db, "per", PASSWORD, "10.0.1.1")
    assert 60 < refused.value.retry_after.total_seconds() <= 120  # … and the next wait is twice as long


def test_an_address_that_tries_many_names_backs_off_for_every_name(db):
    add_user(db, "siri", "editor", PASSWORD, "cli:root")
    for attempt in range(MAX_FAILURES_PER_ADDRESS):
        assert authenticate(db, f"namn{attempt}", "gjetting 0000", "10.0.3.1") is None
    with pytest.raises(TooManyAttempts):
        authenticate(db, "siri", PASSWORD, "10.0.3.1")
    assert authenticate(db, "siri", PASSWORD, "10.0.3.2") is not None


def test_an_unknown_name_fails_like_a_wrong_password(db):
    assert authenticate(db, "ingen", PASSWORD, "10.0.0.3") is None
