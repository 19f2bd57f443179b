"""Tools and ``tool_choice`` as Z.ai accepts them (pure functions).

Z.ai takes function tools in the OpenAI shape plus two built-in tools that run on its
servers, ``web_search`` and ``retrieval`` (passed through untouched). Its docs list only
``tool_choice="auto"``; the object form ``{"type": "function", "function": {"name": ...}}``
is accepted by the live API (recorded exchange, zai-api.md 2.1) but not documented, so a
forced choice may not always be honoured. The mapping:

==============================  ============================================================
LangChain ``tool_choice``       sent to Z.ai
==============================  ============================================================
``None`` / ``False``            nothing (server default, ``auto``)
``"auto"``                      ``"auto"``
``"none"``                      no ``tools`` and no ``tool_choice`` (no call is possible)
``"any"`` / ``"required"`` /    one function tool bound: the object form naming it;
``True``                        several: ``"auto"`` with a warning (Z.ai cannot force "one
                                of these")
a tool name                     ``{"type": "function", "function": {"name": name}}``
a dict (OpenAI, Responses or    the object form for the named function, ``"auto"`` for
Anthropic shape)                ``{"type": "auto"}``, like ``"any"`` for ``{"type": "any"}``
==============================  ============================================================
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

__all__ = [
    "BUILTIN_TOOL_TYPES",
    "ToolChoice",
    "_convert_tool",
    "_convert_tool_choice",
    "_function_names",
]

#: Tool types Z.ai runs itself; passed through untouched.
BUILTIN_TOOL_TYPES = frozenset({"web_search", "retrieval"})
MAX_FUNCTION_TOOLS = 128
_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_FORCE_ANY = ("any", "required")

ToolLike = Mapping[str, Any] | type | Callable[..., Any] | BaseTool
ToolChoice = str | bool | Mapping[str, Any] | None


def _convert_tool(tool: ToolLike) -> dict[str, Any]:
    """A tool as a Z.ai tool dict; built-in ``web_search`` / ``retrieval`` dicts as given.

    Raises:
        ValueError: the tool cannot be expressed, or its name breaks Z.ai's rule
            ``^[a-zA-Z0-9_-]{1,64}$``.
    """
    if isinstance(tool, Mapping) and tool.get("type") in BUILTIN_TOOL_TYPES:
        return dict(tool)
    formatted = convert_to_openai_tool(tool)
    if formatted.get("type") != "function" or not isinstance(formatted.get("function"), dict):
        raise ValueError(
            f"Z.ai takes function tools and the built-in 'web_search' / 'retrieval' tools; "
            f"got {str(tool)[:120]!r}"
        )
    function = {k: v for k, v in formatted["function"].items() if k != "strict"}
    name = function.get("name", "")
    if not _NAME.match(name):
        raise ValueError(
            f"tool name {name!r} is not accepted by Z.ai: use 1-64 letters, digits, '_' or '-'"
        )
    function.setdefault("description", "")
    function.setdefault("parameters", {"type": "object", "properties": {}})
    return {"type": "function", "function": function}


def _function_names(tools: Sequence[Mapping[str, Any]]) -> list[str]:
    """Names of the function tools among converted tools (built-ins have none)."""
    return [t["function"]["name"] for t in tools if t.get("type") == "function"]


def _named(name: str, names: Sequence[str]) -> dict[str, Any]:
    if name not in names:
        bound = ", ".join(names) or "none"
        raise ValueError(f"tool_choice names {name!r}, which is not a bound tool ({bound})")
    return {"type": "function", "function": {"name": name}}


def _force_any(names: Sequence[str]) -> tuple[str | dict[str, Any], str | None]:
    if len(names) == 1:
        return _named(names[0], names), None
    return "auto", (
        "Z.ai cannot force a call to one of several tools (its tool_choice is 'auto' or one "
        "named function); sending tool_choice='auto', so the model may answer without a "
        "tool call. Pass a tool name to force that tool."
    )


def _convert_tool_choice(
    tool_choice: ToolChoice, names: Sequence[str]
) -> tuple[str | dict[str, Any] | None, str | None]:
    """LangChain ``tool_choice`` -> (what to send, a warning where behaviour differs).

    ``names`` are the bound function tools. ``"none"`` comes back as ``"none"``: the
    request builder then leaves the tools out.

    Raises:
        ValueError: an unknown tool name or an unrecognised value.
    """
    if tool_choice is None or tool_choice is False:
        return None, None
    if tool_choice is True:
        return _force_any(names)
    if isinstance(tool_choice, str):
        if tool_choice in ("auto", "none"):
            return tool_choice, None
        if tool_choice in _FORCE_ANY:
            return _force_any(names)
        return _named(tool_choice, names), None
    if isinstance(tool_choice, Mapping):
        kind = tool_choice.get("type")
        function = tool_choice.get("function")
        if kind == "function" and isinstance(function, Mapping) and function.get("name"):
            return _named(str(function["name"]), names), None
        if kind in ("function", "tool") and tool_choice.get("name"):
            return _named(str(tool_choice["name"]), names), None
        if kind == "auto":
            return "auto", None
        if kind in _FORCE_ANY:
            return _force_any(names)
        if kind == "none":
            return "none", None
    raise ValueError(
        "tool_choice must be 'auto', 'none', 'any' / 'required' / True, a tool name or "
        f"{{'type': 'function', 'function': {{'name': ...}}}}; got {tool_choice!r}"
    )
