"""`export`: a routine as one audio file, to play from a phone."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from voicecoach.cli.options import SpeechFlags, idle_options, own_default, speech_options
from voicecoach.cli.root import app, echo_json
from voicecoach.errors import ExitCode, UsageError
from voicecoach.timefmt import duration

if TYPE_CHECKING:
    from voicecoach.routine.model import Routine
    from voicecoach.session import Step, Steps

ExportName = Annotated[
    str | None,
    typer.Argument(
        metavar="[NAME]",
        help="A routine's name (see `voicecoach list`) or a path to a YAML file.",
        show_default=False,
    ),
]
Output = Annotated[
    Path | None,
    own_default(
        "--output", "-o", metavar="FILE", dir_okay=False,
        help="The file to write: .wav, .mp3, .m4a, .opus or .ogg (replaced only once the new "
        "one is complete).",
    ),
]
Format = Annotated[
    str | None,
    own_default(
        "--format", "-f", metavar="FORMAT",
        help="wav, mp3, m4a or opus (ogg); overrides the file name's extension. "
        "[default: from the name; mp3 with --all]",
    ),
]
Bitrate = Annotated[
    int | None,
    own_default(
        "--bitrate", metavar="KBPS",
        help="Bit rate in kbit/s for mp3, m4a and opus. [default: 64, 48 and 32]",
    ),
]
AllInto = Annotated[
    Path | None,
    own_default(
        "--all", metavar="DIR", file_okay=False,
        help="Write every routine (built-in and yours) into DIR, with a playlist; files "
        "already up to date are kept.",
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


@contextmanager
def _interrupts(outcome: str = "nothing was written") -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP (raised as interrupts from the start) end the export with
    nothing half-written, `outcome` said, and the signal's exit code (130, 143, 129)."""
    from voicecoach.interrupts import interrupt_exit_code

    try:
        yield
    except KeyboardInterrupt as interrupt:
        typer.echo(f"Interrupted: {outcome}.", err=True)
        raise typer.Exit(interrupt_exit_code(interrupt)) from None


@app.command()
@speech_options
def export(
    name: ExportName = None,
    output: Output = None,
    fmt: Format = None,
    bitrate: Bitrate = None,
    all_into: AllInto = None,
    flags: SpeechFlags = SpeechFlags(),
    json_output: Annotated[
        bool, typer.Option("--json", help="Print JSON: the file, its length and each line's onset.")
    ] = False,
) -> None:
    """Write a routine as one audio file (WAV, MP3, M4A or Ogg Opus) to play from a phone.

    Lines sit at their exact times and pauses are silence; MP3, M4A and Ogg Opus files have a
    chapter per stretch. With --all, every routine goes into one folder with a playlist.

    Examples:
      voicecoach export post-run-hips -o post-run-hips.mp3
      voicecoach export busy-day -o busy-day.m4a --rate 150
      voicecoach export busy-day -o busy-day.audio --format opus --bitrate 24
      voicecoach export --all ~/Music/stretching
      voicecoach export post-run-hips -o hips.wav --hold 45 --voice en-gb
    """
    from voicecoach.encode import check_bitrate, choose_format

    check_bitrate(bitrate)
    if all_into is not None:
        if name is not None or output is not None:
            raise UsageError("give either NAME with -o FILE, or --all DIR, not both")
        choose_format(Path("x"), fmt or "mp3")
        with _interrupts("the files already finished are kept, the one being "
                         "written was left out, the playlist was not updated"):
            _export_all(all_into, fmt or "mp3", bitrate, flags, json_output)
        return
    if name is None or output is None:
        raise UsageError(
            "give a routine NAME and -o FILE (or --all DIR); see `voicecoach export --help`"
        )
    with _interrupts():
        _export_one(name, output, fmt, bitrate, flags, json_output)


def _export_one(
    name: str, output: Path, fmt: str | None, bitrate: int | None, flags: SpeechFlags,
    json_output: bool,
) -> None:
    from voicecoach import catalog
    from voicecoach.export import check_target

    audio_format = check_target(output, fmt)  # before any rendering: a wrong name fails at once
    routine = catalog.load(name)
    for note in idle_options(flags, routine, speech=True):
        typer.echo(note, err=True)
    export_to(
        routine, output, flags, fmt=audio_format.name, bitrate=bitrate, json_output=json_output
    )


def export_to(
    routine: Routine, output: Path, flags: SpeechFlags, *, fmt: str,
    bitrate: int | None = None, json_output: bool = False,
) -> None:
    """Write `routine` to `output` in format `fmt` with a progress display, and say what was
    written; an interrupt leaves nothing half-written."""
    from voicecoach.session import export_routine

    settings = flags.settings()
    with _interrupts(), _progress(sys.stderr.isatty()) as steps:
        script, result = export_routine(
            routine, settings, output, cache=not flags.no_cache, steps=steps,
            fmt=fmt, bitrate=bitrate,
        )
    if json_output:
        echo_json(result.to_json(script))
        return
    typer.echo(
        f"Wrote {output}: {duration(result.seconds)} of audio, {len(result.cues)} lines "
        f"({script.title})."
    )


def _export_all(
    folder: Path, fmt: str, bitrate: int | None, flags: SpeechFlags, json_output: bool
) -> None:
    from voicecoach.encode import choose_format
    from voicecoach.export_all import FAILED, PLAYLIST, Exported, export_all
    from voicecoach.session import export_clips

    settings = flags.settings()
    clips = export_clips(settings, cache=not flags.no_cache)

    def report(item: Exported) -> None:
        if json_output:
            return
        if item.status == FAILED:
            typer.echo(f"Error: {item.name}: {item.error}", err=True)
        else:
            typer.echo(f"{item.path.name}: {item.status} ({duration(item.seconds)})")

    with _progress(sys.stderr.isatty()) as steps:
        done = export_all(
            folder, settings, clips, fmt=choose_format(Path("x"), fmt).name, bitrate=bitrate,
            steps=lambda routine: (lambda label: steps(f"{routine}: {label.split()[0]}")),
            report=report,
        )
    if json_output:
        echo_json({"folder": str(folder), "playlist": PLAYLIST,
                   "routines": [d.to_json() for d in done]})
    else:
        typer.echo(f"Playlist: {folder / PLAYLIST}")
    if any(d.status == FAILED for d in done):
        raise typer.Exit(int(ExitCode.FAILURE))
