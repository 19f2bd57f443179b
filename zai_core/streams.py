"""Chat answers as they come back: failing finish reasons, and the stream wrappers.

`ChatStream` / `AsyncChatStream` wrap the event iterators of
`zai_core.ZaiClient` (or any client with the same chat interface): they fold every
chunk into a `StreamAccumulator`, raise on a failing finish reason, put the partial
answer on a `StreamInterruptedError`, and always close the response.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from .accumulate import StreamAccumulator, drop_bad_usage
from .errors import (
    APIResponseValidationError,
    APIStatusError,
    ContentFilterError,
    ContextWindowExceededError,
    InternalServerError,
    StreamInterruptedError,
    ZaiError,
)

__all__ = [
    "FAILING_FINISH_REASONS",
    "AsyncChatStream",
    "ChatStream",
    "FailingFinish",
    "finish_reason_error",
    "validate_chat_body",
]


@dataclass(frozen=True)
class FailingFinish:
    """A finish reason that means the answer failed: the error it raises.

    `in_stream` replaces `error` once streaming began (the partial answer was handed
    out, so it must not be retried).
    """

    error: type[APIStatusError]
    message: str
    code: str | None = None
    in_stream: type[ZaiError] | None = None


#: Z.ai's finish reasons that end an answer in failure; every other reason (``stop``,
#: ``tool_calls``, ``length``, anything new) is a normal finish.
FAILING_FINISH_REASONS: dict[str, FailingFinish] = {
    "sensitive": FailingFinish(
        ContentFilterError,
        "Z.ai stopped the answer: content flagged by moderation (finish_reason=sensitive)",
        code="1301",
    ),
    "model_context_window_exceeded": FailingFinish(
        ContextWindowExceededError,
        "the conversation no longer fits the model's context window "
        "(finish_reason=model_context_window_exceeded)",
    ),
    "network_error": FailingFinish(
        InternalServerError,
        "Z.ai's inference failed mid-answer (finish_reason=network_error)",
        in_stream=StreamInterruptedError,
    ),
}


def finish_reason_error(
    finish_reason: str | None, *, partial_text: str, request_id: str | None, stream: bool
) -> ZaiError | None:
    """The error a failing finish reason stands for (`FAILING_FINISH_REASONS`), or
    `None` for a normal finish. The partial answer rides on the error, never returned as
    if complete.
    """
    rule = FAILING_FINISH_REASONS.get(finish_reason or "")
    if rule is None:
        return None
    if stream and rule.in_stream is StreamInterruptedError:
        return StreamInterruptedError(rule.message, partial_text=partial_text)
    body = {"finish_reason": finish_reason, "partial_text": partial_text}
    return rule.error(
        rule.message, status_code=200, code=rule.code, request_id=request_id, body=body
    )


_FAILING_FINISH = frozenset(FAILING_FINISH_REASONS)


def validate_chat_body(body: Any) -> None:
    """Raise on a chat answer that cannot be used or that stands for an error.

    Raises:
        APIResponseValidationError: no `choices` list, no choice, a choice or message that
            is not an object, `tool_calls` that are not objects with a `function`.
        ZaiError: the failing finish reason's error (`finish_reason_error`).
    """
    request_id = (body.get("request_id") or body.get("id")) if isinstance(body, dict) else None

    def bad(what: str) -> APIResponseValidationError:
        return APIResponseValidationError(
            f"Z.ai's chat answer cannot be used: {what}", body=body, request_id=request_id
        )

    if not isinstance(body, dict) or not isinstance(body.get("choices"), list):
        raise bad(f"it has no 'choices' list: {str(body)[:200]!r}")
    if not body["choices"]:
        raise bad("its 'choices' list is empty")
    choice = body["choices"][0]
    if not isinstance(choice, dict):
        raise bad(f"choices[0] is not an object: {str(choice)[:100]!r}")
    message = choice.get("message") or {}
    if not isinstance(message, dict):
        raise bad(f"choices[0].message is not an object: {str(message)[:100]!r}")
    for call in message.get("tool_calls") or ():
        if not isinstance(call, dict):
            raise bad(f"a tool call is not an object: {str(call)[:100]!r}")
        if (call.get("type") or "function") == "function" and not isinstance(
            call.get("function"), dict
        ):
            raise bad(f"tool call {call.get('id')!r} has no 'function' object")
    drop_bad_usage(body)
    error = finish_reason_error(
        choice.get("finish_reason"),
        partial_text=message.get("content") or "",
        request_id=request_id,
        stream=False,
    )
    if error is not None:
        raise error


def _fail_on_finish(accumulator: StreamAccumulator) -> None:
    error = finish_reason_error(
        accumulator.finish_reason,
        partial_text=accumulator.content,
        request_id=accumulator.request_id,
        stream=True,
    )
    if error is not None:
        raise error


def _attach_partial(error: StreamInterruptedError, accumulator: StreamAccumulator) -> None:
    """Give an interrupted stream's error what had arrived (text it lacks, the reasoning)."""
    error.partial_text = error.partial_text or accumulator.content
    error.partial_reasoning = accumulator.reasoning


