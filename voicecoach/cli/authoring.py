"""`new`, `validate` and `schema`: writing your own routines and checking them."""

from __future__ import annotations

from typing import Annotated

import typer

from voicecoach.cli.root import Json, app, echo_json
from voicecoach.errors import ExitCode


@app.command()
def new(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME", help="The new routine's name: lower-case words joined by single dashes."
        ),
    ],
) -> None:
    """Write a commented starter routine to edit, and print its path.

    NAME.yaml goes into your routines folder ($VOICECOACH_HOME/routines when that is set,
    otherwise your user config folder), where `list`, `run` and the other commands find it
    beside the built-in routines. An existing file is never overwritten.

    Examples:
      voicecoach new evening
      voicecoach validate evening
    """
    from voicecoach import authoring

    path = authoring.create_routine(name)
    typer.echo(str(path))
    typer.echo(
        f"Edit it, then check it with `voicecoach validate {name}` "
        f"and hear it with `voicecoach run {name}`.",
        err=True,
    )


@app.command()
def validate(
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE...", help="Routine files to check (or names of your routines)."
        ),
    ],
    json_output: Json = False,
) -> None:
    """Check routine files and report every problem, with its line.

    Each problem is printed as file:line:column: field: message. The exit code is 0 when
    every file is valid and 2 otherwise.

    Examples:
      voicecoach validate evening
      voicecoach validate routines/*.yaml --json
    """
    from voicecoach import authoring

    reports = [authoring.validate_file(f) for f in files]
    valid = all(r.valid for r in reports)
    if json_output:
        echo_json({"valid": valid, "files": [r.to_json() for r in reports]})
    else:
        for report in reports:
            for line in report.lines():
                typer.echo(line)
        if len(reports) > 1 and not valid:
            bad = [r for r in reports if not r.valid]
            count = sum(len(r.problems) for r in bad)
            typer.echo(
                f"{count} problem{'s' * (count != 1)} in {len(bad)} of {len(reports)} files",
                err=True,
            )
    if not valid:
        raise typer.Exit(int(ExitCode.BAD_INPUT))


@app.command()
def schema() -> None:
    """Print the routine format as a JSON Schema, for editors.

    Save it to a file beside your routines and name that file in a comment on a routine's
    first line (the README shows how): editors that know YAML schemas then complete and
    check the routine as you type. Routines made with `voicecoach new` come set up so.

    Examples:
      voicecoach schema > voicecoach-routine.schema.json
    """
    from voicecoach.schema import schema_text

    typer.echo(schema_text(), nl=False)
