"""Words several pages share, so that no page imports another: a measure's progress (shown on Tiltak and
Kommune, recorded on Registrer framdrift) and a coworking space's status (Kontorfellesskap, Kommune)."""

from __future__ import annotations

from app.language import N_

STATUS_TEXT = {
    "not_started": N_("Not started"),
    "planned": N_("Planned"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "paused": N_("Paused"),
}

STATUS_NAMES = {"active": N_("Active"), "planned": N_("Planned"), "closed": N_("Closed")}  # a coworking space
