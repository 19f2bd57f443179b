"""The configuration words mean the same on every class of both packages."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.unit.test_pickle_secrets import CLASSES, _touch_client


def _build(cls: type, **words: Any) -> Any:
    try:
        return cls(**words)
    except TypeError:
        return cls("https://example.com", **words)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_class_takes_the_same_words(cls: type) -> None:
    timeout = httpx.Timeout(30.0, connect=5.0)
    obj = _build(
        cls,
        api_key="id.secret",
        base_url="mainland",
        timeout=timeout,
        max_retries=1,
        default_headers={"X-Test": "1"},
    )
    config = _touch_client(obj).config
    assert config.api_key == "id.secret"
    assert config.surface.name == "mainland"
    assert config.timeout == timeout
    assert config.max_retries == 1
    assert dict(config.default_headers) == {"X-Test": "1"}


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_an_unknown_preset_fails_when_built_or_before_any_request(cls: type) -> None:
    with pytest.raises(ValueError, match="neither an http"):
        _touch_client(_build(cls, api_key="id.secret", base_url="nope"))
