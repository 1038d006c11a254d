"""Single sign-on against a real OpenID provider (panva's oidc-provider under Node, tests/oidc/provider.js)
on loopback: the app's Flask test client plays the browser towards the app, a requests session the
browser towards the provider. Login, the role from the groups at every login, logout, and tokens from a
wrong issuer or for a wrong audience refused."""

from __future__ import annotations

import re
import secrets
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from app.config import Config, OidcSettings, RoleRule, parse_role_map
from app.db import session as db_session
from app.db.models import AppUser, AuditEntry, UserSession
from app.db.users import SsoIdentity, SsoRefused, set_disabled, sso_login
from app.errors import ConfigurationError
from app.web.server import auth
from app.web.server.auth import CSRF_FIELD, LOGIN_PATH, LOGOUT_PATH
from tests.accounts import committed, logged_in, test_accounts
from tests.oidc import CLIENT_SECRET, run_provider

ROLE_MAP = "redaktorar=editor,leiing=admin,hardanger-admin=admin@hardangerradet,nowhere=admin@finst-ikkje"
APP_HOST = "http://localhost"  # where the Flask test client's requests go: the redirect URI's origin


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID provider on loopback for the whole session: its issuer."""
    yield from run_provider()


@pytest.fixture(scope="module")
def sso_apps(oidc_provider, database_url, tmp_path_factory):
    """Apps with single sign-on, one per (client id, issuer) asked for, built once for the module."""
    from app.web import create_app

    built: dict[tuple[str, str, bool], object] = {}

    def app_for(client_id: str = "fjernarbeid", issuer: str | None = None, require_login: bool = False):
        key = (client_id, issuer or oidc_provider, require_login)
        if key not in built:
            settings = OidcSettings(
                issuer=key[1],
                client_id=client_id,
                client_secret=CLIENT_SECRET,
                role_map=parse_role_map(ROLE_MAP),
                scopes="openid profile email groups",
                name="Testleverandøren",
            )
            config = Config(
                database_url=database_url,
                data_dir=tmp_path_factory.mktemp("sso"),
                secret_key=secrets.token_urlsafe(32),
                oidc=settings,
                require_login=require_login,
            )
            built[key] = create_app(config)
        app = built[key]
        db_session.configure(app.server.config["FJERNARBEID"], web=True)  # type: ignore[attr-defined]
        return app

    return app_for


def set_person(issuer: str, person: str, groups: list[str]) -> None:
    answer = requests.put(f"{issuer}/_test/users/{person}", json={"name": person.title(), "groups": groups}, timeout=5)
    assert answer.status_code == 204


def new_person(issuer: str, groups: list[str]) -> str:
    person = f"p{secrets.token_hex(4)}"
    set_person(issuer, person, groups)
    return person


def log_in(app, person: str, client=None, next_path: str = "/kart"):
    """Through the provider as a browser would: the app's redirect, the provider's login form, back to the
    app's callback. Returns the test client and the app's answer to the callback."""
    client, callback = provider_answer(app, person, client, next_path)
    return client, client.get(callback)


def provider_answer(app, person: str, client=None, next_path: str = "/kart"):
    """The test client and the app's address the provider sends the browser back to (not yet visited)."""
    client = client or app.server.test_client()
    start = client.get(f"{LOGIN_PATH}/sso?next={next_path}")
    assert start.status_code == 302, start.get_data(as_text=True)
    location = start.headers["Location"]
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"] and query["nonce"]
    browser = requests.Session()
    answer = browser.get(location, allow_redirects=False, timeout=10)
    for _ in range(10):
        if answer.status_code in (302, 303):
            location = urljoin(answer.url, answer.headers["Location"])
            if location.startswith(APP_HOST + "/"):
                break
            answer = browser.get(location, allow_redirects=False, timeout=10)
            continue
        assert answer.status_code == 200, answer.text
        form = re.search(r'<form[^>]*action="([^"]+)"', answer.text)
        assert form and 'name="login"' in answer.text, answer.text
        answer = browser.post(
            urljoin(answer.url, form.group(1)),
            data={"prompt": "login", "login": person, "password": "anything"},
            allow_redirects=False,
            timeout=10,
        )
    else:
        pytest.fail("the provider never sent the browser back to the app")
    parts = urlsplit(location)
    assert parts.path == f"{LOGIN_PATH}/sso/svar" and "code" in parse_qs(parts.query)
    return client, f"{parts.path}?{parts.query}"


