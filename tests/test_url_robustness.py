"""Whatever an address holds, a page answers with a view and a notice — never a 500, a traceback or a
wrong "the database does not answer"."""

from __future__ import annotations

import json

import plotly.io.json as pio_json
import pytest

from app.errors import DatabaseUnavailable
from app.query.metadata import QueryError
from app.web.kit.components import error_message, friendly
from app.web.pages import page_for, pages
from tests.page_answers import page_answer

MANY = ",".join(["1"] * 100_000)


def _render(app, path: str, search: str, lang: str = "nb") -> str:
    page = page_for(path)
    if page is not None and page.has_views:
        output = page_answer(app, page, search, lang)
    else:  # a page drawn from its layout alone (the presentations)
        with app.server.test_request_context(path + search):
            output = friendly(page.layout)(lang, search)
    return json.dumps(json.loads(pio_json.to_json_plotly(output)), ensure_ascii=False)


BAD_ADDRESSES = [
    ("/undersoking", "?survey=demo_national&question=q22&f_age_group=" + MANY),
    ("/undersoking", "?survey=demo_national&question=q22&f_age_group=x,1,%00&by=<script>"),
    ("/undersoking", "?survey=demo_national&question=q207&collapse=top2"),
    ("/undersoking", "?survey=nope&question=q22&view=sideways"),
    ("/", "?survey=demo_national&region=" + "x" * 5000),
    ("/mobilitet", "?survey=demo_national&jobs=abc&share=NaN&age=" + MANY),
    ("/samanhengar", "?survey=demo_national&survey=demo_hardanger"),
    ("/kontorfellesskap", "?status=open&status=closed&region=%C3%A6"),
    ("/tiltak", "?status=" + MANY),
    ("/om", "?survey=" + "ø" * 300),
]


@pytest.mark.parametrize("path, search", BAD_ADDRESSES, ids=[f"{p}{s[:60]}" for p, s in BAD_ADDRESSES])
def test_a_bad_address_gives_the_default_view_and_a_notice(app, path, search):
    body = _render(app, path, search)
    assert "database-error" not in body and "render-failed" not in body and "query-error" not in body
    assert "Traceback" not in body
    valid = "f_age_group=1,1" in search or search.count("survey=") > 1  # repeated values are simply one value
    assert ("url-notice" in body) != valid
    assert len(body) < 2_000_000  # 100 000 repeated values are not echoed back


def test_a_repeated_filter_value_counts_once(app):
    once = _render(app, "/undersoking", "?survey=demo_national&question=q22&f_age_group=1")
    many = _render(app, "/undersoking", "?survey=demo_national&question=q22&f_age_group=" + MANY)
    assert many == once


def test_merging_the_first_two_answers_is_not_offered_for_a_two_answer_question(app):
    body = _render(app, "/undersoking", "?survey=demo_national&question=q207&collapse=top2")
    assert "collapse=top2" in body  # named in the notice
    two = _render(app, "/undersoking", "?survey=demo_national&question=q22&collapse=top2")
    assert "url-notice" not in two


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.path)
def test_an_unknown_language_falls_back_instead_of_failing(app, page):
    body = _render(app, page.path, "?lang=xx", lang="xx")
    assert "render-failed" not in body and "database-error" not in body and "query-error" not in body


def test_the_frame_says_when_the_language_in_the_address_is_unknown(app):
    client = app.server.test_client()
    request = {
        "output": "..shell-nav.children...shell-footer.children...shell-skip-link.children...shell-title.data..."
        "shell-save-view.children..",
        "outputs": [
            {"id": "shell-nav", "property": "children"},
            {"id": "shell-footer", "property": "children"},
            {"id": "shell-skip-link", "property": "children"},
            {"id": "shell-title", "property": "data"},
            {"id": "shell-save-view", "property": "children"},
        ],
        "inputs": [
            {"id": "shell-url", "property": "pathname", "value": "/"},
            {"id": "shell-url", "property": "search", "value": "?lang=xx"},
        ],
        "changedPropIds": ["shell-url.search"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=request)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "language-notice" in text and "lang=xx" in text


@pytest.mark.parametrize(
    "error, css_class",
    [
        (DatabaseUnavailable("no server"), "database-error"),
        (QueryError("The survey has no variable 'q999'."), "query-error"),
        (RuntimeError("a bug"), "render-failed"),
    ],
)
def test_each_kind_of_failure_gets_its_own_message(error, css_class):
    alert = json.dumps(error_message(error, "nb").to_plotly_json(), default=str)
    assert css_class in alert
    assert "q999" not in alert and "no server" not in alert  # details go to the log, not the page
