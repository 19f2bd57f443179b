"""A canary key never shows in the framework classes' repr, str, dumps, to_dict, errors, logs.

``ChatZai`` and ``ZaiEmbeddings`` (LangChain): ``repr`` / ``str`` / ``model_dump`` /
``model_dump_json`` / ``langchain_core.load.dumps`` (the key is a reference to
``ZAI_API_KEY``); ``Zai`` and ``ZaiEmbedding`` (LlamaIndex): ``repr`` / ``str`` /
``to_dict`` / ``to_json`` / ``dict``. Then a full exchange through each class (a success
and a 401) with DEBUG logging on: the server must have seen the key, and no log line or
error may show it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from langchain_core.load import dumps, loads

from langchain_zai import ChatZai, ZaiEmbeddings
from llama_index_zai import Zai, ZaiEmbedding
from zai_core import AuthenticationError

from .cases import ANSWER, EMBED_INPUTS, WORDS
from .conftest import LeakGuard, SleepRecorder
from .drivers import CANARY, Driver
from .fault_server import (
    FaultServer,
    Reply,
    chat_completion,
    embedding_reply,
    error_reply,
    json_reply,
    sse_reply,
    stream_frames,
)
from .frameworks import ChatZaiDriver, ZaiDriver, ZaiEmbeddingDriver, ZaiEmbeddingsDriver
from .test_secrets_core import LOGGERS, chain_text, key_seen_by_server

URL = "http://127.0.0.1:9/api/paas/v4"
TIMEOUT = httpx.Timeout(2.0, connect=2.0)


def _lc_views(model: Any) -> list[str]:
    return [
        repr(model),
        str(model),
        repr(model.model_dump()),
        model.model_dump_json(),
        dumps(model),
        dumps(model, pretty=True),
    ]


def _li_views(model: Any) -> list[str]:
    return [
        repr(model),
        str(model),
        json.dumps(model.to_dict(), default=str),
        model.to_json(),
        repr(model.model_dump()),
    ]


BUILDERS: dict[str, Callable[[], list[str]]] = {
    "ChatZai": lambda: _lc_views(ChatZai(api_key=CANARY, base_url=URL, temperature=0.2)),
    "ZaiEmbeddings": lambda: _lc_views(ZaiEmbeddings(api_key=CANARY, base_url=URL)),
    "Zai": lambda: _li_views(Zai(api_key=CANARY, base_url=URL, temperature=0.2)),
    "ZaiEmbedding": lambda: _li_views(ZaiEmbedding(api_key=CANARY, base_url=URL)),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_serialized_forms_hold_no_key(name: str) -> None:
    views = BUILDERS[name]()
    assert all(views), "an empty view would prove nothing"
    for view in views:
        assert CANARY not in view, view


@pytest.mark.filterwarnings("ignore::langchain_core._api.beta_decorator.LangChainBetaWarning")
def test_langchain_dumps_references_the_env_var_and_reloads() -> None:
    llm = ChatZai(api_key=CANARY, base_url=URL, temperature=0.2)
    text = dumps(llm)
    assert "ZAI_API_KEY" in text
    restored = loads(
        text,
        secrets_map={"ZAI_API_KEY": "reloaded-key"},
        valid_namespaces=["langchain_zai"],
        allowed_objects=[ChatZai],
    )
    assert isinstance(restored, ChatZai)
    assert restored.temperature == 0.2
    assert restored.api_key is not None
    assert restored.api_key.get_secret_value() == "reloaded-key"


def _chat_script() -> list[Reply]:
    return [
        json_reply(200, chat_completion(ANSWER)),
        sse_reply(stream_frames(WORDS)),
        error_reply(401, "1002", f"Authorization Token invalid: {CANARY}"),
    ]


def _embed_script() -> list[Reply]:
    return [
        embedding_reply(EMBED_INPUTS),
        error_reply(401, "1002", f"Authorization Token invalid: {CANARY}"),
    ]


DRIVERS: dict[str, Driver] = {
    "ChatZai": ChatZaiDriver(),
    "Zai": ZaiDriver(),
    "ZaiEmbeddings": ZaiEmbeddingsDriver(),
    "ZaiEmbedding": ZaiEmbeddingDriver(),
}


@pytest.mark.parametrize("name", sorted(DRIVERS))
def test_full_exchange_logs_and_errors_hold_no_key(
    name: str,
    server: FaultServer,
    sleeps: SleepRecorder,
    leaks: LeakGuard,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A success, a stream (chat classes) and a 401 that quotes the key back."""
    for logger in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=logger)
    driver = DRIVERS[name]
    chat = name in ("ChatZai", "Zai")
    server.script(*(_chat_script() if chat else _embed_script()))
    leaks.begin()
    assert driver.call(server.url, TIMEOUT, 0)
    if chat:
        text = "".join(driver.text(c) for c in driver.stream_iter(server.url, TIMEOUT, 0))
        assert text == ANSWER
    with pytest.raises(AuthenticationError) as caught:
        driver.call(server.url, TIMEOUT, 0)
    leaks.check()
    assert key_seen_by_server(server)
    assert CANARY not in chain_text(caught.value)
    assert caplog.records, "nothing was logged at DEBUG"
    for record in caplog.records:
        assert CANARY not in record.getMessage()
    assert CANARY not in caplog.text
