"""Every write path checks the role on the server: anonymous, editor and admin against each of them,
called directly (no browser, no hidden buttons), and nothing is written when one is refused. A
logged-in request without the CSRF token is refused too, and every answer carries the security headers.
"""

from __future__ import annotations

import json
import re
import secrets

import pytest
from sqlalchemy import delete, func, select

from app.db.decks import create_deck, get_deck
from app.db.models import AuditEntry, CoworkingSpace, Deck, MeasureActivity, MeasureProgress
from app.web.pages import edit_coworking, edit_progress
from app.web.server.auth import CSRF_COOKIE, CSRF_HEADER, LOGIN_PATH
from app.web.views import save as save_view
from tests.accounts import PASSWORD, committed, csrf, logged_in, test_accounts
from tests.dash_calls import callback_request

ENGINE = []  # the test database's engine, set by the accounts fixture


def session_scope():
    return committed(ENGINE[0])


SPACE_FIELDS = [
    "name", "kommunenummer", "address", "postal_code", "latitude", "longitude", "seats", "cell_offices",
    "meeting_rooms", "price_day_nok", "price_month_nok", "price_note", "opening_hours", "facilities", "operator",
    "contact", "website", "status",
]  # fmt: skip


@pytest.fixture(scope="module")
def accounts(engine):
    ENGINE[:] = [engine]
    yield from test_accounts(engine, "test")


def space_request(app, name: str) -> dict:
    ids = [{"name": f, "type": edit_coworking.FIELD} for f in SPACE_FIELDS]
    values = {
        f'{{"name":"{f}","type":"{edit_coworking.FIELD}"}}.value': v
        for f, v in {"name": name, "kommunenummer": "4622", "seats": "5", "status": "active"}.items()
    }
    values["edit-coworking-save.n_clicks"] = 1
    return callback_request(
        app,
        edit_coworking.SAVE,
        values,
        {edit_coworking.FIELD: ids, edit_coworking.FEEDBACK: [{**i, "type": edit_coworking.FEEDBACK} for i in ids]},
    )


def count(model, *where) -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("editor", 200), ("admin", 200)])
def test_saving_a_coworking_space(app, accounts, who, status):
    name = f"Rolletest {secrets.token_hex(3)}"
    client = logged_in(app, accounts.get(who))
    answer = client.post("/_dash-update-component", json=space_request(app, name), headers=csrf(client))
    assert answer.status_code == status
    assert count(CoworkingSpace, CoworkingSpace.name == name) == (1 if status == 200 else 0)
    with session_scope() as session:
        session.execute(delete(CoworkingSpace).where(CoworkingSpace.name == name))


def test_saving_a_space_someone_deleted_keeps_the_form_and_says_so(app, accounts):
    """A conflict with a deleted space answers with the typed values kept (a list output cannot hold no_update)."""
    request = space_request(app, "Slettet imens")
    loaded = next(s for s in request["state"] if isinstance(s, dict) and s["id"] == edit_coworking.LOADED)
    loaded["value"] = {"id": 987_654_321, "version": 1}  # no such space: it was deleted
    client = logged_in(app, accounts["editor"])
    answer = client.post("/_dash-update-component", json=request, headers=csrf(client))
    assert answer.status_code == 200, answer.data[:300]
    text = json.dumps(answer.get_json()["response"], ensure_ascii=False)
    assert "Slettet imens" in text and "er slettet" in text  # the typed name kept; the deletion said
    assert count(CoworkingSpace, CoworkingSpace.name == "Slettet imens") == 0


def test_opening_the_space_form_needs_a_login(app, accounts):
    request = callback_request(
        app,
        edit_coworking.PICK,
        {f"{edit_coworking.PICK}.value": "new"},
        {edit_coworking.FIELD: [{"name": f, "type": edit_coworking.FIELD} for f in SPACE_FIELDS]},
    )
    assert app.server.test_client().post("/_dash-update-component", json=request).status_code == 401


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("editor", 200)])
def test_recording_progress(app, accounts, who, status, engine):
    with session_scope() as session:
        activity = session.scalars(select(MeasureActivity).order_by(MeasureActivity.id.desc())).first().id
        session.execute(
            delete(MeasureProgress).where(
                MeasureProgress.activity_id == activity, MeasureProgress.kommunenummer == "4619"
            )
        )
    fields = [{"name": f, "type": edit_progress.FIELD} for f in edit_progress.FIELDS]
    values = {
        f"{edit_progress.SAVE}.n_clicks": 1,
        f"{edit_progress.ACTIVITY}.value": str(activity),
        f"{edit_progress.PLACE}.value": "4619",
        f'{{"name":"status","type":"{edit_progress.FIELD}"}}.value': "planned",
    }
    request = callback_request(
        app,
        edit_progress.SAVE,
        values,
        {edit_progress.FIELD: fields, edit_progress.FEEDBACK: [{**f, "type": edit_progress.FEEDBACK} for f in fields]},
    )
    client = logged_in(app, accounts.get(who))
    assert client.post("/_dash-update-component", json=request, headers=csrf(client)).status_code == status
    written = count(MeasureProgress, MeasureProgress.activity_id == activity, MeasureProgress.kommunenummer == "4619")
    assert written == (1 if status == 200 else 0)
    with session_scope() as session:
        session.execute(
            delete(MeasureProgress).where(
                MeasureProgress.activity_id == activity, MeasureProgress.kommunenummer == "4619"
            )
        )


