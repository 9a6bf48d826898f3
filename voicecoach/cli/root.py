"""The command line's root: the `voicecoach` group, its error handling and `--version`."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from voicecoach import __version__
from voicecoach.errors import ExitCode, VoicecoachError


class _Group(TyperGroup):
    """Turns the project's own errors into `Error: ...` and an exit code, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        from voicecoach.interrupts import interrupt_exit_code, quiet_broken_pipe, signals_interrupt

        try:
            with signals_interrupt():
                return super().invoke(ctx)
        except VoicecoachError as error:
            _error_lines(str(error))
            ctx.exit(int(error.exit_code))
        except KeyboardInterrupt as interrupt:  # also SIGTERM and SIGHUP
            typer.echo("\nInterrupted.", err=True)
            ctx.exit(interrupt_exit_code(interrupt))
        except BrokenPipeError:
            quiet_broken_pipe()  # whoever read the output has all they wanted
            ctx.exit(0)
        except OSError as error:  # the system refused: a name too long, a folder not searchable
            where = f"{error.filename}: " if error.filename else ""
            _error_lines(f"{where}{error.strerror or error}")
            ctx.exit(int(ExitCode.FAILURE))


def _error_lines(message: str) -> None:
    from voicecoach.text import printable

    for line in message.splitlines() or [""]:
        typer.echo(f"Error: {printable(line)}", err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"voicecoach {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=_Group,
    name="voicecoach",
    help="A voice that talks you through stretching routines, hands-free.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # plain help: starts faster, reads the same
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """A voice that talks you through stretching routines, hands-free."""


def echo_json(data: Any) -> None:
    """Print `data` as indented JSON (json is imported only by the commands that print it)."""
    import json

    typer.echo(json.dumps(data, indent=2))


def main() -> None:
    """Entry point of the `voicecoach` command."""
    app(prog_name="voicecoach")
