"""Build seed/reference/ssb/population_bands_07459.csv from SSB 07459 by single year of age.

Input: the shared extract ``population_age_sex.csv`` (kommunenummer, year, sex, age 0–104 and
"105+", population; 1 January 2024–2026, 357 municipalities, 2024 codes; provenance in
seed/reference/ssb/SOURCES.md). Output: per municipality and year, the population aged 15–74 (the
age range of SSB's employment statistics) and 25–60 (the NORCE 2025 survey's population), both
sexes. Nothing else is changed.

Usage: python tools/ssb_population_bands.py PATH/population_age_sex.csv [OUT.csv]
"""

import csv
import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "seed" / "reference" / "ssb" / "population_bands_07459.csv"
BANDS = {"population_15_74": (15, 74), "population_25_60": (25, 60)}


def main(source: str, out: str | None = None) -> None:
    totals: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(BANDS, 0))
    with open(source, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            age = int(row["age"].rstrip("+"))
            for band, (low, high) in BANDS.items():
                if low <= age <= high:
                    totals[(row["kommunenummer"], row["year"])][band] += int(row["population"])
    with open(out or OUT, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["kommunenummer", "year", *BANDS])
        for (number, year), bands in sorted(totals.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            writer.writerow([number, year, *bands.values()])


if __name__ == "__main__":
    main(*sys.argv[1:3])
