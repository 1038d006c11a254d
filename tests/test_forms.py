"""A refused form's error summary (app/web/kit/forms.py, issue 23 §4): Designsystemet's markup, one link per
field in the form's order named by the field's label, problems of fields the form does not show said without a
link. The browser side (focus, a link's click) is tests/browser/test_editing.py."""

from __future__ import annotations

from dash import html, no_update

from app.ingest.editing import FieldProblem
from app.web.kit import forms
from app.web.pages import edit_coworking

LABELS = {"name": "Navn", "seats": "Skriveplassar", "website": "Nettstad"}
NAMES = ["name", "kommunenummer", "seats", "website"]


def test_the_summary_links_each_problem_to_its_field_in_the_forms_order():
    problems = [FieldProblem("seats", "negative"), FieldProblem("name", "required"), FieldProblem("space", "invalid")]
    summary = forms.error_summary("Ingenting blei lagra.", "f", NAMES, problems, "nn", LABELS)
    assert summary.className == "ds-error-summary" and summary.tabIndex == "-1"
    heading, listing = summary.children
    assert isinstance(heading, html.H2) and heading.children == "Ingenting blei lagra."
    items = listing.children
    links = [item.children for item in items if isinstance(item.children, html.A)]
    assert [link.href for link in links] == ['#{"name":"name","type":"f"}', '#{"name":"seats","type":"f"}']
    assert links[0].children == "Navn: " + forms.problem_text(problems[1], "nn")
    assert links[1].children == "Skriveplassar: " + forms.problem_text(problems[0], "nn")
    assert [item.children for item in items[2:]] == [forms.problem_text(problems[2], "nn")]  # not on the form


def test_each_summary_has_an_id_of_its_own_so_the_focus_moves_to_the_next_one():
    problems = [FieldProblem("name", "required")]
    first = forms.error_summary("x", "f", NAMES, problems, "nb", LABELS)
    second = forms.error_summary("x", "f", NAMES, problems, "nb", LABELS)
    assert first.id != second.id


def test_refused_marks_the_fields_and_answers_with_the_summary():
    labels = forms.translated(edit_coworking.LABELS, "en")
    invalid, said, values, loaded, summary = forms.refused(
        edit_coworking.FIELD, NAMES, [FieldProblem("seats", "negative")], "en", labels
    )
    assert invalid == [False, False, True, False] and said[2] == forms.problem_text(FieldProblem("s", "negative"), "en")
    assert values == [no_update] * 4 and loaded is no_update
    (link,) = [item.children for item in summary.children[1].children]
    assert link.children.startswith("Desk places: ") and summary.children[0].children.startswith("Nothing was saved")
