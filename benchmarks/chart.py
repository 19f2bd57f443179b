"""The chart: each contender's figures as ratios to the raw httpx floor (PNG, Agg backend)."""

from __future__ import annotations

from pathlib import Path

from .measure import IMPORT_ROWS, Results
from .ratios import floor_value, ratio, value

#: (key or "floor:<family>", label, colour) in display order, top to bottom.
BARS = (
    ("floor:langchain", "LangChain model over raw httpx (floor)", "#9e9e9e"),
    ("chat_zai", "ChatZai", "#1565c0"),
    ("chat_openai", "ChatOpenAI(base_url)", "#ef6c00"),
    ("chat_zhipuai", "ChatZhipuAI (community)", "#ffa726"),
    ("floor:llamaindex", "LlamaIndex LLM over raw httpx (floor)", "#bdbdbd"),
    ("zai", "Zai", "#1e88e5"),
    ("openai_like", "OpenAILike", "#f57c00"),
)
PANELS = (
    ("per_call", "per call (non-streamed), x raw httpx"),
    ("per_chunk", "per streamed chunk, paced (client CPU), x raw httpx-sse"),
    ("async", "async batch (calls at concurrency), x raw httpx"),
)


def _ratios(results: Results, figure: str) -> list[tuple[str, float, str]]:
    raw = value(results, "raw", figure)
    out = []
    for key, label, colour in BARS:
        if key.startswith("floor:"):
            measured = floor_value(results, key.split(":", 1)[1], figure)
        else:
            measured = value(results, key, figure)
        r = ratio(measured, raw)
        if r is not None and r > 0:  # a tiny run's noise can give a negative difference
            out.append((label, r, colour))
    return out


def draw(results: Results, path: Path) -> None:
    """Write the 2x2 chart of ratios (and import times) to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(13, 8.5))
    for ax, (figure, title) in zip(axes.flat, PANELS, strict=False):
        bars = _ratios(results, figure)
        labels = [b[0] for b in bars][::-1]
        values = [b[1] for b in bars][::-1]
        colours = [b[2] for b in bars][::-1]
        ax.barh(labels, values, color=colours)
        ax.axvline(1.0, color="black", linewidth=0.8)
        ax.set_xscale("log")
        ax.set_title(title, fontsize=10)
        for y, v in enumerate(values):
            ax.text(v, y, f" {v:.2f}x", va="center", fontsize=8)
        if values:
            ax.set_xlim(min(0.8, min(values) * 0.8), max(values) * 2.2)
    ax = axes.flat[3]
    rows = [
        (row.module, results.imports[row.module].added_seconds)
        for row in IMPORT_ROWS
        if row.module in results.imports
    ]
    shown = [(m, s * 1e3) for m, s in rows if s is not None][::-1]
    ax.barh(
        [m for m, _ in shown],
        [ms for _, ms in shown],
        color=["#1565c0" if m.endswith("_zai") else "#ef6c00" for m, _ in shown],
    )
    ax.axvline(30, color="red", linestyle="--", linewidth=0.8, label="target 30 ms")
    for y, (_, ms) in enumerate(shown):
        ax.text(ms, y, f" {ms:.0f} ms", va="center", fontsize=8)
    ax.set_title("import time added to httpx + the framework base (ms)", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    quick = " (--quick run: not meaningful)" if results.settings.quick else ""
    fig.suptitle(f"Z.ai integrations vs floors and alternatives, lower is better{quick}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
