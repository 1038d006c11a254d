"""What taking a view out costs: each page's data address and a chart image, against the page itself.

    python -m bench.export_bench [--repeat 10]

On the demo data (embedded PostgreSQL, or BENCH_DATABASE_URL's server), through Flask's test
client with the response cache off, per page:

* the page's main callback (what a browser asks when the address changes) — the reference;
* ``/data/<page>.csv`` for the same state — it renders the page's views and writes them, so the
  ratio to the reference should stay near 1;
* ``/data/<page>.xlsx``;
* ``/export/<page>.png`` of the page's first chart, against a one-bar figure drawn by the same warm
  browser in the same run.

Before that, warm against cold (issue 19): the first ``/export/undersoking.png`` of the process (it
starts the process's Chromium), the second to tenth of the same image, and for reference a cold-start
render — plotly's own ``fig.to_image``, which starts a Chromium for every image, as every image did
before the warm browser.

Targets: the tenth image of a process ≤ 0.25× the first; a CSV or workbook within 1.5× of the page's
own callback; an image within 3× of the one-bar image.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import commit
from bench.load_test import SEARCHES, main_callbacks_in, payload
from bench.pages_bench import build_database

# the page's id (as the load test names it) → its name in export addresses
PAGES = {
    "overview": "oversikt",
    "survey": "undersoking",
    "relationships": "samanhengar",
    "mobility": "mobilitet",
    "coworking": "kontorfellesskap",
    "measures": "tiltak",
}
# png: the one-bar reference is drawn by the same warm browser, so it no longer hides a page's own cost
# behind a Chromium start (the old target, 2×, was against a cold one-bar image)
TARGETS = {"csv": 1.5, "xlsx": 1.5, "png": 3.0, "tenth/first": 0.25}
WARM_QUERY = "?survey=demo_national&question=q22&by=age_group"


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return round(1000 * statistics.median(samples), 1)


def _ms(fn) -> float:
    started = time.perf_counter()
    fn()
    return 1000 * (time.perf_counter() - started)


def _warm_against_cold(client) -> list[str]:
    """The first ten images of this process (the first starts its browser) and a cold-start render."""
    from app.web.server import image_server

    address = f"/export/undersoking.png{WARM_QUERY}"

    def image() -> None:
        response = client.get(address)
        assert response.status_code == 200, response.data[:200]

    assert image_server.current() == (None, None), "no image may be drawn before the first one is timed"
    sequence = [_ms(image) for _ in range(10)]
    with client.application.test_request_context(address):
        from app.web.pages import survey
        from app.web.views.export import chosen_view, render_views, standalone_figure

        rendered = render_views(survey.PAGE, WARM_QUERY)
        view = chosen_view(rendered, None)
        assert view is not None
        figure = standalone_figure(view, rendered)
    cold = statistics.median(_ms(lambda: figure.to_image(format="png", scale=2)) for _ in range(3))
    first, tenth = sequence[0], sequence[9]
    warm_median = statistics.median(sequence[1:])
    print(f"commit {commit()}; /export/undersoking.png{WARM_QUERY}")
    print(f"{'image':34} {'ms':>8} {'×first':>7} {'×cold':>6}")
    rows = [
        ("1st of the process (starts Chromium)", first),
        ("2nd", sequence[1]),
        ("10th", tenth),
        ("2nd–10th median", warm_median),
        ("cold-start render (median of 3)", cold),
    ]
    for label, ms in rows:
        print(f"{label:34} {ms:>8.1f} {ms / first:>7.2f} {ms / cold:>6.2f}")
    ratio = tenth / first
    print(f"tenth/first {ratio:.2f} (target ≤ {TARGETS['tenth/first']}); cold/warm median {cold / warm_median:.1f}×\n")
    return [] if ratio <= TARGETS["tenth/first"] else ["tenth image vs. first"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    import plotly.graph_objects as go

    from app.config import Config
    from app.web import create_app
    from app.web.views.export import to_image

    url = build_database(0)
    app = create_app(Config(database_url=url, data_dir=Path(tempfile.mkdtemp()), secret_key="bench", cache_mb=0))
    client = app.server.test_client()
    callbacks = main_callbacks_in(client.get("/_dash-dependencies").get_json())
    missed = _warm_against_cold(client)
    one_bar = go.Figure(go.Bar(x=[1], y=["a"]))
    reference_png = _median_ms(lambda: to_image(one_bar, "png"), max(3, args.repeat // 3))
    print(f"reference: one-bar PNG {reference_png} ms (warm browser)")
    print(f"{'page':18} {'callback':>9} {'csv':>8} {'×':>5} {'xlsx':>8} {'×':>5} {'png':>8} {'×ref':>5}")
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
