"""Presentations: decks of saved views kept in PostgreSQL, played as slides, handed out as PDF."""

from __future__ import annotations

import io
import json

import plotly.graph_objects as go
import pytest
from dash._utils import to_json
from pypdf import PdfReader

from app.db.decks import (
    DeckError,
    add_view,
    create_deck,
    decks_of,
    delete_deck,
    duplicate_view,
    edit_view,
    editable,
    find_decks,
    get_deck,
    move_view,
    remove_view,
    rename_deck,
)
from app.web.pages import pages
from app.web.views import present


@pytest.fixture
def deck(db):
    made = create_deck(db, "Rådsmøte mars")
    add_view(db, made.token, "/undersoking", "?survey=demo_national&question=q22&by=gender", "Flytting etter kjønn")
    add_view(db, made.token, "/samanhengar", "?survey=demo_national&chart=relationships-chart-doughnut", "Smultring")
    add_view(db, made.token, "/tiltak", "", "Framdrift", note="Status per mars")
    return made.token


def test_a_deck_keeps_its_views_in_order_behind_an_unguessable_token(db, deck):
    found = get_deck(db, deck)
    assert len(deck) >= 32 and found.title == "Rådsmøte mars"
    assert [v.title for v in found.views] == ["Flytting etter kjønn", "Smultring", "Framdrift"]
    assert [v.position for v in found.views] == [1, 2, 3]
    assert found.views[2].note == "Status per mars" and found.views[0].address.startswith("/undersoking?survey=")
    assert create_deck(db, "Another").token != deck


def test_views_are_reordered_removed_and_the_deck_renamed_and_deleted(db, deck):
    first, second, third = get_deck(db, deck).views
    move_view(db, deck, first.id, 1)
    assert [v.title for v in get_deck(db, deck).views] == ["Smultring", "Flytting etter kjønn", "Framdrift"]
    move_view(db, deck, third.id, -5)  # past the start: first
    assert [v.title for v in get_deck(db, deck).views] == ["Framdrift", "Smultring", "Flytting etter kjønn"]
    remove_view(db, deck, second.id)
    assert [(v.position, v.title) for v in get_deck(db, deck).views] == [(1, "Framdrift"), (2, "Flytting etter kjønn")]
    rename_deck(db, deck, "Rådsmøte april")
    assert find_decks(db, [deck, "not-a-token"])[0].title == "Rådsmøte april"
    delete_deck(db, deck)
    with pytest.raises(DeckError, match="No presentation has this link"):
        get_deck(db, deck)


def test_a_saved_slide_is_edited_and_duplicated_right_after_itself(db, deck):
    first, second, third = get_deck(db, deck).views
    edit_view(db, deck, second.id, "Smultring i mars", "Se på den store delen")
    copy = duplicate_view(db, deck, second.id)
    views = get_deck(db, deck).views
    assert [(v.position, v.title, v.note) for v in views] == [
        (1, "Flytting etter kjønn", ""),
        (2, "Smultring i mars", "Se på den store delen"),
        (3, "Smultring i mars", "Se på den store delen"),
        (4, "Framdrift", "Status per mars"),
    ]
    assert copy.id not in (first.id, second.id, third.id) and copy.position == 3
    assert views[2].address == views[1].address
    edit_view(db, deck, copy.id, "Kopien", "")  # the copy is a view of its own
    assert [v.title for v in get_deck(db, deck).views] == [
        "Flytting etter kjønn",
        "Smultring i mars",
        "Kopien",
        "Framdrift",
    ]
    with pytest.raises(DeckError, match="empty"):
        edit_view(db, deck, copy.id, " ", "")


def _user(db, name: str, role: str = "editor"):
    from app.db.users import add_user

    return add_user(db, name, role, "et langt passord 123", "test")


