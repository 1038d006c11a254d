"""``fjernarbeid seed``: load everything in ``seed/`` into the database, idempotently."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from app.ingest import reference

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"


@dataclass
class SeedReport:
    """Rows inserted or changed per step; all zero on a second run."""

    changed: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.changed.values())


def seed_all(session: Session, seed_dir: Path = SEED_DIR) -> SeedReport:
    report = SeedReport()
    ref = seed_dir / "reference"
    report.changed["municipalities"] = reference.load_municipalities(session, ref)
    report.changed["postal codes"] = reference.load_postal_codes(session, ref)
    report.changed["regions"] = reference.load_regions(session, ref)
    return report
