"""Numbers and charts at stable addresses (the contract of Our World in Data's Grapher).

* ``/data/<page>.csv?<the page's own query string>[&chart=<id>]`` — one view's table and nothing else: one
  header row of short, stable column names (``group;answer;value;ci_low;ci_high;n``), so
  ``pandas.read_csv(url, sep=";", decimal=",")`` reads it (decimal point in English); a page with several
  views needs ``chart=``;
* ``/data/<page>.metadata.json?…`` — what describes it: title, selection, source, method, n, the
  suppression rule, the data version, each column's header in the page's language and its kind;
* ``/data/<page>.zip?…`` — the CSV of every view, the metadata and a README (the Our World in Data contract);
* ``/data/<page>.xlsx|json?…`` — every view: a workbook for people (a sheet per view and a metadata sheet),
  JSON for programs (keys in English, never translated);
* ``/export/<page>.png|svg|pdf?<query>&chart=<id>`` — one chart as an image that stands alone in a
  report: title, filters in words, source, n, method and (for synthetic data) the label.

``<page>`` is the page's address without its slash (``oversikt`` for the overview). Both render
the page for the query string exactly as its callback would, and take its ``views`` (see
``app.web.views``): same filters, same disclosure control, same rounding, labels in ``lang``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from flask import Flask, Response, current_app, has_app_context, has_request_context, request

from app.config import LANGUAGES, Config
from app.db.session import session_scope
from app.db.visibility import audience_key
from app.errors import DatabaseUnavailable, FjernarbeidError, QueryTimeout
from app.language import format_long_date
from app.language import gettext as _
from app.query.data_version import data_version
from app.query.metadata import QueryError
from app.web.kit import urls
from app.web.kit.charts import plain
from app.web.kit.page_state import PageState, chosen_survey, default_language, parse_search
from app.web.kit.site import installed
from app.web.server.response_cache import page_reads
from app.web.views import SUPPRESSION_RULE, Column, View, is_suppressed, n_text, survey_source

log = logging.getLogger(__name__)

DATA_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "metadata.json": "application/json",
    "zip": "application/zip",
}
SUPPRESSED_SYMBOL = ":"  # SSB's symbol for a figure withheld to protect privacy
IMAGE_FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
OWN_PARAMS = ("chart", "present", "deck", "slide", "show")  # the export's, the presentation's and the view switch's
EVERY_PAGE_PARAMS = ("lang",)
IMAGE_WIDTH = 1100  # px at scale 1; PNGs are drawn at twice that
PNG_SCALE = 2
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run as a formula


def export_name(path: str) -> str:
    """A page's name in export addresses: its path without the slash (``oversikt`` for ``/``)."""
    return path.strip("/") or "oversikt"


def page_named(name: str):
    return next((p for p in installed().with_views() if export_name(p.path) == name), None)


def export_query(state: PageState, **extra: str | None) -> str:
    """The view's query string for an export address: the page's state, always with its language."""
    return urls.with_changes(state.query(explicit=True), lang=state.lang, **{k: v for k, v in extra.items() if v})


def data_address(path: str, state: PageState, fmt: str, chart: str | None = None) -> str:
    return f"/data/{export_name(path)}.{fmt}{export_query(state, chart=chart)}"


def image_address(path: str, state: PageState, fmt: str, chart: str) -> str:
    return f"/export/{export_name(path)}.{fmt}{export_query(state, chart=chart)}"


def view_address(path: str, state: PageState) -> str:
    """The page's own address for the state (absolute in a request); a path parameter in the path
    (``/kommune/4622?…``), as the page writes its address."""
    base = request.host_url.rstrip("/") if has_request_context() else ""
    query = state.query(explicit=True)
    page = installed().for_path(path) if has_app_context() else None
    if page is not None and page.path_params:
        where, rest = page.address(urls.parse(query))
        return base + where + urls.query(rest)
    return base + path + query


# --- rendering a page's views -------------------------------------------------------------------------


