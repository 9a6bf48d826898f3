"""Every command, subcommand and option of the command line is named in the README."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from voicecoach.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    """(`voicecoach config set`, its click command) for the root and every command below it."""
    yield " ".join(("voicecoach", *path)), command
    for name, sub in getattr(command, "commands", {}).items():  # a group's commands
        if not sub.hidden:
            yield from _walk(sub, (*path, name))


COMMANDS = dict(_walk(typer.main.get_command(app)))
OPTIONS = sorted({
    (name, flag)
    for name, command in COMMANDS.items()
    for param in command.get_params(command.context_class(command))
    if param.param_type_name == "option" and not param.hidden and param.name != "help"
    for flag in (*param.opts, *param.secondary_opts)
})


def test_the_walk_finds_commands_subcommands_and_options() -> None:
    assert {"voicecoach run", "voicecoach config set"} <= set(COMMANDS)
    assert ("voicecoach history", "--weeks") in OPTIONS


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"`{name}" in README, f"README.md does not show `{name}`"


def test_the_readme_says_every_command_takes_help() -> None:
    helps = {
        flag
        for command in COMMANDS.values()
        for param in command.get_params(command.context_class(command))
        if param.name == "help"
        for flag in param.opts
    }
    assert "--help" in helps  # `-h` too, from the root's context settings
    assert "Every command and group (`voicecoach config` too) explains itself with `-h` or " \
        "`--help`" in " ".join(README.split())


def _passages() -> list[str]:
    """The README's paragraphs and code blocks, with each table row on its own."""
    passages = []
    for block in re.split(r"\n\s*\n", README):
        rows = block.splitlines()
        passages += rows if all(row.startswith("|") for row in rows) else [block]
    return passages


@pytest.mark.parametrize(("name", "flag"), OPTIONS)
def test_every_option_is_in_the_readme_beside_its_command(name: str, flag: str) -> None:
    """Named in a paragraph, code block or table row that also names the command."""
    command = name.removeprefix("voicecoach").strip()
    beside = [
        p for p in _passages()
        if re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", p)
        and (not command or re.search(rf"\b{re.escape(command)}\b", p))
    ]
    assert beside, f"README.md does not name {flag} beside `{name}`"
