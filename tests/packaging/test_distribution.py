"""What a user installs: the wheel's contents, its types, and the extras' import errors.

These tests build real environments with the pinned uv from ``make`` (``.venv-uv``), offline
from uv's cache (the locked sync that set up the test environment filled it), so they need no
network and install exactly the locked versions.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UV = ROOT / ".venv-uv" / "bin" / "uv"
TYPED_PACKAGES = (
    "zai_core",
    "langchain_zai",
    "llama_index_zai",
    "llama_index/llms/zai",
    "llama_index/embeddings/zai",
    "llama_index/readers/zai",
    "llama_index/tools/zai",
)
#: The LlamaIndex namespaces this package fills, each with what it exports.
LLAMA_INDEX_NAMESPACES = {
    "llms": ("Zai",),
    "embeddings": ("ZaiEmbedding",),
    "readers": ("ZaiWebReader", "ZaiTranscriptionReader"),
    "tools": ("ZaiToolSpec", "ZaiVideoProgressEvent"),
}


def _uv(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> str:
    assert UV.exists(), f"{UV} is missing: run the tests through `make test`, which installs uv"
    full_env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_LINK_MODE": "copy"}
    full_env.pop("VIRTUAL_ENV", None)
    full_env.update(env or {})
    done = subprocess.run(
        [str(UV), *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"uv {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _python(venv: Path, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "python"), "-c", code],
        cwd=venv.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _uv("build", "--offline", "--wheel", "--out-dir", str(out), "--python", sys.executable)
    (built,) = out.glob("*.whl")
    return built


def test_wheel_ships_types_and_no_tests(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in TYPED_PACKAGES:
        assert f"{package}/py.typed" in names, f"{package}/py.typed missing from {wheel.name}"
    assert not [n for n in names if n.startswith("tests/")], "tests/ must not ship in the wheel"
    # llama_index is a namespace package shared with llama-index-core: never an __init__.py.
    assert "llama_index/__init__.py" not in names
    for kind in LLAMA_INDEX_NAMESPACES:
        assert f"llama_index/{kind}/__init__.py" not in names, f"llama_index/{kind} is a namespace"
        assert f"llama_index/{kind}/zai/__init__.py" in names


@pytest.fixture(scope="module")
def wheel_env(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with the built wheel and both frameworks, pinned by uv.lock."""
    venv = tmp_path_factory.mktemp("wheel-env") / "venv"
    _uv(
        "sync", "--locked", "--offline", "-q", "--python", sys.executable,
        "--extra", "all", "--no-default-groups", "--no-install-project",
        env={"UV_PROJECT_ENVIRONMENT": str(venv)},
    )  # fmt: skip
    python = str(venv / "bin" / "python")
    _uv("pip", "install", "-q", "--offline", "--no-deps", "--python", python, str(wheel))
    return venv


def test_llama_index_namespaces_import_from_the_wheel(wheel_env: Path) -> None:
    """``llama_index.<kind>.zai`` import next to llama-index-core's own subpackages."""
    imports = [
        f"from llama_index.{kind}.zai import {', '.join(names)}"
        for kind, names in LLAMA_INDEX_NAMESPACES.items()
    ]
    code = "; ".join([*imports, "import llama_index.core.llms, llama_index.core.readers"])
    done = _python(wheel_env, code)
    assert done.returncode == 0, done.stderr


def test_user_script_type_checks_strictly(wheel_env: Path) -> None:
    """A user's ``mypy --strict`` sees our classes' types (py.typed), not ``Any``."""
    script = wheel_env.parent / "user_script.py"
    script.write_text(
        textwrap.dedent(
            """\
            from langchain_zai import ChatZai
            from llama_index.core.llms import ChatMessage
            from llama_index.llms.zai import Zai

            reply = ChatZai(model="glm-4.7").invoke("Hello")
            answer = Zai(model="glm-4.7").chat([ChatMessage(role="user", content="Hello")])
            print(reply.text, answer.message.content)
            """
        ),
        encoding="utf-8",
    )
    mypy = Path(sys.executable).parent / "mypy"
    done = subprocess.run(
        [str(mypy), "--strict", "--no-incremental", "--python-executable",
         str(wheel_env / "bin" / "python"), str(script)],
        cwd=wheel_env.parent, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert "import-untyped" not in done.stdout, done.stdout
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module", params=["langchain", "llama-index"])
def one_extra_env(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """A venv with the project and only one framework extra, from the lock, offline."""
    venv = tmp_path_factory.mktemp(f"only-{request.param}") / "venv"
    _uv(
        "sync", "--locked", "--offline", "-q", "--python", sys.executable,
        "--extra", request.param, "--no-default-groups",
        env={"UV_PROJECT_ENVIRONMENT": str(venv)},
    )  # fmt: skip
    yield request.param, venv


MISSING = {
    # extra installed -> (imports that must fail, the extra the message must name, one that works)
    "langchain": (
        ["import llama_index_zai", "from llama_index.llms.zai import Zai"],
        "zai-integrations[llama-index]",
        "from langchain_zai import ChatZai",
    ),
    "llama-index": (
        ["import langchain_zai"],
        "zai-integrations[langchain]",
        "from llama_index.llms.zai import Zai; import llama_index_zai",
    ),
}


def test_missing_framework_names_the_extra(one_extra_env: tuple[str, Path]) -> None:
    extra, venv = one_extra_env
    failing, named_extra, working = MISSING[extra]
    works = _python(venv, working)
    assert works.returncode == 0, works.stderr
    for statement in failing:
        done = _python(venv, statement)
        assert done.returncode != 0, f"{statement!r} imported without its framework"
        last_line = done.stderr.strip().splitlines()[-1]
        assert last_line.startswith("ImportError:"), done.stderr
        assert named_extra in last_line, last_line
