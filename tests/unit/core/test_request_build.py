"""The request a JSON call sends is exactly what ``httpx.Client.build_request(json=...)``
builds: same method, URL, headers (names, values and order), body bytes and timeouts.

``zai_core._requests.RequestBuilder`` builds JSON requests itself, with the client's
headers merged once, because httpx merges them again on every request (about half of a
call's own cost); these tests hold it to httpx's result, for the shared clients and for a
user's own, whatever they carry.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from zai_core import ZaiClient
from zai_core.limits import Deadline

BODIES: list[Any] = [
    {"model": "glm-4.7", "messages": [{"role": "user", "content": "Hello"}]},
    {"model": "glm-4.7", "messages": [{"role": "user", "content": "日本語 é \u2028 emoji 🙂"}]},
    {"model": "glm-4.7", "temperature": 0.1, "top_p": 1e-7, "max_tokens": 10**20, "stop": []},
    {"input": ["a", "b"], "model": "embedding-3", "dimensions": 2048},
    [1, "two", None, True, {"nested": {"deep": [0.5]}}],
]


def _httpx_request(
    policy: ZaiClient, client: httpx.Client, body: Any, *, stream: bool, deadline: Deadline
) -> httpx.Request:
    """What httpx's own path builds for the same call."""
    return client.build_request(
        "POST",
        policy._requests.url("/chat/completions"),
        json=body,
        headers=policy._requests.headers[stream],
        timeout=deadline.clip(policy.config.timeout),
    )


def _same(ours: httpx.Request, theirs: httpx.Request) -> None:
    assert ours.method == theirs.method
    assert ours.url == theirs.url
    assert ours.headers.raw == theirs.headers.raw
    assert ours.read() == theirs.read()
    assert ours.extensions == theirs.extensions


#: A user's own clients, each carrying something of its own (httpx builds its TLS context
#: when a client is made, so each is made once).
CLIENT_KINDS: dict[str, dict[str, Any]] = {
    "plain": {},
    "headers": {"headers": {"X-Team": "blue", "User-Agent": "mine/1.0"}},
    "content_type": {"headers": {"Content-Type": "application/json; charset=utf-8"}},
    "cookies": {"cookies": {"session": "abc"}},
    "params": {"params": {"tenant": "t1"}},
    "base_url": {"base_url": "http://elsewhere.invalid/v9"},
}


@pytest.fixture(scope="module")
def clients() -> dict[str, httpx.Client]:
    return {kind: httpx.Client(**options) for kind, options in CLIENT_KINDS.items()}


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("kind", list(CLIENT_KINDS))
@pytest.mark.parametrize("total", [None, 30.0])
def test_a_json_request_is_what_httpx_builds(
    clients: dict[str, httpx.Client], body: Any, stream: bool, kind: str, total: float | None
) -> None:
    client = clients[kind]
    policy = ZaiClient(api_key="k" * 20, base_url="http://127.0.0.1:9/v4", http_client=client)
    deadline = Deadline(total)
    ours = policy._requests.build(
        client, "POST", "/chat/completions", json_body=body, stream=stream, deadline=deadline
    )
    theirs = _httpx_request(policy, client, body, stream=stream, deadline=deadline)
    if total is not None:  # the deadline's clock moved between the two
        for request in (ours, theirs):
            request.extensions["timeout"] = {
                k: round(v) for k, v in request.extensions["timeout"].items()
            }
    _same(ours, theirs)


def test_a_change_to_the_clients_headers_is_seen_on_the_next_request() -> None:
    client = httpx.Client(headers={"X-Team": "blue"})
    policy = ZaiClient(api_key="k" * 20, base_url="http://127.0.0.1:9/v4", http_client=client)
    body = BODIES[0]
    first = policy._requests.build(client, "POST", "/chat/completions", json_body=body)
    assert first.headers["x-team"] == "blue"
    client.headers["X-Team"] = "red"  # in place
    second = policy._requests.build(client, "POST", "/chat/completions", json_body=body)
    assert second.headers["x-team"] == "red"
    client.headers = httpx.Headers({"X-Other": "1"})  # replaced
    third = policy._requests.build(client, "POST", "/chat/completions", json_body=body)
    assert "x-team" not in third.headers and third.headers["x-other"] == "1"
    _same(third, _httpx_request(policy, client, body, stream=False, deadline=Deadline(None)))


def test_requests_do_not_share_a_headers_object() -> None:
    """Each request has its own headers: a hook that edits one leaves the next alone."""
    client = httpx.Client()
    policy = ZaiClient(api_key="k" * 20, base_url="http://127.0.0.1:9/v4", http_client=client)
    first = policy._requests.build(client, "POST", "/chat/completions", json_body=BODIES[0])
    first.headers["X-Edited"] = "yes"
    second = policy._requests.build(client, "POST", "/chat/completions", json_body=BODIES[0])
    assert "x-edited" not in second.headers


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_a_body_httpx_refuses_is_refused_the_same_way(bad: float) -> None:
    client = httpx.Client()
    policy = ZaiClient(api_key="k" * 20, base_url="http://127.0.0.1:9/v4", http_client=client)
    body = {"model": "glm-4.7", "temperature": bad}
    with pytest.raises(ValueError) as ours:
        policy._requests.build(client, "POST", "/chat/completions", json_body=body)
    with pytest.raises(ValueError) as theirs:
        _httpx_request(policy, client, body, stream=False, deadline=Deadline(None))
    assert str(ours.value) == str(theirs.value)


def test_a_lone_surrogate_is_named_before_sending() -> None:
    client = httpx.Client()
    policy = ZaiClient(api_key="k" * 20, base_url="http://127.0.0.1:9/v4", http_client=client)
    body = {"model": "glm-4.7", "messages": [{"role": "user", "content": "bad \ud800"}]}
    with pytest.raises(
        ValueError, match=r"messages\[0\]\.content, position 4, holds a lone surrogate"
    ):
        policy._requests.build(client, "POST", "/chat/completions", json_body=body)


def test_the_async_shared_client_gets_the_same_request() -> None:
    client = httpx.AsyncClient()
    policy = ZaiClient(api_key="k" * 20, base_url="http://127.0.0.1:9/v4")
    ours = policy._requests.build(client, "POST", "/chat/completions", json_body=BODIES[1])
    theirs = client.build_request(
        "POST",
        policy._requests.url("/chat/completions"),
        json=BODIES[1],
        headers=policy._requests.headers[False],
        timeout=policy.config.timeout,
    )
    assert ours.headers.raw == theirs.headers.raw
    assert ours.read() == theirs.read()
    assert ours.extensions == theirs.extensions
