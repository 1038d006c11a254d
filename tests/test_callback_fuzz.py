"""Every callback of the app, sent values of the wrong type (numbers, lists, objects, null, true where a
text is expected, and the other way round) and malformed requests: the answer is 400 or a normal
answer, never a 500, and a refused request is logged in one line, not with a traceback."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from app.db.models import AuditEntry
from tests.accounts import committed, csrf, logged_in, test_accounts

VALUES = [0, -1.5, True, None, "", "x" * 300, ["x", 1], [], {"a": [1]}, {}, [[{}]]]


@pytest.fixture(scope="module")
def accounts(engine):
    yield from test_accounts(engine, "fuzz")


def _concrete(pattern: str) -> tuple[dict | str, str]:
    """A component id for an id or an id pattern, and how Dash sends it (``one`` or ``many``)."""
    if not pattern.startswith("{"):
        return pattern, "one"
    parsed = json.loads(pattern)
    kind = "one"
    for key, value in parsed.items():
        if isinstance(value, list):  # ["ALL"], ["MATCH"], ["ALLSMALLER"]
            kind = "one" if value == ["MATCH"] else "many"
            parsed[key] = 0
    return parsed, kind


def _item(spec: dict, value, with_value: bool = True):
    component, kind = _concrete(spec["id"])
    item = {"id": component, "property": spec["property"]}
    if with_value:
        item["value"] = value
    return [item] if kind == "many" else item


def fuzzed_requests(app) -> list[dict]:
    """Per callback, as many requests as there are values: the n-th input of the k-th request gets the
    (n + k)-th value, so that every input sees every value, in different company."""
    requests = []
    for key, entry in app.callback_map.items():
        declared = entry["output"] if isinstance(entry["output"], list) else [entry["output"]]
        outputs = [_item({"id": o.component_id_str(), "property": o.component_property}, None, False) for o in declared]
        fields = [*entry["inputs"], *entry["state"]]
        for k in range(len(VALUES)):
            values = [VALUES[(n + k) % len(VALUES)] for n in range(len(fields))]
            inputs = [_item(spec, value) for spec, value in zip(entry["inputs"], values, strict=False)]
            state = [_item(spec, value) for spec, value in zip(entry["state"], values[len(inputs) :], strict=False)]
            first = inputs[0][0] if isinstance(inputs[0], list) else inputs[0]
            first_id = first["id"] if isinstance(first["id"], str) else json.dumps(first["id"], separators=(",", ":"))
            requests.append(
                {
                    "output": key,
                    "outputs": outputs if key.startswith("..") else outputs[0],
                    "inputs": inputs,
                    "state": state,
                    "changedPropIds": [f"{first_id}.{first['property']}"],
                }
            )
    return requests


MALFORMED = [
    {},
    [],
    {"output": 1},
    {"output": "shell-url.pathname", "inputs": "x"},
    {"output": "nope.children", "outputs": {"id": "nope", "property": "children"}, "inputs": [], "state": []},
    {"output": None, "outputs": [], "inputs": [{"id": {}, "property": []}], "changedPropIds": [{}]},
]


@pytest.mark.parametrize("who", [None, "admin"])
def test_no_callback_answers_wrong_types_with_a_server_error(app, accounts, who, caplog, engine):
    client = logged_in(app, accounts.get(who))
    failures = []
    with caplog.at_level(logging.INFO):
        for body in [*fuzzed_requests(app), *MALFORMED]:
            answer = client.post("/_dash-update-component", json=body, headers=csrf(client))
            if answer.status_code >= 500:
                failures.append(f"{answer.status_code} {json.dumps(body)[:300]}")
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:20])
    assert "Traceback" not in caplog.text
    refused = [r for r in caplog.records if r.name == "app.web.server.callback_guard"]
    assert refused and all("\n" not in r.getMessage() for r in refused)  # one line each
    with committed(engine) as session:  # wrong types changed nothing, even for an admin
        assert session.scalar(select(func.count()).where(AuditEntry.actor == (accounts.get(who) or ""))) == 0
