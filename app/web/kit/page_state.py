"""A page's state, declared once: its parameters, parsed from the address and written back to it.

Every page lists its parameters as ``Param``s in a ``Spec``: the name in the address, the control
that shows it, its allowed values (from the database or a fixed list) and its default (from the
configuration, never a customer's slug). From that one declaration:

* ``Spec.parse`` turns a query string into a ``PageState`` (unknown or stale values fall back to
  the default, and the state keeps a notice for each);
* ``PageState.query`` writes the state back as a query string (defaults left out);
* ``register`` wires the two callbacks of a page: its controls write the address, and the address
  draws the page — the page's ``render(state)`` returns named outputs, the controls' values and
  options come from the state;
* ``PageState.describe`` says in words what the state selects ("Kvinne, 25–34 år, Hardangerrådet"),
  for titles, exports and citations.

Parameters are parsed in order, so the allowed values of one may depend on those before it (the
questions on the chosen survey). Language stays at the edge: an option's label is a message id
(translated with ``gettext``) or a text per language from the database (picked).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from dash import Input, Output, State, ctx, dcc, no_update
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from app.config import LANGUAGES, Config
from app.language import N_, gettext, pick
from app.web.kit import urls
from app.web.server.response_cache import do_not_cache_this_response, page_reads

log = logging.getLogger(__name__)

Widget = Literal["dropdown", "radio", "checklist", "slider", "input", "none"]
KEEP = ("lang",)  # the shell's own parameter, kept whenever a page rewrites the address
MAX_VALUE_LENGTH = 40  # of an ignored value quoted back in a notice


@dataclass(frozen=True)
class Option:
    """An allowed value and its label: a message id, or a text per language from the database."""

    value: Hashable
    label: str | Mapping[str, str] | Callable[[str], str]
    disabled: bool = False

    def text(self, lang: str) -> str:
        if isinstance(self.label, str):
            return gettext(self.label, lang)
        if callable(self.label):
            return self.label(lang)
        return pick(dict(self.label), lang)


@dataclass
class Context:
    """What parsing may look at: the database, the configuration, the values parsed so far."""

    session: Session
    config: Config
    values: dict[str, Any] = field(default_factory=dict)
    _memo: dict[Hashable, Any] = field(default_factory=dict)

    def once(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """A lookup several parameters need (e.g. the list of surveys), made once per parse."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


OptionsSource = Callable[[Context], Sequence[Option]]
DefaultSource = Callable[[Context], Any]


@dataclass(frozen=True)
class Param:
    """One parameter of a page's state.

    Args:
        name: its name in the address.
        control: the component whose ``value`` shows it (None: not shown by a control).
        options: its allowed values; None for a number (see ``number``).
        default: the value when the address does not give one (a constant or a function of the context).
        many: a list of values, comma-separated in the address.
        number: (low, high) for a number.
        none_value: for ``many`` with a non-empty default: what the address holds for "none chosen".
        resets: parameters to forget when this one changes (their allowed values depend on it).
        widget: the control's kind; dropdowns, radio buttons and checklists get their options from the state.
        in_words: part of ``PageState.describe``.
    """

    name: str
    control: str | None = None
    options: OptionsSource | None = None
    default: Any = None
    many: bool = False
    number: tuple[float, float] | None = None
    none_value: str | None = None
    resets: tuple[str, ...] = ()
    widget: Widget = "dropdown"
    in_words: bool = False
    aliases: Mapping[str, str] = field(default_factory=dict)  # old address values still understood

    def default_value(self, context: Context) -> Any:
        value = self.default(context) if callable(self.default) else self.default
        return list(value) if self.many else value

    @property
    def has_options_prop(self) -> bool:
        return (
            self.control is not None and self.options is not None and self.widget in ("dropdown", "radio", "checklist")
        )


