"""What taking a view out costs: each page's data address and a chart image, against the page itself.

    python -m bench.export_bench [--repeat 10]

On the demo data (embedded PostgreSQL, or BENCH_DATABASE_URL's server), through Flask's test
client with the response cache off, per page:

* the page's main callback (what a browser asks when the address changes) — the reference;
* ``/data/<page>.csv`` for the same state — it renders the page's views and writes them, so the
  ratio to the reference should stay near 1;
* ``/data/<page>.xlsx``;
* ``/export/<page>.png`` of the page's first chart, against kaleido drawing a one-bar figure in the
  same run (the cost of starting Chromium, which every image pays).

Targets: a CSV or workbook within 1.5× of the page's own callback; an image within 2× of the
one-bar image.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.load_test import SEARCHES, main_callbacks_in, payload
from bench.pages_bench import _commit, build_database

# the page's id (as the load test names it) → its name in export addresses
PAGES = {
    "overview": "oversikt",
    "survey": "undersoking",
    "relationships": "samanhengar",
    "mobility": "mobilitet",
    "coworking": "kontorfellesskap",
    "measures": "tiltak",
}
TARGETS = {"csv": 1.5, "xlsx": 1.5, "png": 2.0}


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return round(1000 * statistics.median(samples), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    import plotly.graph_objects as go

    from app.config import Config
    from app.web import create_app
    from app.web.export import to_image

    url = build_database(0)
    app = create_app(Config(database_url=url, data_dir=Path(tempfile.mkdtemp()), secret_key="bench", cache_mb=0))
    client = app.server.test_client()
    callbacks = main_callbacks_in(client.get("/_dash-dependencies").get_json())
    one_bar = go.Figure(go.Bar(x=[1], y=["a"]))
    reference_png = _median_ms(lambda: to_image(one_bar, "png"), max(3, args.repeat // 3))
    print(f"commit {_commit()}; reference: one-bar PNG {reference_png} ms")
    print(f"{'page':18} {'callback':>9} {'csv':>8} {'×':>5} {'xlsx':>8} {'×':>5} {'png':>8} {'×ref':>5}")
    missed = []
    for page, name in PAGES.items():
        query = SEARCHES[page][0].format(s="demo_national")
        body = payload(callbacks[page], query)
        page_ms = _median_ms(lambda b=body: client.post("/_dash-update-component", json=b), args.repeat)
        times = {
            fmt: _median_ms(lambda f=fmt: client.get(f"/data/{name}.{f}{query}"), args.repeat)
            for fmt in ("csv", "xlsx")
        }
        png = client.get(f"/export/{name}.png{query}")
        png_ms = (
            _median_ms(lambda: client.get(f"/export/{name}.png{query}"), max(3, args.repeat // 3))
            if png.status_code == 200
            else None
        )
        ratios = {fmt: ms / page_ms for fmt, ms in times.items()}
        png_ratio = png_ms / reference_png if png_ms else None
        missed += [f"{name} {fmt}" for fmt, r in ratios.items() if r > TARGETS[fmt]]
        if png_ratio and png_ratio > TARGETS["png"]:
            missed.append(f"{name} png")
        print(
            f"{name:18} {page_ms:>9} {times['csv']:>8} {ratios['csv']:>5.2f} {times['xlsx']:>8} {ratios['xlsx']:>5.2f} "
            + (f"{png_ms:>8} {png_ratio:>5.2f}" if png_ms else f"{'–':>8} {'–':>5}")
        )
    print("targets " + ("met" if not missed else "MISSED: " + ", ".join(missed)))


if __name__ == "__main__":
    main()