@dataclass
class Rendered:
    """A page's views for one query string, with what describes them."""

    page: Any
    state: PageState
    views: list[View]
    data_version: int
    min_n: int

    @property
    def lang(self) -> str:
        return self.state.lang

    def metadata(self, views: list[View] | None = None) -> list[tuple[str, str]]:
        """(label, value) pairs describing the export, in its language: the metadata sheet of a workbook."""
        return [(label, value) for _key, label, value in self.described(views)]

    def metadata_document(self, views: list[View] | None = None) -> dict[str, Any]:
        """The same for programs: stable English keys (never translated), the values in the page's language, and
        each view's columns with their headers."""
        views = self.views if views is None else views
        document: dict[str, Any] = {key: value for key, _label, value in self.described(views)}
        document["retrieved"] = dt.date.today().isoformat()
        document["language"] = self.lang
        document["min_n"] = self.min_n
        document["suppressed_symbol"] = SUPPRESSED_SYMBOL
        document["views"] = [
            {
                "id": v.id,
                "title": v.title,
                "csv": f"{v.id}.csv",
                "n": v.n,
                "source": v.source,
                "method": v.method,
                "synthetic": v.synthetic or None,
                "columns": [{"key": c.key, "header": c.header, "kind": c.kind} for c in v.table.columns],
            }
            for v in views
        ]
        return document

    def described(self, views: list[View] | None = None) -> list[tuple[str, str, str]]:
        """(key, label in the language, value) of what describes the export; empty values left out."""
        lang = self.lang
        views = self.views if views is None else views
        survey = chosen_survey(self.state)
        source, synthetic = survey_source(survey, lang)
        sources = list(dict.fromkeys(v.source for v in views if v.source)) or ([source] if source else [])
        ns = [v.n for v in views if v.n is not None]
        methods = list(dict.fromkeys(v.method for v in views if v.method))
        rows = [
            ("title", _("Title", lang), " / ".join(v.title for v in views) or _(self.page.title, lang)),
            ("page", _("Page", lang), _(self.page.title, lang)),
            ("selection", _("Selection", lang), self.state.describe() or _("Everyone", lang)),
            ("source", _("Source", lang), " · ".join(sources)),
            ("survey", _("Survey", lang), self.state.label("survey") if "survey" in self.state.values else ""),
            ("n", "n", " · ".join(n_text(n, lang) for n in ns)),
            ("method", _("Method", lang), " ".join(methods)),
            ("suppression", _("Suppression", lang), _(SUPPRESSION_RULE, lang).format(min_n=self.min_n)),
            ("data_version", _("Data version", lang), str(self.data_version)),
            ("retrieved", _("Retrieved", lang), format_long_date(dt.date.today(), lang)),
            ("address", _("Address", lang), view_address(self.page.path, self.state)),
        ]
        if synthetic or any(v.synthetic for v in views):
            label = synthetic or next(v.synthetic for v in views if v.synthetic)
            rows.insert(1, ("synthetic", _("Synthetic data", lang), label))
        return [row for row in rows if row[2]]


def render_views(page, search: str, lang: str | None = None, primary: bool = False) -> Rendered:
    """Render ``page`` for ``search`` as its callback would and keep its views (in an app context).

    Args:
        primary: on the primary database even with a replica (``DATABASE_READ_URL``): a job's handout,
            whose file is named by the primary's data version. Otherwise where the pages' queries run,
            with the data version read in the same transaction as the views."""
    config: Config = current_app.config["FJERNARBEID"]
    requested = lang or parse_search(search).get("lang")
    lang = requested if requested in LANGUAGES else default_language()
    with session_scope() if primary else page_reads() as session:
        state = page.state.parse(session, config, search, lang)
        outputs = page.render(state, session)
        version = data_version(session)
    return Rendered(page, state, list(outputs.get("views", [])), version, config.min_n)


def chosen_view(rendered: Rendered, chart: str | None) -> View | None:
    """The view a slide or a handout page shows: ``chart`` if the page has it, else its first chart, else its
    first table."""
    views = rendered.views
    return (
        next((v for v in views if v.id == chart), None)
        or next((v for v in views if v.figure is not None), None)
        or next(iter(views), None)
    )


def _page_search() -> str:
    """The request's query string without the export's own parameters."""
    return urls.query({k: v for k, v in request.args.items(multi=False) if k not in OWN_PARAMS})


def _without_own(search: str) -> str:
    return urls.query({k: v for k, v in parse_search(search).items() if k not in OWN_PARAMS})


def _slug(title: str) -> str:
    import re
    import unicodedata

    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-").lower() or "presentasjon"


# --- files ------------------------------------------------------------------------------------------


