"""What a live ``make record`` relies on, proven offline.

- Scrubbing (:mod:`tests.cassette_config`): a live key never reaches a cassette, whether it
  travels in a header, the query, a request body or a response body (JSON, SSE or bytes), and
  a scrubbed request still matches the request the offline replay sends.
- The shape report (:mod:`tests.emulator.shapes`): a cassette whose answers differ in shape
  from the emulator's is listed with each difference; an emulator-made cassette is not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import vcr
import yaml
from vcr.request import Request

from tests.cassette_config import (
    PLACEHOLDER_KEY,
    REDACTED,
    VCR_CONFIG,
    json_body_matcher,
    register,
    scrub_body,
    scrub_request,
    scrub_response,
)
from tests.emulator import ZaiEmulator
from tests.emulator.shapes import compare, diff, render, shape

LIVE_KEY = "0123456789abcdef0123456789abcdef.AbCdEfGhIjKlMnOp"  # Z.ai's key shape, made up
GATEWAY_KEY = "lowcode-live-token-123"
URL = "https://api.z.ai/api/paas/v4/chat/completions"


@pytest.fixture
def live_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZAI_API_KEY", LIVE_KEY)
    monkeypatch.setenv("LOWCODEAPI_API_KEY", GATEWAY_KEY)


def _request(body: Any, uri: str = URL, **headers: str) -> Request:
    raw = json.dumps(body).encode() if not isinstance(body, bytes) else body
    return Request("POST", uri, raw, {"content-type": "application/json", **headers})


# ----------------------------------------------------------------------------- scrubbing


@pytest.mark.usefixtures("live_keys")
def test_a_key_in_headers_query_and_body_of_a_request_is_scrubbed() -> None:
    body = {"messages": [{"role": "user", "content": f"my key is {LIVE_KEY}"}], "t": GATEWAY_KEY}
    request = _request(
        body, URL + f"?api_token={GATEWAY_KEY}&x=1", authorization=f"Bearer {LIVE_KEY}"
    )
    scrubbed = scrub_request(request)
    stored = json.dumps(dict(scrubbed.headers)) + scrubbed.uri + scrubbed.body.decode()
    assert LIVE_KEY not in stored and GATEWAY_KEY not in stored
    assert "authorization" not in {k.lower() for k in scrubbed.headers}
    assert scrubbed.uri.endswith("?x=1")
    assert json.loads(scrubbed.body)["messages"][0]["content"] == f"my key is {PLACEHOLDER_KEY}"


@pytest.mark.usefixtures("live_keys")
@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"error": {"message": f"key {LIVE_KEY} has no balance"}}).encode(),
        f'data: {{"echo":"Bearer {LIVE_KEY}"}}\n\ndata: [DONE]\n\n',
        b"\xff\xfe binary " + LIVE_KEY.encode(),
        json.dumps({"url": "https://gw.example/x?key=some-other-token&a=1"}),
    ],
    ids=["json-bytes", "sse-str", "binary", "key-url"],
)
def test_a_key_in_a_response_body_is_scrubbed(body: Any) -> None:
    response = {"status": {"code": 200}, "headers": {"Set-Cookie": ["s"]}, "body": {"string": body}}
    stored = scrub_response(response)
    text = stored["body"]["string"]
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    assert LIVE_KEY not in text and "some-other-token" not in text
    assert PLACEHOLDER_KEY in text or REDACTED in text
    assert stored["headers"] == {}
    assert type(stored["body"]["string"]) is type(body)


def test_key_shaped_text_is_scrubbed_without_the_environment() -> None:
    text = scrub_body(f"Bearer abc.def and {LIVE_KEY}")
    assert text == f"Bearer {REDACTED} and {REDACTED}"


@pytest.mark.usefixtures("live_keys")
def test_a_scrubbed_recording_matches_the_offline_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    body = {"model": "glm-4.7", "messages": [{"role": "user", "content": LIVE_KEY}]}
    recorded = scrub_request(_request(body))
    monkeypatch.setenv("ZAI_API_KEY", PLACEHOLDER_KEY)  # what replay runs with
    replayed = scrub_request(
        _request({**body, "messages": [{"role": "user", "content": PLACEHOLDER_KEY}]})
    )
    json_body_matcher(recorded, replayed)


@pytest.mark.usefixtures("live_keys")
def test_vcr_stores_no_key(tmp_path: Path) -> None:
    """A real vcrpy recording with the project's settings, over an httpx mock transport."""
    import httpx

    def live(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"echo": request.headers["authorization"], "k": LIVE_KEY})

    path = tmp_path / "c.yaml"
    recorder = vcr.VCR()
    register(recorder)
    with (
        recorder.use_cassette(str(path), record_mode="all", **VCR_CONFIG),
        httpx.Client(transport=httpx.MockTransport(live)) as client,
    ):
        client.post(URL, headers={"authorization": f"Bearer {LIVE_KEY}"}, json={"k": LIVE_KEY})
    text = path.read_text()
    assert LIVE_KEY not in text and "Bearer " + REDACTED in text


