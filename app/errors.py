"""The small exception hierarchy that CLI and web turn into user-facing messages."""


def N_(message: str) -> str:  # noqa: N802 - the conventional name gettext tools look for
    """Mark an English message id for the catalogues without translating it (the floors below the language
    floor raise errors whose words the web translates: ``FjernarbeidError.message_id``)."""
    return message


class FjernarbeidError(Exception):
    """An expected failure with a message meant for the user (no traceback shown).

    Raised with ``message_id`` (an English id marked with ``N_``) and ``values``, it can be said in the
    page's language: ``gettext(error.message_id, lang).format(**error.values)``; ``str(error)`` is English."""

    exit_code = 1

    def __init__(self, message: str = "", message_id: str | None = None, **values: object):
        super().__init__(message or (message_id.format(**values) if message_id else ""))
        self.message_id = message_id
        self.values = values


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
