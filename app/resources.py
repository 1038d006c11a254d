"""Where the files the app ships are found: ``seed/``, ``migrations/``, ``assets/`` and the translations.

An installed wheel carries the three top-level directories of the repository inside the package, as
``app/_data/<name>`` (setup.py's build step copies them there and compiles the catalogues to ``.mo``);
a checkout (``pip install -e .``) has no ``app/_data`` and reads the repository's own directories. Every
path the app computes to one of them comes from here, so neither the working directory nor where the
package is installed matters.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]  # the repository, when the package is not installed from a wheel
PACKAGED = "_data"  # app/_data/<name> in a wheel (setup.py, DATA_DIRECTORIES)


def _directory(name: str) -> Path:
    packaged = files("app") / PACKAGED / name
    if packaged.is_dir():
        return Path(str(packaged))  # a wheel is installed unpacked: a directory on disk
    return CHECKOUT / name


def seed_dir() -> Path:
    """Reference data, demo surveys and shipped codebooks (``seed/`` of the repository)."""
    return _directory("seed")


def migrations_dir() -> Path:
    """Alembic's script directory (``migrations/`` of the repository)."""
    return _directory("migrations")


def assets_dir() -> Path:
    """CSS and JavaScript Dash serves under ``/assets`` (``assets/`` of the repository)."""
    return _directory("assets")


def translations_dir() -> Path:
    """``<lang>/LC_MESSAGES/messages.mo`` (compiled at build time) or ``.po`` (in a checkout)."""
    return Path(str(files("app") / "language" / "translations"))
