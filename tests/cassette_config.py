"""VCR settings shared by every cassette-backed test (integration tests, cookbooks).

- Replay only by default: pytest-recording's record mode stays ``none`` (never set
  ``record_mode`` here: it would override ``--record-mode`` and reach the network).
- Recording without ``ZAI_API_KEY`` routes the shared transport to the in-process emulator;
  with the key it talks to the live API.
- Nothing that can carry a key is stored: every request header but content-type is dropped,
  the ``api_token`` query parameter is removed, response headers are reduced to
  content-type, and request and response bodies are scrubbed (:func:`scrub_text`): the keys
  of the environment become the placeholder key, bearer tokens, key query parameters and
  Z.ai-shaped keys become ``<redacted>``.
- Requests match on method, scheme, host, port, path, query (minus the key) and JSON body
  (key-order-insensitive; multipart bodies match on their form fields, files by hash).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SECRET_QUERY_PARAMS = frozenset({"api_token", "api_key", "key", "token"})
KEPT_HEADERS = frozenset({"content-type"})
#: Environment variables whose values are keys (Z.ai's and the gateways').
SECRET_ENV = (
    "ZAI_API_KEY",
    "ZHIPUAI_API_KEY",
    "LOWCODEAPI_API_KEY",
    "POWERTOKENS_API_KEY",
    "XPAY_API_KEY",
)
PLACEHOLDER_KEY = "placeholder-id.placeholder-secret"
REDACTED = "<redacted>"
#: Key-shaped text in a body, whatever its origin -> its replacement.
BODY_PATTERNS = (
    (re.compile(r"\bBearer\s+(?!<redacted>)[A-Za-z0-9._\-]+", re.IGNORECASE), "Bearer " + REDACTED),
    (
        re.compile(r"([?&](?:key|token|api_token|api_key)=)(?!<redacted>)[^&\s\"'\\]+", re.I),
        r"\g<1>" + REDACTED,
    ),
    (re.compile(r"[0-9a-f]{32}\.[A-Za-z0-9]{16}"), REDACTED),
)


def _secrets() -> list[str]:
    values = {os.environ.get(name, "") for name in SECRET_ENV}
    return sorted(v for v in values if len(v) >= 8 and "placeholder" not in v)


def scrub_text(text: str) -> str:
    """``text`` with every key of the environment and every key-shaped string replaced.

    A key of the environment becomes the placeholder key (so a request body that held it
    still matches on replay, when the placeholder is sent); the patterns of
    :data:`BODY_PATTERNS` become ``<redacted>``.
    """
    for secret in _secrets():
        text = text.replace(secret, PLACEHOLDER_KEY)
    for pattern, replacement in BODY_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def scrub_body(body: Any) -> Any:
    """A request or response body (bytes, str or None) scrubbed; binary bodies by key only."""
    if isinstance(body, str):
        return scrub_text(body)
    if isinstance(body, bytes):
        try:
            return scrub_text(body.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:  # an upload: only the environment's keys can be found
            for secret in _secrets():
                body = body.replace(secret.encode(), PLACEHOLDER_KEY.encode())
            return body
    return body


def _strip_query(uri: str) -> str:
    parts = urlsplit(uri)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in SECRET_QUERY_PARAMS]
    return urlunsplit(parts._replace(query=urlencode(query)))


def scrub_request(request: Any) -> Any:
    """Drop every header but content-type and key-bearing query parameters; scrub the body."""
    request.headers = {k: v for k, v in request.headers.items() if k.lower() in KEPT_HEADERS}
    request.uri = _strip_query(request.uri)
    request.body = scrub_body(request.body)
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """Keep only the content-type header of a response; scrub its body."""
    response["headers"] = {
        k: v for k, v in response.get("headers", {}).items() if k.lower() in KEPT_HEADERS
    }
    body = response.get("body")
    if isinstance(body, dict) and "string" in body:
        body["string"] = scrub_body(body["string"])
    return response


def _body(request: Any) -> Any:
    raw = request.body or b""
    if isinstance(raw, str):
        raw = raw.encode()
    content_type = next((v for k, v in request.headers.items() if k.lower() == "content-type"), "")
    if isinstance(content_type, list):
        content_type = content_type[0] if content_type else ""
    if "multipart" in content_type:
        return _multipart_fields(raw, content_type)
    try:
        return _normalise_tool_call_ids(json.loads(raw)) if raw else None
    except (ValueError, UnicodeDecodeError):
        return raw


def _multipart_fields(raw: bytes, content_type: str) -> list[tuple[str, str]]:
    """A multipart body as sorted (field, value) pairs; a file part is (field, sha256 of it).

    The boundary is random per request, so bodies are compared by their fields instead.
    """
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        return [("<unparsed>", hashlib.sha256(raw).hexdigest())]
    fields = []
    for part in raw.split(b"--" + match.group(1).encode()):
        head, _, value = part.partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]*)"', head)
        if name is None:
            continue
        value = value[:-2] if value.endswith(b"\r\n") else value
        if b"filename=" in head:
            fields.append((name.group(1).decode(), "sha256:" + hashlib.sha256(value).hexdigest()))
        else:
            fields.append((name.group(1).decode(), value.decode("utf-8", "replace")))
    return sorted(fields)


def _normalise_tool_call_ids(body: Any) -> Any:
    """Chat bodies with tool-call ids renamed by first appearance (``id0``, ``id1``...).

    LangChain's ``tool_example_to_messages`` and agents mint uuid4 ids that differ on every
    run; matching on the order in which ids appear keeps the check on everything else.
    """
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        return body
    names: dict[str, str] = {}

    def rename(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return names.setdefault(value, f"id{len(names)}")

    messages = []
    for message in body["messages"]:
        if isinstance(message, dict):
            message = dict(message)
            if "tool_call_id" in message:
                message["tool_call_id"] = rename(message["tool_call_id"])
            if isinstance(message.get("tool_calls"), list):
                message["tool_calls"] = [
                    {**c, "id": rename(c.get("id"))} if isinstance(c, dict) else c
                    for c in message["tool_calls"]
                ]
        messages.append(message)
    return {**body, "messages": messages}


def json_body_matcher(r1: Any, r2: Any) -> None:
    """Match JSON bodies by value (key order ignored)."""
    assert _body(r1) == _body(r2), "request bodies differ"


def query_matcher(r1: Any, r2: Any) -> None:
    """Match query strings without the key-bearing parameters."""
    assert sorted(parse_qsl(urlsplit(_strip_query(r1.uri)).query)) == sorted(
        parse_qsl(urlsplit(_strip_query(r2.uri)).query)
    ), "queries differ"


VCR_CONFIG: dict[str, Any] = {
    "filter_headers": ["authorization", "x-api-key", "api-key", "cookie"],
    "filter_query_parameters": sorted(SECRET_QUERY_PARAMS),
    "before_record_request": scrub_request,
    "before_record_response": scrub_response,
    "decode_compressed_response": True,
    "match_on": ["method", "scheme", "host", "port", "path", "safe_query", "json_body"],
    "allow_playback_repeats": True,
}


def register(vcr: Any) -> None:
    """Register the custom matchers on a VCR instance."""
    vcr.register_matcher("json_body", json_body_matcher)
    vcr.register_matcher("safe_query", query_matcher)
