"""Pure wire conversion between LangChain messages and Z.ai's chat dicts.

No I/O, no mutation of inputs: LangChain messages -> `/chat/completions` message dicts on
the way out; response dicts and stream chunk dicts -> `AIMessage` / `AIMessageChunk` on
the way back. The streaming converter takes and returns its state explicitly.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    InvalidToolCall,
    SystemMessage,
    ToolCall,
    ToolCallChunk,
    ToolMessage,
)
from langchain_core.messages import content as types
from langchain_core.messages.ai import InputTokenDetails, OutputTokenDetails, UsageMetadata
from langchain_core.messages.block_translators import register_translator
from langchain_core.messages.tool import invalid_tool_call, tool_call, tool_call_chunk
from langchain_core.outputs import ChatGeneration, ChatResult

from langchain_zai._grounding import _ground, _text_block, _web_search_blocks
from zai_core import StreamAccumulator, parse_usage
from zai_core.chat_rules import (
    arguments_json,
    arguments_text,
    join_text,
    place_tool_media,
    text_only,
    user_content,
)
from zai_core.tool_arguments import parse_tool_arguments, seal_invalid_arguments

__all__ = [
    "_convert_chunk_to_message_chunk",
    "_convert_content_block",
    "_convert_dict_to_message",
    "_convert_message_to_dict",
    "_convert_messages_to_dicts",
    "_create_chat_result",
    "_create_usage_metadata",
    "_flatten_text",
    "_ground",
    "translate_content",
    "translate_content_chunk",
]

PROVIDER = "zai"

_EMPTY: dict[str, Any] = {}
_TEXT_TYPES = frozenset({"text", "text-plain", "output_text", "input_text"})
_REASONING_TYPES = frozenset({"reasoning", "thinking", "reasoning_content"})
_MEDIA_TYPES = frozenset(
    {"image", "image_url", "video", "video_url", "file", "file_url", "input_image"}
)
_FILE_KEYS = ("file_id", "file_url", "file_data", "filename")


# --------------------------------------------------------------------------- outbound


def _flatten_text(content: str | Sequence[Any], role: str = "system") -> str:
    """The text of system / assistant content: strings and ``text`` blocks, joined (the
    shared rule, :func:`zai_core.join_text`); reasoning and tool-use blocks are dropped.

    Raises:
        ValueError: an image, video or file block (these messages carry text only).
    """
    if isinstance(content, str):
        return content
    parts: list[str] = []
    for block in content:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, Mapping) and block.get("type") in _TEXT_TYPES:
            text = block.get("text")
            if isinstance(text, str):
                parts.append(text)
        elif isinstance(block, Mapping) and block.get("type") in _MEDIA_TYPES:
            text_only(role, [_convert_content_block(block)["type"]])
    return join_text(parts)


def _reasoning_of(message: AIMessage) -> str | None:
    """Reasoning to send back: ``additional_kwargs['reasoning_content']`` or reasoning blocks."""
    reasoning = message.additional_kwargs.get("reasoning_content")
    if isinstance(reasoning, str) and reasoning:
        return reasoning
    if isinstance(message.content, str):
        return None
    parts = [
        block.get("reasoning") or block.get("thinking") or ""
        for block in message.content
        if isinstance(block, Mapping) and block.get("type") in _REASONING_TYPES
    ]
    text = "".join(p for p in parts if isinstance(p, str))
    return text or None


def _data_url(mime_type: str | None, data: str, kind: str) -> str:
    if not mime_type:
        raise ValueError(
            f"a base64 {kind} block needs a mime_type (e.g. 'image/png') to be sent to Z.ai"
        )
    return f"data:{mime_type};base64,{data}"


def _source_of(block: Mapping[str, Any]) -> tuple[str, str | None]:
    """``("url" | "base64" | "id", value)`` of a standard (v1) or legacy (v0) data block."""
    if block.get("url") is not None:
        return "url", block["url"]
    if block.get("base64") is not None:
        return "base64", block["base64"]
    if block.get("file_id") is not None:
        return "id", block["file_id"]
    legacy = block.get("source_type")
    if legacy == "url":
        return "url", block.get("url")
    if legacy == "base64":
        return "base64", block.get("data")
    if legacy == "id":
        return "id", block.get("id")
    return "none", None


def _filename_of(block: Mapping[str, Any]) -> str | None:
    for holder in (block, block.get("extras") or _EMPTY, block.get("metadata") or _EMPTY):
        for key in ("filename", "name", "title"):
            value = holder.get(key)
            if isinstance(value, str) and value:
                return value
    return None


def _convert_image_block(block: Mapping[str, Any]) -> dict[str, Any]:
    source = block.get("source")
    if isinstance(source, Mapping):  # Anthropic-style image block
        if source.get("type") == "base64":
            url = _data_url(source.get("media_type"), source.get("data", ""), "image")
        elif source.get("type") == "url" and source.get("url"):
            url = source["url"]
        else:
            raise ValueError(f"unsupported image source for Z.ai: {source.get('type')!r}")
        return {"type": "image_url", "image_url": {"url": url}}
    kind, value = _source_of(block)
    if kind == "url" and value:
        return {"type": "image_url", "image_url": {"url": value}}
    if kind == "base64" and value:
        return {"type": "image_url", "image_url": {"url": _data_url(_mime(block), value, "image")}}
    raise ValueError(
        "Z.ai takes images as a URL or base64 data; file ids are not supported for images"
    )


def _mime(block: Mapping[str, Any]) -> str | None:
    mime = block.get("mime_type") or block.get("media_type")
    return mime if isinstance(mime, str) else None


def _convert_video_block(block: Mapping[str, Any]) -> dict[str, Any]:
    kind, value = _source_of(block)
    if kind == "url" and value:
        return {"type": "video_url", "video_url": {"url": value}}
    if kind == "base64" and value:
        return {"type": "video_url", "video_url": {"url": _data_url(_mime(block), value, "video")}}
    raise ValueError("Z.ai takes videos as a URL (or base64 data), not as a file id")


def _convert_file_block(block: Mapping[str, Any]) -> dict[str, Any]:
    nested = block.get("file")
    if isinstance(nested, Mapping):  # OpenAI-style {"type": "file", "file": {...}}
        file = {k: nested[k] for k in _FILE_KEYS if nested.get(k) is not None}
        if not file:
            raise ValueError("a 'file' block needs file_data, file_url or file_id")
        return {"type": "file", "file": file}
    kind, value = _source_of(block)
    if kind == "url" and value:
        file = {"file_url": value}
    elif kind == "base64" and value:
        file = {"file_data": _data_url(_mime(block), value, "file")}
    elif kind == "id" and value:
        file = {"file_id": value}
    else:
        raise ValueError("a 'file' block needs a url, base64 data or a file_id")
    filename = _filename_of(block)
    if filename:
        file["filename"] = filename
    return {"type": "file", "file": file}


def _convert_content_block(block: str | Mapping[str, Any]) -> dict[str, Any]:
    """One user content block (string, standard, OpenAI or Anthropic style) as a Z.ai part.

    Raises:
        ValueError: the block has no Z.ai equivalent (audio, unknown types).
    """
    if isinstance(block, str):
        return {"type": "text", "text": block}
    kind = block.get("type")
    if kind in _TEXT_TYPES:
        return {"type": "text", "text": block.get("text", "")}
    if kind in ("image_url", "input_image"):
        image = block.get("image_url")
        url = image.get("url") if isinstance(image, Mapping) else image
        if not isinstance(url, str) or not url:
            raise ValueError("an 'image_url' block needs image_url.url")
        return {"type": "image_url", "image_url": {"url": url}}
    if kind == "image":
        return _convert_image_block(block)
    if kind == "video_url":
        video = block.get("video_url")
        url = video.get("url") if isinstance(video, Mapping) else video
        return {"type": "video_url", "video_url": {"url": url}}
    if kind == "video":
        return _convert_video_block(block)
    if kind == "file":
        return _convert_file_block(block)
    if kind == "file_url":
        return {"type": "file_url", "file_url": dict(block.get("file_url") or _EMPTY)}
    if kind in ("audio", "input_audio"):
        raise ValueError(
            "Z.ai chat models take no audio input; transcribe it first "
            "(POST /audio/transcriptions, glm-asr) and send the text"
        )
    raise ValueError(f"content block type {kind!r} cannot be sent to Z.ai in a user message")


def _convert_user_content(content: str | Sequence[Any]) -> str | list[dict[str, Any]]:
    """User content: a string when it is text only (every model), else Z.ai parts."""
    if isinstance(content, str):
        return content
    return user_content([_convert_content_block(block) for block in content])


def _lc_tool_call_to_wire(call: ToolCall) -> dict[str, Any]:
    return {
        "id": call["id"],
        "type": "function",
        "function": {
            "name": call["name"],
            "arguments": arguments_json(call["args"]),
        },
    }


def _lc_invalid_tool_call_to_wire(call: InvalidToolCall) -> dict[str, Any]:
    return {
        "id": call.get("id"),
        "type": "function",
        "function": {"name": call.get("name") or "", "arguments": arguments_json(call.get("args"))},
    }


def _split_tool_content(content: str | Sequence[Any]) -> tuple[str, list[dict[str, Any]]]:
    """Tool result content: (text, media parts) -- Z.ai tool messages carry text only."""
    if isinstance(content, str):
        return content, []
    texts: list[str] = []
    media: list[dict[str, Any]] = []
    for block in content:
        if isinstance(block, str):
            texts.append(block)
        elif isinstance(block, Mapping) and block.get("type") in _TEXT_TYPES:
            texts.append(str(block.get("text", "")))
        elif isinstance(block, Mapping) and block.get("type") in _MEDIA_TYPES:
            media.append(_convert_content_block(block))
        else:
            texts.append(json.dumps(block, ensure_ascii=False, default=str))
    return join_text(texts), media


def _convert_message_to_dict(message: BaseMessage) -> dict[str, Any]:
    """One LangChain message as a Z.ai message dict.

    Assistant messages send back their tool calls and their reasoning (``reasoning_content``,
    needed for preserved / interleaved thinking); list content on assistant, system and
    tool messages is flattened to text (GLM drops list content there). Media returned by a
    tool come back as content parts, which :func:`_convert_messages_to_dicts` moves into a
    user message.

    Raises:
        ValueError: the message cannot be expressed on Z.ai's wire.
    """
    if isinstance(message, HumanMessage):
        return {"role": "user", "content": _convert_user_content(message.content)}
    if isinstance(message, AIMessage):
        out: dict[str, Any] = {
            "role": "assistant",
            "content": _flatten_text(message.content, "assistant"),
        }
        reasoning = _reasoning_of(message)
        if reasoning:
            out["reasoning_content"] = reasoning
        calls = [_lc_tool_call_to_wire(c) for c in message.tool_calls]
        calls += [_lc_invalid_tool_call_to_wire(c) for c in message.invalid_tool_calls]
        if calls:
            out["tool_calls"] = calls
        return out
    if isinstance(message, SystemMessage):
        return {"role": "system", "content": _flatten_text(message.content)}
    if isinstance(message, ToolMessage):
        text, media = _split_tool_content(message.content)
        content = [{"type": "text", "text": text}, *media] if media else text
        return {"role": "tool", "content": content, "tool_call_id": message.tool_call_id}
    if isinstance(message, ChatMessage):
        role = {"human": "user", "ai": "assistant"}.get(message.role, message.role)
        if role not in ("user", "assistant", "system", "tool"):
            raise ValueError(f"Z.ai has no message role {message.role!r}")
        converted = {"user": HumanMessage, "assistant": AIMessage, "system": SystemMessage}
        if role in converted:
            return _convert_message_to_dict(converted[role](content=message.content))
        return {"role": "tool", "content": _flatten_text(message.content, "tool")}
    raise ValueError(f"Z.ai cannot take a {type(message).__name__}; use Human/AI/System/Tool")


def _convert_messages_to_dicts(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """Messages as Z.ai dicts; media a tool returned go in a user message after the results
    (the shared rule, :func:`zai_core.chat_rules.place_tool_media`)."""
    return place_tool_media([_convert_message_to_dict(m) for m in messages])


# --------------------------------------------------------------------------- inbound


def _create_usage_metadata(usage: Mapping[str, Any]) -> UsageMetadata:
    """``usage_metadata`` from Z.ai's usage, with ``cache_read`` and ``reasoning`` details."""
    parsed = parse_usage(dict(usage))
    if parsed is None:
        return UsageMetadata(input_tokens=0, output_tokens=0, total_tokens=0)
    metadata = UsageMetadata(
        input_tokens=parsed.input_tokens,
        output_tokens=parsed.output_tokens,
        total_tokens=parsed.total_tokens,
    )
    if parsed.cached_tokens is not None:
        metadata["input_token_details"] = InputTokenDetails(cache_read=parsed.cached_tokens)
    if parsed.reasoning_tokens is not None:
        metadata["output_token_details"] = OutputTokenDetails(reasoning=parsed.reasoning_tokens)
    return metadata


