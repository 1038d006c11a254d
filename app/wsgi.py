"""WSGI entry point: ``gunicorn app.wsgi:server``.

Building the app does not touch the database; the first request that needs it connects
(and, without DATABASE_URL, starts the embedded cluster). Run ``fjernarbeid db upgrade``
and ``fjernarbeid seed`` before the first start of a production server.

A setting that is wrong or unsafe (a placeholder ``SECRET_KEY``, say) stops the server with one
line on standard error instead of a traceback per worker: exit status 4 is gunicorn's "App failed
to load", which halts the arbiter instead of restarting the worker for ever.
"""

import sys

from app.errors import ConfigurationError
from app.web import create_app

APP_LOAD_ERROR = 4  # gunicorn.arbiter.Arbiter.APP_LOAD_ERROR

try:
    app = create_app()
except ConfigurationError as error:
    print(f"fjernarbeid: configuration error: {error}", file=sys.stderr, flush=True)
    raise SystemExit(APP_LOAD_ERROR) from None
server = app.server
