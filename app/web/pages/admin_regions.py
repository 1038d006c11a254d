"""Regioner: national administrators make a region (a regional council) from a name, a slug and its member
municipalities, and see every region with its members and how many accounts hold roles in it.

The region is made by ``app.db.regions.add_region`` as on the command line (``fjernarbeid regions add``): the
same checks, the member rows, a copy of the measures catalogue's template, and the change log. It checks that
the account is a national admin itself (``app.db.access.check_national``); the callback asks first too. There
is no list of Norway's regional councils with their members in this installation's data (README, "The list
of councils"): the members are picked by hand from today's municipalities.
"""

from __future__ import annotations

import uuid

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from app.db.regions import RegionError, RegionInfo, add_region, list_regions
from app.db.session import session_scope
from app.language import N_, format_number
from app.language import gettext as _
from app.query.municipality import municipalities
from app.web.kit import urls
from app.web.kit.components import aria, dropdown_labels, page_language
from app.web.kit.page_state import parse_search
from app.web.kit.site import Page, installed
from app.web.server import auth
from app.web.server.response_cache import do_not_cache_this_response

PATH = "/admin/regioner"
NAME = N_("Regions")
ROLE = "admin"

URL = "regions-url"
NAME_FIELD = "regions-name"
SLUG_FIELD = "regions-slug"
MEMBERS_FIELD = "regions-members"
SAVE = "regions-save"
MESSAGE = "regions-message"
LIST = "regions-list"
TABLE = "regions-table"

LABELS = {
    "name": N_("Name"),
    "slug": N_("Short name in addresses (slug)"),
    "municipalities": N_("Member municipalities"),
}
FIELD_IDS = {"name": NAME_FIELD, "slug": SLUG_FIELD, "municipalities": MEMBERS_FIELD}


def layout(lang: str, search: str = "") -> html.Div:
    """Drawn only for national admins: the shell checks the page's role before it calls this."""
    with session_scope() as session:
        places = municipalities(session)
        regions = list_regions(session)
    names = {number: name for number, name, _slug in places}
    options = [{"label": f"{name} ({number})", "value": number} for number, name, _slug in places]
    return html.Div(
        [
            dcc.Location(id=URL, refresh=False),
            html.H1(_("Regions", lang)),
            html.P(
                _(
                    "A region is a regional council: its municipalities, its accounts' roles, its own measures "
                    "catalogue (a copy of the report's template, made with the region) and its start page.",
                    lang,
                )
            ),
            html.P(
                _(
                    "This installation has no list of the regional councils and their members to pick from, so the "
                    "members are picked by hand from today's municipalities.",
                    lang,
                ),
                className="small text-muted",
                id="regions-source-note",
            ),
            html.H2(_("Make a region", lang), className="h4 mt-4"),
            html.Div(id=MESSAGE),
            dbc.Row(
                [
                    dbc.Col(_input(lang, "name", NAME_FIELD, 120), md=6),
                    dbc.Col(
                        _input(
                            lang,
                            "slug",
                            SLUG_FIELD,
                            60,
                            _("Lower-case letters a–z, digits, - and _; the start page is /region/<slug>.", lang),
                        ),
                        md=6,
                    ),
                ]
            ),
            html.Div(
                [
                    html.Label(
                        _(LABELS["municipalities"], lang),
                        htmlFor=MEMBERS_FIELD,
                        className="form-label fw-semibold",
                        id=f"{MEMBERS_FIELD}-label",
                    ),
                    dcc.Dropdown(
                        id=MEMBERS_FIELD,
                        options=options,
                        value=[],
                        multi=True,
                        searchable=True,
                        placeholder=_("Type a municipality's name or number", lang),
                        labels=dropdown_labels(lang),
                    ),
                ],
                className="mb-3",
            ),
            dbc.Button(_("Make the region", lang), id=SAVE, color="primary", className="mb-4"),
            html.H2(_("The regions", lang), className="h4 mt-2"),
            html.Div(_region_table(regions, names, lang, urls.language_kept(search, lang)), id=LIST),
        ]
    )


def _input(lang: str, name: str, component_id: str, max_length: int, help_text: str | None = None) -> html.Div:
    parts = [
        dbc.Label(_(LABELS[name], lang), html_for=component_id, className="fw-semibold"),
        dbc.Input(id=component_id, type="text", maxLength=max_length, value=""),
    ]
    if help_text:
        parts.append(dbc.FormText(help_text))
    return html.Div(parts, className="mb-3")


