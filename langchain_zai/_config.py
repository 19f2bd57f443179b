"""The configuration words as LangChain classes resolve them (key, serialization)."""

from __future__ import annotations

from pydantic import SecretStr

from zai_core.config import env_api_key, resolve_surface

__all__ = ["key_secret_name", "resolve_key"]


def resolve_key(api_key: SecretStr | None, base_url: str | None) -> SecretStr | None:
    """The key given, else the one in the surface's own variables; a bad ``base_url`` raises.

    A gateway preset reads only its own variable, so ``ZAI_API_KEY`` never reaches a gateway.
    """
    resolve_surface(base_url)
    if api_key is not None:
        return api_key
    key = env_api_key(base_url)
    return SecretStr(key) if key else None


def key_secret_name(base_url: str | None) -> str:
    """The environment variable LangChain serialization names for the key (``lc_secrets``)."""
    return resolve_surface(base_url).key_env[0]
