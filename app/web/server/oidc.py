"""Single sign-on: staff log in with their employer's account through one OpenID Connect provider.

Beside the local accounts, when ``FJERNARBEID_OIDC_ISSUER`` is set (``app.config.OidcSettings``).
Authlib's Flask client does the authorization code flow with PKCE (S256); ``state`` and ``nonce`` are
kept in the signed session cookie and checked when the provider sends the person back. The ID token is
verified against the provider's keys (its ``jwks_uri``), and its issuer, audience (our client id),
expiry and nonce are checked. The provider's discovery document must name exactly the configured
issuer, and so must the ``iss`` of the answer (RFC 9207) when the provider sends it.

Who may do what comes from the groups claim at **every** login (``app.db.users.sso_login``): a person
whose groups no longer give a role has lost it at the next login, and a person with no mapped group
gets no account. Rules of the form ``group=role@region`` give the role in that region only (a region that
does not exist here gives nothing); ``group=role`` gives it nationally.

The routes live under the login page's path, so they answer when reading needs a login:
``/logg-inn/sso`` sends the person to the provider, ``/logg-inn/sso/svar`` takes them back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from authlib.integrations.flask_client import OAuth
from flask import Flask, request

from app.config import OidcSettings
from app.db.models import ROLES
from app.db.users import SsoIdentity
from app.errors import ConfigurationError
from app.web.kit.urls import LOGIN_PATH

log = logging.getLogger(__name__)

START_PATH = LOGIN_PATH + "/sso"
CALLBACK_PATH = LOGIN_PATH + "/sso/svar"
CLIENT = "sso"
TIMEOUT_SECONDS = 10  # for each request to the provider
LEEWAY_SECONDS = 60  # clock difference allowed for the ID token's times
MAX_ID_TOKEN_HINT = 1500  # an ID token kept in the session cookie for the provider's logout, if this short


class LoginFailed(Exception):
    """The provider's answer cannot be trusted or used: no login (the reason is logged, not shown)."""


@dataclass
class Provider:
    """The configured provider and Authlib's client for it."""

    settings: OidcSettings
    client: Any  # authlib's FlaskOAuth2App (untyped)

    @property
    def name(self) -> str:
        return self.settings.name or urlsplit(self.settings.issuer).hostname or self.settings.issuer

    def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (read once per process), which must name the configured issuer.

        Raises:
            LoginFailed: it cannot be read, or it names another issuer.
        """
        try:
            metadata: dict[str, Any] = self.client.load_server_metadata()
        except Exception as error:  # requests' errors, bad JSON …: the provider does not answer usefully
            raise LoginFailed(f"cannot read the discovery document: {error!r}") from error
        if metadata.get("issuer") != self.settings.issuer:
            raise LoginFailed(
                f"the discovery document names the issuer {metadata.get('issuer')!r}, not {self.settings.issuer!r}"
            )
        return metadata

    def start(self, redirect_uri: str) -> Any:
        """The redirect to the provider's login (state, nonce and the PKCE verifier go into the session)."""
        self.metadata()
        return self.client.authorize_redirect(redirect_uri)

    def finish(self) -> tuple[dict[str, Any], str | None]:
        """The verified claims of the ID token the provider's answer to this request leads to, and the ID
        token itself if it is short enough to keep in the session cookie for the provider's logout.

        Raises:
            LoginFailed: an error from the provider, a wrong or missing state, a code the provider refuses,
                or an ID token that is missing, badly signed, expired, or for another issuer, audience or nonce.
        """
        if request.args.get("error"):
            raise LoginFailed(
                f"the provider answered {request.args.get('error')}: {request.args.get('error_description')}"
            )
        metadata = self.metadata()
        sent_issuer = request.args.get("iss")
        if sent_issuer is None and metadata.get("authorization_response_iss_parameter_supported"):
            raise LoginFailed("the answer names no issuer, though the provider says it always does (RFC 9207)")
        if sent_issuer is not None and sent_issuer != self.settings.issuer:
            raise LoginFailed(f"the answer comes from the issuer {sent_issuer!r}")
        options = {
            "iss": {"essential": True, "values": [self.settings.issuer]},
            "aud": {"essential": True, "values": [self.settings.client_id]},
            "sub": {"essential": True},
        }
        try:
            token = self.client.authorize_access_token(claims_options=options, leeway=LEEWAY_SECONDS)
        except Exception as error:  # Authlib's OAuthError, joserfc's claim and signature errors, requests' errors
            raise LoginFailed(f"the provider's answer was refused: {error!r}") from error
        claims = token.get("userinfo")
        if not claims:
            raise LoginFailed("the provider sent no ID token")
        id_token = token.get("id_token")
        return dict(claims), id_token if isinstance(id_token, str) and len(id_token) <= MAX_ID_TOKEN_HINT else None

    def identity(self, claims: dict[str, Any]) -> SsoIdentity:
        """What the role map makes of the person's groups (a list, or one value such as ID-porten's ``pid``)."""
        claim = self.settings.groups_claim
        values = claims.get(claim)
        if values is None and claim in (claims.get("_claim_names") or {}):
            log.warning(
                "single sign-on: the provider left out the %r claim of %s (too many groups: Entra ID's overage); "
                "only groups assigned to the application avoid it",
                claim,
                claims.get("sub"),
            )
        if isinstance(values, str | int):
            values = [values]
        held = {str(v) for v in values} if isinstance(values, list) else set()
        matched = [rule for rule in self.settings.role_map if rule.group in held]
        global_roles = [rule.role for rule in matched if rule.region is None]
        return SsoIdentity(
            issuer=self.settings.issuer,
            subject=str(claims["sub"]),
            name_hint=str(claims.get("preferred_username") or claims.get("email") or claims["sub"]),
            role=max(global_roles, key=ROLES.index) if global_roles else None,
            region_roles=tuple(sorted({(rule.region, rule.role) for rule in matched if rule.region})),
            groups=tuple(sorted({rule.group for rule in matched})),
        )

    def logout_url(self, back_to: str, id_token: str | None) -> str | None:
        """The provider's end_session_endpoint (RP-initiated logout), or None if it has none."""
        try:
            endpoint = self.metadata().get("end_session_endpoint")
        except LoginFailed:
            return None
        if not endpoint:
            return None
        params = {"client_id": self.settings.client_id, "post_logout_redirect_uri": back_to}
        if id_token:
            params["id_token_hint"] = id_token
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


def create(server: Flask, settings: OidcSettings) -> Provider:
    """Authlib's client for the provider (nothing is fetched from it until the first login).

    Raises:
        ConfigurationError: the role map names a role the app does not have.
    """
    for rule in settings.role_map:
        if rule.role not in ROLES:
            raise ConfigurationError(f"FJERNARBEID_OIDC_ROLE_MAP: {rule.role!r} is not one of {', '.join(ROLES)}.")
    oauth = OAuth(server)
    client = oauth.register(
        CLIENT,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        server_metadata_url=settings.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": settings.scopes, "code_challenge_method": "S256", "default_timeout": TIMEOUT_SECONDS},
    )
    return Provider(settings, client)
