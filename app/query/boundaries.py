"""Municipal boundaries from the local GeoJSON (Kartverket, WGS84), so maps need no web tiles.

The file (~650 kB) is read once per process on first use — not at import, so starting the app
and the CLI stays quick — and pages keep only the municipalities they draw.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache

from app import resources

GEOJSON = resources.seed_dir() / "reference" / "municipalities.geojson"

Ring = list[tuple[float, float]]  # (longitude, latitude)


@lru_cache(maxsize=1)
def _all_boundaries(path: str = str(GEOJSON)) -> dict[str, tuple[str, tuple[Ring, ...]]]:
    """kommunenummer → (name, exterior rings). Holes are left out: a light fill hides nothing."""
    with open(path, encoding="utf-8") as handle:
        collection = json.load(handle)
    result: dict[str, tuple[str, tuple[Ring, ...]]] = {}
    for feature in collection["features"]:
        geometry, props = feature["geometry"], feature["properties"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        rings = tuple([(float(x), float(y)) for x, y, *_ in polygon[0]] for polygon in polygons)
        result[props["kommunenummer"]] = (props["name"], rings)
    return result


def boundaries(numbers: Iterable[str]) -> dict[str, tuple[str, tuple[Ring, ...]]]:
    """The boundaries of the given municipalities (unknown numbers are skipped)."""
    everything = _all_boundaries()
    return {n: everything[n] for n in numbers if n in everything}


def bbox(rings: Iterable[Ring]) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of the rings."""
    xs: list[float] = []
    ys: list[float] = []
    for ring in rings:
        xs.extend(x for x, _ in ring)
        ys.extend(y for _, y in ring)
    return min(xs), min(ys), max(xs), max(ys)


def neighbours(numbers: Iterable[str], margin: float = 0.02) -> dict[str, tuple[str, tuple[Ring, ...]]]:
    """Municipalities whose bounding box touches the given ones' (slightly widened) — map context."""
    numbers = set(numbers)
    chosen = boundaries(numbers)
    if not chosen:
        return {}
    x0, y0, x1, y1 = bbox(r for _, rings in chosen.values() for r in rings)
    result = {}
    for number, (name, rings) in _all_boundaries().items():
        if number in numbers:
            continue
        a0, b0, a1, b1 = bbox(rings)
        if a0 <= x1 + margin and a1 >= x0 - margin and b0 <= y1 + margin and b1 >= y0 - margin:
            result[number] = (name, rings)
    return result