class ChatStream:
    """A streamed chat answer: iterate chunk dicts; `accumulator` holds the whole so far.

    Use it as a context manager (`with client.stream_chat(body) as stream`) so the
    response is closed even when the loop is left early; a failing finish reason raises.
    """

    def __init__(self, events: Iterator[dict[str, Any]], accumulator: StreamAccumulator):
        self.accumulator = accumulator
        self._chunks = self._run(events, accumulator)

    @staticmethod
    def _run(
        events: Iterator[dict[str, Any]], accumulator: StreamAccumulator
    ) -> Iterator[dict[str, Any]]:
        # Never a method of ``self``: a generator holding ``self`` is a reference cycle, and
        # a stream left by ``break`` in a bare ``for`` loop would stay open until the next
        # garbage collection instead of closing at once.
        try:
            for chunk in events:
                accumulator.add(chunk)
                if accumulator.finish_reason in _FAILING_FINISH:
                    _fail_on_finish(accumulator)
                yield chunk
        except StreamInterruptedError as error:
            _attach_partial(error, accumulator)
            raise
        finally:
            events.close()  # type: ignore[attr-defined]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        # The generator itself: a ``for`` loop then skips one Python call per chunk.
        return self._chunks

    def __next__(self) -> dict[str, Any]:
        return next(self._chunks)

    def close(self) -> None:
        """Stop reading and close the response."""
        self._chunks.close()  # type: ignore[attr-defined]

    def __enter__(self) -> ChatStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncChatStream:
    """Async `ChatStream`: `async with` / `async for`."""

    def __init__(self, events: AsyncIterator[dict[str, Any]], accumulator: StreamAccumulator):
        self.accumulator = accumulator
        self._chunks = self._run(events, accumulator)

    @staticmethod
    async def _run(
        events: AsyncIterator[dict[str, Any]], accumulator: StreamAccumulator
    ) -> AsyncIterator[dict[str, Any]]:
        # A function of its inputs, not of ``self`` (see ChatStream._run): a cancelled or
        # abandoned consumer frees the stream at once and the event loop closes it.
        try:
            async for chunk in events:
                accumulator.add(chunk)
                if accumulator.finish_reason in _FAILING_FINISH:
                    _fail_on_finish(accumulator)
                yield chunk
        except StreamInterruptedError as error:
            _attach_partial(error, accumulator)
            raise
        finally:
            await events.aclose()  # type: ignore[attr-defined]

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        # The async generator itself: ``async for`` then skips one coroutine per chunk.
        return self._chunks

    async def __anext__(self) -> dict[str, Any]:
        return await self._chunks.__anext__()

    async def aclose(self) -> None:
        """Stop reading and close the response."""
        await self._chunks.aclose()  # type: ignore[attr-defined]

    async def __aenter__(self) -> AsyncChatStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
