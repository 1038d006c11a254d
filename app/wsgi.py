"""WSGI entry point: ``gunicorn app.wsgi:server``.

Building the app does not touch the database; the first request that needs it connects
(and, without DATABASE_URL, starts the embedded cluster). Run ``fjernarbeid db upgrade``
and ``fjernarbeid seed`` before the first start of a production server.
"""

from app.web import create_app

app = create_app()
server = app.server
