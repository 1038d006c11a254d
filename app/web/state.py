"""Page state in the URL query string: parse with defaults, report bad values, write back.

Copying the address reproduces the view; a bad or stale parameter falls back to its default
and the page shows a notice instead of an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

KEEP = ("lang",)  # parameters owned by the shell, kept when a page rewrites the query string


def parse(search: str | None) -> dict[str, str]:
    """``?a=1&b=x`` → ``{"a": "1", "b": "x"}`` (first value of each name)."""
    return {k: v[0] for k, v in parse_qs((search or "").lstrip("?"), keep_blank_values=False).items() if v}


def build(params: Mapping[str, object], current: str | None = None) -> str:
    """A query string for ``params`` (None/empty dropped), keeping the shell's own parameters."""
    kept = {k: v for k, v in parse(current).items() if k in KEEP}
    merged = {**kept, **{k: _text(v) for k, v in params.items() if v not in (None, "", [], ())}}
    return "?" + urlencode(merged) if merged else ""


def _text(value: object) -> str:
    if isinstance(value, (list, tuple, set)):
        return ",".join(str(v) for v in value)
    return str(value)


@dataclass
class Resolved:
    """Validated page parameters and the notices for the ones that were ignored."""

    values: dict[str, object] = field(default_factory=dict)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (name, bad value)

    def choice(self, raw: Mapping[str, str], name: str, allowed: Iterable, default):
        """A single value that must be one of ``allowed`` (compared as text)."""
        allowed = list(allowed)
        value = raw.get(name)
        if value is None:
            self.values[name] = default
        else:
            match = next((a for a in allowed if str(a) == value), None)
            if match is None:
                self.ignored.append((name, value))
            self.values[name] = default if match is None else match
        return self.values[name]

    def choices(self, raw: Mapping[str, str], name: str, allowed: Iterable, default=()):
        """A comma-separated list of values from ``allowed``; unknown ones are dropped with a notice."""
        allowed = list(allowed)
        value = raw.get(name)
        if value is None:
            self.values[name] = list(default)
            return self.values[name]
        by_text = {str(a): a for a in allowed}
        picked, bad = [], []
        for part in dict.fromkeys(p.strip() for p in value.split(",")):  # a value repeated 100 000 times is one
            if part in by_text:
                picked.append(by_text[part])
            elif part:
                bad.append(part)
        if bad:
            self.ignored.append((name, ",".join(bad)))
        self.values[name] = picked
        return picked

    def number(self, raw: Mapping[str, str], name: str, low: float, high: float, default: float) -> float:
        value = raw.get(name)
        if value is None:
            self.values[name] = default
            return default
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            number = float("nan")
        if not low <= number <= high:
            self.ignored.append((name, value))
            number = default
        self.values[name] = number
        return number