def _parse_tool_call(
    raw: Mapping[str, Any], finish_reason: str | None = None
) -> ToolCall | InvalidToolCall:
    """A whole wire tool call: a ``ToolCall``, or an ``InvalidToolCall`` for arguments that
    are not a JSON object or were cut off by ``finish_reason="length"``."""
    function = raw.get("function") or _EMPTY
    name = function.get("name") or ""
    call_id = raw.get("id")
    args, error = parse_tool_arguments(function.get("arguments"), finish_reason)
    if args is None:
        text = arguments_text(function.get("arguments"))
        return invalid_tool_call(name=name, args=text, id=call_id, error=error)
    return tool_call(name=name, args=args, id=call_id)


def _convert_dict_to_message(
    message: Mapping[str, Any], finish_reason: str | None = None
) -> AIMessage:
    """A non-streamed ``choices[0].message`` as an ``AIMessage``.

    Function calls become ``tool_calls`` (bad JSON arguments become ``invalid_tool_calls``,
    never an exception); calls of Z.ai's built-in tools (``web_search``, ``retrieval``) run
    on the server and are kept in ``additional_kwargs['server_tool_calls']``.
    """
    additional_kwargs: dict[str, Any] = {}
    reasoning = message.get("reasoning_content")
    if reasoning:
        additional_kwargs["reasoning_content"] = reasoning
    tool_calls: list[ToolCall] = []
    invalid: list[InvalidToolCall] = []
    server_calls: list[dict[str, Any]] = []
    for raw in message.get("tool_calls") or ():
        if (raw.get("type") or "function") != "function":
            server_calls.append(dict(raw))
            continue
        parsed = _parse_tool_call(raw, finish_reason)
        if parsed.get("type") == "invalid_tool_call":
            invalid.append(cast(InvalidToolCall, parsed))
        else:
            tool_calls.append(cast(ToolCall, parsed))
    if server_calls:
        additional_kwargs["server_tool_calls"] = server_calls
    return AIMessage(
        content=message.get("content") or "",
        additional_kwargs=additional_kwargs,
        tool_calls=tool_calls,
        invalid_tool_calls=invalid,
    )


