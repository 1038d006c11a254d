"""``pip install .`` installs anywhere (issue 21 §3): the wheel carries the demo data, the migrations, the assets
and the compiled nynorsk catalogue, and the installed package, started from another directory, uses them.

The wheel is built offline from a copy of the checkout (``--no-build-isolation``: this environment's
setuptools and Babel), installed without its dependencies into a new virtual environment, which borrows
them from this one's site-packages through a ``.pth`` line. A ``.pth`` line only adds a directory, so this
environment's editable install of ``app`` (a finder installed by its own ``.pth`` file) stays out: ``app`` can
only come from the wheel, and every check runs in a temporary directory to rule out the checkout.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import requests

from tests.servers import ROOT, start_gunicorn, stop, wait_until_healthy

pytestmark = pytest.mark.slow  # about half a minute, and the only proof the wheel works outside the checkout

SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "app", "seed", "migrations", "assets")
NYNORSK = {"Survey": "Undersøking", "Relationships": "Samanhengar"}  # bokmål: Undersøkelse, Sammenhenger


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _clean_environment() -> dict[str, str]:
    """This process's environment without anything that would put the checkout on the new interpreter's path."""
    return {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """(python of a new environment with the wheel installed, an empty directory outside the checkout)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"))
        else:
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(work / "dist"),
            str(source),
        ],
        work,
    )
    (wheel,) = (work / "dist").glob("fjernarbeid-*.whl")

    env = work / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", str(env)], work)
    python = env / "bin" / "python"
    # this environment's pip installs into the new one, which has no fjernarbeid yet (nothing to replace)
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        work,
    )
    new_site = Path(
        _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], work).strip()
    )
    borrowed = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (new_site / "zz-project-dependencies.pth").write_text("".join(f"{path}\n" for path in borrowed))

    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    return python, elsewhere


CHECK = """
import json
import app
from app import resources
from app.db import migrate
from app.ingest.codebook import load_codebook
from app.ingest.seed import DEMO_SURVEYS, SEED_DIR
from app.web import ASSETS_DIR
from app.language import TRANSLATIONS_DIR, gettext
from sqlalchemy import create_engine

engine = create_engine({url!r})
print(json.dumps({{
    "app": app.__file__,
    "dirs": [str(d) for d in (SEED_DIR, migrate.MIGRATIONS_DIR, ASSETS_DIR, TRANSLATIONS_DIR)],
    "mo": [str(p) for p in sorted(TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.mo"))],
    "demo": [(SEED_DIR / d).is_file() and load_codebook(SEED_DIR / c).survey is not None for d, c in DEMO_SURVEYS],
    "nn": {{m: gettext(m, "nn") for m in {messages!r}}},
    "head": migrate.head_revision(engine),
    "current": migrate.current_revision(engine),
}}))
"""


def test_the_installed_wheel_finds_its_data_and_speaks_nynorsk(installed, database_url):
    python, elsewhere = installed
    env = _clean_environment()
    found = json.loads(
        _run([str(python), "-c", CHECK.format(url=database_url, messages=list(NYNORSK))], elsewhere, env)
    )

    prefix = str(python.parent.parent)
    assert found["app"].startswith(prefix), f"imported {found['app']}, not the wheel"
    assert all(d.startswith(prefix) for d in found["dirs"]), found["dirs"]
    assert [Path(p).parent.parent.name for p in found["mo"]] == ["nb", "nn"]  # compiled when the wheel was built
    assert found["demo"] == [True, True, True]
    assert found["nn"] == NYNORSK
    assert found["head"] is not None and found["head"] == found["current"]  # every migration came along


def test_the_installed_wheel_serves_nynorsk_pages_on_the_demo_data(installed, database_url):
    python, elsewhere = installed
    env = {
        **_clean_environment(),
        "DATABASE_URL": database_url,
        "FJERNARBEID_DATA_DIR": str(elsewhere / "data"),
        "FJERNARBEID_LANGUAGE": "nn",
        "SECRET_KEY": secrets.token_urlsafe(48),
    }
    proc, url = start_gunicorn(
        ["--workers", "1", "--timeout", "60", "app.wsgi:server"], env, python=python, cwd=elsewhere
    )
    try:
        wait_until_healthy(proc, url)
        layout = requests.get(url + "/_dash-layout", timeout=30)
        assert layout.status_code == 200
        shown = json.dumps(layout.json(), ensure_ascii=False)
        assert all(text in shown for text in NYNORSK.values()), "the navigation is not in nynorsk"
        assert "Undersøkelse" not in shown
        from app.language import gettext  # the checkout's catalogues: the wheel was built from them
        from tests.test_health import overview_request

        overview = requests.post(
            url + "/_dash-update-component",
            json=overview_request("?survey=demo_national&region=hardangerradet"),
            timeout=60,
        )
        assert overview.status_code == 200
        drawn = json.dumps(overview.json(), ensure_ascii=False)
        assert "Hardangerrådet" in drawn and "Syntetiske data" in drawn  # the demo data
        for message in ("Key figures", "Copy link", "Source"):  # on the overview, nynorsk unlike bokmål
            assert gettext(message, "nn") in drawn and gettext(message, "nb") not in drawn, message
        css = requests.get(url + "/assets/app.css", timeout=10)
        assert css.status_code == 200 and css.text == (ROOT / "assets" / "app.css").read_text(encoding="utf-8")
        page = requests.get(url + "/", timeout=10).text  # Designsystemet and its font, vendored (issue 23 §4)
        assert "/assets/vendor/designsystemet/10-designsystemet-css-1.22.0-subset.css" in page
        font = requests.get(url + "/assets/vendor/designsystemet/inter/inter-latin-400-normal.woff2", timeout=10)
        vendored = ROOT / "assets" / "vendor" / "designsystemet" / "inter" / "inter-latin-400-normal.woff2"
        assert font.status_code == 200 and font.content == vendored.read_bytes()
    finally:
        stop(proc)


def test_the_installed_command_migrates_an_empty_database(installed, empty_database_url):
    python, elsewhere = installed
    command = str(python.parent / "fjernarbeid")  # the wheel's console script
    env = {**_clean_environment(), "DATABASE_URL": empty_database_url, "FJERNARBEID_DATA_DIR": str(elsewhere / "data")}
    _run([command, "db", "upgrade"], elsewhere, env)  # alembic's env.py and versions/ from the wheel
    current = _run([command, "db", "current"], elsewhere, env)  # exits 1 unless at head
    assert "base (empty)" not in current
