"""Endringslogg: what was changed, by whom and when, with the values before and after; for admins.

The page shows the newest 500 changes; ``/admin/endringslogg.csv`` gives all of them (admins only,
spreadsheet formulas neutralised like every other export).
"""

from __future__ import annotations

import csv
import io
import json

from dash import dcc, html
from flask import Flask, Response

from app.db.audit import entries
from app.db.session import session_scope
from app.language import N_
from app.language import gettext as _
from app.web.kit.components import aria
from app.web.kit.site import Page
from app.web.server import auth
from app.web.views.export import safe_text

PATH = "/admin/endringslogg"
NAME = N_("Change log")
ROLE = "admin"
CSV_PATH = "/admin/endringslogg.csv"
SHOWN = 500

TABLE = "audit-table"


def _values(values: dict | None) -> str:
    return "" if values is None else json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)


def layout(lang: str, search: str = "") -> html.Div:
    """Drawn only for admins: the shell checks the page's ROLE before it calls this."""
    with session_scope() as session:
        rows = entries(session, SHOWN)
        body = [
            html.Tr(
                [
                    html.Td(f"{e.at:%d.%m.%Y %H:%M:%S}"),
                    html.Td(e.actor),
                    html.Td(e.action),
                    html.Td(f"{e.entity} {e.entity_id or ''}".strip()),
                    html.Td(html.Code(_values(e.before)), className="audit-values"),
                    html.Td(html.Code(_values(e.after)), className="audit-values"),
                ]
            )
            for e in rows
        ]
    head = html.Thead(
        html.Tr(
            [
                html.Th(_(text, lang), scope="col")
                for text in (N_("When"), N_("Who"), N_("What"), N_("Record"), N_("Before"), N_("After"))
            ]
        )
    )
    return html.Div(
        [
            html.H1(_("Change log", lang)),
            html.P(
                _(
                    "Every change made in the dashboard or with the command line: coworking spaces, measure progress, "
                    "presentations and users. The newest {count} are shown.",
                    lang,
                ).format(count=SHOWN)
            ),
            html.P(dcc.Link(_("Download the whole log (CSV)", lang), href=CSV_PATH, refresh=True, id="audit-csv")),
            html.Div(
                html.Table([head, html.Tbody(body)], className="table table-sm", id=TABLE),
                className="table-responsive",
                tabIndex="0",
                role="region",
                **aria(label=_("Change log", lang)),
            ),
        ]
    )


def register_callbacks(app) -> None:
    """The page has no callbacks of its own; the CSV is a route of the server."""
    register_routes(app.server)


def register_routes(server: Flask) -> None:
    @server.route(CSV_PATH)
    def _audit_csv() -> Response:
        auth.require_national(ROLE)
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["at", "actor", "action", "entity", "entity_id", "before", "after"])
        with session_scope() as session:
            for e in entries(session, limit=1_000_000):
                writer.writerow(
                    [
                        safe_text(str(v))
                        for v in (
                            e.at.isoformat(),
                            e.actor,
                            e.action,
                            e.entity,
                            e.entity_id or "",
                            _values(e.before),
                            _values(e.after),
                        )
                    ]
                )
        response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
        response.headers["Content-Disposition"] = 'attachment; filename="endringslogg.csv"'
        response.headers["Cache-Control"] = "no-store"
        return response


PAGE = Page(
    name="audit", path=PATH, title=NAME, layout=layout, register_callbacks=register_callbacks, role=ROLE, national=True
)
