"""``/health``: 200 with JSON when the database answers, 503 when it does not."""

from __future__ import annotations

from flask import Flask, jsonify

from app import __version__
from app.db import migrate
from app.db.session import check_database, get_engine
from app.errors import FjernarbeidError


def register(server: Flask) -> None:
    @server.route("/health")
    def health():
        try:
            check_database()
            revision = migrate.current_revision(get_engine())
        except FjernarbeidError as exc:
            return jsonify(status="unavailable", database="unreachable", detail=str(exc), version=__version__), 503
        except Exception as exc:  # noqa: BLE001 - health must answer, whatever broke
            return jsonify(status="unavailable", database="error", detail=type(exc).__name__, version=__version__), 503
        return jsonify(status="ok", database="ok", schema_revision=revision, version=__version__), 200
