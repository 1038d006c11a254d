"""Settings, declared once with default and help, read from the environment.

The README's configuration table is checked against ``SETTINGS`` by a test, so a setting
cannot be added without being documented.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from app.errors import ConfigurationError


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        None,
        "PostgreSQL URL (postgresql://user:pass@host:5432/db). Unset: an embedded "
        "PostgreSQL cluster is started in the data directory.",
    ),
    Setting(
        "DATABASE_READ_URL",
        None,
        "PostgreSQL URL of a streaming replica of DATABASE_URL: the pages' and data addresses' queries go there; "
        "writes, editing, logins, imports and jobs stay on DATABASE_URL. Unset: everything on DATABASE_URL.",
    ),
    Setting(
        "FJERNARBEID_DATA_DIR",
        "instance",
        "Directory for the embedded PostgreSQL cluster and the generated secret key.",
    ),
    Setting(
        "SECRET_KEY",
        None,
        "Flask secret key, at least 32 characters and not a known placeholder (the app refuses to start "
        "otherwise). Unset: generated once and kept in the data directory.",
    ),
    Setting("FJERNARBEID_LANGUAGE", "nb", "Default interface language: nb, nn or en."),
    Setting("FJERNARBEID_MIN_N", "10", "Smallest unweighted group shown; smaller groups are suppressed."),
    Setting("FJERNARBEID_AUTO_SEED", "1", "1: `serve` migrates an empty database and loads the demo data. 0: never."),
    Setting(
        "FJERNARBEID_DB_CONNECT_TIMEOUT",
        "5",
        "Seconds to wait for the database before a request fails with a friendly error.",
    ),
    Setting(
        "FJERNARBEID_DEFAULT_REGION",
        None,
        "Slug of the region pages show first (e.g. hardangerradet). Unset: the first region by name; "
        "without regions, all of Norway.",
    ),
    Setting(
        "FJERNARBEID_CACHE_MB",
        "64",
        "Memory per server process for answers to repeated page requests (dropped whenever the "
        "data change). 0: no cache.",
    ),
    Setting(
        "FJERNARBEID_STATEMENT_TIMEOUT_MS",
        "15000",
        "Longest a single SQL statement of a web request may run before PostgreSQL cancels it and the "
        "page shows an error (milliseconds). Commands (import, seed, db) are never limited. 0: no limit.",
    ),
    Setting(
        "FJERNARBEID_IMAGE_RENDERS",
        "2",
        "Chart images (/export/…) drawn at once per server process, in the process's one warm Chromium.",
    ),
    Setting(
        "FJERNARBEID_IMAGE_QUEUE",
        "4",
        "Image requests per server process that may wait for a turn; more are refused at once with 429 and "
        "Retry-After.",
    ),
    Setting(
        "FJERNARBEID_IMPORT_DATABASE_URL",
        None,
        "PostgreSQL URL with the table owner's rights, for imports admins start in the browser, when "
        "DATABASE_URL is the web server's own role. Unset: DATABASE_URL.",
    ),
    Setting(
        "FJERNARBEID_REQUIRE_LOGIN",
        "0",
        "1: every page, data address and export needs a logged-in user (any role). 0: anonymous visitors "
        "read the aggregates; editing and importing always need a login.",
    ),
    Setting(
        "FJERNARBEID_FRAME_ANCESTORS",
        None,
        "Sites allowed to show the dashboard in a frame (CSP frame-ancestors), separated by spaces, e.g. "
        "`https://www.kvam.kommune.no`. Unset: none may.",
    ),
    Setting(
        "FJERNARBEID_SECURE_COOKIES",
        "auto",
        "Session cookies marked Secure: `auto` when the request came over HTTPS (behind a proxy that sets "
        "X-Forwarded-Proto, see FJERNARBEID_TRUSTED_PROXIES), 1 always, 0 never.",
    ),
    Setting(
        "FJERNARBEID_TRUSTED_PROXIES",
        "0",
        "Reverse proxies in front of the app whose X-Forwarded-For and X-Forwarded-Proto are believed "
        "(the client's address for the login limits; HTTPS for Secure cookies and HSTS). 0: none.",
    ),
    Setting(
        "FJERNARBEID_SSB_API",
        "https://data.ssb.no/api/pxwebapi/v2",
        "SSB's PxWebApi v2, where `fjernarbeid fetch ssb` and the import page's «Oppdater fra SSB» ask for "
        "tables (tests point it at a local server replaying recorded answers).",
    ),
    Setting(
        "FJERNARBEID_MAX_REQUEST_KB",
        "1024",
        "Largest request body (kilobytes) anyone may send; only an admin's upload to the import page may "
        "be larger. Larger requests get 413 before anything reads them.",
    ),
    Setting(
        "FJERNARBEID_OIDC_ISSUER",
        None,
        "Single sign-on: the OpenID Connect issuer (e.g. `https://login.microsoftonline.com/<tenant>/v2.0`); its "
        "`/.well-known/openid-configuration` is read. Unset: only local accounts.",
    ),
    Setting("FJERNARBEID_OIDC_CLIENT_ID", None, "Single sign-on: the client id the provider gave the dashboard."),
    Setting(
        "FJERNARBEID_OIDC_CLIENT_SECRET",
        None,
        "Single sign-on: the client's secret. No default: the app refuses to start with an issuer but no secret.",
    ),
    Setting(
        "FJERNARBEID_OIDC_ROLE_MAP",
        None,
        "Single sign-on: `group=role,…` (or `group=role@region-slug`) from the groups claim to editor or admin. "
        "Required with an issuer; a person with no mapped group cannot log in.",
    ),
    Setting(
        "FJERNARBEID_OIDC_GROUPS_CLAIM",
        "groups",
        "Single sign-on: the ID token claim whose values (a list or one string) are looked up in the role map.",
    ),
    Setting("FJERNARBEID_OIDC_SCOPES", "openid profile email", "Single sign-on: the scopes asked for."),
    Setting(
        "FJERNARBEID_OIDC_NAME",
        None,
        "Single sign-on: the provider's name on the login button (\"Logg inn med …\"). Unset: the issuer's host.",
    ),
)

LANGUAGES = ("nb", "nn", "en")

MIN_SECRET_KEY_LENGTH = 32
# Keys copied from examples and templates: anyone can sign a session cookie with them.
KNOWN_PLACEHOLDER_KEYS = frozenset(
    {
        "change-me",
        "changeme",
        "change_me",
        "changethis",
        "secret",
        "secret-key",
        "secret_key",
        "secretkey",
        "your-secret-key",
        "dev",
        "development",
        "test",
        "testing",
        "default",
        "password",
        "fjernarbeid",
    }
)


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return next(s.default for s in SETTINGS if s.name == name)
    return value.strip()


@dataclass(frozen=True)
class RoleRule:
    """One entry of FJERNARBEID_OIDC_ROLE_MAP: members of ``group`` get ``role`` (in ``region`` only, if set)."""

    group: str
    role: str
    region: str | None = None


@dataclass(frozen=True)
class OidcSettings:
    """Single sign-on through one OpenID Connect provider (``app/web/server/oidc.py``)."""

    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    role_map: tuple[RoleRule, ...]
    groups_claim: str = "groups"
    scopes: str = "openid profile email"
    name: str | None = None


@dataclass(frozen=True)
class Config:
    """The settings in force for one process."""

    database_url: str | None
    data_dir: Path
    language: str = "nb"
    min_n: int = 10
    auto_seed: bool = True
    connect_timeout: int = 5
    cache_mb: int = 64
    statement_timeout_ms: int = 15000
    image_renders: int = 2
    image_queue: int = 4
    default_region: str | None = None
    require_login: bool = False
    import_database_url: str | None = field(default=None, repr=False)
    database_read_url: str | None = field(default=None, repr=False)
    frame_ancestors: tuple[str, ...] = ()
    secure_cookies: str = "auto"
    trusted_proxies: int = 0
    max_request_kb: int = 1024
    ssb_api: str = "https://data.ssb.no/api/pxwebapi/v2"
    secret_key: str | None = field(default=None, repr=False)
    oidc: OidcSettings | None = None

    @classmethod
    def from_env(cls) -> Config:
        language = _env("FJERNARBEID_LANGUAGE") or "nb"
        if language not in LANGUAGES:
            raise ConfigurationError(
                f"FJERNARBEID_LANGUAGE={language!r} is not supported; use one of {', '.join(LANGUAGES)}."
            )
        return cls(
            database_url=_env("DATABASE_URL"),
            data_dir=Path(_env("FJERNARBEID_DATA_DIR") or "instance").expanduser().resolve(),
            language=language,
            min_n=_int_setting("FJERNARBEID_MIN_N", minimum=1),
            auto_seed=_env("FJERNARBEID_AUTO_SEED") not in ("0", "false", "no"),
            connect_timeout=_int_setting("FJERNARBEID_DB_CONNECT_TIMEOUT", minimum=1),
            cache_mb=_int_setting("FJERNARBEID_CACHE_MB", minimum=0),
            statement_timeout_ms=_int_setting("FJERNARBEID_STATEMENT_TIMEOUT_MS", minimum=0),
            image_renders=_int_setting("FJERNARBEID_IMAGE_RENDERS", minimum=1),
            image_queue=_int_setting("FJERNARBEID_IMAGE_QUEUE", minimum=0),
            default_region=_env("FJERNARBEID_DEFAULT_REGION"),
            require_login=_env("FJERNARBEID_REQUIRE_LOGIN") in ("1", "true", "yes"),
            import_database_url=_env("FJERNARBEID_IMPORT_DATABASE_URL"),
            database_read_url=_env("DATABASE_READ_URL"),
            frame_ancestors=_frame_ancestors(_env("FJERNARBEID_FRAME_ANCESTORS")),
            secure_cookies=_choice("FJERNARBEID_SECURE_COOKIES", ("auto", "1", "0")),
            trusted_proxies=_int_setting("FJERNARBEID_TRUSTED_PROXIES", minimum=0),
            max_request_kb=_int_setting("FJERNARBEID_MAX_REQUEST_KB", minimum=64),
            ssb_api=_url_setting("FJERNARBEID_SSB_API"),
            secret_key=_secret_key(_env("SECRET_KEY")),
            oidc=_oidc_settings(),
        )

    def resolved_secret_key(self) -> str:
        """Return SECRET_KEY, or one generated once and kept in the data directory."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()


