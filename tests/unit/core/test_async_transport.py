"""``http_async_client="aiohttp"``: one word on every class selects the aiohttp transport.

Real calls against the benchmark's loopback server (a child process on 127.0.0.1), through
each class's async path; the word is checked before any request.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from zai_core import ZaiClient, _http

pytestmark = [
    pytest.mark.enable_socket,
    pytest.mark.allow_hosts(["127.0.0.1"]),
    pytest.mark.network_loopback,
]
pytest.importorskip("httpx_aiohttp")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    from benchmarks.server import BenchServer

    with BenchServer() as server:
        yield server.base_url(chunks=3)


def _transport_of(client: ZaiClient) -> str:
    return type(client._async()._transport).__name__


async def test_zai_core_client_speaks_over_aiohttp(base_url: str) -> None:
    client = ZaiClient(api_key="k", base_url=base_url, http_async_client="aiohttp")
    body = {"model": "glm-4.7", "messages": [{"role": "user", "content": "hi"}]}
    answer = await client.achat(body)
    assert answer["choices"][0]["message"]["content"]
    assert _transport_of(client) == "AiohttpTransport"
    async with client.astream_chat(body) as stream:
        chunks = [c async for c in stream]
    assert len(chunks) >= 3 and stream.accumulator.content
    default = ZaiClient(api_key="k", base_url=base_url)
    assert _transport_of(default) == "AsyncHTTPTransport"


async def test_every_framework_class_takes_the_word(base_url: str) -> None:
    pytest.importorskip("langchain_core")
    pytest.importorskip("llama_index.core")
    from llama_index.core.base.llms.types import ChatMessage

    from langchain_zai import ChatZai, ZaiEmbeddings
    from llama_index_zai import Zai, ZaiEmbedding

    word = {"api_key": "k", "base_url": base_url, "http_async_client": "aiohttp"}
    assert (await ChatZai(model="glm-4.7", **word).ainvoke("hi")).content
    chunks = [c async for c in ChatZai(model="glm-4.7", **word).astream("hi")]
    assert len(chunks) >= 3
    answer = await Zai(model="glm-4.7", **word).achat([ChatMessage(role="user", content="hi")])
    assert answer.message.content
    assert len(await ZaiEmbeddings(**word).aembed_documents(["a", "b"])) == 2
    assert len(await ZaiEmbedding(**word).aget_text_embedding_batch(["a", "b"])) == 2


def test_an_unknown_word_is_refused_before_any_request() -> None:
    with pytest.raises(ValueError, match=r"http_async_client='aiohttpx'.*'httpx', 'aiohttp'"):
        ZaiClient(api_key="k", http_async_client="aiohttpx")


def test_aiohttp_without_its_package_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "httpx_aiohttp", None)
    with pytest.raises(ImportError, match=r"zai-integrations\[aiohttp\]"):
        ZaiClient(api_key="k", http_async_client="aiohttp")
    assert _http.ASYNC_TRANSPORTS == ("httpx", "aiohttp")


def test_the_aiohttp_pool_closes_with_its_loop(base_url: str) -> None:
    import asyncio

    async def one() -> None:
        client = ZaiClient(api_key="k", base_url=base_url, http_async_client="aiohttp")
        body = {"model": "glm-4.7", "messages": [{"role": "user", "content": "hi"}]}
        assert (await client.achat(body))["choices"]
        assert asyncio.get_running_loop() in _http._aiohttp_clients

    asyncio.run(one())
    assert not _http._aiohttp_clients  # closed and forgotten when asyncio.run() ended