def _response_metadata(body: Mapping[str, Any], finish_reason: str | None) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "model_provider": PROVIDER,
        "model_name": body.get("model"),
        "finish_reason": finish_reason,
        "id": body.get("id"),
    }
    request_id = body.get("request_id")
    if request_id and request_id != body.get("id"):
        metadata["request_id"] = request_id
    if body.get("web_search"):
        metadata["web_search"] = body["web_search"]
    return metadata


def _create_chat_result(response: Mapping[str, Any], search_query: str | None = None) -> ChatResult:
    """A non-streamed ``chat.completion`` body as a ``ChatResult``.

    ``finish_reason`` is Z.ai's own value, never renamed; ``web_search`` results of the
    built-in tool ride in ``response_metadata['web_search']``, with the citations found in
    the answer (see :func:`_ground`); ``content_blocks`` shows them as standard blocks.
    """
    usage = response.get("usage")
    generations = []
    for choice in response.get("choices") or ():
        finish = choice.get("finish_reason")
        message = _convert_dict_to_message(choice.get("message") or _EMPTY, finish)
        message.response_metadata = _response_metadata(response, finish)
        _ground(message, cast(str, message.content), search_query)
        if usage:
            message.usage_metadata = _create_usage_metadata(usage)
        generations.append(
            ChatGeneration(message=message, generation_info={"finish_reason": finish})
        )
    llm_output = {
        "token_usage": usage,
        "model_name": response.get("model"),
        "id": response.get("id"),
        "model_provider": PROVIDER,
    }
    return ChatResult(generations=generations, llm_output=llm_output)