def test_live_recording_sends_triggers_to_the_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    """``emulate-`` requests cannot be asked of Z.ai: they stay emulator-made when live."""
    import httpx

    from tests.integration import conftest

    live = httpx.MockTransport(lambda request: httpx.Response(200, json={"from": "live"}))
    monkeypatch.setattr(conftest, "_LIVE_SYNC", lambda: live)
    transport = conftest.TriggersToEmulator(ZaiEmulator(), is_async=False)
    auth = {"authorization": "Bearer k"}
    with httpx.Client(transport=transport) as client:
        error = client.post(URL, json={**BODY, "model": "emulate-429-1113"}, headers=auth)
        normal = client.post(URL, json=BODY, headers=auth)
    assert error.status_code == 429 and error.json()["error"]["code"] == "1113"
    assert normal.json() == {"from": "live"}


# ----------------------------------------------------------------------------- shape report


def test_shape_merges_list_items_and_types() -> None:
    assert shape({"a": [{"x": 1}, {"y": "s"}], "b": None}) == {
        "a": [{"x": "number", "y": "str"}],
        "b": "null",
    }


def test_diff_names_added_missing_and_retyped_fields() -> None:
    emulated = shape({"usage": {"total_tokens": 3}, "web_search": []})
    live = shape({"usage": {"total_tokens": "3", "cached": 1}})
    assert diff(emulated, live) == [
        "+ $.usage.cached (number)",
        "- $.web_search (list)",
        "~ $.usage.total_tokens: emulator number, live str",
    ]


def _cassette(tmp_path: Path, body: dict[str, Any], answer: Any, name: str = "c") -> Path:
    interaction = {
        "request": {
            "method": "POST",
            "uri": URL,
            "body": json.dumps(body),
            "headers": {"content-type": ["application/json"]},
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"content-type": ["application/json"]},
            "body": {"string": json.dumps(answer)},
        },
    }
    path = tmp_path / "cassettes" / f"{name}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump({"interactions": [interaction], "version": 1}))
    return path


BODY = {"model": "glm-4.7", "messages": [{"role": "user", "content": "Hello!"}]}


def _emulated(body: dict[str, Any]) -> dict[str, Any]:
    import httpx

    request = httpx.Request("POST", URL, json=body, headers={"authorization": "Bearer k"})
    return dict(ZaiEmulator().handle(request).json())


def test_an_emulator_made_cassette_keeps_its_shape(tmp_path: Path) -> None:
    assert compare(_cassette(tmp_path, BODY, _emulated(BODY))).lines == []


def test_a_live_answer_of_another_shape_is_reported(tmp_path: Path) -> None:
    live = _emulated(BODY)
    message = live["choices"][0]["message"]
    message["reasoning"] = message.pop("reasoning_content")  # a field the emulator guessed wrong
    live["usage"]["total_tokens"] = str(live["usage"]["total_tokens"])
    same = _cassette(tmp_path, BODY, _emulated(BODY), "same")
    changed = _cassette(tmp_path, BODY, live, "changed")
    report = render([compare(same), compare(changed)])
    assert "CHANGED" in report and str(changed) in report and str(same) not in report
    assert "+ $.choices[].message.reasoning (str)" in report
    assert "- $.choices[].message.reasoning_content (str)" in report
    assert "~ $.usage.total_tokens: emulator number, live str" in report
    assert report.endswith("1 of 2 cassettes changed shape compared with the emulator's")


def test_a_live_stream_breaking_the_grammar_is_reported(tmp_path: Path) -> None:
    body = {**BODY, "stream": True}
    path = _cassette(tmp_path, body, {})
    data = yaml.safe_load(path.read_text())
    import httpx

    request = httpx.Request("POST", URL, json=body, headers={"authorization": "Bearer k"})
    sse = ZaiEmulator().handle(request).read().decode()
    data["interactions"][0]["response"]["headers"] = {"content-type": ["text/event-stream"]}
    data["interactions"][0]["response"]["body"] = {"string": sse.replace("data: [DONE]\n\n", "")}
    path.write_text(yaml.safe_dump(data))
    assert any("grammar S1" in line for line in compare(path).lines)
