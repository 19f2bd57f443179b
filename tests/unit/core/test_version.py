"""One version string: the package, the User-Agent, the MCP client info and the packaging."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import zai_core
from zai_core import _version, client

ROOT = Path(__file__).resolve().parents[3]


def test_the_installed_distribution_reports_the_package_version() -> None:
    assert importlib.metadata.version("zai-integrations") == zai_core.__version__


def test_user_agent_names_the_package_version() -> None:
    assert client.USER_AGENT.startswith(f"zai-integrations/{zai_core.__version__} ")


def test_pyproject_reads_the_version_file_instead_of_repeating_it() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "zai_core/_version.py"
    assert zai_core.__version__ is _version.__version__


def test_no_other_module_writes_a_version_literal() -> None:
    for path in sorted((ROOT / "zai_core").glob("*.py")):
        if path.name == "_version.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert f'"{zai_core.__version__}"' not in text, path.name
        assert "zai-integrations/0." not in text, path.name
