"""How long the Kommune page takes to show another municipality in a real browser, from choice to settled page.

    python -m bench.kommune_switch_bench [--repeat 5] [--cache-mb 0]

Starts gunicorn (``app.wsgi:server``, 2 workers × 4 threads, as ``tests/servers.py`` starts it) on a free
loopback port against ``DATABASE_URL``, or against a new embedded PostgreSQL with the demo data (as
``bench/load_test.py`` builds it), and drives Debian's headless Chromium (``/usr/bin/chromium`` and
``chromedriver``) through selenium.

One **switch**: the municipality menu is opened and the name typed into its search box, as a user does;
then a script in the page clicks the option and starts its clock (``performance.now()``). From then on
every change to the page's DOM is noted with the time of the first frame painted after it. The switch has
**settled** when the new municipality's name is the heading, Dash has no callback in flight, every chart
shown on the page has drawn its SVG, and nothing has changed for ``QUIET_MS``: its time is the
painted frame after the last change (the quiet wait is not counted). The page's callback request seen
in the browser's resource timing (``/_dash-update-component``: server plus loopback network) and its
answer's size are recorded beside it, so the rest is the browser's own work (parsing the answer, React,
Plotly, layout, paint).

The municipalities visited are Vestland's (a county map of 43 municipalities each time); one warm-up
switch, then ``--repeat`` measured ones. The **reference**, measured in the same run and the same
browser: loading a trivial page (``/om``, text only) from navigation start until Dash has settled the
same way, median of ``--repeat``. Target (issue 21 §5): median switch ≤ 1.5 s.
"""

from __future__ import annotations

import argparse
import datetime
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

from bench.common import commit, save_report

TARGET_S = 1.5
QUIET_MS = 400
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# Vestland: (number, the menu's search text, the heading the page shows)
TOUR = [
    ("4620", "Ulvik", "Ulvik"),
    ("4619", "Eidfjord", "Eidfjord"),
    ("4618", "Ullensvang", "Ullensvang"),
    ("4621", "Voss", "Voss"),
    ("4601", "Bergen", "Bergen"),
    ("4622", "Kvam", "Kvam"),
]

# Clicks the option, then waits in the page until it has settled; calls back with the times.
SWITCH_JS = """
const [option, expected, quietMs, done] = arguments;
// the content and, below it, the standing blocks of the charts (app/web/pages/municipality)
const PLOTS = '#municipality-content .js-plotly-plot, #municipality-body .js-plotly-plot';
const t0 = performance.now();
let changed = t0, painted = t0;
const observer = new MutationObserver(() => {
  const at = performance.now();
  changed = at;
  requestAnimationFrame(() => setTimeout(() => { painted = Math.max(painted, performance.now()); }, 0));
});
observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
option.click();
function settled() {
  const name = document.querySelector('#municipality-name');
  if (!name || name.textContent.trim() !== expected) return false;
  if (document.querySelector('[data-dash-is-loading="true"]')) return false;
  for (const plot of document.querySelectorAll(PLOTS)) {
    if (plot.offsetParent !== null && !plot.querySelector('.main-svg')) return false;  // shown, not drawn
  }
  return true;
}
function poll() {
  const now = performance.now();
  if (settled() && now - changed > quietMs && painted >= changed) {
    observer.disconnect();
    const calls = performance.getEntriesByType('resource').filter(
      e => e.name.includes('_dash-update-component') && e.startTime >= t0);
    done({
      ms: painted - t0,
      requests: calls.map(e => ({ms: e.responseEnd - e.startTime, bytes: e.encodedBodySize, decoded: e.decodedBodySize})),
      graphs: [...document.querySelectorAll(PLOTS)].filter(plot => plot.offsetParent !== null).length,
      nodes: document.querySelectorAll('#municipality-content *, #municipality-body *').length,
    });
  } else if (now - t0 > 60000) {
    observer.disconnect();
    done({error: 'not settled after 60 s'});
  } else {
    setTimeout(poll, 10);
  }
}
poll();
"""

# After a navigation: waits until Dash has settled the page the same way; the time since navigation start.
LOADED_JS = """
const [content, quietMs, done] = arguments;
let changed = performance.now(), painted = changed;
const observer = new MutationObserver(() => {
  changed = performance.now();
  requestAnimationFrame(() => setTimeout(() => { painted = Math.max(painted, performance.now()); }, 0));
});
observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
function poll() {
  const now = performance.now();
  const ready = document.querySelector(content) && document.querySelector(content).children.length
    && !document.querySelector('[data-dash-is-loading="true"]');
  if (ready && now - changed > quietMs && painted >= changed) {
    observer.disconnect();
    done({ms: painted});
  } else if (now > 60000) {
    observer.disconnect();
    done({error: 'not settled after 60 s'});
  } else {
    setTimeout(poll, 10);
  }
}
poll();
"""


