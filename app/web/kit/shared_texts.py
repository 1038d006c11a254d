"""Words several pages share, so that no page imports another: a measure's progress (shown on Tiltak and
Kommune, recorded on Registrer framdrift), a coworking space's status (Kontorfellesskap, Kommune) and its seats
when the list did not say how many (Kontorfellesskap, Kommune, Oversikt)."""

from __future__ import annotations

from app.language import N_, format_number
from app.language import gettext as _

STATUS_TEXT = {
    "not_started": N_("Not started"),
    "planned": N_("Planned"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "paused": N_("Paused"),
}

STATUS_NAMES = {"active": N_("Active"), "planned": N_("Planned"), "closed": N_("Closed")}  # a coworking space

# A coworking space's seats are NULL when its list did not say (migration 0016): never shown, summed or exported as 0
SEATS_UNKNOWN = N_("unknown")
SEATS_UNKNOWN_MEANING = N_(
    "An empty seats cell means the number of seats is unknown (the list did not say), not 0; totals count only "
    "the seats that are known and say how many spaces they leave out."
)


def seats_text(seats: int | None, lang: str) -> str:
    """One space's seats: the number, or "unknown"."""
    return _(SEATS_UNKNOWN, lang) if seats is None else format_number(seats, lang)


def unknown_seats_text(unknown: int, lang: str) -> str:
    """ "2 spaces without a stated number of seats", or "" when every space says how many."""
    if not unknown:
        return ""
    if unknown == 1:
        return _("1 space without a stated number of seats", lang)
    return _("{n} spaces without a stated number of seats", lang).format(n=format_number(unknown, lang))
