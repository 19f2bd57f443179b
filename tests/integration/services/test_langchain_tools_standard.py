"""langchain-tests ``ToolsIntegrationTests`` for every Z.ai tool, replayed from cassettes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.tools import BaseTool
from langchain_tests.integration_tests import ToolsIntegrationTests

from langchain_zai import (
    ZaiImageGenerationTool,
    ZaiTranscriptionTool,
    ZaiVideoGenerationTool,
    ZaiWebReaderTool,
    ZaiWebSearchTool,
)

pytestmark = pytest.mark.vcr


class TestZaiWebSearchTool(ToolsIntegrationTests):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return ZaiWebSearchTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"query": "GLM-4.7 release notes", "count": 3, "recency_filter": "oneWeek"}


class TestZaiWebReaderTool(ToolsIntegrationTests):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return ZaiWebReaderTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"url": "https://docs.z.ai/guides/overview/quick-start"}


class TestZaiImageGenerationTool(ToolsIntegrationTests):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return ZaiImageGenerationTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"prompt": "A watercolor fox in the snow", "size": "1280x1280", "quality": "hd"}


class TestZaiVideoGenerationTool(ToolsIntegrationTests):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return ZaiVideoGenerationTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        # No real waiting in tests: the emulator (and the cassette) decide how many polls.
        return {"poll_interval": 0, "size": "1920x1080"}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"prompt": "A paper boat sailing down a rainy street", "duration": 5}


class TestZaiTranscriptionTool(ToolsIntegrationTests):
    @pytest.fixture(autouse=True)
    def _audio(self, clip: Path) -> None:
        self.clip = clip

    @property
    def tool_constructor(self) -> type[BaseTool]:
        return ZaiTranscriptionTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"hotwords": ["GLM"]}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"file_path": str(self.clip)}
