"""Postal code → municipality → county, region and centrality, read once per import."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Municipality, PostalCode, Region, RegionMember

CENTRALITY_LABELS = {
    1: {"nb": "1 – mest sentral", "nn": "1 – mest sentral", "en": "1 – most central"},
    2: {"nb": "2", "nn": "2", "en": "2"},
    3: {"nb": "3", "nn": "3", "en": "3"},
    4: {"nb": "4", "nn": "4", "en": "4"},
    5: {"nb": "5", "nn": "5", "en": "5"},
    6: {"nb": "6 – minst sentral", "nn": "6 – minst sentral", "en": "6 – least central"},
}


@dataclass
class ReferenceLookup:
    postal_to_municipality: dict[str, str]
    municipalities: dict[str, Municipality]
    region_of: dict[str, Region]

    @classmethod
    def load(cls, session: Session) -> ReferenceLookup:
        postal = dict(session.execute(select(PostalCode.postnummer, PostalCode.kommunenummer)).all())
        municipalities = {m.kommunenummer: m for m in session.scalars(select(Municipality))}
        region_of = {
            number: region
            for number, region in session.execute(
                select(RegionMember.kommunenummer, Region).join(Region, Region.id == RegionMember.region_id)
            ).all()
        }
        return cls(postal, municipalities, region_of)

    def level_code(self, kommunenummer: str, level: str) -> int | None:
        """The code of ``kommunenummer`` at ``level`` (municipality, county, region, centrality)."""
        municipality = self.municipalities.get(kommunenummer)
        if municipality is None:
            return None
        if level == "municipality":
            return int(kommunenummer)
        if level == "county":
            return int(municipality.county_number)
        if level == "region":
            region = self.region_of.get(kommunenummer)
            return region.id if region else None
        return municipality.centrality_class

    def level_codes(self, level: str) -> list[int]:
        """Every code of ``level`` in the reference data, whether or not a respondent has it.

        A derived geography offers all of them, so the list of options never tells which
        municipalities (or counties, regions) have respondents: an empty one looks like a small one.
        """
        if level == "municipality":
            return sorted(int(number) for number in self.municipalities)
        if level == "county":
            return sorted({int(m.county_number) for m in self.municipalities.values()})
        if level == "region":
            return sorted({r.id for r in self.region_of.values()})
        return sorted(CENTRALITY_LABELS)

    def level_label(self, code: int, level: str) -> dict[str, str]:
        if level == "municipality":
            name = self.municipalities[f"{code:04d}"].name
            return {"nb": name, "nn": name, "en": name}
        if level == "county":
            name = next(m.county_name for m in self.municipalities.values() if int(m.county_number) == code)
            return {"nb": name, "nn": name, "en": name}
        if level == "region":
            name = next(r.name for r in self.region_of.values() if r.id == code)
            return {"nb": name, "nn": name, "en": name}
        return CENTRALITY_LABELS[code]
