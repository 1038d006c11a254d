"""The command line: clear messages and exit codes, no tracebacks for expected failures."""

import os
import subprocess
import sys

from app.cli import main


def _run(*args, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, env=env,
                          timeout=60)


def test_unreachable_database_gives_a_message_and_exit_code_3():
    result = _run("seed", env_extra={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
                                     "FJERNARBEID_DB_CONNECT_TIMEOUT": "1"})
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
