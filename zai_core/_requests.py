"""The HTTP request of one attempt: URL, headers, body and timeouts, built by
`RequestBuilder` for `zai_core.client.ClientPolicy`.

A JSON request is built here rather than by `httpx.Client.build_request`: httpx merges the
client's headers with the request's again on every request, and encodes the body with a new
`json.JSONEncoder` each time, which together cost about half of a call's own overhead. The
result is the same request, byte for byte (`tests/unit/core/test_request_build.py` compares
the two for several kinds of client); a client with cookies or query parameters of its own,
and every request with files, form data or query parameters, takes httpx's own path.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from ._version import __version__
from .config import TimeoutLike, ZaiConfig, resolve_timeout
from .limits import NO_DEADLINE, Deadline

__all__ = ["USER_AGENT", "RequestBuilder"]

USER_AGENT = f"zai-integrations/{__version__} (python; httpx)"
#: httpx's own encoding of a `json=` body (compact, UTF-8, no NaN): the same bytes
#: whichever way a request is built.
_JSON_BODY = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)

Client = httpx.Client | httpx.AsyncClient
#: (the client's headers object, its items then, merged with ours)
_Merged = tuple[httpx.Headers, list[tuple[bytes, bytes]], httpx.Headers]


def _surrogate_at(value: Any, path: str) -> str | None:
    """Where in a JSON body the first lone surrogate is (`messages[0].content, position 3`)."""
    if isinstance(value, str):
        for position, char in enumerate(value):
            if "\ud800" <= char <= "\udfff":
                return f"{path or 'the body'}, position {position},"
        return None
    if isinstance(value, dict):
        items: Any = ((f"{path}.{k}" if path else str(k), v) for k, v in value.items())
    elif isinstance(value, list):
        items = ((f"{path}[{i}]", v) for i, v in enumerate(value))
    else:
        return None
    for sub_path, sub in items:
        found = _surrogate_at(sub, sub_path)
        if found:
            return found
    return None


class RequestBuilder:
    """The requests of one client configuration: its headers, key and URLs, prepared once.

    Args:
        config: the client's configuration (surface, key, timeouts, extra headers).
    """

    def __init__(self, config: ZaiConfig) -> None:
        self.config = config
        surface = config.surface
        headers = {"User-Agent": USER_AGENT, "Accept-Language": "en-US,en"}
        if surface.auth == "bearer":
            headers["Authorization"] = f"Bearer {config.api_key}"
        headers.update(config.default_headers)
        #: Per stream flag; built once (httpx normalizes a plain dict on every request).
        self.headers = {
            stream: httpx.Headers(
                {**headers, "Accept": "text/event-stream" if stream else "application/json"}
            )
            for stream in (False, True)
        }
        self.params = {surface.query_param: config.api_key} if surface.auth == "query" else None
        self._urls: dict[str, httpx.URL] = {}
        self._merged: dict[tuple[bool, bool], _Merged] = {}

    def build(
        self,
        client: Client,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: Mapping[str, Any] | None = None,
        files: Any = None,
        data: Mapping[str, Any] | None = None,
        stream: bool = False,
        timeout: TimeoutLike = None,
        deadline: Deadline = NO_DEADLINE,
    ) -> httpx.Request:
        """The request, its timeouts cut to `deadline`.

        Raises:
            ValueError: the body holds a lone surrogate (it cannot be sent as UTF-8).
        """
        resolved = self.config.timeout if timeout is None else resolve_timeout(timeout)
        plain_json = json_body is not None and not (params or self.params or files or data)
        try:
            if plain_json and not self._own_state(client):
                return self._json_request(
                    client, method, path, json_body, stream, resolved, deadline
                )
            query = {**(params or {}), **(self.params or {})}
            return client.build_request(
                method,
                self.url(path),
                json=json_body,
                params=query or None,
                files=files,
                data=data,
                headers=self.headers[stream],
                timeout=deadline.clip(resolved),
            )
        except UnicodeEncodeError as exc:
            where = _surrogate_at(json_body, "") or "the request"
            raise ValueError(
                f"{where} holds a lone surrogate (half of a UTF-16 pair, often from text "
                "decoded with errors='surrogateescape'); it cannot be sent as UTF-8"
            ) from exc

    def url(self, path: str) -> httpx.URL:
        """The parsed URL of `path`, parsed once (parsing costs ~5% of a call)."""
        url = self._urls.get(path)
        if url is None:
            url = httpx.URL(self.config.surface.url_for(path))
            if len(self._urls) < 64:  # paths with ids (/async-result/<id>) are not kept
                self._urls[path] = url
        return url

    def _json_request(
        self,
        client: Client,
        method: str,
        path: str,
        json_body: Any,
        stream: bool,
        timeout: httpx.Timeout,
        deadline: Deadline,
    ) -> httpx.Request:
        """What `client.build_request(method, url, json=json_body, ...)` builds, with the
        headers merged once per client instead of on every request."""
        request = httpx.Request(
            method,
            self.url(path),
            content=_JSON_BODY.encode(json_body).encode("utf-8"),
            headers=self._client_headers(client, stream),
            extensions={"timeout": deadline.clip(timeout).as_dict()},
        )
        # After Content-Length, as httpx puts it; a client's own Content-Type wins, as in httpx.
        request.headers.setdefault("Content-Type", "application/json")
        return request

    @staticmethod
    def _own_state(client: Client) -> bool:
        """Whether `client` carries cookies or query parameters of its own, which httpx's
        `build_request` merges into each request."""
        return bool(client.cookies or client.params)

    def _client_headers(self, client: Client, stream: bool) -> httpx.Headers:
        """`client`'s own headers with ours on top: merged again only when the client or its
        headers change (a request copies them, so the merged object is never edited)."""
        own = client.headers
        raw = own.raw
        key = (stream, isinstance(client, httpx.AsyncClient))
        kept = self._merged.get(key)
        if kept is not None and kept[0] is own and kept[1] == raw:
            return kept[2]
        merged = httpx.Headers(own)
        merged.update(self.headers[stream])
        self._merged[key] = (own, raw, merged)
        return merged
