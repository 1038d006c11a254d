"""Write the microdata that ``make_fixtures.R`` turns into R reference estimates.

Run from the repository root with the project's environment::

    python tests/r_reference/export_data.py

It writes, deterministically (fixed numpy seeds, byte-identical reruns):

* ``tests/r_reference/import/<name>.csv`` — respondent files in the importer's format
  (``id, q201, …, vekt``), for the two generated data sets. ``tests/test_against_r.py`` imports
  them with the real importer. The demo survey needs no such file: it is
  ``seed/data/demo_national.csv``, seeded into every test database as ``demo_national``.
* ``tests/r_reference/data/<name>.csv`` — the same respondents in wide form for R:
  ``id, w`` and one column per coded question and derived variable, with the **raw** answer
  codes (the "ikke sikker" codes are kept; R removes them from each base itself). An empty cell
  (``NA``) is a question not answered / not asked, or a derived value that cannot be formed.
  ``w`` is the ``vekt`` column exactly as written in the importer file.
* ``tests/r_reference/data/<name>_codes.csv`` — ``variable, code, missing``: every answer code
  of every coded column and whether the codebook marks it as missing ("ikke sikker").

Derived variables are computed here in pandas from the codebook's definitions and
``seed/reference/*.csv`` — independently of ``app.ingest.survey_import`` — so that a derivation
bug in the importer would show up as a mismatch against R rather than being copied into the
reference. Derived variables of kind ``region`` are not exported (their codes are database ids).

Data sets:

* ``demo_national``: ``seed/data/demo_national.csv`` (500 synthetic respondents, raked weights
  0.69–1.88), codebook ``seed/codebooks/demo_national.yaml``.
* ``synth_mini300``: 300 generated respondents in the format of ``tests/data/mini_codebook.yaml``;
  log-normal weights (σ = 1.1, max/min ≫ 20); centrality classes and municipalities of very
  uneven size (smallest groups 3–12 respondents); about 4 % outside the age bins (no age group);
  "ikke sikker" answers and unanswered items.
* ``synth_norce1200``: 1200 generated respondents in the ``seed/codebooks/norce2025.yaml``
  format; log-normal weights (σ = 0.9) with a few extreme ones; small education, centrality and
  county groups; q13/q14 routed (empty when q12 = 6).
* ``synth_boundary``: 82 generated respondents in the mini format, built for shares of exactly
  0 and 1 in small groups (log-normal weights, σ = 0.8). Centrality groups of 40, 20, 12, 6, 3
  and 1 respondents: in class 4 (6) everybody answers q12 = 1 ("every day", so also
  home_office_3plus = 1), q6_1 = 1 but one "ikke sikker" (a base of 5), q6_2 = 2; in class 3 (12)
  nobody answers q12 = 6; in class 2 (20) nobody answers q6_1 = 5; no woman answers q12 = 6;
  nobody at all answers q6_2 = 5; class 5 has bases of 2 for q6_2 and, among women, for q12.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.ingest.codebook import Codebook, load_codebook

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
IMPORT = HERE / "import"
REFERENCE = ROOT / "seed" / "reference"

# name -> (importer CSV, codebook); the generated files are written by this script.
DATASETS = {
    "demo_national": (ROOT / "seed" / "data" / "demo_national.csv", ROOT / "seed" / "codebooks" / "demo_national.yaml"),
    "synth_mini300": (IMPORT / "synth_mini300.csv", ROOT / "tests" / "data" / "mini_codebook.yaml"),
    "synth_norce1200": (IMPORT / "synth_norce1200.csv", ROOT / "seed" / "codebooks" / "norce2025.yaml"),
    "synth_boundary": (IMPORT / "synth_boundary.csv", ROOT / "tests" / "data" / "mini_codebook.yaml"),
}


# --- reference data -----------------------------------------------------------------------


def reference_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    municipalities = pd.read_csv(REFERENCE / "municipalities.csv", dtype=str, keep_default_na=False)
    postal = pd.read_csv(REFERENCE / "postal_codes.csv", dtype=str, keep_default_na=False)
    return municipalities, postal


def street_postal_codes(postal: pd.DataFrame) -> dict[str, list[str]]:
    """Street/box-free postal codes (category G or B) of each municipality, sorted."""
    usable = postal[postal["kategori"].isin(["G", "B"])]
    return {k: sorted(g["postnummer"]) for k, g in usable.groupby("kommunenummer")}


# --- derivation (pandas, from the codebook) -----------------------------------------------


def derive(raw: pd.DataFrame, codebook: Codebook) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The wide R frame (id, w, coded questions, derived variables) and its code list."""
    municipalities, postal = reference_tables()
    kommune_of = dict(zip(postal["postnummer"], postal["kommunenummer"], strict=False))
    info = municipalities.set_index("kommunenummer")

    out = pd.DataFrame({"id": raw["id"].astype(str)})
    weight_column = "vekt" if "vekt" in raw.columns else "weight"
    out["w"] = raw[weight_column].astype(str)  # written back verbatim: R parses the same text
    codes: list[tuple[str, int, bool]] = []
    columns: dict[str, pd.Series] = {}
    postal_variable = None
    for q in codebook.questions:
        if q.type == "postal_code":
            postal_variable = q.variable
            columns[q.variable] = raw[q.variable].astype("string").str.zfill(4)
            continue
        columns[q.variable] = pd.to_numeric(raw[q.variable], errors="raise").astype(float)
        if q.options:
            out[q.variable] = columns[q.variable]
            codes += [(q.variable, o.code, o.missing) for o in q.options]
    kommune = (
        columns[postal_variable].map(kommune_of) if postal_variable else pd.Series([None] * len(raw), dtype="object")
    )

    options = {q.variable: [(o.code, o.missing) for o in q.options] for q in codebook.questions}
    missing_codes = {q.variable: {o.code for o in q.options if o.missing} for q in codebook.questions}
    valid_codes = {q.variable: [o.code for o in q.options if not o.missing] for q in codebook.questions}
    for spec in codebook.derived:
        kind = spec.kind
        if kind == "age_from_year":
            values = codebook.survey.year - columns[spec.source]
            numeric = True
        elif kind == "bins":
            source = columns[spec.source]
            values = pd.Series(np.nan, index=raw.index)
            for b in spec.bins:
                values[(source >= b.min) & (source <= b.max)] = b.code
            options[spec.variable] = [(b.code, False) for b in spec.bins]
            numeric = False
        elif kind == "copy":
            values = columns[spec.source].copy()
            options[spec.variable] = options[spec.source]
            numeric = False
        elif kind == "recode":
            values = columns[spec.source].map({float(k): float(v) for k, v in spec.map.items()})
            options[spec.variable] = [(o.code, o.missing) for o in spec.options]
            numeric = False
        elif kind == "reference":
            if spec.level == "region":
                continue  # region codes are database ids
            column = {"municipality": None, "county": "fylkesnummer", "centrality": "centrality_class"}[spec.level]
            values = pd.Series(
                [
                    np.nan
                    if k is None or pd.isna(k) or k not in info.index
                    else float(int(k) if column is None else int(info.at[k, column]))
                    for k in kommune
                ],
                index=raw.index,
            )
            options[spec.variable] = [(int(c), False) for c in sorted(values.dropna().unique())]
            numeric = False
        else:  # mean_index
            items = []
            for item in spec.items:
                x = columns[item.variable].where(~columns[item.variable].isin(missing_codes[item.variable]))
                low, high = min(valid_codes[item.variable]), max(valid_codes[item.variable])
                items.append(low + high - x if item.reverse else x)
            stacked = pd.concat(items, axis=1)
            values = stacked.mean(axis=1, skipna=True)
            values[stacked.notna().sum(axis=1) < spec.min_items] = np.nan
            numeric = True
        columns[spec.variable] = values
        out[spec.variable] = values
        if not numeric:
            codes += [(spec.variable, c, m) for c, m in options[spec.variable]]
    code_frame = pd.DataFrame(codes, columns=["variable", "code", "missing"])
    return out, code_frame


