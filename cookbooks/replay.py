"""Offline replay for the cookbooks and ``demo.py``: one call switches between three modes.

Every notebook starts with::

    from replay import offline_session

    MODE = offline_session("01_langchain_agent")

- ``ZAI_API_KEY`` set: **live**. Requests go to Z.ai; nothing is recorded.
- no key: **offline**. A placeholder key is set and every HTTP request is answered from
  ``cookbooks/cassettes/<name>.yaml`` for the rest of the process (the kernel's life). A
  request that is not in the cassette fails loudly (vcrpy ``record_mode="none"``) instead of
  reaching the network.
- ``ZAI_RECORD=1``: **record**. The cassette is rewritten: against the live API when
  ``ZAI_API_KEY`` is set, else against the in-process Z.ai emulator in ``tests/emulator``.

Cassettes use the same matching and scrubbing as the test suite (``tests/cassette_config.py``):
no header but content-type and no key-bearing query parameter is ever stored.

Run ``python cookbooks/replay.py`` to execute every notebook from its cassette and save the
outputs into it (``--record`` re-records first; names select notebooks).
"""

from __future__ import annotations

import atexit
import json
import os
import sys
from pathlib import Path
from typing import Any

COOKBOOKS = Path(__file__).resolve().parent
ROOT = COOKBOOKS.parent
CASSETTES = COOKBOOKS / "cassettes"
PLACEHOLDER_KEY = "placeholder-id.placeholder-secret"
#: Cassette name -> who answered when it was recorded: ``"emulator"`` or ``"Z.ai"``.
ORIGINS = CASSETTES / "origins.json"
EMULATOR, LIVE = "emulator", "Z.ai"

if str(ROOT) not in sys.path:  # notebooks run with cwd=cookbooks/: make the repo importable
    sys.path.insert(0, str(ROOT))

__all__ = [
    "CASSETTES",
    "PLACEHOLDER_KEY",
    "mode",
    "offline_session",
    "origin",
    "origin_line",
    "stop",
]

_state: dict[str, Any] = {"mode": None, "cassette": None, "name": None}


def _live_key() -> str | None:
    key = os.environ.get("ZAI_API_KEY") or os.environ.get("ZHIPUAI_API_KEY")
    return key if key and key != PLACEHOLDER_KEY else None


def _recording() -> bool:
    return os.environ.get("ZAI_RECORD", "").strip().lower() in ("1", "true", "yes", "on")


def origin(name: str) -> str:
    """Who answered when ``name``'s cassette was recorded: ``"emulator"`` or ``"Z.ai"``."""
    origins = json.loads(ORIGINS.read_text()) if ORIGINS.exists() else {}
    return str(origins.get(name, EMULATOR))


def _set_origin(name: str, value: str) -> None:
    origins = json.loads(ORIGINS.read_text()) if ORIGINS.exists() else {}
    origins[name] = value
    ORIGINS.write_text(json.dumps(dict(sorted(origins.items())), indent=2) + "\n")


def _origin_text(name: str) -> str:
    if origin(name) == LIVE:
        return "recorded live from the Z.ai API (GLM's own answers)"
    return (
        "recorded against the local Z.ai emulator (tests/emulator), not the live API: "
        "synthetic answers in Z.ai's wire format, not GLM's"
    )


def origin_line(name: str) -> str:
    """The one line a notebook starts with: where its saved outputs come from, how to go live."""
    return (
        f"**Outputs:** replayed from `cookbooks/cassettes/{name}.yaml`, {_origin_text(name)}. "
        "**Run it live:** set `ZAI_API_KEY` and run all cells."
    )


def _use_placeholder_key() -> None:
    """A placeholder key and the default base URL: what the recordings were made with."""
    os.environ["ZAI_API_KEY"] = PLACEHOLDER_KEY
    for name in ("ZAI_BASE_URL", "ZHIPUAI_BASE_URL"):
        os.environ.pop(name, None)


def _route_to_emulator() -> None:
    """Send the shared transport to the in-process emulator (what ``make record`` does)."""
    from tests.emulator import ZaiEmulator
    from zai_core import _http

    emulator = ZaiEmulator()
    _http.make_sync_transport = emulator.transport  # type: ignore[assignment]
    _http.make_async_transport = emulator.transport  # type: ignore[assignment]
    _http.reset_shared_clients()


def _open_cassette(path: Path, record_mode: str) -> Any:
    """Enter a vcrpy cassette and leave it open; with recording, save after every request."""
    import vcr

    from tests.cassette_config import VCR_CONFIG, register

    recorder = vcr.VCR()
    register(recorder)
    context = recorder.use_cassette(str(path), record_mode=record_mode, **VCR_CONFIG)
    cassette = context.__enter__()
    if record_mode == "all":
        append = cassette.append

        def append_and_save(request: Any, response: Any) -> None:
            append(request, response)
            cassette._save(force=True)  # a kernel may be killed before it exits cleanly

        cassette.append = append_and_save
    atexit.register(stop)
    _state["context"] = context
    return cassette


