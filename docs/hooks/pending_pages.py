"""MkDocs hook: nav entries for pages other branches are still writing appear once they exist.

`mkdocs.yml` lists these pages in the nav where they belong. Until a page is in docs/, its
entry is dropped before the build (a missing page would fail the strict build); once it lands,
it shows up with no edit. Every other nav entry must exist: the strict build fails otherwise.
When all of them exist, empty PENDING.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: docs/-relative pages owned by open work (reliability, performance, testing,
#: the parameter table).
PENDING = frozenset(
    {
        "reliability.md",
        "performance.md",
        "testing.md",
        "parameters.md",
    }
)


def drop_missing(nav: list[Any], docs_dir: Path) -> list[Any]:
    """The nav without entries for pending pages that are not in ``docs_dir`` yet."""
    kept: list[Any] = []
    for entry in nav:
        title, value = next(iter(entry.items())) if isinstance(entry, dict) else (None, entry)
        if isinstance(value, list):
            children = drop_missing(value, docs_dir)
            if children:
                kept.append({title: children} if title is not None else children)
        elif value in PENDING and not (docs_dir / value).exists():
            continue
        else:
            kept.append(entry)
    return kept


def on_config(config: Any) -> Any:
    """Prune the nav before MkDocs reads it (a hook MkDocs calls once per build)."""
    if config.nav:
        config.nav = drop_missing(config.nav, Path(config.docs_dir))
    return config