def write_r_frame(name: str) -> None:
    path, codebook_path = DATASETS[name]
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    frame, codes = derive(raw, load_codebook(codebook_path))
    DATA.mkdir(parents=True, exist_ok=True)
    numeric = [c for c in frame.columns if c not in ("id", "w")]
    text = frame.copy()
    for c in numeric:
        text[c] = [
            ("NA" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else repr(float(v)))) for v in frame[c]
        ]
    text.to_csv(DATA / f"{name}.csv", index=False, lineterminator="\n")
    codes.assign(missing=codes["missing"].map({True: "TRUE", False: "FALSE"})).to_csv(
        DATA / f"{name}_codes.csv", index=False, lineterminator="\n"
    )
    print(f"{name}: {len(frame)} respondents, {len(numeric)} variables -> {DATA / (name + '.csv')}")


# --- generated data sets ------------------------------------------------------------------


def lognormal_weights(rng: np.random.Generator, n: int, sigma: float, extreme: int = 0) -> np.ndarray:
    w = rng.lognormal(0.0, sigma, n)
    if extreme:
        idx = rng.choice(n, extreme, replace=False)
        w[idx] *= rng.choice([0.05, 12.0], extreme)
    return w / w.mean()


def cut(latent: np.ndarray, cutpoints: list[float]) -> np.ndarray:
    """Codes 1..len(cutpoints)+1 from a latent score."""
    return np.searchsorted(np.asarray(cutpoints), latent) + 1


