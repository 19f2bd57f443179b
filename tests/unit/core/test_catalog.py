"""The model catalog against ``reference/zai-api.md`` section 5."""

from __future__ import annotations

import pytest

from zai_core import MODELS, get_model_info

K = 1024
UNSURE = None  # the reference marks the context window "?" (not published)

# model: (context window, max output, vision, thinking can be switched off)
SECTION_5 = {
    "glm-5.3": (UNSURE, 128 * K, False, False),
    "glm-5.3-flash": (UNSURE, 128 * K, True, False),
    "glm-5.3-flashx": (UNSURE, 128 * K, True, False),
    "glm-5.2": (1_000_000, 128 * K, False, True),
    "glm-5.1": (200_000, 128 * K, False, True),
    "glm-5": (204_800, 128 * K, False, True),
    "glm-5-turbo": (200_000, 131_072, False, True),
    "glm-5v-turbo": (200_000, 131_072, True, True),
    "glm-4.7": (204_800, 128 * K, False, True),
    "glm-4.7-flash": (200_000, 131_072, False, True),
    "glm-4.7-flashx": (200_000, 131_072, False, True),
    "glm-4.6": (204_800, 128 * K, False, True),
    "glm-4.6v": (128_000, 32 * K, True, True),
    "glm-4.6v-flash": (128_000, 32 * K, True, True),
    "glm-4.6v-flashx": (128_000, 32 * K, True, True),
    "glm-4.5": (131_072, 96 * K, False, True),
    "glm-4.5-air": (131_072, 96 * K, False, True),
    "glm-4.5-x": (131_072, 96 * K, False, True),
    "glm-4.5-airx": (131_072, 96 * K, False, True),
    "glm-4.5-flash": (131_072, 96 * K, False, True),
    "glm-4.5v": (64_000, 16 * K, True, False),
    "glm-4-32b-0414-128k": (128 * 1000, 16 * K, False, False),
    "autoglm-phone-multilingual": (UNSURE, 4 * K, True, False),
}


def test_every_section_5_chat_model_is_known() -> None:
    assert set(SECTION_5) <= set(MODELS)


@pytest.mark.parametrize(("name", "row"), sorted(SECTION_5.items()))
def test_limits(name: str, row: tuple[int | None, int, bool, bool]) -> None:
    context, max_output, vision, toggle = row
    info = get_model_info(name)
    assert info.known
    assert info.name == name
    assert info.max_output == max_output
    if context is UNSURE:
        assert info.context_window > info.max_output
    else:
        assert info.context_window == context
    assert info.vision is vision
    assert info.thinking_toggle is toggle


@pytest.mark.parametrize(
    ("name", "efforts"),
    [
        ("glm-5.3", ("low", "high", "max")),
        ("glm-5.3-flash", ("low", "high", "max")),
        ("glm-5.2", ("max", "xhigh", "high", "medium", "low", "minimal", "none")),
        ("glm-4.7", ()),
        ("glm-4.5", ()),
    ],
)
def test_reasoning_efforts(name: str, efforts: tuple[str, ...]) -> None:
    assert get_model_info(name).reasoning_efforts == efforts


@pytest.mark.parametrize(
    ("name", "tool_stream"),
    [("glm-4.7", True), ("glm-4.6", True), ("glm-5.2", True), ("glm-4.5", False)],
)
def test_tool_stream(name: str, tool_stream: bool) -> None:
    assert get_model_info(name).tool_stream is tool_stream


def test_non_thinking_model() -> None:
    assert get_model_info("glm-4-32b-0414-128k").thinking is False
    assert get_model_info("glm-4.5v").tools is False


@pytest.mark.parametrize(
    ("name", "parent"),
    [
        ("glm-4.7-0925", "glm-4.7"),
        ("glm-4.7-flash-20260101", "glm-4.7-flash"),
        ("glm-4.6v-flash-preview", "glm-4.6v-flash"),
        ("GLM-4.5-Air-0701", "glm-4.5-air"),
        ("glm-5.2-250101", "glm-5.2"),
    ],
)
def test_dated_variants_inherit(name: str, parent: str) -> None:
    info = get_model_info(name)
    expected = MODELS[parent]
    assert info.name == name
    assert info.known
    assert (info.context_window, info.max_output, info.thinking, info.vision) == (
        expected.context_window,
        expected.max_output,
        expected.thinking,
        expected.vision,
    )


def test_case_insensitive_exact_name_is_the_catalog_entry() -> None:
    assert get_model_info(" GLM-4.5-Air ") is MODELS["glm-4.5-air"]


@pytest.mark.parametrize(
    ("name", "thinking"),
    [("glm-9", True), ("glm-4", True), ("mystery-model", False), ("", False), ("  ", False)],
)
def test_unknown_names_get_defaults(name: str, thinking: bool) -> None:
    info = get_model_info(name)
    assert info.known is False
    assert info.name == name
    assert info.thinking is thinking
    assert info.context_window == 128_000
    assert info.max_output == 16_384


def test_overrides() -> None:
    info = get_model_info("glm-9", context_window=1_000_000, vision=True)
    assert (info.context_window, info.vision, info.known) == (1_000_000, True, False)
    known = get_model_info("glm-4.7", max_output=1000)
    assert known.max_output == 1000
    assert MODELS["glm-4.7"].max_output == 128 * K  # the catalog itself is unchanged
