"""The command line's root: the `voicecoach` group, its error handling and `--version`."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from voicecoach import __version__
from voicecoach.errors import VoicecoachError


class _Group(TyperGroup):
    """Turns the project's own errors into `Error: ...` and an exit code, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except VoicecoachError as error:
            for line in str(error).splitlines() or [""]:
                typer.echo(f"Error: {line}", err=True)
            ctx.exit(int(error.exit_code))


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
