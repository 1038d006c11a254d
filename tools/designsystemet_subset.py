"""Designsystemet's component CSS cut to the components the dashboard uses.

    python -m tools.designsystemet_subset path/to/designsystemet-css/dist/src/index.css > \
        assets/vendor/designsystemet/10-designsystemet-css-<version>.subset.css

``index.css`` holds every component (147 KB). Linked whole, its selectors made Chromium's style work on each
change of Kommune's content five times slower (a switch of municipality 0.6 s → 3.3 s, measured with
``bench/kommune_switch_bench``), for four components used. This keeps the layer order, the ``ds.base`` layer
(tokens, focus and keyframes the components use) and the ``ds.components`` blocks that style ``USED``, unchanged.
"""

from __future__ import annotations

import sys
from pathlib import Path

USED = (".ds-error-summary", ".ds-heading", ".ds-list", ".ds-link")


def blocks(css: str) -> list[str]:
    """The top-level statements of ``css``: ``@layer a, b;`` and ``@layer x{…}`` blocks, braces balanced
    (strings and ``url(…)`` in Designsystemet's CSS hold no braces)."""
    found, depth, start = [], 0, 0
    for i, char in enumerate(css):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                found.append(css[start : i + 1])
                start = i + 1
        elif char == ";" and depth == 0:
            found.append(css[start : i + 1])
            start = i + 1
    return [b for b in found if b.strip()]


def subset(css: str, used: tuple[str, ...] = USED) -> str:
    kept = []
    for block in blocks(css):
        head = block.split("{", 1)[0].strip()
        if head.endswith(";") or head == "@layer ds.base":
            kept.append(block)
        elif head == "@layer ds.components" and any(
            f"{name}{{" in block
            or f"{name}:" in block
            or f"{name}," in block
            or f"{name} " in block
            or f"{name}." in block
            for name in used
        ):
            kept.append(block)
    return "".join(kept) + "\n"


if __name__ == "__main__":
    sys.stdout.write(subset(Path(sys.argv[1]).read_text(encoding="utf-8")))
