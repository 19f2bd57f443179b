"""Module-level `__getattr__` for names whose modules chat does not need.

A package lists `{name: submodule}`; the first `package.Name` (or `from package import
Name`) imports the submodule and keeps the value in the package's namespace, so later
lookups are plain attribute reads. `import langchain_zai` then costs what chat needs, and
the web / media / video / embeddings / tools modules load on first use.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(
    package: str, names: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`(__getattr__, __dir__)` for `package`, loading each name from its submodule.

    Example:
        ```python
        __getattr__, __dir__ = lazy_attributes(__name__, {"ZaiEmbeddings": ".embeddings"})
        ```
    """

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(names))

    return __getattr__, __dir__