def who(client):
    """The account the client's session cookie stands for now (checked against the database)."""
    with client:
        client.get(LOGIN_PATH)
        return auth.account()


def person_row(engine, issuer: str, person: str) -> AppUser | None:
    with Session(engine) as session:
        return session.scalar(select(AppUser).where(AppUser.oidc_issuer == issuer, AppUser.oidc_subject == person))


def test_the_login_page_offers_the_provider_beside_the_local_form(sso_apps):
    page = sso_apps().server.test_client().get(LOGIN_PATH + "?next=/kart").get_data(as_text=True)
    assert "Logg inn med Testleverandøren" in page
    assert 'href="/logg-inn/sso?next=%2Fkart&amp;lang=nb"' in page
    assert 'name="password"' in page  # the local accounts' form stays


def test_a_login_through_the_provider_gives_the_role_of_the_groups(sso_apps, oidc_provider, engine):
    app = sso_apps()
    person = new_person(oidc_provider, ["redaktorar", "some-other-group"])
    client, answer = log_in(app, person)
    assert answer.status_code == 303 and answer.headers["Location"] == "/kart"
    account = who(client)
    assert account is not None and account.role == "editor" and account.may("editor") and not account.may("admin")
    assert account.name == f"sso:{person}"
    row = person_row(engine, oidc_provider, person)
    assert row is not None and row.role == "editor" and row.password_hash == "!sso" and row.last_login_at
    with Session(engine) as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == account.name)).all()
    assert {"user.sso_add", "user.sso_login"} <= set(actions)


def test_the_strongest_national_role_counts_and_region_roles_are_in_force(sso_apps, oidc_provider, engine):
    app = sso_apps()
    person = new_person(oidc_provider, ["redaktorar", "leiing", "hardanger-admin"])
    client, answer = log_in(app, person)
    assert answer.status_code == 303
    assert who(client).role == "admin"
    only_region = new_person(oidc_provider, ["hardanger-admin"])
    client, answer = log_in(app, only_region)
    assert answer.status_code == 303  # admin in Hardangerrådet only: a regional account
    account = who(client)
    assert account.role is None and not account.national("editor")
    assert [(r.slug, r.role) for r in account.regions] == [("hardangerradet", "admin")]
    assert account.may("admin") and account.in_region("editor", account.regions[0].region_id)
    person_in_region = new_person(oidc_provider, ["redaktorar", "hardanger-admin"])
    client, answer = log_in(app, person_in_region)
    assert who(client).role == "editor" and [r.role for r in who(client).regions] == ["admin"]
    row = person_row(engine, oidc_provider, person_in_region)
    assert row.oidc_region_roles == [{"region": "hardangerradet", "role": "admin"}]
    unknown_region = new_person(oidc_provider, ["nowhere"])
    client, answer = log_in(app, unknown_region)
    assert answer.status_code == 403  # a region that does not exist here gives nothing
    assert who(client) is None


def test_a_removed_regional_group_loses_its_region_at_the_next_login(sso_apps, oidc_provider, engine):
    app = sso_apps()
    person = new_person(oidc_provider, ["redaktorar", "hardanger-admin"])
    first, _ = log_in(app, person)
    assert [r.role for r in who(first).regions] == ["admin"]
    set_person(oidc_provider, person, ["redaktorar"])
    second, answer = log_in(app, person)
    assert answer.status_code == 303
    assert who(second).regions == () and who(second).role == "editor"
    assert who(first) is None  # the regional admin's session ended with the role
    with Session(engine) as session:
        row = person_row(engine, oidc_provider, person)
        changes = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == row.name, AuditEntry.action == "user.sso_set_role")
        ).all()
    assert changes[-1].before["regions"] == [{"region": "hardangerradet", "role": "admin"}]
    assert changes[-1].after["regions"] == []


