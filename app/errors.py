"""The small exception hierarchy that CLI and web turn into user-facing messages."""


class FjernarbeidError(Exception):
    """An expected failure with a message meant for the user (no traceback shown)."""

    exit_code = 1


class ConfigurationError(FjernarbeidError):
    """A setting is missing or has an invalid value."""


class DatabaseUnavailable(FjernarbeidError):
    """The PostgreSQL server cannot be reached or started."""

    exit_code = 3


class QueryTimeout(FjernarbeidError):
    """PostgreSQL cancelled a statement: it ran longer than FJERNARBEID_STATEMENT_TIMEOUT_MS (web
    requests only), or an operator cancelled it. The database answers; this one view failed."""


class ImportValidationError(FjernarbeidError):
    """An import file failed validation; nothing was written.

    Args:
        problems: every problem found, each naming file, row, column, value and the fix.
    """

    exit_code = 4

    def __init__(self, message: str, problems: list | None = None):
        super().__init__(message)
        self.problems = problems or []
