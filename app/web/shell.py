"""The frame around every page: skip link, navigation, language switch, footer."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from app.config import LANGUAGES
from app.web.i18n import gettext as _

URL = "shell-url"
NAV = "shell-nav"
FOOTER = "shell-footer"
MAIN = "main-content"
LANG_SINK = "shell-lang-sink"

LANGUAGE_NAMES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}


def language_from_search(search: str | None, default: str) -> str:
    """The ``lang`` query parameter if it is a supported language, else the default."""
    values = parse_qs((search or "").lstrip("?")).get("lang", [])
    return values[0] if values and values[0] in LANGUAGES else default


def with_language(search: str | None, lang: str) -> str:
    params = parse_qs((search or "").lstrip("?"))
    params["lang"] = [lang]
    return "?" + urlencode(params, doseq=True)


def layout(default_lang: str) -> html.Div:
    return html.Div(
        [
            dcc.Location(id=URL, refresh="callback-nav"),
            dcc.Store(id=LANG_SINK),
            html.A(_("Skip to main content", default_lang), href=f"#{MAIN}", className="skip-link"),
            html.Header(id=NAV, children=navigation("/", "", default_lang, default_lang)),
            html.Main(dash.page_container, id=MAIN, tabIndex="-1", className="container-xl py-3"),
            html.Footer(id=FOOTER, children=footer(default_lang), className="container-xl py-3 small"),
        ]
    )


def navigation(pathname: str, search: str, lang: str, default_lang: str) -> html.Nav:
    query = "" if lang == default_lang else f"?lang={lang}"
    links = [
        dbc.NavItem(
            dbc.NavLink(
                _(page["name"], lang),
                href=page["relative_path"] + query,
                active=pathname == page["relative_path"],
            )
        )
        for page in dash.page_registry.values()
    ]
    switch = html.Nav(
        [
            html.A(
                LANGUAGE_NAMES[code],
                href=pathname + with_language(search, code),
                lang=code,
                hrefLang=code,
                className="lang-link" + (" active" if code == lang else ""),
                **({"aria-current": "true"} if code == lang else {}),
            )
            for code in LANGUAGES
        ],
        className="language-switch",
        **{"aria-label": _("Language", lang)},
    )
    navbar = dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(_("Remote work in the region", lang), href="/" + query),
                dbc.Nav(links, navbar=True, className="me-auto"),
                switch,
            ],
            fluid="xl",
        ),
        color="primary",
        dark=True,
        tag="div",
        className="mb-2",
    )
    return html.Nav(navbar, **{"aria-label": _("Main navigation", lang)})


def footer(lang: str) -> list:
    return [
        html.P(
            _("Municipal boundaries © Kartverket (CC BY 4.0). Population and centrality: "
              "Statistics Norway (CC BY 4.0). Postal codes: Posten Bring, postal code register.", lang)
        ),
    ]


def register_callbacks(app: dash.Dash, default_lang: str) -> None:
    @app.callback(
        Output(NAV, "children"),
        Output(FOOTER, "children"),
        Input(URL, "pathname"),
        Input(URL, "search"),
    )
    def _render_frame(pathname, search):
        lang = language_from_search(search, default_lang)
        return navigation(pathname or "/", search or "", lang, default_lang), footer(lang)

    app.clientside_callback(
        """function(search) {
            const m = /[?&]lang=(nb|nn|en)\\b/.exec(search || "");
            document.documentElement.lang = m ? m[1] : document.documentElement.lang;
            return window.dash_clientside.no_update;
        }""",
        Output(LANG_SINK, "data"),
        Input(URL, "search"),
    )
