"""Z.ai's chat request parameters, declared once: the table both integrations inherit.

`ChatParameters` is the single declaration of every wire parameter of
`POST /chat/completions` (its type, default and description as a pydantic field, and as
`Wire` metadata: the values accepted, the check made before sending, which catalog
models take it, whether the xpay gateway takes it). `ChatZai` and `Zai` inherit it, so
their fields are these; `build_chat_body` turns settings into the request body by
walking the same table; `parameters_markdown` renders it for `docs/parameters.md`.

Adding a parameter is one field here (and the regenerated docs page).

Every check that can be made before a request is made here, so a bad value fails with a
message naming the parameter instead of a 400 from the server.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, Field, StrictBool, field_validator

from .catalog import MODELS, ModelInfo, get_model_info
from .chat_rules import MAX_FUNCTION_TOOLS, TEXT_JOIN, TOOL_NAME_PATTERN, check_media, check_tools

__all__ = [
    "CHAT_PARAMETERS",
    "REASONING_EFFORTS",
    "ChatParameters",
    "Wire",
    "build_chat_body",
    "normalize_thinking",
    "parameters_markdown",
    "validate_messages",
    "xpay_parameters",
]

REASONING_EFFORTS = ("max", "xhigh", "high", "medium", "low", "minimal", "none")
ThinkingLike = bool | Mapping[str, Any] | None
Check = Callable[[str, Any, ModelInfo], Any]


def normalize_thinking(thinking: ThinkingLike) -> dict[str, Any] | None:
    """`True` -> enabled, `False` -> disabled, a dict is checked and passed on."""
    if thinking is None:
        return None
    if thinking is True:
        return {"type": "enabled"}
    if thinking is False:
        return {"type": "disabled"}
    if isinstance(thinking, Mapping):
        out = dict(thinking)
        kind = out.setdefault("type", "enabled")
        if kind not in ("enabled", "disabled"):
            raise ValueError(f"thinking['type'] must be 'enabled' or 'disabled', got {kind!r}")
        clear = out.get("clear_thinking")
        if clear is None:
            out.pop("clear_thinking", None)
        elif not isinstance(clear, bool):
            raise ValueError(f"thinking['clear_thinking'] must be a bool, got {clear!r}")
        return out
    raise ValueError(
        f"thinking must be True, False, None or a dict like "
        f"{{'type': 'enabled', 'clear_thinking': False}}, got {thinking!r}"
    )


# --------------------------------------------------------------------------- checks


def _as_is(name: str, value: Any, info: ModelInfo) -> Any:
    return value


def _between(low: float, high: float) -> Check:
    def check(name: str, value: Any, info: ModelInfo) -> Any:
        if value is not None and not (low <= value <= high):
            raise ValueError(f"{name} must be between {low} and {high}, got {value}")
        return value

    return check


def _length(low: int, high: int) -> Check:
    def check(name: str, value: Any, info: ModelInfo) -> Any:
        if value is not None and not (low <= len(value) <= high):
            raise ValueError(f"{name} must be {low}-{high} characters long, got {len(value)}")
        return value

    return check


def _max_tokens(name: str, value: Any, info: ModelInfo) -> Any:
    if value is None:
        return None
    limit = info.max_output if info.known else 131_072
    if value < 1:
        raise ValueError(f"max_tokens must be >= 1, got {value}")
    if value > limit:
        raise ValueError(f"max_tokens {value} exceeds {info.name}'s output limit {limit}")
    return value


def _stop(name: str, value: Any, info: ModelInfo) -> Any:
    if value is None:
        return None
    stops = [value] if isinstance(value, str) else list(value)
    if len(stops) > 4:
        raise ValueError(f"stop takes at most 4 sequences, got {len(stops)}")
    return stops or None


def _thinking(name: str, value: Any, info: ModelInfo) -> Any:
    return normalize_thinking(value)


def _effort(name: str, value: Any, info: ModelInfo) -> Any:
    if value is None:
        return None
    if value not in REASONING_EFFORTS:
        raise ValueError(
            f"reasoning_effort must be one of {', '.join(REASONING_EFFORTS)}; got {value!r}"
        )
    allowed = info.reasoning_efforts
    if allowed and value not in allowed:
        raise ValueError(f"{info.name} takes reasoning_effort {', '.join(allowed)}; got {value!r}")
    return value


def _response_format(name: str, value: Any, info: ModelInfo) -> Any:
    if value is None:
        return None
    if value.get("type") not in ("text", "json_object"):
        raise ValueError(
            "response_format must be {'type': 'text'} or {'type': 'json_object'}; Z.ai has "
            f"no json_schema mode (got {dict(value)!r})"
        )
    return dict(value)


def _true_or_none(name: str, value: Any, info: ModelInfo) -> Any:
    return True if value else None


def _include_usage(name: str, value: Any, info: ModelInfo) -> Any:
    return {"include_usage": True} if value else None


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Wire:
    """How one chat parameter goes on the wire (metadata of a `ChatParameters` field).

    Attributes:
        values: the values Z.ai accepts, in words (for the docs).
        check: validates a set value and returns what is sent (`None`: left out).
        models: which catalog models take it (`None`: every model).
        models_text: `models` in words, for the docs.
        xpay: the xpay gateway's tool takes it.
        stream_only: sent on streamed calls only.
        key: the body key, when it is not the parameter's name.
    """

    values: str
    check: Check = _as_is
    models: Callable[[ModelInfo], bool] | None = None
    models_text: str = "all"
    xpay: bool = True
    stream_only: bool = False
    key: str | None = None


class ChatParameters(BaseModel):
    """The chat request parameters Z.ai documents, shared by `ChatZai` and `Zai`.

    Every field is `None` (or its default) unless set; unset values are left out of the
    request so the server's per-model defaults apply. See `docs/parameters.md`.
    """

    temperature: Annotated[float | None, Wire("0.0 - 1.0", _between(0.0, 1.0))] = Field(
        default=None, description="Sampling temperature; None keeps the model's default."
    )
    top_p: Annotated[float | None, Wire("0.01 - 1.0", _between(0.01, 1.0))] = Field(
        default=None, description="Nucleus sampling; None keeps the model's default."
    )
    max_tokens: Annotated[
        int | None, Wire("1 - the model's output limit (131072 for unknown models)", _max_tokens)
    ] = Field(default=None, description="Largest number of output tokens.")
    stop: Annotated[list[str] | None, Wire("up to 4 strings (a string is one)", _stop)] = Field(
        default=None,
        validation_alias=AliasChoices("stop", "stop_sequences"),
        description="Stop sequences (Z.ai's docs say one is honoured).",
    )
    do_sample: Annotated[bool | None, Wire("true / false")] = Field(
        default=None, description="False makes decoding greedy (temperature, top_p ignored)."
    )
    thinking: Annotated[
        StrictBool | dict[str, Any] | None,
        Wire(
            "True / False, or {'type': 'enabled' | 'disabled', 'clear_thinking': bool}",
            _thinking,
            models=lambda m: m.thinking,
            models_text="thinking models",
        ),
    ] = Field(
        default=None,
        description="Thinking on or off; clear_thinking=False keeps earlier turns' reasoning.",
    )
    reasoning_effort: Annotated[
        str | None,
        Wire(
            ", ".join(REASONING_EFFORTS) + " (GLM-5.3: low, high, max)",
            _effort,
            models=lambda m: bool(m.reasoning_efforts),
            models_text="GLM-5.2 and later",
            xpay=False,
        ),
    ] = Field(default=None, description="How hard the model reasons.")
    tool_stream: Annotated[
        bool | None,
        Wire(
            "true / false",
            _true_or_none,
            models=lambda m: m.tool_stream,
            models_text="models with tool_stream",
            stream_only=True,
        ),
    ] = Field(default=None, description="Stream tool-call arguments as they are generated.")
    response_format: Annotated[
        dict[str, Any] | None,
        Wire(
            "{'type': 'text'} or {'type': 'json_object'} (no json_schema)",
            _response_format,
            models=lambda m: not m.vision,
            models_text="text models",
        ),
    ] = Field(default=None, description="JSON mode: {'type': 'json_object'}.")
    user_id: Annotated[str | None, Wire("6 - 128 characters", _length(6, 128))] = Field(
        default=None, description="End-user id."
    )
    request_id: Annotated[str | None, Wire("6 - 64 characters", _length(6, 64))] = Field(
        default=None, description="Client request id; Z.ai makes one when unset."
    )
    stream_usage: Annotated[
        bool,
        Wire(
            "true / false (sent as stream_options.include_usage)",
            _include_usage,
            xpay=False,
            stream_only=True,
            key="stream_options",
        ),
    ] = Field(default=True, description="Report token usage at the end of a streamed answer.")

    @field_validator("stop", mode="before")
    @classmethod
    def _stop_as_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    def _chat_settings(self) -> dict[str, Any]:
        """This object's value of every chat parameter, by name."""
        return {name: getattr(self, name) for name in CHAT_PARAMETERS}


