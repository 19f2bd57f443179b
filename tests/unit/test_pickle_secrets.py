"""No class of either integration pickles its key, or the client that holds it."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

import langchain_zai
import llama_index_zai

CANARY = "canary-0123456789abcdef.PICKLEsecretXYZ"

#: Every public class that takes the configuration words (ZaiTokenizer holds a lock and a
#: cache, so it does not pickle at all, which leaks nothing).
CLASSES = [
    getattr(module, name)
    for module in (langchain_zai, llama_index_zai)
    for name in module.__all__
    if name.startswith(("Zai", "ChatZai"))
    and isinstance(getattr(module, name), type)
    and not issubclass(getattr(module, name), Exception)
    and not name.endswith(("Input", "Event", "Tokenizer"))
]


def _build(cls: type) -> Any:
    if "agent_id" in getattr(cls, "model_fields", {}):  # ZaiAgentTool names its agent
        return cls(agent_id="general_translation", api_key=CANARY)
    try:
        return cls(api_key=CANARY)
    except TypeError:
        return cls("https://example.com", api_key=CANARY)


def _touch_client(obj: Any) -> Any:
    obj = getattr(obj, "parser", obj)  # a loader reaches Z.ai through its blob parser
    client = getattr(obj, "client", None)
    if client is None and hasattr(obj, "_get_client"):
        client = obj._get_client()
    return client


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_pickle_drops_key_and_client(cls: type, monkeypatch: pytest.MonkeyPatch) -> None:
    obj = _build(cls)
    assert _touch_client(obj).config.api_key == CANARY  # the client really holds the key
    data = pickle.dumps(obj)
    assert CANARY.encode() not in data
    monkeypatch.setenv("ZAI_API_KEY", "from-the-environment")
    again = pickle.loads(data)
    assert _touch_client(again).config.api_key == "from-the-environment"


def test_every_configurable_class_is_covered() -> None:
    names = {c.__name__ for c in CLASSES}
    assert {"ChatZai", "ZaiEmbeddings", "Zai", "ZaiEmbedding", "ZaiToolSpec"} <= names
    assert len(names) >= 15


def test_gateway_classes_never_pick_up_the_zai_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A gateway preset reads only its own variable; the Z.ai key is not sent to it."""
    from langchain_core.load import dumps

    monkeypatch.setenv("ZAI_API_KEY", "zai-id.ZAISECRET")
    monkeypatch.delenv("LOWCODEAPI_API_KEY", raising=False)
    tool = langchain_zai.ZaiWebSearchTool(base_url="lowcodeapi")
    assert tool.api_key is None
    chat = langchain_zai.ChatZai(base_url="lowcodeapi", api_key="gw-key")
    assert "LOWCODEAPI_API_KEY" in dumps(chat) and "ZAI_API_KEY" not in dumps(chat)
    assert "ZAI_API_KEY" in dumps(langchain_zai.ChatZai(api_key="zai-id.x"))


@pytest.mark.parametrize(
    "build",
    [
        lambda **kw: langchain_zai.ChatZai(**kw),
        lambda **kw: langchain_zai.ZaiEmbeddings(**kw),
        lambda **kw: langchain_zai.ZaiWebSearchTool(**kw),
        lambda **kw: llama_index_zai.Zai(**kw),
        lambda **kw: llama_index_zai.ZaiEmbedding(**kw),
    ],
    ids=["ChatZai", "ZaiEmbeddings", "ZaiWebSearchTool", "Zai", "ZaiEmbedding"],
)
def test_a_copy_with_other_words_gets_its_own_client(build: Any) -> None:
    """model_copy(update=...) must not reuse the first object's client (old key, old URL)."""
    first = build(api_key="a.KEYA")
    client_a = _touch_client(first)
    assert _touch_client(first) is client_a  # made once while the words are unchanged
    key = "b.KEYB" if isinstance(first.api_key, str) else __import__("pydantic").SecretStr("b.KEYB")
    second = first.model_copy(update={"api_key": key, "base_url": "mainland"})
    client_b = _touch_client(second)
    assert client_b is not client_a
    assert client_b.config.api_key == "b.KEYB"
    assert client_b.config.surface.name == "mainland"
    assert _touch_client(first) is client_a
