"""Configuration shared by every class of both packages: key, base URL, timeout, retries.

The same words everywhere: `api_key`, `base_url`, `timeout`, `max_retries`,
`default_headers`. `base_url` takes a URL or the name of a surface preset
(`SURFACES`); a preset also knows how that surface authenticates, where it reads its
key from, whether it wraps its answers and how it is spoken to:

- Z.ai's own endpoints (`international`, `international-coding`, `mainland`,
  `mainland-coding`): `Authorization: Bearer`, key from `ZAI_API_KEY` /
  `ZHIPUAI_API_KEY`.
- LowCodeAPI (`lowcodeapi`, `lowcodeapi-coding`): the key in the `api_token` query
  parameter, every answer and error wrapped in `{"data": ...}`, the tool endpoints under
  `/zai/paas/v4` and image generation at `/generate/image`; key from
  `LOWCODEAPI_API_KEY`.
- PowerTokens (`powertokens`): OpenAI-style `/v1/chat/completions` with a Bearer
  token; key from `POWERTOKENS_API_KEY`.
- xpay (`xpay`): the MCP tool `zai_chat_completion` at `https://zai.mcp.xpay.sh/mcp`
  (`transport="mcp"`, served by `zai_core.xpay.XpayClient`); key from
  `XPAY_API_KEY`, sent as the `key` query parameter.

A gateway never falls back to `ZAI_API_KEY`: a Z.ai key is not sent to a third party
unless it is passed explicitly as `api_key`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

import httpx

from .errors import ZaiError
from .limits import check_total_timeout

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "ROOT_PATHS",
    "SURFACES",
    "ZAI_KEY_ENV",
    "MissingAPIKeyError",
    "Surface",
    "ZaiConfig",
    "check_api_key",
    "check_config_words",
    "env_api_key",
    "is_credential_header",
    "mask_credential_headers",
    "pickle_state_without_secrets",
    "resolve_api_key",
    "resolve_surface",
    "resolve_timeout",
]

DEFAULT_BASE_URL = "https://api.z.ai/api/paas/v4"
#: Read timeout is the idle time allowed between two stream chunks: thinking models pause.
DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=10.0)

TimeoutLike = float | int | httpx.Timeout | None

#: Endpoints that hang from the API root beside ``/paas/v4``, not under it: docs.z.ai puts the
#: agents at ``https://api.z.ai/api/v1/agents`` (mainland: ``https://open.bigmodel.cn/api/...``;
#: LowCodeAPI: ``https://api.lowcodeapi.com/zai/api/v1/agents``, seeds/003 "Agent Chat").
AGENT_CHAT_PATH = "/v1/agents"
AGENT_RESULT_PATH = "/v1/agents/async-result"
AGENT_CONVERSATION_PATH = "/v1/agents/conversation"
ROOT_PATHS = frozenset({AGENT_CHAT_PATH, AGENT_RESULT_PATH, AGENT_CONVERSATION_PATH})
#: The versioned suffixes a base URL drops to give its API root (longest first).
_VERSIONED_SUFFIXES = ("/coding/paas/v4", "/paas/v4")

#: Where Z.ai's own surfaces (and custom URLs) read the key from, in order.
ZAI_KEY_ENV: tuple[str, ...] = ("ZAI_API_KEY", "ZHIPUAI_API_KEY")


class MissingAPIKeyError(ZaiError, ValueError):
    """No API key was given and none is set in the environment."""


@dataclass(frozen=True)
class Surface:
    """Where requests go and how they authenticate.

    Attributes:
        name: preset name, or `"custom"` for a plain URL.
        base_url: prefix every endpoint path is joined to.
        auth: `"bearer"` (`Authorization: Bearer <key>`) or `"query"` (key in
            `query_param`).
        query_param: name of the query parameter that carries the key when `auth="query"`.
        envelope: key that wraps every JSON answer (`"data"` on LowCodeAPI), or `None`.
        path_bases: per-endpoint base URLs where a gateway serves a path under another prefix.
        path_aliases: per-endpoint paths where a gateway names an endpoint differently
            (LowCodeAPI serves `/images/generations` as `/generate/image`).
        key_env: environment variables the key is read from, in order, when no `api_key`
            is given.
        transport: `"http"` (Z.ai's REST API, `zai_core.ZaiClient`) or `"mcp"`
            (an MCP tool, `zai_core.xpay.XpayClient`).
    """

    name: str
    base_url: str
    auth: Literal["bearer", "query"] = "bearer"
    query_param: str = "api_token"
    envelope: str | None = None
    path_bases: Mapping[str, str] = field(default_factory=dict)
    path_aliases: Mapping[str, str] = field(default_factory=dict)
    key_env: tuple[str, ...] = ZAI_KEY_ENV
    transport: Literal["http", "mcp"] = "http"

    def url_for(self, path: str) -> str:
        """The full URL of an endpoint path such as `/chat/completions`.

        Paths in `ROOT_PATHS` (the agents) join the API root instead of the base URL.
        A query string in the base URL (`...?api-version=2`) stays at the end.
        """
        base = self.path_bases.get(path)
        if base is None:
            base = self.api_root() if path in ROOT_PATHS else self.base_url
        path = self.path_aliases.get(path, path)
        base, mark, query = base.partition("?")
        return base.rstrip("/") + "/" + path.lstrip("/") + mark + query

    def api_root(self) -> str:
        """The base URL without its `/paas/v4` (or `/coding/paas/v4`) suffix.

        `https://api.z.ai/api/paas/v4` -> `https://api.z.ai/api`; the coding plan's root is
        the general one (agents are not part of the plan).

        Raises:
            ValueError: the base URL has no such suffix (PowerTokens, a custom URL), so where
                the agents live cannot be derived.
        """
        base = self.base_url.rstrip("/")
        for suffix in _VERSIONED_SUFFIXES:
            if base.endswith(suffix):
                return base[: -len(suffix)]
        raise ValueError(
            f"Z.ai's agents live beside /paas/v4 (https://api.z.ai/api/v1/agents); base_url "
            f"{self.base_url!r} ({self.name}) does not end in /paas/v4, so their address cannot "
            "be derived: use base_url='international', 'mainland', 'lowcodeapi' or a URL ending "
            "in /api/paas/v4"
        )


_LOWCODE_API = "https://api.lowcodeapi.com/zai/api/paas/v4"
_LOWCODE_CODING = "https://api.lowcodeapi.com/zai/api/coding/paas/v4"
_LOWCODE_TOOLS = "https://api.lowcodeapi.com/zai/paas/v4"
_LOWCODE_PATHS = {p: _LOWCODE_TOOLS for p in ("/tokenizer", "/web_search", "/reader")}
#: LowCodeAPI's own names for Z.ai endpoints (``seeds/003``: "Generate Image").
_LOWCODE_ALIASES = {"/images/generations": "/generate/image"}
_LOWCODE_KEY_ENV = ("LOWCODEAPI_API_KEY",)

#: Named surfaces: Z.ai's four endpoints and the gateways in front of the same API.
SURFACES: dict[str, Surface] = {
    "international": Surface("international", DEFAULT_BASE_URL),
    "international-coding": Surface("international-coding", "https://api.z.ai/api/coding/paas/v4"),
    "mainland": Surface("mainland", "https://open.bigmodel.cn/api/paas/v4"),
    "mainland-coding": Surface("mainland-coding", "https://open.bigmodel.cn/api/coding/paas/v4"),
    "powertokens": Surface(
        "powertokens", "https://api.powertokens.ai/v1", key_env=("POWERTOKENS_API_KEY",)
    ),
    "lowcodeapi": Surface(
        "lowcodeapi",
        _LOWCODE_API,
        auth="query",
        envelope="data",
        path_bases=_LOWCODE_PATHS,
        path_aliases=_LOWCODE_ALIASES,
        key_env=_LOWCODE_KEY_ENV,
    ),
    # Only chat has a coding-plan path on LowCodeAPI; every other endpoint is the general one.
    "lowcodeapi-coding": Surface(
        "lowcodeapi-coding",
        _LOWCODE_API,
        auth="query",
        envelope="data",
        path_bases={**_LOWCODE_PATHS, "/chat/completions": _LOWCODE_CODING},
        path_aliases=_LOWCODE_ALIASES,
        key_env=_LOWCODE_KEY_ENV,
    ),
    "xpay": Surface(
        "xpay",
        "https://zai.mcp.xpay.sh/mcp",
        auth="query",
        query_param="key",
        key_env=("XPAY_API_KEY",),
        transport="mcp",
    ),
}
SURFACES["coding"] = SURFACES["international-coding"]
SURFACES["zai"] = SURFACES["international"]
SURFACES["bigmodel"] = SURFACES["mainland"]

#: Other spellings of a gateway's address that mean its preset (the seeds' "base endpoint").
_URL_ALIASES = {
    "https://api.lowcodeapi.com/zai": "lowcodeapi",
    _LOWCODE_CODING: "lowcodeapi-coding",
    "https://api.powertokens.ai": "powertokens",
}
#: Query parameter names that carry a credential (matched inside the name, any case).
_SECRET_QUERY_WORDS = ("key", "token", "auth", "secret", "password", "passwd", "signature")


def _credential_in_url(url: str) -> str | None:
    """What in ``url`` is a credential (a ``user:password@`` part, a key-like parameter)."""
    split = urlsplit(url)
    if split.username is not None or split.password is not None:
        return "a user:password@ part"
    for name, _value in parse_qsl(split.query, keep_blank_values=True):
        lowered = name.lower().replace("-", "").replace("_", "")
        if any(word in lowered for word in _SECRET_QUERY_WORDS):
            return f"the query parameter {name!r}"
    return None


def resolve_surface(base_url: str | None) -> Surface:
    """A `Surface` from a preset name, a URL, `ZAI_BASE_URL` or the default.

    Raises:
        ValueError: the value is neither a URL nor a preset, or it carries a key in its
            query string (`base_url` is logged and serialized; the key goes in `api_key`).
    """
    value = (base_url or os.environ.get("ZAI_BASE_URL") or DEFAULT_BASE_URL).strip()
    if value in SURFACES:
        return SURFACES[value]
    if not value.startswith(("http://", "https://")):
        names = ", ".join(sorted(SURFACES))
        raise ValueError(f"base_url {value!r} is neither an http(s) URL nor a preset ({names})")
    url = value.partition("?")[0]
    credential = _credential_in_url(value)
    if credential is not None:
        raise ValueError(
            f"base_url carries a credential ({credential}); pass the URL without it and the "
            "key as api_key=... (or its environment variable): base_url is logged and serialized"
        )
    if "mcp.xpay.sh" in url and url.rstrip("/") != SURFACES["xpay"].base_url:
        raise ValueError(
            f"base_url {url!r} is not supported: use base_url='xpay' (the Z.ai MCP endpoint "
            "https://zai.mcp.xpay.sh/mcp and its tool zai_chat_completion)"
        )
    value = value.rstrip("/")
    if value in _URL_ALIASES:
        return SURFACES[_URL_ALIASES[value]]
    for surface in SURFACES.values():
        if surface.base_url == value:
            return surface
    return Surface("custom", value)


def resolve_api_key(api_key: str | None, env_vars: tuple[str, ...] = ZAI_KEY_ENV) -> str:
    """The key given, else the first of `env_vars` that is set; a clear error if none.

    `env_vars` defaults to `ZAI_API_KEY` then `ZHIPUAI_API_KEY`; a gateway preset
    names its own variable (`Surface.key_env`).
    """
    key = api_key or next((os.environ[n] for n in env_vars if os.environ.get(n)), None)
    key = check_api_key(key) if key else key
    if not key:
        if env_vars == ZAI_KEY_ENV:
            raise MissingAPIKeyError(
                "No Z.ai API key: pass api_key=... or set ZAI_API_KEY (ZHIPUAI_API_KEY also works)."
            )
        raise MissingAPIKeyError(
            f"No API key for this gateway: pass api_key=... or set {' or '.join(env_vars)} "
            "(a gateway never falls back to ZAI_API_KEY: the Z.ai key is not sent to a third "
            "party unless passed explicitly)."
        )
    return key


def check_api_key(key: str) -> str:
    """`key` without surrounding whitespace (a key read from a file ends in a newline).

    Raises:
        ValueError: the key holds a control character or a character HTTP headers cannot
            carry (the message never quotes the key).
    """
    stripped = key.strip()
    for position, char in enumerate(stripped):
        if ord(char) < 0x20 or ord(char) == 0x7F or ord(char) > 0xFF or char == " ":
            raise ValueError(
                f"the API key holds a character that cannot be sent ({_char_name(char)} at "
                f"position {position} of {len(stripped)}); check where the key was read from"
            )
    return stripped


_CREDENTIAL_HEADER_WORDS = ("authorization", "key", "token", "secret", "cookie", "password")
MASK = "**********"


def is_credential_header(name: str) -> bool:
    """Whether a header's value is a credential (Authorization, `*-key`, `*token*`...)."""
    lowered = name.lower()
    return any(word in lowered for word in _CREDENTIAL_HEADER_WORDS)


def mask_credential_headers(headers: Mapping[str, str] | None) -> dict[str, str] | None:
    """`headers` with credential values replaced by `**********` (for repr and dumps)."""
    if headers is None:
        return None
    return {k: MASK if is_credential_header(k) else v for k, v in headers.items()}


def _char_name(char: str) -> str:
    return "a space" if char == " " else f"U+{ord(char):04X}"


def env_api_key(base_url: str | None) -> str | None:
    """The key the environment holds for `base_url`'s surface (its own variables), or None.

    For classes that resolve their key when built: a gateway preset never picks up
    `ZAI_API_KEY`.
    """
    names = resolve_surface(base_url).key_env
    return next((os.environ[n] for n in names if os.environ.get(n)), None)


def resolve_timeout(timeout: TimeoutLike) -> httpx.Timeout:
    """`None` means the default (600 s read, 10 s connect); a number sets every phase."""
    if timeout is None:
        return DEFAULT_TIMEOUT
    if isinstance(timeout, httpx.Timeout):
        phases = (timeout.connect, timeout.read, timeout.write, timeout.pool)
        if any(p is not None and not (math.isfinite(p) and p > 0) for p in phases):
            raise ValueError(f"every timeout phase must be a finite number > 0, got {timeout!r}")
        return timeout
    if isinstance(timeout, bool) or not math.isfinite(timeout) or timeout <= 0:
        raise ValueError(f"timeout must be a finite number of seconds > 0, got {timeout!r}")
    return httpx.Timeout(float(timeout))


def check_config_words(base_url: str | None, timeout: Any, max_retries: int | None) -> Surface:
    """The checks every integration class runs on its configuration words when it is made.

    Returns the surface `base_url` names (`ZAI_BASE_URL` or the default when `None`).

    Raises:
        ValueError: `base_url` is neither a URL nor a preset (or carries a key),
            `timeout` is not positive, or `max_retries` is negative.
    """
    if max_retries is not None and max_retries < 0:
        raise ValueError(f"max_retries must be >= 0, got {max_retries}")
    resolve_timeout(timeout)
    return resolve_surface(base_url)


@dataclass(frozen=True)
class ZaiConfig:
    """Resolved configuration of one client. The key never appears in `repr`."""

    api_key: str = field(repr=False)
    surface: Surface
    timeout: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)
    max_retries: int = 2
    default_headers: Mapping[str, str] = field(default_factory=dict)
    #: Wall-clock bound on one call across every attempt and retry wait (``None``: none).
    total_timeout: float | None = None

    @classmethod
    def resolve(
        cls,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: TimeoutLike = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        total_timeout: float | None = None,
    ) -> ZaiConfig:
        """Build a config from user words, filling gaps from the environment."""
        retries = 2 if max_retries is None else max_retries
        if retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {retries}")
        surface = resolve_surface(base_url)
        return cls(
            api_key=resolve_api_key(api_key, surface.key_env),
            surface=surface,
            timeout=resolve_timeout(timeout),
            max_retries=retries,
            default_headers=dict(default_headers or {}),
            total_timeout=check_total_timeout(total_timeout),
        )


def pickle_state_without_secrets(state: dict[Any, Any]) -> dict[Any, Any]:
    """An object's pickle state without its key and without the client that holds it.

    For the integration classes' `__getstate__`: `state` is a pydantic model's state
    (`__dict__` and `__pydantic_private__` inside) or a plain object's `__dict__`. The
    unpickled object reads its key from the environment again and makes a new client on first
    use. Never mutates `state`.
    """
    if "__pydantic_private__" in state and isinstance(state.get("__dict__"), dict):
        out = dict(state)
        out["__dict__"] = {**state["__dict__"], "api_key": None}
        private = state["__pydantic_private__"]
        if private:
            out["__pydantic_private__"] = {**private, "_client": None}
        return out
    return {**state, "api_key": None, "_client": None}
