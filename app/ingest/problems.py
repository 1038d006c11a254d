"""Collecting validation problems so an import reports all of them at once.

Every problem names the file, row, column and value, what was expected and how to fix it.
Row numbers are as a person sees them in a spreadsheet: the header is row 1, data start at 2.
A cause (column, expected, fix) that repeats is kept and said once, with its count and first rows,
so that the cap of ``MAX_PROBLEMS`` never hides a different problem.

All importers report through ``Problems``: a table's own checks call ``Problems.add``, and a
pydantic model's ``ValidationError`` becomes problems through ``add_validation_error`` (a
validator that knows the words for the user raises ``problem_error``); ``document_error`` does
that for a whole YAML document.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from app.errors import ImportValidationError

MAX_PROBLEMS = 200
SAME_CAUSE_SHOWN = 3  # problems kept (and shown) of one cause; the rest are counted
PROBLEM = "problem"  # the type of a pydantic error raised with ``problem_error``


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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def storable(report: list[Any]) -> list[Any]:
    """``report`` without NUL characters, which a PostgreSQL jsonb value cannot hold."""
    return json.loads(json.dumps(report, default=str).replace("\\u0000", "\\ufffd"))


@dataclass
class Problems:
    """A bounded list of problems; ``raise_if_any`` ends the import with all of them."""

    file: str
    limit: int = MAX_PROBLEMS
    items: list[Problem] = field(default_factory=list)
    total: int = 0
    # how often each cause (column, expected, fix) occurred: a repeated cause is listed once
    causes: dict[tuple[str | None, str, str], int] = field(default_factory=dict)

    def add(
        self,
        row: int | None,
        column: str | None,
        value: object,
        expected: str,
        fix: str,
        detail: str | None = None,
    ) -> None:
        self.total += 1
        cause = (column, expected, fix)
        seen = self.causes.get(cause, 0)
        self.causes[cause] = seen + 1
        if seen < SAME_CAUSE_SHOWN and len(self.items) < self.limit:
            shown = None if value is None else str(value)
            self.items.append(Problem(self.file, row, column, shown, expected, fix, detail))

    def __bool__(self) -> bool:
        return self.total > 0

    def as_dicts(self) -> list[dict[str, Any]]:
        return [p.as_dict() for p in self.items]

    def lines(self) -> list[str]:
        """One line per problem; a cause that repeats more than ``SAME_CAUSE_SHOWN`` times is said once, with
        its count and its first rows (so the cap never hides a different cause)."""
        grouped: dict[tuple[str | None, str, str], list[Problem]] = {}
        for problem in self.items:
            grouped.setdefault((problem.column, problem.expected, problem.fix), []).append(problem)
        lines: list[str] = []
        for cause, shown in grouped.items():
            count = self.causes.get(cause, len(shown))
            if count <= SAME_CAUSE_SHOWN:
                lines.extend(str(p) for p in shown)
                continue
            rows = [str(p.row) for p in shown if p.row is not None]
            where = f": rows {', '.join(rows)}{' …' if count > len(rows) else ''}" if rows else ""
            lines.append(f"{shown[0]} [the same cause {count} times{where}]")
        return lines

    def raise_if_any(self) -> None:
        if not self.total:
            return
        causes = len(self.causes)
        more = f"; {causes} different causes" if causes != self.total else ""
        if len(self.items) >= self.limit and self.total > len(self.items):
            more += f" (showing the first {self.limit})"
        lines = "\n".join(f"  - {line}" for line in self.lines())
        raise ImportValidationError(
            f"{self.file}: {self.total} problem(s) found{more}; nothing was imported.\n{lines}",
            problems=self.as_dicts(),
        )


# --- pydantic ---------------------------------------------------------------------------------


def problem_error(expected: str, fix: str, column: str | None = None) -> PydanticCustomError:
    """The error a validator raises to give the user's words for a problem.

    ``column`` names another column than the validated field (a model-level check).
    """
    context = {"expected": expected, "fix": fix}
    if column:
        context["column"] = column
    return PydanticCustomError(PROBLEM, "{expected}", context)


# Words for an error that was not raised with ``problem_error``: (column, error) -> (expected, fix).
Describe = Callable[[str | None, ErrorDetails], tuple[str, str]]


def add_validation_error(
    problems: Problems,
    error: ValidationError,
    describe: Describe,
    row: int | None = None,
    values: Mapping[str, object] | None = None,
    skip: Collection[str] = (),
) -> set[str | None]:
    """Add one problem per field of ``error`` (the first error of each); returns the fields reported.

    A field is the dotted path of the error's location (``survey.title``, ``seats``), or the
    ``column`` a ``problem_error`` names; None for the model as a whole. The value shown is
    ``values[field]`` (the cell as the file has it), none without ``values``.
    """
    seen: set[str | None] = set()
    for details in error.errors(include_url=False):
        context = details.get("ctx") or {}
        column = context.get("column") or ".".join(map(str, details["loc"])) or None
        if column in seen or column in skip:
            continue
        seen.add(column)
        if details["type"] == PROBLEM:
            expected, fix = context["expected"], context["fix"]
        else:
            expected, fix = describe(column, details)
        problems.add(row, column, values.get(column or "") if values is not None else None, expected, fix)
    return seen


def document_error(file: str, error: ValidationError, heading: str, fix: str, limit: int = 30) -> ImportValidationError:
    """A YAML document (a codebook, the measures catalogue) that does not fit its model.

    The message is ``heading`` and one line per field in pydantic's words, which name the rule
    broken ("survey.year: Input should be less than or equal to 2100"); every field is a problem
    with ``fix`` in the error's report.
    """
    problems = Problems(file, limit)
    add_validation_error(problems, error, lambda field, details: (details["msg"], fix))
    lines = [f"  - {p.column or '(top level)'}: {p.expected}" for p in problems.items]
    return ImportValidationError("\n".join([heading, *lines]), problems=problems.as_dicts())
