"""Generate the SYNTHETIC demo survey files for fjernarbeid, and check them.

    python seed/generate_demo.py           # write seed/data/*.csv and seed/margins/*.csv
    python seed/generate_demo.py --check   # check the written files; exit 1 if any check fails

What the files are
------------------
Every row is invented. No real respondent is in these files. The NORCE 2025 microdata
(500 telephone interviews, April–May 2025) are not public. The report publishes only marginal
figures and the direction and significance of some relationships. The national file reproduces
those published figures. It is **not** the real survey.

* ``seed/data/demo_national.csv``: 500 remote-capable workers aged 25–60 (q1 in {1,2}, q2 = 1)
  answering the NORCE 2025 questionnaire. Weighted shares match the report's published figures
  within ±0.6 percentage points, a bound ("over halvparten") on its own side, and the check
  allows ±2 (see ``TARGETS`` and app/stats/published.py). The
  relationships the report calls significant hold, in the same direction, in weighted tests.
* ``seed/data/demo_hardanger.csv``: 600 residents of Kvam, Ulvik, Eidfjord and Ullensvang (also
  25–60, remote-capable), drawn from the same model with Hardanger demographics. Nothing has
  been published for Hardanger, so this file is calibrated to nothing. It is only plausible: the
  same model makes rural residents find a rural municipality more attractive (q23).
* ``seed/margins/norway_25_60_age_gender.csv``: age group × gender population margins. Both
  files are raked to them. The numbers are round approximations, not official statistics; see
  ``seed/margins/README.md``.

Method
------
1. Demographics. Age group × gender cells are drawn with deliberately uneven probabilities, as
   in a phone survey: people under 35 are under-represented and people over 45
   over-represented. Birth year q202 is drawn uniformly inside the age group. Municipality is
   drawn with probability proportional to its population (national file), or by fixed shares
   proportional to population (Hardanger). The postal code is then a random G/B code of that
   municipality from ``seed/reference/postal_codes.csv``. Sector, household size, education,
   place of upbringing and staff responsibility are drawn from simple plausible distributions.
2. Weights. ``vekt`` comes from the project's own ``app.ingest.raking.rake`` with the
   age_group × gender margin. The weights depend only on age × gender, so they are known before
   any answer is generated.
3. Latent variables. Answers come from a few continuous latents plus independent normal noise:
   * R, "remote orientation". It drives q12 (with the youngest age group working less from
     home), q14, the statements q6_1–q6_4 and q10_1–q10_2 (so the factory index is mostly −R),
     q21 and q22.
   * M, "mobility". It links acceptable travel time q21 and willingness to move q22.
   * A, "rural affinity". It is set by centrality class (SSB 2024, via postal code →
     municipality) and education (master's degree or higher lowest). It drives q23 and partly
     q22. A is centred within age groups, so q23 does not differ by age. Its noise is centred
     within education levels, so the ordering by education also holds for the small groups.
   * Home office 3+ days a week (q12 in {1,2}) raises q21 and lowers the importance of job
     opportunities (q16_5). Having no fixed workspace at home (q13 = 3) makes q6_1–q6_4 more
     negative. q13 itself follows q12, so a fixed workspace goes with more home office.
   * q16_1–q16_4 are pure noise. Their cut-points are set separately within the
     "3+ days" and "< 3 days" groups, so both groups have the same distribution (flat).
4. Calibration. Each item is cut into ordinal codes at the **weighted** quantiles of its latent
   in the national file. The "not sure" respondents (1–3 % per item) and those not asked are
   left out of the base. The quantiles come from a full target distribution per item (see
   ``TARGETS``), chosen to agree with every published figure. The one conditional figure, q23
   among residents of centrality class 1–2 (just under 25 %), is hit by bisection on the
   centrality coefficient of A. The Hardanger file is cut with the national cut-points, so the
   same latent means the same answer in both files.
5. The random generator is ``numpy.random.default_rng`` with fixed seeds, and every draw
   happens in a fixed order. Reruns give byte-identical files (same numpy version).

``--check`` reads the written files, prints every calibration target with the achieved
weighted value, and runs every relationship as a weighted test: WLS with HC1 (robust) standard
errors, weights = vekt, codes of valid answers as the outcome. It exits 1 if anything fails.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.ingest.raking import Margin, rake  # noqa: E402
from app.stats.published import agrees_with_published  # noqa: E402

SEED = 20250424  # first fieldwork day of the NORCE survey
SURVEY_YEAR = 2025
N_NATIONAL = 500
HARDANGER_COUNTS = {"4618": 305, "4622": 237, "4620": 31, "4619": 27}  # ∝ population, total 600

REFERENCE = ROOT / "seed" / "reference"
DATA = ROOT / "seed" / "data"
MARGINS_DIR = ROOT / "seed" / "margins"
NATIONAL_CSV = DATA / "demo_national.csv"
HARDANGER_CSV = DATA / "demo_hardanger.csv"
MARGINS_CSV = MARGINS_DIR / "norway_25_60_age_gender.csv"

COLUMNS = [
    "id",
    "q201",
    "q202",
    "q1",
    "q2",
    "q3",
    "q4",
    "q5",
    "q6_1",
    "q6_2",
    "q6_3",
    "q6_4",
    "q10_1",
    "q10_2",
    "q11",
    "q12",
    "q13",
    "q14",
    "q16_1",
    "q16_2",
    "q16_3",
    "q16_4",
    "q16_5",
    "q21",
    "q22",
    "q23",
    "q207",
    "vekt",
]

# Population 25–60 by age group × gender (1 = Mann, 2 = Kvinne). Round approximations for the
# synthetic demo only, NOT official statistics (see seed/margins/README.md).
AGE_GROUPS = {1: (25, 34), 2: (35, 44), 3: (45, 54), 4: (55, 60)}
MARGINS = {
    (1, 1): 385_000,
    (1, 2): 365_000,
    (2, 1): 378_000,
    (2, 2): 362_000,
    (3, 1): 369_000,
    (3, 2): 361_000,
    (4, 1): 206_000,
    (4, 2): 204_000,
}
# Phone-survey sample: under-35s under-represented, over-45s over-represented.
SAMPLE_CELL_PROBS = {
    (1, 1): 0.10,
    (1, 2): 0.10,
    (2, 1): 0.13,
    (2, 2): 0.14,
    (3, 1): 0.15,
    (3, 2): 0.16,
    (4, 1): 0.11,
    (4, 2): 0.11,
}

# Full target distributions (weighted, over valid codes, in code order). They reproduce every
# published figure; the split inside a published group (e.g. 1 vs 2 in "1+2") is our choice.
TARGETS: dict[str, list[float]] = {
    "q12": [5.0, 11.0, 30.0, 25.0, 16.0, 13.0],  # shape only: 3 and 4 most common, 6 ≈ 13 %
    "q13": [49.5, 28.8, 21.7],  # published ≈ 50 / 29 / 22
    "q14": [15.0, 18.3, 9.7, 22.0, 35.0],  # 1+2 = 33.3, 4+5 = 57
    "q6_1": [30.0, 32.0, 9.0, 17.0, 12.0],  # most agree
    "q6_2": [8.0, 34.0, 8.0, 28.0, 22.0],  # 2 = 34, 4+5 = 50
    "q6_3": [8.0, 20.0, 10.0, 30.0, 32.0],  # most disagree
    "q6_4": [28.0, 34.0, 10.0, 16.0, 12.0],  # most agree: the most negative view
    "q10_1": [45.0, 30.0, 9.0, 9.0, 7.0],  # 1+2 = 75
    "q10_2": [30.0, 32.0, 12.0, 15.0, 11.0],  # 1+2 = 62
    "q16_1": [35.0, 42.0, 14.0, 6.0, 3.0],
    "q16_2": [59.0, 30.0, 7.0, 3.0, 1.0],  # 1+2 = 89: "nesten 90 %"
    "q16_3": [25.0, 35.0, 20.0, 13.0, 7.0],
    "q16_4": [40.0, 42.0, 11.0, 5.0, 2.0],
    "q16_5": [48.0, 36.0, 9.0, 5.0, 2.0],  # 1+2 = 84
    # q21: the report gives 42 / 2.3 / 2.3 and "over halvparten" for code 1. "Over halvparten" is a
    # bound, not a point; the other categories imply 100 − 46.6 = 53.4, so that is the target.
    "q21": [53.4, 42.0, 2.3, 2.3],
    "q22": [5.0, 10.0, 21.0, 24.0, 40.0],  # 1+2 = 15, 4+5 = 64
    "q23": [12.5, 26.5, 23.5, 22.0, 15.5],  # 1+2 = 39: "i overkant av 38 %"
}
Q23_CENTRAL_TARGET = 24.0  # "i underkant av 25 %" among centrality class 1–2

# Code meaning "ikke sikker / ubesvart" per item (excluded from bases), and its rate.
MISSING_CODE = {
    "q6_1": 6,
    "q6_2": 6,
    "q6_3": 6,
    "q6_4": 6,
    "q10_1": 6,
    "q10_2": 6,
    "q13": 4,
    "q14": 6,
    "q16_1": 6,
    "q16_2": 6,
    "q16_3": 6,
    "q16_4": 6,
    "q16_5": 6,
    "q21": 5,
    "q22": 6,
    "q23": 6,
}
MISSING_RATE = {
    "q6_1": 0.015,
    "q6_2": 0.02,
    "q6_3": 0.025,
    "q6_4": 0.02,
    "q10_1": 0.015,
    "q10_2": 0.02,
    "q13": 0.01,
    "q14": 0.025,
    "q16_1": 0.01,
    "q16_2": 0.01,
    "q16_3": 0.015,
    "q16_4": 0.015,
    "q16_5": 0.01,
    "q21": 0.02,
    "q22": 0.025,
    "q23": 0.03,
}

# Rural affinity A: centrality profile (multiplied by a tuned coefficient) and education shift.
CENTRALITY_PROFILE = {1: -1.0, 2: -0.8, 3: -0.2, 4: 0.2, 5: 0.5, 6: 0.8}
EDUCATION_SHIFT = {1: 0.25, 2: 0.2, 3: 0.0, 4: -0.45, 5: 0.1}

# Ordering of noise draws; never reorder (it would change every file).
NOISE_ITEMS = [
    "R",
    "M",
    "A",
    "q12",
    "q13",
    "q14",
    "q6_1",
    "q6_2",
    "q6_3",
    "q6_4",
    "q10_1",
    "q10_2",
    "q16_1",
    "q16_2",
    "q16_3",
    "q16_4",
    "q16_5",
    "q21",
    "q22",
]


# ---------------------------------------------------------------------------------------------
# Reference data


@dataclass
class Reference:
    municipalities: pd.DataFrame  # kommunenummer, population, centrality_class
    postal: pd.DataFrame  # postnummer, kommunenummer (categories G and B only)
    postal_to_kommune: dict[str, str]
    centrality: dict[str, int]


def load_reference() -> Reference:
    municipalities = pd.read_csv(REFERENCE / "municipalities.csv", dtype=str, keep_default_na=False)
    municipalities["population"] = municipalities["population"].astype(int)
    municipalities["centrality_class"] = municipalities["centrality_class"].astype(int)
    municipalities = municipalities.sort_values("kommunenummer").reset_index(drop=True)
    postal = pd.read_csv(REFERENCE / "postal_codes.csv", dtype=str, keep_default_na=False)
    postal = postal[postal["kategori"].isin(["G", "B"])].sort_values("postnummer").reset_index(drop=True)
    return Reference(
        municipalities=municipalities,
        postal=postal,
        postal_to_kommune=dict(zip(postal["postnummer"], postal["kommunenummer"], strict=False)),
        centrality=dict(zip(municipalities["kommunenummer"], municipalities["centrality_class"], strict=False)),
    )


def margin() -> Margin:
    return Margin(("age_group", "gender"), {k: float(v) for k, v in MARGINS.items()}, MARGINS_CSV.name)


# ---------------------------------------------------------------------------------------------
# Generation


def draw_categorical(rng: np.random.Generator, probs, size: int, codes=None) -> np.ndarray:
    probs = np.asarray(probs, dtype=float)
    codes = np.arange(1, len(probs) + 1) if codes is None else np.asarray(codes)
    return codes[rng.choice(len(probs), size=size, p=probs / probs.sum())]


HOUSEHOLD_BY_AGE = {  # household size 1..8
    1: [0.30, 0.32, 0.18, 0.13, 0.05, 0.015, 0.004, 0.001],
    2: [0.14, 0.17, 0.22, 0.32, 0.11, 0.030, 0.007, 0.003],
    3: [0.15, 0.25, 0.22, 0.26, 0.09, 0.025, 0.010, 0.005],
    4: [0.22, 0.50, 0.15, 0.09, 0.03, 0.007, 0.002, 0.001],
}


def demographics(rng: np.random.Generator, ref: Reference, kommuner: np.ndarray, rural: bool) -> pd.DataFrame:
    """Respondent background for the given municipality numbers (one per respondent)."""
    n = len(kommuner)
    cells = list(SAMPLE_CELL_PROBS)
    cell_index = rng.choice(len(cells), size=n, p=np.array([SAMPLE_CELL_PROBS[c] for c in cells]))
    age_group = np.array([cells[i][0] for i in cell_index])
    gender = np.array([cells[i][1] for i in cell_index])
    low = np.array([AGE_GROUPS[a][0] for a in age_group])
    high = np.array([AGE_GROUPS[a][1] for a in age_group])
    age = rng.integers(low, high + 1)

    postal_by_kommune = {k: g["postnummer"].to_numpy() for k, g in ref.postal.groupby("kommunenummer")}
    # Within a municipality postal codes are equally likely, except Finse (5719, Ulvik), which has
    # almost no residents.
    postal = []
    for k in kommuner:
        codes = postal_by_kommune[k]
        p = np.where(codes == "5719", 0.1, 1.0)
        postal.append(codes[rng.choice(len(codes), p=p / p.sum())])

    public = rng.random(n) < np.where(gender == 2, 0.47, 0.29)
    q1 = np.where(public, 1, 2)
    q3 = np.array([draw_categorical(rng, HOUSEHOLD_BY_AGE[a], 1)[0] for a in age_group])
    education = [0.03, 0.36, 0.35, 0.20, 0.06] if rural else [0.02, 0.20, 0.36, 0.38, 0.04]
    q4 = draw_categorical(rng, education, n)
    upbringing = [0.05, 0.50, 0.45] if rural else [0.09, 0.30, 0.61]
    q5 = draw_categorical(rng, upbringing, n)
    q11 = np.where(rng.random(n) < np.where(gender == 1, 0.31, 0.23), 1, 2)
    return pd.DataFrame(
        {
            "age_group": age_group,
            "gender": gender,
            "age": age,
            "q202": SURVEY_YEAR - age,
            "q201": postal,
            "kommune": kommuner,
            "centrality": np.array([ref.centrality[k] for k in kommuner]),
            "q1": q1,
            "q2": 1,
            "q3": q3,
            "q4": q4,
            "q5": q5,
            "q11": q11,
            "q207": gender,
        }
    )


def fit_cuts(latent: np.ndarray, weights: np.ndarray, shares) -> np.ndarray:
    """Cut-points on ``latent`` so the weighted shares of codes 1..K match ``shares``.

    Respondents are ranked by latent; each takes the code whose cumulative target band contains
    the midpoint of its own weight on the cumulative weight scale.
    """
    order = np.argsort(latent, kind="stable")
    values, w = latent[order], weights[order]
    midpoints = (np.cumsum(w) - w / 2) / w.sum()
    bounds = np.cumsum(shares)[:-1] / np.sum(shares)
    cuts = []
    for bound in bounds:
        i = int(np.searchsorted(midpoints, bound))
        if i == 0:
            cuts.append(values[0] - 1.0)
        elif i == len(values):
            cuts.append(values[-1] + 1.0)
        else:
            cuts.append((values[i - 1] + values[i]) / 2)
    return np.array(cuts)


def apply_cuts(latent: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    return 1 + np.searchsorted(cuts, latent, side="left")


@dataclass
class Model:
    """Cut-points and tuned constants fitted on the national sample, reused for Hardanger."""

    cuts: dict
    centrality_coef: float
    age_offsets: dict[int, float]


@dataclass
class Draws:
    """The random parts of the answers: normal noise per item, and who skips an item (missing code)."""

    noise: dict[str, np.ndarray]
    missing: dict[str, np.ndarray]  # item -> bool per respondent


def latents(rng: np.random.Generator, bg: pd.DataFrame) -> Draws:
    n = len(bg)
    noise = {name: rng.standard_normal(n) for name in NOISE_ITEMS}
    missing = {item: rng.random(n) < MISSING_RATE[item] for item in MISSING_CODE}
    return Draws(noise, missing)


def answers(bg: pd.DataFrame, weights: np.ndarray, draws: Draws, model: Model | None) -> tuple[pd.DataFrame, Model]:
    """All questionnaire answers. With ``model`` None the cut-points are fitted (national)."""
    noise, missing = draws.noise, draws.missing
    fitting = model is None
    cuts = {} if model is None else model.cuts
    out = pd.DataFrame(index=bg.index)

    def code(item, latent, base, group=None):
        """Ordinal codes for ``item`` over ``base`` (bool), fitted or reused; others stay NaN."""
        result = np.full(len(bg), np.nan)
        groups = [None] if group is None else [False, True]
        for g in groups:
            mask = base if g is None else base & (group == g)
            key = item if g is None else (item, g)
            if fitting:
                cuts[key] = fit_cuts(latent[mask], weights[mask], TARGETS[item])
            result[mask] = apply_cuts(latent[mask], cuts[key])
        return result

    def with_missing(item, codes, asked):
        codes = codes.copy()
        codes[asked & missing[item]] = MISSING_CODE[item]
        return codes

    everyone = np.ones(len(bg), dtype=bool)
    high_edu = bg["q4"].isin([3, 4]).to_numpy()
    young = (bg["age_group"] == 1).to_numpy()
    R = noise["R"] + 0.25 * high_edu
    M = noise["M"]

    # q12: how often home office (1 = every day … 6 = never). Higher latent = less home office.
    q12 = code("q12", -0.9 * R + 0.25 * young + 0.55 * noise["q12"], everyone)
    out["q12"] = q12
    uses = q12 < 6
    ho3 = q12 <= 2

    # q13: workspace at home (asked if q12 < 6); follows the amount of home office.
    asked = uses & ~missing["q13"]
    q13 = code("q13", 0.45 * (q12 - 3.5) + noise["q13"], asked)
    out["q13"] = with_missing("q13", q13, uses)
    no_room = (out["q13"] == 3).to_numpy()

    # q14: can take the job along when moving (asked if q12 < 6). Higher = less likely.
    out["q14"] = with_missing("q14", code("q14", -0.8 * R + noise["q14"], uses & ~missing["q14"]), uses)

    # q6_1 positive statement (higher code = more negative view); q6_2..4 negative statements
    # (higher code = disagree = more positive view).
    signs = {"q6_1": -1.0, "q6_2": 1.0, "q6_3": 1.0, "q6_4": 1.0}
    for item, sign in signs.items():
        latent = sign * (0.9 * R - 0.7 * no_room) + noise[item]
        out[item] = with_missing(item, code(item, latent, ~missing[item]), everyone)
    # q10_1 pro-remote statement, q10_2 pro-office statement.
    out["q10_1"] = with_missing("q10_1", code("q10_1", -0.9 * R + noise["q10_1"], ~missing["q10_1"]), everyone)
    out["q10_2"] = with_missing("q10_2", code("q10_2", 0.9 * R + noise["q10_2"], ~missing["q10_2"]), everyone)

    # q16_1..4: unrelated to home office, flat across the 3+ days groups by construction.
    for item in ("q16_1", "q16_2", "q16_3", "q16_4"):
        out[item] = with_missing(item, code(item, noise[item], ~missing[item], group=ho3), everyone)
    # q16_5 job opportunities: less important (higher code) with home office 3+ days a week.
    out["q16_5"] = with_missing("q16_5", code("q16_5", 1.0 * ho3 + noise["q16_5"], ~missing["q16_5"]), everyone)

    # q21 acceptable travel time: longer with more remote orientation and 3+ days home office.
    q21_latent = 0.35 * R + 0.8 * ho3 + 0.6 * M + noise["q21"]
    out["q21"] = with_missing("q21", code("q21", q21_latent, ~missing["q21"]), everyone)

    # Rural affinity A: centrality and education; centred by age group (no age differences).
    profile = bg["centrality"].map(CENTRALITY_PROFILE).to_numpy()
    edu_shift = bg["q4"].map(EDUCATION_SHIFT).to_numpy()

    # The noise of A is centred within education levels, so the education ordering of q23
    # (master's degree or higher most negative) also holds for the small groups.
    noise_a = noise["A"].copy()
    for level in np.unique(bg["q4"]):
        m = (bg["q4"] == level).to_numpy()
        noise_a[m] -= np.average(noise_a[m], weights=weights[m])

    def rural_affinity(coef):
        return coef * profile + edu_shift + noise_a

    if model is None:
        coef = tune_centrality(bg, weights, missing["q23"], rural_affinity)
        A = rural_affinity(coef)
        offsets = {}
        for a in sorted(AGE_GROUPS):
            m = (bg["age_group"] == a).to_numpy()
            offsets[a] = float(np.average(A[m], weights=weights[m]))
    else:
        coef, offsets = model.centrality_coef, model.age_offsets
        A = rural_affinity(coef)
    A = A - bg["age_group"].map(offsets).to_numpy()
    out["q23"] = with_missing("q23", code("q23", -A, ~missing["q23"]), everyone)

    # q22 willingness to move (higher = less relevant): remote orientation, mobility, rural affinity.
    q22_latent = -0.55 * R - 0.6 * M - 0.35 * A + noise["q22"]
    out["q22"] = with_missing("q22", code("q22", q22_latent, ~missing["q22"]), everyone)

    return out, Model(cuts, coef, offsets)


def tune_centrality(bg: pd.DataFrame, weights: np.ndarray, q23_missing: np.ndarray, rural_affinity) -> float:
    """Bisection on the centrality coefficient of A so that q23 1+2 among class 1–2 ≈ target."""
    base = ~q23_missing
    central = bg["centrality"].isin([1, 2]).to_numpy()

    groups = {a: (bg["age_group"] == a).to_numpy() for a in AGE_GROUPS}

    def central_share(coef):
        A = rural_affinity(coef)
        for m in groups.values():
            A[m] -= np.average(A[m], weights=weights[m])
        latent = -A
        codes = apply_cuts(latent[base], fit_cuts(latent[base], weights[base], TARGETS["q23"]))
        c = central[base]
        return 100 * weights[base][c][codes[c] <= 2].sum() / weights[base][c].sum()

    low, high = 0.0, 3.0
    best = (abs(central_share(low) - Q23_CENTRAL_TARGET), low)
    for _ in range(60):
        mid = (low + high) / 2
        share = central_share(mid)
        best = min(best, (abs(share - Q23_CENTRAL_TARGET), mid))
        if share > Q23_CENTRAL_TARGET:
            low = mid
        else:
            high = mid
    return round(best[1], 6)


def to_rows(prefix: str, bg: pd.DataFrame, ans: pd.DataFrame, weights: np.ndarray) -> list[list[str]]:
    rows = []
    for i in range(len(bg)):
        row = {"id": f"{prefix}{i + 1:04d}", "q201": bg["q201"].iat[i], "vekt": f"{weights[i]:.6f}"}
        for column in ("q202", "q1", "q2", "q3", "q4", "q5", "q11", "q207"):
            row[column] = str(int(bg[column].iat[i]))
        for column in ans.columns:
            value = ans[column].iat[i]
            row[column] = "" if pd.isna(value) else str(int(value))
        rows.append([row[c] for c in COLUMNS])
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def generate() -> None:
    ref = load_reference()
    mg = margin()

    # National
    rng = np.random.default_rng([SEED, 1])
    munis = ref.municipalities
    p = munis["population"].to_numpy() / munis["population"].sum()
    kommuner = munis["kommunenummer"].to_numpy()[rng.choice(len(munis), size=N_NATIONAL, p=p)]
    bg = demographics(rng, ref, kommuner, rural=False)
    weights = rake(bg[["age_group", "gender"]], [mg])
    draws = latents(rng, bg)
    ans, model = answers(bg, weights, draws, None)
    write_csv(NATIONAL_CSV, COLUMNS, to_rows("N", bg, ans, weights))

    # Hardanger: same model and cut-points, Hardanger demographics.
    rng = np.random.default_rng([SEED, 2])
    kommuner = np.concatenate([[k] * n for k, n in HARDANGER_COUNTS.items()])
    kommuner = kommuner[rng.permutation(len(kommuner))]
    bg_h = demographics(rng, ref, kommuner, rural=True)
    weights_h = rake(bg_h[["age_group", "gender"]], [mg])
    ans_h, _ = answers(bg_h, weights_h, latents(rng, bg_h), model)
    write_csv(HARDANGER_CSV, COLUMNS, to_rows("H", bg_h, ans_h, weights_h))

    write_csv(
        MARGINS_CSV,
        ["age_group", "gender", "population"],
        [[str(a), str(g), str(v)] for (a, g), v in sorted(MARGINS.items())],
    )
    print(
        f"wrote {NATIONAL_CSV.relative_to(ROOT)} ({N_NATIONAL} rows), "
        f"{HARDANGER_CSV.relative_to(ROOT)} ({len(bg_h)} rows), {MARGINS_CSV.relative_to(ROOT)}"
    )
    print(f"centrality coefficient of rural affinity: {model.centrality_coef}")


# ---------------------------------------------------------------------------------------------
# Check


class Checker:
    def __init__(self):
        self.failures = 0

    def line(self, ok: bool, text: str) -> None:
        self.failures += not ok
        print(f"  {'ok  ' if ok else 'FAIL'}  {text}")


def read_survey(path: Path, ref: Reference) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(df.columns) != COLUMNS:
        raise SystemExit(f"{path}: columns are {list(df.columns)}, expected {COLUMNS}")
    for column in COLUMNS[2:]:
        df[column] = pd.to_numeric(df[column].replace("", np.nan))
    df["kommune"] = df["q201"].map(ref.postal_to_kommune)
    df["centrality"] = df["kommune"].map(ref.centrality)
    df["age"] = SURVEY_YEAR - df["q202"]
    df["age_group"] = pd.cut(df["age"], [24, 34, 44, 54, 60], labels=[1, 2, 3, 4]).astype(float)
    df["gender"] = df["q207"]
    return df


def valid(df: pd.DataFrame, item: str) -> pd.Series:
    return df[item].notna() & (df[item] != MISSING_CODE.get(item, -1))


def wshare(df: pd.DataFrame, item: str, codes, mask=None) -> float:
    m = valid(df, item) if mask is None else valid(df, item) & mask
    w = df.loc[m, "vekt"]
    return 100 * w[df.loc[m, item].isin(codes)].sum() / w.sum()


def wls(df: pd.DataFrame, y: str, xs: list[str], mask=None):
    m = valid(df, y)
    for x in xs:
        m &= df[x].notna()
    if mask is not None:
        m &= mask
    d = df[m]
    X = sm.add_constant(d[xs].astype(float), has_constant="add")
    return sm.WLS(d[y].astype(float), X, weights=d["vekt"]).fit(cov_type="HC1"), len(d)


def check_format(df: pd.DataFrame, name: str, ref: Reference, allowed_kommuner, prefix: str, c: Checker) -> None:
    print(f"\nFormat: {name}")
    n = len(df)
    c.line(df["id"].tolist() == [f"{prefix}{i + 1:04d}" for i in range(n)], f"ids {prefix}0001…{prefix}{n:04d}")
    c.line(
        df["q201"].str.fullmatch(r"\d{4}").all() and df["kommune"].notna().all(),
        "q201: 4-digit postal codes of category G/B in seed/reference/postal_codes.csv",
    )
    c.line(
        allowed_kommuner is None or df["kommune"].isin(allowed_kommuner).all(),
        "postal codes in the intended municipalities",
    )
    c.line(df["age"].between(25, 60).all(), f"age 2025 − q202 in 25..60 (min {df['age'].min()}, max {df['age'].max()})")
    c.line(df["q1"].isin([1, 2]).all() and (df["q2"] == 1).all(), "q1 ∈ {1,2}, q2 = 1")
    c.line(df["q3"].between(1, 8).all() and df["q207"].isin([1, 2]).all(), "q3 in 1..8, q207 ∈ {1,2}")
    ranges = {"q4": 5, "q5": 3, "q11": 2, "q12": 6, "q21": 5}
    ranges.update(
        {
            k: 6
            for k in (
                "q6_1",
                "q6_2",
                "q6_3",
                "q6_4",
                "q10_1",
                "q10_2",
                "q16_1",
                "q16_2",
                "q16_3",
                "q16_4",
                "q16_5",
                "q22",
                "q23",
            )
        }
    )
    ok = all(df[k].between(1, top).all() for k, top in ranges.items())
    c.line(ok, "every answer code inside its codebook range, no empty cell except q13/q14")
    never = df["q12"] == 6
    routed = (
        df.loc[never, ["q13", "q14"]].isna().all().all()
        and df.loc[~never, "q13"].between(1, 4).all()
        and df.loc[~never, "q14"].between(1, 6).all()
    )
    c.line(routed, "q13/q14 empty exactly when q12 = 6")
    w = df["vekt"]
    c.line(
        w.gt(0).all() and abs(w.mean() - 1) < 1e-4, f"vekt > 0, mean {w.mean():.4f}, range {w.min():.2f}–{w.max():.2f}"
    )
    cells = df.groupby(["age_group", "gender"])["vekt"].sum()
    total = sum(MARGINS.values())
    worst = max(abs(cells[k] / w.sum() - v / total) for k, v in MARGINS.items())
    c.line(worst < 1e-6, f"weighted age_group × gender shares equal the margins (max diff {worst:.1e})")


def check_calibration(df: pd.DataFrame, c: Checker) -> list[tuple[str, float, float]]:
    print("\nCalibration, national file (weighted %, valid answers; tolerance ±2 pp)")
    uses = df["q12"] < 6
    central = df["centrality"].isin([1, 2])
    targets = [
        ("q21 code 1 (≤ 30 min)", "q21", [1], 53.4, None),
        ("q21 code 2 (≤ 1 hour)", "q21", [2], 42.0, None),
        ("q21 code 3 (≤ 2 hours)", "q21", [3], 2.3, None),
        ("q21 code 4 (> 2 hours)", "q21", [4], 2.3, None),
        ("q22 codes 1+2 (relevant to move)", "q22", [1, 2], 15.0, None),
        ("q22 codes 4+5 (not relevant)", "q22", [4, 5], 64.0, None),
        ("q23 codes 1+2 (rural attractive)", "q23", [1, 2], 39.0, None),
        ("q23 codes 1+2, centrality class 1–2", "q23", [1, 2], 24.0, central),
        ("q14 codes 1+2 (likely), q12 < 6", "q14", [1, 2], 33.3, uses),
        ("q14 codes 4+5 (unlikely), q12 < 6", "q14", [4, 5], 57.0, uses),
        ("q13 code 1 (own room), q12 < 6", "q13", [1], 49.5, uses),
        ("q13 code 2 (fixed place), q12 < 6", "q13", [2], 28.8, uses),
        ("q13 code 3 (no fixed place), q12 < 6", "q13", [3], 21.7, uses),
        ("q10_1 codes 1+2 (agree)", "q10_1", [1, 2], 75.0, None),
        ("q10_2 codes 1+2 (agree)", "q10_2", [1, 2], 62.0, None),
        ("q6_2 codes 4+5 (disagree)", "q6_2", [4, 5], 50.0, None),
        ("q6_2 code 2 (partly agree)", "q6_2", [2], 34.0, None),
        ("q16_2 codes 1+2 (important)", "q16_2", [1, 2], 89.0, None),
        ("q16_5 codes 1+2 (important)", "q16_5", [1, 2], 84.0, None),
    ]
    table = []
    print(f"  {'':4}  {'figure':42} {'target':>7} {'achieved':>9} {'diff':>6}")
    for label, item, codes, target, mask in targets:
        achieved = wshare(df, item, codes, mask)
        table.append((label, target, achieved))
        c.line(abs(achieved - target) <= 2.0, f"{label:42} {target:7.1f} {achieved:9.1f} {achieved - target:+6.1f}")

    print("\nShape (not published as numbers)")
    q12 = {k: wshare(df, "q12", [k]) for k in range(1, 7)}
    c.line(10 <= q12[6] <= 15, f"q12 = 6 (never) {q12[6]:.1f} % (10–15 %)")
    top2 = sorted(q12, key=lambda k: q12[k], reverse=True)[:2]
    c.line(
        set(top2) == {3, 4},
        "q12 most common answers are 3 and 4: " + ", ".join(f"{k}: {v:.1f}" for k, v in q12.items()),
    )
    young = df["age_group"] == 1
    m_young = np.average(df.loc[young, "q12"], weights=df.loc[young, "vekt"])
    m_rest = np.average(df.loc[~young, "q12"], weights=df.loc[~young, "vekt"])
    by_age = {
        a: np.average(df.loc[df["age_group"] == a, "q12"], weights=df.loc[df["age_group"] == a, "vekt"])
        for a in (1, 2, 3, 4)
    }
    c.line(
        by_age[1] == max(by_age.values()),
        f"age 25–34 works least from home: mean q12 {m_young:.2f} vs {m_rest:.2f} for 35–60 "
        f"(by group {', '.join(f'{v:.2f}' for v in by_age.values())})",
    )
    agree = {k: wshare(df, k, [1, 2]) for k in ("q6_1", "q6_2", "q6_3", "q6_4")}
    disagree = {k: wshare(df, k, [4, 5]) for k in ("q6_1", "q6_2", "q6_3", "q6_4")}
    c.line(agree["q6_1"] > 50, f"most agree with q6_1 (effective): 1+2 = {agree['q6_1']:.1f} %")
    c.line(disagree["q6_3"] > 50, f"most disagree with q6_3 (hard to be creative): 4+5 = {disagree['q6_3']:.1f} %")
    c.line(agree["q6_4"] > 50, f"most agree with q6_4 (hard to build work environment): 1+2 = {agree['q6_4']:.1f} %")
    negative = {"q6_1": disagree["q6_1"], "q6_2": agree["q6_2"], "q6_3": agree["q6_3"], "q6_4": agree["q6_4"]}
    c.line(
        max(negative, key=lambda k: negative[k]) == "q6_4",
        "q6_4 most negatively viewed (share with the negative view: "
        + ", ".join(f"{k} {v:.1f}" for k, v in negative.items())
        + ")",
    )
    return table


PUBLISHED_FIGURES = ROOT / "seed" / "published_figures.csv"


def check_published_figures(df: pd.DataFrame, c: Checker) -> None:
    """Every NORCE 2025 share in seed/published_figures.csv (if present), worded as the source words it.

    A point or "about" figure is met within ±2 pp; "over", "under", "nearly" and "at least" on their side.
    """
    if not PUBLISHED_FIGURES.exists():
        print(f"\n{PUBLISHED_FIGURES.relative_to(ROOT)} not found; published-figure check skipped")
        return
    breakdowns = {
        "all": None,
        "uses home office (q12 < 6)": df["q12"] < 6,
        "centrality index 1-2 (central municipalities)": df["centrality"].isin([1, 2]),
    }
    print(f"\nFigures in {PUBLISHED_FIGURES.relative_to(ROOT)} (survey norce2025, shares; as worded)")
    with PUBLISHED_FIGURES.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if not (
                row["survey"] == "norce2025"
                and row["question_id"]
                and row["categories"]
                and row["unit"] in ("percent", "fraction")
                and row["breakdown"] in breakdowns
            ):
                continue
            item = "q" + row["question_id"]
            if item not in df.columns:
                continue
            value = float(Fraction(row["value"])) * (100 if row["unit"] == "fraction" else 1)
            codes = [int(x) for x in row["categories"].split("+")]
            achieved = wshare(df, item, codes, breakdowns[row["breakdown"]])
            label = f"{item} [{row['categories']}] {row['qualifier'] or 'point'} {row['breakdown'][:20]}"
            c.line(
                agrees_with_published(achieved, value, row["qualifier"]),
                f"{label:42} {value:7.1f} {achieved:9.1f} {achieved - value:+6.1f}",
            )


def report(c: Checker, label: str, res, term: str, sign: int, n: int) -> None:
    coef, p = res.params[term], res.pvalues[term]
    ok = np.sign(coef) == sign and p < 0.05
    c.line(ok, f"{label:60} b = {coef:+.3f}, z = {res.tvalues[term]:+6.2f}, p = {p:.2g}, n = {n}")


def report_null(c: Checker, label: str, p: float, stat: str) -> None:
    c.line(p >= 0.05, f"{label:60} {stat}, p = {p:.2g} (must be ≥ 0.05)")


def check_relationships(df: pd.DataFrame, c: Checker) -> None:
    print("\nRelationships, national file (WLS on answer codes, weights = vekt, HC1 robust SEs)")
    df = df.copy()
    df["ho3"] = (df["q12"] <= 2).astype(float)
    df["central12"] = df["centrality"].isin([1, 2]).astype(float)
    df["no_room"] = (df["q13"] == 3).astype(float)
    items = {"q6_1": False, "q6_2": True, "q6_3": True, "q6_4": True, "q10_1": False, "q10_2": True}
    scores = pd.DataFrame({k: (6 - df[k] if rev else df[k]).where(valid(df, k)) for k, rev in items.items()})
    df["factory"] = scores.mean(axis=1)
    df["master"] = (df["q4"] == 4).astype(float)
    for a in (2, 3, 4):
        df[f"age{a}"] = (df["age_group"] == a).astype(float)
    df["q21_is_1"] = (df["q21"] == 1).astype(float)

    print(" 1. more home office (lower q12) ↔ more positive view of home office")
    for item, sign, text in (
        ("q6_1", +1, "effective"),
        ("q6_2", -1, "hard to cooperate"),
        ("q6_3", -1, "hard to be creative"),
        ("q6_4", -1, "hard to build environment"),
    ):
        res, n = wls(df, item, ["q12"])
        report(c, f"{item} ({text}) ~ q12", res, "q12", sign, n)

    print(" 2. home office 3+ days/week (q12 ∈ {1,2}) ↔ travel time and job opportunities")
    res, n = wls(df, "q21", ["ho3"])
    report(c, "q21 (acceptable travel time, higher = longer) ~ 3+ days", res, "ho3", +1, n)
    res, n = wls(df, "q16_5", ["ho3"])
    report(c, "q16_5 (job opportunities, higher = less important) ~ 3+ days", res, "ho3", +1, n)
    for item in ("q16_1", "q16_2", "q16_3", "q16_4"):
        res, n = wls(df, item, ["ho3"])
        report_null(
            c,
            f"{item} ~ 3+ days: no difference",
            res.pvalues["ho3"],
            f"b = {res.params['ho3']:+.3f}, z = {res.tvalues['ho3']:+.2f}",
        )

    print(" 3. factory index ↔ willingness to move; q10_1 vs q10_2")
    res, n = wls(df, "q22", ["factory"])
    report(c, "q22 (higher = less willing to move) ~ factory index", res, "factory", +1, n)
    res, n = wls(df, "q10_2", ["q10_1"], valid(df, "q10_1"))
    report(c, "q10_2 ~ q10_1 (negative association)", res, "q10_1", -1, n)

    print(" 4. central residence ↔ rural municipality less attractive; no age differences")
    res, n = wls(df, "q23", ["central12"])
    report(c, "q23 (higher = less attractive) ~ centrality class 1–2", res, "central12", +1, n)
    res, n = wls(df, "q23", ["centrality"])
    report(c, "q23 ~ centrality class (1–6, higher = less central)", res, "centrality", -1, n)
    res, n = wls(df, "q23", ["age2", "age3", "age4"])
    wald = res.wald_test("age2 = 0, age3 = 0, age4 = 0", use_f=True, scalar=True)
    report_null(c, "q23 ~ age group (joint test of 3 dummies)", float(wald.pvalue), f"F = {float(wald.statistic):.2f}")

    print(" 5. higher education ↔ rural municipality less attractive; master+ most negative")
    edu = df["q4"].between(1, 4)
    res, n = wls(df, "q23", ["q4"], edu)
    report(c, "q23 ~ education level (q4 1–4)", res, "q4", +1, n)
    res, n = wls(df, "q23", ["master"], edu)
    report(c, "q23 ~ master or higher vs q4 1–3", res, "master", +1, n)
    means = {}
    for level in (1, 2, 3, 4):
        m = valid(df, "q23") & (df["q4"] == level)
        means[level] = np.average(df.loc[m, "q23"], weights=df.loc[m, "vekt"])
    c.line(
        means[4] == max(means.values()),
        "master+ has the most negative mean q23: " + ", ".join(f"q4={k}: {v:.2f}" for k, v in means.items()),
    )

    print(" 6. no fixed workspace at home (q13 = 3) vs q13 ∈ {1,2}")
    fixed = df["q13"].isin([1, 2, 3])
    for item, sign in (("q6_1", +1), ("q6_2", -1), ("q6_3", -1), ("q6_4", -1)):
        res, n = wls(df, item, ["no_room"], fixed)
        report(c, f"{item} ~ no fixed workspace (more negative view)", res, "no_room", sign, n)
    res, n = wls(df, "q12", ["no_room"], fixed)
    report(c, "q12 (higher = less home office) ~ no fixed workspace", res, "no_room", +1, n)

    print(" 7. acceptable travel time ≤ 30 min (q21 = 1) vs ≤ 1 hour (q21 = 2)")
    res, n = wls(df, "q22", ["q21_is_1"], df["q21"].isin([1, 2]))
    report(c, "q22 (higher = less willing) ~ q21 = 1 vs 2", res, "q21_is_1", +1, n)


def check_hardanger(df: pd.DataFrame, national: pd.DataFrame, c: Checker) -> None:
    print("\nHardanger file (not calibrated; plausibility only)")
    counts = df["kommune"].value_counts().to_dict()
    c.line(
        abs(len(df) - 600) <= 60,
        "respondents per municipality: " + ", ".join(f"{k}: {counts.get(k, 0)}" for k in HARDANGER_COUNTS),
    )
    h, n = wshare(df, "q23", [1, 2]), wshare(national, "q23", [1, 2])
    c.line(h > n, f"q23 1+2 (rural attractive) {h:.1f} % vs national {n:.1f} %")


def check() -> int:
    ref = load_reference()
    c = Checker()
    national = read_survey(NATIONAL_CSV, ref)
    hardanger = read_survey(HARDANGER_CSV, ref)
    margins = pd.read_csv(MARGINS_CSV)
    print(f"Margins: {MARGINS_CSV.relative_to(ROOT)}")
    c.line(
        list(margins.columns) == ["age_group", "gender", "population"]
        and {(int(a), int(g)): int(p) for a, g, p in margins.itertuples(index=False)} == MARGINS,
        f"{len(margins)} cells, total {margins['population'].sum():,}",
    )
    check_format(national, NATIONAL_CSV.name, ref, None, "N", c)
    check_format(hardanger, HARDANGER_CSV.name, ref, set(HARDANGER_COUNTS), "H", c)
    check_calibration(national, c)
    check_published_figures(national, c)
    check_relationships(national, c)
    check_hardanger(hardanger, national, c)
    print(f"\n{'ALL CHECKS PASSED' if c.failures == 0 else f'{c.failures} CHECK(S) FAILED'}")
    return 0 if c.failures == 0 else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="check the written files instead of writing them")
    args = parser.parse_args(argv)
    if args.check:
        return check()
    generate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
