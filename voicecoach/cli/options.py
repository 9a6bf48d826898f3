"""Options shared by `plan`, `run` and `export`: one plan feeds all three."""

from __future__ import annotations

from typing import Annotated

import typer

from voicecoach.rates import DEFAULT_RATE, MAX_RATE, MIN_RATE

Name = Annotated[
    str,
    typer.Argument(
        metavar="NAME", help="A routine's name (see `voicecoach list`) or a path to a YAML file."
    ),
]
Insoles = Annotated[
    bool | None,
    typer.Option(
        "--insoles/--no-insoles",
        help="Say, or leave out, the closing mention of the insoles. "
        "[default: config, else say it]",
        show_default=False,
    ),
]
Hold = Annotated[
    float | None,
    typer.Option(
        "--hold", min=5, max=600, metavar="SECONDS", help="Hold every static stretch this long."
    ),
]
Rate = Annotated[
    int | None,
    typer.Option(
        "--rate",
        min=MIN_RATE,
        max=MAX_RATE,
        metavar="WPM",
        help=f"Speaking rate, words per minute. [default: config, else {DEFAULT_RATE}]",
        show_default=False,
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
VoiceId = Annotated[
    str | None,
    typer.Option(
        "--voice",
        metavar="ID",
        help="Voice to speak with, e.g. en-us or en-us+f3 (see `voicecoach voices`).",
    ),
]
Volume = Annotated[
    float | None,
    typer.Option(
        "--volume",
        min=0.0,
        max=1.0,
        metavar="0..1",
        help="Loudness, 0 to 1. [default: config, else 1]",
        show_default=False,
    ),
]
NoCache = Annotated[
    bool,
    typer.Option(
        "--no-cache", help="Render every line afresh; neither read nor fill the clip cache."
    ),
]