def start_server(database_url: str, data_dir: Path, cache_mb: int | None) -> tuple[subprocess.Popen, str]:
    from tests.servers import start_gunicorn

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-kommune-" + secrets.token_urlsafe(24),
        "FJERNARBEID_DATA_DIR": str(data_dir),
        "FJERNARBEID_LANGUAGE": "nb",
    }
    if cache_mb is not None:
        env["FJERNARBEID_CACHE_MB"] = str(cache_mb)
    log = (data_dir / "gunicorn.log").open("w")
    proc, base = start_gunicorn(
        ["--workers", "2", "--threads", "4", "--timeout", "60", "app.wsgi:server"],
        env,
        output=log,
        python=sys.executable,
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            if requests.get(base + "/health", timeout=10).status_code == 200:
                return proc, base
        except requests.RequestException:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise SystemExit("gunicorn did not start:\n" + (data_dir / "gunicorn.log").read_text())
        time.sleep(0.3)


def start_browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        raise SystemExit("needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--window-size=1366,900",
        "--lang=nb-NO",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(70)
    return driver


def _wait(driver, condition, timeout: float = 30):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: condition()
    )


def load(driver, url: str, content: str) -> dict:
    driver.get(url)
    return driver.execute_async_script(LOADED_JS, content, QUIET_MS)


def switch(driver, search: str, heading: str) -> dict:
    """Choose ``search`` in the municipality menu; the settled page's times."""
    from selenium.webdriver.common.by import By

    element = driver.find_element(By.CSS_SELECTOR, "#municipality-place")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element)
    _wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "[role=listbox] [role=option]"))
    driver.find_elements(By.CSS_SELECTOR, "input.dash-dropdown-search")[0].send_keys(search)

    def option():
        found = [
            o
            for o in driver.find_elements(By.CSS_SELECTOR, "[role=listbox] [role=option]")
            if o.text.startswith(search + " (")
        ]
        return found[0] if found else None

    _wait(driver, option)
    driver.execute_script("performance.clearResourceTimings();")
    return driver.execute_async_script(SWITCH_JS, option(), heading, QUIET_MS)


def run(args) -> dict:
    from bench.load_test import database_url

    url = database_url()
    data_dir = Path(os.environ.get("BENCH_DATA_DIR") or __import__("tempfile").mkdtemp(prefix="fjb-kommune-"))
    proc, base = start_server(url, data_dir, args.cache_mb)
    driver = start_browser()
    report: dict = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "commit": commit(),
        "cpu_count": os.cpu_count(),
        "loadavg_before": os.getloadavg(),
        "repeat": args.repeat,
        "cache_mb": args.cache_mb,
        "target_s": TARGET_S,
    }
    try:
        load(driver, base + "/om?lang=nb", "#about-content")  # warm-up: the browser's cache holds the assets
        references = [load(driver, base + "/om?lang=nb", "#about-content") for _ in range(args.repeat)]
        first = load(driver, base + "/kommune?kommune=4622&lang=nb", "#municipality-content")
        tour = (TOUR * (1 + args.repeat // len(TOUR)))[: args.repeat + 1]
        switches = []
        for i, (_number, search, heading) in enumerate(tour):
            result = switch(driver, search, heading)
            if "error" in result:
                raise SystemExit(f"switch to {heading}: {result['error']}")
            result["to"] = heading
            print(
                f"  {'warm-up ' if i == 0 else ''}→ {heading}: {result['ms']:.0f} ms"
                f" (callback {sum(r['ms'] for r in result['requests']):.0f} ms, "
                f"{sum(r['decoded'] for r in result['requests']) / 1024:.0f} KiB)",
                flush=True,
            )
            if i:
                switches.append(result)
    finally:
        driver.quit()
        proc.terminate()
        proc.wait(timeout=30)
    ms = [s["ms"] for s in switches]
    server = [sum(r["ms"] for r in s["requests"]) for s in switches]
    ref = statistics.median(r["ms"] for r in references)
    report |= {
        "loadavg_after": os.getloadavg(),
        "switches": switches,
        "first_load_ms": first["ms"],
        "reference_ms": [r["ms"] for r in references],
        "switch_median_ms": statistics.median(ms),
        "callback_median_ms": statistics.median(server),
        "answer_kib_median": statistics.median(sum(r["decoded"] for r in s["requests"]) / 1024 for s in switches),
        "reference_median_ms": ref,
    }
    report["target_met"] = report["switch_median_ms"] <= TARGET_S * 1000
    return report


def print_report(report: dict) -> None:
    med, ref = report["switch_median_ms"], report["reference_median_ms"]
    print(
        f"\ncommit {report['commit']}, {report['date']}, {report['cpu_count']} CPUs, load average before "
        f"{', '.join(f'{x:.2f}' for x in report['loadavg_before'])}, after "
        f"{', '.join(f'{x:.2f}' for x in report['loadavg_after'])}"
    )
    print(f"reference: loading /om, median {ref:.0f} ms")
    print(f"first load of /kommune/4622: {report['first_load_ms']:.0f} ms")
    print(
        f"Kommune switch, median of {len(report['switches'])}: {med:.0f} ms "
        f"(callback in the browser {report['callback_median_ms']:.0f} ms, answer {report['answer_kib_median']:.0f} KiB; "
        f"browser's own work {med - report['callback_median_ms']:.0f} ms), {med / ref:.2f}× the reference"
    )
    print(f"target: median ≤ {TARGET_S:g} s: {'met' if report['target_met'] else 'NOT MET'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="measured switches (and reference loads)")
    parser.add_argument("--cache-mb", type=int, default=None, help="the server's response cache (default: its own)")
    args = parser.parse_args()
    report = run(args)
    print_report(report)
    save_report("kommune_switch", report)


if __name__ == "__main__":
    main()
