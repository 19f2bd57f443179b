"""ZaiTokenizer: LlamaIndex's ``str -> list`` shape over Z.ai's counts, its cost and its cache."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from llama_index_zai import ZaiTokenizer
from llama_index_zai.tokenizer import TOKEN_PLACEHOLDER
from zai_core import MissingAPIKeyError

from .conftest import FakeZai

# The fake counts one token per word plus 4 template tokens per message.


def make(fake: FakeZai, **kwargs: Any) -> ZaiTokenizer:
    return ZaiTokenizer(api_key="k", **fake.clients(), **kwargs)


@pytest.fixture
def restore_global_tokenizer() -> Iterator[None]:
    import llama_index.core

    saved = llama_index.core.global_tokenizer
    yield
    llama_index.core.global_tokenizer = saved


def test_returns_a_list_as_long_as_the_token_count(fake: FakeZai) -> None:
    tokenizer = make(fake)
    tokens = tokenizer("three word text")
    assert tokens == [TOKEN_PLACEHOLDER] * 3
    assert tokenizer.encode("two words") == [TOKEN_PLACEHOLDER] * 2
    # one probe to measure the template overhead, then one request per text
    assert [r["messages"][0]["content"] for r in fake.requests] == [
        "a",
        "three word text",
        "two words",
    ]
    assert fake.requests[1] == {
        "model": "glm-4.6",
        "messages": [{"role": "user", "content": "three word text"}],
    }
    assert all(p.endswith("/tokenizer") for p in fake.paths)


def test_repeated_text_is_served_from_the_cache(fake: FakeZai) -> None:
    tokenizer = make(fake)
    for _ in range(5):
        assert tokenizer.count("cached text here") == 3
    assert len(fake.requests) == 2  # probe + one count
    info = tokenizer.cache_info()
    assert (info.hits, info.misses, info.size) == (4, 2, 2)  # misses = requests, probe included


def test_empty_text_is_zero_without_a_request(fake: FakeZai) -> None:
    assert make(fake)("") == []
    assert fake.requests == []


def test_lru_evicts_the_least_recently_used(fake: FakeZai) -> None:
    tokenizer = make(fake, cache_size=2, message_overhead=4)
    tokenizer.count("one")
    tokenizer.count("two")
    tokenizer.count("one")  # hit; "two" is now the oldest
    tokenizer.count("three")  # evicts "two"
    sent = len(fake.requests)
    tokenizer.count("one")
    assert len(fake.requests) == sent
    tokenizer.count("two")
    assert len(fake.requests) == sent + 1


def test_cache_size_zero_disables_caching(fake: FakeZai) -> None:
    tokenizer = make(fake, cache_size=0, message_overhead=4)
    tokenizer.count("x")
    tokenizer.count("x")
    assert len(fake.requests) == 2


@pytest.mark.parametrize(("overhead", "expected"), [(0, 6), (4, 2), (10, 1)])
def test_given_overhead_skips_the_probe(fake: FakeZai, overhead: int, expected: int) -> None:
    assert make(fake, message_overhead=overhead).count("two words") == expected
    assert len(fake.requests) == 1


def test_clear_cache(fake: FakeZai) -> None:
    tokenizer = make(fake, message_overhead=4)
    tokenizer.count("x")
    tokenizer.clear_cache()
    assert tokenizer.cache_info().size == 0
    tokenizer.count("x")
    assert len(fake.requests) == 2


async def test_async_count_shares_the_cache(fake: FakeZai) -> None:
    tokenizer = make(fake)
    assert await tokenizer.acount("four words right here") == 4
    assert tokenizer.count("four words right here") == 4
    assert len(fake.requests) == 2  # probe + one count


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"cache_size": -1}, "cache_size"), ({"message_overhead": -2}, "message_overhead")],
)
def test_bad_settings(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ZaiTokenizer(**kwargs)


def test_missing_key_raises_on_first_count(monkeypatch: pytest.MonkeyPatch, fake: FakeZai) -> None:
    monkeypatch.delenv("ZAI_API_KEY")
    tokenizer = ZaiTokenizer(**fake.clients())
    with pytest.raises(MissingAPIKeyError):
        tokenizer("text")
    assert fake.requests == []


def test_key_not_in_repr() -> None:
    tokenizer = ZaiTokenizer(api_key="tok-secret.value")
    assert "tok-secret" not in repr(tokenizer)
    assert "tok-secret" not in repr(tokenizer.client)


def test_usable_as_settings_tokenizer_and_by_token_counter(
    fake: FakeZai, restore_global_tokenizer: None
) -> None:
    from llama_index.core import Settings
    from llama_index.core.utilities.token_counting import TokenCounter
    from llama_index.core.utils import get_tokenizer

    tokenizer = make(fake)
    Settings.tokenizer = tokenizer
    assert len(Settings.tokenizer("a b c d e")) == 5
    assert len(get_tokenizer()("a b c d e")) == 5
    assert TokenCounter(tokenizer=tokenizer).get_string_tokens("x y") == 2