def _convert_tool_call_deltas(
    deltas: Sequence[Mapping[str, Any]], accumulator: StreamAccumulator
) -> tuple[list[ToolCallChunk], list[dict[str, Any]]]:
    """Tool-call deltas as ``tool_call_chunks``, placed by the stream's accumulator.

    The accumulator (which has folded the chunk in) decides each delta's index and whether
    it brings the call's ``id`` / ``name`` first; these are emitted once (LangChain
    concatenates strings when merging chunks), argument fragments as they come. Deltas of
    Z.ai's built-in tools become ``server_tool_calls``.
    """
    chunks: list[ToolCallChunk] = []
    server: list[dict[str, Any]] = []
    for raw, placed in zip(deltas, accumulator.tool_deltas, strict=True):
        if placed.type != "function":
            server.append({k: v for k, v in raw.items() if k != "index"})
            continue
        chunks.append(
            tool_call_chunk(
                name=placed.name, args=placed.arguments, id=placed.id, index=placed.index
            )
        )
    return chunks, server


def _convert_chunk_to_message_chunk(
    chunk: Mapping[str, Any],
    accumulator: StreamAccumulator,
    *,
    stream_usage: bool = True,
) -> AIMessageChunk | None:
    """One ``chat.completion.chunk`` as an ``AIMessageChunk`` (or ``None`` if it holds nothing).

    ``accumulator`` has already folded the chunk in (``ChatStream`` does that); tool-call
    deltas are placed by it, so this function keeps no state of its own.

    Content goes to ``content``, reasoning to ``additional_kwargs['reasoning_content']``,
    tool-call deltas to ``tool_call_chunks`` by index. The finish chunk carries
    ``finish_reason``, ``model_name``, ``id`` (and ``web_search`` results) in
    ``response_metadata`` and the usage -- so usage appears once per stream, on the last
    chunk. A usage-only chunk with no choices (OpenAI-style gateways) carries the usage.
    """
    choices = chunk.get("choices")
    usage = chunk.get("usage") if stream_usage else None
    if not choices:
        if not usage:
            return None
        return AIMessageChunk(
            content="",
            usage_metadata=_create_usage_metadata(usage),
            response_metadata={"model_provider": PROVIDER},
        )
    choice = choices[0]
    delta = choice.get("delta") or _EMPTY
    # only the fields a chunk has are passed: this is the per-token hot path
    fields: dict[str, Any] = {"content": delta.get("content") or ""}
    reasoning = delta.get("reasoning_content")
    if reasoning:
        fields["additional_kwargs"] = {"reasoning_content": reasoning}
    deltas = delta.get("tool_calls")
    if deltas:
        fields["tool_call_chunks"], server = _convert_tool_call_deltas(deltas, accumulator)
        if server:
            fields.setdefault("additional_kwargs", {})["server_tool_calls"] = server
    finish = choice.get("finish_reason")
    if not finish:
        return AIMessageChunk(response_metadata={"model_provider": PROVIDER}, **fields)
    if usage:
        fields["usage_metadata"] = _create_usage_metadata(usage)
    seals = _seal_chunks(accumulator.tool_calls, finish)
    if seals:
        fields["tool_call_chunks"] = _with_seals(fields.get("tool_call_chunks", []), seals)
    return AIMessageChunk(response_metadata=_response_metadata(chunk, finish), **fields)


