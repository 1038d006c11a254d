"""Who is asking: login, logout, the session, roles checked on the server, and CSRF protection.

- **Sessions** are Flask's signed cookies, ``HttpOnly`` and ``SameSite=Lax``, ``Secure`` over HTTPS
  (``FJERNARBEID_SECURE_COOKIES``). A logged-in session holds only the secret of a ``user_session``
  row, checked on every request: logout deletes the row (a copy of the cookie is worthless after it),
  and changing the password or the role, or disabling the user, deletes all of the user's rows.
- **Failed logins** back off per typed name and client address (``app/db/users.py``); the client
  address is the connection's, or with ``FJERNARBEID_TRUSTED_PROXIES`` the one the proxies name.
- **Roles are checked where the write happens**: every write callback and route calls
  ``require(role)`` (the role nationally or in some region) or ``require_national(role)``, which answer
  401 without a login and 403 with too weak a role; and the write itself asks ``app.db.access`` whether
  the account's regions reach the record, which raises ``NotAllowed``, answered 403 here. Hiding a
  button, or leaving a place out of a form, is only a courtesy.
- **CSRF**: the session holds a random token, also given to the page in the ``_csrf_token`` cookie.
  Dash's renderer sends that cookie's value in the ``X-CSRFToken`` header of every callback, and the
  login and logout forms carry it in a hidden field. A request that changes something while logged
  in (any POST) without the matching token is refused with 403; so is a login without it.
- **Reading may need a login too** (``FJERNARBEID_REQUIRE_LOGIN=1``): then everything but the login
  page, the static files Dash needs to draw it, and ``/health`` answers 401 (callbacks, data) or
  redirects to the login page (pages).

The login page is a plain server-rendered form, not a Dash page, so it works the same when reading
needs a login, and it is never served from the response cache. With single sign-on configured
(``FJERNARBEID_OIDC_*``, ``app/web/server/oidc.py``) it also offers "Log in with <provider>"; such a login
ends in the same kind of session, and logging out of it offers the provider's logout as well.
"""

from __future__ import annotations

import logging
import math
import secrets
from urllib.parse import urlencode, urlsplit

from flask import Flask, Request, Response, g, has_request_context, make_response, redirect, request, session
from flask.sessions import SecureCookieSessionInterface
from markupsafe import escape
from werkzeug.exceptions import Forbidden, Unauthorized
from werkzeug.wrappers import Response as BaseResponse

from app.config import LANGUAGES, Config
from app.db.access import NotAllowed
from app.db.session import session_scope
from app.db.users import (
    SESSION_LIFETIME,
    Account,
    SsoRefused,
    TooManyAttempts,
    authenticate,
    current_account,
    end_session,
    sso_login,
    start_session,
)
from app.db.visibility import Audience, audience, audience_of, reset_audience, set_audience
from app.language import error_text
from app.language import gettext as _
from app.web.kit import urls
from app.web.kit.urls import LOGIN_PATH
from app.web.server import oidc

log = logging.getLogger(__name__)

LOGOUT_PATH = "/logg-ut"
CSRF_COOKIE = "_csrf_token"  # the name Dash's renderer reads
CSRF_HEADER = "X-CSRFToken"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# What must answer without a login even when reading needs one: the login page and what draws it.
OPEN_PREFIXES = ("/assets/", "/health", LOGIN_PATH, "/_favicon")


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, ``Secure`` when the request came over HTTPS (or always/never)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def get_cookie_secure(self, app: Flask) -> bool:
        return self.mode == "1" or (self.mode == "auto" and request.is_secure)


def account() -> Account | None:
    """The logged-in account of this request, checked against the database once per request (None outside
    a request: nobody is logged in to a page drawn by a test or a command)."""
    if not has_request_context():
        return None
    if "account" not in g:
        found = None
        token = session.get("sid")
        if isinstance(token, str):
            with session_scope() as db:
                found = current_account(db, token)
            if found is None:
                session.pop("sid", None)
        g.account = found
    return g.account


def survey_audience() -> Audience:
    """The non-public surveys this request may see (``app.db.visibility``), worked out once per request from
    the logged-in account and set for the query layer; an anonymous visitor sees the public ones only."""
    if not has_request_context():
        return audience()
    if "survey_audience" not in g:
        who = account()
        seen: frozenset[int] = frozenset()
        if who is not None:
            with session_scope() as db:
                seen = audience_of(db, who)
        g.survey_audience = seen
        g.survey_audience_token = set_audience(seen)
    return g.survey_audience


def require(role: str) -> Account:
    """The account if it has ``role`` (or a stronger one) nationally or in at least one region; what it
    may change where is ``app.db.access``'s to say, in the write.

    Raises:
        Unauthorized: nobody is logged in (401).
        Forbidden: the account's role is too weak (403).
    """
    who = account()
    if who is None:
        raise Unauthorized("Log in to change anything.")
    if not who.may(role):
        raise Forbidden(f"This needs the role {role}.")
    return who


