"""Who may see a survey (issue 24 §1): ``public``, ``region`` or ``private``, set from the command line and
honoured by the survey lists every page and data address chooses from, with real sessions. Anonymous
visitors see only the public surveys; the response cache never hands one audience's answer to another."""

from __future__ import annotations

import io
import json
import secrets

import pytest
from sqlalchemy import delete, select

from app.cli import main
from app.db.models import AppUser, AuditEntry, Region, Survey
from app.db.regions import add_region
from app.db.users import add_user
from app.db.visibility import EVERYTHING, audience_of, seeing, set_visibility
from app.ingest.survey_import import import_survey
from app.query.catalog import list_surveys
from tests.accounts import PASSWORD, committed, csrf, logged_in
from tests.dash_calls import callback_request
from tests.test_survey_import import CODEBOOK, GOOD_ROWS, write_csv

SURVEY = "demo_ansatte"  # the employee survey: a council's own, the kind kept to itself
ABOUT = "/data/om.json"
METADATA = f"/data/undersoking.metadata.json?survey={SURVEY}"


@pytest.fixture(scope="module")
def people(engine, module_app):
    """Accounts of Hardangerrådet, of a second region, national ones, and their logged-in clients."""
    tag = secrets.token_hex(3)
    region = f"synleg-{tag}"
    plan = {
        "hardanger": ("editor", "hardangerradet"),
        "other": ("editor", region),
        "national-editor": ("editor", None),
        "national-admin": ("admin", None),
    }
    names = {key: f"synleg-{key}-{tag}" for key in plan}
    with committed(engine) as session:
        add_region(session, region, "Sunnhordland (synleg)", ["4613", "4614"], "test")
        for key, (role, where) in plan.items():
            add_user(session, names[key], role, PASSWORD, "test", region=where)
    clients = {key: logged_in(module_app, name) for key, name in names.items()}
    clients["anonymous"] = logged_in(module_app, None)
    yield {"names": names, "clients": clients, "region": region}
    with committed(engine) as session:
        set_visibility(session, SURVEY, "public", "test")
        session.execute(delete(AppUser).where(AppUser.name.in_(names.values())))
        session.execute(delete(Region).where(Region.slug == region))


def _visibility(engine, visibility: str, region: str | None = None, readers: list[str] | None = None) -> None:
    with committed(engine) as session:
        set_visibility(session, SURVEY, visibility, "test", region=region, readers=readers)


def _sees(people, who: str) -> tuple[bool, bool]:
    """(the survey's data address answers, the About page's list names it) for ``who``."""
    client = people["clients"][who]
    metadata = client.get(METADATA)
    assert metadata.status_code in (200, 400), metadata.status_code
    about = client.get(ABOUT)
    assert about.status_code == 200
    return metadata.status_code == 200, SURVEY in about.get_data(as_text=True)


def test_a_survey_is_public_to_a_region_or_private_to_named_users(people, engine):
    everyone = ("anonymous", "hardanger", "other", "national-editor", "national-admin")
    assert {who: _sees(people, who) for who in everyone} == dict.fromkeys(everyone, (True, True))

    _visibility(engine, "region", region="hardangerradet")
    seen = {who: _sees(people, who) for who in everyone}
    assert seen == {
        "anonymous": (False, False),
        "hardanger": (True, True),
        "other": (False, False),
        "national-editor": (True, True),
        "national-admin": (True, True),
    }

    _visibility(engine, "private", readers=[people["names"]["other"]])
    seen = {who: _sees(people, who) for who in everyone}
    assert seen == {
        "anonymous": (False, False),
        "hardanger": (False, False),
        "other": (True, True),
        "national-editor": (False, False),
        "national-admin": (True, True),
    }
    _visibility(engine, "public")
    assert _sees(people, "anonymous") == (True, True)


def test_one_audience_s_cached_answer_never_reaches_another(people, engine, module_app):
    """The survey page's controls list the surveys; the same request from the region's editor and then
    from an anonymous visitor gets two answers (the response cache keys on who may see what)."""
    _visibility(engine, "region", region="hardangerradet")
    try:
        page = callback_request(
            module_app, "survey-url", {"survey-url.search": "", "survey-url.pathname": "/undersoking"}
        )
        answers = {}
        for who in ("hardanger", "anonymous", "other"):
            client = people["clients"][who]
            answer = client.post("/_dash-update-component", json=page, headers=csrf(client))
            assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
            answers[who] = json.dumps(answer.get_json(), ensure_ascii=False)
        assert SURVEY in answers["hardanger"]
        assert SURVEY not in answers["anonymous"] and SURVEY not in answers["other"]
    finally:
        _visibility(engine, "public")