def safe_text(value: str) -> str:
    """Text a spreadsheet shows as text: a leading ``=``, ``+``, ``-``, ``@`` (a formula) gets a ``'``."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _number_text(value: float, column: Column, lang: str) -> str:
    """A number a Norwegian spreadsheet reads as a number: decimal comma, no thousands separator."""
    decimals = 0 if column.kind == "integer" else column.decimals
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang in ("nb", "nn") else text


def _cell(row: dict[str, Any], column: Column, lang: str) -> str:
    value = row.get(column.key)
    if is_suppressed(row, column):
        return SUPPRESSED_SYMBOL
    if value is None or value == "":
        return ""
    if column.kind == "text" or not isinstance(value, int | float):
        return safe_text(str(value))
    return _number_text(float(value), column, lang)


def to_csv(rendered: Rendered, view: View) -> bytes:
    """One view's table and nothing else: a header row of the columns' keys, then the rows. ``;``-separated,
    decimal comma in nb/nn, UTF-8 with a BOM (Norwegian Excel opens it as it is; pandas skips the BOM). What
    describes it is at the ``.metadata.json`` address."""
    lang = rendered.lang
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.key for c in view.table.columns])
    for row in view.table.rows:
        writer.writerow([_cell(row, c, lang) for c in view.table.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


README_TEXT = """{title}