def test_a_deck_belongs_to_the_editor_who_made_it_and_only_they_or_an_admin_change_it(db):
    anne, bjorn, admin = _user(db, "anne-deck"), _user(db, "bjorn-deck"), _user(db, "admin-deck", "admin")
    mine = create_deck(db, "Annes møte", owner_id=anne.id).token
    create_deck(db, "Bjørns møte", owner_id=bjorn.id)
    assert [d.title for d in decks_of(db, anne.id)] == ["Annes møte"]
    assert [d.title for d in decks_of(db, bjorn.id)] == ["Bjørns møte"]
    assert editable(db, mine, anne).owner_id == anne.id
    assert editable(db, mine, admin).owner_id == anne.id  # an admin changes it, without taking it
    with pytest.raises(DeckError, match="belongs to another editor"):
        editable(db, mine, bjorn)
    assert get_deck(db, mine).may_edit(None) is False  # nobody logged in: shown, not changed


def test_a_deck_made_before_decks_had_owners_is_claimed_by_the_first_editor_who_changes_it(db):
    anne, bjorn = _user(db, "anne-claim"), _user(db, "bjorn-claim")
    old = create_deck(db, "Gammel").token
    assert find_decks(db, [old], without_owner=True)[0].token == old
    assert editable(db, old, bjorn).owner_id == bjorn.id
    assert [d.token for d in decks_of(db, bjorn.id)] == [old] and find_decks(db, [old], without_owner=True) == []
    with pytest.raises(DeckError, match="belongs to another editor"):
        editable(db, old, anne)


def test_bad_requests_are_refused_with_a_reason(db, deck):
    with pytest.raises(DeckError, match="empty"):
        create_deck(db, "   ")
    with pytest.raises(DeckError, match="at most 200"):
        rename_deck(db, deck, "x" * 201)
    with pytest.raises(DeckError, match="no longer in the presentation"):
        remove_view(db, deck, -1)
    with pytest.raises(DeckError, match="No presentation"):
        add_view(db, "guess" * 8, "/", "", "x")


def test_a_figure_for_the_projector_has_no_text_under_20_px():
    fig = go.Figure(go.Bar(x=[1], y=["a"], text=["1"], textfont={"size": 11}), layout={"font": {"size": 12}})
    fig.add_annotation(text="note", font={"size": 10})
    fig.update_xaxes(tickfont={"size": 9}, title={"text": "x", "font": {"size": 8}})
    big = present.enlarge(fig)
    assert big.layout.font.size >= 20 and big.layout.title.text is None
    assert big.layout.annotations[0].font.size == 20 and big.layout.xaxis.tickfont.size == 20
    assert big.data[0].textfont.size == 20 and big.layout.xaxis.title.font.size == 20
    assert fig.layout.annotations[0].font.size == 10  # the page's own figure is untouched


def test_on_a_slide_every_category_keeps_its_name_wrapped_with_its_labels():
    names = [f"Kommune nummer {k} med et svært langt navn som ikke får plass" for k in range(15)]
    fig = go.Figure(go.Bar(x=list(range(15)), y=names, orientation="h"))
    fig.add_annotation(x=3, y=names[3], text="3", showarrow=False)
    big = present.enlarge(fig)
    shown = list(big.data[0].y)
    assert len(shown) == 15 and all(len(line) <= present.WRAP_Y for name in shown for line in name.split("<br>"))
    assert [n.replace("<br>", " ") for n in shown] == names  # the same names, only broken into lines
    assert big.layout.yaxis.tickmode == "linear" and big.layout.yaxis.dtick == 1  # a tick for every one
    assert big.layout.annotations[0].y == shown[3]  # a label placed at a category follows its name
    assert list(fig.data[0].y) == names  # the page's figure is untouched
    long = "Hvordan «kunne flyttet» og «synes distriktskommuner er attraktive» henger sammen (undersøkelsen – ingen sammenheng)"
    assert present.enlarge(go.Figure(go.Bar(x=[1], y=[long], orientation="h"))).data[0].y[0].count("<br>") == 2
    numbers = present.enlarge(go.Figure(go.Bar(x=[1, 2], y=["2021", "2022"], orientation="h")))
    assert numbers.layout.yaxis.dtick is None  # years are no names: left to Plotly


