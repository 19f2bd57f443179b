"""Tables for tool conversion and the ``tool_choice`` mapping (``langchain_zai._tools``)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from langchain_core.tools import tool
from pydantic import BaseModel, Field

from langchain_zai._tools import _convert_tool, _convert_tool_choice, _function_names


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
    assert _function_names([_convert_tool(builtin)]) == []


@pytest.mark.parametrize("bad", ["has space", "a" * 65, "naïve"])
def test_tool_name_rules(bad: str) -> None:
    with pytest.raises(ValueError, match=r"not accepted by Z\.ai"):
        _convert_tool({"name": bad, "description": "", "parameters": {"type": "object"}})


def _named(name: str) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name}}


ONE = ["get_time"]
TWO = ["get_time", "lookup"]

CHOICES = [
    pytest.param(None, TWO, None, False, id="none-value"),
    pytest.param(False, TWO, None, False, id="false"),
    pytest.param("auto", TWO, "auto", False, id="auto"),
    pytest.param("none", TWO, "none", False, id="none-string"),
    pytest.param("any", ONE, _named("get_time"), False, id="any-one-tool-forced"),
    pytest.param("required", ONE, _named("get_time"), False, id="required-one-tool"),
    pytest.param(True, ONE, _named("get_time"), False, id="true-one-tool"),
    pytest.param("any", TWO, "auto", True, id="any-several-tools-warns"),
    pytest.param("required", TWO, "auto", True, id="required-several-warns"),
    pytest.param("any", [], "auto", True, id="any-only-builtins-warns"),
    pytest.param("lookup", TWO, _named("lookup"), False, id="name"),
    pytest.param(_named("lookup"), TWO, _named("lookup"), False, id="openai-dict"),
    pytest.param(
        {"type": "function", "name": "lookup"}, TWO, _named("lookup"), False, id="responses-dict"
    ),
    pytest.param(
        {"type": "tool", "name": "lookup"}, TWO, _named("lookup"), False, id="anthropic-tool"
    ),
    pytest.param({"type": "auto"}, TWO, "auto", False, id="anthropic-auto"),
    pytest.param({"type": "any"}, TWO, "auto", True, id="anthropic-any"),
    pytest.param({"type": "none"}, TWO, "none", False, id="none-dict"),
]


@pytest.mark.parametrize(("choice", "names", "sent", "warns"), CHOICES)
def test_convert_tool_choice(choice: Any, names: list[str], sent: Any, warns: bool) -> None:
    out, warning = _convert_tool_choice(choice, names)
    assert out == sent
    assert (warning is not None) is warns


@pytest.mark.parametrize(
    ("choice", "match"),
    [
        ("missing_tool", "not a bound tool"),
        (_named("missing_tool"), "not a bound tool"),
        ({"type": "weird"}, "tool_choice must be"),
        (3, "tool_choice must be"),
    ],
)
def test_convert_tool_choice_errors(choice: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        _convert_tool_choice(choice, TWO)
