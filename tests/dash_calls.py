"""Calling a Dash callback over HTTP the way the browser's renderer does, without a browser.

``callback_request(app, "edit-coworking-save", values, expand)`` finds the callback with that input,
and builds the JSON body: every output (pattern-matching ones expanded to the ids in ``expand``),
every input and state with the value in ``values`` (keyed ``"id.property"``; None when not given),
and the first input as the one that changed.
"""

from __future__ import annotations

import json
from typing import Any


def _id_key(component_id: Any) -> str:
    return (
        component_id
        if isinstance(component_id, str)
        else json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    )


def _concrete(spec_id: str, prop: str, expand: dict[str, list[dict]], values: dict[str, Any], with_value: bool):
    if spec_id.startswith("{"):
        pattern = json.loads(spec_id)
        ids = expand.get(pattern["type"], [])
        items = [{"id": i, "property": prop} for i in ids]
        if with_value:
            for item in items:
                item["value"] = values.get(f"{_id_key(item['id'])}.{prop}")
        return items
    item: dict[str, Any] = {"id": spec_id, "property": prop}
    if with_value:
        item["value"] = values.get(f"{spec_id}.{prop}")
    return item


def callback_request(
    app, trigger: str, values: dict[str, Any] | None = None, expand: dict[str, list[dict]] | None = None
) -> dict[str, Any]:
    """The body of the request that runs the callback whose first input is ``trigger`` (an id, or a
    pattern's type)."""
    values, expand = values or {}, expand or {}

    def triggered_by(entry: dict) -> bool:
        first = entry["inputs"][0]["id"]
        return first == trigger or (first.startswith("{") and json.loads(first)["type"] == trigger)

    found = next(((key, entry) for key, entry in app.callback_map.items() if triggered_by(entry)), None)
    if found is None:
        raise LookupError(f"no callback is triggered by {trigger}")
    key, entry = found
    outputs = [_concrete(o.component_id_str(), o.component_property, expand, values, False) for o in entry["output"]]
    inputs = [_concrete(i["id"], i["property"], expand, values, True) for i in entry["inputs"]]
    state = [_concrete(s["id"], s["property"], expand, values, True) for s in entry["state"]]
    changed = inputs[0]
    changed_id = (
        f"{_id_key(changed[0]['id'])}.{changed[0]['property']}"
        if isinstance(changed, list)
        else f"{changed['id']}.{changed['property']}"
    )
    return {
        "output": key,
        "outputs": outputs if len(outputs) > 1 or entry["output"][0].component_id_str().startswith("{") else outputs[0],
        "inputs": inputs,
        "state": state,
        "changedPropIds": [changed_id],
    }