def _wire_of(name: str) -> tuple[Wire, Any]:
    field = ChatParameters.model_fields[name]
    wire = next(m for m in field.metadata if isinstance(m, Wire))
    return wire, field.default


#: Every chat parameter: name -> (its :class:`Wire` rules, its default), in body order.
CHAT_PARAMETERS: dict[str, tuple[Wire, Any]] = {n: _wire_of(n) for n in ChatParameters.model_fields}


def xpay_parameters() -> frozenset[str]:
    """The body keys of the parameters the xpay gateway's tool takes."""
    return frozenset(w.key or n for n, (w, _) in CHAT_PARAMETERS.items() if w.xpay)


# --------------------------------------------------------------------------- the body


def validate_messages(messages: Sequence[Mapping[str, Any]]) -> None:
    """Reject a history Z.ai would reject: empty, or only system / assistant messages."""
    if not messages:
        raise ValueError("messages is empty: send at least one user message")
    if all(m.get("role") in ("system", "assistant") for m in messages):
        raise ValueError(
            "messages holds only system and assistant messages; Z.ai needs at least one "
            "user (or tool) message"
        )


def build_chat_body(
    model: str,
    messages: Sequence[Mapping[str, Any]],
    *,
    stream: bool = False,
    tools: Sequence[Mapping[str, Any]] | None = None,
    tool_choice: str | Mapping[str, Any] | None = None,
    extra_body: Mapping[str, Any] | None = None,
    **settings: Any,
) -> dict[str, Any]:
    """The JSON body of `POST /chat/completions`.

    `settings` are `ChatParameters` by name. Unset (`None`) settings are left out
    so the server's per-model defaults apply; stream-only ones (`tool_stream`,
    `stream_usage` as `stream_options`) are sent on streamed calls only. `extra_body`
    keys are merged last and win.

    Raises:
        TypeError: a setting that is not a chat parameter.
        ValueError: a setting is out of range or malformed, or the messages or tools cannot
            be sent to this model.
    """
    if not model:
        raise ValueError("model must be a non-empty model name such as 'glm-4.7'")
    unknown = settings.keys() - CHAT_PARAMETERS.keys()
    if unknown:
        raise TypeError(f"build_chat_body got unknown setting(s) {', '.join(sorted(unknown))}")
    validate_messages(messages)
    check_media(model, messages)
    info = get_model_info(model)
    body: dict[str, Any] = {"model": model, "messages": list(messages), "stream": stream}
    for name, (wire, default) in CHAT_PARAMETERS.items():
        value = settings.get(name, default)
        if value is None:  # unset: the server's default applies (no check runs on None)
            continue
        value = wire.check(name, value, info)
        if value is not None and (stream or not wire.stream_only):
            body[wire.key or name] = value
    if tools:
        check_tools(tools)
        body["tools"] = list(tools)
        if tool_choice is not None:
            body["tool_choice"] = tool_choice
    if extra_body:
        body.update(extra_body)
    return body


