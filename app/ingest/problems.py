"""Collecting validation problems so an import reports all of them at once.

Every problem names the file, row, column and value, what was expected and how to fix it.
Row numbers are as a person sees them in a spreadsheet: the header is row 1, data start at 2.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from app.errors import ImportValidationError

MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str
    fix: str
    detail: str | None = None  # what is wrong with the row as a whole, e.g. "has 5 cells, the header has 8"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        if self.detail:
            where += f" {self.detail}"
        shown = "" if self.value is None else f": {self.value!r}"
        return f"{where}{shown} — expected {self.expected}. Fix: {self.fix}"

    def as_dict(self) -> dict:
        return asdict(self)


def storable(report: list) -> list:
    """``report`` without NUL characters, which a PostgreSQL jsonb value cannot hold."""
    return json.loads(json.dumps(report, default=str).replace("\\u0000", "\\ufffd"))


@dataclass
class Problems:
    """A bounded list of problems; ``raise_if_any`` ends the import with all of them."""

    file: str
    limit: int = MAX_PROBLEMS
    items: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(
        self, row: int | None, column: str | None, value, expected: str, fix: str, detail: str | None = None
    ) -> None:
        self.total += 1
        if len(self.items) < self.limit:
            shown = None if value is None else str(value)
            self.items.append(Problem(self.file, row, column, shown, expected, fix, detail))

    def __bool__(self) -> bool:
        return self.total > 0

    def raise_if_any(self) -> None:
        if not self.total:
            return
        more = f" (showing the first {self.limit})" if self.total > self.limit else ""
        lines = "\n".join(f"  - {p}" for p in self.items)
        raise ImportValidationError(
            f"{self.file}: {self.total} problem(s) found{more}; nothing was imported.\n{lines}",
            problems=[p.as_dict() for p in self.items],
        )
