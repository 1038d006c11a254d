"""Designsystemet's component CSS is vendored cut to the components the app uses (tools/designsystemet_subset.py):
linked whole, its 147 KB of selectors made each change of a page's content several times slower in the browser.
So the cut must hold every component class the app writes, and nothing the app does not."""

from __future__ import annotations

import re
from pathlib import Path

from tools.designsystemet_subset import USED, blocks, subset

ROOT = Path(__file__).resolve().parents[1]
VENDORED = ROOT / "assets" / "vendor" / "designsystemet" / "10-designsystemet-css-1.22.0-subset.css"


def classes_the_app_writes() -> set[str]:
    """``ds-…`` component classes in the app's code and assets (token names, ``--ds-…``, are not classes)."""
    found: set[str] = set()
    for path in [*(ROOT / "app").rglob("*.py"), *(ROOT / "assets").glob("*.js")]:
        text = path.read_text(encoding="utf-8")
        found |= {
            m.group(1) for m in re.finditer(r"(?<![-\w])\.?(ds-[a-z]+(?:-[a-z]+)*)\b", text) if "--" not in m.group(0)
        }
    return {name for name in found if not name.startswith("ds-color") and name != "ds-on-phone"}


def test_every_component_class_the_app_writes_is_in_the_cut_and_styled_there():
    css = VENDORED.read_text(encoding="utf-8")
    written = classes_the_app_writes()
    assert {"ds-error-summary", "ds-heading", "ds-list", "ds-link"} <= written
    assert {"." + name for name in written} <= set(USED)
    for name in written:
        assert re.search(rf"\.{name}[\s{{:,.\[]", css), name


def test_the_cut_keeps_the_layers_and_leaves_the_rest_out():
    css = VENDORED.read_text(encoding="utf-8")
    heads = [b.split("{", 1)[0].strip() for b in blocks(css)]
    assert heads[0] == "@layer ds.theme, ds.base, ds.components;" and "@layer ds.base" in heads
    assert len(css) < 30_000 and ".ds-combobox" not in css and ".ds-tabs" not in css
    whole = "@layer a, b;@layer ds.base{.x{}}@layer ds.components{.ds-tabs{a:b}}@layer ds.components{.ds-link{a:b}}"
    assert subset(whole, (".ds-link",)) == "@layer a, b;@layer ds.base{.x{}}@layer ds.components{.ds-link{a:b}}\n"