def test_a_removed_group_loses_its_role_at_the_next_login(sso_apps, oidc_provider, engine):
    app = sso_apps()
    person = new_person(oidc_provider, ["leiing"])
    first, _ = log_in(app, person)
    assert who(first).role == "admin"

    set_person(oidc_provider, person, ["redaktorar"])  # moved out of the management group
    assert who(first).role == "admin"  # nothing tells the app until the person logs in again
    second, answer = log_in(app, person)
    assert answer.status_code == 303
    assert who(second).role == "editor"
    assert who(first) is None  # the admin session ended with the role
    assert person_row(engine, oidc_provider, person).role == "editor"

    set_person(oidc_provider, person, [])  # left every mapped group
    third, answer = log_in(app, person)
    assert answer.status_code == 403
    assert "Ingen av gruppene dine" in answer.get_data(as_text=True)
    assert who(third) is None and who(second) is None
    with Session(engine) as session:
        row = person_row(engine, oidc_provider, person)
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_id == row.name).order_by(AuditEntry.id)
        ).all()
        assert session.scalar(select(UserSession).where(UserSession.user_id == row.id)) is None
    assert actions[-1] == "user.sso_refused" and actions.count("user.sso_set_role") == 1


def test_nobody_without_a_mapped_group_gets_an_account(sso_apps, oidc_provider, engine):
    person = new_person(oidc_provider, ["kantina"])
    client, answer = log_in(sso_apps(), person)
    assert answer.status_code == 403
    assert who(client) is None
    assert person_row(engine, oidc_provider, person) is None


def test_logout_ends_the_session_and_offers_the_providers_logout(sso_apps, oidc_provider):
    app = sso_apps()
    person = new_person(oidc_provider, ["redaktorar"])
    client, _ = log_in(app, person)
    page = client.get(LOGIN_PATH).get_data(as_text=True)
    token = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', page).group(1)
    answer = client.post(LOGOUT_PATH, data={CSRF_FIELD: token, "next": "/kart"})
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"{LOGIN_PATH}?ut=sso&next=%2Fkart"
    assert who(client) is None
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" id="login-sso-logout"', page)
    assert link, page
    url = link.group(1).replace("&amp;", "&")
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(f"{oidc_provider}/session/end?")
    assert query["client_id"] == ["fjernarbeid"] and query["post_logout_redirect_uri"] == [APP_HOST + "/"]
    assert query["id_token_hint"]
    assert requests.get(url, timeout=10).status_code == 200  # the provider asks whether to log out there too


def test_an_id_token_for_another_audience_is_refused(sso_apps, oidc_provider, engine):
    person = new_person(oidc_provider, ["leiing"])
    client, answer = log_in(sso_apps("fjernarbeid-wrong-aud"), person)
    assert answer.status_code == 401
    assert "Innloggingen gjennom Testleverandøren mislyktes" in answer.get_data(as_text=True)
    assert who(client) is None and person_row(engine, oidc_provider, person) is None


def test_an_id_token_from_another_issuer_is_refused(sso_apps, oidc_provider, engine):
    person = new_person(oidc_provider, ["leiing"])
    client, answer = log_in(sso_apps("fjernarbeid-wrong-iss"), person)
    assert answer.status_code == 401
    assert who(client) is None and person_row(engine, oidc_provider, person) is None


def test_a_provider_that_names_another_issuer_is_refused(sso_apps, oidc_provider):
    elsewhere = oidc_provider.replace("127.0.0.1", "localhost")  # the same server; it names itself 127.0.0.1
    answer = sso_apps(issuer=elsewhere).server.test_client().get(f"{LOGIN_PATH}/sso")
    assert answer.status_code == 502
    assert "Location" not in answer.headers


def test_an_answer_with_a_wrong_or_used_state_is_refused(sso_apps, oidc_provider):
    app = sso_apps()
    person = new_person(oidc_provider, ["redaktorar"])
    client, callback = provider_answer(app, person)
    wrong_state = re.sub(r"state=[^&]+", "state=not-the-one-sent", callback)
    assert client.get(wrong_state).status_code == 401 and who(client) is None
    client, callback = provider_answer(app, person)
    assert client.get(callback).status_code == 303
    client.post(LOGOUT_PATH, data={CSRF_FIELD: client.get_cookie("_csrf_token").value})
    assert client.get(callback).status_code == 401  # the same answer again: its state was used up
    assert who(client) is None


