"""Z.ai's rules for chat messages and tools, stated once for both integrations.

The integrations turn their own objects (LangChain messages and tools, LlamaIndex
`ChatMessage`s and `BaseTool`s) into plain dicts and apply these rules to them, so the
same input makes the same request, or fails with the same error, in both frameworks.

Messages and content:

- **Text parts are joined with a newline** (`TEXT_JOIN`) wherever the wire wants one
  string: a user message with text only, and every system, assistant and tool message.
  Separate text blocks are separate pieces of text; joining them with `""` glues the last
  word of one to the first of the next (`"Describe" + "this"`), and LlamaIndex's own
  `ChatMessage.content` joins with a newline too.
- System, assistant and tool content is a **string** (GLM's template drops list content
  there); images, videos and files in them are refused (`text_only`).
- A user message keeps content parts only when it carries media; a `file` part cannot
  share a message with images or videos (`user_content`).
- Media reach only models the catalog marks `vision` (`check_media`).
- Tool messages carry text only: images, videos and files a tool returned are sent, in
  order, in one user message right after the run of tool messages, and each tool message
  says so (`place_tool_media`).

Tools (`check_tools`, `normalize_tool`, `resolve_tool_choice`):

- function names match `^[a-zA-Z0-9_-]{1,64}$`; at most 128 function tools;
- `web_search` and `retrieval` (run by Z.ai) pass through untouched;
- Z.ai documents `tool_choice="auto"` only; a named function is sent in the object form
  (accepted by the API, zai-api.md 2.1). The mapping:

==============================  ============================================================
`tool_choice`                 sent to Z.ai
==============================  ============================================================
`None` / `False`            nothing (server default, `auto`)
`"auto"`                      `"auto"`
`"none"`                      no `tools` and no `tool_choice` (no call is possible)
`"any"` / `"required"` /    one function tool: the object form naming it; several:
`True`                        `"auto"` with the one warning (Z.ai cannot force "one of
                                these")
a tool name                     `{"type": "function", "function": {"name": name}}`
a dict (OpenAI, Responses or    the object form for the named function, `"auto"` for
Anthropic shape)                `{"type": "auto"}`, like `"any"` for `{"type": "any"}`
==============================  ============================================================
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from .catalog import get_model_info

__all__ = [
    "BUILTIN_TOOL_TYPES",
    "MAX_FUNCTION_TOOLS",
    "MEDIA_PART_TYPES",
    "TEXT_JOIN",
    "TOOL_NAME_PATTERN",
    "ToolChoiceResult",
    "arguments_json",
    "arguments_text",
    "check_media",
    "check_tools",
    "function_names",
    "join_text",
    "normalize_tool",
    "place_tool_media",
    "resolve_tool_choice",
    "text_only",
    "unforced_tool_warning",
    "user_content",
    "warn_if_unforced",
]

#: How text parts become one string (see the module docstring for why a newline).
TEXT_JOIN = "\n"
#: Content-part types that carry media (every other part is ``text``).
MEDIA_PART_TYPES = frozenset({"image_url", "video_url", "file", "file_url"})
#: Tool types Z.ai runs itself; passed through untouched.
BUILTIN_TOOL_TYPES = frozenset({"web_search", "retrieval"})
MAX_FUNCTION_TOOLS = 128
TOOL_NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_FORCE_ANY = ("any", "required")
_SEVERAL_TOOLS_WARNING = (
    "Z.ai cannot force a call to one of several tools (its tool_choice is 'auto' or one "
    "named function); sending tool_choice='auto', so the model may answer without a "
    "tool call. Pass a tool name to force that tool."
)


# --------------------------------------------------------------------------- content


def join_text(texts: Iterable[str]) -> str:
    """Text parts as the one string the wire wants (joined with `TEXT_JOIN`)."""
    return TEXT_JOIN.join(texts)


def text_only(role: str, kinds: Iterable[str]) -> None:
    """Refuse media in a message whose wire content is a string.

    Raises:
        ValueError: `kinds` (content-part types) hold an image, video or file.
    """
    media = sorted(set(kinds) & MEDIA_PART_TYPES)
    if media:
        raise ValueError(
            f"a {role} message can only carry text on Z.ai, got {', '.join(media)}; send "
            "images, videos and files in a user message"
        )


def user_content(parts: Sequence[Mapping[str, Any]]) -> str | list[dict[str, Any]]:
    """User content from Z.ai parts: one string when all are text, else the parts.

    Raises:
        ValueError: a `file` part shares the message with an image or a video.
    """
    if all(p["type"] == "text" for p in parts):
        return join_text(p["text"] for p in parts)
    kinds = {p["type"] for p in parts}
    if "file" in kinds and kinds & {"image_url", "video_url"}:
        raise ValueError(
            "Z.ai does not accept 'file' parts together with images or videos in one "
            "message; send them in separate messages"
        )
    return [dict(p) for p in parts]


def check_media(model: str, messages: Sequence[Mapping[str, Any]]) -> None:
    """Refuse media sent to a model the catalog knows as text-only.

    Raises:
        ValueError: a message carries an image, video or file part and `model` is a known
            text model (unknown names are let through).
    """
    info = get_model_info(model)
    if not info.known or info.vision:
        return
    for message in messages:
        content = message.get("content")
        if isinstance(content, list) and any(
            isinstance(p, Mapping) and p.get("type") in MEDIA_PART_TYPES for p in content
        ):
            raise ValueError(
                f"{model} takes text only; send images, videos and files to a vision "
                "model such as glm-4.6v or glm-5.3-flash"
            )


def _tool_text(message: Mapping[str, Any], pending: list[dict[str, Any]]) -> dict[str, Any]:
    """A tool message with list content as text; its media are added to ``pending``."""
    parts = message["content"]
    text = join_text(p["text"] for p in parts if p.get("type") == "text")
    media = [dict(p) for p in parts if p.get("type") != "text"]
    if media:
        note = f"[{len(media)} attachment(s) follow in the next user message]"
        text = f"{text}\n{note}" if text else note
        call_id = message.get("tool_call_id")
        pending.append({"type": "text", "text": f"Attachments from tool call {call_id}:"})
        pending.extend(media)
    return {**message, "content": text}


def place_tool_media(messages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Wire messages where tool messages carry text only.

    A tool message whose content is a list of parts keeps their text; its media go, in
    order, in one user message right after the run of tool messages (Z.ai tool messages
    carry text only), and the tool message says so.

    Raises:
        ValueError: the attachments mix a `file` with images or videos.
    """
    out: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    for message in messages:
        is_tool = message.get("role") == "tool"
        if pending and not is_tool:
            out.append({"role": "user", "content": user_content(pending)})
            pending = []
        if is_tool and isinstance(message.get("content"), list):
            out.append(_tool_text(message, pending))
        else:
            out.append(dict(message))
    if pending:
        out.append({"role": "user", "content": user_content(pending)})
    return out