def offline_session(name: str, *, quiet: bool = False) -> str:
    """Choose live, offline (replay) or record mode for this process; returns the mode.

    Args:
        name: the cassette's name, ``cookbooks/cassettes/<name>.yaml``.
        quiet: do not print the line that says which mode is on.

    Returns:
        ``"live"``, ``"offline"`` or ``"record"``.

    Raises:
        FileNotFoundError: offline, when the cassette has not been recorded.
    """
    if _state["mode"] is not None:  # a notebook cell run twice keeps the first session
        if _state["name"] != name:
            raise RuntimeError(f"this process already replays {_state['name']!r}")
        return str(_state["mode"])
    path = CASSETTES / f"{name}.yaml"
    key = _live_key()
    if _recording():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        if key is None:
            _use_placeholder_key()
            _route_to_emulator()
            line = f"Mode: RECORD against the local Z.ai emulator -> {_relative(path)}"
        else:
            line = f"Mode: RECORD against the live Z.ai API -> {_relative(path)}"
        _set_origin(name, EMULATOR if key is None else LIVE)
        _state["cassette"] = _open_cassette(path, "all")
        mode = "record"
    elif key is not None:
        line = "Mode: LIVE (ZAI_API_KEY is set): requests go to the Z.ai API."
        mode = "live"
    else:
        if not path.exists():
            raise FileNotFoundError(
                f"no recording at {_relative(path)}: set ZAI_API_KEY to run live, "
                "or ZAI_RECORD=1 to record it"
            )
        _use_placeholder_key()
        _state["cassette"] = _open_cassette(path, "none")
        line = (
            f"Mode: OFFLINE, replaying {_relative(path)}, {_origin_text(name)}; "
            "set ZAI_API_KEY to run it live against Z.ai."
        )
        mode = "offline"
    _state.update(mode=mode, name=name)
    if not quiet:
        print(line)
    return mode


def mode() -> str | None:
    """The mode chosen by :func:`offline_session`, or ``None`` before it was called."""
    return _state["mode"]


def stop() -> None:
    """Close the cassette (saving a recording); safe to call twice."""
    context = _state.pop("context", None)
    if context is not None:
        context.__exit__(None, None, None)


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# ----------------------------------------------------------------------------- CLI


def execute_notebook(path: Path, *, timeout: int = 300, env: dict[str, str] | None = None) -> Any:
    """Run a notebook top to bottom in a fresh kernel (cwd ``cookbooks/``); returns it."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        coalesce_streams=True,
        record_timing=False,  # no timestamps: a re-run leaves an unchanged notebook as it was
        resources={"metadata": {"path": str(COOKBOOKS)}},
    )
    client.execute(env=env if env is not None else dict(os.environ))
    return notebook


def stamp_origin(notebook: Any, name: str) -> None:
    """Make the notebook's first (markdown) cell start with :func:`origin_line`."""
    first = notebook.cells[0]
    if first.cell_type != "markdown":
        raise ValueError(f"{name}: the first cell must be markdown")
    lines = first.source.split("\n")
    if lines and lines[0].startswith("**Outputs:**"):
        lines = lines[2:] if len(lines) > 1 and not lines[1].strip() else lines[1:]
    first.source = "\n".join([origin_line(name), "", *lines])


def main(argv: list[str]) -> int:
    """``python cookbooks/replay.py [--record] [NAME ...]``: run notebooks, save outputs.

    Outputs are always saved from an offline run (the key is hidden from the kernel), so
    they are what a reader replays. With ``--record`` each notebook first runs in record
    mode: live with ``ZAI_API_KEY``, else against the emulator.
    """
    import nbformat

    record = "--record" in argv
    names = [a for a in argv if not a.startswith("--")]
    notebooks = sorted(COOKBOOKS.glob("*.ipynb"))
    if names:
        notebooks = [p for p in notebooks if any(n in p.stem for n in names)]
    hidden = ("ZAI_RECORD", "ZAI_API_KEY", "ZHIPUAI_API_KEY")
    offline = {k: v for k, v in os.environ.items() if k not in hidden}
    for path in notebooks:
        if record:
            print(f"recording {path.name} ...", flush=True)
            execute_notebook(path, env={**os.environ, "ZAI_RECORD": "1"})
        print(f"executing {path.name} offline ...", flush=True)
        notebook = execute_notebook(path, env=offline)
        stamp_origin(notebook, path.stem)
        nbformat.write(notebook, path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
