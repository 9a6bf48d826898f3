"""The numbered menu `voicecoach run` shows when no routine is named."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from voicecoach.errors import UsageError
from voicecoach.timefmt import duration


COMPOSE_ITEM = "Compose one for me (you choose the minutes and focus)"
DEFAULT_MINUTES = 10


def menu_lines(rows: list[dict[str, Any]]) -> list[str]:
    """One numbered line per routine that can be run: name, title, length, when."""
    names = max(len(r["name"]) for r in rows)
    width = max(len(r["title"]) for r in rows)
    lines = []
    for number, r in enumerate(rows, 1):
        mark = "  (yours)" if not r.get("builtin", True) else ""
        title = f"{r['title']:<{width}}"
        lines.append(
            f"{number:>3}. {r['name']:<{names}}  {title}  {duration(r['seconds']):>5}  "
            f"{r['when']}{mark}"
        )
    return lines


def _pick(usable: list[dict[str, Any]], choice: str) -> dict[str, Any] | None:
    """The routine an answer means: its number, its name, or its title (any case)."""
    if choice.isdigit():
        return usable[int(choice) - 1] if 1 <= int(choice) <= len(usable) else None
    wanted = choice.casefold()
    for field in ("name", "title"):
        found = [r for r in usable if r[field].casefold() == wanted]
        if len(found) == 1:
            return found[0]
    return None


def choose_routine(
    rows: list[dict[str, Any]],
    readline: Callable[[], str],
    write: Callable[[str], None],
    compose: bool = False,
) -> dict[str, Any]:
    """Ask for a routine by number or name until a good one comes; `readline` gives "" at end
    of input. With `compose`, the last number is "compose one for me", answered by
    `{"compose": True}`."""
    usable = [r for r in rows if not r.get("error")]
    if not usable:
        raise UsageError(
            "no routines to choose from; give a routine file: voicecoach run FILE.yaml"
        )
    lines = menu_lines(usable)
    if compose:
        lines.append(f"{len(usable) + 1:>3}. {COMPOSE_ITEM}")
        usable = [*usable, {"compose": True, "name": "compose", "title": COMPOSE_ITEM}]
    write("Choose a routine:\n" + "\n".join(lines) + "\n")
    prompt = f"Number or name (1-{len(usable)}): "
    while True:
        write(prompt)
        line = readline()
        if not line:
            write("\n")  # the error goes on a line of its own, not after the prompt
            raise UsageError(
                "no routine chosen: type its number or name at the menu, or name it "
                f"(e.g. voicecoach run {usable[0]['name']})"
            )
        choice = line.strip()
        picked = _pick(usable, choice)
        if picked is not None:
            return picked
        hint = ""
        if choice and not choice.isdigit():
            from voicecoach.catalog import closest

            close = closest(choice, [r["name"] for r in usable], n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
        write(f"Please type a number from 1 to {len(usable)} or a name{hint}.\n")


def _ask(
    prompt: str, readline: Callable[[], str], write: Callable[[str], None]
) -> str:
    write(prompt)
    line = readline()
    if not line:
        write("\n")
        raise UsageError("nothing composed: no answer came (compose one with voicecoach compose)")
    return line.strip()


def ask_composition(
    readline: Callable[[], str], write: Callable[[str], None]
) -> tuple[int, tuple[str, ...]]:
    """Ask how many minutes and which focus areas, until the answers make sense."""
    from voicecoach.composition import (
        AREAS,
        DEFAULT_FOCUS,
        MAX_MINUTES,
        MIN_MINUTES,
        normalise_area,
    )

    while True:
        answer = _ask(
            f"Minutes ({MIN_MINUTES}-{MAX_MINUTES}, Enter for {DEFAULT_MINUTES}): ", readline, write
        )
        if not answer:
            minutes = DEFAULT_MINUTES
            break
        if answer.isdigit() and MIN_MINUTES <= int(answer) <= MAX_MINUTES:
            minutes = int(answer)
            break
        write(f"Please type a number of minutes from {MIN_MINUTES} to {MAX_MINUTES}.\n")
    write(f"Focus areas: {', '.join(AREAS)}.\n")
    while True:
        answer = _ask(f"Focus (Enter for {', '.join(DEFAULT_FOCUS)}): ", readline, write)
        try:
            parts = [p for p in answer.split(",") if p.strip()]
            return minutes, tuple(dict.fromkeys(normalise_area(p) for p in parts))
        except UsageError as error:
            write(f"{str(error)[:1].upper()}{str(error)[1:]}. Separate areas with commas.\n")
