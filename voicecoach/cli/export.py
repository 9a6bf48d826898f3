"""`export`: a routine as one audio file, to play from a phone."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from voicecoach.cli.options import Name, SpeechFlags, idle_options, speech_options
from voicecoach.cli.root import app, echo_json
from voicecoach.interrupts import interrupt_exit_code
from voicecoach.timefmt import duration

if TYPE_CHECKING:
    from voicecoach.session import Step, Steps

Output = Annotated[
    Path,
    typer.Option(
        "--output", "-o", metavar="FILE.wav", dir_okay=False,
        help="The WAV file to write (replaced only once the new one is complete).",
    ),
]


@contextmanager
def _progress(enabled: bool) -> Iterator[Steps]:
    """Progress bars on stderr when it is a terminal; otherwise nothing."""
    if not enabled:
        yield lambda label: (lambda done, total: None)
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    bars = Progress(
        TextColumn("{task.description:<16}"), BarColumn(), TaskProgressColumn(),
        TimeRemainingColumn(), console=Console(stderr=True), transient=True,
    )

    def task(label: str) -> Step:
        task_id = bars.add_task(label, total=None)
        return lambda done, total: bars.update(task_id, completed=done, total=total)

    with bars:
        yield task


@app.command()
@speech_options
def export(
    name: Name,
    output: Output,
    flags: SpeechFlags = SpeechFlags(),
    json_output: Annotated[
        bool, typer.Option("--json", help="Print JSON: the file, its length and each line's onset.")
    ] = False,
) -> None:
    """Write a routine as one WAV file (lines at their exact times, pauses as silence).

    Examples:
      voicecoach export busy-day -o busy-day.wav
      voicecoach export post-run-hips -o hips.wav --hold 45 --voice en-gb
    """
    from voicecoach import catalog
    from voicecoach.export import check_target
    from voicecoach.session import export_routine

    check_target(output)  # before any rendering: a wrong name fails at once
    routine = catalog.load(name)
    for note in idle_options(flags, routine, speech=True):
        typer.echo(note, err=True)
    settings = flags.settings()
    try:
        with _progress(sys.stderr.isatty()) as steps:
            script, result = export_routine(
                routine, settings, output, cache=not flags.no_cache, steps=steps
            )
    except KeyboardInterrupt as interrupt:  # also SIGTERM and SIGHUP
        typer.echo("Interrupted: nothing was written.", err=True)
        raise typer.Exit(interrupt_exit_code(interrupt)) from None
    if json_output:
        echo_json(result.to_json(script))
        return
    typer.echo(
        f"Wrote {output}: {duration(result.seconds)} of audio, {len(result.cues)} lines "
        f"({script.title})."
    )
