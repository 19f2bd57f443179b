"""Pure conversion between LlamaIndex objects and Z.ai's wire dicts.

No I/O against Z.ai and no mutation of inputs: every function takes LlamaIndex objects or wire
dicts and returns new ones. (An `ImageBlock` given by `path` is read by the block's own
`resolve_image`; that is the only file access.)

Directions:

- `ChatMessage` -> wire message: `_convert_message_to_dict` (text, images, videos,
  documents, `ThinkingBlock` -> `reasoning_content`, `ToolCallBlock` or legacy
  `additional_kwargs["tool_calls"]` -> `tool_calls`, tool results with `tool_call_id`).
- wire answer -> `ChatResponse`: `_convert_response_to_chat_response` (non-streamed
  answers and the last chunk of a stream share it) and `_convert_chunk_to_chat_response`
  (one per streamed chunk, with its explicit `_StreamState`).
- tools: `_convert_tool_to_dict`, `_tool_selections_from_message`,
  `_keep_first_tool_call` (the tool rules and the `tool_choice` mapping are
  `zai_core.chat_rules`, shared with LangChain).
- structured output: `_add_json_instruction`, `_parse_structured`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

from llama_index.core.base.llms.types import (
    AudioBlock,
    CachePoint,
    ChatMessage,
    ChatResponse,
    CitationBlock,
    DocumentBlock,
    ImageBlock,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
    VideoBlock,
)
from llama_index.core.llms.llm import ToolSelection
from llama_index.core.llms.utils import parse_partial_json
from pydantic import BaseModel, ValidationError

from zai_core import StreamAccumulator, Usage, parse_usage
from zai_core.chat_rules import (
    arguments_json,
    join_text,
    normalize_tool,
    place_tool_media,
    text_only,
    user_content,
)
from zai_core.grounding import find_citations
from zai_core.tool_arguments import parse_tool_arguments

__all__: list[str] = []

Model = TypeVar("Model", bound=BaseModel)

_ROLES = {
    MessageRole.SYSTEM: "system",
    MessageRole.DEVELOPER: "system",
    MessageRole.USER: "user",
    MessageRole.ASSISTANT: "assistant",
    MessageRole.MODEL: "assistant",
    MessageRole.CHATBOT: "assistant",
    MessageRole.TOOL: "tool",
}

#
# LlamaIndex -> wire
#


def _image_url(block: ImageBlock) -> str:
    """An ``ImageBlock`` as a URL: its own URL, else a ``data:`` URL of its bytes."""
    if block.url is not None and block.image is None and block.path is None:
        return str(block.url)
    data = block.resolve_image(as_base64=True).read().decode("ascii")
    return f"data:{block.image_mimetype or 'image/png'};base64,{data}"


def _convert_block_to_part(block: Any) -> dict[str, Any] | None:
    """One content block as a Z.ai content part (``None`` for blocks that carry nothing)."""
    if isinstance(block, TextBlock):
        return {"type": "text", "text": block.text}
    if isinstance(block, ImageBlock):
        return {"type": "image_url", "image_url": {"url": _image_url(block)}}
    if isinstance(block, VideoBlock):
        url = str(block.url) if block.url is not None and block.video is None else None
        return {"type": "video_url", "video_url": {"url": url or block.inline_url()}}
    if isinstance(block, DocumentBlock):
        if block.url and block.data is None and block.path is None:
            return {"type": "file", "file": {"file_url": block.url}}
        file: dict[str, Any] = {"file_data": block.inline_url()}
        if block.title:
            file["filename"] = block.title
        return {"type": "file", "file": file}
    if isinstance(block, (CachePoint, ThinkingBlock, ToolCallBlock, CitationBlock)):
        # cache hints are implicit on Z.ai; thinking and tool calls are fields, not parts;
        # citations describe an earlier answer's text, which goes back as it is
        return None
    if isinstance(block, AudioBlock):
        raise ValueError(
            "Z.ai chat models take no audio input: transcribe the audio first "
            "(Z.ai's /audio/transcriptions endpoint) and send the text"
        )
    raise ValueError(f"Z.ai cannot take a {type(block).__name__} in a chat message")


def _text_of(message: ChatMessage, role: str) -> str:
    """The text of a message whose wire content must be a string (system, assistant, tool).

    Raises:
        ValueError: the message carries an image, video or document.
    """
    texts = []
    for block in message.blocks:
        if isinstance(block, TextBlock):
            texts.append(block.text)
        elif not isinstance(block, (CachePoint, ThinkingBlock, ToolCallBlock)):
            part = _convert_block_to_part(block)
            text_only(role, [part["type"]] if part else [])
    return join_text(texts)


def _content_of(message: ChatMessage, role: str) -> str | list[dict[str, Any]]:
    """System / assistant content as text; tool content as text, or as parts when the tool
    returned media (placed in a user message by :func:`_convert_messages_to_dicts`)."""
    if role != "tool":
        return _text_of(message, role)
    parts = [p for p in map(_convert_block_to_part, message.blocks) if p is not None]
    if all(p["type"] == "text" for p in parts):
        return join_text(p["text"] for p in parts)
    return parts


def _convert_tool_call_block_to_dict(block: ToolCallBlock) -> dict[str, Any]:
    """A ``ToolCallBlock`` as a wire tool call."""
    return {
        "id": block.tool_call_id or "",
        "type": "function",
        "function": {"name": block.tool_name, "arguments": arguments_json(block.tool_kwargs)},
    }


def _field(obj: Any, name: str) -> Any:
    """``obj[name]`` for a dict, ``obj.name`` for an object (OpenAI SDK tool calls)."""
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)


def _convert_legacy_tool_call_to_dict(call: Any) -> dict[str, Any]:
    """A legacy ``additional_kwargs["tool_calls"]`` entry (dict or SDK object) as wire."""
    function = _field(call, "function") or {}
    return {
        "id": _field(call, "id") or "",
        "type": _field(call, "type") or "function",
        "function": {
            "name": _field(function, "name") or "",
            "arguments": arguments_json(_field(function, "arguments")),
        },
    }


def _convert_message_to_dict(message: ChatMessage) -> dict[str, Any]:
    """One ``ChatMessage`` as a Z.ai wire message.

    User messages with images, videos or documents become content-part lists; system,
    assistant and tool messages are flattened to a string (Z.ai drops list content there).
    Assistant messages send their reasoning back as ``reasoning_content`` (for preserved and
    interleaved thinking) and their tool calls as ``tool_calls``.
    """
    role = _ROLES.get(message.role)
    if role is None:
        raise ValueError(
            f"Z.ai has no {message.role.value!r} role; use 'tool' with a tool_call_id "
            "in additional_kwargs for tool results"
        )
    if role == "user":
        parts = [p for p in map(_convert_block_to_part, message.blocks) if p is not None]
        return {"role": "user", "content": user_content(parts)}
    out: dict[str, Any] = {"role": role, "content": _content_of(message, role)}
    if role == "tool":
        call_id = message.additional_kwargs.get("tool_call_id")
        if not call_id:
            raise ValueError(
                "a tool message needs additional_kwargs['tool_call_id'] (the id of the call "
                "it answers); Z.ai requires it"
            )
        out["tool_call_id"] = call_id
    elif role == "assistant":
        reasoning = "".join(
            b.content or "" for b in message.blocks if isinstance(b, ThinkingBlock)
        ) or message.additional_kwargs.get("reasoning_content")
        if reasoning:
            out["reasoning_content"] = reasoning
        blocks = [b for b in message.blocks if isinstance(b, ToolCallBlock)]
        if blocks:
            out["tool_calls"] = [_convert_tool_call_block_to_dict(b) for b in blocks]
        elif message.additional_kwargs.get("tool_calls"):
            legacy = message.additional_kwargs["tool_calls"]
            out["tool_calls"] = [_convert_legacy_tool_call_to_dict(c) for c in legacy]
    return out


def _convert_messages_to_dicts(messages: Sequence[ChatMessage]) -> list[dict[str, Any]]:
    """A whole history as wire messages; media a tool returned go in a user message after
    the results (the shared rule, :func:`zai_core.chat_rules.place_tool_media`)."""
    return place_tool_media([_convert_message_to_dict(m) for m in messages])


def _convert_tool_to_dict(tool: Any) -> dict[str, Any]:
    """A LlamaIndex tool (or a tool dict: ``web_search``...) as a Z.ai tool dict.

    Raises:
        ValueError: a tool Z.ai cannot take, or a name it rejects (the shared rules).
    """
    if isinstance(tool, Mapping):
        return normalize_tool(tool)
    return normalize_tool(tool.metadata.to_openai_tool(skip_length_check=True))


#
# wire -> LlamaIndex
#


def _tool_kwargs(arguments: str | Mapping[str, Any]) -> dict[str, Any] | str:
    """Parsed arguments when they are a complete JSON object, else the raw (partial) string.

    An object (the documented schema's shape; real answers send a string) is taken as it is.
    """
    if isinstance(arguments, Mapping):
        return dict(arguments)
    if not arguments or arguments == "null":
        return {}
    if arguments[-1] != "}" and not arguments.rstrip().endswith("}"):
        return arguments  # a fragment of an object: no parse (that would be quadratic)
    try:
        parsed = json.loads(arguments)
    except ValueError:
        return arguments
    return parsed if isinstance(parsed, dict) else arguments


# Blocks and responses are built with their validated constructors, which pydantic runs in
# Rust and which measure 2-3x faster here than ``model_construct`` (a Python loop over the
# fields); the benchmark's per-chunk figure depends on it.


def _text_block(text: str) -> TextBlock:
    return TextBlock(text=text)


def _thinking_block(content: str, num_tokens: int | None = None) -> ThinkingBlock:
    return ThinkingBlock(content=content, num_tokens=num_tokens)


def _chat_response(
    message: ChatMessage, raw: Any, delta: str | None, kwargs: dict[str, Any]
) -> ChatResponse:
    values: dict[str, Any] = {
        "message": message,
        "raw": raw,
        "delta": delta,
        "logprobs": None,
        "additional_kwargs": kwargs,
    }
    if _FAST_RESPONSE:
        return _laid_out(ChatResponse, values)  # type: ignore[no-any-return]
    return ChatResponse(**values)


def _tool_call_blocks(calls: Sequence[Mapping[str, Any]]) -> list[ToolCallBlock]:
    """``ToolCallBlock``s for the function calls (built-in tools run server-side)."""
    return [
        ToolCallBlock.model_construct(
            block_type="tool_call",
            tool_call_id=c.get("id") or None,
            tool_name=c["function"].get("name") or "",
            tool_kwargs=_tool_kwargs(c["function"].get("arguments") or ""),
        )
        for c in calls
        if (c.get("type") or "function") == "function"
    ]


def _lays_out_directly(cls: type[Any], fields: tuple[str, ...]) -> bool:
    """Whether ``cls`` has exactly ``fields`` and nothing a direct layout would miss."""
    return (
        tuple(cls.model_fields) == fields
        and not cls.__private_attributes__
        and not cls.model_config.get("extra")
    )


# The validated constructors of ChatMessage and ChatResponse run validators on every call, and
# ``model_construct`` loops over the fields in Python; on a streamed chunk both cost more than
# everything else Zai does. When a class has exactly the fields below (checked once, here), its
# instances are laid out the way ``model_construct`` lays them out, directly; otherwise the
# ``model_construct`` path is used. ``test_fast_path_matches_validated_objects`` pins equality.
_MESSAGE_FIELDS = ("role", "additional_kwargs", "blocks")
_RESPONSE_FIELDS = ("message", "raw", "delta", "logprobs", "additional_kwargs")
_FAST_MESSAGE = _lays_out_directly(ChatMessage, _MESSAGE_FIELDS)
_FAST_RESPONSE = _lays_out_directly(ChatResponse, _RESPONSE_FIELDS)
_new_object = object.__new__
_set_attr = object.__setattr__


def _laid_out(cls: type[Any], values: dict[str, Any]) -> Any:
    instance = _new_object(cls)
    _set_attr(instance, "__dict__", values)
    _set_attr(instance, "__pydantic_fields_set__", set(values))
    _set_attr(instance, "__pydantic_extra__", None)
    _set_attr(instance, "__pydantic_private__", None)
    return instance


def _new_assistant_message(blocks: list[Any], additional_kwargs: dict[str, Any]) -> ChatMessage:
    values: dict[str, Any] = {
        "role": MessageRole.ASSISTANT,
        "additional_kwargs": additional_kwargs,
        "blocks": blocks,
    }
    if _FAST_MESSAGE:
        return _laid_out(ChatMessage, values)  # type: ignore[no-any-return]
    return ChatMessage.model_construct(**values)


def _citation_blocks(text: str, web_search: Any) -> list[CitationBlock]:
    """A ``CitationBlock`` per ``[ref_N]`` in ``text`` that names a web search result.

    ``cited_content`` is the result's snippet the model read, ``source`` its link;
    ``additional_location_info`` holds the span of the claim in the answer text
    (``start_char_index`` / ``end_char_index``), the marker's span and the result number.
    """
    blocks = []
    for found in find_citations(text, web_search):
        location = {
            "start_char_index": found.start,
            "end_char_index": found.end,
            "marker_start_char_index": found.marker_start,
            "marker_end_char_index": found.marker_end,
            "ref": int(found.refer.removeprefix("ref_")),
        }
        blocks.append(
            CitationBlock(
                cited_content=TextBlock(text=found.snippet or found.title or found.refer),
                source=found.url or "",
                title=found.title or "",
                additional_location_info=location,
            )
        )
    return blocks


def _assistant_message(
    thinking: ThinkingBlock | None,
    text: TextBlock,
    tool_blocks: Sequence[ToolCallBlock],
    tool_calls: Sequence[dict[str, Any]] | None,
    citations: Sequence[CitationBlock] = (),
) -> ChatMessage:
    """The assistant ``ChatMessage``: ``[ThinkingBlock?, TextBlock, CitationBlock*,
    ToolCallBlock*]``.

    Built without re-validation (every part is already a valid block); ``additional_kwargs``
    is a fresh dict each time, so callers that update it never touch another message.
    """
    blocks: list[Any] = [thinking, text] if thinking else [text]
    if citations:
        blocks.extend(citations)
    if tool_blocks:
        blocks.extend(tool_blocks)
    return _new_assistant_message(blocks, {"tool_calls": list(tool_calls)} if tool_calls else {})


def _convert_dict_to_message(
    message: Mapping[str, Any], reasoning_tokens: int | None = None, web_search: Any = None
) -> ChatMessage:
    """A wire assistant message (``choices[0].message``) as a ``ChatMessage``; with the
    answer's ``web_search`` results, its ``[ref_N]`` citations as ``CitationBlock``s."""
    reasoning = message.get("reasoning_content")
    thinking = _thinking_block(reasoning, reasoning_tokens) if reasoning else None
    calls = [dict(c) for c in message.get("tool_calls") or ()]
    content = message.get("content") or ""
    citations = _citation_blocks(content, web_search) if web_search else []
    return _assistant_message(
        thinking, _text_block(content), _tool_call_blocks(calls), calls, citations
    )


def _response_kwargs(
    usage: Usage | None, finish_reason: str | None, web_search: Any
) -> dict[str, Any]:
    """``ChatResponse.additional_kwargs``: usage (cached, reasoning), finish reason, search."""
    out: dict[str, Any] = usage.as_dict() if usage is not None else {}
    if finish_reason:
        out["finish_reason"] = finish_reason
    if web_search:
        out["web_search"] = web_search
    return out


def _convert_response_to_chat_response(
    body: Mapping[str, Any],
    raw: Any = None,
    delta: str | None = None,
    thinking_delta: str | None = None,
) -> ChatResponse:
    """A ``chat.completion`` body as a ``ChatResponse`` (``raw`` defaults to the body).

    Non-streamed answers and the end of a stream (``accumulator.response()``, with the last
    chunk as ``raw``) both come through here, so they convert identically.
    """
    choice = body["choices"][0] if body.get("choices") else {}
    usage = parse_usage(body.get("usage"))
    message = _convert_dict_to_message(
        choice.get("message") or {},
        usage.reasoning_tokens if usage else None,
        body.get("web_search"),
    )
    kwargs = _response_kwargs(usage, choice.get("finish_reason"), body.get("web_search"))
    if thinking_delta:
        kwargs["thinking_delta"] = thinking_delta
    return _chat_response(message, body if raw is None else raw, delta, kwargs)


_EMPTY_TEXT = _text_block("")


class _StreamState(NamedTuple):
    """Blocks of the answer so far, reused until a chunk changes them."""

    thinking: ThinkingBlock | None = None
    text: TextBlock = _EMPTY_TEXT
    tool_blocks: tuple[ToolCallBlock, ...] = ()
    tool_calls: tuple[dict[str, Any], ...] = ()


_START = _StreamState()
_NO_DELTA: Mapping[str, Any] = {}


def _convert_chunk_to_chat_response(
    chunk: Mapping[str, Any],
    accumulator: StreamAccumulator,
    state: _StreamState = _START,
) -> tuple[ChatResponse, _StreamState]:
    """One streamed chunk as a ``ChatResponse`` holding the whole answer so far.

    ``accumulator`` has already folded the chunk in (``ChatStream`` does that).
    ``ChatResponse.delta`` is the new text; ``additional_kwargs["thinking_delta"]`` the new
    reasoning (where ``FunctionAgent`` reads it); usage rides on the chunk that carries it.
    Only the blocks this chunk changed are rebuilt. The chunk with the finish reason is
    converted exactly like a non-streamed answer, from ``accumulator.response()``.
    """
    choices = chunk.get("choices")
    delta = (choices[0].get("delta") or _NO_DELTA) if choices else _NO_DELTA
    content = delta.get("content")
    reasoning = delta.get("reasoning_content")
    if accumulator.finish_reason:  # the finish chunk, or a usage chunk after it
        final = _convert_response_to_chat_response(
            accumulator.response(), raw=chunk, delta=content or "", thinking_delta=reasoning
        )
        return final, state
    if content or reasoning or delta.get("tool_calls"):
        calls = accumulator.wire_tool_calls() if delta.get("tool_calls") else None
        state = _StreamState(
            _thinking_block(accumulator.reasoning) if reasoning else state.thinking,
            _text_block(accumulator.content) if content else state.text,
            tuple(_tool_call_blocks(calls)) if calls is not None else state.tool_blocks,
            tuple(calls) if calls is not None else state.tool_calls,
        )
    kwargs: dict[str, Any] = {"thinking_delta": reasoning} if reasoning else {}
    if chunk.get("usage") or chunk.get("web_search"):
        kwargs.update(
            _response_kwargs(parse_usage(chunk.get("usage")), None, chunk.get("web_search"))
        )
    message = _assistant_message(state.thinking, state.text, state.tool_blocks, state.tool_calls)
    return _chat_response(message, chunk, content or "", kwargs), state


#
# tool calls out of a response
#


def _tool_selections_from_message(message: ChatMessage) -> list[ToolSelection]:
    """The function calls of a message, partial streamed arguments included; never raises.

    Reads ``ToolCallBlock``s, else legacy ``additional_kwargs["tool_calls"]``. Arguments that
    are still a fragment are parsed as partial JSON (``{}`` when nothing parses); a call whose
    name has not arrived yet is left out.
    """
    selections = []
    blocks = [b for b in message.blocks if isinstance(b, ToolCallBlock)]
    if blocks:
        calls = [(b.tool_call_id, b.tool_name, b.tool_kwargs) for b in blocks]
    else:
        legacy = message.additional_kwargs.get("tool_calls") or ()
        wire = [_convert_legacy_tool_call_to_dict(c) for c in legacy]
        calls = [
            (c["id"], c["function"]["name"], c["function"]["arguments"])
            for c in wire
            if c["type"] == "function"
        ]
    for call_id, name, arguments in calls:
        if not name:
            continue
        selections.append(
            ToolSelection(tool_id=call_id or "", tool_name=name, tool_kwargs=_as_kwargs(arguments))
        )
    return selections


def _raise_on_invalid_tool_calls(message: ChatMessage, finish_reason: str) -> None:
    """``ValueError`` naming every function call of a complete answer whose arguments cannot
    be used (:func:`zai_core.tool_arguments.parse_tool_arguments`)."""
    problems = []
    for block in message.blocks:
        if not isinstance(block, ToolCallBlock) or isinstance(block.tool_kwargs, dict):
            continue
        _args, error = parse_tool_arguments(block.tool_kwargs, finish_reason)
        if error is not None:
            problems.append(
                f"{block.tool_name or '?'} (id {block.tool_call_id}): {error}; "
                f"arguments {str(block.tool_kwargs)[:200]!r}"
            )
    if problems:
        raise ValueError(
            "Z.ai answered with tool call(s) that cannot be run: " + "; ".join(problems)
        )


def _as_kwargs(arguments: dict[str, Any] | str) -> dict[str, Any]:
    if isinstance(arguments, dict):
        return arguments
    try:
        parsed = parse_partial_json(arguments) if arguments.strip() else {}
    except (ValueError, TypeError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _keep_first_tool_call(response: ChatResponse) -> ChatResponse:
    """A copy of ``response`` with only its first tool call (the input is left as it is)."""
    message = response.message
    blocks, seen = [], False
    for block in message.blocks:
        if isinstance(block, ToolCallBlock):
            if seen:
                continue
            seen = True
        blocks.append(block)
    kwargs = dict(message.additional_kwargs)
    if kwargs.get("tool_calls"):
        kwargs["tool_calls"] = list(kwargs["tool_calls"])[:1]
    new_message = message.model_copy(update={"blocks": blocks, "additional_kwargs": kwargs})
    return response.model_copy(update={"message": new_message})


#
# structured output (JSON mode)
#


def _json_instruction(schema: Mapping[str, Any]) -> str:
    return (
        "Answer with one JSON object and nothing else: no prose, no code fences. "
        "The object must be a valid instance of this JSON schema:\n"
        + json.dumps(schema, ensure_ascii=False)
    )


def _add_json_instruction(
    messages: Sequence[ChatMessage], schema: Mapping[str, Any]
) -> list[ChatMessage]:
    """``messages`` with the schema instruction added to (or as) the system message."""
    instruction = _json_instruction(schema)
    if messages and messages[0].role == MessageRole.SYSTEM:
        first = messages[0]
        text = f"{first.content}\n\n{instruction}" if first.content else instruction
        return [ChatMessage(role=MessageRole.SYSTEM, content=text), *messages[1:]]
    return [ChatMessage(role=MessageRole.SYSTEM, content=instruction), *messages]


_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def _extract_json(text: str) -> str:
    """The JSON object in an answer, without code fences or text around it."""
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1)
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if 0 <= start < end else text


def _parse_structured(text: str | None, output_cls: type[Model]) -> Model:
    """Validate an answer as ``output_cls``; a clear error quoting the answer otherwise."""
    try:
        return output_cls.model_validate_json(_extract_json(text or ""))
    except ValidationError as exc:
        raise ValueError(
            f"Z.ai's answer is not a valid {output_cls.__name__}: {exc.errors()[:3]}; "
            f"answer: {(text or '')[:300]!r}"
        ) from exc
