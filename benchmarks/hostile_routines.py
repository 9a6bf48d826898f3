"""Time to refuse hostile or huge routine files: each must be refused quickly, never hang.

Run: python benchmarks/hostile_routines.py
Target: every case refused (RoutineError) within 1 second.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voicecoach.errors import RoutineError  # noqa: E402
from voicecoach.routine import MAX_FILE_BYTES, MAX_NODES, parse_routine  # noqa: E402

TARGET = 1.0
STRETCH = "  - name: n\n    targets: [a]\n    hold: 5\n    instructions: i\n"
N = MAX_NODES // 2 - 10  # key-value pairs that stay just under the node limit


def cases() -> dict[str, str]:
    letters = "abcdefghijklmnopqrst"
    bomb = (
        "a: &a ["
        + ", ".join(["x"] * 10)
        + "]\n"
        + "".join(
            f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
            for p, c in zip(letters, letters[1:], strict=False)
        )
    )
    return {
        "unknown keys, just under the node limit": "title: T\n"
        + "".join(f"key{i}: v\n" for i in range(N)),
        "misspelt keys in stretches": "title: T\nstyle: static\nstretches:\n"
        + "".join(f"  - nam: n\n    instruction: i\n    hould: {i}\n" for i in range(N // 7)),
        "duplicate keys": "".join("title: T\n" for _ in range(N)),
        "unknown tags": "a: [" + ", ".join(["!x 1"] * (MAX_NODES - 10)) + "]\n",
        "alias bomb (10^19 values if expanded)": bomb,
        "stretches over the limit": "title: T\nstyle: static\nstretches:\n" + STRETCH * 700,
        "values over the node limit": "title: T\n" + "".join(f"k{i}: v\n" for i in range(10**5)),
        "one 1 MiB line": "title: " + "x" * (MAX_FILE_BYTES - 20) + "\n",
        "1 MiB of blank lines, then bad syntax": "\n" * (MAX_FILE_BYTES - 10) + "a: [\n",
        "200 KiB of comments, then bad syntax": "# comment\n" * 20_000 + "a: [\n",
        "nesting 10,000 deep": "a: " + "[" * 10_000 + "]" * 10_000 + "\n",
    }


def main() -> int:
    worst = 0.0
    for name, text in cases().items():
        text = text[:MAX_FILE_BYTES]
        start = time.perf_counter()
        try:
            parse_routine(text, "hostile.yaml")
        except RoutineError as error:
            outcome = f"refused, {len(error.problems)} problem lines"
        else:
            outcome = "ACCEPTED"
        seconds = time.perf_counter() - start
        worst = max(worst, seconds if outcome != "ACCEPTED" else float("inf"))
        print(f"  {name:<40} {len(text) / 1024:6.0f} KiB {seconds * 1000:8.1f} ms  {outcome}")
    verdict = "met" if worst <= TARGET else "MISSED"
    print(f"target: every case refused within {TARGET:g} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
