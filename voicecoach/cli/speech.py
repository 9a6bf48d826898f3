"""`voices`: the voices of every installed speech engine, and how to pick one."""

from __future__ import annotations

import typer

from voicecoach.cli.options import EngineName, checked_engine
from voicecoach.cli.root import Json, app, echo_json

HOW_TO_PICK = (
    "Pick one with --engine NAME --voice ID on run or export, or keep it: "
    "voicecoach config set engine NAME; voicecoach config set voice ID.",
    "eSpeak NG voices also take a variant after +, e.g. --voice en-us+f3.",
    "Piper speaks any voice you have: --engine piper --voice PATH/TO/voice.onnx "
    "(with its .onnx.json beside it), or a voice's name after "
    "voicecoach config set piper_voices FOLDER.",
)


@app.command()
def voices(
    json_output: Json = False,
    language: str | None = typer.Option(
        None, "--language", "-l", metavar="CODE", help="Only voices for this language, e.g. en."
    ),
    engine: EngineName = None,
) -> None:
    """List the voices of each installed speech engine, English first, the default marked.

    Examples:
      voicecoach voices -l en
      voicecoach voices --engine espeak --json
      voicecoach run busy-day --engine espeak --voice en-gb
    """
    from voicecoach.config import load_config
    from voicecoach.errors import EngineError
    from voicecoach.speech import default_engine, engine_voices, installed_engines

    config = load_config()
    chosen = config.engine if config.engine in installed_engines() else default_engine()
    names = [checked_engine(engine)] if engine else installed_engines()
    rows = []
    for name in names:
        try:
            found, default = engine_voices(name)
        except EngineError as error:
            typer.echo(f"Warning: {name}: {error}", err=True)
            continue
        if name == chosen and config.voice:
            default = next((v.id for v in found if _matches(v.id, config.voice)), default)
        for v in found:
            if _speaks(v.languages, language):
                rows.append({"engine": name, "id": v.id, "name": v.name,
                             "languages": v.languages,
                             "default": name == chosen and v.id == default})
    if json_output:
        echo_json(rows)
        return
    _print(rows, names, chosen)


def _matches(voice_id: str, wanted: str) -> bool:
    return voice_id.lower() == wanted.lower() or voice_id.lower().endswith("/" + wanted.lower())


def _speaks(languages: list[str], language: str | None) -> bool:
    if not language:
        return True
    prefix = language.lower()
    return any(c.lower() == prefix or c.lower().startswith(prefix + "-") for c in languages)


def _print(rows: list[dict], names: list[str], chosen: str) -> None:
    if not rows:
        typer.echo("No voices found.")
    for name in names:
        group = [r for r in rows if r["engine"] == name]
        title = f"{name} (default engine)" if name == chosen else name
        typer.echo(f"{title}:")
        if not group:
            typer.echo("  no voices found" + (": see below" if name == "piper" else ""))
        width = max((len(r["id"]) for r in group), default=0)
        for r in group:
            mark = "*" if r["default"] else " "
            languages = ", ".join(r["languages"]) or "-"
            typer.echo(f"{mark} {r['id']:<{width}}  {r['name']}  ({languages})")
        typer.echo("")
    typer.echo("* the voice that speaks by default.")
    for line in HOW_TO_PICK:
        typer.echo(line)
