"""The fault table through ``zai_core.ZaiClient``: sync and async, plain and streamed.

Each case checks the exception class and message, the number of requests the server saw,
the retry waits the policy asked for, that no partial answer is returned as if complete,
and that no connection or file descriptor is left behind (see ``conftest.LeakGuard``).
"""

from __future__ import annotations

import pytest

from .cases import Case, Kind, case_id, case_params
from .conftest import LeakGuard, SleepRecorder
from .drivers import CoreDriver, run_async, run_sync
from .fault_server import FaultServer

DRIVER = CoreDriver()


@pytest.mark.parametrize(("case", "kind"), case_params(), ids=case_id)
def test_sync(
    case: Case,
    kind: Kind,
    server: FaultServer,
    refused_url: str,
    sleeps: SleepRecorder,
    leaks: LeakGuard,
) -> None:
    run_sync(DRIVER, case, kind, server, refused_url, sleeps, leaks)


@pytest.mark.parametrize(("case", "kind"), case_params(), ids=case_id)
async def test_async(
    case: Case,
    kind: Kind,
    server: FaultServer,
    refused_url: str,
    sleeps: SleepRecorder,
    leaks: LeakGuard,
) -> None:
    await run_async(DRIVER, case, kind, server, refused_url, sleeps, leaks)
