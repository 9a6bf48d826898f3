"""`listen-test`: check a microphone and show what the recogniser hears, before a run."""

from __future__ import annotations

import math
from typing import Annotated

import typer

from voicecoach.cli.root import app

SILENT_DB = -50.0  # a microphone that never gets louder than this is probably muted


def _db(peak: int) -> float:
    return 20 * math.log10(peak / 32767) if peak > 0 else -96.0


@app.command("listen-test")
def listen_test(
    device: Annotated[
        str | None,
        typer.Option(
            "--device", metavar="MIC",
            help="The microphone: its number or part of its name (see --list).",
        ),
    ] = None,
    seconds: Annotated[
        float,
        typer.Option("--seconds", min=1, max=600, metavar="SECONDS", help="How long to listen."),
    ] = 20.0,
    list_only: Annotated[
        bool, typer.Option("--list", help="List the microphones and exit.")
    ] = False,
) -> None:
    """Check a microphone: show its level and every command it hears.

    Say "okay coach," then a command, from where you will stretch: pause, resume (or
    continue, let's go), move on, previous, repeat that, end session. Ctrl-C stops early.

    Examples:
      voicecoach listen-test
      voicecoach listen-test --list
      voicecoach listen-test --device 2 --seconds 60
    """
    from voicecoach import clock as clocks
    from voicecoach.listen.live import listening, said
    from voicecoach.listen.microphone import microphones

    if list_only:
        found = microphones()
        if not found:
            typer.echo("No microphones found.")
        for mic in found:
            typer.echo(f"{mic.index}: {mic.name}")
        return

    clock = clocks.MonotonicClock()
    heard: list[str] = []

    def show(detection: object) -> None:
        heard.append(said(detection))  # type: ignore[arg-type]
        typer.echo(f"Heard: {heard[-1]}  ->  {detection.command}")  # type: ignore[attr-defined]

    loudest = 0
    with listening(clock, device=device, on_heard=show) as controls:
        typer.echo(f"Listening for {seconds:g} s: say \"okay coach, pause\" (Ctrl-C stops).")
        start = clock.now()
        next_level = start + 1.0
        try:
            while clock.now() - start < seconds:
                controls.poll()
                loudest = max(loudest, controls.peak)
                if clock.now() >= next_level:
                    typer.echo(f"  level {_db(controls.peak):6.1f} dB")
                    next_level += 1.0
                clock.sleep_until(clock.now() + 0.1)
        except KeyboardInterrupt:
            typer.echo("")
    typer.echo(f"Loudest: {_db(loudest):.1f} dB; commands heard: {len(heard)}.")
    if _db(loudest) < SILENT_DB:
        typer.echo("The microphone heard almost nothing: is it muted, or is another one "
                   "the default? Try --list and --device.")
