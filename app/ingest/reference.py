"""Reference data from ``seed/reference``: municipalities, counties, centrality, postal codes.

Sources and licences are in ``seed/reference/SOURCES.md``; the app shows the attribution.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Municipality, PostalCode, Region, RegionMember
from app.db.upsert import upsert

CENTRALITY_2024 = "SSB sentralitetsindeks, 2024-versjon (KLASS 128)"


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
        {"postnummer": r["postnummer"], "poststed": r["poststed"], "kommunenummer": r["kommunenummer"],
         "category": r["kategori"]}
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
            session, RegionMember, [{"region_id": region_id, "kommunenummer": n} for n in sorted(numbers)],
            ["region_id", "kommunenummer"],
        )
    return changed