def test_on_a_slide_an_interval_at_a_bars_end_moves_to_its_lower_edge():
    groups = ["25–34 år", "35–44 år", "45–54 år"]
    fig = go.Figure(go.Bar(x=[40, 41, 37], y=groups, orientation="h", text=["40 %", "41 %", "37 %"]))
    whisker = {"type": "data", "array": [5, 5, 5]}
    fig.add_trace(go.Scatter(x=[40, 41, 37], y=groups, mode="markers", marker={"size": 1}, error_x=whisker))
    fig.update_layout(bargap=0.35)
    fig.update_yaxes(autorange="reversed")
    big = present.enlarge(fig)
    whiskers = big.data[1]
    assert whiskers.yaxis == "y2" and big.layout.yaxis2.overlaying == "y"
    assert list(big.layout.yaxis2.range) == [2.5, -0.5]  # the category axis, reversed, as numbers
    assert [round(y - k, 2) for k, y in enumerate(whiskers.y)] == [0.26] * 3  # below each bar's middle
    assert list(big.data[0].y) == groups  # the bars stay where they are
    dots = go.Figure(go.Scatter(x=[1, 2], y=groups[:2], mode="markers", error_x={"type": "data", "array": [1, 1]}))
    dots.update_yaxes(type="category")
    assert list(present.enlarge(dots).data[0].y) == groups[:2]  # a dot with its interval stays on its category


def _funnel_view(last: int, low: int, high: int):
    from app.web.views import Column, DataTable, View

    columns = [
        Column("step", "Steg"),
        Column("people", "Personer", "integer"),
        Column("people_low", "95 %-intervall, nedre", "integer"),
        Column("people_high", "95 %-intervall, øvre", "integer"),
    ]
    rows = [
        {"step": "Jobber", "people": 1_300_000, "people_low": 1_200_000, "people_high": 1_400_000},
        {"step": "… og kunne valgt regionen", "people": last, "people_low": low, "people_high": high},
    ]
    figure = go.Figure(go.Bar(x=[r["people"] for r in rows], y=[r["step"] for r in rows], orientation="h"))
    figure.add_annotation(x=last, y=rows[1]["step"], text="≈\u00a0" + f"{last:,}".replace(",", "\u00a0"))
    return View("funnel", "Traktmodell", DataTable(columns, rows), figure, sentence="Om lag 1 600 kan flytte hit.")


def test_a_number_drawn_as_a_sliver_gets_a_key_figure_slide_with_its_range():
    key = present.key_figure(_funnel_view(1600, 1100, 2200), "nb")
    assert key is not None
    assert (key.number, key.low, key.high) == ("≈\u00a01\u00a0600", "1\u00a0100", "2\u00a0200")
    assert key.label == "… og kunne valgt regionen"
    assert present.key_figure(_funnel_view(600_000, 500_000, 700_000), "nb") is None  # a bar one can read


