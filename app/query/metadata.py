"""A survey's questions, answer options and size, read once per survey and kept in memory.

Everything here is written only by the importer, which gives a re-imported survey a new row
(``--replace`` deletes and recreates it), so an entry keyed by the database, the survey id and
its creation time never goes stale. A query then costs one small lookup (slug → id, created_at)
before its aggregate, instead of a round trip per variable.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.db.models import Question, Respondent, Survey
from app.errors import FjernarbeidError

MAX_CACHED_SURVEYS = 32
NUMERIC_TYPES = ("number", "year", "derived_number")


class QueryError(FjernarbeidError):
    """A query names an unknown survey, variable or code."""

    exit_code = 2


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    variable: str
    type: str
    text: dict
    short: dict | None
    options: list[tuple[int, dict, bool]]  # code, label, is_missing
    slot: int = 0  # 1-based index of this question in the survey's answer_vector arrays
    theme: str | None = None
    is_derived: bool = False
    direction: str | None = None
    ranges: dict[int, tuple[float, float]] = field(default_factory=dict)  # a binned code's (min, max)

    def label(self, code: int) -> dict[str, str]:
        """The codebook's label of ``code``, per language (the code itself when the codebook has none)."""
        for c, label, _ in self.options:
            if c == code:
                return label
        return {"nb": str(code)}

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    @property
    def codes(self) -> list[int]:
        return [c for c, _, _ in self.options]

    @property
    def valid_codes(self) -> list[int]:
        """Codes in the base: every code except "don't know / no answer"."""
        return [c for c, _, missing in self.options if not missing]


@dataclass
class SurveyMeta:
    id: int
    slug: str
    n_design: int
    codebook: dict
    questions: dict[str, QuestionInfo]  # in position order
    derived_cache: dict = field(default_factory=dict)  # per-survey constants computed on first use

    def question(self, variable: str) -> QuestionInfo:
        try:
            return self.questions[variable]
        except KeyError:
            raise QueryError(f"The survey has no variable {variable!r}.") from None

    def missing(self, needed: Sequence[str]) -> list[str]:
        """The variables of ``needed`` this survey does not have (a page built for particular questions)."""
        return [v for v in needed if v not in self.questions]

    def groupings(self, kind: str, standard: Sequence[str]) -> list[str]:
        """The variables a page may break down or filter by (``kind``: "breakdowns" or "filters"): what the
        codebook declares; without a declaration the ``standard`` ones the survey has (the NORCE
        questionnaire's), or else its background questions and derived groupings with answer codes."""

        def coded(name: str) -> bool:
            info = self.questions.get(name)
            return info is not None and bool(info.valid_codes)

        declared = [v for v in self.codebook.get(kind) or [] if coded(v)]
        if declared:
            return declared
        present = [v for v in standard if coded(v)]
        if present:
            return present
        return [v for v, info in self.questions.items() if coded(v) and (info.is_derived or info.theme == "background")]


_cache: OrderedDict[tuple, SurveyMeta] = OrderedDict()
_lock = threading.Lock()


def survey_meta(session: Session, slug: str) -> SurveyMeta:
    """The survey ``slug``'s metadata; raises QueryError naming the known surveys if there is none."""
    row = session.execute(select(Survey.id, Survey.created_at).where(Survey.slug == slug)).first()
    if row is None:
        known = ", ".join(session.scalars(select(Survey.slug).order_by(Survey.slug)).all()) or "none"
        raise QueryError(f"Unknown survey {slug!r}. Known surveys: {known}.")
    return _cached(session, row.id, row.created_at)


def survey_meta_by_id(session: Session, sid: int) -> SurveyMeta:
    created_at = session.scalar(select(Survey.created_at).where(Survey.id == sid))
    if created_at is None:
        raise QueryError(f"No survey with id {sid}.")
    return _cached(session, sid, created_at)


def _cached(session: Session, sid: int, created_at: dt.datetime) -> SurveyMeta:
    key = (session.connection().engine.url.render_as_string(hide_password=True), sid, created_at)
    with _lock:
        meta = _cache.get(key)
        if meta is not None:
            _cache.move_to_end(key)
            return meta
    meta = _load(session, sid)
    with _lock:
        _cache[key] = meta
        while len(_cache) > MAX_CACHED_SURVEYS:
            _cache.popitem(last=False)
    return meta


def _load(session: Session, sid: int) -> SurveyMeta:
    survey = session.get(Survey, sid)
    if survey is None:
        raise QueryError(f"No survey with id {sid}.")
    questions = session.scalars(
        select(Question)
        .where(Question.survey_id == sid)
        .order_by(Question.position)
        .options(selectinload(Question.options))
    ).all()
    n_design = session.scalar(select(func.count()).select_from(Respondent).where(Respondent.survey_id == sid)) or 0
    infos = {
        q.variable: QuestionInfo(
            q.id,
            q.variable,
            q.type,
            q.text,
            q.short,
            [(o.code, o.label, o.is_missing) for o in q.options],
            slot,
            q.theme,
            q.is_derived,
            q.direction,
            {
                o.code: (o.min_value, o.max_value)
                for o in q.options
                if o.min_value is not None and o.max_value is not None
            },
        )
        for slot, q in enumerate(questions, start=1)
    }
    return SurveyMeta(sid, survey.slug, n_design, survey.codebook or {}, infos)