def _region_table(regions: list[RegionInfo], names: dict[str, str], lang: str, kept: str | None) -> html.Div | html.P:
    """Every region with its members and how many accounts hold roles in it; each links to its start page
    (``kept``: the language the address names, or None)."""
    if not regions:
        return html.P(_("There are no regions yet.", lang))
    start = installed().path_of("region")
    head = html.Thead(
        html.Tr(
            [
                html.Th(_(text, lang), scope="col")
                for text in (N_("Region"), N_("Slug"), N_("Member municipalities"), N_("Accounts with roles in it"))
            ]
        )
    )
    rows = [
        html.Tr(
            [
                html.Th(dcc.Link(r.name, href=urls.link(f"{start}/{r.slug}", kept)), scope="row"),
                html.Td(html.Code(r.slug)),
                html.Td(
                    ", ".join(f"{names.get(n, n)} ({n})" for n in sorted(r.members, key=lambda n: names.get(n, n)))
                ),
                html.Td(format_number(r.accounts, lang)),
            ],
            id=f"regions-row-{r.slug}",
        )
        for r in regions
    ]
    return html.Div(
        html.Table([head, html.Tbody(rows)], className="table table-sm", id=TABLE),
        className="table-responsive",
        tabIndex="0",
        role="region",
        **aria(label=_("The regions", lang)),
    )


def _summary(error: RegionError, lang: str) -> html.Div:
    """Designsystemet's error summary (as ``app.web.kit.forms.error_summary`` draws it) for the region's one
    problem, linking to its field."""
    text = _(error.message_id or str(error), lang).format(**error.values)
    field = FIELD_IDS.get(getattr(error, "field", ""), NAME_FIELD)
    label = _(LABELS.get(getattr(error, "field", ""), LABELS["name"]), lang)
    return html.Div(
        [
            html.H2(_("Nothing was saved. Correct the marked fields.", lang), className="ds-heading"),
            html.Ul(html.Li(html.A(f"{label}: {text}", href="#" + field, className="ds-link")), className="ds-list"),
        ],
        className="ds-error-summary",
        id=f"error-summary-{uuid.uuid4().hex[:12]}",  # new each time: assets/error_summary.js focuses a new one
        tabIndex="-1",
    )


def register_callbacks(app) -> None:
    @app.callback(
        Output(MESSAGE, "children"),
        Output(LIST, "children"),
        Output(NAME_FIELD, "invalid"),
        Output(SLUG_FIELD, "invalid"),
        Output(NAME_FIELD, "value"),
        Output(SLUG_FIELD, "value"),
        Output(MEMBERS_FIELD, "value"),
        Input(SAVE, "n_clicks"),
        State(NAME_FIELD, "value"),
        State(SLUG_FIELD, "value"),
        State(MEMBERS_FIELD, "value"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _make(clicks, name, slug, members, search):
        do_not_cache_this_response()
        if not clicks:
            raise PreventUpdate
        who = auth.require_national(ROLE)
        lang = page_language(parse_search(search).get("lang"))
        chosen = [m for m in members if isinstance(m, str)] if isinstance(members, list) else []
        try:
            with session_scope() as session:
                made = add_region(
                    session,
                    slug if isinstance(slug, str) else "",
                    name if isinstance(name, str) else "",
                    chosen,
                    who,
                )
        except RegionError as error:
            return (
                _summary(error, lang),
                no_update,
                error.field == "name",
                error.field == "slug",
                no_update,
                no_update,
                no_update,
            )
        with session_scope() as session:
            names = {number: title for number, title, _slug in municipalities(session)}
            table = _region_table(list_regions(session), names, lang, urls.language_kept(search, lang))
        start = urls.link(f"{installed().path_of('region')}/{made.slug}", urls.language_kept(search, lang))
        message = dbc.Alert(
            [
                _("Region {name} made with {count} municipalities and its own measures catalogue.", lang).format(
                    name=made.name, count=len(made.members)
                ),
                " ",
                dcc.Link(_("Go to its start page", lang), href=start, className="alert-link"),
            ],
            color="success",
            id="regions-made",
        )
        return message, table, False, False, "", "", []


PAGE = Page(
    name="admin_regions",
    path=PATH,
    title=NAME,
    layout=layout,
    register_callbacks=register_callbacks,
    role=ROLE,
    national=True,
)
