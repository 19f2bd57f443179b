"""Configuration shared by every class of both packages: key, base URL, timeout, retries.

The same words everywhere: ``api_key``, ``base_url``, ``timeout``, ``max_retries``,
``default_headers``. ``base_url`` takes a URL or the name of a surface preset
(:data:`SURFACES`); a preset also knows how that surface authenticates and whether it wraps
its answers (the LowCodeAPI gateway puts the key in a query parameter and wraps bodies in
``{"data": ...}``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import httpx

from .errors import ZaiError

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "SURFACES",
    "MissingAPIKeyError",
    "Surface",
    "ZaiConfig",
    "resolve_api_key",
    "resolve_surface",
    "resolve_timeout",
]

DEFAULT_BASE_URL = "https://api.z.ai/api/paas/v4"
#: Read timeout is the idle time allowed between two stream chunks: thinking models pause.
DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=10.0)

TimeoutLike = float | int | httpx.Timeout | None


class MissingAPIKeyError(ZaiError, ValueError):
    """No API key was given and none is set in the environment."""


@dataclass(frozen=True)
class Surface:
    """Where requests go and how they authenticate.

    Attributes:
        name: preset name, or ``"custom"`` for a plain URL.
        base_url: prefix every endpoint path is joined to.
        auth: ``"bearer"`` (``Authorization: Bearer <key>``) or ``"query"`` (key in
            ``query_param``).
        query_param: name of the query parameter that carries the key when ``auth="query"``.
        envelope: key that wraps every JSON answer (``"data"`` on LowCodeAPI), or ``None``.
        path_bases: per-endpoint base URLs where a gateway serves a path under another prefix.
    """

    name: str
    base_url: str
    auth: Literal["bearer", "query"] = "bearer"
    query_param: str = "api_token"
    envelope: str | None = None
    path_bases: Mapping[str, str] = field(default_factory=dict)

    def url_for(self, path: str) -> str:
        """The full URL of an endpoint path such as ``/chat/completions``."""
        base = self.path_bases.get(path, self.base_url)
        return base.rstrip("/") + "/" + path.lstrip("/")


_LOWCODE_TOOLS = "https://api.lowcodeapi.com/zai/paas/v4"
_LOWCODE_PATHS = {p: _LOWCODE_TOOLS for p in ("/tokenizer", "/web_search", "/reader")}

#: Named surfaces: Z.ai's four endpoints and the gateways in front of the same API.
SURFACES: dict[str, Surface] = {
    "international": Surface("international", DEFAULT_BASE_URL),
    "international-coding": Surface("international-coding", "https://api.z.ai/api/coding/paas/v4"),
    "mainland": Surface("mainland", "https://open.bigmodel.cn/api/paas/v4"),
    "mainland-coding": Surface("mainland-coding", "https://open.bigmodel.cn/api/coding/paas/v4"),
    "powertokens": Surface("powertokens", "https://api.powertokens.ai/v1"),
    "lowcodeapi": Surface(
        "lowcodeapi",
        "https://api.lowcodeapi.com/zai/api/paas/v4",
        auth="query",
        envelope="data",
        path_bases=_LOWCODE_PATHS,
    ),
    "lowcodeapi-coding": Surface(
        "lowcodeapi-coding",
        "https://api.lowcodeapi.com/zai/api/coding/paas/v4",
        auth="query",
        envelope="data",
        path_bases=_LOWCODE_PATHS,
    ),
}
SURFACES["coding"] = SURFACES["international-coding"]
SURFACES["zai"] = SURFACES["international"]
SURFACES["bigmodel"] = SURFACES["mainland"]


def resolve_surface(base_url: str | None) -> Surface:
    """A :class:`Surface` from a preset name, a URL, ``ZAI_BASE_URL`` or the default."""
    value = (base_url or os.environ.get("ZAI_BASE_URL") or DEFAULT_BASE_URL).strip()
    if value in SURFACES:
        return SURFACES[value]
    if not value.startswith(("http://", "https://")):
        names = ", ".join(sorted(SURFACES))
        raise ValueError(f"base_url {value!r} is neither an http(s) URL nor a preset ({names})")
    for surface in SURFACES.values():
        if surface.base_url == value.rstrip("/"):
            return surface
    return Surface("custom", value.rstrip("/"))


def resolve_api_key(api_key: str | None) -> str:
    """The key given, else ``ZAI_API_KEY``, else ``ZHIPUAI_API_KEY``; a clear error if none."""
    key = api_key or os.environ.get("ZAI_API_KEY") or os.environ.get("ZHIPUAI_API_KEY")
    if not key:
        raise MissingAPIKeyError(
            "No Z.ai API key: pass api_key=... or set ZAI_API_KEY (ZHIPUAI_API_KEY also works)."
        )
    return key


def resolve_timeout(timeout: TimeoutLike) -> httpx.Timeout:
    """``None`` means the default (600 s read, 10 s connect); a number sets every phase."""
    if timeout is None:
        return DEFAULT_TIMEOUT
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if timeout <= 0:
        raise ValueError(f"timeout must be positive, got {timeout!r}")
    return httpx.Timeout(float(timeout))


@dataclass(frozen=True)
class ZaiConfig:
    """Resolved configuration of one client. The key never appears in ``repr``."""

    api_key: str = field(repr=False)
    surface: Surface
    timeout: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)
    max_retries: int = 2
    default_headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def resolve(
        cls,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: TimeoutLike = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> ZaiConfig:
        """Build a config from user words, filling gaps from the environment."""
        retries = 2 if max_retries is None else max_retries
        if retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {retries}")
        return cls(
            api_key=resolve_api_key(api_key),
            surface=resolve_surface(base_url),
            timeout=resolve_timeout(timeout),
            max_retries=retries,
            default_headers=dict(default_headers or {}),
        )
