"""langchain-tests' ``ChatModelUnitTests`` for ``ChatZai``, in full."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from langchain_tests.unit_tests import ChatModelUnitTests

from langchain_zai import ChatZai

CLASS_PATH = ("langchain_zai", "chat_models", "ChatZai")
#: The module (its name is shadowed by the ``load`` function in ``langchain_core.load``).
load_module = importlib.import_module("langchain_core.load.load")


@pytest.fixture(autouse=True)
def _listed_as_partner(monkeypatch: pytest.MonkeyPatch) -> None:
    """List ChatZai like a partner integration in langchain-core's load allowlist.

    ``test_serdes`` reloads with ``allowed_objects="all"``, which admits only the classes
    in langchain-core's own mapping of partner packages (ChatOpenAI, ChatGroq...). Users
    load ChatZai with ``allowed_objects=[ChatZai]``, which needs no listing
    (``test_chat_models.py::test_serialization_round_trip``).
    """
    monkeypatch.setitem(load_module.ALL_SERIALIZABLE_MAPPINGS, CLASS_PATH, CLASS_PATH)
    monkeypatch.setattr(load_module, "_default_class_paths_cache", {})


class TestChatZaiUnit(ChatModelUnitTests):
    """Construction, tools, structured output, tracing params and serialization."""

    @property
    def chat_model_class(self) -> type[ChatZai]:
        return ChatZai

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": "glm-4.7"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            {
                "ZAI_API_KEY": "env-id.env-secret",
                "ZAI_BASE_URL": "https://api.z.ai/api/coding/paas/v4",
            },
            {"model": "glm-4.7"},
            {
                "api_key": "env-id.env-secret",
                "base_url": "https://api.z.ai/api/coding/paas/v4",
            },
        )
