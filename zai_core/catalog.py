"""What each GLM model can do: context window, output limit, thinking, vision, tools.

Sourced from `reference/zai-api.md` section 5. An unknown name never raises: it gets
conservative defaults, and every field can be overridden by the caller
(`get_model_info("glm-9", context_window=1_000_000)`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

__all__ = ["MODELS", "ModelInfo", "get_model_info"]

_EFFORT_FULL = ("max", "xhigh", "high", "medium", "low", "minimal", "none")
_EFFORT_53 = ("low", "high", "max")


@dataclass(frozen=True)
class ModelInfo:
    """Capabilities and limits of one model.

    Attributes:
        name: the model id.
        context_window: input + output tokens the model accepts.
        max_output: the largest `max_tokens` it accepts.
        thinking: it can reason (`reasoning_content`).
        thinking_toggle: `thinking={"type": "disabled"}` is honoured (hybrid models).
        reasoning_efforts: accepted `reasoning_effort` values (empty: not supported).
        vision: accepts image / video / file content parts.
        tools: accepts function tools.
        tool_stream: accepts `tool_stream=True`.
        default_temperature, default_top_p: the server's sampling defaults.
        known: the name is in the catalog (`False` for defaults given to an unknown name).
    """

    name: str
    context_window: int = 128_000
    max_output: int = 16_384
    thinking: bool = False
    thinking_toggle: bool = False
    reasoning_efforts: tuple[str, ...] = ()
    vision: bool = False
    tools: bool = True
    tool_stream: bool = False
    default_temperature: float = 1.0
    default_top_p: float = 0.95
    known: bool = True


def _text(
    name: str, ctx: int, out: int, *, toggle: bool = True, stream: bool = True, **kw: Any
) -> ModelInfo:
    return ModelInfo(
        name, ctx, out, thinking=True, thinking_toggle=toggle, tool_stream=stream, **kw
    )


_K = 1024
_M = [
    _text("glm-5.3", 200_000, 128 * _K, toggle=False, reasoning_efforts=_EFFORT_53),
    ModelInfo(
        "glm-5.3-flash",
        200_000,
        128 * _K,
        thinking=True,
        reasoning_efforts=_EFFORT_53,
        vision=True,
    ),
    ModelInfo(
        "glm-5.3-flashx",
        200_000,
        128 * _K,
        thinking=True,
        reasoning_efforts=_EFFORT_53,
        vision=True,
    ),
    _text("glm-5.2", 1_000_000, 128 * _K, reasoning_efforts=_EFFORT_FULL),
    _text("glm-5.1", 200_000, 128 * _K),
    _text("glm-5", 204_800, 128 * _K),
    _text("glm-5-turbo", 200_000, 131_072, stream=False),
    ModelInfo("glm-5v-turbo", 200_000, 131_072, thinking=True, thinking_toggle=True, vision=True),
    _text("glm-4.7", 204_800, 128 * _K, toggle=True),
    _text("glm-4.7-flash", 200_000, 131_072),
    _text("glm-4.7-flashx", 200_000, 131_072),
    _text("glm-4.6", 204_800, 128 * _K),
    *(
        ModelInfo(
            n,
            128_000,
            32 * _K,
            thinking=True,
            thinking_toggle=True,
            vision=True,
            default_temperature=0.8,
            default_top_p=0.6,
        )
        for n in ("glm-4.6v", "glm-4.6v-flash", "glm-4.6v-flashx")
    ),
    *(
        _text(n, 131_072, 96 * _K, stream=False, default_temperature=0.6)
        for n in ("glm-4.5", "glm-4.5-air", "glm-4.5-x", "glm-4.5-airx", "glm-4.5-flash")
    ),
    ModelInfo(
        "glm-4.5v",
        64_000,
        16 * _K,
        thinking=True,
        vision=True,
        tools=False,
        default_temperature=0.8,
        default_top_p=0.6,
    ),
    ModelInfo("glm-4-32b-0414-128k", 128_000, 16 * _K, default_temperature=0.75, default_top_p=0.9),
    ModelInfo(
        "autoglm-phone-multilingual",
        128_000,
        4 * _K,
        thinking=True,
        vision=True,
        default_temperature=0.0,
        default_top_p=0.85,
    ),
]

#: Every model in the catalog, by name.
MODELS: dict[str, ModelInfo] = {m.name: m for m in _M}


def get_model_info(name: str, **overrides: Any) -> ModelInfo:
    """The catalog entry for `name` (case-insensitive), else conservative defaults.

    A dated or suffixed variant (`glm-4.7-0925`) takes the entry of the longest known
    name it starts with. Keyword arguments override any field.
    """
    key = name.strip().lower()
    info = MODELS.get(key)
    if info is None:
        prefix = max((k for k in MODELS if key.startswith(k + "-")), key=len, default=None)
        info = (
            replace(MODELS[prefix], name=name)
            if prefix
            else ModelInfo(name, known=False, thinking=key.startswith("glm-"))
        )
    return replace(info, **overrides) if overrides else info
