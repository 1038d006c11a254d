"""Render query results as JSON, CSV or a plain-text table for the command line."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

MAX_NAMED_GROUPS = 20  # more hidden groups than this are counted, not named


def render(result, fmt: str) -> str:
    records = result.as_records()
    unpublished = [c for c in ("se", "n_weighted") if records and all(r.get(c) is None for r in records)]
    records = [{k: v for k, v in r.items() if k not in unpublished} for r in records]  # dropped by publishable()
    meta = {k: v for k, v in asdict(result).items() if k not in ("rows",)}
    if fmt == "json":
        return json.dumps({**meta, "rows": records}, ensure_ascii=False, indent=2, default=_default)
    if fmt == "csv":
        buffer = io.StringIO()
        if records:
            writer = csv.DictWriter(buffer, fieldnames=list(records[0]))
            writer.writeheader()
            writer.writerows(records)
        return buffer.getvalue()
    return _table(records, meta)


def _default(value):
    if isinstance(value, tuple):
        return list(value)
    return str(value)


def _table(records: list[dict], meta: dict) -> str:
    if "suppressed_groups" in meta:  # a breakdown: hidden groups are named below the table, not as rows
        records = [r for r in records if not r.get("suppressed")]
    if not records:
        return "(no group can be shown: " + _hidden_text(meta) + ")"
    columns = list(records[0])
    cells = [[_cell(r[c]) for c in columns] for r in records]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=False))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=False)) for row in cells]
    test = meta.get("test")
    if test:
        lines.append(
            f"\n{test['method']}: F = {test['statistic']:.3f}, df = ({test['df'][0]:.2f}, "
            f"{test['df'][1]:.1f}), p = {test['p_value']:.4g}"
        )
    if meta.get("cronbach_alpha") is not None:
        lines.append(f"Cronbach's alpha of the index items: {meta['cronbach_alpha']:.3f}")
    if meta.get("suppressed_groups"):
        lines.append("Suppressed: " + _hidden_text(meta))
    if meta.get("notes"):  # the mobility funnel: what its number is, and what happened instead
        lines.append("")
        lines += meta["notes"]
    return "\n".join(lines)


def _hidden_text(meta: dict) -> str:
    """Which groups are hidden, without saying which are empty and which small (that would itself tell)."""
    groups = meta.get("suppressed_groups") or []
    named = ", ".join(groups) if len(groups) <= MAX_NAMED_GROUPS else f"{len(groups)} groups"
    return (
        f"{named} (fewer than {meta['min_n']} respondents, possibly none, or hidden so that no combination "
        "of views isolates a small group)"
    )


def _cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)
