"""What the survey explorer offers: a survey's questions (with theme) and a variable's answer codes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.query.metadata import NUMERIC_TYPES, QueryError, survey_meta

# Not meaningful to tabulate: raw postal codes, birth years (``age`` is there) and hundreds of
# municipalities as answer categories (municipality stays available as breakdown and filter).
NOT_EXPLORABLE = ("q201", "q202", "municipality")


@dataclass(frozen=True)
class QuestionEntry:
    variable: str
    theme: str
    type: str
    short: dict
    direction: str | None
    answers: int = 0  # valid (not "don't know") answer codes

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    @property
    def can_merge_first_two(self) -> bool:
        """Merging the first two answers ("agree" = fully or partly agree) makes sense on an ordered
        scale of at least three answers; on two answers (gender) it would merge everything."""
        return bool(self.direction) and self.answers >= 3


def list_questions(session: Session, survey: str) -> list[QuestionEntry]:
    """The survey's explorable questions and derived variables, in questionnaire order."""
    return [
        QuestionEntry(
            q.variable,
            q.theme or ("derived" if q.is_derived else "other"),
            q.type,
            q.short or q.text,
            q.direction,
            len(q.valid_codes),
        )
        for q in survey_meta(session, survey).questions.values()
        if q.variable not in NOT_EXPLORABLE and q.type != "postal_code"
    ]


def answer_codes(session: Session, survey: str, variable: str) -> list[tuple[int, dict[str, str]]]:
    """(code, label per language) of the valid (non-missing) answers of ``variable``; empty if it is unknown."""
    try:
        info = survey_meta(session, survey).question(variable)
    except QueryError:  # a survey without this variable simply offers no filter
        return []
    return [(c, label) for c, label, missing in info.options if not missing]