def test_an_answer_naming_another_issuer_or_none_is_refused(sso_apps, oidc_provider):
    """Mix-up defence (RFC 9207): the provider says it names itself in every answer, so an answer naming
    another issuer, or none, is refused before its code is used; the true answer still logs in after."""
    app = sso_apps()
    person = new_person(oidc_provider, ["redaktorar"])
    client, callback = provider_answer(app, person)
    assert "iss=" in callback
    elsewhere = re.sub(r"iss=[^&]+", "iss=http%3A%2F%2F127.0.0.1%3A1", callback)
    assert client.get(elsewhere).status_code == 401 and who(client) is None
    nameless = re.sub(r"&?iss=[^&]+", "", callback)
    assert client.get(nameless).status_code == 401 and who(client) is None
    assert client.get(callback).status_code == 303 and who(client).role == "editor"


def test_an_answer_sent_to_another_browser_is_refused(sso_apps, oidc_provider):
    """Login CSRF: an attacker's own finished login, sent to a victim's browser, must not log the victim in."""
    app = sso_apps()
    person = new_person(oidc_provider, ["redaktorar"])
    _, callback = provider_answer(app, person)
    victim = app.server.test_client()
    victim.get(LOGIN_PATH)
    assert victim.get(callback).status_code == 401 and who(victim) is None


def test_the_web_role_logs_people_in_without_rights_on_accounts(web_engine, engine):
    """The web server's database role writes single sign-on's accounts only through the migration's
    function: it still may not insert an account or change a role itself."""
    issuer, subject = "https://sso.example.test", f"s{secrets.token_hex(4)}"
    identity = SsoIdentity(issuer, subject, "kari@kvam.kommune.no", "admin", groups=("leiing",))
    try:
        with Session(web_engine) as session, session.begin():
            account = sso_login(session, identity)
        assert account.role == "admin" and account.name == "sso:kari@kvam.kommune.no"
        with Session(web_engine) as session, session.begin():
            assert sso_login(session, SsoIdentity(issuer, subject, "kari", "editor")).role == "editor"
        with web_engine.connect() as connection, pytest.raises(Exception, match="permission denied"):
            connection.execute(text("UPDATE app_user SET role = 'admin' WHERE id = :id"), {"id": account.id})
        with Session(web_engine) as session, session.begin(), pytest.raises(SsoRefused):
            sso_login(session, SsoIdentity(issuer, subject, "kari", None))
    finally:
        with committed(engine) as session:
            session.execute(delete(AppUser).where(AppUser.oidc_subject == subject))


def test_a_local_name_is_never_taken_over(engine):
    """Accounts of single sign-on get ``sso:`` names, which no local account can have, and a second
    person with the same hint gets a name of its own."""
    issuer = "https://sso.example.test"
    subjects = [f"s{secrets.token_hex(4)}" for _ in range(2)]
    try:
        with committed(engine) as session:
            names = [sso_login(session, SsoIdentity(issuer, s, "Ola.Nordmann", "editor")).name for s in subjects]
        assert names[0] == "sso:ola.nordmann" and names[1].startswith("sso:ola.nordmann~") and len(set(names)) == 2
    finally:
        with committed(engine) as session:
            session.execute(delete(AppUser).where(AppUser.oidc_subject.in_(subjects)))


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"FJERNARBEID_OIDC_CLIENT_SECRET": ""}, "FJERNARBEID_OIDC_CLIENT_SECRET is not"),
        ({"FJERNARBEID_OIDC_CLIENT_ID": ""}, "FJERNARBEID_OIDC_CLIENT_ID is not"),
        ({"FJERNARBEID_OIDC_ROLE_MAP": ""}, "ROLE_MAP is empty"),
        ({"FJERNARBEID_OIDC_ROLE_MAP": "redaktorar=viewer"}, "is not group=role"),
        ({"FJERNARBEID_OIDC_ROLE_MAP": "editor"}, "is not group=role"),
        ({"FJERNARBEID_OIDC_ISSUER": "http://login.example.com"}, "not an https address"),
        ({"FJERNARBEID_OIDC_SCOPES": "profile email"}, "must include openid"),
        ({"FJERNARBEID_OIDC_ISSUER": ""}, "FJERNARBEID_OIDC_ISSUER is not"),
    ],
)
def test_single_sign_on_refuses_to_start_half_configured(monkeypatch, environment, message):
    complete = {
        "FJERNARBEID_OIDC_ISSUER": "https://login.example.com/tenant/v2.0",
        "FJERNARBEID_OIDC_CLIENT_ID": "fjernarbeid",
        "FJERNARBEID_OIDC_CLIENT_SECRET": "a-secret-from-the-provider",
        "FJERNARBEID_OIDC_ROLE_MAP": ROLE_MAP,
    }
    for name, value in {**complete, **environment}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=message):
        Config.from_env()


