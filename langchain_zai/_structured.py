"""Structured output for `ChatZai`: the runnable that `with_structured_output` returns,
and the `json_schema` response format as Z.ai's `json_object` plus the schema in a system
message. Pure, no I/O."""

from __future__ import annotations

import json
from collections.abc import Mapping
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import BaseMessage
from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser
from langchain_core.output_parsers.openai_tools import (
    JsonOutputKeyToolsParser,
    PydanticToolsParser,
)
from langchain_core.runnables import Runnable, RunnableLambda, RunnableMap, RunnablePassthrough
from langchain_core.utils.function_calling import convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass

if TYPE_CHECKING:
    from .chat_models import ChatZai


def structured_output(
    model: ChatZai,
    schema: Mapping[str, Any] | type | None,
    *,
    method: Literal["function_calling", "json_mode", "json_schema"],
    include_raw: bool,
    strict: bool | None,
    **kwargs: Any,
) -> Runnable[LanguageModelInput, Any]:
    """The runnable behind `ChatZai.with_structured_output` (see its docstring)."""
    if method not in ("function_calling", "json_mode", "json_schema"):
        raise ValueError(
            f"method must be 'function_calling', 'json_mode' or 'json_schema', got {method!r}"
        )
    is_pydantic = isinstance(schema, type) and is_basemodel_subclass(schema)
    ls_format = {"kwargs": {"method": method, "strict": strict}, "schema": schema}
    parser: Runnable[Any, Any]
    llm: Runnable[LanguageModelInput, Any]
    if method == "json_mode":
        llm = model.bind(
            response_format={"type": "json_object"},
            ls_structured_output_format={"kwargs": {"method": method}, "schema": schema},
            **kwargs,
        )
        parser = (
            PydanticOutputParser(pydantic_object=schema)  # type: ignore[arg-type]
            if is_pydantic
            else JsonOutputParser()
        )
    else:
        if schema is None:
            raise ValueError(f"method={method!r} needs a schema")
        name = convert_to_openai_tool(schema)["function"]["name"]
        llm = model.bind_tools(
            [schema], tool_choice=name, ls_structured_output_format=ls_format, **kwargs
        )
        tool_parser: Runnable[Any, Any] = (
            PydanticToolsParser(tools=[schema], first_tool_only=True)  # type: ignore[list-item]
            if is_pydantic
            else JsonOutputKeyToolsParser(key_name=name, first_tool_only=True)
        )
        text_parser: Runnable[Any, Any] = (
            PydanticOutputParser(pydantic_object=schema)  # type: ignore[arg-type]
            if is_pydantic
            else JsonOutputParser()
        )
        parser = _tool_or_text(tool_parser, text_parser, name)
    if not include_raw:
        return llm | parser
    parsed = RunnablePassthrough.assign(
        parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
    )
    fallback = RunnablePassthrough.assign(parsed=lambda _: None)
    return RunnableMap(raw=llm) | parsed.with_fallbacks([fallback], exception_key="parsing_error")


def json_schema_as_json_object(
    response_format: Any, wire: list[dict[str, Any]]
) -> tuple[Any, list[dict[str, Any]]]:
    """`response_format={"type": "json_schema", ...}` as Z.ai's `json_object` plus the
    schema in a system message (other values as given). Pure."""
    if not isinstance(response_format, Mapping) or response_format.get("type") != "json_schema":
        return response_format, wire
    spec = response_format.get("json_schema") or {}
    schema = spec.get("schema", spec) if isinstance(spec, Mapping) else {}
    instruction = (
        "Answer with one JSON object and nothing else: no prose, no code fences. "
        "The object must be a valid instance of this JSON schema:\n"
        + json.dumps(schema, ensure_ascii=False)
    )
    return {"type": "json_object"}, [{"role": "system", "content": instruction}, *wire]


def _tool_or_text(
    tool_parser: Runnable[Any, Any], text_parser: Runnable[Any, Any], name: str
) -> Runnable[Any, Any]:
    """The forced tool's arguments; when GLM answered in text instead, that text parsed as
    the JSON object; else `OutputParserException` (never a silent `None`)."""

    def parse(message: BaseMessage) -> Any:
        if getattr(message, "tool_calls", None):
            return tool_parser.invoke(message)
        try:
            return text_parser.invoke(message)
        except Exception as exc:
            raise OutputParserException(
                f"Z.ai answered without calling the tool {name!r} and its text is not the "
                f"JSON object asked for: {str(message.content)[:200]!r}",
                llm_output=str(message.content),
            ) from exc

    return RunnableLambda(parse)
