"""Invalid parameters fail with an error naming the problem, and no request is sent.

Every row builds a client pointed at the loopback server and makes the bad call (or the bad
construction); the server must count zero requests afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.messages import AIMessage, SystemMessage
from llama_index.core.llms import ChatMessage

from langchain_zai import ChatZai, ZaiEmbeddings
from llama_index_zai import Zai, ZaiEmbedding
from zai_core import ZaiClient

from .drivers import CANARY
from .fault_server import FaultServer

USER = [ChatMessage(role="user", content="hi")]
SYSTEM_ONLY = [ChatMessage(role="system", content="be brief")]


def chatzai(url: str, **kwargs: Any) -> ChatZai:
    kwargs.setdefault("max_retries", 0)
    return ChatZai(api_key=CANARY, base_url=url, **kwargs)


def zai(url: str, **kwargs: Any) -> Zai:
    kwargs.setdefault("max_retries", 0)
    return Zai(api_key=CANARY, base_url=url, **kwargs)


def lc_embed(url: str, **kwargs: Any) -> ZaiEmbeddings:
    kwargs.setdefault("max_retries", 0)
    return ZaiEmbeddings(api_key=CANARY, base_url=url, **kwargs)


def li_embed(url: str, **kwargs: Any) -> ZaiEmbedding:
    kwargs.setdefault("max_retries", 0)
    return ZaiEmbedding(api_key=CANARY, base_url=url, **kwargs)


Row = tuple[str, Callable[[str], Any], type[BaseException], str]

ROWS: list[Row] = [
    # ChatZai: at construction
    ("ChatZai temperature=1.5", lambda u: chatzai(u, temperature=1.5), ValueError, "temperature"),
    ("ChatZai top_p=0", lambda u: chatzai(u, top_p=0), ValueError, "top_p"),
    ("ChatZai max_tokens=0", lambda u: chatzai(u, max_tokens=0), ValueError, "max_tokens"),
    (
        "ChatZai thinking='enabled'",
        lambda u: chatzai(u, thinking="enabled"),
        ValueError,
        "thinking",
    ),
    (
        "ChatZai thinking={'type': 'auto'}",
        lambda u: chatzai(u, thinking={"type": "auto"}),
        ValueError,
        "thinking['type']",
    ),
    (
        "ChatZai reasoning_effort='extreme'",
        lambda u: chatzai(u, reasoning_effort="extreme"),
        ValueError,
        "reasoning_effort",
    ),
    (
        "ChatZai response_format json_schema",
        lambda u: chatzai(u, response_format={"type": "json_schema"}),
        ValueError,
        "response_format",
    ),
    ("ChatZai base_url='ftp://x'", lambda u: chatzai("ftp://x"), ValueError, "base_url"),
    # ChatZai: at call time
    ("ChatZai invoke([])", lambda u: chatzai(u).invoke([]), ValueError, "messages is empty"),
    (
        "ChatZai invoke(system only)",
        lambda u: chatzai(u).invoke([SystemMessage("be brief")]),
        ValueError,
        "only system and assistant",
    ),
    (
        "ChatZai invoke(system + assistant only)",
        lambda u: chatzai(u).invoke([SystemMessage("x"), AIMessage("y")]),
        ValueError,
        "only system and assistant",
    ),
    (
        "ChatZai invoke(temperature=3)",
        lambda u: chatzai(u).invoke("hi", temperature=3),
        ValueError,
        "temperature",
    ),
    (
        "ChatZai stream(reasoning_effort='x')",
        lambda u: list(chatzai(u).stream("hi", reasoning_effort="x")),
        ValueError,
        "reasoning_effort",
    ),
    (
        "ChatZai max_retries=-1",
        lambda u: chatzai(u, max_retries=-1),
        ValueError,
        "max_retries",
    ),
    (
        "ChatZai timeout=-1",
        lambda u: chatzai(u, timeout=-1),
        ValueError,
        "timeout",
    ),
    # Zai
    ("Zai temperature=1.5", lambda u: zai(u, temperature=1.5), ValueError, "temperature"),
    ("Zai thinking=2", lambda u: zai(u, thinking=2), ValueError, "thinking"),
    ("Zai thinking='yes'", lambda u: zai(u, thinking="yes"), ValueError, "thinking"),
    ("ChatZai thinking='yes'", lambda u: chatzai(u, thinking="yes"), ValueError, "thinking"),
    (
        "Zai reasoning_effort='extreme'",
        lambda u: zai(u, reasoning_effort="extreme"),
        ValueError,
        "reasoning_effort",
    ),
    ("Zai max_retries=-1", lambda u: zai(u, max_retries=-1), ValueError, "max_retries"),
    ("Zai chat([])", lambda u: zai(u).chat([]), ValueError, "messages is empty"),
    (
        "Zai chat(system only)",
        lambda u: zai(u).chat(SYSTEM_ONLY),
        ValueError,
        "only system and assistant",
    ),
    (
        "Zai stream_chat(system only)",
        lambda u: list(zai(u).stream_chat(SYSTEM_ONLY)),
        ValueError,
        "only system and assistant",
    ),
    (
        "Zai chat(temperature=3)",
        lambda u: zai(u).chat(USER, temperature=3),
        ValueError,
        "temperature",
    ),
    ("Zai chat(bogus=1)", lambda u: zai(u).chat(USER, bogus=1), ValueError, "bogus"),
    (
        "Zai timeout=-1",
        lambda u: zai(u, timeout=-1),
        ValueError,
        "timeout",
    ),
    # embeddings
    ("ZaiEmbeddings dimensions=3", lambda u: lc_embed(u, dimensions=3), ValueError, "dimensions"),
    (
        "ZaiEmbeddings embedding-2 dimensions=512",
        lambda u: lc_embed(u, model="embedding-2", dimensions=512),
        ValueError,
        "dimensions",
    ),
    ("ZaiEmbeddings embed_query('')", lambda u: lc_embed(u).embed_query(""), ValueError, "empty"),
    (
        "ZaiEmbeddings embed_documents('a str')",
        lambda u: lc_embed(u).embed_documents("abc"),  # type: ignore[arg-type]
        TypeError,
        "single str",
    ),
    (
        "ZaiEmbedding dimensions=100",
        lambda u: li_embed(u, dimensions=100),
        ValueError,
        "dimensions",
    ),
    (
        "ZaiEmbedding get_query_embedding('')",
        lambda u: li_embed(u).get_query_embedding(" "),
        ValueError,
        "empty",
    ),
    (
        "ZaiEmbedding batch with None",
        lambda u: li_embed(u).get_text_embedding_batch([None]),  # type: ignore[list-item]
        TypeError,
        "must be a str",
    ),
    # zai_core
    (
        "ZaiClient max_retries=-1",
        lambda u: ZaiClient(api_key=CANARY, base_url=u, max_retries=-1),
        ValueError,
        "max_retries",
    ),
    (
        "ZaiClient timeout=0",
        lambda u: ZaiClient(api_key=CANARY, base_url=u, timeout=0),
        ValueError,
        "timeout",
    ),
]


@pytest.mark.parametrize(("label", "make", "error", "names"), ROWS, ids=[r[0] for r in ROWS])
def test_invalid_input_fails_before_any_request(
    label: str,
    make: Callable[[str], Any],
    error: type[BaseException],
    names: str,
    server: FaultServer,
) -> None:
    with pytest.raises(error) as caught:
        make(server.url)
    assert names in str(caught.value)
    assert CANARY not in str(caught.value)
    assert server.count() == 0, f"{server.count()} request(s) reached the server"
