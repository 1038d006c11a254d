"""Database layer: models, engine and sessions, embedded server, migrations."""