def save_view_request(app) -> dict:
    return callback_request(
        app,
        "save-view-submit",
        {
            "save-view-submit.n_clicks": 1,
            "shell-url.pathname": "/",
            "shell-url.search": "",
            "save-view-title.value": "Rolletest",
            "save-view-deck.value": save_view.NEW,
            "save-view-new-title.value": "Rolletest-presentasjon",
        },
    )


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("editor", 200)])
def test_saving_a_view_into_a_presentation(app, accounts, who, status):
    before = count(Deck, Deck.title == "Rolletest-presentasjon")
    client = logged_in(app, accounts.get(who))
    assert (
        client.post("/_dash-update-component", json=save_view_request(app), headers=csrf(client)).status_code == status
    )
    assert count(Deck, Deck.title == "Rolletest-presentasjon") == before + (1 if status == 200 else 0)
    with session_scope() as session:
        session.execute(delete(Deck).where(Deck.title == "Rolletest-presentasjon"))


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("editor", 403), ("admin", 200)])
def test_deleting_a_presentation_is_for_admins(app, accounts, who, status):
    with session_scope() as session:
        token = create_deck(session, "Slettetest").token
    request = callback_request(
        app,
        "decks-url",
        {"decks-url.search": f"?deck={token}", '{"index":0,"type":"decks-delete"}.submit_n_clicks': 1},
        {
            "decks-up": [], "decks-down": [], "decks-remove": [], "decks-rename-save": [], "decks-rename": [],
            "decks-delete": [{"index": 0, "type": "decks-delete"}],
        },
    )  # fmt: skip
    request["changedPropIds"] = ['{"index":0,"type":"decks-delete"}.submit_n_clicks']
    client = logged_in(app, accounts.get(who))
    assert client.post("/_dash-update-component", json=request, headers=csrf(client)).status_code == status
    with session_scope() as session:
        from app.db.decks import DeckError

        try:
            get_deck(session, token)
            exists = True
        except DeckError:
            exists = False
        assert exists == (status != 200)
        session.execute(delete(Deck).where(Deck.token == token))


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("editor", 403), ("admin", 200)])
def test_the_change_log_is_for_admins(app, accounts, who, status):
    client = logged_in(app, accounts.get(who))
    answer = client.get("/admin/endringslogg.csv")
    assert answer.status_code == status
    if status == 200:
        assert answer.get_data(as_text=True).lstrip("\ufeff").startswith("at;actor;action")


def test_a_logged_in_write_without_the_csrf_token_is_refused(app, accounts):
    name = f"CSRF-test {secrets.token_hex(3)}"
    client = logged_in(app, accounts["editor"])
    assert client.post("/_dash-update-component", json=space_request(app, name)).status_code == 403
    wrong = {CSRF_HEADER: "not-the-token"}
    assert client.post("/_dash-update-component", json=space_request(app, name), headers=wrong).status_code == 403
    assert count(CoworkingSpace, CoworkingSpace.name == name) == 0


def test_a_login_without_the_csrf_token_is_refused(app, accounts):
    client = app.server.test_client()
    answer = client.post(LOGIN_PATH, data={"name": accounts["editor"], "password": PASSWORD})
    assert answer.status_code == 403


def test_login_sets_a_hardened_session_cookie_and_logout_ends_it(app, accounts):
    client = app.server.test_client()
    page = client.get(LOGIN_PATH).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(
        LOGIN_PATH,
        data={"name": accounts["editor"], "password": PASSWORD, "csrf_token": token, "next": "https://evil.example/"},
    )
    assert answer.headers["Location"] == "/"  # never sent off-site
    cookie = next(c for c in answer.headers.getlist("Set-Cookie") if c.startswith("fjernarbeid_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    new_token = client.get_cookie(CSRF_COOKIE).value
    assert new_token != token  # a fresh session at login
    assert client.post("/logg-ut", data={"csrf_token": new_token}).status_code == 303
    assert client.post("/_dash-update-component", json=space_request(app, "Etter utlogging")).status_code == 401


def test_a_wrong_password_is_refused_and_logged_for_the_rate_limit(app, accounts):
    client = app.server.test_client()
    page = client.get(LOGIN_PATH + "?lang=nn").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(
        LOGIN_PATH + "?lang=nn", data={"name": accounts["admin"], "password": "feil", "csrf_token": token}
    )
    assert answer.status_code == 401
    assert "Feil brukarnamn eller passord" in answer.get_data(as_text=True)


def test_changes_are_in_the_audit_trail_with_the_editor_as_actor(app, accounts):
    name = f"Revisjon {secrets.token_hex(3)}"
    client = logged_in(app, accounts["editor"])
    assert (
        client.post("/_dash-update-component", json=space_request(app, name), headers=csrf(client)).status_code == 200
    )
    with session_scope() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "coworking.create").order_by(AuditEntry.id.desc())
        ).first()
        assert (entry.actor, entry.after["name"]) == (accounts["editor"], name)
        session.execute(delete(CoworkingSpace).where(CoworkingSpace.name == name))


