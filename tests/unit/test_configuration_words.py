"""The configuration words mean the same on every class of both packages."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from langchain_zai._config import ZaiSettings as LangChainSettings
from llama_index_zai import ZaiTokenizer
from llama_index_zai._config import ZaiSettings as LlamaSettings
from tests.unit.test_pickle_secrets import CANARY, CLASSES, _touch_client


def _build(cls: type, **words: Any) -> Any:
    if "agent_id" in getattr(cls, "model_fields", {}):  # ZaiAgentTool names its agent
        words = {"agent_id": "general_translation", **words}
    try:
        return cls(**words)
    except TypeError:
        return cls("https://example.com", **words)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_class_takes_the_same_words(cls: type) -> None:
    timeout = httpx.Timeout(30.0, connect=5.0)
    obj = _build(
        cls,
        api_key="id.secret",
        base_url="mainland",
        timeout=timeout,
        max_retries=1,
        default_headers={"X-Test": "1"},
    )
    config = _touch_client(obj).config
    assert config.api_key == "id.secret"
    assert config.surface.name == "mainland"
    assert config.timeout == timeout
    assert config.max_retries == 1
    assert dict(config.default_headers) == {"X-Test": "1"}


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_an_unknown_preset_fails_when_built_or_before_any_request(cls: type) -> None:
    with pytest.raises(ValueError, match="neither an http"):
        _touch_client(_build(cls, api_key="id.secret", base_url="nope"))


# ----------------------------------------------------------------- one base per framework

ROOT = Path(__file__).resolve().parents[2]
WORDS = ("api_key", "base_url", "timeout", "max_retries", "default_headers")
ALL_CLASSES = [*CLASSES, ZaiTokenizer]


def _settings(obj: Any) -> Any:
    """The object's configuration base: itself, or the ``ZaiSettings`` it holds."""
    obj = getattr(obj, "parser", obj)
    return getattr(obj, "settings", obj)


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda c: c.__name__)
def test_a_bad_preset_fails_when_the_object_is_made(cls: type) -> None:
    for words in ({"base_url": "nope"}, {"timeout": -1}, {"max_retries": -1}):
        with pytest.raises(ValueError):
            _build(cls, api_key="id.secret", **words)


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda c: c.__name__)
def test_every_class_uses_its_frameworks_one_base(cls: type) -> None:
    settings = _settings(_build(cls, api_key="id.secret"))
    base = LangChainSettings if cls.__module__.startswith("langchain_zai") else LlamaSettings
    assert isinstance(settings, base)
    assert isinstance(settings.api_key, SecretStr)
    assert settings.max_retries == 2 and type(settings.max_retries) is int
    assert _build(cls, max_retries=None, api_key="k").__class__ is cls  # None means the default


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda c: c.__name__)
def test_no_secret_in_vars_or_repr(cls: type) -> None:
    obj = _build(cls, api_key=CANARY)
    client = _settings(obj).client
    assert client.config.api_key == CANARY
    for text in (repr(vars(obj)), str(vars(obj)), repr(obj), repr(vars(_settings(obj)))):
        assert CANARY not in text


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda c: c.__name__)
def test_changed_words_make_a_new_client(cls: type) -> None:
    settings = _settings(_build(cls, api_key="id.secret"))
    first = settings.client
    assert settings.client is first
    settings.base_url = "mainland"
    assert settings.client is not first
    assert settings.client.config.surface.name == "mainland"


def _class_fields(path: Path) -> dict[str, set[str]]:
    """Annotated class-level names of every class in ``path``."""
    out: dict[str, set[str]] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ClassDef):
            out[node.name] = {
                s.target.id
                for s in node.body
                if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
            }
    return out


@pytest.mark.parametrize("package", ["langchain_zai", "llama_index_zai"])
def test_the_words_pickling_and_client_factory_are_written_once(package: str) -> None:
    for path in sorted((ROOT / package).glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name == "_config.py":
            assert "(ConfigWordsModel)" in text  # behaviour: zai_core.settings, once
            continue
        for name, fields in _class_fields(path).items():
            assert not fields & set(WORDS), f"{path.name}:{name} declares {fields & set(WORDS)}"
        assert "def __getstate__" not in text, path.name
        assert "create_client(" not in text and "cached_client(" not in text, path.name