def require_national(role: str) -> Account:
    """The account if it has ``role`` (or a stronger one) nationally: imports, the change log.

    Raises:
        Unauthorized: nobody is logged in (401).
        Forbidden: the account has no such national role (403).
    """
    who = require(role)
    if not who.national(role):
        raise Forbidden(f"This needs the national role {role}.")
    return who


def csrf_token() -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def _token_matches(req: Request) -> bool:
    sent = req.headers.get(CSRF_HEADER) or req.form.get(CSRF_FIELD) or ""
    expected = session.get("csrf")
    return isinstance(expected, str) and secrets.compare_digest(sent, expected)


def install(server: Flask, config: Config) -> None:
    server.session_interface = _SessionInterface(config.secure_cookies)
    provider = oidc.create(server, config.oidc) if config.oidc is not None else None
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="fjernarbeid_session",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
    )

    @server.errorhandler(NotAllowed)
    def _not_allowed(error: NotAllowed):
        """A write outside the account's regions (``app.db.access``): 403, as a too weak role."""
        log.info("refused outside the account's regions: %s", error)
        return Forbidden(str(error)).get_response()

    @server.before_request
    def _check_request():
        if request.method in UNSAFE_METHODS and (session.get("sid") or request.path == LOGIN_PATH):
            if not _token_matches(request):
                raise Forbidden("The form or page is out of date (missing or wrong CSRF token); reload it.")
        if config.require_login and not request.path.startswith(OPEN_PREFIXES) and account() is None:
            if (
                request.method == "GET"
                and "." not in request.path.rsplit("/", 1)[-1]
                and not request.path.startswith("/_")
            ):
                return redirect(urls.login(None, request.full_path.rstrip("?")), 302)
            raise Unauthorized("Log in to read this dashboard.")
        survey_audience()
        return None

    @server.teardown_request
    def _forget_audience(_error):
        token = g.pop("survey_audience_token", None)
        if token is not None:
            try:
                reset_audience(token)
            except ValueError:  # set in another context (a copied one): nothing of it is left in this one
                pass

    @server.after_request
    def _csrf_cookie(response: Response) -> Response:
        if request.method == "GET" and response.mimetype == "text/html":
            token = csrf_token()
            if request.cookies.get(CSRF_COOKIE) != token:
                response.set_cookie(
                    CSRF_COOKIE, token, samesite="Strict", secure=server.session_interface.get_cookie_secure(server)
                )
        return response

    def _logged_in(token: str, target: str, sso: bool = False, sso_id_token: str | None = None) -> BaseResponse:
        csrf = secrets.token_urlsafe(32)  # a new session on login: nothing from before it carries over
        session.clear()
        session.permanent = True
        session.update(sid=token, csrf=csrf)
        if sso:
            session["sso"] = sso_id_token or ""  # logging out offers the provider's logout too
        response = redirect(target, 303)
        response.set_cookie(
            CSRF_COOKIE, csrf, samesite="Strict", secure=server.session_interface.get_cookie_secure(server)
        )
        return response

    @server.route(LOGIN_PATH, methods=["GET", "POST"])
    def _login():
        lang = _language(config)
        target = _safe_next(request.values.get("next"))
        if request.method == "GET":
            notice = None
            if provider is not None and request.args.get("ut") == "sso":
                notice = _logged_out_notice(provider, lang)
            return _login_page(lang, target, provider=provider, notice=notice)
        name, password = request.form.get("name", ""), request.form.get("password", "")
        try:
            with session_scope() as db:
                who = authenticate(db, name, password, request.remote_addr or "")
                token = start_session(db, who) if who is not None else None
        except TooManyAttempts as refused:
            minutes = math.ceil(refused.retry_after.total_seconds() / 60)
            message = _("Too many failed logins. Wait {minutes} minutes and try again.", lang).format(minutes=minutes)
            answer = make_response(_login_page(lang, target, message, provider=provider), 429)
            answer.headers["Retry-After"] = str(math.ceil(refused.retry_after.total_seconds()))
            return answer
        if who is None or token is None:
            return _login_page(lang, target, _("Wrong user name or password.", lang), provider=provider), 401
        return _logged_in(token, target)

    if provider is not None:

        @server.route(oidc.START_PATH)
        def _sso_start():
            lang = _language(config)
            session["sso_next"], session["sso_lang"] = _safe_next(request.args.get("next")), lang
            try:
                return provider.start(request.host_url.rstrip("/") + oidc.CALLBACK_PATH)
            except oidc.LoginFailed as failure:
                log.warning("single sign-on: %s", failure)
                message = _("{provider} does not answer as it should. Try again later.", lang)
                page = _login_page(lang, session["sso_next"], message.format(provider=provider.name), provider=provider)
                return page, 502

        @server.route(oidc.CALLBACK_PATH)
        def _sso_callback():
            lang = session.get("sso_lang") or config.language
            lang = lang if lang in LANGUAGES else config.language
            target = _safe_next(session.pop("sso_next", None))
            refused: SsoRefused | None = None
            try:
                claims, id_token = provider.finish()
                with session_scope() as db:
                    try:
                        token = start_session(db, sso_login(db, provider.identity(claims)))
                    except SsoRefused as error:  # the refusal and its ended sessions are committed
                        refused = error
            except oidc.LoginFailed as failure:
                log.warning("single sign-on: %s", failure)
                message = _(
                    "The login through {provider} failed. Try again; if it keeps failing, tell the administrator.",
                    lang,
                ).format(provider=provider.name)
                return _login_page(lang, target, message, provider=provider), 401
            if refused is not None:
                return _login_page(lang, target, error_text(refused, lang), provider=provider), 403
            return _logged_in(token, target, sso=True, sso_id_token=id_token)

    @server.route(LOGOUT_PATH, methods=["POST"])
    def _logout():
        token = session.get("sid")
        if isinstance(token, str):
            with session_scope() as db:
                end_session(db, token)
        sso = session.get("sso")
        session.clear()
        target = _safe_next(request.values.get("next"))
        if provider is not None and isinstance(sso, str):
            # the provider's own session lives on: the login page offers its logout (with the ID token, if kept)
            session["sso_logout"] = sso
            target = LOGIN_PATH + "?" + urlencode({"ut": "sso", "next": target})
        response = redirect(target, 303)
        response.delete_cookie(CSRF_COOKIE)
        return response


