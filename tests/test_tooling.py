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
