"""How an importer says how far it has come, without knowing who listens (a job's progress bar, the
command line's progress bar, or nobody).

``progress(step, current=None, total=None)``: ``step`` is a key — ``read`` (reading the file), ``check``
(checking row ``current`` of ``total``; ``total`` None when unknown), ``weights`` (computing the weights),
``save`` (writing to the database), ``draft`` (a codebook draft reading row ``current`` of ``total``). The listener may raise (a cancelled job) to stop the import; the import
is one transaction, so stopping rolls it back.
"""

from __future__ import annotations

from typing import Protocol

CHECK_EVERY = 1000  # rows between two reports while checking


class Progress(Protocol):
    def __call__(self, step: str, current: int | None = None, total: int | None = None) -> None: ...


def no_progress(step: str, current: int | None = None, total: int | None = None) -> None:
    """The listener when nobody listens."""