def _secret_key(value: str | None) -> str | None:
    """Refuse a key that signs cookies anyone could forge: short, or a placeholder from a template.

    Unset stays unset: the key is then generated once for this data directory.
    """
    if value is None:
        return None
    hint = "make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
    if value.lower() in KNOWN_PLACEHOLDER_KEYS or value.lower().startswith("change"):
        raise ConfigurationError(f"SECRET_KEY is a known placeholder; {hint}")
    if len(value) < MIN_SECRET_KEY_LENGTH:
        raise ConfigurationError(f"SECRET_KEY has {len(value)} characters, fewer than {MIN_SECRET_KEY_LENGTH}; {hint}")
    return value


def _int_setting(name: str, minimum: int) -> int:
    raw = _env(name)
    try:
        value = int(raw or "")
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ConfigurationError(f"{name}={value} must be at least {minimum}.")
    return value


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    value = (_env(name) or "").lower()
    if value not in allowed:
        raise ConfigurationError(f"{name}={value!r}: use one of {', '.join(allowed)}.")
    return value


def _frame_ancestors(raw: str | None) -> tuple[str, ...]:
    """Origins such as https://www.kvam.kommune.no; anything else could widen the policy by accident."""
    origins = tuple((raw or "").split())
    for origin in origins:
        if not origin.startswith("https://") or any(c in origin for c in ";,'\"*") or origin.count("/") != 2:
            raise ConfigurationError(
                f"FJERNARBEID_FRAME_ANCESTORS: {origin!r} is not an https origin such as https://www.kvam.kommune.no."
            )
    return origins


