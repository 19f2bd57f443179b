"""The fault table through the framework classes, sync and async.

``ChatZai`` (invoke / ainvoke / stream / astream) and ``Zai`` (chat / achat / stream_chat /
astream_chat) run every chat case; ``ZaiEmbeddings`` and ``ZaiEmbedding`` run every case
that applies to a plain JSON endpoint. Same checks as ``test_faults_core.py``, plus the
error's framework classes (``frameworks.check_*_error``).
"""

from __future__ import annotations

import pytest

from .cases import Case, Kind, case_id, case_params
from .conftest import LeakGuard, SleepRecorder
from .drivers import Driver, run_async, run_sync
from .fault_server import FaultServer
from .frameworks import ChatZaiDriver, ZaiDriver, ZaiEmbeddingDriver, ZaiEmbeddingsDriver

CHAT: list[Driver] = [ChatZaiDriver(), ZaiDriver()]
EMBED: list[Driver] = [ZaiEmbeddingsDriver(), ZaiEmbeddingDriver()]
PARAMS = [(d, c, k) for d in CHAT for c, k in case_params()] + [
    (d, c, k) for d in EMBED for c, k in case_params(("embed",))
]


def _id(value: object) -> str:
    return str(getattr(value, "name", None) or case_id(value))


@pytest.mark.parametrize(("driver", "case", "kind"), PARAMS, ids=_id)
def test_sync(
    driver: Driver,
    case: Case,
    kind: Kind,
    server: FaultServer,
    refused_url: str,
    sleeps: SleepRecorder,
    leaks: LeakGuard,
) -> None:
    run_sync(driver, case, kind, server, refused_url, sleeps, leaks)


@pytest.mark.parametrize(("driver", "case", "kind"), PARAMS, ids=_id)
async def test_async(
    driver: Driver,
    case: Case,
    kind: Kind,
    server: FaultServer,
    refused_url: str,
    sleeps: SleepRecorder,
    leaks: LeakGuard,
) -> None:
    await run_async(driver, case, kind, server, refused_url, sleeps, leaks)
