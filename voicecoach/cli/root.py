"""The command line's root: the `voicecoach` group, `--version` and shell completion."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from voicecoach import __version__
from voicecoach.cli.commands import App, Group, error_lines
from voicecoach.cli.completion import install_completion, show_completion
from voicecoach.errors import ExitCode

# Every command, in the order people reach for them in `voicecoach --help`: the module in
# `voicecoach.cli` that registers it, and the first line of its help (what `voicecoach --help`
# lists, so that it shows without loading any command; a test keeps the two the same). The
# entry point loads only the module of the command asked for.
COMMANDS = {
    "run": ("run", "Speak a routine, every cue on time, hands-free."),
    "list": ("listing", "List every routine: name, title, length, when to do it, targets."),
    "show": ("routines", "Show a routine's stretches, targets, sides and timings."),
    "plan": ("routines", "Print the exact timed script the voice will follow (your config "
                         "file's defaults apply)."),
    "export": ("export", "Write a routine as one audio file (WAV, MP3, M4A or Ogg Opus) to "
                         "play from a phone."),
    "compose": ("compose", "Compose a fresh routine from the stretch library, by time, focus, "
                           "moment and place."),
    "history": ("history", "Show recent sessions, totals per routine, your streak of days and "
                           "a calendar."),
    "stretches": ("stretches", "List the stretch library: each stretch's id, position, dose, "
                               "targets and equipment."),
    "voices": ("speech", "List the voices of each installed speech engine, English first, the "
                         "default marked."),
    "listen-test": ("listen", "Check a microphone: show its level and every command it hears."),
    "new": ("authoring", "Write a commented starter routine to edit, and print its path."),
    "validate": ("authoring", "Check routine files and report every problem, with its line."),
    "schema": ("authoring", "Print the routine format as a JSON Schema, for editors."),
    "config": ("config", "Your defaults for run, plan and export: voice, rate, volume, "
                         "insoles, timings."),
}
COMMAND_ORDER = tuple(COMMANDS)


class _Root(Group):
    """The `voicecoach` group: also turns signals, a closed pipe and the system's refusals into
    a message and an exit code, never a traceback (the project's own errors: see `Group`)."""

    order = COMMAND_ORDER

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Every command with its summary, from `COMMANDS`: no command has to be loaded."""
        rows = [(name, summary) for name, (_, summary) in COMMANDS.items()]
        rows += [
            (name, command.get_short_help_str())
            for name, command in self.commands.items()
            if name not in COMMANDS and not command.hidden
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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


Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def echo_json(data: Any) -> None:
    """Print `data` as indented JSON (json is imported only by the commands that print it)."""
    import json

    typer.echo(json.dumps(data, indent=2))


def load_commands(names: tuple[str, ...] = COMMAND_ORDER) -> None:
    """Import the modules that register the commands `names` (all of them by default)."""
    from importlib import import_module

    for module in dict.fromkeys(COMMANDS[name][0] for name in names):
        import_module(f"voicecoach.cli.{module}")


def main() -> None:
    """Entry point of the `voicecoach` command."""
    import sys

    _build_only(sys.argv[1:2])
    app(prog_name="voicecoach")


def _build_only(first: list[str]) -> None:
    """Load and build only the command named first on the command line, when it names one.

    Importing every command module and building every command's options (Typer inspects each
    signature before it runs any) costs time on every start; one command needs only its own,
    and the program's own help and options need none. A completion request or an unknown name
    loads them all (completions, "did you mean")."""
    import os

    if any(k.endswith("_COMPLETE") for k in os.environ):
        load_commands()
        return
    if not first or first[0].startswith("-"):
        return
    if first[0] not in COMMANDS:
        load_commands()
        return
    name = first[0]
    load_commands((name,))
    commands = [
        c for c in app.registered_commands
        if (c.name or c.callback.__name__.replace("_", "-") if c.callback else c.name) == name
    ]
    groups = [g for g in app.registered_groups if g.name == name]
    if commands or groups:
        app.registered_commands[:] = commands
        app.registered_groups[:] = groups
