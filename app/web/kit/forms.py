"""Editing forms: labelled fields addressed by pattern-matching ids, and the words for each problem.

A form's fields have ids ``{"type": <form's field type>, "name": <field>}`` and feedback
``{"type": <form's feedback type>, "name": <field>}``, so one callback fills, marks and explains
every field of the form, in layout order (``ctx.outputs_list`` says which is which).
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Output, html, no_update

from app.ingest.editing import FieldProblem
from app.language import N_
from app.language import gettext as _

PROBLEM_TEXT = {
    "required": N_("This field is required."),
    "too_long": N_("The text is too long."),
    "not_a_number": N_("Write a number, e.g. 12 or 150,50."),
    "negative": N_("The number cannot be negative."),
    "outside_norway": N_("The coordinates are not in Norway (latitude 57–72, longitude 4–32)."),
    "outside_municipality": N_(
        "The coordinates are not inside the chosen municipality. Check the municipality, and that latitude and "
        "longitude are not swapped."
    ),
    "both_coordinates": N_("Give both latitude and longitude, or neither."),
    "bad_url": N_("Write a full web address starting with https:// (or http://)."),
    "duplicate_name": N_("The municipality already has a space with this name."),
    "unknown_municipality": N_("Choose a municipality from the list."),
    "unknown_postal_code": N_("This postal code is not in Posten's register."),
    "bad_date": N_("Write the date as YYYY-MM-DD, e.g. 2026-12-01."),
    "no_target": N_("Give a target: a number (with its unit), words, or both."),
    "no_numeric_target": N_("This criterion's target is not a number: give it one before recording values."),
    "in_future": N_("The date has not come yet: record a value once it is measured."),
    "invalid": N_("This value is not allowed here."),
}


def problem_text(problem: FieldProblem, lang: str) -> str:
    return _(PROBLEM_TEXT.get(problem.code, PROBLEM_TEXT["invalid"]), lang)


def field(
    field_type: str, feedback_type: str, name: str, label: str, control: Any, help_text: str | None = None
) -> html.Div:
    """A labelled control with room for its problem. ``control`` gets the pattern-matching id."""
    control.id = {"type": field_type, "name": name}
    dom_id = f'{{"name":"{name}","type":"{field_type}"}}'  # the id Dash gives the element in the page
    parts = [dbc.Label(label, html_for=dom_id, className="fw-semibold"), control]
    if help_text:
        parts.append(dbc.FormText(help_text))
    parts.append(dbc.FormFeedback(id={"type": feedback_type, "name": name}, type="invalid"))
    return html.Div(parts, className="mb-3")


def text_input(max_length: int | None = None, input_type: str = "text", **kwargs: Any) -> dbc.Input:
    return dbc.Input(type=input_type, maxLength=max_length, debounce=True, **kwargs)


def choice(options: list[dict[str, Any]]) -> dbc.Select:
    """A native select: labelled like any input, and it can be marked invalid."""
    return dbc.Select(options=options)


def place_options(session: Any, lang: str, allowed: Any = None) -> list[dict[str, str]]:
    """Where progress or a measured value can be recorded: the regions' municipalities first, then each
    region as a whole (``region:<slug>``), then every other municipality; with ``allowed`` (an
    ``app.db.access.Places``) only the places in it."""
    from app.query.municipality import municipalities, regions

    places = municipalities(session)
    members = [p for p in places if p[2]]
    options = (
        [{"label": f"{name} ({number})", "value": number} for number, name, _slug in members]
        + [
            {"label": _("{region} (the whole region)", lang).format(region=name), "value": f"region:{slug}"}
            for slug, name in regions(session)
        ]
        + [{"label": f"{name} ({number})", "value": number} for number, name, slug in places if not slug]
    )
    return [o for o in options if allowed is None or allowed.allows(o["value"])]


def names_of(outputs: list[dict[str, Any]]) -> list[str]:
    """The field names of a pattern-matching output list, in its order."""
    return [o["id"]["name"] for o in outputs]


def marks(names: list[str], problems: list[FieldProblem], lang: str) -> tuple[list[bool], list[str]]:
    """For each field in ``names``: whether it is invalid, and what to say about it."""
    said: dict[str, str] = {}
    for problem in problems:
        said.setdefault(problem.field, problem_text(problem, lang))
    return [n in said for n in names], [said.get(n, "") for n in names]


def unplaced(names: list[str], problems: list[FieldProblem], lang: str) -> list[str]:
    """Problems of fields the form does not show (said in the message instead)."""
    return [problem_text(p, lang) for p in problems if p.field not in names]


def save_outputs(field_type: str, feedback_type: str, loaded: str, message: str) -> list[Output]:
    """The outputs of a form's save callback, in the order ``refused``, ``conflict`` and ``saved`` answer."""
    return [
        Output({"type": field_type, "name": ALL}, "invalid", allow_duplicate=True),
        Output({"type": feedback_type, "name": ALL}, "children"),
        Output({"type": field_type, "name": ALL}, "value", allow_duplicate=True),
        Output(loaded, "data", allow_duplicate=True),
        Output(message, "children"),
    ]


def refused(names: list[str], problems: list[FieldProblem], lang: str) -> tuple:
    """The save callback's answer when nothing was saved: the fields marked, each with its sentence."""
    invalid, said = marks(names, problems, lang)
    extra = unplaced(names, problems, lang)
    alert = dbc.Alert(
        [_("Nothing was saved. Correct the marked fields.", lang), *[html.Div(t) for t in extra]], color="danger"
    )
    return invalid, said, [no_update] * len(names), no_update, alert


def answered(names: list[str], shown: list[str], loaded: dict | None, message: Any) -> tuple:
    """The save callback's answer with the form showing ``shown`` (what is stored now) and no field marked."""
    return [False] * len(names), [""] * len(names), shown, loaded, message
