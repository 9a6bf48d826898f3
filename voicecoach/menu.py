"""The numbered menu `voicecoach run` shows when no routine is named."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from voicecoach.errors import UsageError
from voicecoach.timefmt import duration


def menu_lines(rows: list[dict[str, Any]]) -> list[str]:
    """One numbered line per routine that can be run: title, length, when."""
    width = max(len(r["title"]) for r in rows)
    lines = []
    for number, r in enumerate(rows, 1):
        mark = "  (yours)" if not r.get("builtin", True) else ""
        title = f"{r['title']:<{width}}"
        lines.append(f"{number:>3}. {title}  {duration(r['seconds']):>5}  {r['when']}{mark}")
    return lines


def choose_routine(
    rows: list[dict[str, Any]],
    readline: Callable[[], str],
    write: Callable[[str], None],
) -> dict[str, Any]:
    """Ask for a routine by number until a good one comes; `readline` gives "" at end of input."""
    usable = [r for r in rows if not r.get("error")]
    if not usable:
        raise UsageError(
            "no routines to choose from; give a routine file: voicecoach run FILE.yaml"
        )
    write("Choose a routine:\n" + "\n".join(menu_lines(usable)) + "\n")
    prompt = f"Number (1-{len(usable)}): "
    while True:
        write(prompt)
        line = readline()
        if not line:
            write("\n")  # the error goes on a line of its own, not after the prompt
            raise UsageError(
                "no routine chosen: type its number at the menu, or name it "
                f"(e.g. voicecoach run {usable[0]['name']})"
            )
        choice = line.strip()
        if choice.isdigit() and 1 <= int(choice) <= len(usable):
            return usable[int(choice) - 1]
        write(f"Please type a number from 1 to {len(usable)}.\n")
