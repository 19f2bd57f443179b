"""Tools, helpers and an instrumentation recorder shared by the LlamaIndex cassette tests."""

from __future__ import annotations

import json
from typing import Any

from llama_index.core.instrumentation.event_handlers import BaseEventHandler
from llama_index.core.instrumentation.events import BaseEvent
from llama_index.core.tools import FunctionTool


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def mul(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


ADD = FunctionTool.from_defaults(fn=add)
MUL = FunctionTool.from_defaults(fn=mul)

#: Z.ai's built-in web search, asking for the results in the answer.
WEB_SEARCH: dict[str, Any] = {
    "type": "web_search",
    "web_search": {"enable": True, "search_engine": "search_pro_jina", "search_result": True},
}


def sent_bodies(cassette: Any) -> list[dict[str, Any]]:
    """The JSON bodies of the requests in a cassette, every one of which was played.

    Replay matched each request we sent against these bodies (method, URL and JSON body);
    checking that all were played makes them the bodies actually sent, not just recorded
    (while recording, the cassette holds exactly what was sent).
    """
    assert cassette.all_played or cassette.dirty, "a recorded request was never sent"
    return [json.loads(r.body) for r in cassette.requests]


class EventRecorder(BaseEventHandler):
    """Names of the instrumentation events seen, in order."""

    events: list[str] = []

    @classmethod
    def class_name(cls) -> str:
        """Handler name."""
        return "EventRecorder"

    def handle(self, event: BaseEvent, **kwargs: Any) -> None:
        """Record one event."""
        self.events.append(type(event).__name__)

    def starts_and_ends(self) -> list[str]:
        """Only the start and end events."""
        return [e for e in self.events if e.endswith(("StartEvent", "EndEvent"))]
