"""Every setting is documented in the README, and bad values are refused clearly."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import SETTINGS, Config
from app.errors import ConfigurationError

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_setting_is_documented_in_the_readme(setting):
    assert f"`{setting.name}`" in README.read_text(encoding="utf-8")


def test_defaults(monkeypatch):
    for s in SETTINGS:
        monkeypatch.delenv(s.name, raising=False)
    config = Config.from_env()
    assert config.database_url is None and config.language == "nb" and config.min_n == 10


@pytest.mark.parametrize(
    "name,value", [("FJERNARBEID_MIN_N", "ten"), ("FJERNARBEID_MIN_N", "0"), ("FJERNARBEID_LANGUAGE", "sv")]
)
def test_bad_values_are_refused(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=name):
        Config.from_env()


def test_generated_secret_key_is_kept(tmp_path):
    config = Config(database_url=None, data_dir=tmp_path)
    first = config.resolved_secret_key()
    assert len(first) == 64 and config.resolved_secret_key() == first


@pytest.mark.parametrize(
    "value", ["change-me", "CHANGE-ME", "secret", "dev", "changeme-in-production-please-xx", "x" * 31]
)
def test_a_secret_key_anyone_could_guess_is_refused(monkeypatch, value):
    monkeypatch.setenv("SECRET_KEY", value)
    with pytest.raises(ConfigurationError, match="SECRET_KEY") as refused:
        Config.from_env()
    assert "secrets.token_urlsafe" in str(refused.value)  # the message says how to make a good one


def test_a_long_random_secret_key_is_accepted(monkeypatch):
    key = secrets.token_urlsafe(48)
    monkeypatch.setenv("SECRET_KEY", key)
    assert Config.from_env().secret_key == key


def test_gunicorn_refuses_to_start_with_a_placeholder_key_in_one_line(tmp_path):
    env = {**os.environ, "SECRET_KEY": "change-me", "FJERNARBEID_DATA_DIR": str(tmp_path)}
    finished = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", "--workers", "1", "app.wsgi:server"],
        cwd=README.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode != 0
    lines = [line for line in finished.stderr.splitlines() if "SECRET_KEY" in line]
    assert len(lines) == 1 and "configuration error: SECRET_KEY is a known placeholder" in lines[0]
    assert "Traceback" not in finished.stderr


def test_the_command_line_refuses_a_placeholder_key(tmp_path):
    env = {**os.environ, "SECRET_KEY": "secret", "FJERNARBEID_DATA_DIR": str(tmp_path)}
    finished = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve", "--port", "0"],
        cwd=README.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode != 0
    assert finished.stderr.strip().splitlines() == [
        "error: SECRET_KEY is a known placeholder; make one with: "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
    ]
