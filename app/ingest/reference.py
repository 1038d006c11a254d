"""Reference data from ``seed/reference``: municipalities, counties, centrality, postal codes, and
SSB figures per municipality (``seed/reference/ssb``: employed residents, population by age band).

Sources and licences are in ``seed/reference/SOURCES.md`` and ``seed/reference/ssb/SOURCES.md``;
the app shows the attribution.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import (
    CommutingFlow,
    EducationLevel,
    Municipality,
    MunicipalityStatistic,
    PopulationAgeSex,
    PopulationChange,
    PopulationTotal,
    PostalCode,
    Region,
    RegionMember,
)
from app.db.upsert import copy_upsert, upsert

CENTRALITY_2024 = "SSB sentralitetsindeks, 2024-versjon (KLASS 128)"

EMPLOYMENT_FILE = "ssb/employment_11618_2020_2022_all.csv"
POPULATION_BANDS_FILE = "ssb/population_bands_07459.csv"
EMPLOYMENT_MEASURES = ("population_15_74", "employed_by_residence_15_74", "employed_by_workplace_15_74")
POPULATION_MEASURES = ("population_15_74", "population_25_60")
# 2020 municipalities split since: 1507 Ålesund became 1508 Ålesund and 1580 Haram on 1 January
# 2024. Their SSB 11618 figures are shared out by population aged 15–74 on that day (SOURCES.md).
SPLIT_SINCE_2020 = {"1507": ("1508", "1580")}
SPLIT_KEY = ("population_15_74", "2024-01-01")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def load_municipalities(session: Session, reference_dir: Path) -> int:
    rows = [
        {
            "kommunenummer": r["kommunenummer"],
            "name": r["name"],
            "county_number": r["fylkesnummer"],
            "county_name": r["fylke"],
            "population": int(r["population"]),
            "population_year": int(r["population_year"]),
            "centrality_class": int(r["centrality_class"]),
            "centrality_classification": CENTRALITY_2024,
        }
        for r in read_csv(reference_dir / "municipalities.csv")
    ]
    return upsert(session, Municipality, rows, ["kommunenummer"])


def load_postal_codes(session: Session, reference_dir: Path) -> int:
    rows = [
        {
            "postnummer": r["postnummer"],
            "poststed": r["poststed"],
            "kommunenummer": r["kommunenummer"],
            "category": r["kategori"],
        }
        for r in read_csv(reference_dir / "postal_codes.csv")
    ]
    return upsert(session, PostalCode, rows, ["postnummer"])


def load_regions(session: Session, reference_dir: Path) -> int:
    """Regions named in the ``region`` column of municipalities.csv, with their members."""
    members: dict[str, list[str]] = {}
    for r in read_csv(reference_dir / "municipalities.csv"):
        if r["region"].strip():
            members.setdefault(r["region"].strip(), []).append(r["kommunenummer"])
    changed = 0
    for name, numbers in sorted(members.items()):
        slug = name.lower().replace("å", "a").replace("ø", "o").replace("æ", "ae").replace(" ", "_")
        changed += upsert(session, Region, [{"slug": slug, "name": name}], ["slug"])
        region_id = session.scalar(select(Region.id).where(Region.slug == slug))
        changed += upsert(
            session,
            RegionMember,
            [{"region_id": region_id, "kommunenummer": n} for n in sorted(numbers)],
            ["region_id", "kommunenummer"],
        )
    return changed


def load_municipality_statistics(session: Session, reference_dir: Path) -> int:
    """SSB 11618 (Q4 2020–2022, 2020 codes mapped to 2024 codes) and the 07459 age bands
    (1 January 2024–2026) into ``municipality_statistic``; idempotent."""
    rows: dict[tuple[str, str, str], dict] = {}

    def add(number: str, measure: str, period: str, value: int, source: str, estimate: bool = False) -> None:
        rows[(number, measure, period)] = {
            "kommunenummer": number,
            "measure": measure,
            "period": period,
            "value": value,
            "source": source,
            "is_estimate": estimate,
        }

    for r in read_csv(reference_dir / POPULATION_BANDS_FILE):
        for measure in POPULATION_MEASURES:
            add(r["kommunenummer"], measure, f"{r['year']}-01-01", int(r[measure]), "SSB 07459")
    split_rows = []
    for r in read_csv(reference_dir / EMPLOYMENT_FILE):
        if r["kommunenummer_2024"].strip():
            for measure in EMPLOYMENT_MEASURES:
                add(r["kommunenummer_2024"], measure, f"{r['year']}-Q4", int(r[measure]), "SSB 11618")
        elif r["kommunenummer"] in SPLIT_SINCE_2020:
            split_rows.append(r)
        else:
            raise ValueError(f"{EMPLOYMENT_FILE}: {r['kommunenummer']} has no 2024 code and no known split.")
    for r in split_rows:
        successors = SPLIT_SINCE_2020[r["kommunenummer"]]
        weights = [rows[(n, *SPLIT_KEY)]["value"] for n in successors]
        for measure in EMPLOYMENT_MEASURES:
            for number, value in zip(successors, share_out(int(r[measure]), weights), strict=False):
                add(number, measure, f"{r['year']}-Q4", value, "SSB 11618", estimate=True)
    return upsert(session, MunicipalityStatistic, list(rows.values()), ["kommunenummer", "measure", "period"])


POPULATION_AGE_SEX_FILE = "ssb/population_age_sex_07459.csv"


def load_population_age_sex(session: Session, reference_dir: Path) -> int:
    """SSB 07459, residents by single year of age and sex on 1 January of the latest year, every
    municipality (``seed/reference/ssb/SOURCES.md``); idempotent."""
    rows = [
        {
            "kommunenummer": r["kommunenummer"],
            "year": int(r["year"]),
            "sex": int(r["sex"]),
            "age": int(r["age"]),
            "population": int(r["population"]),
        }
        for r in read_csv(reference_dir / POPULATION_AGE_SEX_FILE)
    ]
    return copy_upsert(session, PopulationAgeSex, rows, ["kommunenummer", "year", "sex", "age"])


def load_municipal_series(session: Session, reference_dir: Path) -> int:
    """The SSB series the municipality pages show (``seed/reference/ssb/SOURCES.md``); idempotent.

    Commuting flows of 1507 Ålesund (split on 1 January 2024 into 1508 Ålesund and 1580 Haram) have no
    2024 code and are left out: a flow cannot be shared out between the successors without guessing
    where their residents work."""
    changed = upsert(
        session,
        PopulationTotal,
        [
            {
                "kommunenummer": r["kommunenummer"],
                "year": int(r["year"]),
                "population": int(r["population"]),
                "is_ssb_figure": r["exact_ssb_figure"].strip().upper() == "TRUE",
            }
            for r in read_csv(reference_dir / "ssb/population_total_2006_2026_b2024.csv")
        ],
        ["kommunenummer", "year"],
    )
    changed += upsert(
        session,
        PopulationChange,
        [
            {
                "kommunenummer": r["kommunenummer"],
                "year": int(r["year"]),
                "birth_surplus": int(r["birth_surplus"]),
                "net_migration": int(r["net_migration"]),
            }
            for r in read_csv(reference_dir / "ssb/population_change_06913_vestland_2020_2025.csv")
            if r["birth_surplus"].strip() and r["net_migration"].strip()
        ],
        ["kommunenummer", "year"],
    )
    changed += copy_upsert(
        session,
        CommutingFlow,
        [
            {
                "year": int(r["year"]),
                "home": r["bosted_kommunenummer_2024"],
                "work": r["arbeidssted_kommunenummer_2024"],
                "employed": int(r["employed"]),
            }
            for r in read_csv(reference_dir / "ssb/commuting_2020_2022_all.csv")
            if r["bosted_kommunenummer_2024"].strip() and r["arbeidssted_kommunenummer_2024"].strip()
        ],
        ["year", "home", "work"],
    )
    changed += upsert(
        session,
        EducationLevel,
        [
            {
                "kommunenummer": r["kommunenummer"],
                "year": int(r["year"]),
                "level": r["nivaa_code"],
                "label": r["nivaa_label"],
                "percent": float(r["percent_of_residents_16plus"]),
            }
            for r in read_csv(reference_dir / "ssb/education_09429_2024.csv")
        ],
        ["kommunenummer", "year", "level"],
    )
    return changed


def share_out(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` in whole numbers that add up to ``total``
    (largest remainder)."""
    exact = [total * w / sum(weights) for w in weights]
    parts = [int(x) for x in exact]
    for i in sorted(range(len(exact)), key=lambda i: exact[i] - parts[i], reverse=True)[: total - sum(parts)]:
        parts[i] += 1
    return parts
