"""Editing forms: labelled fields addressed by pattern-matching ids, and the words for each problem.

A form's fields have ids ``{"type": <form's field type>, "name": <field>}`` and feedback
``{"type": <form's feedback type>, "name": <field>}``, so one callback fills, marks and explains
every field of the form, in layout order (``ctx.outputs_list`` says which is which).

A form that was refused shows Designsystemet's error summary above its message (``error_summary``): a
heading and one link per problem to its field, labelled by the field's label; ``assets/error_summary.js``
moves the focus to it and takes a link's click to the field.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
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
    "not_in_catalogue": N_(
        "This place does not use the chosen catalogue: choose the region or one of its municipalities (for the "
        "report's template: a municipality in no region)."
    ),
    "invalid": N_("This value is not allowed here."),
}


def problem_text(problem: FieldProblem, lang: str) -> str:
    return _(PROBLEM_TEXT.get(problem.code, PROBLEM_TEXT["invalid"]), lang)


def dom_id(field_type: str, name: str) -> str:
    """The id Dash gives the element of the field ``{"type": field_type, "name": name}`` in the page."""
    return f'{{"name":"{name}","type":"{field_type}"}}'


def field(
    field_type: str, feedback_type: str, name: str, label: str, control: Any, help_text: str | None = None
) -> html.Div:
    """A labelled control with room for its problem. ``control`` gets the pattern-matching id."""
    control.id = {"type": field_type, "name": name}
    parts = [dbc.Label(label, html_for=dom_id(field_type, name), className="fw-semibold"), control]
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


def editable_catalogues(session: Any, allowed: Any) -> list[Any]:
    """The measures catalogues (``app.query.measures.Catalogue``) an account may record in, given its
    ``allowed`` places (``app.db.access.Places``): a region's when its role reaches the region, the template
    (for municipalities in no region) only with the role nationally."""
    from app.query.measures import catalogues

    return [
        c
        for c in catalogues(session)
        if (allowed.everywhere if c.region_slug is None else allowed.allows(f"region:{c.region_slug}"))
    ]


def catalogue_name(catalogue: Any, lang: str) -> str:
    return catalogue.region_name or _("The report's template (municipalities in no region)", lang)


@dataclass(frozen=True)
class CatalogueChoice:
    """A catalogue an editing form offers: ``prefix`` names it before each of its measures when the form offers
    more than one, and ``places`` are the place options it takes (its region and members, for this account)."""

    key: str  # the catalogue's name, which also keys its places in the page's store
    prefix: str
    catalogue: Any  # app.query.measures.Catalogue
    places: list[dict[str, str]]


def catalogue_choices(session: Any, lang: str, allowed: Any, wanted: str | None) -> list[CatalogueChoice]:
    """The catalogues ``allowed`` (an ``app.db.access.Places``) may record in, ``wanted``'s (a region slug, from
    ``?region=``) first, each with the places it takes."""
    offered = editable_catalogues(session, allowed)
    if wanted:
        offered.sort(key=lambda c: c.region_slug != wanted)
    every_place = place_options(session, lang, allowed)
    choices = []
    for c in offered:
        name = catalogue_name(c, lang)
        places = [o for o in every_place if o["value"] in c.places]
        choices.append(CatalogueChoice(name, f"{name} · " if len(offered) > 1 else "", c, places))
    return choices


# A clientside callback's body: the place options of the chosen measure's catalogue (the page's store holds
# ``catalogue_of`` each measure and ``places_of`` each catalogue), keeping the place chosen when it is among them.
PLACES_OF_CHOSEN_CATALOGUE = """function(measure, known, place) {
    const options = known.places_of[known.catalogue_of[measure]] || [];
    const kept = options.some(o => o.value === place) ? place : (options.length ? options[0].value : null);
    return [options, kept];
}"""


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


def translated(labels: Mapping[str, str], lang: str) -> dict[str, str]:
    """A form's labels (field name → message id) in ``lang``."""
    return {name: _(label, lang) for name, label in labels.items()}


def error_summary(
    heading: str,
    field_type: str,
    names: list[str],
    problems: list[FieldProblem],
    lang: str,
    labels: Mapping[str, str],
) -> html.Div:
    """Designsystemet's error summary: ``heading``, then each problem as a link to its field ("Label: what is
    wrong"), in the form's order; a problem of a field the form does not show is said without a link.

    ``labels`` maps a field's name to its label as the form shows it (in ``lang``)."""
    said: dict[str, str] = {}
    for problem in problems:
        said.setdefault(problem.field, problem_text(problem, lang))
    items = [
        html.Li(
            html.A(
                f"{labels.get(name, name)}: {said[name]}",
                href="#" + dom_id(field_type, name),
                className="ds-link",
            )
        )
        for name in names
        if name in said
    ]
    items += [html.Li(text) for text in unplaced(names, problems, lang)]
    return html.Div(
        [html.H2(heading, className="ds-heading"), html.Ul(items, className="ds-list")],
        className="ds-error-summary",
        id=f"error-summary-{uuid.uuid4().hex[:12]}",  # new each time: assets/error_summary.js focuses a new one
        tabIndex="-1",
    )


def problem_summary(heading: str, problems: list[str], **attributes: Any) -> html.Div:
    """Designsystemet's error summary for problems that are no fields of a form (the rows of a file): ``heading``,
    then each problem as an item. Like ``error_summary`` it is new each time, and the focus moves to it."""
    return html.Div(
        [
            html.H2(heading, className="ds-heading"),
            html.Ul(
                [html.Li(text.strip().removeprefix("- ")) for text in problems if text.strip()],  # a list's own dash
                className="ds-list import-problems",
            ),
        ],
        className="ds-error-summary",
        id=f"error-summary-{uuid.uuid4().hex[:12]}",  # new each time: assets/error_summary.js focuses a new one
        tabIndex="-1",
        **attributes,
    )


def refused(
    field_type: str, names: list[str], problems: list[FieldProblem], lang: str, labels: Mapping[str, str]
) -> tuple:
    """The save callback's answer when nothing was saved: the fields marked, each with its sentence, and the
    error summary linking to them (``labels``: each field's label in ``lang``)."""
    invalid, said = marks(names, problems, lang)
    summary = error_summary(
        _("Nothing was saved. Correct the marked fields.", lang), field_type, names, problems, lang, labels
    )
    return invalid, said, [no_update] * len(names), no_update, summary


def answered(names: list[str], shown: list[str], loaded: dict | None, message: Any) -> tuple:
    """The save callback's answer with the form showing ``shown`` (what is stored now) and no field marked."""
    return [False] * len(names), [""] * len(names), shown, loaded, message
