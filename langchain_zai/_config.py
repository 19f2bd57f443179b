"""The configuration base of every LangChain class of this package.

`ZaiSettings` declares the configuration words once (`api_key`, `base_url`,
`timeout`, `max_retries`, `default_headers`, `http_client`, `http_async_client`),
checks them when the object is made, reads the key from the surface's own environment
variable, makes the client through `zai_core.cached_client`, pickles without secrets and
names the key for LangChain serialization. `ChatZai`, `ZaiEmbeddings`, the tools and the
retriever inherit it; the document loaders (not pydantic models) hold one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Self

from langchain_core.utils import from_env
from pydantic import AliasChoices, Field, SecretStr, field_serializer, model_validator

from zai_core.config import (
    check_api_key,
    env_api_key,
    is_credential_header,
    mask_credential_headers,
    resolve_surface,
)
from zai_core.settings import ConfigWordsModel

__all__ = ["ZaiSettings", "key_secret_name", "merge_options", "resolve_key"]


def resolve_key(api_key: SecretStr | None, base_url: str | None) -> SecretStr | None:
    """The key given, else the one in the surface's own variables; a bad `base_url` raises.

    A gateway preset reads only its own variable, so `ZAI_API_KEY` never reaches a gateway.
    """
    resolve_surface(base_url)
    if api_key is not None:
        check_api_key(api_key.get_secret_value())  # a clear error now, not at the first call
        return api_key
    key = env_api_key(base_url)
    return SecretStr(key) if key else None


def merge_options(defaults: Mapping[str, Any], **call: Any) -> dict[str, Any]:
    """Per-call values over an object's defaults, unset ones left out. Pure."""
    merged = {**defaults, **{k: v for k, v in call.items() if v is not None}}
    return {k: v for k, v in merged.items() if v is not None}


def key_secret_name(base_url: str | None) -> str:
    """The environment variable LangChain serialization names for the key (`lc_secrets`)."""
    return resolve_surface(base_url).key_env[0]


class ZaiSettings(ConfigWordsModel):
    """The configuration words every LangChain class of this package takes, and its client.

    Every word is checked when the object is made: a bad `base_url` or preset, a bad
    `timeout` or a negative `max_retries` raises `ValueError` at once.
    """

    api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("api_key", "zai_api_key")
    )
    """The key; default from the environment (`ZAI_API_KEY`, then `ZHIPUAI_API_KEY`; a
    gateway preset reads its own variable, never the Z.ai key). Never shown or serialized."""
    base_url: str | None = Field(
        default_factory=from_env("ZAI_BASE_URL", default=None),
        validation_alias=AliasChoices("base_url", "zai_api_base"),
    )
    """URL or surface preset (`"international"`, `"mainland"`...); default
    `ZAI_BASE_URL` or the international endpoint."""
    timeout: Any = Field(default=None, validation_alias=AliasChoices("timeout", "request_timeout"))
    """Seconds or an `httpx.Timeout`; default 600 s read (idle time between chunks) and
    10 s connect."""
    max_retries: int = Field(default=2, ge=0)
    """Retries after the first attempt (connection errors, 429, 5xx); `None` means 2."""
    total_timeout: float | None = None
    """Seconds one call may take in all, every attempt and retry wait included (also per
    call: `invoke(..., total_timeout=30)`); default `None`: no bound beyond `timeout`
    per read. Past it: `APITimeoutError`."""
    default_headers: dict[str, str] | None = None
    """Extra headers on every request; credential values (Authorization, `*-key`,
    `*token*`) are masked in `repr` and serialization."""
    http_client: Any = Field(default=None, exclude=True, repr=False)
    """Your own `httpx.Client` (default: a pooled shared client)."""
    http_async_client: Any = Field(default=None, exclude=True, repr=False)
    """Your own `httpx.AsyncClient` (default: a pooled shared client per event loop)."""

    @model_validator(mode="after")
    def _key_from_environment(self) -> Self:
        """The key of the chosen surface's own variables, when none was given."""
        key = resolve_key(self.api_key, self.base_url)
        if key is not self.api_key:  # (assigning re-runs validators where assignment is validated)
            self.api_key = key
        return self

    @property
    def lc_secrets(self) -> dict[str, str]:
        """The key is serialized as a reference to the surface's own variable, never as its
        value (`ZAI_API_KEY`; a gateway preset's variable, e.g. `LOWCODEAPI_API_KEY`);
        so are credential headers in `default_headers` (`ZAI_HEADER_<NAME>`)."""
        secrets = {"api_key": key_secret_name(self.base_url)}
        for name in self.default_headers or ():
            if is_credential_header(name):
                env = "ZAI_HEADER_" + re.sub(r"\W", "_", name).upper()
                secrets[f"default_headers.{name}"] = env
        return secrets

    def __repr_args__(self) -> Any:
        """Credential values in ``default_headers`` are masked, as the key is."""
        for name, value in super().__repr_args__():
            yield name, mask_credential_headers(value) if name == "default_headers" else value

    @field_serializer("default_headers")
    def _serialize_headers(self, value: dict[str, str] | None) -> dict[str, str] | None:
        return mask_credential_headers(value)
