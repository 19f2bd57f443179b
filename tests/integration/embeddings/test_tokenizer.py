"""ZaiTokenizer with LlamaIndex's TokenCountingHandler and Settings.tokenizer, from cassettes."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from llama_index_zai import ZaiEmbedding, ZaiTokenizer

pytestmark = pytest.mark.vcr

CHUNKS = ["Z.ai builds the GLM family of models.", "Embeddings turn text into vectors."]


@pytest.fixture
def restore_global_tokenizer() -> Iterator[None]:
    import llama_index.core

    saved = llama_index.core.global_tokenizer
    yield
    llama_index.core.global_tokenizer = saved


def test_token_counting_handler_counts_with_zai() -> None:
    from llama_index.core.callbacks import CallbackManager, TokenCountingHandler
    from llama_index.core.llms import MockLLM

    tokenizer = ZaiTokenizer(model="glm-4.6")
    counter = TokenCountingHandler(tokenizer=tokenizer)
    manager = CallbackManager([counter])

    embed = ZaiEmbedding(dimensions=256, callback_manager=manager)
    embed.get_text_embedding_batch(CHUNKS)
    MockLLM(callback_manager=manager).complete("Summarise GLM in one line.")

    per_chunk = [tokenizer.count(chunk) for chunk in CHUNKS]
    assert [e.prompt_token_count for e in counter.embedding_token_counts] == per_chunk
    assert counter.total_embedding_token_count == sum(per_chunk)
    # at least one token per word, and the template overhead is not counted
    assert all(n >= len(c.split()) for n, c in zip(per_chunk, CHUNKS, strict=True))
    assert all(n < len(c) for n, c in zip(per_chunk, CHUNKS, strict=True))
    prompt = tokenizer.count("Summarise GLM in one line.")
    assert counter.prompt_llm_token_count == prompt
    # every text was counted by one request (misses count requests), then served from the cache
    info = tokenizer.cache_info()
    assert info.misses == 4  # three texts, plus the one-time probe of the message template
    assert info.hits >= 3


def test_settings_tokenizer_drives_the_sentence_splitter(restore_global_tokenizer: None) -> None:
    from llama_index.core import Settings
    from llama_index.core.node_parser import SentenceSplitter

    tokenizer = ZaiTokenizer(model="glm-4.6")
    Settings.tokenizer = tokenizer
    # A regex sentence splitter instead of NLTK's punkt, whose data files this venv's
    # hard-linked install makes NLTK's path checks refuse; the token counting is the point.
    splitter = SentenceSplitter(
        chunk_size=24,
        chunk_overlap=0,
        chunking_tokenizer_fn=lambda text: re.findall(r"[^.!?]+[.!?]*\s*", text),
    )
    text = (
        "GLM models come from Z.ai. They reason before they answer. "
        "Embeddings map text to vectors. Similar texts get similar vectors."
    )
    chunks = splitter.split_text(text)
    assert len(chunks) > 1
    assert " ".join(chunks).split() == text.split()
    assert all(tokenizer.count(chunk) <= 24 for chunk in chunks)
    assert tokenizer.cache_info().misses > 0  # the splitter counted with Z.ai
