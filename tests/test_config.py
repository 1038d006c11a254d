"""Every setting is documented in the README, and bad values are refused clearly."""

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