def with_dont_know(rng, codes: np.ndarray, dk_code: int, share: float, empty_share: float = 0.0) -> np.ndarray:
    out = codes.astype(float)
    u = rng.random(len(out))
    out[u < share] = dk_code
    out[(u >= share) & (u < share + empty_share)] = np.nan
    return out


def pick_postal(
    rng, municipalities_by_class: dict[int, list[str]], postal_codes: dict[str, list[str]], classes: np.ndarray
) -> list[str]:
    result = []
    for c in classes:
        kommune = municipalities_by_class[int(c)][rng.integers(len(municipalities_by_class[int(c)]))]
        choices = postal_codes[kommune]
        result.append(choices[rng.integers(len(choices))])
    return result


def format_frame(frame: pd.DataFrame) -> pd.DataFrame:
    text = frame.copy()
    for c in frame.columns:
        if c in ("id", "q201"):
            continue
        if c == "vekt":
            text[c] = [f"{v:.17g}" for v in frame[c]]
        else:
            text[c] = ["" if pd.isna(v) else str(int(v)) for v in frame[c]]
    return text


def largest_municipalities() -> tuple[dict[int, list[str]], dict[str, list[str]]]:
    """The most populous municipality of each centrality class (two for class 1), so the
    municipality groups are as uneven as the centrality groups; and the postal codes of each."""
    municipalities, postal = reference_tables()
    postal_codes = street_postal_codes(postal)
    municipalities = municipalities[municipalities["kommunenummer"].isin(postal_codes)].copy()
    municipalities["population"] = municipalities["population"].astype(int)
    by_class = {
        int(c): list(
            g.sort_values(["population", "kommunenummer"], ascending=[False, True])["kommunenummer"][
                : 2 if c == "1" else 1
            ]
        )
        for c, g in municipalities.groupby("centrality_class")
    }
    return by_class, postal_codes


def generate_mini300() -> pd.DataFrame:
    rng = np.random.default_rng(20250301)
    n = 300
    by_class, postal_codes = largest_municipalities()
    sizes = {1: 150, 2: 80, 3: 40, 4: 15, 5: 10, 6: 5}
    classes = rng.permutation(np.repeat(list(sizes), list(sizes.values())))
    q201 = pick_postal(rng, by_class, postal_codes, classes)

    age = rng.integers(25, 61, n)
    outside = rng.random(n) < 0.04  # 61–62: no age group (bins end at 60)
    age[outside] = rng.integers(61, 63, outside.sum())
    q202 = 2025 - age
    gender = rng.integers(1, 3, n)
    remote = rng.normal(0, 1, n) + 0.4 * (classes <= 2) - 0.3 * (gender == 2)
    q12 = np.array([6, 3, 2, 1])[cut(remote + rng.normal(0, 0.7, n), [-0.8, 0.0, 1.1]) - 1]  # high remote: 1
    q6_1 = with_dont_know(rng, cut(-remote + rng.normal(0, 0.8, n), [-1.3, -0.4, 0.3, 1.1]), 6, 0.05, 0.02)
    q6_2 = with_dont_know(rng, cut(remote + rng.normal(0, 0.9, n), [-1.0, -0.2, 0.5, 1.3]), 6, 0.06, 0.03)
    q3 = rng.integers(1, 7, n)
    frame = pd.DataFrame(
        {
            "id": [f"M{i:04d}" for i in range(1, n + 1)],
            "q201": q201,
            "q202": q202,
            "q3": q3,
            "q12": q12,
            "q6_1": q6_1,
            "q6_2": q6_2,
            "q207": gender,
            "vekt": lognormal_weights(rng, n, 1.1),
        }
    )
    return frame