@dataclass
class PageState:
    """The parsed state of one page view."""

    spec: Spec
    lang: str
    values: dict[str, Any]
    defaults: dict[str, Any]
    options: dict[str, list[Option]]
    ignored: list[tuple[str, str]] = field(default_factory=list)
    lang_in_address: bool = False  # the address names the language (kept in links the state writes)
    lookups: dict[Hashable, Any] = field(default_factory=dict, repr=False)  # e.g. the surveys, read once

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def label(self, name: str, value: Hashable | None = None) -> str:
        """The label of a parameter's value (its current value by default) in the state's language."""
        value = self.values[name] if value is None else value
        option = next((o for o in self.options.get(name, []) if o.value == value), None)
        return option.text(self.lang) if option else str(value)

    def query(self, explicit: bool = False, **changes: Any) -> str:
        """The address's query string for this state (with ``changes``), defaults left out unless
        ``explicit`` (an export's or a citation's address must mean the same after a default changes; a
        number's default is still left out)."""
        values = {**self.values, **changes}
        params: dict[str, str] = {"lang": self.lang} if self.lang_in_address else {}
        for param in self.spec.params:
            value = values.get(param.name)
            default = value == self.defaults.get(param.name) and param.name not in changes
            if value is None or default and (not explicit or param.number is not None):  # a number's default is
                continue  # computed (a region's share): written out it would be a long float, and not a choice
            text = to_text(param, value)
            if text:
                params[param.name] = text
        return urls.query(params)

    def survey_info(self):
        """The ``SurveyInfo`` of the chosen survey (None when there is none)."""
        return next((s for s in self.lookups.get("surveys", []) if s.slug == self.get("survey")), None)

    def link(self, path: str, **params: Any) -> str:
        """An address on another page with ``params`` (None dropped), keeping the language of this one."""
        kept = {"lang": self.lang} if self.lang_in_address else {}
        chosen = {k: v for k, v in params.items() if v not in (None, "", [])}
        return path + urls.query({**kept, **chosen})

    def describe(self, lang: str | None = None) -> str:
        """What the state selects, in words, for titles, exports and citations: the labels of the values
        of the parameters marked ``in_words``, in the spec's order, e.g. "25–34 år, Kvinne, Hardangerrådet".
        A one-value parameter is always named, default or not (the default region is still a choice the
        reader must know); a list that is empty (no filter: everyone) is left out."""
        lang = lang or self.lang
        parts = []
        for param in self.spec.params:
            if not param.in_words:
                continue
            value = self.values.get(param.name)
            if value is None or isinstance(value, list | tuple) and not value:
                continue
            chosen = list(value) if isinstance(value, list | tuple) else [value]
            options = {o.value: o for o in self.options.get(param.name, [])}
            parts += [options[v].text(lang) if v in options else str(v) for v in chosen]
        return ", ".join(parts)

    def control_values(self) -> dict[str, Any]:
        return {p.control: self.values.get(p.name) for p in self.spec.params if p.control}

    def control_options(self) -> dict[str, list[dict]]:
        return {
            p.control: [
                {"label": o.text(self.lang), "value": o.value, "disabled": o.disabled}
                for o in self.options.get(p.name, [])
            ]
            for p in self.spec.params
            if p.has_options_prop and p.control
        }


class Spec:
    """A page's parameters, in parsing order (see the module docstring)."""

    def __init__(self, *params: Param):
        names = [p.name for p in params]
        if len(set(names)) != len(names):
            raise ValueError(f"parameter names repeat: {names}")
        self.params = params

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    @property
    def controls(self) -> list[Param]:
        return [p for p in self.params if p.control]

    def parse(self, session: Session, config: Config, search: str | None, lang: str | None = None) -> PageState:
        """The state a query string asks for; bad or stale values fall back to the default with a notice."""
        raw = parse_search(search)
        requested_lang = raw.get("lang")
        lang = lang if lang in LANGUAGES else requested_lang if requested_lang in LANGUAGES else config.language
        context = Context(session, config)
        defaults: dict[str, Any] = {}
        options: dict[str, list[Option]] = {}
        ignored: list[tuple[str, str]] = []
        for param in self.params:
            allowed = list(param.options(context)) if param.options else []
            options[param.name] = allowed
            default = param.default_value(context)
            defaults[param.name] = default
            value, bad = _resolve(param, raw.get(param.name), allowed, default)
            if bad is not None:
                ignored.append((param.name, bad[:MAX_VALUE_LENGTH]))
            context.values[param.name] = value
        return PageState(
            self, lang, dict(context.values), defaults, options, ignored, requested_lang is not None, context._memo
        )


def parse_search(search: str | None) -> dict[str, str]:
    """``?a=1&b=x`` → ``{"a": "1", "b": "x"}`` (the first value of each name)."""
    return urls.parse(search)


