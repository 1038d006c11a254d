"""Who may see which survey (README: "Survey visibility").

A survey is ``public`` (everyone, anonymous visitors too), ``region`` (signed-in accounts with a role in
its region, and every national account) or ``private`` (the accounts named in ``survey_reader``, and
national admins).

**The audience of the current request** is a context variable: the ids of the non-public surveys it may
see, or ``EVERYTHING``. It starts as nothing but the public surveys (an unset audience fails closed); the
web app sets it for each request from the logged-in account (``app.web.server.auth``), the command line
and the worker set ``EVERYTHING`` (they have the database owner's rights anyway). The query layer's survey
lists (``app.query.catalog.list_surveys``, the About page's) keep only what the audience may see, and every
page, data address and stand-in survey chooses from those lists, so a survey that is not listed cannot be
asked for (a page falls back to its default, a data address answers 400). The response cache keys answers on
the audience too (``audience_key``), so one person's answer never reaches another who may see less.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from app.db.audit import record
from app.db.models import SURVEY_VISIBILITIES, AppUser, Region, Survey, SurveyReader
from app.db.users import Account
from app.errors import FjernarbeidError


class _Everything:
    def __repr__(self) -> str:
        return "EVERYTHING"


EVERYTHING = _Everything()
Audience = frozenset[int] | _Everything
_audience: ContextVar[Audience] = ContextVar("survey_audience", default=frozenset())


class VisibilityError(FjernarbeidError):
    """A visibility that cannot be set (unknown survey, region or account)."""


def audience() -> Audience:
    """The non-public surveys the current request or command may see (``EVERYTHING``: all)."""
    return _audience.get()


def set_audience(value: Audience) -> object:
    """Set the audience of the current context; the token resets it (``reset_audience``)."""
    return _audience.set(value)


def reset_audience(token: object) -> None:
    _audience.reset(token)  # type: ignore[arg-type]


@contextmanager
def seeing(value: Audience) -> Iterator[None]:
    """Run a block with the audience ``value`` (tests; the worker's jobs)."""
    token = set_audience(value)
    try:
        yield
    finally:
        reset_audience(token)


def may_see(survey_id: int, visibility: str) -> bool:
    """Whether the current audience may see a survey."""
    seen = audience()
    return visibility == "public" or isinstance(seen, _Everything) or survey_id in seen


def readable() -> ColumnElement[bool]:
    """A WHERE clause on ``Survey`` keeping what the current audience may see."""
    seen = audience()
    if isinstance(seen, _Everything):
        return true()
    return or_(Survey.visibility == "public", Survey.id.in_(sorted(seen)))


def audience_key() -> str:
    """What separates one audience's cached answers from another's ("" for public surveys only)."""
    seen = audience()
    if isinstance(seen, _Everything):
        return "*"
    return ",".join(str(i) for i in sorted(seen))


def hidden_slugs(session: Session, public_only: bool = False) -> frozenset[str]:
    """The surveys the current audience may not see (with ``public_only``: every non-public one), by slug."""
    seen = frozenset() if public_only else audience()
    if isinstance(seen, _Everything):
        return frozenset()
    rows = session.execute(select(Survey.id, Survey.slug).where(Survey.visibility != "public")).all()
    return frozenset(slug for survey_id, slug in rows if survey_id not in seen)


def audience_of(session: Session, account: Account | None) -> frozenset[int]:
    """The non-public surveys ``account`` may see (none for an anonymous visitor, without asking the database)."""
    if account is None:
        return frozenset()
    rows = session.execute(
        select(Survey.id, Survey.visibility, Survey.region_id).where(Survey.visibility != "public")
    ).all()
    if not rows:
        return frozenset()
    named = set(session.scalars(select(SurveyReader.survey_id).where(SurveyReader.user_id == account.id)))
    seen = set()
    for survey_id, visibility, region_id in rows:
        if visibility == "region":
            ok = account.national("editor") or account.in_region("editor", region_id)
        else:
            ok = account.national("admin") or survey_id in named
        if ok:
            seen.add(survey_id)
    return frozenset(seen)


def set_visibility(
    session: Session,
    slug: str,
    visibility: str,
    actor: str,
    region: str | None = None,
    readers: list[str] | None = None,
) -> None:
    """Make a survey public, visible to one region's accounts, or private to named accounts (the command
    line's, a national admin's act; logged in the change log).

    Raises:
        VisibilityError: unknown survey, visibility, region or account; a region without ``region``.
    """
    if visibility not in SURVEY_VISIBILITIES:
        raise VisibilityError(f"Unknown visibility {visibility!r}; use one of {', '.join(SURVEY_VISIBILITIES)}.")
    survey = session.scalar(select(Survey).where(Survey.slug == slug))
    if survey is None:
        raise VisibilityError(f"There is no survey {slug!r}.")
    region_id = None
    if visibility == "region":
        if not region:
            raise VisibilityError("A survey visible to a region needs --region SLUG.")
        region_id = session.scalar(select(Region.id).where(Region.slug == region))
        if region_id is None:
            raise VisibilityError(f"There is no region {region!r}. `fjernarbeid regions list` shows them.")
    names = sorted({r.strip().lower() for r in readers or [] if r.strip()})
    ids = dict(session.execute(select(AppUser.name, AppUser.id).where(AppUser.name.in_(names))).all())
    unknown = [n for n in names if n not in ids]
    if unknown:
        raise VisibilityError(f"There is no user {', '.join(map(repr, unknown))}. `fjernarbeid users list` shows them.")
    before_readers = sorted(
        session.scalars(
            select(AppUser.name)
            .join(SurveyReader, SurveyReader.user_id == AppUser.id)
            .where(SurveyReader.survey_id == survey.id)
        )
    )
    before = {"visibility": survey.visibility, "region_id": survey.region_id, "readers": before_readers}
    survey.visibility, survey.region_id = visibility, region_id
    if visibility == "private" and readers is not None:
        session.query(SurveyReader).filter(SurveyReader.survey_id == survey.id).delete()
        session.add_all(SurveyReader(survey_id=survey.id, user_id=ids[n]) for n in names)
    session.flush()
    after = {"visibility": visibility, "region": region, "readers": names if visibility == "private" else None}
    record(session, actor, "survey.visibility", "survey", slug, before, after)


def access_of(session: Session) -> dict[str, dict[str, object]]:
    """Each non-public survey's visibility and region, by slug (what ``export-all`` keeps)."""
    rows = session.execute(
        select(Survey.slug, Survey.visibility, Region.slug)
        .outerjoin(Region, Region.id == Survey.region_id)
        .where(Survey.visibility != "public")
    ).all()
    return {slug: {"visibility": visibility, "region": region} for slug, visibility, region in rows}