def test_the_audience_of_an_account(db, people):
    survey = db.scalar(select(Survey).where(Survey.slug == SURVEY))
    set_visibility(db, SURVEY, "region", "test", region="hardangerradet")
    accounts = {key: _account(db, name) for key, name in people["names"].items()}
    assert audience_of(db, None) == frozenset()
    assert audience_of(db, accounts["hardanger"]) == {survey.id}
    assert audience_of(db, accounts["other"]) == frozenset()
    with seeing(frozenset()):
        assert SURVEY not in [s.slug for s in list_surveys(db)]
    with seeing(frozenset({survey.id})):
        assert SURVEY in [s.slug for s in list_surveys(db)]
    with seeing(EVERYTHING):
        assert SURVEY in [s.slug for s in list_surveys(db)]


def _account(db, name):
    from app.db.users import _account as account_of

    return account_of(db, db.scalar(select(AppUser).where(AppUser.name == name)))


def test_a_new_file_for_a_survey_keeps_who_may_see_it(db, tmp_path):
    import_survey(db, write_csv(tmp_path, GOOD_ROWS), CODEBOOK)
    set_visibility(db, "mini", "region", "test", region="hardangerradet")
    import_survey(db, write_csv(tmp_path, GOOD_ROWS[:2], name="other.csv"), CODEBOOK, replace=True)
    survey = db.scalar(select(Survey).where(Survey.slug == "mini"))
    assert survey.visibility == "region" and survey.region_id is not None
    entry = db.scalar(
        select(AuditEntry).where(AuditEntry.action == "survey.visibility", AuditEntry.entity_id == "mini")
    )
    assert entry.before["visibility"] == "public" and entry.after == {
        "visibility": "region",
        "region": "hardangerradet",
        "readers": None,
    }


def test_the_command_line_sets_and_lists_visibility(people, engine, monkeypatch, capsys, database_url, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FJERNARBEID_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    try:
        assert main(["surveys", "visibility", SURVEY, "region", "--region", "hardangerradet"]) == 0
        assert main(["surveys", "list"]) == 0
        assert f"{SURVEY}" in capsys.readouterr().out
        assert main(["surveys", "visibility", SURVEY, "region"]) == 1
        assert "needs --region" in capsys.readouterr().err
        reader = people["names"]["other"]
        assert main(["surveys", "visibility", SURVEY, "private", "--readers", f"{reader},ingen-slik"]) == 1
        assert "no user 'ingen-slik'" in capsys.readouterr().err
        assert main(["surveys", "visibility", SURVEY, "private", "--readers", reader]) == 0
        assert main(["surveys", "list"]) == 0
        line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(SURVEY))
        assert line.split()[1:] == ["private", reader]
    finally:
        _visibility(engine, "public")


def test_a_remembered_result_is_kept_per_audience(db):
    """Query results remembered across requests (Kommune's stand-in surveys among them) are kept apart for
    audiences that may see different surveys."""
    from app.query.data_version import remembered

    key = ("test.audience", secrets.token_hex(4))
    with seeing(frozenset()):
        assert remembered(db, key, lambda: "public only") == "public only"
    with seeing(frozenset({999_999})):
        assert remembered(db, key, lambda: "with a region's survey") == "with a region's survey"
    with seeing(frozenset()):
        assert remembered(db, key, lambda: "computed again") == "public only"


def test_a_presentation_shows_a_view_of_a_closed_survey_only_to_those_who_may_see_it(people, engine, module_app):
    """The deck's list, its slides and its handout (one file for everyone: the public views only)."""
    from app.db.decks import add_view, create_deck, delete_deck, find_decks, shown_deck, shown_decks

    with committed(engine) as session:
        token = create_deck(session, "Synleg-test").token
        add_view(session, token, "/undersoking", f"?survey={SURVEY}", "Tilsette sine svar")
        add_view(session, token, "/undersoking", "?survey=demo_national", "Alle sine svar")
        survey_id = session.scalar(select(Survey.id).where(Survey.slug == SURVEY))
    _visibility(engine, "region", region="hardangerradet")
    try:
        with committed(engine) as session:
            with seeing(frozenset()):
                assert [v.title for v in shown_deck(session, token).views] == ["Alle sine svar"]
            with seeing(frozenset({survey_id})):
                assert len(shown_deck(session, token).views) == 2
                assert [v.title for v in shown_deck(session, token, public_only=True).views] == ["Alle sine svar"]
            with seeing(frozenset()):  # a list of decks counts only the views its reader may see
                assert [len(d.views) for d in shown_decks(session, find_decks(session, [token]))] == [1]
        request = callback_request(module_app, "decks-url", {"decks-url.search": f"?deck={token}"})
        listed = {}
        for who in ("anonymous", "hardanger"):
            client = people["clients"][who]
            answer = client.post("/_dash-update-component", json=request, headers=csrf(client))
            assert answer.status_code == 200
            listed[who] = answer.get_data(as_text=True)
        assert "Tilsette sine svar" in listed["hardanger"] and "Alle sine svar" in listed["hardanger"]
        assert "Tilsette sine svar" not in listed["anonymous"] and "Alle sine svar" in listed["anonymous"]
    finally:
        _visibility(engine, "public")
        with committed(engine) as session:
            delete_deck(session, token)