def _oidc_settings() -> OidcSettings | None:
    """Single sign-on if FJERNARBEID_OIDC_ISSUER is set, with everything it needs; refused when half set."""
    issuer, client_id, secret = (
        _env("FJERNARBEID_OIDC_ISSUER"),
        _env("FJERNARBEID_OIDC_CLIENT_ID"),
        _env("FJERNARBEID_OIDC_CLIENT_SECRET"),
    )
    if issuer is None:
        if client_id or secret or _env("FJERNARBEID_OIDC_ROLE_MAP"):
            raise ConfigurationError("FJERNARBEID_OIDC_* settings are given but FJERNARBEID_OIDC_ISSUER is not.")
        return None
    parts = urlsplit(issuer)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if not parts.hostname or parts.query or parts.fragment or not (parts.scheme == "https" or loopback):
        raise ConfigurationError(f"FJERNARBEID_OIDC_ISSUER={issuer!r} is not an https address of an issuer.")
    if not client_id:
        raise ConfigurationError("FJERNARBEID_OIDC_ISSUER is set but FJERNARBEID_OIDC_CLIENT_ID is not.")
    if not secret:
        raise ConfigurationError(
            "FJERNARBEID_OIDC_ISSUER is set but FJERNARBEID_OIDC_CLIENT_SECRET is not: single sign-on needs the "
            "client secret the provider gave the dashboard."
        )
    scopes = _env("FJERNARBEID_OIDC_SCOPES") or "openid"
    if "openid" not in scopes.split():
        raise ConfigurationError(f"FJERNARBEID_OIDC_SCOPES={scopes!r} must include openid.")
    return OidcSettings(
        issuer=issuer,
        client_id=client_id,
        client_secret=secret,
        role_map=parse_role_map(_env("FJERNARBEID_OIDC_ROLE_MAP")),
        groups_claim=_env("FJERNARBEID_OIDC_GROUPS_CLAIM") or "groups",
        scopes=" ".join(scopes.split()),
        name=_env("FJERNARBEID_OIDC_NAME"),
    )