def test_the_settings_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("FJERNARBEID_OIDC_ISSUER", "https://login.example.com/tenant/v2.0")
    monkeypatch.setenv("FJERNARBEID_OIDC_CLIENT_ID", "fjernarbeid")
    monkeypatch.setenv("FJERNARBEID_OIDC_CLIENT_SECRET", "a-secret-from-the-provider")
    monkeypatch.setenv("FJERNARBEID_OIDC_ROLE_MAP", " a=editor , b = admin@kvam-herad ,c=d=admin")
    settings = Config.from_env().oidc
    assert settings is not None and settings.groups_claim == "groups" and settings.scopes == "openid profile email"
    assert settings.role_map == (
        RoleRule("a", "editor"),
        RoleRule("b", "admin", "kvam-herad"),
        RoleRule("c=d", "admin"),
    )
    assert "a-secret" not in repr(settings)
    monkeypatch.delenv("FJERNARBEID_OIDC_ISSUER")
    monkeypatch.delenv("FJERNARBEID_OIDC_CLIENT_ID")
    monkeypatch.delenv("FJERNARBEID_OIDC_CLIENT_SECRET")
    monkeypatch.delenv("FJERNARBEID_OIDC_ROLE_MAP")
    assert Config.from_env().oidc is None


def test_a_disabled_account_stays_out_whatever_its_groups(sso_apps, oidc_provider, engine):
    app = sso_apps()
    person = new_person(oidc_provider, ["leiing"])
    client, _ = log_in(app, person)
    account = who(client)
    with committed(engine) as session:
        set_disabled(session, account.name, True, "test")
    assert who(client) is None
    again, answer = log_in(app, person)
    assert answer.status_code == 403
    assert "Kontoen din i dette dashbordet er deaktivert" in answer.get_data(as_text=True)
    assert who(again) is None


def test_local_accounts_log_in_beside_single_sign_on(sso_apps, engine):
    app = sso_apps()
    accounts = test_accounts(engine, "local")
    names = next(accounts)
    try:
        client = logged_in(app, names["editor"])
        account = who(client)
        assert account is not None and account.name == names["editor"] and account.role == "editor"
        page = client.get(LOGIN_PATH).get_data(as_text=True)
        token = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', page).group(1)
        answer = client.post(LOGOUT_PATH, data={CSRF_FIELD: token})
        assert answer.headers["Location"] == "/"  # no provider's logout to offer after a local login
    finally:
        next(accounts, None)  # runs the generator on: its accounts are deleted


def test_single_sign_on_works_when_reading_needs_a_login(sso_apps, oidc_provider):
    app = sso_apps(require_login=True)
    anonymous = app.server.test_client()
    assert anonymous.get("/").status_code == 302  # to the login page
    page = anonymous.get(LOGIN_PATH).get_data(as_text=True)
    assert 'id="login-sso"' in page
    person = new_person(oidc_provider, ["redaktorar"])
    client, answer = log_in(app, person, next_path="/")
    assert answer.status_code == 303 and answer.headers["Location"] == "/"
    assert client.get("/").status_code == 200
