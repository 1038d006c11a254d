"""Local accounts: Argon2 hashes, roles, disabling, and a login rate limit that holds across processes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.models import AppUser, AuditEntry
from app.db.users import (
    MAX_FAILURES_PER_NAME,
    TooManyAttempts,
    UserError,
    add_user,
    authenticate,
    current_account,
    set_disabled,
    set_role,
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


def test_role_change_and_disabling_end_existing_sessions(db):
    account = add_user(db, "ola", "editor", PASSWORD, "cli:root")
    assert current_account(db, account.id, account.session_stamp) == account
    set_role(db, "ola", "admin", "cli:root")
    assert current_account(db, account.id, account.session_stamp) is None
    fresh = authenticate(db, "ola", PASSWORD, "10.0.0.2")
    assert fresh.role == "admin" and fresh.may("editor")
    set_disabled(db, "ola", True, "cli:root")
    assert current_account(db, fresh.id, fresh.session_stamp) is None
    assert authenticate(db, "ola", PASSWORD, "10.0.0.2") is None


def test_too_many_failures_lock_the_name_even_with_the_right_password(db):
    add_user(db, "per", "editor", PASSWORD, "cli:root")
    for attempt in range(MAX_FAILURES_PER_NAME):
        assert authenticate(db, "per", f"gjetting {attempt:04d}", f"10.0.1.{attempt}") is None
    with pytest.raises(TooManyAttempts):
        authenticate(db, "per", PASSWORD, "10.0.2.1")


def test_an_unknown_name_fails_like_a_wrong_password(db):
    assert authenticate(db, "ingen", PASSWORD, "10.0.0.3") is None
