"""Query results remembered until the data version changes, never from a transaction that has written."""

from __future__ import annotations

from sqlalchemy import text

from app.query.data_version import data_version, forget_remembered, remembered


def test_a_result_is_remembered_until_the_data_version_changes(db):
    forget_remembered()
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert remembered(db, "test", compute) == 1
    assert remembered(db, "test", compute) == 1 and len(calls) == 1
    assert remembered(db, "other", compute) == 2
    version = data_version(db)
    db.execute(text("UPDATE data_version SET version = version + 1 WHERE id = 1"))
    assert data_version(db) == version + 1
    # this transaction has written: it computes afresh, and remembers nothing another could be given
    assert remembered(db, "test", compute) == 3
    assert remembered(db, "test", compute) == 4


def test_a_transaction_that_wrote_neither_reads_nor_fills_the_memory(db):
    forget_remembered()
    db.execute(text("UPDATE data_version SET version = version WHERE id = 1"))
    assert remembered(db, "written", lambda: "uncommitted") == "uncommitted"
    assert remembered(db, "written", lambda: "again") == "again"
