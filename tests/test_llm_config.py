"""Language-model settings from the environment and from a TOML file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corroborate.errors import UsageError
from corroborate.llm import LlmConfig, default_config_path, load_llm_config
from corroborate.llm.config import DEFAULT_TIMEOUT_S


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_nothing_configured_is_none(tmp_path: Path) -> None:
    assert load_llm_config({"HOME": str(tmp_path)}) is None
    assert load_llm_config({}) is None
    # Empty variables count as unset.
    assert load_llm_config({"CORROBORATE_LLM_URL": "", "CORROBORATE_LLM_MODEL": " "}) is None


def test_from_environment() -> None:
    config = load_llm_config(
        {
            "CORROBORATE_LLM_URL": "http://127.0.0.1:8080/",
            "CORROBORATE_LLM_MODEL": "qwen2.5-7b",
            "CORROBORATE_LLM_KEY": "sk-secret",
            "CORROBORATE_LLM_TIMEOUT": "12.5",
        }
    )
    assert config is not None
    assert (config.url, config.model, config.key, config.timeout) == (
        "http://127.0.0.1:8080/",
        "qwen2.5-7b",
        "sk-secret",
        12.5,
    )
    assert "environment" in config.origin
    assert "sk-secret" not in repr(config)


def test_from_explicit_toml_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "c.toml",
        '[llm]\nurl = "http://localhost:11434/v1"\nmodel = "llama3.2"\ntimeout = 5\n'
        "max_tokens = 300\ntemperature = 0.2\n",
    )
    config = load_llm_config({}, path)
    assert config is not None
    assert (config.url, config.model, config.key) == ("http://localhost:11434/v1", "llama3.2", None)
    assert (config.timeout, config.max_tokens, config.temperature) == (5.0, 300, 0.2)
    assert str(path) in config.origin


def test_default_file_under_xdg_or_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _write(home / ".config/corroborate/config.toml", '[llm]\nurl = "http://h:1"\nmodel = "m"\n')
    config = load_llm_config({"HOME": str(home)})
    assert config is not None and config.url == "http://h:1"
    xdg = tmp_path / "xdg"
    assert default_config_path({"HOME": str(home), "XDG_CONFIG_HOME": str(xdg)}) == (
        xdg / "corroborate" / "config.toml"
    )
    # XDG wins over HOME; its folder has no file, so nothing is configured.
    assert load_llm_config({"HOME": str(home), "XDG_CONFIG_HOME": str(xdg)}) is None
    assert default_config_path({}) is None


def test_environment_overrides_file_field_by_field(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "c.toml", '[llm]\nurl = "http://file:1"\nmodel = "file-model"\nkey = "k1"\n'
    )
    config = load_llm_config({"CORROBORATE_LLM_MODEL": "env-model"}, path)
    assert config is not None
    assert (config.url, config.model, config.key) == ("http://file:1", "env-model", "k1")
    assert "config file" in config.origin and "CORROBORATE_LLM_MODEL" in config.origin


def test_file_without_llm_table_is_not_configured(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.toml", "[other]\nx = 1\n")
    assert load_llm_config({}, path) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[llm\nurl=", "not valid TOML"),
        ('[llm]\nurl = "http://h"\nmodel = "m"\nmodle = "x"\n', "unknown key(s) in [llm]: modle"),
        ('llm = "x"\n', "must be a table"),
        ('[llm]\nurl = 3\nmodel = "m"\n', "url must be a string"),
        ('[llm]\nurl = "http://h"\nmodel = "m"\ntimeout = "soon"\n', "timeout must be a number"),
        ('[llm]\nurl = "http://h"\nmodel = "m"\ntimeout = 0\n', "timeout must be a positive"),
        ('[llm]\nurl = "http://h"\nmodel = "m"\nmax_tokens = 1.5\n', "max_tokens must be"),
        ('[llm]\nurl = "ftp://h"\nmodel = "m"\n', "must start with http"),
        ('[llm]\nurl = "http://h"\n', "no model name"),
        ('[llm]\nmodel = "m"\n', "no language-model URL"),
    ],
)
def test_bad_file_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path / "bad.toml", text)
    with pytest.raises(UsageError, match=re.escape(message)):
        load_llm_config({}, path)


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        load_llm_config({}, tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CORROBORATE_LLM_KEY": "sk-x"}, "key set but no language-model URL"),
        ({"CORROBORATE_LLM_URL": "http://h:1"}, "no model name"),
        (
            {"CORROBORATE_LLM_URL": "localhost:8080", "CORROBORATE_LLM_MODEL": "m"},
            "must start with http",
        ),
        (
            {
                "CORROBORATE_LLM_URL": "http://h",
                "CORROBORATE_LLM_MODEL": "m",
                "CORROBORATE_LLM_TIMEOUT": "-1",
            },
            "timeout must be a positive",
        ),
        (
            {
                "CORROBORATE_LLM_URL": "http://h",
                "CORROBORATE_LLM_MODEL": "m",
                "CORROBORATE_LLM_TIMEOUT": "nan",
            },
            "timeout must be a positive",
        ),
    ],
)
def test_half_or_bad_environment_is_a_clear_error(env: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        load_llm_config(env)


def test_key_never_in_messages() -> None:
    env = {"CORROBORATE_LLM_KEY": "sk-very-secret", "CORROBORATE_LLM_URL": "bad-url"}
    env["CORROBORATE_LLM_MODEL"] = "m"
    with pytest.raises(UsageError) as info:
        load_llm_config(env)
    assert "sk-very-secret" not in str(info.value)


def test_direct_construction_defaults() -> None:
    config = LlmConfig("https://api.example.org/v1", "m")
    assert config.timeout == DEFAULT_TIMEOUT_S and config.key is None
