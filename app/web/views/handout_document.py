"""A deck's handout as one HTML document, printed to a tagged PDF by the server's warm Chromium.

The document is a cover sheet and one sheet per saved view, each exactly one A4 page (portrait, CSS
``@page``): every sheet has the same fixed height and hides what would spill over, so the PDF has one page
per sheet, all of one size, and the page numbers ("Side 2 av 5") are known when the HTML is written.

* the cover: the deck's title, the date, the municipality or region the views select (when they name one),
  the data version, the synthetic-data label when any view is synthetic, the contents and the sources;
* a view's sheet: as on a slide, its key sentence as the headline and the title under it (the title alone when
  it has none), the selection in words, the chart as SVG (drawn by kaleido at the sheet's width, an image
  with its alternative text, scaled down by CSS when the texts leave less room) or its table when the view was
  saved as a table, then n, source, method, the note and the view's address, and the footer.

A small script in the page shrinks a table's or the contents' type, and then drops rows it still cannot hold
(they are counted, and all of them are in the data files), before the page is printed.

Chromium prints with ``Page.printToPDF`` (``generateTaggedPDF``: headings, paragraphs, tables and lists are
tagged, the language and title set; ``preferCSSPageSize``), in a tab of the browser kaleido already keeps
open in this process (``app.web.server.image_server``), so no other browser driver is needed. Nothing is
fetched from the network: the charts are SVG in the page (``data:`` addresses), the styles are in the page,
the fonts are the system's (``assets/`` has none; Liberation Sans, else DejaVu Sans).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import html
import logging
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import plotly.graph_objects as go

from app.language import N_, format_number
from app.language import gettext as _
from app.web.views import DataTable, View, n_text

log = logging.getLogger(__name__)

CHART_WIDTH = 680  # CSS px: the sheet's width (A4 less 15 mm each side, at 96 px per inch)
CHART_HEIGHT = (320, 560)  # CSS px: a chart's height is kept within these
MAX_ROWS = 45  # of a table on a sheet, before the page's script fits them; the rest are counted
PRINT_SECONDS = 60.0
PRINT_FAILED = N_(
    "The handout could not be printed on the server. Whoever runs the dashboard can install Chromium and set "
    "BROWSER_PATH (see the README)."
)
ASCII_SPELLING = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "a", "Å": "A"})
FILENAME_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')

STYLE = """
@page { size: A4 portrait; margin: 14mm 15mm 12mm; }
html { font-family: "Liberation Sans", Arimo, Arial, "DejaVu Sans", sans-serif; font-size: 10pt; color: #1b1b1b;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; width: 180mm; }  /* the page's width inside its margins, on screen too: the script measures */
.sheet { height: 270mm; display: flex; flex-direction: column; overflow: hidden; break-after: page; }
.sheet:last-child { break-after: auto; }
h1 { font-size: 24pt; line-height: 1.15; margin: 0 0 6mm; }
h2 { font-size: 15pt; line-height: 1.2; margin: 0 0 2mm; }
h3 { font-size: 11pt; margin: 6mm 0 2mm; }
p { margin: 0 0 1.5mm; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 9pt; color: #555; margin: 30mm 0 3mm; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 1.5mm 6mm; margin: 0 0 4mm; font-size: 11pt; }
.facts dt { font-weight: 700; }
.facts dd { margin: 0; }
.synthetic { border-left: 3px solid #b35c00; padding: 1.5mm 3mm; background: #fff4e5; }
.contents { margin: 0; padding-left: 6mm; }
.contents li { margin-bottom: 1mm; }
.contents .at { color: #555; }
.sources { margin: 0; padding-left: 5mm; }
.subtitle { font-size: 11pt; font-weight: 600; color: #333; }
.selection { color: #333; }
.fit { flex: 1 1 0; min-height: 0; overflow: hidden; margin: 2mm 0; }
.cover .fit { margin: 0; }
.chart { height: 100%; }
.chart img { display: block; width: 100%; height: 100%; object-fit: contain; object-position: top left; }
table { width: 100%; border-collapse: collapse; font-size: 8.5pt; }
th, td { text-align: left; vertical-align: top; padding: .6mm 1.5mm; border-bottom: .3pt solid #bbb;
  overflow-wrap: anywhere; }
th { background: #e9ecef; }
td.number, th.number { text-align: right; }
td.number { overflow-wrap: normal; white-space: nowrap; }
.more { font-style: italic; color: #444; font-size: 8.5pt; margin-top: 1mm; }
.about { font-size: 8.5pt; color: #222; border-top: .5pt solid #999; padding-top: 1.5mm; }
.about p { margin: 0 0 .8mm; }
.address { word-break: break-all; color: #444; }
.foot { display: flex; justify-content: space-between; gap: 6mm; font-size: 8pt; color: #444;
  border-top: .5pt solid #999; padding-top: 1.5mm; margin-top: 2mm; }
.foot .number { white-space: nowrap; }
"""

# Shrinks the type of each ``.fit`` box until it holds what it has (down to 7 pt), then drops a table's last
# rows until it fits, counting them in the line ``data-more`` words. Runs before the load event, so before
# printing.
FIT_SCRIPT = """
(function () {
  function spills(box) { return box.scrollHeight > box.clientHeight + 1; }
  document.querySelectorAll(".fit").forEach(function (box) {
    var size = parseFloat(getComputedStyle(box.querySelector("table, ol") || box).fontSize) * 0.75;
    var shrunk = box.querySelector("table, ol") || box;
    while (spills(box) && size > 7) { size -= 0.5; shrunk.style.fontSize = size + "pt"; }
    var body = box.querySelector("tbody"), more = box.querySelector(".more");
    if (!body || !more) { return; }
    var hidden = parseInt(more.dataset.hidden || "0", 10);
    while (spills(box) && body.rows.length > 1) {
      body.deleteRow(-1); hidden += 1;
      more.textContent = more.dataset.more.replace("{count}", hidden.toLocaleString(document.documentElement.lang));
      more.hidden = false;
    }
  });
})();
"""


@dataclass(frozen=True)
class Sheet:
    """One view's page of the handout, in the handout's language."""

    title: str
    selection: str
    source: str
    sentence: str = ""
    chart: bytes = b""  # the chart as SVG, or nothing for a table
    table: DataTable | None = None
    note: str = ""
    n: str = ""
    method: str = ""
    synthetic: str = ""
    address: str = ""


@dataclass(frozen=True)
class Cover:
    title: str
    date: str
    data_version: int
    places: list[str] = field(default_factory=list)
    synthetic: str = ""


def handout_figure(view: View) -> go.Figure:
    """The view's chart at the sheet's width (its title, selection and source are the sheet's text)."""
    figure = go.Figure(view.figure)
    low, high = CHART_HEIGHT
    height = min(max(int(figure.layout.height or 450), low), high)
    figure.update_layout(width=CHART_WIDTH, height=height, paper_bgcolor="white")
    return figure


def chart_svg(view: View) -> bytes:
    """The view's chart drawn by kaleido as SVG."""
    from app.web.views.export import to_image

    return to_image(handout_figure(view), "svg")


def sheet_for(view: View, rendered: Any, *, title: str = "", note: str = "", as_table: bool) -> Sheet:
    """A saved view's sheet: its chart drawn, or its table when it was saved as one (or is one)."""
    from app.web.views.export import view_address

    lang = rendered.lang
    chart = b"" if as_table or view.figure is None else chart_svg(view)
    return Sheet(
        title=title or view.title,
        selection=rendered.state.describe() or _("Everyone", lang),
        source=view.source or "–",
        sentence=view.sentence,
        chart=chart,
        table=None if chart else view.table,
        note=note,
        n=n_text(view.n, lang),
        method=view.method,
        synthetic=view.synthetic,
        address=view_address(rendered.page.path, rendered.state),
    )


def places(states: list[Any]) -> list[str]:
    """The municipalities and regions the views select, in order, each once (all of Norway is no place)."""
    from app.web.kit.page_state import NATIONAL

    named: list[str] = []
    for state in states:
        for name in ("kommune", "region"):
            value = state.values.get(name)
            if value in (None, "", NATIONAL) or isinstance(value, list):
                continue
            label = state.label(name)
            if label not in named:
                named.append(label)
    return named


# --- the document -------------------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _footer(cover: Cover, number: int, total: int, lang: str) -> str:
    where = _("Page {number} of {total}", lang).format(
        number=format_number(number, lang), total=format_number(total, lang)
    )
    return (
        f"<footer class='foot'><span>{_e(cover.title)} · {_e(cover.date)}</span>"
        f"<span class='number'>{_e(where)}</span></footer>"
    )


def _cover(cover: Cover, sheets: list[Sheet], lang: str) -> str:
    total = len(sheets) + 1
    facts = [(_("Date", lang), cover.date)]
    if cover.places:
        facts.append((_("Municipality or region", lang), ", ".join(cover.places)))
    facts.append((_("Data version", lang), str(cover.data_version)))
    listed = "".join(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in facts)
    synthetic = f"<p class='synthetic'>{_e(cover.synthetic)}</p>" if cover.synthetic else ""
    at = _("page {number}", lang)
    contents = "".join(
        f"<li><span>{_e(sheet.title)}</span> <span class='at'>({_e(at.format(number=number))})</span></li>"
        for number, sheet in enumerate(sheets, start=2)
    )
    kicker, contents_heading, sources_heading = _("Handout", lang), _("Contents", lang), _("Sources", lang)
    sources = "".join(f"<li>{_e(source)}</li>" for source in dict.fromkeys(s.source for s in sheets if s.source))
    return (
        "<section class='sheet cover'>"
        f"<p class='kicker'>{_e(kicker)}</p>"
        f"<h1>{_e(cover.title)}</h1>"
        f"<dl class='facts'>{listed}</dl>{synthetic}"
        f"<div class='fit'><h2>{_e(contents_heading)}</h2><ol class='contents'>{contents}</ol>"
        f"<h3>{_e(sources_heading)}</h3><ul class='sources'>{sources}</ul></div>"
        f"{_footer(cover, 1, total, lang)}</section>"
    )


def _table(table: DataTable, lang: str) -> str:
    numeric = {c.key for c in table.columns if c.kind != "text"}
    head = "".join(
        f"<th scope='col'{' class=number' if c.key in numeric else ''}>{_e(c.header)}</th>" for c in table.columns
    )
    rows = table.rows[:MAX_ROWS]
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=number' if c.key in numeric else ''}>{_e(table.cell_text(row, c, lang))}</td>"
            for c in table.columns
        )
        + "</tr>"
        for row in rows
    )
    left = len(table.rows) - len(rows)
    more = _("… and {count} more rows: all of them are in the CSV and Excel files", lang)
    shown = more.format(count=format_number(left, lang)) if left else ""
    return (
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        f"<p class='more' data-more='{_e(more)}' data-hidden='{left}'{'' if left else ' hidden'}>{_e(shown)}</p>"
    )


def _sheet(sheet: Sheet, cover: Cover, number: int, total: int, lang: str) -> str:
    # as on a slide: the key sentence is the headline (the title when there is none), the title under it
    heading = f"<h2 id='view-{number}'>{_e(sheet.sentence or sheet.title)}</h2>"
    subtitle = f"<p class='subtitle'>{_e(sheet.title)}</p>" if sheet.sentence else ""
    words = {key: _e(_(key, lang)) for key in (N_("Selection"), N_("Source"), N_("Method"), N_("Note"))}
    selection = f"<p class='selection'><strong>{words['Selection']}:</strong> {_e(sheet.selection)}</p>"
    if sheet.chart:  # an image (a Figure with its alternative text in the tagged PDF), drawn as vectors
        label = _("Chart: {title}", lang).format(title=sheet.title) + (f". {sheet.sentence}" if sheet.sentence else "")
        source = "data:image/svg+xml;base64," + base64.b64encode(sheet.chart).decode("ascii")
        body = f"<div class='chart'><img src='{source}' alt='{_e(label)}'></div>"
    else:
        body = _table(sheet.table or DataTable([], []), lang)
    source = sheet.source + (f" ({sheet.n})" if sheet.n else "")
    about = [f"<p><strong>{words['Source']}:</strong> {_e(source)}</p>"]
    if sheet.method:
        about.append(f"<p><strong>{words['Method']}:</strong> {_e(sheet.method)}</p>")
    if sheet.synthetic:
        about.append(f"<p>{_e(sheet.synthetic)}</p>")
    if sheet.note:
        about.append(f"<p><strong>{words['Note']}:</strong> {_e(sheet.note)}</p>")
    if sheet.address:
        about.append(f"<p class='address'>{_e(sheet.address)}</p>")
    return (
        f"<section class='sheet' aria-labelledby='view-{number}'>{heading}{subtitle}{selection}"
        f"<div class='fit'>{body}</div><div class='about'>{''.join(about)}</div>"
        f"{_footer(cover, number, total, lang)}</section>"
    )


def document(cover: Cover, sheets: list[Sheet], lang: str) -> str:
    """The handout as one HTML page: the cover, then a sheet per view (pages 2 to ``len(sheets) + 1``)."""
    total = len(sheets) + 1
    body = _cover(cover, sheets, lang) + "".join(
        _sheet(sheet, cover, number, total, lang) for number, sheet in enumerate(sheets, start=2)
    )
    return (
        f"<!doctype html><html lang='{_e(lang)}'><head><meta charset='utf-8'>"
        f"<title>{_e(cover.title)}</title><style>{STYLE}</style></head>"
        f"<body>{body}<script>{FIT_SCRIPT}</script></body></html>"
    )


# --- printing -----------------------------------------------------------------------------------------


class PrintFailed(RuntimeError):
    """Chromium answered a command with an error."""


def _result(response: dict) -> dict:
    if "error" in response:
        raise PrintFailed(str(response["error"]))
    return response.get("result", {})


async def _print(chromium: Any, url: str) -> tuple[bytes, int]:
    """(the PDF of the page at ``url``, how many of its sheets spill over) from a new tab of ``chromium``."""
    tab = await chromium.create_tab("about:blank")
    try:
        loads: asyncio.Queue[dict] = asyncio.Queue()

        async def on_lifecycle(event: dict) -> None:
            if event["params"].get("name") == "load":
                loads.put_nowait(event["params"])

        _result(await tab.send_command("Page.enable"))
        _result(await tab.send_command("Page.setLifecycleEventsEnabled", params={"enabled": True}))
        _result(await tab.send_command("Emulation.setEmulatedMedia", params={"media": "print"}))  # as printed
        tab.subscribe("Page.lifecycleEvent", on_lifecycle)
        navigation = _result(await tab.send_command("Page.navigate", params={"url": url}))
        if navigation.get("errorText"):
            raise PrintFailed(f"Chromium could not open the handout: {navigation['errorText']}")

        async def loaded() -> None:
            while True:  # the load of our page, not of the blank one the tab opened with
                event = await loads.get()
                if event.get("loaderId") == navigation.get("loaderId"):
                    return

        await asyncio.wait_for(loaded(), PRINT_SECONDS)
        spilling = _result(
            await tab.send_command(
                "Runtime.evaluate",
                params={
                    "expression": "[...document.querySelectorAll('.sheet')]"
                    ".filter(s => s.scrollHeight > s.clientHeight + 1).length",
                    "returnByValue": True,
                },
            )
        )
        printed = _result(
            await asyncio.wait_for(
                tab.send_command(
                    "Page.printToPDF",
                    params={
                        "printBackground": True,
                        "preferCSSPageSize": True,
                        "generateTaggedPDF": True,
                        "generateDocumentOutline": True,
                        "displayHeaderFooter": False,
                    },
                ),
                PRINT_SECONDS,
            )
        )
        return base64.b64decode(printed["data"]), int(spilling.get("result", {}).get("value") or 0)
    finally:
        with contextlib.suppress(Exception):
            await chromium.close_tab(tab.target_id)


def print_pdf(markup: str) -> bytes:
    """``markup`` printed to a tagged PDF by this process's warm Chromium (the one kaleido draws with).

    Raises:
        ImagesUnavailable: no browser, or it failed (the server log keeps the details).
    """
    from app.web.server import image_server
    from app.web.views.export import ImagesUnavailable, image_settings

    browser, gate = image_server.browser_and_gate(*image_settings())
    with tempfile.TemporaryDirectory(prefix="fjernarbeid-handout-") as folder:
        page = Path(folder) / "handout.html"
        page.write_text(markup, encoding="utf-8")
        with gate.turn(bounded=False):
            try:
                # the browser kaleido keeps open (a choreographer Browser): a tab of our own beside kaleido's
                pdf, spilling = browser.run(lambda chromium: _print(chromium, page.as_uri()), 2 * PRINT_SECONDS + 10)
            except Exception as error:  # noqa: BLE001 - the browser raises many kinds; the log keeps them
                log.error("printing a handout failed (is Chromium installed, BROWSER_PATH set?)", exc_info=error)
                raise ImagesUnavailable(message_id=PRINT_FAILED) from error
    if spilling:
        log.warning("%d sheet(s) of a handout hold more than a page; the rest is cut off", spilling)
    return pdf


# --- the file's name ----------------------------------------------------------------------------------


def download_name(title: str, fallback: str = "presentasjon") -> str:
    """The deck's title as a file name, letters such as æ, ø and å kept: no path separators, no characters
    Windows refuses, at most 120 characters, ending in ``.pdf``."""
    name = " ".join(FILENAME_FORBIDDEN.sub(" ", unicodedata.normalize("NFC", title)).split()).strip(" .")
    return (name[:120].rstrip(" .") or fallback) + ".pdf"


def ascii_name(name: str) -> str:
    """The name for clients that read only ``filename=`` (ASCII, æ as ae, ø as o, å as a)."""
    spelled = name.translate(ASCII_SPELLING)
    plain = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", plain.removesuffix(".pdf")).strip("-.")
    return (stem or "presentasjon") + ".pdf"


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the whole name in ``filename*`` (RFC 6266 and 5987)."""
    return f"attachment; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