OIDC_ROLES = ("editor", "admin")  # app.db.models.ROLES; a test holds the two together
_REGION_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


def parse_role_map(raw: str | None) -> tuple[RoleRule, ...]:
    """``group=role,group=role@region-slug`` → rules; a group may hold no comma (it may hold ``=``)."""
    rules = []
    for entry in (raw or "").split(","):
        if not entry.strip():
            continue
        group, equals, target = entry.strip().rpartition("=")
        role, _, region = target.strip().partition("@")
        role, region, group = role.strip(), region.strip(), group.strip()
        if not equals or not group or role not in OIDC_ROLES or (region and not _REGION_SLUG.fullmatch(region)):
            raise ConfigurationError(
                f"FJERNARBEID_OIDC_ROLE_MAP: {entry.strip()!r} is not group=role or group=role@region-slug "
                f"with a role of {', '.join(OIDC_ROLES)}."
            )
        rules.append(RoleRule(group, role, region or None))
    if not rules:
        raise ConfigurationError(
            "FJERNARBEID_OIDC_ROLE_MAP is empty: name the groups whose members may log in, e.g. "
            "'fjernarbeid-redaktorar=editor,fjernarbeid-admin=admin'."
        )
    return tuple(rules)


def _url_setting(name: str) -> str:
    """An http(s) address without a query, e.g. https://data.ssb.no/api/pxwebapi/v2."""
    value = (_env(name) or "").rstrip("/")
    if not value.startswith(("https://", "http://")) or "?" in value or any(c.isspace() for c in value):
        raise ConfigurationError(
            f"{name}={value!r}: give an http(s) address such as https://data.ssb.no/api/pxwebapi/v2."
        )
    return value
