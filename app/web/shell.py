"""The frame around every page: skip link, navigation, language switch, router, footer."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from app.config import LANGUAGES
from app.language import N_
from app.language import gettext as _
from app.web.kit import urls
from app.web.kit.components import aria, friendly
from app.web.kit.site import EXTENSION as SITE
from app.web.kit.site import installed
from app.web.server import auth
from app.web.server.response_cache import do_not_cache_this_response
from app.web.views import present
from app.web.views import save as save_view

URL = "shell-url"
NAV = "shell-nav"
FOOTER = "shell-footer"
MAIN = "main-content"
PAGE = "shell-page"
TITLE_SINK = "shell-title-sink"
TITLE = "shell-title"  # the browser tab's title, in the page's language
SKIP = "shell-skip-link"
NAV_TOGGLE = "shell-nav-toggle"
NAV_COLLAPSE = "shell-nav-collapse"
SAVE_HOST = "shell-save-view"
SLIDE_HOST = "shell-slide"
ROUTED = "shell-routed"  # which page the main area shows, so a change of its path parameter does not redraw it
ACCOUNT = "shell-account"
SITE_NAME = N_("Remote work in the region")

LANGUAGE_NAMES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}


def language_from_search(search: str | None, default: str) -> str:
    """The ``lang`` query parameter if it is a supported language, else the default."""
    value = urls.parse(search).get("lang")
    return value if value in LANGUAGES else default


def layout(default_lang: str) -> html.Div:
    return html.Div(
        [
            dcc.Location(id=URL, refresh=False),
            dcc.Store(id=TITLE_SINK),
            dcc.Store(id=TITLE),
            dcc.Store(id=ROUTED),
            html.A(_("Skip to main content", default_lang), href=f"#{MAIN}", className="skip-link", id=SKIP),
            html.Header(id=NAV, children=navigation("/", "", default_lang, default_lang)),
            dcc.Store(id=save_view.KNOWN_DECKS, storage_type="local"),
            html.Div(  # one thin row: who is logged in, and saving the view (the page's answer comes sooner)
                [html.Div(id=ACCOUNT, className="account-bar"), html.Div(id=SAVE_HOST, className="ms-auto")],
                className="container-xl d-flex flex-wrap align-items-center gap-2 shell-bar",
            ),
            html.Main(
                [html.Div(id=SLIDE_HOST), html.Div(id=PAGE)], id=MAIN, tabIndex="-1", className="container-xl py-3"
            ),
            html.Footer(id=FOOTER, children=footer(default_lang), className="container-xl py-3 small"),
        ]
    )


def navigation(pathname: str, search: str, lang: str, default_lang: str) -> html.Nav:
    chosen = None if lang == default_lang else lang
    links = [
        dbc.NavItem(
            dbc.NavLink(_(page.title, lang), href=urls.link(page.path, chosen), active=page.match(pathname) is not None)
        )
        for page in installed()
        if page.role is None and page.in_navigation  # the editing pages are reached from the account bar
    ]
    switch = html.Div(
        [
            html.A(
                LANGUAGE_NAMES[code],
                href=pathname + urls.with_changes(search, lang=code),
                lang=code,
                hrefLang=code,
                className="lang-link" + (" active" if code == lang else ""),
                **(aria(current="true") if code == lang else {}),
            )
            for code in LANGUAGES
        ],
        className="language-switch",
        role="group",
        **aria(label=_("Language", lang)),
    )
    navbar = dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(_(SITE_NAME, lang), href=urls.link("/", chosen)),
                # on a phone the links and languages fold behind one button
                html.Button(
                    html.Span(className="navbar-toggler-icon"),
                    id=NAV_TOGGLE,
                    className="navbar-toggler",
                    type="button",
                    **aria(label=_("Menu", lang), controls=NAV_COLLAPSE),
                ),
                dbc.Collapse(
                    [dbc.Nav(links, navbar=True, className="me-auto flex-wrap"), switch],
                    id=NAV_COLLAPSE,
                    navbar=True,
                    is_open=False,
                ),
            ],
            fluid="xl",
        ),
        color="primary",
        dark=True,
        tag="div",
        className="mb-2",
    )
    return html.Nav(navbar, **aria(label=_("Main navigation", lang)))


def footer(lang: str) -> list:
    return [
        html.P(
            _(
                "Municipal boundaries © Kartverket (CC BY 4.0). Population and centrality: "
                "Statistics Norway (CC BY 4.0). Postal codes: Posten Bring, postal code register.",
                lang,
            )
        ),
    ]


def account_bar(who, pathname: str, search: str, lang: str) -> list:
    """Log in, or who is logged in with the editing pages their role opens and a logout button."""
    if who is None:
        return [html.A(_("Log in", lang), href=urls.login(lang, urls.here(pathname, search)), id="account-login")]
    links = [
        html.A(_(page.title, lang), href=urls.link(page.path, lang), className="ms-3")
        for page in installed()
        if page.role is not None and page.opens_for(who)
    ]
    logout = html.Form(
        [
            dcc.Input(type="hidden", name=auth.CSRF_FIELD, value=auth.csrf_token()),
            html.Button(
                _("Log out", lang), type="submit", className="btn btn-link p-0 ms-3 align-baseline", id="account-logout"
            ),
        ],
        method="POST",
        action=auth.LOGOUT_PATH,
        className="d-inline",
    )
    role = _role_words(who, lang)
    return [
        html.Span(_("Logged in as {name} ({role})", lang).format(name=who.name, role=role), id="account-name"),
        *links,
        logout,
    ]


def _role_words(who, lang: str) -> str:
    """ "administrator", or "editor in Hardangerrådet", … (the national role first, then each region's)."""
    words = {"admin": _("administrator", lang), "editor": _("editor", lang)}
    parts = [words[who.role]] if who.role else []
    parts += [_("{role} in {region}", lang).format(role=words[held.role], region=held.name) for held in who.regions]
    return ", ".join(parts) or _("no role", lang)


def login_needed(pathname: str, search: str, lang: str, logged_in: bool) -> html.Div:
    text = (
        _("Your role does not give access to this page.", lang)
        if logged_in
        else _("Log in as an editor or administrator to use this page.", lang)
    )
    return html.Div(
        [
            html.H1(_("Login needed", lang)),
            html.P(text, id="login-needed"),
            html.P(html.A(_("Log in", lang), href=urls.login(lang, urls.here(pathname, search)))),
        ]
    )


def title(pathname: str | None, lang: str) -> str:
    """The browser tab's title: the page's name, then the site's, in the page's language."""
    page = installed().for_path(pathname)
    name = _(page.title, lang) if page else _("Page not found", lang)
    return f"{name} – {_(SITE_NAME, lang)}"


def not_found(lang: str) -> html.Div:
    return html.Div([html.H1(_("Page not found", lang)), html.P(dcc.Link(_("Go to the overview", lang), href="/"))])


def register_callbacks(app: dash.Dash, default_lang: str) -> None:
    @app.callback(
        Output(NAV, "children"),
        Output(FOOTER, "children"),
        Output(SKIP, "children"),
        Output(TITLE, "data"),
        Output(SAVE_HOST, "children"),
        Input(URL, "pathname"),
        Input(URL, "search"),
    )
    def _render_frame(pathname, search):
        lang = language_from_search(search, default_lang)
        frame = [navigation(pathname or "/", search or "", lang, default_lang)]
        requested = urls.parse(search).get("lang")
        if requested is not None and requested not in LANGUAGES:
            frame.append(
                dbc.Alert(
                    _("The language in the address is not available; the page is shown in {language}.", lang).format(
                        language=LANGUAGE_NAMES[lang]
                    )
                    + f" (lang={requested[:20]})",
                    color="info",
                    dismissable=True,
                    className="container-xl url-notice language-notice",
                )
            )
        page = installed().for_path(pathname)
        savable = page is not None and page.has_views and not present.presenting(search)
        bar = save_view.bar(lang) if savable else None
        return frame, footer(lang), _("Skip to main content", lang), title(pathname, lang), bar

    @app.callback(
        Output(PAGE, "children"),
        Output(ROUTED, "data"),
        Input(URL, "pathname"),
        State(URL, "search"),
        State(ROUTED, "data"),
    )
    def _route(pathname, search, routed):
        """Render the page for ``pathname``. Later changes of its query string, and of its path parameters
        (``/kommune/4622`` → ``/kommune/4621``), are the page's own business."""
        lang = language_from_search(search, default_lang)
        page = installed().for_path(pathname)
        if present.presenting(search):
            return None, None  # the slide stands in for the page (see _slide)
        if page is None:
            return not_found(lang), None
        if page.path_params and routed == page.name:
            return no_update, no_update  # the page's own address changed: it redraws what changed
        return _page_layout(page, pathname, search, lang), page.name

    def _page_layout(page, pathname, search, lang):
        if page.role is not None:  # an editing page: for whom it is, never from the response cache
            do_not_cache_this_response()
            who = auth.account()
            if not page.opens_for(who):
                return login_needed(pathname, search, lang, logged_in=who is not None)
        if page.state is not None:  # the page's state comes with its first callback
            return friendly(page.layout)(lang)
        return friendly(page.layout)(lang, search or "")

    @app.callback(Output(SLIDE_HOST, "children"), Input(URL, "pathname"), Input(URL, "search"))
    def _slide(pathname, search):
        """Presentation mode (``?present=1``): the view as a slide instead of the page."""
        if not present.presenting(search):
            return None
        if "deck=" in (search or ""):
            do_not_cache_this_response()  # a deck changes without a new data version
        return present.slide(pathname, search, language_from_search(search, default_lang))

    @app.callback(Output(ACCOUNT, "children"), Input(URL, "pathname"), Input(URL, "search"))
    def _account(pathname, search):
        do_not_cache_this_response()  # whose it is
        if present.presenting(search):
            return None
        return account_bar(auth.account(), pathname or "/", search or "", language_from_search(search, default_lang))

    save_view.register_callbacks(app, URL, lambda search: language_from_search(search, default_lang))
    app.clientside_callback(
        """function(search) {
            document.body.classList.toggle("presenting", /[?&]present=1(&|$)/.test(search || ""));
            return null;
        }""",
        Output(TITLE_SINK, "data", allow_duplicate=True),
        Input(URL, "search"),
        prevent_initial_call="initial_duplicate",
    )
    app.clientside_callback(
        """function(title) { if (title) { document.title = title; } return null; }""",
        Output(TITLE_SINK, "data", allow_duplicate=True),
        Input(TITLE, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        """function(clicks, open) { return clicks ? !open : open; }""",
        Output(NAV_COLLAPSE, "is_open"),
        Input(NAV_TOGGLE, "n_clicks"),
        State(NAV_COLLAPSE, "is_open"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        """function(pathname, search) {
            const m = /[?&]lang=(nb|nn|en)\\b/.exec(search || "");
            if (m) { document.documentElement.lang = m[1]; }
            return null;
        }""",
        Output(TITLE_SINK, "data"),
        Input(URL, "pathname"),
        Input(URL, "search"),
    )


def register_not_found(app: dash.Dash) -> None:
    """An address that is no page answers 404 (with the app, which says so in the page's language)."""
    from flask import request

    server = app.server

    @server.before_request
    def _not_found():
        path = request.path.rstrip("/") or "/"
        site = app.server.extensions[SITE]
        page, given = site.locate(path)
        if page is not None and given and request.method == "GET":
            return None if _path_values_known(page, path) else (app.index(), 404)
        if request.method != "GET" or page is not None or _served_by_dash(path) or _own_route(request.url_rule):
            return None
        return app.index(), 404


def _path_values_known(page, path: str) -> bool:
    """``/kommune/4622`` names a municipality there is, ``/region/hardangerradet`` a region (``/kommune/46`` does
    not: a 404, not a notice)."""
    from flask import current_app

    from app.db.session import session_scope

    try:
        with session_scope() as session:
            state = page.state.parse(session, current_app.config["FJERNARBEID"], page.query_for(path, ""))
    except Exception:  # noqa: BLE001 - the database is away: the page says so, in its own words
        return True
    return not any(name in page.path_params for name, _text in state.ignored)


def _own_route(rule) -> bool:
    """A route of the server's own (the login page, data addresses …), not Dash's catch-all for pages."""
    return rule is not None and "<path:" not in rule.rule and rule.rule != "/"


def _served_by_dash(path: str) -> bool:
    """Dash's own routes, the assets, and the server's routes (health, …) are not pages."""
    return path.startswith(("/_", "/assets", "/health")) or "." in path.rsplit("/", 1)[-1]
