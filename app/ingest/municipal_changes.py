"""Municipality numbers of an older regional division, translated to today's (SSB KLASS 131 changes).

``seed/reference/klass131_changes.csv`` is SSB's list of changes to the municipality classification
(KLASS 131) from 1 January 2006 to 1 January 2024, one row per old number and new number (provenance
in ``seed/reference/SOURCES.md``). Today's division is the ``municipality`` table.

A figure of year Y carries the number its municipality had then (the division in force on 1 January
Y, which SSB also uses for the 4th quarter of Y). It is walked through every change after 1 January Y:

* a renumbering or a rename maps one to one (Halden 0101 → 3001 in 2020 → 3101 in 2024);
* a merger maps several numbers onto one: their figures are summed, and only when the file has every
  one of them for that year;
* a split maps one number onto several: the figure cannot be shared out, so the file must have the
  new numbers for that year itself (SSB's series in today's division do).

One split is the undoing of a merger: 1507 Ålesund (2020–2023) was divided on 1 January 2024 into
1508 Ålesund and 1580 Haram, and Haram got back the borders it had until 2019 (1534 Haram). A figure
of 2019 or earlier for 1534 Haram therefore goes to 1580, and one for the other parts of 1507
(1504 Ålesund, 1523 Ørskog, 1529 Skodje, 1546 Sandøy) to 1508; only the figures of 2020–2023 for 1507
itself cannot be divided. (SSB's change list does not say this; it is in the 2024 reform's decision,
see SOURCES.md.)
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CHANGES_FILE = Path(__file__).resolve().parents[2] / "seed" / "reference" / "klass131_changes.csv"
FIRST_YEAR = 2006  # the first year the dashboard shows, and the first of the change list
# A split that undid a merger: (date's year, split number) → {number before the merger: number after the split}
RESTORED = {(2024, "1507"): {"1534": "1580", "1504": "1508", "1523": "1508", "1529": "1508", "1546": "1508"}}


@dataclass(frozen=True)
class Change:
    year: int  # the change took effect on 1 January of this year
    old_code: str
    old_name: str
    new_code: str
    new_name: str


@dataclass(frozen=True)
class Translation:
    """Where a number of year ``year`` is today: ``codes`` (one, or several when it was split)."""

    code: str
    year: int
    codes: tuple[str, ...]
    steps: tuple[Change, ...]  # the changes it went through, oldest first
    split: Change | None = None  # the change that divided it, when ``codes`` has several

    @property
    def changed(self) -> bool:
        return self.codes != (self.code,)


@cache
def _load(path: Path = CHANGES_FILE) -> tuple[Change, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Change(int(row["change_occurred"][:4]), row["old_code"], row["old_name"], row["new_code"], row["new_name"])
            for row in csv.DictReader(handle)
        )


def fold(name: str) -> str:
    """A name as compared: lower case, without accents or anything but letters and digits."""
    text = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isalnum())


def _name_keys(name: str) -> set[str]:
    """The names a municipality may be written by: in full, without the county in brackets, and each part
    of a parallel name ("Guovdageaidnu - Kautokeino" → also "Kautokeino")."""
    base = re.sub(r"\s*\([^)]*\)\s*$", "", name).strip()
    keys = {fold(name), fold(base)}
    keys.update(fold(part) for part in re.split(r"\s+-\s+", base) if part.strip())
    return {k for k in keys if k}


class Divisions:
    """Today's municipalities and SSB's changes since 2006: what a number or a name of a year is today."""

    def __init__(self, current: dict[str, str], changes: tuple[Change, ...] | None = None) -> None:
        self.current = dict(current)  # number → name, today
        self.changes = changes if changes is not None else _load()
        self.by_year: dict[int, list[Change]] = defaultdict(list)
        for change in self.changes:
            self.by_year[change.year].append(change)
        self.years = sorted(self.by_year)

    @cache  # noqa: B019 - one Divisions per import
    def division(self, year: int) -> dict[str, str]:
        """The municipalities (number → name) of 1 January ``year``, from today's undoing each change since."""
        codes = dict(self.current)
        for change_year in sorted((y for y in self.years if y > year), reverse=True):
            changes = self.by_year[change_year]
            for change in changes:
                codes.pop(change.new_code, None)
            for change in changes:
                codes[change.old_code] = change.old_name
        return codes

    @cache  # noqa: B019
    def translate(self, code: str, year: int) -> Translation:
        codes: list[tuple[str, str]] = [(code, code)]  # (number now, number before any merger)
        steps: list[Change] = []
        split: Change | None = None
        for change_year in (y for y in self.years if y > year):
            moved: list[tuple[str, str]] = []
            for now, origin in codes:
                targets = [c for c in self.by_year[change_year] if c.old_code == now]
                if not targets:
                    moved.append((now, origin))
                    continue
                restored = RESTORED.get((change_year, now), {}).get(origin)
                if len(targets) > 1 and restored:
                    targets = [c for c in targets if c.new_code == restored]
                if len(targets) > 1:
                    split = split or targets[0]
                merged = sum(1 for c in self.by_year[change_year] if c.new_code == targets[0].new_code) > 1
                for target in targets:
                    steps.append(target)
                    moved.append((target.new_code, now if merged else origin))
            codes = moved
        unique = tuple(dict.fromkeys(now for now, _ in codes))
        return Translation(code, year, unique, tuple(steps), split)

    @cache  # noqa: B019
    def split_into(self, year: int) -> dict[str, Translation]:
        """Today's numbers that got part of a municipality of ``year`` divided since, with that division."""
        found: dict[str, Translation] = {}
        for code in self.division(year):
            translation = self.translate(code, year)
            if len(translation.codes) > 1:
                for target in translation.codes:
                    found.setdefault(target, translation)
        return found

    def partners(self, code: str, year: int) -> set[str]:
        """The numbers of ``year``'s division that end up, like ``code``, in today's number (a merger)."""
        target = self.translate(code, year).codes
        if len(target) != 1:
            return {code}
        return set(self._by_target(year).get(target[0], {code}))

    @cache  # noqa: B019
    def _by_target(self, year: int) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for code in self.division(year):
            codes = self.translate(code, year).codes
            if len(codes) == 1:
                found[codes[0]].add(code)
        return {target: frozenset(codes) for target, codes in found.items()}

    @cache  # noqa: B019
    def _names(self, year: int) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for code, name in self.division(year).items():
            for key in _name_keys(name):
                found[key].add(code)
        return found

    def by_name(self, name: str, year: int) -> tuple[set[str], int]:
        """The numbers ``name`` may mean in ``year``'s division, or else in the first later division that
        has it (a series in a newer division names its municipalities by their newer names); and the year
        of the division where it was found."""
        key = fold(name)
        full = fold(name) != fold(re.sub(r"\s*\([^)]*\)\s*$", "", name))
        for division_year in [year, *(y for y in self.years if y > year)]:
            names = self._names(division_year)
            codes = names.get(key, set())
            if codes and full:  # "Våler (Østfold)": the county decides
                codes = {c for c in codes if key in {fold(self.division(division_year)[c])}} or codes
            if codes:
                return set(codes), division_year
        return set(), year