def generate_boundary() -> pd.DataFrame:
    """Small groups in which a category is chosen by nobody, or by everybody (see the docstring)."""
    rng = np.random.default_rng(20250303)
    by_class, postal_codes = largest_municipalities()
    sizes = {1: 40, 2: 20, 3: 12, 4: 6, 5: 3, 6: 1}
    classes = np.repeat(list(sizes), list(sizes.values()))
    n = len(classes)
    q201 = pick_postal(rng, by_class, postal_codes, classes)
    gender = rng.integers(1, 3, n)
    gender[classes == 6] = 1
    age = rng.integers(25, 61, n)
    q3 = rng.integers(1, 7, n)

    def per_class(choices: dict[int, object]) -> np.ndarray:
        """Codes per centrality class: a list of codes drawn at random, or the exact codes (tuple)."""
        out = np.full(n, np.nan)
        for c, spec in choices.items():
            rows = np.flatnonzero(classes == c)
            out[rows] = spec if isinstance(spec, tuple) else rng.choice(spec, len(rows))
        return out

    q12 = per_class({1: [1, 2, 3, 6], 2: [1, 2, 3, 6], 3: [1, 2, 3], 4: (1,) * 6, 5: (2, 3, 3), 6: (6,)})
    women = (gender == 2) & (q12 == 6)
    q12[women] = rng.choice([1, 2, 3], women.sum())
    q6_1 = per_class(
        {1: [1, 2, 3, 4, 5, 6], 2: [1, 2, 3, 4, 6], 3: [1, 2, 3, 4, 5], 4: (1, 1, 6, 1, 1, 1), 5: (4, 5, 5), 6: (1,)}
    )
    q6_1[np.flatnonzero(classes == 1)[:2]] = np.nan  # not answered
    q6_2 = per_class({1: [1, 2, 3, 4], 2: [1, 2, 3, 4], 3: [1, 2, 3, 4], 4: (2,) * 6, 5: (1, 3, 6), 6: (4,)})
    q6_2[(classes <= 2) & (rng.random(n) < 0.08)] = 6
    q6_2[np.flatnonzero(classes == 2)[:1]] = np.nan
    order = rng.permutation(n)  # respondents not sorted by class in the file
    frame = pd.DataFrame(
        {
            "id": [f"B{i:04d}" for i in range(1, n + 1)],
            "q201": np.asarray(q201)[order],
            "q202": (2025 - age)[order],
            "q3": q3[order],
            "q12": q12[order],
            "q6_1": q6_1[order],
            "q6_2": q6_2[order],
            "q207": gender[order],
            "vekt": lognormal_weights(rng, n, 0.8),
        }
    )
    return frame


