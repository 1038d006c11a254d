"""What a model-based estimate cannot say, in words: shown beside every model-based estimate (the Kommune
page's model column and its table's data file, the county map and its data, ``fjernarbeid small-area``).

The three caveats hold for the model of ``app/query/small_area.py`` whatever the survey: its interval is
the survey's sampling error of the model's coefficients only; it knows a municipality only by the
predictors, so municipalities alike in those come out alike; and it is weighted to all residents, not
to the survey's population.
"""

from __future__ import annotations

from app.language import N_
from app.language import gettext as _

SAMPLING_ONLY = N_(
    "The interval covers sampling error only: the uncertainty of the survey's answers, not whether the "
    "model is right for the municipality. The real uncertainty is larger."
)
ALIKE = N_(
    "Municipalities in the same centrality class with a similar age structure come out nearly alike (Eidfjord "
    "and Ulvik, for instance), because age group, gender and centrality class "
    "are all the model knows about a municipality."
)
ALIKE_EDUCATION = N_(
    "Municipalities in the same centrality class with a similar age structure and education level come out "
    "nearly alike, because age group, gender, education and centrality class are all the model knows about a "
    "municipality."
)
POPULATION = N_(
    "The residents it is weighted to (all residents aged 25–60, SSB 07459) are not the survey's population "
    "(in the NORCE survey, employed people who can work remotely): it shows what the residents would answer "
    "if each answered like the survey's respondents of the same age group, gender and centrality class."
)
EDUCATION_MARGIN = N_(
    "Education: the residents' cells are raked to both the age group × gender counts (SSB 07459, 25–60) and "
    "the municipality's education level (SSB 09429, residents aged 16 and over, not 25–60)."
)


def caveats(lang: str, education: bool = False) -> list[str]:
    """The caveats of a model-based estimate in ``lang``; ``education``: the model with education."""
    found = [_(SAMPLING_ONLY, lang), _(ALIKE_EDUCATION if education else ALIKE, lang), _(POPULATION, lang)]
    if education:
        found.append(_(EDUCATION_MARGIN, lang))
    return found
