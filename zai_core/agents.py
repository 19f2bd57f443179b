"""Z.ai's agents: chat (plain and streamed), async results, conversation history.

The agents live beside `/paas/v4`, at `{api root}/v1/agents` (docs.z.ai:
`https://api.z.ai/api/v1/agents`); `zai_core.Surface.url_for` derives that address
from the configured surface (international, mainland, LowCodeAPI...), so every call goes
through the one client with its errors, retries, secrets and gateway rules.

- `agent_chat` / `aagent_chat`: `POST /v1/agents`, one `AgentAnswer`.
- `stream_agent` / `astream_agent`: the same streamed, `AgentChunk` by chunk.
- `wait_for_agent_result` / `await_agent_result`: poll
  `POST /v1/agents/async-result` with the video endpoint's `zai_core.PollPolicy`
  until `success`; `failed` raises `zai_core.errors.InternalServerError` naming the
  async id, running out of time `zai_core.errors.APITimeoutError`.
- `run_agent` / `arun_agent`: chat, then wait when the agent answers asynchronously.
- `agent_conversation` / `aagent_conversation`: `POST /v1/agents/conversation`.

Shapes are documented (docs.z.ai "Agents"), never recorded: the parsers accept the documented
`choices[].messages[]` and the chat-like `choices[].message` / `delta`.

Example:
    ```python
    from zai_core import create_client, agent_chat, build_translation_variables

    answer = agent_chat(
        create_client(),
        "general_translation",
        "Guten Morgen",
        custom_variables=build_translation_variables("en", strategy="general"),
    )
    print(answer.text)
    ```
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .config import AGENT_CHAT_PATH, AGENT_CONVERSATION_PATH, AGENT_RESULT_PATH
from .errors import APIResponseValidationError, APITimeoutError, InternalServerError
from .transport import Transport
from .video import PollPolicy, PollStep, next_poll_step, normalize_task_status
from .web import optional_ids, require_text

__all__ = [
    "TRANSLATION_AGENT",
    "TRANSLATION_STRATEGIES",
    "AgentAnswer",
    "AgentChunk",
    "AgentProgress",
    "Conversation",
    "aagent_chat",
    "aagent_conversation",
    "agent_answer_text",
    "agent_chat",
    "agent_conversation",
    "agent_messages",
    "agent_result_error",
    "aget_agent_result",
    "arun_agent",
    "astream_agent",
    "await_agent_result",
    "build_agent_body",
    "build_agent_result_body",
    "build_conversation_body",
    "build_translation_variables",
    "get_agent_result",
    "join_agent_chunks",
    "parse_agent_answer",
    "parse_agent_chunk",
    "parse_conversation",
    "run_agent",
    "stream_agent",
    "wait_for_agent_result",
]

#: The translation agent of docs.z.ai.
TRANSLATION_AGENT = "general_translation"
#: Translation strategies (docs.bigmodel.cn "translation" agent; docs.z.ai shows ``general``).
TRANSLATION_STRATEGIES = ("general", "paraphrase", "two_step", "three_step", "reflection", "cot")
_ROLES = ("user", "assistant", "system")

AgentInput = str | Sequence[str | Mapping[str, Any]]


@dataclass(frozen=True)
class AgentAnswer:
    """One agent answer: a chat answer, an async answer, or a polled async result.

    Attributes:
        agent_id: the agent.
        text: the text parts of the answer, joined.
        parts: every content part (`{"type": "text", "text": ...}`, `video_url`...).
        status: `"SUCCESS"`, `"PENDING"` or `"FAIL"` (Z.ai's `status`, upper-cased);
            `"SUCCESS"` for a plain chat answer without one.
        async_id: set when the agent answers asynchronously (poll it).
        conversation_id: the conversation, for agents that keep one.
        finish_reason: the first choice's finish reason.
        usage: token counts as Z.ai gives them.
        id / request_id: Z.ai's ids.
    """

    agent_id: str
    text: str = ""
    parts: tuple[Mapping[str, Any], ...] = ()
    status: str = "SUCCESS"
    async_id: str | None = None
    conversation_id: str | None = None
    finish_reason: str | None = None
    usage: Mapping[str, Any] = field(default_factory=dict)
    id: str | None = None
    request_id: str | None = None

    @property
    def urls(self) -> tuple[str, ...]:
        """URLs among the parts (`video_url`, `image_url`, `file_url`...)."""
        return tuple(_part_urls(self.parts))


@dataclass(frozen=True)
class AgentChunk:
    """One streamed piece: new `text`, other `parts`, and the end markers when present."""

    text: str = ""
    parts: tuple[Mapping[str, Any], ...] = ()
    finish_reason: str | None = None
    conversation_id: str | None = None
    usage: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class AgentProgress:
    """What a progress callback receives after each poll of an async result."""

    answer: AgentAnswer
    attempt: int
    elapsed: float
    next_delay: float


@dataclass(frozen=True)
class Conversation:
    """A conversation's history: its messages as Z.ai gives them (oldest first)."""

    agent_id: str
    conversation_id: str
    messages: tuple[Mapping[str, Any], ...] = ()


# --------------------------------------------------------------------------- request bodies


def _text_part(text: str) -> dict[str, str]:
    return {"type": "text", "text": text}


def _content(value: Any, where: str) -> list[Any]:
    if isinstance(value, str):
        return [_text_part(require_text(f"{where} content", value))]
    if isinstance(value, Mapping):
        return [dict(value)]
    if isinstance(value, Sequence) and value:
        return [_text_part(v) if isinstance(v, str) else dict(v) for v in value]
    raise ValueError(f"{where} content must be text or a non-empty list of parts, got {value!r}")


def agent_messages(messages: AgentInput) -> list[dict[str, Any]]:
    """Agent `messages`: a string is one user message; text content becomes a text part.

    Raises:
        ValueError: no message, an unknown role, or empty content.
    """
    items: Sequence[Any] = [messages] if isinstance(messages, str) else messages
    if not items:
        raise ValueError("an agent needs at least one message")
    out = []
    for i, item in enumerate(items):
        message = {"role": "user", "content": item} if isinstance(item, str) else dict(item)
        role = message.get("role")
        if role not in _ROLES:
            raise ValueError(f"message {i} has role {role!r}; agents take {', '.join(_ROLES)}")
        out.append({**message, "content": _content(message.get("content"), f"message {i}")})
    return out


def build_agent_body(
    agent_id: str,
    messages: AgentInput,
    *,
    stream: bool = False,
    custom_variables: Mapping[str, Any] | None = None,
    conversation_id: str | None = None,
    request_id: str | None = None,
    user_id: str | None = None,
) -> dict[str, Any]:
    """The `POST /v1/agents` body; raises ValueError on a bad value. Pure.

    Args:
        agent_id: `"general_translation"`, `"slides_glm_agent"`, `"vidu_template_agent"`
            or another agent your account has.
        messages: text (one user message) or messages whose content is text or typed parts.
        stream: ask for server-sent events (for the agents that stream).
        custom_variables: the agent's own settings (see `build_translation_variables`).
        conversation_id: continue a conversation (multi-turn agents).
        request_id / user_id: your ids for the request and the end user.
    """
    body: dict[str, Any] = {
        "agent_id": require_text("agent_id", agent_id),
        "messages": agent_messages(messages),
        "stream": bool(stream),
    }
    if custom_variables is not None:
        if not isinstance(custom_variables, Mapping):
            raise ValueError(f"custom_variables must be a dict, got {custom_variables!r}")
        body["custom_variables"] = dict(custom_variables)
    if conversation_id is not None:
        body["conversation_id"] = require_text("conversation_id", conversation_id)
    body.update(optional_ids(request_id, user_id))
    return body


def build_translation_variables(
    target_lang: str,
    *,
    source_lang: str | None = None,
    strategy: str | None = None,
    glossary: str | None = None,
    suggestion: str | None = None,
    strategy_config: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """`custom_variables` of the `general_translation` agent. Pure.

    Args:
        target_lang: language code to translate into (`"en"`, `"zh-CN"`...).
        source_lang: language code of the text; default `"auto"` (detected).
        strategy: one of `TRANSLATION_STRATEGIES` (default `general`).
        glossary: the `file_id` of an uploaded glossary (`zai_core.upload_file`).
        suggestion: style or terminology advice for the `general` strategy.
        strategy_config: the raw `strategy_config` object (wins over `suggestion`).
    """
    variables: dict[str, Any] = {"target_lang": require_text("target_lang", target_lang)}
    if source_lang is not None:
        variables["source_lang"] = require_text("source_lang", source_lang)
    if strategy is not None:
        if strategy not in TRANSLATION_STRATEGIES:
            raise ValueError(
                f"strategy must be one of {', '.join(TRANSLATION_STRATEGIES)}; got {strategy!r}"
            )
        variables["strategy"] = strategy
    if glossary is not None:
        variables["glossary"] = require_text("glossary", glossary)
    if suggestion is not None:
        if strategy not in (None, "general"):
            raise ValueError("suggestion applies to the 'general' strategy only")
        variables["strategy_config"] = {
            "general": {"suggestion": require_text("suggestion", suggestion)}
        }
    if strategy_config is not None:
        variables["strategy_config"] = dict(strategy_config)
    return variables


def build_agent_result_body(agent_id: str, async_id: str) -> dict[str, str]:
    """The `POST /v1/agents/async-result` body. Pure."""
    return {
        "agent_id": require_text("agent_id", agent_id),
        "async_id": require_text("async_id", async_id),
    }


def build_conversation_body(agent_id: str, conversation_id: str, **extra: Any) -> dict[str, Any]:
    """The `POST /v1/agents/conversation` body (`extra` fields sent as given). Pure."""
    return {
        "agent_id": require_text("agent_id", agent_id),
        "conversation_id": require_text("conversation_id", conversation_id),
        **{k: v for k, v in extra.items() if v is not None},
    }


# --------------------------------------------------------------------------- answers


def _parts(content: Any) -> list[Mapping[str, Any]]:
    if content is None:
        return []
    if isinstance(content, str):
        return [_text_part(content)] if content else []
    if isinstance(content, Mapping):
        return [content]
    if isinstance(content, list):
        return [p for c in content for p in _parts(c)]
    return []


def _part_urls(parts: Sequence[Mapping[str, Any]]) -> Iterator[str]:
    for part in parts:
        for key, value in part.items():
            if key == "url" and isinstance(value, str):
                yield value
            elif key.endswith("_url"):
                url = value.get("url") if isinstance(value, Mapping) else value
                if isinstance(url, str):
                    yield url


def _choice_parts(choice: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Content parts of one choice: ``messages[]`` (docs), ``message`` or ``delta``."""
    messages = choice.get("messages")
    if isinstance(messages, Mapping):
        messages = [messages]
    if not isinstance(messages, list):
        one = choice.get("message") or choice.get("delta")
        messages = [one] if isinstance(one, Mapping) else []
    return [p for m in messages if isinstance(m, Mapping) for p in _parts(m.get("content"))]


def _text(parts: Sequence[Mapping[str, Any]]) -> str:
    return "".join(str(p["text"]) for p in parts if p.get("type", "text") == "text" and "text" in p)


def _choices(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [c for c in body.get("choices") or () if isinstance(c, Mapping)]


def parse_agent_answer(body: Any, *, agent_id: str | None = None) -> AgentAnswer:
    """An `AgentAnswer` from a chat answer or an async-result answer. Pure."""
    if not isinstance(body, Mapping) or not (
        "choices" in body or "async_id" in body or "status" in body
    ):
        raise APIResponseValidationError(
            f"agent answer has no 'choices', 'async_id' or 'status': {str(body)[:200]!r}",
            body=body,
        )
    choices = _choices(body)
    parts = [p for c in choices for p in _choice_parts(c)]
    status = body.get("status")
    return AgentAnswer(
        agent_id=str(body.get("agent_id") or agent_id or ""),
        text=_text(parts),
        parts=tuple(parts),
        status=normalize_task_status(status) if status else "SUCCESS",
        async_id=str(body["async_id"]) if body.get("async_id") else None,
        conversation_id=body.get("conversation_id"),
        finish_reason=choices[0].get("finish_reason") if choices else None,
        usage=dict(body.get("usage") or {}),
        id=body.get("id"),
        request_id=body.get("request_id"),
    )


def parse_agent_chunk(event: Mapping[str, Any]) -> AgentChunk:
    """One streamed event as an `AgentChunk` (text parts joined). Pure."""
    choices = _choices(event)
    parts = [p for c in choices for p in _choice_parts(c)]
    reason = next((c["finish_reason"] for c in choices if c.get("finish_reason")), None)
    return AgentChunk(
        text=_text(parts),
        parts=tuple(p for p in parts if p.get("type", "text") != "text"),
        finish_reason=reason,
        conversation_id=event.get("conversation_id"),
        usage=event.get("usage"),
    )


def join_agent_chunks(agent_id: str, chunks: Sequence[AgentChunk]) -> AgentAnswer:
    """A streamed answer folded into one `AgentAnswer` (text first, then other parts,
    the last finish reason and usage, the first conversation id). Pure."""
    text = "".join(c.text for c in chunks)
    parts: list[Mapping[str, Any]] = [_text_part(text)] if text else []
    parts += [p for c in chunks for p in c.parts]
    usage = next((c.usage for c in reversed(chunks) if c.usage), None) or {}
    return AgentAnswer(
        agent_id=agent_id,
        text=text,
        parts=tuple(parts),
        conversation_id=next((c.conversation_id for c in chunks if c.conversation_id), None),
        finish_reason=next((c.finish_reason for c in reversed(chunks) if c.finish_reason), None),
        usage=dict(usage),
    )


def agent_answer_text(answer: AgentAnswer) -> str:
    """What a model reads from an answer: its text, then `URL: ...` per produced file. Pure."""
    lines = [answer.text] if answer.text else []
    lines += [f"URL: {url}" for url in answer.urls]
    return "\n".join(lines) or f"Z.ai agent {answer.agent_id} returned no content."


def parse_conversation(body: Any, *, agent_id: str, conversation_id: str) -> Conversation:
    """The history from a `/v1/agents/conversation` answer. Pure.

    Accepts `messages`, `data` / `history` lists, or `choices[].messages`.
    """
    if not isinstance(body, Mapping):
        raise APIResponseValidationError(
            f"conversation answer is not an object: {str(body)[:200]!r}", body=body
        )
    messages = next(
        (body[k] for k in ("messages", "history", "data") if isinstance(body.get(k), list)),
        None,
    )
    if messages is None:
        choices = _choices(body)
        messages = [m for c in choices for m in c.get("messages") or () if isinstance(m, Mapping)]
    return Conversation(
        agent_id=str(body.get("agent_id") or agent_id),
        conversation_id=str(body.get("conversation_id") or conversation_id),
        messages=tuple(m for m in messages if isinstance(m, Mapping)),
    )


# --------------------------------------------------------------------------- calls


def _plain_body(agent_id: str, messages: AgentInput, options: dict[str, Any]) -> dict[str, Any]:
    if options.get("stream"):
        raise ValueError("agent_chat answers whole; use stream_agent(...) to stream")
    return build_agent_body(
        agent_id, messages, **{k: v for k, v in options.items() if k != "stream"}
    )


def agent_chat(
    client: Transport, agent_id: str, messages: AgentInput, **options: Any
) -> AgentAnswer:
    """`POST /v1/agents`; `options` as in `build_agent_body` (`stream` excluded)."""
    body = _plain_body(agent_id, messages, options)
    return parse_agent_answer(client.request("POST", AGENT_CHAT_PATH, json=body), agent_id=agent_id)


async def aagent_chat(
    client: Transport, agent_id: str, messages: AgentInput, **options: Any
) -> AgentAnswer:
    """Async `agent_chat`."""
    body = _plain_body(agent_id, messages, options)
    answer = await client.arequest("POST", AGENT_CHAT_PATH, json=body)
    return parse_agent_answer(answer, agent_id=agent_id)


def stream_agent(
    client: Transport, agent_id: str, messages: AgentInput, **options: Any
) -> Iterator[AgentChunk]:
    """`POST /v1/agents` with `stream: true`: `AgentChunk` objects as they come.

    The body is checked before anything is sent; a stream that stops before `[DONE]` and
    before a finish reason raises `zai_core.errors.StreamInterruptedError`.
    """
    body = build_agent_body(agent_id, messages, stream=True, **options)
    finished: list[str] = []
    for event in client.stream_events(
        "POST", AGENT_CHAT_PATH, json=body, finished=lambda: bool(finished)
    ):
        chunk = parse_agent_chunk(event)
        if chunk.finish_reason:
            finished.append(chunk.finish_reason)
        yield chunk


async def astream_agent(
    client: Transport, agent_id: str, messages: AgentInput, **options: Any
) -> AsyncIterator[AgentChunk]:
    """Async `stream_agent`."""
    body = build_agent_body(agent_id, messages, stream=True, **options)
    finished: list[str] = []
    async for event in client.astream_events(
        "POST", AGENT_CHAT_PATH, json=body, finished=lambda: bool(finished)
    ):
        chunk = parse_agent_chunk(event)
        if chunk.finish_reason:
            finished.append(chunk.finish_reason)
        yield chunk


def get_agent_result(client: Transport, agent_id: str, async_id: str) -> AgentAnswer:
    """Poll an async answer once: `POST /v1/agents/async-result`."""
    body = build_agent_result_body(agent_id, async_id)
    answer = client.request("POST", AGENT_RESULT_PATH, json=body)
    return _with_async_id(parse_agent_answer(answer, agent_id=agent_id), async_id)


async def aget_agent_result(client: Transport, agent_id: str, async_id: str) -> AgentAnswer:
    """Async `get_agent_result`."""
    body = build_agent_result_body(agent_id, async_id)
    answer = await client.arequest("POST", AGENT_RESULT_PATH, json=body)
    return _with_async_id(parse_agent_answer(answer, agent_id=agent_id), async_id)


def _with_async_id(answer: AgentAnswer, async_id: str) -> AgentAnswer:
    if answer.async_id:
        return answer
    return replace(answer, async_id=async_id)


def agent_result_error(
    answer: AgentAnswer, step: PollStep, *, elapsed: float, policy: PollPolicy
) -> InternalServerError | APITimeoutError:
    """The error a `failed` or `timeout` step stands for; both name the async id."""
    what = f"Z.ai agent {answer.agent_id} async result {answer.async_id}"
    if step.action == "failed":
        return InternalServerError(
            f"{what} failed (status=failed)",
            status_code=200,
            request_id=answer.request_id,
            body={"agent_id": answer.agent_id, "async_id": answer.async_id, "status": "failed"},
        )
    return APITimeoutError(
        f"{what} is still {answer.status} after {elapsed:.1f}s (timeout={policy.timeout:g}s); "
        f"wait longer with wait_for_agent_result(client, {answer.agent_id!r}, "
        f"{answer.async_id!r})"
    )


ProgressCallback = Callable[[AgentProgress], Any]


def wait_for_agent_result(
    client: Transport,
    agent_id: str,
    async_id: str,
    *,
    policy: PollPolicy | None = None,
    on_progress: ProgressCallback | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> AgentAnswer:
    """Poll until `success` (returned), `failed` or the policy's timeout (raised).

    The same `zai_core.PollPolicy` and decision (`zai_core.next_poll_step`) as
    video tasks; `on_progress` hears about every poll.

    Raises:
        InternalServerError: the result came back `failed` (the message names the async id).
        APITimeoutError: still `pending` when the timeout passed.
    """
    policy = policy or PollPolicy()
    start, attempt = clock(), 0
    while True:
        answer = get_agent_result(client, agent_id, async_id)
        elapsed = clock() - start
        step = next_poll_step(answer, attempt=attempt, elapsed=elapsed, policy=policy)
        if on_progress is not None:
            on_progress(AgentProgress(answer, attempt, elapsed, step.delay))
        if step.action == "done":
            return answer
        if step.action != "wait":
            raise agent_result_error(answer, step, elapsed=elapsed, policy=policy)
        sleep(step.delay)
        attempt += 1


async def await_agent_result(
    client: Transport,
    agent_id: str,
    async_id: str,
    *,
    policy: PollPolicy | None = None,
    on_progress: ProgressCallback | None = None,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> AgentAnswer:
    """Async `wait_for_agent_result`; `on_progress` may be plain or async."""
    policy = policy or PollPolicy()
    start, attempt = clock(), 0
    while True:
        answer = await aget_agent_result(client, agent_id, async_id)
        elapsed = clock() - start
        step = next_poll_step(answer, attempt=attempt, elapsed=elapsed, policy=policy)
        if on_progress is not None:
            reported = on_progress(AgentProgress(answer, attempt, elapsed, step.delay))
            if inspect.isawaitable(reported):
                await reported
        if step.action == "done":
            return answer
        if step.action != "wait":
            raise agent_result_error(answer, step, elapsed=elapsed, policy=policy)
        await sleep(step.delay)
        attempt += 1


def _is_async(answer: AgentAnswer) -> bool:
    """An answer to poll: it carries an ``async_id`` and is not finished, or has no content."""
    return answer.async_id is not None and (answer.status != "SUCCESS" or not answer.parts)


def run_agent(
    client: Transport,
    agent_id: str,
    messages: AgentInput,
    *,
    policy: PollPolicy | None = None,
    on_progress: ProgressCallback | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    **options: Any,
) -> AgentAnswer:
    """`agent_chat`, then `wait_for_agent_result` when the answer is async."""
    answer = agent_chat(client, agent_id, messages, **options)
    if not _is_async(answer):
        return answer
    assert answer.async_id is not None
    return wait_for_agent_result(
        client,
        agent_id,
        answer.async_id,
        policy=policy,
        on_progress=on_progress,
        sleep=sleep,
        clock=clock,
    )


async def arun_agent(
    client: Transport,
    agent_id: str,
    messages: AgentInput,
    *,
    policy: PollPolicy | None = None,
    on_progress: ProgressCallback | None = None,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
    **options: Any,
) -> AgentAnswer:
    """Async `run_agent`."""
    answer = await aagent_chat(client, agent_id, messages, **options)
    if not _is_async(answer):
        return answer
    assert answer.async_id is not None
    return await await_agent_result(
        client,
        agent_id,
        answer.async_id,
        policy=policy,
        on_progress=on_progress,
        sleep=sleep,
        clock=clock,
    )


def agent_conversation(
    client: Transport, agent_id: str, conversation_id: str, **extra: Any
) -> Conversation:
    """A conversation's history: `POST /v1/agents/conversation`."""
    body = build_conversation_body(agent_id, conversation_id, **extra)
    answer = client.request("POST", AGENT_CONVERSATION_PATH, json=body)
    return parse_conversation(answer, agent_id=agent_id, conversation_id=conversation_id)


async def aagent_conversation(
    client: Transport, agent_id: str, conversation_id: str, **extra: Any
) -> Conversation:
    """Async `agent_conversation`."""
    body = build_conversation_body(agent_id, conversation_id, **extra)
    answer = await client.arequest("POST", AGENT_CONVERSATION_PATH, json=body)
    return parse_conversation(answer, agent_id=agent_id, conversation_id=conversation_id)
