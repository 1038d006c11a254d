"""The code stays linted, formatted and type-checked: the test command enforces what pyproject.toml configures,
so a change that breaks ruff or mypy fails the suite like a broken feature."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MYPY_TEST = "tests/test_tooling.py::test_mypy_finds_no_type_errors"
_mypy: list[tuple[subprocess.Popen, Path]] = []  # the run started early, until its test reads it


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_finds_no_lint_errors():
    result = run("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_finds_the_code_formatted():
    result = run("ruff", "format", "--check", "--no-cache", ".")
    assert result.returncode == 0, "run `ruff format .`:\n" + result.stdout + result.stderr


def start_mypy() -> None:
    """Start mypy in the background, at a lower priority than the tests: it takes about a minute of one core, which
    the other tests (waiting on browsers, servers and the database) leave idle. tests/conftest.py calls this when
    collection is done, if the mypy test is to run; the test then only waits for the result."""
    # A fresh cache: a cache left by other package versions can crash mypy (an internal error, not a finding).
    work = Path(tempfile.mkdtemp(prefix="fjernarbeid-mypy-"))
    with (work / "output").open("w") as output:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mypy", "--cache-dir", str(work / "cache")], cwd=ROOT, stdout=output, stderr=output
        )
    os.setpriority(os.PRIO_PROCESS, proc.pid, 10)
    _mypy.append((proc, work))


def stop_mypy() -> None:
    """End a background run its test did not read (the session stopped early)."""
    while _mypy:
        proc, work = _mypy.pop()
        proc.kill()
        proc.wait()
        shutil.rmtree(work, ignore_errors=True)


def test_mypy_finds_no_type_errors():
    if not _mypy:
        start_mypy()
    proc, work = _mypy.pop()
    try:
        proc.wait(timeout=600)
        assert proc.returncode == 0, (work / "output").read_text()
    finally:
        proc.kill()
        shutil.rmtree(work, ignore_errors=True)


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
    collected = run("pytest", "-p", "no:cacheprovider", "-n", "0", "--collect-only", "-q", *tests)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert len([line for line in collected.stdout.splitlines() if "::" in line]) == len(tests)
