"""The configuration base of every LlamaIndex class of this package.

`ZaiSettings` declares the configuration words once (`api_key`, `base_url`,
`timeout`, `max_retries`, `default_headers`, `http_client`, `http_async_client`),
checks them when the object is made, makes the client through `zai_core.cached_client`
and pickles without secrets. `Zai`, `ZaiEmbedding` and the readers inherit it;
`ZaiToolSpec` and `ZaiTokenizer` (not pydantic models) hold one.

The key is a `SecretStr` that is never serialized: as LlamaIndex classes do, an object
rebuilt from `to_dict()` or a pickle reads it from the environment again on first use.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr, field_serializer

from zai_core.config import mask_credential_headers
from zai_core.settings import ConfigWordsModel

__all__ = ["ZaiSettings"]


class ZaiSettings(ConfigWordsModel):
    """The configuration words every LlamaIndex class of this package takes, and its client.

    Every word is checked when the object is made: a bad `base_url` or preset, a bad
    `timeout` or a negative `max_retries` raises `ValueError` at once.
    """

    api_key: SecretStr | None = Field(
        default=None,
        exclude=True,
        repr=False,
        description="Z.ai key; else ZAI_API_KEY, else ZHIPUAI_API_KEY (a gateway preset reads "
        "its own variable). Never serialized.",
    )
    base_url: str | None = Field(
        default=None,
        description="A URL or a preset (international, international-coding, mainland, ...); "
        "else ZAI_BASE_URL, else https://api.z.ai/api/paas/v4.",
    )
    timeout: Any = Field(
        default=None,
        description="Seconds or an httpx.Timeout; None: 600 s read (idle time between "
        "chunks), 10 s connect.",
    )
    max_retries: int = Field(
        default=2, ge=0, description="Retries after the first attempt (None means 2)."
    )
    total_timeout: float | None = Field(
        default=None,
        description="Seconds one call may take in all, every attempt and retry wait included "
        "(also per call: llm.chat(messages, total_timeout=30)); None: no bound beyond timeout "
        "per read. Past it: APITimeoutError.",
    )
    default_headers: dict[str, str] | None = Field(
        default=None,
        description="Extra headers on every request (credential values masked in repr and "
        "serialization).",
    )
    http_client: Any = Field(default=None, exclude=True, repr=False)
    http_async_client: Any = Field(default=None, exclude=True, repr=False)

    @field_serializer("timeout")
    def _serialize_timeout(self, value: Any) -> float | None:
        return float(value) if isinstance(value, (int, float)) else None

    @field_serializer("default_headers")
    def _serialize_headers(self, value: dict[str, str] | None) -> dict[str, str] | None:
        return mask_credential_headers(value)

    def __repr_args__(self) -> Any:
        """Credential values in ``default_headers`` are masked, as the key is hidden."""
        for name, value in super().__repr_args__():
            yield name, mask_credential_headers(value) if name == "default_headers" else value
