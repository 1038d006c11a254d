"""The words for a measure's progress, shared by the pages that show it (Tiltak, Kommune) and the one
that records it (Registrer framdrift), so no page imports another."""

from __future__ import annotations

from app.language import N_

STATUS_TEXT = {
    "not_started": N_("Not started"),
    "planned": N_("Planned"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "paused": N_("Paused"),
}