Files
- <view>.csv: one table each; the first row holds the column keys. Separator ";", decimal {decimal},
  UTF-8. A cell of ":" is withheld to protect privacy (SSB's symbol): {suppression}
  Read one with pandas: pandas.read_csv("<view>.csv", sep=";", decimal="{decimal_char}")
- metadata.json: the title, selection, source, method, n and each column's header and kind.

Address: {address}
Data version: {data_version}
"""


def to_zip(rendered: Rendered, views: list[View]) -> bytes:
    """Every view's CSV, the metadata and a README in one archive."""
    import zipfile

    lang = rendered.lang
    document = rendered.metadata_document(views)
    decimal_char = "," if lang in ("nb", "nn") else "."
    readme = README_TEXT.format(
        title=document.get("title", ""),
        decimal="comma" if decimal_char == "," else "point",
        decimal_char=decimal_char,
        suppression=document.get("suppression", ""),
        address=document.get("address", ""),
        data_version=document.get("data_version", ""),
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for view in views:
            archive.writestr(f"{view.id}.csv", to_csv(rendered, view))
        archive.writestr("metadata.json", json.dumps(document, ensure_ascii=False, indent=1))
        archive.writestr("README.txt", readme)
    return out.getvalue()


def to_xlsx(rendered: Rendered, views: list[View]) -> bytes:
    """One sheet per view (a title line, then the table; numbers as numbers) and a metadata sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for view in views:
        sheet = book.create_sheet(_sheet_name(view.title, used))
        sheet.append([safe_text(view.title)])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([safe_text(rendered.state.describe() or _("Everyone", rendered.lang))])
        sheet.append([])
        sheet.append([safe_text(c.header) for c in view.table.columns])
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        for row in view.table.rows:
            sheet.append(
                [
                    SUPPRESSED_SYMBOL if is_suppressed(row, c) else _xlsx_value(row.get(c.key), c)
                    for c in view.table.columns
                ]
            )
        for index, column in enumerate(view.table.columns, start=1):
            if column.kind in ("percent", "number"):
                for (cell,) in sheet.iter_rows(min_row=5, min_col=index, max_col=index):
                    cell.number_format = "0." + "0" * column.decimals if column.decimals else "0"
            sheet.column_dimensions[cell_letter(index)].width = 14 if column.kind != "text" else 36
    meta = book.create_sheet(_sheet_name(_("Metadata", rendered.lang), used))
    for label, value in rendered.metadata(views):
        meta.append([safe_text(label), safe_text(value)])
    meta.column_dimensions["A"].width = 22
    meta.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cell_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _xlsx_value(value: Any, column: Column) -> Any:
    if value is None or value == "":
        return None
    if column.kind != "text" and isinstance(value, int | float):
        return value
    return safe_text(str(value))


def _sheet_name(title: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of ``[]:*?/\\``, unique in the workbook."""
    base = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()[:28] or "Data"
    name, number = base, 2
    while name.lower() in used:
        name, number = f"{base[:25]} ({number})", number + 1
    used.add(name.lower())
    return name


def to_json(rendered: Rendered, views: list[View]) -> bytes:
    """Every view for programs: keys in English (never translated), numbers as numbers, a withheld cell null
    with the reason beside it (``suppressed``: the reason, for the row's empty numbers)."""
    reason = _(SUPPRESSION_RULE, "en").format(min_n=rendered.min_n)

    def row_document(view: View, row: dict[str, Any]) -> dict[str, Any]:
        document = {c.key: row.get(c.key) for c in view.table.columns}
        withheld = [c.key for c in view.table.columns if is_suppressed(row, c)]
        if withheld:
            document["suppressed"] = {"columns": withheld, "reason": reason}
        return document

    document = {
        "metadata": rendered.metadata_document(views),
        "views": [
            {
                "id": v.id,
                "title": v.title,
                "n": v.n,
                "columns": [{"key": c.key, "header": c.header, "kind": c.kind} for c in v.table.columns],
                "rows": [row_document(v, row) for row in v.table.rows],
            }
            for v in views
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


# --- images -----------------------------------------------------------------------------------------

MAX_TABLE_ROWS = 40  # of a table on a handout page; the rest are counted (all of them are in the data files)


def table_figure(view: View, lang: str, width: int = IMAGE_WIDTH) -> go.Figure:
    """A table view drawn as a figure (a handout page): up to ``MAX_TABLE_ROWS`` rows, the rest counted in a
    last row. The figure is as tall as its rows wrap to, since a Plotly table draws only the rows its height
    holds."""
    import math

    columns = view.table.columns
    rows = view.table.rows[:MAX_TABLE_ROWS]
    cells = [[plain(view.table.cell_text(row, c, lang)) for row in rows] for c in columns]
    left = len(view.table.rows) - len(rows)
    if left:
        cells[0].append(
            _("… and {count} more rows: all of them are in the CSV and Excel files", lang).format(count=left)
        )
        for column in cells[1:]:
            column.append("")
    chars = max(8, int((width - 60) / len(columns) / 8.5))  # characters on one line of a column (words wrap early)
    lines = [max(math.ceil(len(col[i]) / chars) or 1 for col in cells) for i in range(len(cells[0]))]
    fig = go.Figure(
        go.Table(
            header={"values": [f"<b>{plain(c.header)}</b>" for c in columns], "align": "left", "fill_color": "#e9ecef"},
            cells={"values": cells, "align": ["left" if c.kind == "text" else "right" for c in columns]},
        )
    )
    fig.update_layout(height=170 + sum(15 * n + 14 for n in lines), margin={"l": 10, "r": 10, "t": 60, "b": 20})
    return fig


def standalone_figure(
    view: View, rendered: Rendered, width: int = IMAGE_WIDTH, note: str = "", title: str | None = None
) -> go.Figure:
    """The view's chart with what it needs to stand alone: the title (with room to breathe), the filters in
    words under it, and under the chart the source, n, method and synthetic-data label (and a note)."""
    lang = rendered.lang
    fig = go.Figure(view.figure) if view.figure is not None else table_figure(view, lang)
    selection = plain(rendered.state.describe() or _("Everyone", lang))  # codebook labels: text, not markup
    footer = [
        _("Selection", lang) + ": " + selection,
        _("Source", lang) + ": " + (view.source or "–") + (f" ({n_text(view.n, lang)})" if view.n is not None else ""),
    ]
    if view.method:
        footer.append(view.method)
    if view.synthetic:
        footer.append(view.synthetic)
    if note:
        footer.append(_("Note", lang) + ": " + note)
    footer.append(view_address(rendered.page.path, rendered.state))
    lines = [_wrap_line(plain(line), width) for line in footer]  # Plotly reads tags in text; these are text
    line_count = sum(text.count("<br>") + 1 for text in lines)
    footer_px = 24 + 17 * line_count
    layout = fig.layout
    top = max(int(layout.margin.t or 0), 95)
    legend_px = 60 if layout.showlegend is not False and len(fig.data) > 1 else 0
    bottom = 40 + footer_px + legend_px  # the legend moves to just above the footer
    height = int(layout.height or 450) - int(layout.margin.t or 0) - int(layout.margin.b or 0) + top + bottom
    plot_px = height - top - bottom
    fig.update_layout(
        width=width,
        height=height,
        margin={"l": max(int(layout.margin.l or 0), 30), "r": 40, "t": top, "b": bottom},
        title={
            "text": f"<b>{plain(title or view.title)}</b>",  # a deck's or a codebook's title is text
            "x": 0.02,
            "xanchor": "left",
            "y": 1 - 14 / height,
            "yanchor": "top",
        },
        paper_bgcolor="white",
    )
    if legend_px:
        legend = {"orientation": "h", "yref": "container", "y": (footer_px + 6) / height, "yanchor": "bottom", "x": 0}
        fig.update_layout(legend=legend)
    fig.add_annotation(  # the filters in words, under the title
        text=selection,
        xref="paper",
        yref="paper",
        x=0,
        y=1 + (top - 50) / plot_px,
        yanchor="top",
        xanchor="left",
        showarrow=False,
        align="left",
        font={"size": 14, "color": "#333"},
    )
    fig.add_annotation(  # source, n, method, label, address: at the foot of the image
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0,
        y=(8 - bottom) / plot_px,
        yanchor="bottom",
        xanchor="left",
        showarrow=False,
        align="left",
        font={"size": 12, "color": "#333"},
    )
    return fig


def _wrap_line(text: str, width: int, char_px: float = 6.6) -> str:
    import textwrap

    return "<br>".join(textwrap.wrap(text, max(40, int((width - 60) / char_px)))) or text


class ImagesUnavailable(FjernarbeidError):
    """No browser to draw images with (kaleido needs Chromium)."""


def image_settings() -> tuple[int, int]:
    """(images drawn at once, requests that may wait) per process: the app's settings, or their defaults."""
    from flask import has_app_context

    config = current_app.config.get("FJERNARBEID") if has_app_context() else None
    if isinstance(config, Config):
        return config.image_renders, config.image_queue
    return Config.image_renders, Config.image_queue


def image_turn(bounded: bool = True):
    """One of this process's image slots, held for the ``with`` block (``to_image`` inside it takes no other):
    waits in the queue, or with ``bounded`` raises ``image_server.Busy`` when the slots and the queue are full."""
    from app.web.server import image_server

    return image_server.browser_and_gate(*image_settings())[1].turn(bounded=bounded)


def to_image(figure: go.Figure, fmt: str, *, in_turn: bool = False) -> bytes:
    """``figure`` drawn by kaleido in this process's warm headless Chromium (``app.web.server.image_server``;
    ``BROWSER_PATH`` names the browser, Debian's is found). Waits for one of the process's render slots,
    unless the caller holds one already (``in_turn``, inside ``image_turn()``)."""
    import contextlib

    from app.web.server import image_server

    browser, gate = image_server.browser_and_gate(*image_settings())
    spec = figure.to_dict()
    layout = spec.get("layout", {})
    opts = {
        "format": fmt,
        "width": layout.get("width") or IMAGE_WIDTH,
        "height": layout.get("height") or 500,
        "scale": PNG_SCALE if fmt == "png" else 1,
    }
    with contextlib.nullcontext() if in_turn else gate.turn(bounded=False):
        try:
            return browser.render(spec, opts)
        except Exception as error:  # noqa: BLE001 - kaleido raises many kinds; the server log keeps the details
            log.error("drawing an image failed (is Chromium installed, BROWSER_PATH set?)", exc_info=error)
            raise ImagesUnavailable(
                "The image could not be drawn on the server. The data addresses (/data/…) still work; whoever "
                "runs the dashboard can install Chromium and set BROWSER_PATH (see the README)."
            ) from error


# --- routes -----------------------------------------------------------------------------------------


def _problem(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def _rendered_or_problem(name: str) -> Rendered | Response:
    page = page_named(name)
    if page is None:
        return _problem(404, f"No page is called {name!r}.")
    try:
        rendered = render_views(page, _page_search())
        wrong = bad_parameters(rendered)
        return _problem(400, "\n".join(wrong)) if wrong else rendered
    except QueryError as error:
        return _problem(400, f"This view cannot be computed: {error}")
    except DatabaseUnavailable:
        return _problem(503, "The database does not answer; try again in a moment.")
    except QueryTimeout:
        return _problem(503, "This view took too long to compute; try fewer filters, or again in a moment.")


def bad_parameters(rendered: Rendered) -> list[str]:
    """What is wrong with the request's parameters, one sentence each (empty: nothing). A page shows its
    default in place of a bad value, with a notice; a data or image address answers 400 instead, since a
    script that asked for something else must not silently get the default."""
    spec = rendered.page.state
    known = [p.name for p in spec.params]
    problems = [
        f"Unknown parameter {name!r}. This page takes: {', '.join([*known, *EVERY_PAGE_PARAMS, 'chart'])}."
        for name in request.args
        if name not in known and name not in EVERY_PAGE_PARAMS and name not in OWN_PARAMS
    ]
    for name, value in rendered.state.ignored:
        allowed = [str(o.value) for o in rendered.state.options.get(name, [])][:20]
        hint = f" Allowed: {', '.join(allowed)}." if allowed else ""
        problems.append(f"Parameter {name!r}: {value!r} is not allowed here.{hint}")
    lang = request.args.get("lang")
    if lang is not None and lang not in LANGUAGES:
        problems.append(f"Parameter 'lang': {lang!r} is not a language here. Allowed: {', '.join(LANGUAGES)}.")
    return problems


def _filename(rendered: Rendered, fmt: str, chart: str | None = None) -> str:
    """A name that says what the file holds: the page, then what it is about (a choice whose default depends on
    the data, such as the question or the municipality) and each choice that differs from the page's fixed
    default (``undersoking_q22_age-group.csv``), then the chart when the page has several. The survey is
    left to the metadata."""
    state = rendered.state
    parts = [export_name(rendered.page.path)]
    for param in rendered.page.state.params:
        value = state.values.get(param.name)
        if param.name == "survey" or value in (None, "", []):
            continue
        if value == state.defaults.get(param.name) and not callable(param.default):
            continue
        parts.append(_slug("-".join(map(str, value)) if isinstance(value, list) else str(value)))
    if chart and len(rendered.views) > 1:
        parts.append(_slug(chart))
    return "_".join(parts)[:120] + "." + fmt


def _download(body: bytes, mimetype: str, filename: str, inline: bool = False) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    # what a signed-in account that sees non-public surveys fetched is for its browser only (app.db.visibility)
    response.headers["Cache-Control"] = "private, no-cache" if audience_key() else "no-cache"
    return response


def register(server: Flask) -> None:
    @server.route("/data/<name>.<fmt>")
    def data_file(name: str, fmt: str):
        if name.endswith(".metadata") and fmt == "json":
            name, fmt = name.removesuffix(".metadata"), "metadata.json"
        if fmt not in DATA_FORMATS:
            return _problem(404, f"Data come as {', '.join(DATA_FORMATS)}, not {fmt!r}.")
        rendered = _rendered_or_problem(name)
        if isinstance(rendered, Response):
            return rendered
        chart = request.args.get("chart")
        views = [v for v in rendered.views if chart in (None, v.id)]
        if chart and not views:
            return _problem(404, f"The page has no chart {chart!r}.")
        if fmt == "csv" and len(views) != 1:
            charts = ", ".join(v.id for v in views)
            return _problem(
                400, f"A CSV holds one table and this page has {len(views)}: add chart= one of {charts} (or take .zip)."
            )
        if fmt == "metadata.json":
            body = json.dumps(rendered.metadata_document(views), ensure_ascii=False, indent=1).encode("utf-8")
            return _download(body, DATA_FORMATS[fmt], _filename(rendered, fmt, chart), inline=True)
        writers = {"csv": lambda r, v: to_csv(r, v[0]), "xlsx": to_xlsx, "json": to_json, "zip": to_zip}
        return _download(writers[fmt](rendered, views), DATA_FORMATS[fmt], _filename(rendered, fmt, chart))

    @server.route("/export/<name>.<fmt>")
    def image_file(name: str, fmt: str):
        """A chart as an image. The request takes its turn before it computes anything, so a refused one (429
        with ``Retry-After``: the process's image slots and queue are full) costs next to nothing."""
        from app.web.server.image_server import Busy

        if fmt not in IMAGE_FORMATS:
            return _problem(404, f"Images come as {', '.join(IMAGE_FORMATS)}, not {fmt!r}.")
        if page_named(name) is None:
            return _problem(404, f"No page is called {name!r}.")
        try:
            with image_turn():
                return _image_answer(name, fmt)
        except Busy as busy:
            refused = _problem(429, "Many images are being drawn just now; try again in a moment.")
            refused.headers["Retry-After"] = str(busy.retry_after)
            return refused

    def _image_answer(name: str, fmt: str) -> Response:
        rendered = _rendered_or_problem(name)
        if isinstance(rendered, Response):
            return rendered
        chart = request.args.get("chart")
        view = chosen_view(rendered, chart)
        if view is None or chart and view.id != chart:
            return _problem(404, f"The page has no chart {chart!r}." if chart else "The page has no chart.")
        if view.figure is None:
            return _problem(404, f"{view.id!r} is a table; its numbers are at /data/{name}.csv (or .xlsx, .json).")
        try:
            image = to_image(standalone_figure(view, rendered), fmt, in_turn=True)
        except ImagesUnavailable as error:
            return _problem(503, str(error))
        return _download(image, IMAGE_FORMATS[fmt], _filename(rendered, fmt, view.id))
