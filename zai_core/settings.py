"""What both frameworks' configuration bases do with the configuration words (pydantic).

`ConfigWordsModel` is the behaviour behind `langchain_zai`'s and `llama_index_zai`'s
`ZaiSettings`: `max_retries=None` means the default, every word is checked when the object
is made (`zai_core.config.check_config_words`), the client comes from
`zai_core.cached_client` (a new one when a word changes) and pickling drops the key and
the client. Each framework declares the fields themselves, in its own house style (aliases and
`lc_secrets` for LangChain, field descriptions and a key that is never serialized for
LlamaIndex).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from pydantic import BaseModel, PrivateAttr, field_validator, model_validator

from .config import check_config_words, pickle_state_without_secrets
from .factory import ClientCache, cached_client
from .limits import check_total_timeout
from .transport import ChatTransport

__all__ = ["ConfigWordsModel"]


class ConfigWordsModel(BaseModel):
    """Checks, client and pickling for a pydantic model that declares the configuration words."""

    if TYPE_CHECKING:  # declared by each framework's subclass, with its own aliases and docs
        api_key: Any
        base_url: str | None
        timeout: Any
        max_retries: int
        total_timeout: float | None

    _client: ClientCache | None = PrivateAttr(default=None)

    @field_validator("max_retries", mode="before", check_fields=False)
    @classmethod
    def _default_retries(cls, value: Any) -> Any:
        return 2 if value is None else value

    @model_validator(mode="after")
    def _check_config_words(self) -> Self:
        """A bad URL, preset name, timeout, total_timeout or retry count fails now."""
        check_config_words(self.base_url, self.timeout, self.max_retries)
        check_total_timeout(self.total_timeout)
        return self

    def __getstate__(self) -> dict[Any, Any]:
        """Pickle without the key or the client (the key is read from the environment again)."""
        return pickle_state_without_secrets(super().__getstate__())

    @property
    def client(self) -> ChatTransport:
        """The client (made on first use, again when a configuration word changes)."""
        cached = self._client
        fresh = cached_client(self, cached)
        if fresh is not cached:  # a private attribute costs ~1.5 us to read or write
            self._client = fresh
        return fresh.client

    def _get_client(self) -> ChatTransport:
        """:attr:`client`."""
        return self.client
