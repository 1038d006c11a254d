"""A view's table as one component: the same table as ``view_block.data_table``, at a fraction of the browser's work.

Dash's renderer gives every component its own wrapper and store subscription, and the cost of replacing a
page's content grows faster than its number of components. A table of 106 ages is some 450 components
(a row and a cell each); the Kommune page had about 1 000 of them in its tables' text alternatives, and
redrawing them took most of the five seconds a change of municipality took in the browser (issue 21 §5).

``light_table`` writes the same ``<table>`` (caption, header cells with ``scope``, the same classes and
texts) as markup in one ``dcc.Markdown``: React draws it without Dash's per-component machinery. Every
text is escaped (``&``, ``<``, ``>``, quotes), and so are braces, which the Markdown component's JSX
reader would otherwise take as code: only the markup written here is markup.
"""

from __future__ import annotations

import html

from dash import dcc

from app.web.views import DataTable

_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})


def _text(value: object) -> str:
    return html.escape(str(value), quote=True).translate(_BRACES)


def table_markup(table: DataTable, caption: str, lang: str) -> str:
    """The ``<table>`` of ``data_table``, as one line of HTML (a blank line would end Markdown's HTML block)."""
    numeric = {c.key for c in table.columns if c.kind != "text"}

    def cls(key: str) -> str:
        return ' class="text-end"' if key in numeric else ""

    head = "".join(f'<th scope="col"{cls(c.key)}>{_text(c.header)}</th>' for c in table.columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td{cls(c.key)}>{_text(table.cell_text(row, c, lang))}</td>" for c in table.columns)
        + "</tr>"
        for row in table.rows
    )
    return (
        '<table class="table table-sm table-striped view-table">'
        f'<caption class="visually-hidden">{_text(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def light_table(table: DataTable, caption: str, lang: str) -> dcc.Markdown:
    """``data_table``'s table in one component (for ``Views.block(view, table=...)``)."""
    return dcc.Markdown(
        table_markup(table, caption, lang), dangerously_allow_html=True, dedent=False, className="light-table"
    )


def rows_table(caption: str, header: list[str], body: list[list[str]], class_name: str) -> dcc.Markdown:
    """A table of texts in one component: a caption, a header row (``scope="col"``) and rows whose first cell
    heads the row (``scope="row"``), every text escaped as in ``table_markup``. For pages that wrote such a
    table as ``html.Table`` of a component per cell (Samanhengar: some 400 a render)."""
    head = "".join(f'<th scope="col">{_text(h)}</th>' for h in header)
    rows = "".join(
        f'<tr><th scope="row">{_text(cells[0])}</th>' + "".join(f"<td>{_text(c)}</td>" for c in cells[1:]) + "</tr>"
        for cells in body
    )
    markup = (
        f'<table class="{_text(class_name)}"><caption>{_text(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )
    return dcc.Markdown(markup, dangerously_allow_html=True, dedent=False, className="light-table")
