"""How a view appears on its page: the chart (or its table, one click away), the selection in words,
and a toolbar to download it, copy its link and cite it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash_bootstrap_components as dbc
from dash import Output, dcc, html
from dash.development.base_component import Component

from app.language import N_, format_long_date
from app.language import gettext as _
from app.web.kit.charts import figure_json, graph_config
from app.web.kit.components import aria
from app.web.kit.page_state import PageState
from app.web.views import DataTable, View
from app.web.views.export import data_address, export_query, image_address, view_address

SITE_NAME = N_("Remote work in the region")
FORMAT_LABELS = {
    "png": N_("Image (PNG)"),
    "svg": N_("Vector image (SVG)"),
    "pdf": N_("PDF"),
    "csv": N_("Table (CSV)"),
    "xlsx": N_("Excel workbook (XLSX)"),
    "json": N_("Data (JSON)"),
    "zip": N_("Table, description and README (ZIP)"),
}


def citation(view: View, state: PageState, path: str) -> str:
    """A citation of the view: site, title, selection, source, date retrieved and address."""
    lang = state.lang
    selection = state.describe() or _("Everyone", lang)
    parts = [
        f"{_(SITE_NAME, lang)} ({dt.date.today().year}): {view.title}",
        _("Selection", lang) + ": " + selection,
        _("Source", lang) + ": " + (view.source or "–"),
        _("Retrieved {date} from {address}", lang).format(
            date=format_long_date(dt.date.today(), lang), address=view_address(path, state)
        ),
    ]
    return ". ".join(p.rstrip(".") for p in parts) + "."


def view_block(
    path: str, view: View, state: PageState, *, graph: dcc.Graph | None = None, table: Component | None = None
) -> html.Div:
    """The view with its toolbar; a chart gets a chart/table switch, a table is shown as a table.

    ``graph``: the chart's component when the page needs its own settings; ``table``: the table the switch
    shows when the page has a better one than all of the view's numbers (the exports still have them all)."""
    lang = state.lang
    table = table or data_table(view.table, view.title, lang)
    if view.figure is not None:
        graph = graph or dcc.Graph(id=view.id, figure=view.figure, config=graph_config(lang))
        body = html.Div(
            [
                _switch(view.id, lang),
                html.Div(graph, className="view-chart"),
                html.Div(table, className="view-table-pane table-responsive"),
            ]
        )
    else:
        body = html.Div(table, className="table-responsive")
    return html.Div(
        [
            toolbar(path, view, state),
            body,
            html.P(_selection(state), className="small text-muted view-selection mb-2"),
        ],
        className="view-block mb-3",
        id=f"{view.id}-block",
    )


def _switch(view_id: str, lang: str) -> html.Fieldset:
    """Chart or table: which one shows follows the checked radio button, in CSS (assets/app.css): no round
    trip, and a printed page shows both."""
    return html.Fieldset(
        [
            html.Legend(_("Show as", lang), className="visually-hidden"),
            dbc.RadioItems(
                id=f"{view_id}-show",
                options=[
                    {"label": _("Chart", lang), "value": "chart"},
                    {"label": _("Table", lang), "value": "table"},
                ],
                value="chart",
                inline=True,
                className="btn-group",
                input_class_name="btn-check",
                label_class_name="btn btn-sm btn-outline-secondary",
                label_checked_class_name="active",
            ),
        ],
        className="view-switch mb-1",
    )


def _selection(state: PageState) -> list:
    lang = state.lang
    return [html.Span(_("Selection", lang) + ": ", className="fw-semibold"), state.describe() or _("Everyone", lang)]


class StandingBlock:
    """A chart's view block laid out once with its page; the page's main callback fills its parts.

    Dash draws an output's new ``children`` from scratch, so a chart inside a page's content is a new Plotly
    plot, and a new DOM, on every change of state: on Kommune six of them per change of municipality (issue
    21 §5). A standing block stays: the callback sends the chart's ``figure`` (Plotly updates the plot in
    place), its toolbar, its table and the selection, or hides the block when the page has no such view.
    The chart/table choice stays as the reader left it. The markup is ``view_block``'s."""

    def __init__(self, view_id: str):
        self.id = view_id
        self._tools, self._table, self._selection, self._block = (
            f"{view_id}-tools",
            f"{view_id}-table-pane",
            f"{view_id}-selection",
            f"{view_id}-block",
        )

    def layout(self, lang: str) -> html.Div:
        return html.Div(
            [
                html.Div(id=self._tools, className="view-tools"),
                html.Div(
                    [
                        _switch(self.id, lang),
                        html.Div(dcc.Graph(id=self.id, config=graph_config(lang)), className="view-chart"),
                        html.Div(id=self._table, className="view-table-pane table-responsive"),
                    ]
                ),
                html.P(id=self._selection, className="small text-muted view-selection mb-2"),
            ],
            className="view-block mb-3",
            id=self._block,
            hidden=True,
        )

    def outputs(self) -> dict[str, Output]:
        """The main callback's outputs that fill the block, by name."""
        return {
            f"{self.id}.tools": Output(self._tools, "children"),
            f"{self.id}.figure": Output(self.id, "figure"),
            f"{self.id}.table": Output(self._table, "children"),
            f"{self.id}.selection": Output(self._selection, "children"),
            f"{self.id}.hidden": Output(self._block, "hidden"),
        }

    def hidden(self) -> dict[str, Any]:
        """The outputs that hide the block (its chart stays as it was, out of sight)."""
        return {f"{self.id}.hidden": True}


