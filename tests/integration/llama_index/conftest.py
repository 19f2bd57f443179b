"""LlamaIndex cassette tests: an instrumentation recorder fixture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from llama_index.core.instrumentation import get_dispatcher

from tests.integration.llama_index._tools import EventRecorder


@pytest.fixture
def recorder() -> Iterator[EventRecorder]:
    """An :class:`EventRecorder` on the root dispatcher for one test."""
    root = get_dispatcher()
    handler = EventRecorder(events=[])
    root.add_event_handler(handler)
    yield handler
    root.event_handlers.remove(handler)
