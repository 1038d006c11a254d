"""A view's table as one component: the same table as view_block.data_table, every text escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from dash import dcc

from app.web.views import SUPPRESSED, Column, DataTable
from app.web.views.block import data_table
from app.web.views.light_table import light_table, table_markup

TABLE = DataTable(
    [Column("group", "Gruppe <b>&</b> {x}"), Column("value", "Andel (%)", "percent"), Column("n", "n", "integer")],
    [
        {"group": "<script>alert(1)</script>", "value": 12.3, "n": 1234},
        {"group": 'Kvam "{ikkje kode}"', "value": None, "n": 4, SUPPRESSED: {"value", "n"}},
    ],
)


class _Cells(HTMLParser):
    """(tag, attributes, text) of every caption and cell, in order."""

    def __init__(self):
        super().__init__()
        self.cells: list[list] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        if tag in ("caption", "th", "td"):
            self.cells.append([tag, dict(attrs), ""])
            self._open = True

    def handle_endtag(self, tag):
        if tag in ("caption", "th", "td"):
            self._open = False

    def handle_data(self, data):
        if self._open:
            self.cells[-1][2] += data


def _components_cells(component) -> list:
    found = []

    def walk(c):
        if isinstance(c, list):
            for x in c:
                walk(x)
            return
        if not hasattr(c, "_type"):
            return
        tag = c._type.lower()
        if tag in ("caption", "th", "td"):
            attrs = {"class": c.className} if getattr(c, "className", None) else {}
            if getattr(c, "scope", None):
                attrs["scope"] = c.scope
            found.append([tag, attrs, c.children])
            return
        walk(getattr(c, "children", None))

    walk(component)
    return found


def test_the_light_table_has_the_cells_texts_and_classes_of_the_components_table():
    for lang in ("nb", "nn", "en"):
        parser = _Cells()
        parser.feed(table_markup(TABLE, "Tittel <i>", lang))
        assert parser.cells == _components_cells(data_table(TABLE, "Tittel <i>", lang))


def test_every_text_is_escaped_braces_too():
    markup = table_markup(TABLE, "Tittel {x}", "nb")
    assert "<script>" not in markup and "<b>" not in markup and "&lt;script&gt;" in markup
    assert not re.search(r"[{}]", markup)  # the Markdown component's JSX reader would run them as code
    assert "\n" not in markup  # a blank line would end Markdown's HTML block


def test_it_is_one_component():
    component = light_table(TABLE, "Tittel", "nb")
    assert isinstance(component, dcc.Markdown) and component.dangerously_allow_html
    assert 'class="table table-sm table-striped view-table"' in component.children