def _seal_chunks(
    calls: Mapping[int, Mapping[str, Any]], finish_reason: str | None
) -> list[ToolCallChunk]:
    """For each whole streamed call whose arguments cannot be used, the fragment that makes
    LangChain's aggregated message list it in ``invalid_tool_calls`` (see
    :func:`zai_core.tool_arguments.seal_invalid_arguments`)."""
    seals = []
    for index, call in calls.items():
        if call.get("type", "function") != "function":
            continue
        args, _error = parse_tool_arguments(call.get("arguments"), finish_reason)
        if args is None:
            seal = seal_invalid_arguments(call["arguments"])  # joined text already
            seals.append(tool_call_chunk(name=None, args=seal, id=None, index=index))
    return seals


def _with_seals(chunks: list[ToolCallChunk], seals: list[ToolCallChunk]) -> list[ToolCallChunk]:
    """``chunks`` with each seal appended to the fragment of its call in this same chunk (one
    chunk is parsed fragment by fragment), else added as a fragment of its own."""
    out = list(chunks)
    for seal in seals:
        at = next((i for i, c in enumerate(out) if c.get("index") == seal["index"]), None)
        if at is None:
            out.append(seal)
        else:
            joined = (out[at].get("args") or "") + (seal["args"] or "")
            out[at] = tool_call_chunk(
                name=out[at].get("name"), args=joined, id=out[at].get("id"), index=seal["index"]
            )
    return out


