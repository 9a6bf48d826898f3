"""The command line's root: the `voicecoach` group, `--version` and shell completion."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from voicecoach import __version__
from voicecoach.cli.commands import App, Group, error_lines
from voicecoach.cli.completion import install_completion, show_completion
from voicecoach.errors import ExitCode

# Commands in the order people reach for them in `voicecoach --help`; a command not named here
# is listed after these.
COMMAND_ORDER = (
    "run", "list", "show", "plan", "export", "compose", "history",
    "stretches", "voices", "listen-test",
    "new", "validate", "schema",
    "config",
)


class _Root(Group):
    """The `voicecoach` group: also turns signals, a closed pipe and the system's refusals into
    a message and an exit code, never a traceback (the project's own errors: see `Group`)."""

    order = COMMAND_ORDER

    def invoke(self, ctx: Any) -> Any:
        from voicecoach.interrupts import interrupt_exit_code, quiet_broken_pipe, signals_interrupt

        try:
            with signals_interrupt():
                return super().invoke(ctx)
        except KeyboardInterrupt as interrupt:  # also SIGTERM and SIGHUP
            typer.echo("\nInterrupted.", err=True)
            ctx.exit(interrupt_exit_code(interrupt))
        except BrokenPipeError:
            quiet_broken_pipe()  # whoever read the output has all they wanted
            ctx.exit(0)
        except OSError as error:  # the system refused: a name too long, a folder not searchable
            where = f"{error.filename}: " if error.filename else ""
            error_lines(f"{where}{error.strerror or error}")
            ctx.exit(int(ExitCode.FAILURE))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"voicecoach {__version__}")
        raise typer.Exit()


app = App(
    cls=_Root,
    name="voicecoach",
    no_args_is_help=True,
    add_completion=False,  # our own options below take the shell's name
    rich_markup_mode=None,  # plain help: starts faster, reads the same
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _completion_option(flag: str, callback: Callable[..., Any], help_text: str) -> Any:
    """An eager root option that takes a shell's name and acts on it before any command."""
    return typer.Option(
        flag, metavar="SHELL", callback=callback, expose_value=False, is_eager=True,
        help=help_text,
    )


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    install: Annotated[
        str | None,
        _completion_option(
            "--install-completion", install_completion,
            "Set up tab completion in bash, zsh or fish.",
        ),
    ] = None,
    show: Annotated[
        str | None,
        _completion_option(
            "--show-completion", show_completion,
            "Print the completion script for bash, zsh or fish.",
        ),
    ] = None,
) -> None:
    """A voice that talks you through stretching routines, hands-free.

    Start with `voicecoach run` and pick a routine from the menu, or name one. Every command
    has its own help: voicecoach COMMAND --help.

    Examples:
      voicecoach run busy-day
      voicecoach list
      voicecoach plan post-run-hips --hold 45
      voicecoach export busy-day -o busy-day.wav
      voicecoach --install-completion bash
    """


def echo_json(data: Any) -> None:
    """Print `data` as indented JSON (json is imported only by the commands that print it)."""
    import json

    typer.echo(json.dumps(data, indent=2))


def main() -> None:
    """Entry point of the `voicecoach` command."""
    import sys

    _build_only(sys.argv[1:2])
    app(prog_name="voicecoach")


def _build_only(first: list[str]) -> None:
    """Keep only the command named first on the command line, when it names one.

    Typer builds every command's options (inspecting each signature) before it runs any, which
    costs about a millisecond a command on every start; one command needs only its own. A
    completion request, an option or an unknown name keeps them all (help, suggestions)."""
    import os

    if not first or first[0].startswith("-") or any(k.endswith("_COMPLETE") for k in os.environ):
        return
    name = first[0]
    commands = [
        c for c in app.registered_commands
        if (c.name or c.callback.__name__.replace("_", "-") if c.callback else c.name) == name
    ]
    groups = [g for g in app.registered_groups if g.name == name]
    if commands or groups:
        app.registered_commands[:] = commands
        app.registered_groups[:] = groups
