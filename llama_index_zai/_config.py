"""The configuration base of every LlamaIndex class of this package.

:class:`ZaiSettings` declares the configuration words once (``api_key``, ``base_url``,
``timeout``, ``max_retries``, ``default_headers``, ``http_client``, ``http_async_client``),
checks them when the object is made, makes the client through :func:`zai_core.cached_client`
and pickles without secrets. ``Zai``, ``ZaiEmbedding`` and the readers inherit it;
``ZaiToolSpec`` and ``ZaiTokenizer`` (not pydantic models) hold one.

The key is a ``SecretStr`` that is never serialized: as LlamaIndex classes do, an object
rebuilt from ``to_dict()`` or a pickle reads it from the environment again on first use.
"""

from __future__ import annotations

from typing import Any

from pydantic import (
    BaseModel,
    Field,
    PrivateAttr,
    SecretStr,
    field_serializer,
    field_validator,
    model_validator,
)
from typing_extensions import Self

from zai_core import ChatTransport, ClientCache, cached_client
from zai_core.config import check_config_words, pickle_state_without_secrets

__all__ = ["ZaiSettings"]


class ZaiSettings(BaseModel):
    """The configuration words every LlamaIndex class of this package takes, and its client.

    Every word is checked when the object is made: a bad ``base_url`` or preset, a bad
    ``timeout`` or a negative ``max_retries`` raises ``ValueError`` at once.
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
    default_headers: dict[str, str] | None = Field(
        default=None, description="Extra headers on every request."
    )
    http_client: Any = Field(default=None, exclude=True, repr=False)
    http_async_client: Any = Field(default=None, exclude=True, repr=False)

    _client: ClientCache | None = PrivateAttr(default=None)

    @field_validator("max_retries", mode="before")
    @classmethod
    def _default_retries(cls, value: Any) -> Any:
        return 2 if value is None else value

    @model_validator(mode="after")
    def _check_config_words(self) -> Self:
        """A bad URL, preset name, timeout or retry count fails now, not on the first call."""
        check_config_words(self.base_url, self.timeout, self.max_retries)
        return self

    @field_serializer("timeout")
    def _serialize_timeout(self, value: Any) -> float | None:
        return float(value) if isinstance(value, (int, float)) else None

    def __getstate__(self) -> dict[Any, Any]:
        """Pickle without the key or the client (the key is read from the environment again)."""
        return pickle_state_without_secrets(super().__getstate__())

    @property
    def client(self) -> ChatTransport:
        """The client (made on first use, again when a configuration word changes)."""
        self._client = cached_client(self, self._client)
        return self._client.client

    def _get_client(self) -> ChatTransport:
        """:attr:`client`."""
        return self.client
