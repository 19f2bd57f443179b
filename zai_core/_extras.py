"""A clear ImportError when a framework package is used without its extra installed."""

from __future__ import annotations

import importlib.util

DISTRIBUTION = "zai-integrations"


def require_extra(module: str, *, package: str, extra: str) -> None:
    """Raise an ImportError naming the extra to install when `module` is missing.

    `package` is the integration package being imported (`langchain_zai`); `extra` is the
    optional-dependency group of the `zai-integrations` distribution that brings `module`.
    """
    try:
        found = importlib.util.find_spec(module) is not None
    except ImportError:  # a parent package is missing too
        found = False
    if not found:
        raise ImportError(
            f"{package} needs {module!r}, which is not installed. Install the "
            f"{extra!r} extra: pip install '{DISTRIBUTION}[{extra}]' "
            f"(from a checkout: pip install '.[{extra}]')."
        )