# --------------------------------------------------------------------------- tool calls


def arguments_json(arguments: Any) -> str:
    """Outbound tool-call arguments as the JSON string the wire wants.

    A string is sent as it is (`"{}"` when empty); anything else compact, as the model
    writes it, so a history goes back unchanged.
    """
    if isinstance(arguments, str):
        return arguments or "{}"
    return json.dumps(arguments or {}, ensure_ascii=False, separators=(",", ":"))


def arguments_text(arguments: Any) -> str:
    """Inbound argument fragment as text: `""` for none, a dict (some gateways) as JSON."""
    if arguments is None:
        return ""
    if isinstance(arguments, str):
        return arguments
    return json.dumps(arguments, ensure_ascii=False)


# --------------------------------------------------------------------------- tools


def function_names(tools: Sequence[Mapping[str, Any]]) -> list[str]:
    """Names of the function tools among wire tools (built-ins have none)."""
    return [t["function"]["name"] for t in tools if t.get("type") == "function"]


def normalize_tool(tool: Mapping[str, Any]) -> dict[str, Any]:
    """A wire tool dict as Z.ai takes it: built-ins as given; function tools checked.

    `strict` is dropped (Z.ai has no strict mode); a missing `description` or
    `parameters` gets an empty one.

    Raises:
        ValueError: not a function or built-in tool, or a name Z.ai rejects.
    """
    if tool.get("type") in BUILTIN_TOOL_TYPES:
        return dict(tool)
    function = tool.get("function")
    if tool.get("type") != "function" or not isinstance(function, Mapping):
        raise ValueError(
            "Z.ai takes function tools and the built-in 'web_search' / 'retrieval' tools; "
            f"got {str(tool)[:120]!r}"
        )
    out = {k: v for k, v in function.items() if k != "strict"}
    _check_name(out.get("name", ""))
    out.setdefault("description", "")
    out.setdefault("parameters", {"type": "object", "properties": {}})
    return {"type": "function", "function": out}


