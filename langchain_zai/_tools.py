"""LangChain tools as Z.ai tool dicts (pure functions).

Z.ai takes function tools in the OpenAI shape plus two built-in tools that run on its
servers, `web_search` and `retrieval` (passed through untouched). The rules (name
pattern, 128-tool limit, the `tool_choice` mapping and its one warning) live in
`zai_core.chat_rules`, shared with LlamaIndex; this module only turns LangChain's tool
objects into dicts.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatResult

from zai_core.chat_rules import (
    BUILTIN_TOOL_TYPES,
    ToolChoiceResult,
    check_tools,
    function_names,
    normalize_tool,
    resolve_tool_choice,
    warn_if_unforced,
)

__all__ = [
    "BUILTIN_TOOL_TYPES",
    "ToolChoice",
    "_checked",
    "_convert_tool",
    "_convert_tools",
    "_resolved_choice",
]

if TYPE_CHECKING:  # langchain_core.tools is imported on first bind_tools, not with ChatZai
    from langchain_core.tools import BaseTool

ToolLike: TypeAlias = "Mapping[str, Any] | type | Callable[..., Any] | BaseTool"
ToolChoice = str | bool | Mapping[str, Any] | None


def _convert_tool(tool: ToolLike) -> dict[str, Any]:
    """A tool as a Z.ai tool dict; built-in ``web_search`` / ``retrieval`` dicts as given.

    Raises:
        ValueError: the tool cannot be expressed, or its name breaks Z.ai's rule
            ``^[a-zA-Z0-9_-]{1,64}$``.
    """
    if isinstance(tool, Mapping) and tool.get("type") in BUILTIN_TOOL_TYPES:
        return dict(tool)
    from langchain_core.utils.function_calling import convert_to_openai_tool

    return normalize_tool(convert_to_openai_tool(tool))


def _is_wire_tool(tool: Any) -> bool:
    """Whether ``tool`` is already a Z.ai tool dict (``bind_tools`` made it, or the caller)."""
    if not isinstance(tool, Mapping):
        return False
    kind = tool.get("type")
    return kind in BUILTIN_TOOL_TYPES or (
        kind == "function" and isinstance(tool.get("function"), Mapping)
    )


def _convert_tools(tools: Sequence[Any]) -> list[dict[str, Any]]:
    """Tools as Z.ai tool dicts, converting only those not converted yet.

    ``bind_tools`` converts once; the request builder then takes its dicts as they are.
    """
    return [dict(t) if _is_wire_tool(t) else _convert_tool(t) for t in tools]


def _checked(body: Mapping[str, Any], result: ChatResult) -> ChatResult:
    """``result``, after warning if a forced tool was not called."""
    message = result.generations[0].message if result.generations else None
    warn_if_unforced(body, isinstance(message, AIMessage) and bool(message.tool_calls))
    return result


def _resolved_choice(
    tool_choice: Any,
    tools: Sequence[Mapping[str, Any]],
    *,
    stacklevel: int,
    warned: set[str] | None = None,
) -> ToolChoiceResult:
    """``tool_choice`` as Z.ai takes it (``zai_core.resolve_tool_choice``), warning once;
    ``ValueError`` for too many tools, a bad name, or a choice naming no bound tool.

    ``warned``: the warnings an instance already gave (an agent binds its tools on every
    model call; each warning is given once per instance, not on every call).
    """
    check_tools(tools)
    choice = resolve_tool_choice(tool_choice, function_names(tools))
    if choice.warning and (warned is None or choice.warning not in warned):
        if warned is not None:
            warned.add(choice.warning)
        warnings.warn(choice.warning, stacklevel=stacklevel)
    return choice
