"""SSB's category labels in the page's language.

An SSB file holds its labels in the language it was downloaded in (usually Norwegian bokmål), and the
database keeps them as imported. Where a category has an SSB code the dashboard knows, the page shows
SSB's own name for it in the page's language instead; an unknown code keeps the label from the file.

Education levels (table 09429, codes of NUS2000's level grouping): the English names are those of SSB's
English statistics page "Educational attainment of the population" (https://www.ssb.no/en/utniv); the
Norwegian ones are the table's own (bokmål) and their nynorsk forms.
"""

from __future__ import annotations

from app.language import N_, gettext

EDUCATION_LEVELS = {
    "01": N_("Basic school level"),
    "02a": N_("Upper secondary education"),
    "11": N_("Tertiary vocational education"),
    "03a": N_("Higher education, short"),
    "04a": N_("Higher education, long"),
    "09a": N_("Unknown or no completed education"),
}


def education_level_name(code: str, imported_label: str, lang: str) -> str:
    """SSB's name of education level ``code`` in ``lang``; the imported label for a code not listed."""
    message = EDUCATION_LEVELS.get(str(code))
    return gettext(message, lang) if message else imported_label