def _check_name(name: Any) -> None:
    if not isinstance(name, str) or not TOOL_NAME_PATTERN.match(name):
        raise ValueError(
            f"tool name {name!r} is not accepted by Z.ai: use 1-64 letters, digits, '_' or '-'"
        )


def check_tools(tools: Sequence[Mapping[str, Any]]) -> None:
    """Refuse a tool list Z.ai would refuse (names, more than 128 function tools).

    Raises:
        ValueError: naming the tool or the count.
    """
    names = function_names(tools)
    for name in names:
        _check_name(name)
    if len(names) > MAX_FUNCTION_TOOLS:
        raise ValueError(
            f"Z.ai takes at most {MAX_FUNCTION_TOOLS} function tools, got {len(names)}"
        )


class ToolChoiceResult(NamedTuple):
    """What to send for a tool choice: `tool_choice`, whether to keep the tools, a warning."""

    choice: str | dict[str, Any] | None
    keep_tools: bool = True
    warning: str | None = None


def _named(name: str, names: Sequence[str]) -> ToolChoiceResult:
    if name not in names:
        bound = ", ".join(names) or "none"
        raise ValueError(f"tool_choice names {name!r}, which is not a bound tool ({bound})")
    return ToolChoiceResult({"type": "function", "function": {"name": name}})


def _force_any(names: Sequence[str]) -> ToolChoiceResult:
    if len(names) == 1:
        return _named(names[0], names)
    return ToolChoiceResult("auto", warning=_SEVERAL_TOOLS_WARNING)


def _choice_of_dict(choice: Mapping[str, Any], names: Sequence[str]) -> ToolChoiceResult | None:
    kind = choice.get("type")
    function = choice.get("function")
    if kind == "function" and isinstance(function, Mapping) and function.get("name"):
        return _named(str(function["name"]), names)
    if kind in ("function", "tool") and choice.get("name"):
        return _named(str(choice["name"]), names)
    if isinstance(kind, str) and kind in ("auto", "none", *_FORCE_ANY):
        return resolve_tool_choice(kind, names)
    return None


def resolve_tool_choice(
    tool_choice: Any, names: Sequence[str], *, required: bool = False
) -> ToolChoiceResult:
    """A framework's `tool_choice` as Z.ai takes it (the table in the module docstring).

    Args:
        tool_choice: `None`, a bool, `"auto"`, `"none"`, `"any"`, `"required"`, a
            tool name or a dict naming one.
        names: the function tools bound.
        required: LlamaIndex's `tool_required`: with no `tool_choice`, force a call.

    Raises:
        ValueError: a name that is not a bound tool, or a value with no meaning.
    """
    if tool_choice is None or tool_choice is False:
        return _force_any(names) if required else ToolChoiceResult(None)
    if tool_choice is True or tool_choice in _FORCE_ANY:
        return _force_any(names)
    if tool_choice == "auto":
        return ToolChoiceResult("auto")
    if tool_choice == "none":
        return ToolChoiceResult(None, keep_tools=False)
    if isinstance(tool_choice, str):
        return _named(tool_choice, names)
    resolved = _choice_of_dict(tool_choice, names) if isinstance(tool_choice, Mapping) else None
    if resolved is None:
        raise ValueError(
            "tool_choice must be 'auto', 'none', 'any' / 'required' / True, a tool name or "
            f"{{'type': 'function', 'function': {{'name': ...}}}}; got {tool_choice!r}"
        )
    return resolved


def unforced_tool_warning(body: Mapping[str, Any], called: bool) -> str | None:
    """The warning for an answer that did not call the tool `body` forced, else `None`."""
    choice = body.get("tool_choice")
    if not isinstance(choice, Mapping) or called:
        return None
    return (
        f"tool_choice forced {choice['function']['name']!r} but Z.ai answered without a "
        "tool call (Z.ai documents only tool_choice='auto')"
    )


def warn_if_unforced(body: Mapping[str, Any], called: bool, *, stacklevel: int = 3) -> None:
    """Warn (`UserWarning`) when the tool `body` forced was not called; both adapters'
    chat paths call this once per answer (`unforced_tool_warning` says what)."""
    warning = unforced_tool_warning(body, called)
    if warning:
        warnings.warn(warning, UserWarning, stacklevel=stacklevel)
