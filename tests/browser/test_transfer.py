"""A first visit's weight: what a browser with an empty cache downloads to show the overview."""

import re
import time

LIMIT_BYTES = 2_500_000  # issue 10 §3: a first visit to / transfers at most 2.5 MB
CONTENT = "#overview-content .key-figure-value"

# Every entry the browser recorded: the document, scripts, stylesheets, the layout, the dependencies,
# the callbacks' answers and anything loaded later (plotly's bundle is fetched when a graph appears).
ENTRIES = """
const nav = performance.getEntriesByType('navigation').map(e => ({
    name: e.name, type: 'navigation', transfer: e.transferSize, decoded: e.decodedBodySize}));
const res = performance.getEntriesByType('resource').map(e => ({
    name: e.name, type: e.initiatorType, transfer: e.transferSize, decoded: e.decodedBodySize}));
return nav.concat(res);
"""


def _settled_entries(page, quiet_seconds: float = 1.5, timeout: float = 30) -> list[dict]:
    """The entries once nothing new has been loaded for ``quiet_seconds``."""
    deadline = time.monotonic() + timeout
    entries = page.driver.execute_script(ENTRIES)
    while time.monotonic() < deadline:
        time.sleep(quiet_seconds)
        now = page.driver.execute_script(ENTRIES)
        if len(now) == len(entries) and now == entries:
            return now
        entries = now
    return entries


def first_visit(page, path: str = "/") -> list[dict]:
    driver = page.driver
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})
    driver.get("about:blank")
    page.open(path, CONTENT)
    page.wait_idle()
    return _settled_entries(page)


def _report(entries: list[dict]) -> str:
    lines = [f"{'transfer':>10} {'decoded':>10}  {'type':11} url"]
    for e in sorted(entries, key=lambda e: -e["transfer"]):
        url = e["name"].split("/", 3)[-1][:90]
        lines.append(f"{e['transfer']:>10} {e['decoded']:>10}  {e['type']:11} /{url}")
    total, decoded = sum(e["transfer"] for e in entries), sum(e["decoded"] for e in entries)
    lines.append(f"{total:>10} {decoded:>10}  total ({len(entries)} requests)")
    return "\n".join(lines)


def test_a_first_visit_to_the_overview_transfers_at_most_2_5_mb(page):
    entries = first_visit(page)
    report = _report(entries)
    print("\n" + report)
    assert any(e["type"] == "fetch" and "_dash-update-component" in e["name"] for e in entries), report
    assert all(e["transfer"] > 0 for e in entries), "a cached entry: the browser cache was not empty\n" + report
    assert sum(e["transfer"] for e in entries) <= LIMIT_BYTES, report


def test_a_second_visit_takes_scripts_and_styles_from_the_browser_cache(page):
    first_visit(page)
    page.driver.get("about:blank")
    page.open("/?lang=en", CONTENT)
    page.wait_idle()
    entries = _settled_entries(page)
    static = [e for e in entries if e["type"] in ("script", "link", "css")]
    assert static, _report(entries)
    # URLs that change with the content (Dash's fingerprint ".v4_4_1m…", assets' "?m=…") come from the cache
    fingerprinted = [e for e in static if re.search(r"\.v\d+_\d+_\d+m\d+|\?m=\d", e["name"])]
    assert fingerprinted and [e for e in fingerprinted if e["transfer"] > 0] == [], _report(static)
    # the others (plotly's bundle, lazily loaded chunks) are revalidated: a 304 without a body
    assert all(e["transfer"] < 1000 for e in static), _report(static)