def toolbar(path: str, view: View, state: PageState) -> html.Div:
    lang = state.lang

    def item(fmt: str, address: str) -> dbc.DropdownMenuItem:
        return dbc.DropdownMenuItem(
            _(FORMAT_LABELS[fmt], lang), href=address, external_link=True, className=f"export-{fmt}"
        )

    images = (
        [item(fmt, image_address(path, state, fmt, view.id)) for fmt in ("png", "svg", "pdf")]
        if view.figure is not None
        else []
    )
    data = [item(fmt, data_address(path, state, fmt, view.id)) for fmt in ("csv", "xlsx", "json", "zip")]
    items = [*images, *([dbc.DropdownMenuItem(divider=True)] if images else []), *data]
    address = view_address(path, state)
    copy_data: dict[str, Any] = {"data-address": address, "data-chart": view.id, "data-done": _("copied", lang)}
    present = path + export_query(state, chart=view.id) + "&present=1"
    return html.Div(
        [
            dbc.DropdownMenu(
                items,
                label=_("Download", lang),
                size="sm",
                color="secondary",
                className="export-menu",
                id=f"{view.id}-download",
                toggle_style={"minHeight": "32px"},
            ),
            html.Button(  # assets/copy_link.js copies, adding the chart/table choice
                [
                    _("Copy link", lang),
                    html.Span(className="copy-status ms-1", role="status"),
                ],
                type="button",
                className="copy-link btn btn-sm btn-outline-secondary",
                id=f"{view.id}-copy-link",
                **copy_data,
            ),
            html.A(  # a page load: the slide stands in for the page
                _("Present", lang) + " ▶",
                href=present,
                className="btn btn-sm btn-outline-secondary present-link",
                id=f"{view.id}-present",
            ),
            html.Details(
                [
                    html.Summary(_("Cite this view", lang), className="btn btn-sm btn-outline-secondary"),
                    html.Div(
                        [
                            html.P(citation(view, state, path), className="small mb-1 citation-text"),
                            dcc.Clipboard(
                                content=citation(view, state, path),
                                title=_("Copy the citation", lang),
                                className="clipboard",
                            ),
                        ],
                        className="citation border rounded p-2 mt-1 bg-light",
                    ),
                ],
                className="cite",
            ),
        ],
        className="view-toolbar d-flex flex-wrap gap-2 align-items-start mb-1",
        role="group",
        **aria(label=_("Download, link and citation: {title}", lang).format(title=view.title)),
    )


def data_table(table: DataTable, caption: str, lang: str) -> html.Table:
    """The view's numbers as a plain table (also the chart's text alternative)."""
    numeric = {c.key for c in table.columns if c.kind != "text"}
    return html.Table(
        [
            html.Caption(caption, className="visually-hidden"),
            html.Thead(
                html.Tr(
                    [
                        html.Th(c.header, scope="col", className="text-end" if c.key in numeric else None)
                        for c in table.columns
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(table.cell_text(row, c, lang), className="text-end" if c.key in numeric else None)
                            for c in table.columns
                        ]
                    )
                    for row in table.rows
                ]
            ),
        ],
        className="table table-sm table-striped view-table",
    )


class Views:
    """A page's view blocks as it builds them, and their views for the exports (``render``'s ``"views"``)."""

    def __init__(self, path: str, state: PageState):
        self.path, self.state = path, state
        self.views: list[View] = []

    def block(self, view: View, graph: dcc.Graph | None = None, table: Component | None = None) -> html.Div:
        self.views.append(view)
        return view_block(self.path, view, self.state, graph=graph, table=table)

    def fill(self, standing: StandingBlock, view: View, table: Component | None = None) -> dict[str, Any]:
        """The outputs that show ``view`` in ``standing`` (a view with a chart), as ``block`` would draw it."""
        assert view.figure is not None and view.id == standing.id, "a standing block shows its own chart"
        self.views.append(view)
        return {
            f"{view.id}.tools": toolbar(self.path, view, self.state),
            f"{view.id}.figure": figure_json(view.figure),
            f"{view.id}.table": table or data_table(view.table, view.title, self.state.lang),
            f"{view.id}.selection": _selection(self.state),
            f"{view.id}.hidden": False,
        }