def generate_norce1200() -> pd.DataFrame:
    rng = np.random.default_rng(20250302)
    n = 1200
    municipalities, postal = reference_tables()
    postal_codes = street_postal_codes(postal)
    municipalities = municipalities[municipalities["kommunenummer"].isin(postal_codes)]
    by_class = {int(c): sorted(g["kommunenummer"]) for c, g in municipalities.groupby("centrality_class")}
    class_share = np.array([0.30, 0.28, 0.22, 0.12, 0.075, 0.005])  # class 6: ~6 respondents
    classes = rng.choice(np.arange(1, 7), n, p=class_share / class_share.sum())
    q201 = pick_postal(rng, by_class, postal_codes, classes)

    age = rng.integers(25, 61, n)
    q202 = 2025 - age
    gender = rng.integers(1, 3, n)
    q1 = rng.choice([1, 2], n, p=[0.35, 0.65])
    q2 = np.ones(n, dtype=int)
    q3 = rng.integers(1, 8, n)
    q4 = rng.choice([1, 2, 3, 4, 5], n, p=[0.008, 0.25, 0.35, 0.35, 0.042])  # code 1: ~10 respondents
    q5 = rng.choice([1, 2, 3], n, p=[0.08, 0.42, 0.50])
    remote = rng.normal(0, 1, n) + 0.25 * (q4 >= 3) + 0.3 * (classes <= 2)
    mobility = rng.normal(0, 1, n)
    rural = rng.normal(0, 1, n) + 0.25 * classes - 0.2 * (q4 == 4)
    q12 = cut(-remote + rng.normal(0, 0.6, n), [-1.6, -0.9, 0.1, 0.7, 1.1])
    asked = q12 < 6
    q13 = np.where(asked, with_dont_know(rng, cut(-remote + rng.normal(0, 1, n), [-0.1, 0.7]), 4, 0.03), np.nan)
    q14 = np.where(
        asked, with_dont_know(rng, cut(-remote + rng.normal(0, 1, n), [-0.6, 0.0, 0.3, 1.0]), 6, 0.04), np.nan
    )
    likert = {}
    for name, sign, cuts in [
        ("q6_1", -1, [-0.9, 0.1, 0.5, 1.2]),
        ("q6_2", 1, [-1.0, -0.1, 0.4, 1.1]),
        ("q6_3", 1, [-0.6, 0.1, 0.6, 1.4]),
        ("q6_4", -1, [-0.3, 0.5, 0.9, 1.6]),
        ("q10_1", -1, [-0.7, 0.4, 0.8, 1.5]),
        ("q10_2", 1, [-0.5, 0.2, 0.6, 1.3]),
    ]:
        likert[name] = with_dont_know(rng, cut(sign * remote + rng.normal(0, 1, n), cuts), 6, 0.025)
    q11 = rng.choice([1, 2], n, p=[0.3, 0.7])
    q16 = {
        f"q16_{k}": with_dont_know(rng, cut(rng.normal(0, 1, n) + 0.2 * k, [-0.4, 0.6, 1.2, 1.9]), 6, 0.02)
        for k in range(1, 6)
    }
    q21 = with_dont_know(rng, cut(mobility + 0.5 * (q12 <= 2) + rng.normal(0, 0.5, n), [0.0, 1.6, 2.3]), 5, 0.02)
    q22 = with_dont_know(rng, cut(-mobility + rng.normal(0, 0.8, n), [-1.6, -0.9, -0.4, 0.5]), 6, 0.03)
    q23 = with_dont_know(rng, cut(-rural + rng.normal(0, 0.8, n), [-1.8, -0.8, -0.2, 0.7]), 6, 0.02)
    frame = pd.DataFrame(
        {
            "id": [f"R{i:05d}" for i in range(1, n + 1)],
            "q201": q201,
            "q202": q202,
            "q1": q1,
            "q2": q2,
            "q3": q3,
            "q4": q4,
            "q5": q5,
            **{k: likert[k] for k in ("q6_1", "q6_2", "q6_3", "q6_4", "q10_1", "q10_2")},
            "q11": q11,
            "q12": q12,
            "q13": q13,
            "q14": q14,
            **q16,
            "q21": q21,
            "q22": q22,
            "q23": q23,
            "q207": gender,
            "vekt": lognormal_weights(rng, n, 0.9, extreme=6),
        }
    )
    return frame


def write_import_file(name: str, frame: pd.DataFrame) -> None:
    IMPORT.mkdir(parents=True, exist_ok=True)
    w = frame["vekt"]
    format_frame(frame).to_csv(IMPORT / f"{name}.csv", index=False, lineterminator="\n")
    print(
        f"{name}: {len(frame)} respondents, weights {w.min():.4g}–{w.max():.4g} "
        f"(max/min {w.max() / w.min():.0f}) -> {IMPORT / (name + '.csv')}"
    )


def main() -> None:
    write_import_file("synth_mini300", generate_mini300())
    write_import_file("synth_norce1200", generate_norce1200())
    write_import_file("synth_boundary", generate_boundary())
    for name in DATASETS:
        write_r_frame(name)


if __name__ == "__main__":
    main()
