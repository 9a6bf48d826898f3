"""`voices`: what the speech engine offers."""

from __future__ import annotations

import typer

from voicecoach.cli.options import Json
from voicecoach.cli.root import app, echo_json


@app.command()
def voices(
    json_output: Json = False,
    language: str | None = typer.Option(
        None, "--language", "-l", metavar="CODE", help="Only voices for this language, e.g. en."
    ),
) -> None:
    """List the voices the speech engine offers (use an ID with --voice)."""
    from voicecoach.speech import open_engine

    found = open_engine().voices()
    if language:
        prefix = language.lower()
        found = [
            v for v in found
            if any(code.lower() == prefix or code.lower().startswith(prefix + "-")
                   for code in v.languages)
        ]
    if json_output:
        rows = [{"id": v.id, "name": v.name, "languages": v.languages} for v in found]
        echo_json(rows)
        return
    if not found:
        typer.echo("No voices found.")
        return
    width = max(len(v.id) for v in found)
    for v in found:
        typer.echo(f"{v.id:<{width}}  {v.name}  ({', '.join(v.languages) or '-'})")
    typer.echo("")
    typer.echo("eSpeak NG voices also take a variant after +, e.g. --voice en-us+f3.")