# --------------------------------------------------------------------------- v1 content blocks


def _reasoning_block(message: AIMessage, index: str | None) -> list[types.ContentBlock]:
    reasoning = message.additional_kwargs.get("reasoning_content")
    if not isinstance(reasoning, str) or not reasoning:
        return []
    block = types.ReasoningContentBlock(type="reasoning", reasoning=reasoning)
    if index is not None:
        block["index"] = index
    return [block]


def translate_content(message: AIMessage) -> list[types.ContentBlock]:
    """Standard blocks of a Z.ai `AIMessage` (registered as the `"zai"` translator, so
    `content_blocks` and `output_version="v1"` use it).

    In order: reasoning; the text, with `annotations` (`Citation`) where it cites a
    web search result as `[ref_N]`; the function tool calls; the built-in web search as a
    `server_tool_call` and its `server_tool_result` (the results: title, link, media,
    publish_date, content, icon, refer). Streamed chunks add up to the same order.
    """
    if not isinstance(message.content, str):
        raise NotImplementedError  # list content: LangChain's best-effort parsing
    blocks = _reasoning_block(message, None)
    blocks.extend(_text_block(message, None))
    blocks.extend(
        types.ToolCall(type="tool_call", name=c["name"], args=c["args"], id=c.get("id"))
        for c in message.tool_calls
    )
    blocks.extend(
        types.InvalidToolCall(
            type="invalid_tool_call",
            name=c.get("name"),
            args=c.get("args"),
            id=c.get("id"),
            error=c.get("error"),
        )
        for c in message.invalid_tool_calls
    )
    # last: a stream reports the search on its final chunk, after any tool-call chunk
    blocks.extend(_web_search_blocks(message, indexed=False))
    return blocks


def translate_content_chunk(message: AIMessageChunk) -> list[types.ContentBlock]:
    """Standard blocks of a streamed chunk, with stable string indices.

    Reasoning is block `lc_rs_0`, text `lc_txt_0` (the final chunk adds the answer's
    citations to it), the web search `lc_wsc_0` / `lc_wsr_0`, tool call *n* `lc_tc_<n>`, so
    chunks merge block by block and parallel tool calls stay apart (numeric indices
    would collide: tool-call index 0 is not content block 0).
    """
    if message.chunk_position == "last":
        return translate_content(cast(AIMessage, message))
    if not isinstance(message.content, str):
        raise NotImplementedError
    blocks = _reasoning_block(message, "lc_rs_0")
    blocks.extend(_text_block(message, "lc_txt_0"))
    for chunk in message.tool_call_chunks:
        index = chunk.get("index")
        block = types.ToolCallChunk(
            type="tool_call_chunk",
            id=chunk.get("id"),
            name=chunk.get("name"),
            args=chunk.get("args"),
        )
        if index is not None:
            block["index"] = f"lc_tc_{index}"
        blocks.append(block)
    blocks.extend(_web_search_blocks(message, indexed=True))
    return blocks


register_translator(PROVIDER, translate_content, translate_content_chunk)
