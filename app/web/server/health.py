"""``/health``: 200 with JSON when the database answers, 503 when it does not.

The endpoint is public, so its answer names no host, socket path or error text; the reason
a check failed is logged on the server (warning) for whoever runs it.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify

from app import __version__
from app.db import migrate
from app.db.session import check_database, get_engine
from app.errors import FjernarbeidError

log = logging.getLogger(__name__)


def register(server: Flask) -> None:
    @server.route("/health")
    def health():
        try:
            check_database()
            revision = migrate.current_revision(get_engine())
        except FjernarbeidError as exc:
            log.warning("/health: database unreachable: %s", exc)
            return jsonify(status="unavailable", database="unreachable", schema_revision=None, version=__version__), 503
        except Exception as exc:  # noqa: BLE001 - health must answer, whatever broke
            log.warning("/health: database check failed: %s: %s", type(exc).__name__, exc)
            return jsonify(status="unavailable", database="error", schema_revision=None, version=__version__), 503
        return jsonify(status="ok", database="ok", schema_revision=revision, version=__version__), 200
