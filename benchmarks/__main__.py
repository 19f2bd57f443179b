"""``python -m benchmarks [--quick] [--only PART ...] [--out DIR] [--strict]``: run, print,
write results."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .measure import PARTS, Settings, run
from .report import render_text, targets, write

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; the exit status is 1 only with ``--strict`` and a failed target."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Overhead and throughput of ChatZai / Zai against a loopback Z.ai-shaped "
        "server, side by side with raw httpx, the framework floors and the alternatives.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny counts (a smoke run, figures not meaningful)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"where to write latest.md / latest.json / ratios.png (default {RESULTS}; "
        "--quick writes nothing unless --out is given)",
    )
    parser.add_argument(
        "--only",
        choices=PARTS,
        action="append",
        default=[],
        metavar="PART",
        help=f"run only this part (repeatable: {', '.join(PARTS)}); the other figures and "
        "their targets show as not measured, and nothing is written unless --out is given",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    args = parser.parse_args(argv)

    settings = Settings.quick_settings() if args.quick else Settings()
    results = run(settings, only=args.only)
    print()
    print(render_text(results))
    out = args.out or (None if args.quick or args.only else RESULTS)
    if out is not None:
        paths = write(results, out)
        print()
        print("wrote " + ", ".join(str(p) for p in paths.values()))
    print(f"total {results.seconds:.0f} s")
    failed = [t for t in targets(results) if t.status == "FAIL"]
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
