"""How tests get what a page's main callback answers, without a browser."""

from __future__ import annotations

from typing import Any

from app.web.kit.page_state import render_page


def page_answer(app, page, search: str, lang: str = "nb") -> dict[str, Any]:
    """The page's named outputs for ``search`` (``content`` first), as its callback would send them.
    ``page`` is a ``Page`` or the module that ends with one."""
    with app.server.app_context():
        return render_page(getattr(page, "PAGE", page), search, lang)


def drawn(answer: dict[str, Any]) -> list[Any]:
    """What the page draws for an answer: its content and every other output that holds components or a
    figure (Kommune's standing chart blocks), not the controls' values and options."""
    skipped = ("defaults", "failed")
    return [answer["content"]] + [
        value
        for key, value in answer.items()
        if key != "content" and key not in skipped and not key.endswith((".value", ".options"))
    ]