def to_text(param: Param, value: Any) -> str:
    """A value as the address holds it."""
    if param.many:
        if not value:
            return param.none_value or ""
        return ",".join(str(v) for v in sorted(value))  # the order chosen in does not make another address
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _resolve(param: Param, text: str | None, allowed: list[Option], default: Any) -> tuple[Any, str | None]:
    """(value, the ignored text or None) for one parameter."""
    if text is None:
        return default, None
    text = param.aliases.get(text, text)
    if param.number is not None:
        low, high = param.number
        try:
            number = float(text.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
        except ValueError:
            return default, text
        return (number, None) if low <= number <= high else (default, text)
    by_text = {str(o.value): o.value for o in allowed if not o.disabled}
    if not param.many:
        return (by_text[text], None) if text in by_text else (default, text)
    if param.none_value is not None and text == param.none_value:
        return [], None
    parts = dict.fromkeys(p.strip() for p in text.split(","))  # a value repeated 100 000 times is one
    picked = [value for key, value in by_text.items() if key in parts]  # in the options' order: one state per choice
    bad = [part for part in parts if part and part not in by_text]
    return picked, (",".join(bad) if bad else None)


# --- the callbacks of a page ------------------------------------------------------------------------


def default_language() -> str:
    if has_app_context():
        config = current_app.config.get("FJERNARBEID")
        if config is not None:
            return config.language
    return "nb"


def page_state(page, search: str | None, lang: str | None = None) -> PageState:
    """Parse ``search`` into ``page``'s state (in a request or app context)."""
    config: Config = current_app.config["FJERNARBEID"]
    with page_reads() as session:
        return page.state.parse(session, config, search, lang)


def render_page(page, search: str | None, lang: str | None = None) -> dict[str, Any]:
    """Everything the page's main callback answers for ``search``: its named outputs (at least
    ``content``), and each control's value and options. A failure becomes a message in ``content``
    (see ``components.error_message``) and leaves the controls as they are."""
    from app.web.kit.components import error_message, notices

    lang = lang if lang in LANGUAGES else parse_search(search).get("lang")
    lang = lang if lang in LANGUAGES else default_language()
    try:
        config: Config = current_app.config["FJERNARBEID"]
        with page_reads() as session:  # on the replica, with DATABASE_READ_URL
            state = page.state.parse(session, config, search, lang)
            outputs = dict(page.render(state, session))
        outputs.pop("views", None)  # what the exports take; the page shows them through its content
        outputs["content"] = [*notices(state.ignored, state.lang), *_as_list(outputs["content"])]
        for control, value in state.control_values().items():
            outputs[f"{control}.value"] = value
        for control, options in state.control_options().items():
            outputs[f"{control}.options"] = options
        outputs["defaults"] = {p.name: to_text(p, state.defaults[p.name]) for p in page.state.controls}
        return outputs
    except Exception as error:  # noqa: BLE001 - shown as a message, logged with its details
        do_not_cache_this_response()
        return {"content": error_message(error, lang), FAILED: True}


FAILED = "failed"  # render_page's answer when the page could not be drawn: only the message in ``content``


def _as_list(content: Any) -> list:
    return content if isinstance(content, list) else [content]


def ids(page_id: str) -> dict[str, str]:
    """The ids every page has: its address, its content and the defaults the address leaves out."""
    return {"url": f"{page_id}-url", "content": f"{page_id}-content", "defaults": f"{page_id}-defaults"}


def frame(page_id: str) -> list:
    """The components ``register`` needs in a page's layout (address and defaults)."""
    return [dcc.Location(id=ids(page_id)["url"], refresh=False), dcc.Store(id=ids(page_id)["defaults"])]


def min_n() -> int:
    """The deployment's smallest group shown (``FJERNARBEID_MIN_N``)."""
    return current_app.config["FJERNARBEID"].min_n


def register(app, page) -> None:
    """The two callbacks that keep ``page``'s state in its address (see the module docstring)."""
    register_address_writer(app, page)
    register_renderer(app, page)


def register_address_writer(app, page) -> None:
    """Changing a control writes the address: a changed value is written (left out when it is the default),
    the others stay as the address had them, and a change of a parameter forgets the ones it ``resets``."""
    names = ids(page.id)
    controls = page.state.controls

    @app.callback(
        output={"search": Output(names["url"], "search"), "pathname": Output(names["url"], "pathname")},
        inputs={p.name: Input(p.control, "value") for p in controls},
        state={
            "search": State(names["url"], "search"),
            "pathname": State(names["url"], "pathname"),
            "defaults": State(names["defaults"], "data"),
        },
        prevent_initial_call=True,
    )
    def controls_to_address(search, pathname, defaults, **values):
        current = parse_search(page.query_for(pathname, search))
        defaults = defaults or {}
        params = dict(current)  # what the address said; only what changed is rewritten
        changed = [
            p
            for p in controls
            if values[p.name] is not None and to_text(p, values[p.name]) != current.get(p.name, defaults.get(p.name))
        ]
        dropped = {name for p in changed if ctx.triggered_id == p.control for name in p.resets}
        for param in controls:
            if values[param.name] is None and param.name not in dropped:
                continue  # a control not filled yet (or a dropdown clearing itself): nothing chosen
            text = to_text(param, values[param.name]) if values[param.name] is not None else ""
            shown = current.get(param.name, defaults.get(param.name))
            if param.name in dropped:
                params.pop(param.name, None)
            elif text == shown:  # unchanged: the address keeps what it said (a shared link stays explicit)
                continue
            elif not text or text == defaults.get(param.name):
                params.pop(param.name, None)
            else:
                params[param.name] = text
        path, rest = page.address(params)  # a path parameter (the municipality) is written in the path
        new = urls.query(rest)
        return {
            "search": no_update if new == (search or "") else new,
            "pathname": no_update if path == (pathname or page.path) else path,
        }


def register_renderer(app, page) -> None:
    """A new address draws the page: its content, its ``extra_outputs``, and every control's value and
    options from the state."""
    names = ids(page.id)
    controls = page.state.controls
    outputs = {
        "content": Output(names["content"], "children"),
        "defaults": Output(names["defaults"], "data"),
        **{f"{p.control}.value": Output(p.control, "value") for p in controls},
        **{f"{p.control}.options": Output(p.control, "options") for p in controls if p.has_options_prop},
        **dict(page.extra_outputs),
    }

    @app.callback(
        output=outputs, inputs={"search": Input(names["url"], "search"), "pathname": Input(names["url"], "pathname")}
    )
    def address_to_page(search, pathname):
        answer = render_page(page, page.query_for(pathname, search))
        otherwise = page.on_failure if answer.get(FAILED) else {}
        return {key: answer.get(key, otherwise.get(key, no_update)) for key in outputs}


# --- parameters every page shares --------------------------------------------------------------------

NATIONAL = "norge"  # the region value for all of Norway, on every page


def survey_param(control: str, resets: tuple[str, ...] = ()) -> Param:
    """The survey: the surveys in the database, real ones first; default the first real survey, else the
    first synthetic survey of the whole country, else whatever there is."""
    return Param("survey", control, options=_survey_options, default=_default_survey, resets=resets)


def region_param(control: str, national: str | None = N_("All of Norway")) -> Param:
    """The region: the regions in the database, and (with a label) all of Norway; default the configured
    ``FJERNARBEID_DEFAULT_REGION``, else the first region by name, else all of Norway."""

    def options(context: Context) -> list[Option]:
        regions = [Option(r.slug, {"nb": r.name}) for r in _regions(context)]
        return regions + ([Option(NATIONAL, national)] if national else [])

    def default(context: Context) -> str | None:
        slugs = [r.slug for r in _regions(context)]
        if context.config.default_region in slugs:
            return context.config.default_region
        return slugs[0] if slugs else (NATIONAL if national else None)

    # "all" was the coworking page's name for all of Norway
    return Param("region", control, options=options, default=default, in_words=True, aliases={"all": NATIONAL})


def surveys(context: Context):
    from app.query.catalog import list_surveys

    return context.once("surveys", lambda: list_surveys(context.session))


def chosen_survey(state: PageState):
    """The ``SurveyInfo`` of the state's survey (None when there is none)."""
    return state.survey_info()


def _regions(context: Context):
    from app.query.catalog import list_regions

    return context.once("regions", lambda: sorted(list_regions(context.session), key=lambda r: r.name))


def _survey_options(context: Context) -> list[Option]:
    return [Option(s.slug, _survey_label(s)) for s in surveys(context)]


def survey_option_label(survey) -> Callable[[str], str]:
    """A survey's name as the survey dropdowns show it (marked synthetic where it is)."""
    return _survey_label(survey)


def _survey_label(survey) -> Callable[[str], str]:
    def label(lang: str) -> str:
        title = pick(survey.title, lang)
        return gettext("{title} (synthetic)", lang).format(title=title) if survey.is_synthetic else title

    return label


def _default_survey(context: Context) -> str | None:
    """The first real survey; without one, the first synthetic survey of the whole country; else any."""
    found = surveys(context)
    real = [s.slug for s in found if not s.is_synthetic]
    national = [s.slug for s in found if s.coverage == "national"]
    return (real or national or [s.slug for s in found] or [None])[0]
