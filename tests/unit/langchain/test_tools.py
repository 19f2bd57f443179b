"""Tables for LangChain tool conversion (``langchain_zai._tools``); the ``tool_choice``
mapping is shared and tested in ``tests/unit/core/test_chat_rules.py``."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from langchain_core.tools import tool
from pydantic import BaseModel, Field

from langchain_zai._tools import _convert_tool
from zai_core.chat_rules import function_names


class GetWeather(BaseModel):
    """Current weather in a city."""

    city: str = Field(description="the city")


def get_time(zone: str) -> str:
    """The time in a zone."""
    return zone


@tool
def lookup(query: str) -> str:
    """Look something up."""
    return query


WEB_SEARCH = {
    "type": "web_search",
    "web_search": {"enable": True, "search_engine": "search_pro_jina", "search_result": True},
}
RETRIEVAL = {"type": "retrieval", "retrieval": {"knowledge_id": "kb-1"}}


@pytest.mark.parametrize(
    ("given", "name", "params"),
    [
        pytest.param(GetWeather, "GetWeather", {"city"}, id="pydantic"),
        pytest.param(get_time, "get_time", {"zone"}, id="function"),
        pytest.param(lookup, "lookup", {"query"}, id="base-tool"),
        pytest.param(
            {
                "name": "raw",
                "description": "d",
                "parameters": {"type": "object", "properties": {"q": {"type": "string"}}},
            },
            "raw",
            {"q"},
            id="function-dict",
        ),
        pytest.param(
            {
                "type": "function",
                "function": {"name": "oai", "parameters": {"type": "object", "properties": {}}},
                "strict": True,
            },
            "oai",
            set(),
            id="openai-dict",
        ),
        pytest.param(
            {
                "name": "anth",
                "description": "d",
                "input_schema": {"type": "object", "properties": {"c": {"type": "string"}}},
            },
            "anth",
            {"c"},
            id="anthropic-dict",
        ),
    ],
)
def test_convert_tool(given: Any, name: str, params: set[str]) -> None:
    before = copy.deepcopy(given) if isinstance(given, dict) else None
    out = _convert_tool(given)
    assert out["type"] == "function"
    assert out["function"]["name"] == name
    assert set(out["function"]["parameters"].get("properties", {})) == params
    assert "description" in out["function"]
    assert "strict" not in out["function"]
    if before is not None:
        assert given == before


@pytest.mark.parametrize("builtin", [WEB_SEARCH, RETRIEVAL], ids=["web_search", "retrieval"])
def test_builtin_tools_pass_through_untouched(builtin: dict[str, Any]) -> None:
    assert _convert_tool(builtin) == builtin
    assert function_names([_convert_tool(builtin)]) == []


@pytest.mark.parametrize("bad", ["has space", "a" * 65, "naïve"])
def test_tool_name_rules(bad: str) -> None:
    with pytest.raises(ValueError, match=r"not accepted by Z\.ai"):
        _convert_tool({"name": bad, "description": "", "parameters": {"type": "object"}})
