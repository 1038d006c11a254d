"""The command line: clear messages and exit codes, no tracebacks for expected failures."""

import io
import os
import subprocess
import sys

import pytest

from app.cli import main


def _run(*args, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], check=False, capture_output=True, text=True, env=env, timeout=60
    )


def test_unreachable_database_gives_a_message_and_exit_code_3():
    result = _run(
        "seed",
        env_extra={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "FJERNARBEID_DB_CONNECT_TIMEOUT": "1"},
    )
    assert result.returncode == 3
    assert "database cannot be reached" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_setting_is_reported_without_traceback():
    result = _run("db", "current", env_extra={"FJERNARBEID_LANGUAGE": "de"})
    assert result.returncode == 1
    assert "FJERNARBEID_LANGUAGE" in result.stderr and "Traceback" not in result.stderr


def test_db_current_upgrade_and_seed_against_a_fresh_database(empty_database_url, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    monkeypatch.setenv("FJERNARBEID_DATA_DIR", str(tmp_path))
    assert main(["db", "current"]) == 1  # empty: not at head
    assert main(["db", "upgrade"]) == 0
    assert "revision" in capsys.readouterr().out
    assert main(["seed"]) == 0
    assert main(["seed"]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert main(["db", "downgrade"]) == 0
    assert "base (empty)" in capsys.readouterr().out


def test_mobility_help_reads_as_plain_words(capsys):
    """The --jobs help once interpolated argparse's own dict of the argument (an unescaped %)."""
    with pytest.raises(SystemExit) as exited:
        main(["mobility", "--help"])
    assert exited.value.code == 0
    help_text = capsys.readouterr().out
    for leak in ("{", "}", "'nb':", "option_strings", "\\u2013"):
        assert leak not in help_text, leak
    flat = " ".join(help_text.split())
    assert "default 1 300 000; NORCE (2025) ch. 3.2.5: 40–50 % of all jobs, 1.2–1.4 million" in flat
    assert "--travel-time 2|3|4" in flat


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_an_import_on_a_terminal_shows_its_step_and_rows_as_a_bar(monkeypatch):
    from app.cli.imports import _TerminalProgress

    screen = _Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    progress = _TerminalProgress()
    progress("read")
    progress("check", 40_000, 100_000)
    shown = screen.getvalue()
    progress.close()
    assert "reading the file" in shown
    assert "checking rows" in shown and "40%" in shown and "40000/100000" in shown


def test_an_import_into_a_pipe_or_log_prints_no_bar(monkeypatch):
    from app.cli.imports import _TerminalProgress

    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stdout", pipe)
    progress = _TerminalProgress()
    progress("check", 40_000, 100_000)
    progress.close()
    assert pipe.getvalue() == ""


def test_serve_debug_starts_with_dashs_development_tools(app_config):
    """``fjernarbeid serve --debug`` runs ``app.run(debug=True)``, which adds Dash's error handler: Flask refuses
    that once the app has answered a request, so an app made for it is not warmed up with one."""
    from app.web import create_app

    warmed = create_app(app_config)
    with pytest.raises(AssertionError, match="first request"):
        warmed.enable_dev_tools(debug=True, dev_tools_hot_reload=False)
    app = create_app(app_config, dev_tools=True)
    app.enable_dev_tools(debug=True, dev_tools_hot_reload=False)
    assert app.server.test_client().get("/om").status_code == 200