def _language(config: Config) -> str:
    lang = request.args.get("lang") or config.language
    return lang if lang in LANGUAGES else config.language


def _safe_next(target: str | None) -> str:
    """Only a path on this site: a login must not become a way to send people elsewhere."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _logged_out_notice(provider: oidc.Provider, lang: str) -> str:
    """Logged out here, perhaps not at the provider: its logout, if it has one (HTML)."""
    text = escape(_("You are logged out of the dashboard.", lang))
    hint = session.pop("sso_logout", None)
    url = provider.logout_url(request.host_url, hint if isinstance(hint, str) and hint else None)
    if url is None:
        return str(text)
    label = _("Log out of {provider} too", lang).format(provider=provider.name)
    return f'{text} <a href="{escape(url)}" id="login-sso-logout">{escape(label)}</a>'


def _login_page(
    lang: str,
    target: str,
    error: str | None = None,
    provider: oidc.Provider | None = None,
    notice: str | None = None,
) -> str:
    title = _("Log in", lang)
    site = _("Remote work in the region", lang)
    intro = _(
        "Editors and administrators log in here. Reading the dashboard needs no login unless the council has "
        "chosen so.",
        lang,
    )
    name_label, password_label, back = _("User name", lang), _("Password", lang), _("Back to the dashboard", lang)
    alert = f'<div class="alert alert-danger" role="alert" id="login-error">{escape(error)}</div>' if error else ""
    if notice:  # already HTML
        alert += f'<div class="alert alert-info" role="status" id="login-notice">{notice}</div>'
    sso = ""
    if provider is not None:
        start = oidc.START_PATH + "?" + urlencode({"next": target, "lang": lang})
        label = _("Log in with {provider}", lang).format(provider=provider.name)
        other = _("Or with a user name and password of this dashboard:", lang)
        sso = (
            f'<p><a class="btn btn-primary" id="login-sso" href="{escape(start)}">{escape(label)}</a></p>\n'
            f'<p class="text-muted">{escape(other)}</p>'
        )
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} – {escape(site)}</title>
<link rel="stylesheet" href="/assets/vendor/00-bootstrap-5.3.9.min.css">
<link rel="stylesheet" href="/assets/vendor/designsystemet/10-designsystemet-css-1.22.0-subset.css">
<link rel="stylesheet" href="/assets/vendor/designsystemet/20-designsystemet-theme-1.11.0-digdir.css">
<link rel="stylesheet" href="/assets/vendor/designsystemet/inter/inter.css">
<link rel="stylesheet" href="/assets/designsystemet.css">
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<main class="container py-5 login-page">
<h1 class="h3 mb-3">{escape(title)}</h1>
<p>{escape(intro)}</p>
{alert}
{sso}
<form method="post" action="{escape(urls.link(LOGIN_PATH, lang))}">
<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_token())}">
<input type="hidden" name="next" value="{escape(target)}">
<div class="mb-3"><label class="form-label" for="login-name">{escape(name_label)}</label>
<input class="form-control" id="login-name" name="name" autocomplete="username" required maxlength="80"></div>
<div class="mb-3"><label class="form-label" for="login-password">{escape(password_label)}</label>
<input class="form-control" id="login-password" name="password" type="password" autocomplete="current-password"
 required></div>
<button class="btn btn-primary" type="submit" id="login-submit">{escape(title)}</button>
<a class="ms-3" href="{escape(urls.link("/", lang))}">{escape(back)}</a>
</form>
</main>
</body>
</html>"""