@pytest.mark.parametrize("path", ["/", "/assets/app.css", "/finnes-ikke", LOGIN_PATH, "/health", "/data/oversikt.csv"])
def test_every_answer_carries_the_security_headers(app, path, accounts):
    answer = app.server.test_client().get(path)
    headers = answer.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self' 'sha256-" in headers["Content-Security-Policy"]
    assert "unsafe-eval" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Server" not in headers


INJECTIONS = ["'; DROP TABLE coworking_space; --", "<img src=x onerror=alert(1)>", '=HYPERLINK("http://x","klikk")']


def test_injection_attempts_are_stored_as_text_and_exports_neutralise_formulas(app, accounts):
    from app.ingest.editing import save_space

    names = [f"{text} {secrets.token_hex(2)}" for text in INJECTIONS]
    with session_scope() as session:
        for name in names:
            save_space(session, "test", {"name": name, "kommunenummer": "4622", "seats": 3, "status": "active"})
    try:
        client = app.server.test_client()
        csv_text = client.get("/data/kontorfellesskap.csv?region=hardangerradet&chart=coworking-map").get_data(
            as_text=True
        )
        page = client.post(
            "/_dash-update-component",
            json=callback_request(
                app, "shell-url", {"shell-url.pathname": "/kontorfellesskap", "shell-url.search": ""}
            ),
        )
        with session_scope() as session:
            stored = set(session.scalars(select(CoworkingSpace.name).where(CoworkingSpace.name.in_(names))))
        assert stored == set(names)  # the table is there, the text verbatim
        assert "'=HYPERLINK" in csv_text and "\n=HYPERLINK" not in csv_text and ";=HYPERLINK" not in csv_text
        assert page.status_code == 200
    finally:
        with session_scope() as session:
            session.execute(delete(CoworkingSpace).where(CoworkingSpace.name.in_(names)))


def test_reading_can_require_a_login(make_app, accounts):
    closed = make_app(require_login=True)
    client = closed.server.test_client()
    front = client.get("/")
    assert front.status_code == 302 and front.headers["Location"].startswith(LOGIN_PATH)
    assert client.get("/data/oversikt.csv").status_code == 401
    assert client.get("/_dash-layout").status_code == 401
    assert client.get(LOGIN_PATH).status_code == 200
    assert client.get("/assets/app.css").status_code == 200
    assert client.get("/health").status_code == 200
    client = logged_in(closed, accounts["editor"])
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("editor", 403), ("admin", 200)])
def test_deleting_a_space_is_for_admins(app, accounts, who, status):
    from app.ingest.editing import save_space

    name = f"Slettes {secrets.token_hex(3)}"
    with session_scope() as session:
        stored = save_space(session, "test", {"name": name, "kommunenummer": "4622", "seats": 1, "status": "active"})
    request = callback_request(
        app,
        edit_coworking.DELETE,
        {
            f"{edit_coworking.DELETE}.submit_n_clicks": 1,
            f"{edit_coworking.LOADED}.data": {"id": stored["id"], "version": stored["version"]},
            f"{edit_coworking.URL}.search": "",
        },
    )
    client = logged_in(app, accounts.get(who))
    assert client.post("/_dash-update-component", json=request, headers=csrf(client)).status_code == status
    assert count(CoworkingSpace, CoworkingSpace.name == name) == (0 if status == 200 else 1)
    with session_scope() as session:
        session.execute(delete(CoworkingSpace).where(CoworkingSpace.name == name))


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_a_cookie_replayed_after_logout_is_refused(app, accounts, role):
    """Logout ends the session on the server: a copy of the cookie taken before it saves nothing and
    opens no admin page."""
    client = logged_in(app, accounts[role])
    cookies = {name: client.get_cookie(name).value for name in ("fjernarbeid_session", CSRF_COOKIE)}
    headers = csrf(client)
    assert client.get("/admin/endringslogg.csv").status_code == (200 if role == "admin" else 403)
    assert client.post("/logg-ut", data={"csrf_token": headers[CSRF_HEADER]}).status_code == 303
    replay = app.server.test_client()
    for name, value in cookies.items():
        replay.set_cookie(name, value)
    before = count(Deck, Deck.title == "Rolletest-presentasjon")
    assert replay.post("/_dash-update-component", json=save_view_request(app), headers=headers).status_code == 401
    assert count(Deck, Deck.title == "Rolletest-presentasjon") == before
    assert replay.get("/admin/endringslogg.csv").status_code == 401


def test_a_role_change_ends_the_session_at_once(app, accounts):
    from app.db.users import set_role

    client = logged_in(app, accounts["admin"])
    assert client.get("/admin/endringslogg.csv").status_code == 200
    with session_scope() as session:
        set_role(session, accounts["admin"], "editor", "test")
    try:
        assert client.get("/admin/endringslogg.csv").status_code == 401
    finally:
        with session_scope() as session:
            set_role(session, accounts["admin"], "admin", "test")
