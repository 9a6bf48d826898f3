"""Text that fits the terminal: wrapped on words, later lines indented under the first's text."""

from __future__ import annotations

import shutil
import sys

NARROWEST = 20  # columns of text worth keeping beside a prefix before it gets a line of its own


def echo_lines(lines: list[str]) -> None:
    """Print each of `lines` (as wrapped by `wrap`)."""
    import typer

    for line in lines:
        typer.echo(line)


def terminal_width() -> int | None:
    """The terminal's width when stdout is one; None when output goes to a file or pipe, which
    is never wrapped (scripts read one record a line)."""
    try:
        if not sys.stdout.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return shutil.get_terminal_size().columns


def wrap(text: str, width: int | None, first: str = "", indent: int | None = None) -> list[str]:
    """`first` then `text`, wrapped on words to `width` with a hanging indent (under the text, or
    `indent` columns); no wrapping when `width` is None."""
    if width is None:
        return [first + text]
    import textwrap

    hang = len(first) if indent is None else indent
    if width - hang < NARROWEST:
        hang = min(hang, 4)
    if width - len(first) < NARROWEST and not first.strip():
        first = " " * hang
    lines: list[str] = []
    if width - len(first) < NARROWEST and first.strip():
        lines.append(first.rstrip())
        first = " " * hang
    return lines + (
        textwrap.wrap(
            text, width=width, initial_indent=first, subsequent_indent=" " * hang,
            break_long_words=False, break_on_hyphens=False,
        )
        or [first.rstrip()]
    )