def test_a_slides_headline_is_the_views_key_sentence_and_a_funnel_shows_its_number_big(client):
    from app.web.views.export import chosen_view, render_views

    search = "?survey=demo_national&chart=mobility-funnel&present=1"
    with client.application.test_request_context("/"):
        page = next(p for p in pages() if p.path == "/mobilitet")
        view = chosen_view(render_views(page, search.replace("&present=1", ""), "nb"), "mobility-funnel")
        slide = present.slide("/mobilitet", search, "nb")

    def find(component, test):
        if test(component):
            yield component
        children = getattr(component, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and not isinstance(child, str):
                yield from find(child, test)

    headline = next(find(slide, lambda c: getattr(c, "className", "").startswith("slide-title")))
    assert view.sentence and headline.children == view.sentence
    number = next(find(slide, lambda c: getattr(c, "id", None) == present.KEY_NUMBER))
    key = present.key_figure(view, "nb")
    assert key is not None and number.children == key.number
    assert f"{key.low}–" not in number.children and "≈" in number.children
    assert not list(find(slide, lambda c: getattr(c, "id", None) == f"{present.SLIDE}-chart"))  # no sliver


@pytest.mark.parametrize("page", [p for p in pages() if p.has_views], ids=lambda p: p.path)
def test_every_page_can_be_shown_as_a_slide(client, page):
    """Each page's first view (or a message for a page without one) fits a slide; no error."""
    from flask import current_app

    with client.application.test_request_context("/"):
        assert current_app
        slide = present.slide(page.path, "?present=1", "nn")
    text = str(slide.to_plotly_json())
    assert "slide-title" in text or "Ingenting å presentere" in text
    assert "render-failed" not in text and "database-error" not in text


@pytest.mark.slow
def test_the_handout_has_one_page_per_view_with_title_and_note(client):
    from app.db.session import session_scope

    with client.application.app_context(), session_scope() as session:  # committed: the route reads it
        token = create_deck(session, "Handout").token
        add_view(
            session, token, "/undersoking", "?survey=demo_national&by=gender", "Flytting etter kjønn", "Merk: syntetisk"
        )
        add_view(session, token, "/tiltak", "", "Framdrift")
        add_view(session, token, "/presentasjon", "", "Ingen")  # a page without views gives no page
    try:
        from app.web.server.jobs import run_worker

        assert client.get(f"/deck/{token}.pdf?lang=nb").status_code == 202  # made by the worker, not the request
        run_worker(client.application.config["FJERNARBEID"], client.application, wait=False, signals=False)
        response = client.get(f"/deck/{token}.pdf?lang=nb")
        assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(response.data))
        assert len(reader.pages) == 3  # a cover, then a page per view
        first = reader.pages[1].extract_text()
        assert "Flytting etter kjønn" in first and "Merk: syntetisk" in first
        assert client.get("/deck/not-a-deck-token-at-all.pdf").status_code == 404
    finally:
        with client.application.app_context(), session_scope() as session:
            delete_deck(session, token)


def test_a_deck_error_is_said_in_the_pages_language(db):
    """The data floor raises its errors with a message id; the pages say them in their language."""
    from app.language import error_text

    with pytest.raises(DeckError) as caught:
        get_deck(db, "no-such-token")
    assert error_text(caught.value, "nb") == "Ingen presentasjon har denne lenken; den kan være slettet."
    assert (
        error_text(caught.value, "en")
        == str(caught.value)
        == "No presentation has this link; it may have been deleted."
    )
    with pytest.raises(DeckError) as long:
        create_deck(db, "x" * 500)
    assert "500" in error_text(long.value, "nn") and "teikn" in error_text(long.value, "nn")


def test_the_presentations_page_has_every_id_its_callbacks_name_with_or_without_a_deck():
    """Without ?deck= the page lists this browser's presentations, and still holds the editor's and the
    handout's ids, so Dash logs no "nonexistent object" error on every load."""
    from app.web.pages import decks

    def ids(component) -> set[str]:
        found = {component.id} if isinstance(getattr(component, "id", None), str) else set()
        children = getattr(component, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and not isinstance(child, str):
                found |= ids(child)
        return found

    for search in ("", "?deck=abc"):
        assert {decks.EDITOR, decks.LIST, decks.HANDOUT_STATUS, decks.HANDOUT_POLL} <= ids(decks.layout("nb", search))


def test_the_survey_slide_leads_with_what_the_chart_says(client, db):
    """The headline of a survey slide is its key sentence, computed from the shown shares: the answer most
    common over the groups and its range (issue 23 §1), not only whether the test is significant."""
    from app.language import localized
    from app.query.estimates import estimate_shares
    from app.query.publish import publishable
    from app.web.pages.survey import key_sentence

    result = localized(publishable(estimate_shares(db, "demo_national", "q22", by="gender", min_n=10)), "nb")
    expected = key_sentence(result, "nb")
    assert "varierer fra" in expected and "(Kvinne)" in expected and "(Mann)" in expected
    with client.application.test_request_context("/"):
        slide = present.slide("/undersoking", "?survey=demo_national&question=q22&by=gender&present=1", "nb")
    headlines = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "H1":
                headlines.append(node["props"]["children"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(to_json(slide)))
    assert headlines == [expected]
