"""``ChatZai(base_url="xpay")`` and ``Zai(base_url="xpay")`` work by configuration alone.

The MCP client runs for real against the in-process xpay emulator (no sockets).
"""

from __future__ import annotations

import pytest
from llama_index.core.llms import ChatMessage

from langchain_zai import ChatZai
from llama_index.llms.zai import Zai
from tests.emulator.xpay import XpayEmulatorTransport
from zai_core import MissingAPIKeyError

KEY = "xpay-framework-CanarySecret"


@pytest.fixture(autouse=True)
def _xpay_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("zai_core.xpay.make_mcp_transport", XpayEmulatorTransport)
    monkeypatch.setenv("XPAY_API_KEY", KEY)


def test_chatzai_invoke_and_stream() -> None:
    model = ChatZai(base_url="xpay")
    answer = model.invoke("Hello!")
    assert answer.content.startswith("Hello")
    assert answer.usage_metadata is not None and answer.usage_metadata["total_tokens"] > 0
    chunks = list(model.stream("Hello!"))
    assert "".join(str(c.content) for c in chunks).startswith("Hello")
    assert KEY not in repr(model)


async def test_chatzai_ainvoke() -> None:
    answer = await ChatZai(base_url="xpay").ainvoke("Hello!")
    assert answer.content.startswith("Hello")


def test_llama_index_zai_chat_and_stream() -> None:
    llm = Zai(base_url="xpay")
    message = [ChatMessage(role="user", content="Hello!")]
    assert (llm.chat(message).message.content or "").startswith("Hello")
    deltas = [r.delta for r in llm.stream_chat(message)]
    assert len(deltas) == 1 and (deltas[0] or "").startswith("Hello")


def test_xpay_never_uses_the_zai_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XPAY_API_KEY")
    with pytest.raises(MissingAPIKeyError, match="XPAY_API_KEY"):
        ChatZai(base_url="xpay").invoke("Hello!")
