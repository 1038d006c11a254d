"""Build step of the wheel (the project itself is declared in pyproject.toml).

The repository keeps ``seed/``, ``migrations/`` and ``assets/`` at its top level and its translations as
``.po``; a wheel needs them inside the package. ``build_py`` therefore copies the three directories to
``app/_data/<name>`` and compiles ``app/language/translations/<lang>/LC_MESSAGES/messages.po`` to
``messages.mo`` (Babel), in the build directory only: nothing is written into the checkout, and an
editable install reads the checkout itself (app/resources.py finds either).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_DIRECTORIES = {  # top-level directory → what of it the wheel leaves out
    "seed": ("__pycache__", "*.pyc", "*.py"),  # the generators of the demo data are tools, not data
    "migrations": ("__pycache__", "*.pyc"),
    "assets": ("__pycache__",),
}
TRANSLATIONS = Path("app", "language", "translations")


class BuildWithData(build_py):
    """``build_py`` that also puts the shipped directories and compiled catalogues into the package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the checkout's own directories and .po files are read (app/resources.py)
        package = Path(self.build_lib) / "app"
        for name, leave_out in DATA_DIRECTORIES.items():
            target = package / "_data" / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(ROOT / name, target, ignore=shutil.ignore_patterns(*leave_out))
        compile_catalogues(ROOT / TRANSLATIONS, Path(self.build_lib) / TRANSLATIONS)


def compile_catalogues(source: Path, target: Path) -> None:
    """``<lang>/LC_MESSAGES/messages.po`` under ``source`` → ``messages.mo`` under ``target``, as
    ``pybabel compile`` does (fuzzy and empty translations left out, plural forms from the locale)."""
    from babel.messages.mofile import write_mo  # a build requirement (pyproject.toml, build-system)
    from babel.messages.pofile import read_po

    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        lang = po.parent.parent.name
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale=lang)
        with mo.open("wb") as handle:
            write_mo(handle, catalogue, use_fuzzy=False)


setup(cmdclass={"build_py": BuildWithData})
