"""The code stays linted, formatted and type-checked: the test command enforces what pyproject.toml configures,
so a change that breaks ruff or mypy fails the suite like a broken feature."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_finds_no_lint_errors():
    result = run("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_finds_the_code_formatted():
    result = run("ruff", "format", "--check", "--no-cache", ".")
    assert result.returncode == 0, "run `ruff format .`:\n" + result.stdout + result.stderr


def test_mypy_finds_no_type_errors(tmp_path_factory: pytest.TempPathFactory):
    # A fresh cache: a cache left by other package versions can crash mypy (an internal error, not a finding).
    cache = tmp_path_factory.mktemp("mypy-cache")
    result = run("mypy", "--cache-dir", str(cache))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_screenshot_command_knows_every_picture_of_the_readme_and_the_tests_that_take_them():
    """``python -m tools.screenshots`` runs the browser tests that take the README's pictures: each picture the
    README shows is listed, each listed test exists and takes that picture, and no test takes an unlisted one."""
    import re

    from tools import screenshots

    shown = set(re.findall(r"docs/screenshots/([\w-]+)\.png", (ROOT / "README.md").read_text(encoding="utf-8")))
    assert shown and shown <= set(screenshots.PICTURES)
    taken = {
        name: path.relative_to(ROOT).as_posix()
        for path in (ROOT / "tests" / "browser").glob("test_*.py")
        for name in re.findall(r"\.(?:screenshot|save_picture)\(\"([\w-]+)\"", path.read_text(encoding="utf-8"))
    }
    assert taken == {name: test.split("::")[0] for name, test in screenshots.PICTURES.items()}
    command = screenshots.command(list(screenshots.PICTURES), ROOT / "docs" / "screenshots")
    tests = [c for c in command if c.startswith("tests/")]
    collected = run("pytest", "-p", "no:cacheprovider", "--collect-only", "-q", *tests)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert len([line for line in collected.stdout.splitlines() if "::" in line]) == len(tests)