# --------------------------------------------------------------------------- the docs


def _models_cell(wire: Wire) -> str:
    if wire.models is None:
        return "all"
    names = [m.name for m in MODELS.values() if wire.models(m)]
    return f"{wire.models_text}: {', '.join(names)}"


def parameters_markdown() -> str:
    """`docs/parameters.md`: the parameter table, rendered from `ChatParameters`,
    and the message and tool rules, rendered from `zai_core.chat_rules`."""
    lines = [
        "# Chat parameters",
        "",
        "Generated from `zai_core.params.ChatParameters` by `zai_core.parameters_markdown()`;",
        "`tests/unit/core/test_parameters_doc.py` fails when this page and the code differ.",
        "",
        "Both `ChatZai` (LangChain) and `Zai` (LlamaIndex) take every parameter below, at",
        "construction or per call, and send it the same way. Unset parameters are left out so",
        "Z.ai's per-model defaults apply; a value outside its range fails before any request.",
        "",
        "| parameter | values | default | models | xpay | description |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [_parameter_row(n, wire, default) for n, (wire, default) in CHAT_PARAMETERS.items()]
    lines += _rules_lines()
    return "\n".join(lines) + "\n"


def _parameter_row(name: str, wire: Wire, default: Any) -> str:
    field = ChatParameters.model_fields[name]
    xpay = "yes" if wire.xpay else "no"
    cells = [
        f"`{name}`" + (f" (sent as `{wire.key}`)" if wire.key else ""),
        wire.values.replace("|", "\\|"),
        f"`{default!r}`",
        _models_cell(wire),
        xpay,
        (field.description or "") + (" Streamed calls only." if wire.stream_only else ""),
    ]
    return "| " + " | ".join(cells) + " |"


def _rules_lines() -> list[str]:
    return [
        "",
        "## Message and tool rules",
        "",
        "The same for both frameworks (`zai_core.chat_rules`):",
        "",
        f"- Text parts are joined with `{TEXT_JOIN!r}` wherever Z.ai wants one string: a user",
        "  message with text only, and every system, assistant and tool message. Separate text",
        "  blocks are separate pieces of text; joining them with nothing would glue words.",
        "- System and assistant messages carry text only (GLM drops list content there): an",
        "  image, video or file in them raises `ValueError`. Tool messages carry text too:",
        "  media a tool returned are sent, in order, in one user message right after the tool",
        "  results, and each tool message says so.",
        "- A user message keeps content parts only when it carries media; a `file` part cannot",
        "  share a message with images or videos; media go only to models the catalog marks",
        "  as vision models (unknown model names are let through).",
        f"- Function tool names match `{TOOL_NAME_PATTERN.pattern}`; at most",
        f"  {MAX_FUNCTION_TOOLS} function tools; `web_search` and `retrieval` pass through.",
        "- `tool_choice`: `auto` as given; `none` leaves the tools out; `any` / `required` /",
        "  `True` names the only function tool, and with several sends `auto` with a warning",
        "  (Z.ai cannot force one of several); a tool name (or a dict naming one) is sent as",
        '  `{"type": "function", "function": {"name": ...}}`, and an answer that does not call',
        "  it is warned about; nothing is sent when no choice is given.",
    ]
