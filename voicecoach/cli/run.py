"""`run`: speak a routine, every cue on time, hands-free."""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from typing import TYPE_CHECKING, Annotated

import typer

from voicecoach.cli.options import SpeechFlags, idle_options, speech_options
from voicecoach.cli.root import app
from voicecoach.errors import ExitCode
from voicecoach.interrupts import interrupt_exit_code
from voicecoach.outcome import INTERRUPTED
from voicecoach.timefmt import duration, plural

if TYPE_CHECKING:
    from voicecoach.clock import Clock
    from voicecoach.display import LiveDisplay
    from voicecoach.plan import Plan
    from voicecoach.player import Progress
    from voicecoach.speakers import Speaker

Text = Annotated[
    bool, typer.Option("--text", help="Print the cues in real time instead of speaking them.")
]
Verbose = Annotated[
    bool,
    typer.Option(
        "--verbose", "-v",
        help="Say how the voice is played, and why a better way was passed over.",
    ),
]
OptionalName = Annotated[
    str | None,
    typer.Argument(
        metavar="[NAME]",
        help="A routine's name (see `voicecoach list`) or a path to a YAML file; "
        "leave it out to choose from a menu.",
        show_default=False,
    ),
]


def _stderr(line: str) -> None:
    typer.echo(line, err=True)


def _choose() -> str:
    from voicecoach import listing, menu

    def write(text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    return menu.choose_routine(listing.summaries(), sys.stdin.readline, write)["path"]


class TerminalView:
    """A live view when stdout is a terminal; otherwise a heading and one printed line a cue."""

    def __init__(self, stack: ExitStack, clock: Clock, *, keys: bool) -> None:
        self.stack = stack
        self.clock = clock
        self.keys = keys
        self.display: LiveDisplay | None = None

    def begin(self, plan: Plan) -> Speaker:
        from voicecoach.speakers import TextSpeaker

        if sys.stdout.isatty() and os.environ.get("TERM") != "dumb":
            from voicecoach.display import LiveDisplay

            self.display = self.stack.enter_context(LiveDisplay(plan, keys=self.keys))
            return TextSpeaker(self.clock, self.display.write)
        stretches = plural(len(plan.stretch_names), "stretch")
        typer.echo(f"{plan.title}: {duration(plan.estimated_seconds)}, {stretches}.")
        if self.keys:  # no live view to show them in: once, here
            from voicecoach.keys import HELP

            _stderr(f"Keys: {HELP}   (Ctrl-C stops)")
        return TextSpeaker(self.clock)

    def redraw(self) -> None:
        if self.display is not None:
            self.display.redraw()

    def update(self, progress: Progress) -> None:
        if self.display is not None:
            self.display.update(progress)


@app.command()
@speech_options
def run(
    name: OptionalName = None, text: Text = False, verbose: Verbose = False,
    flags: SpeechFlags = SpeechFlags(),
) -> None:
    """Speak a routine, every cue on time, hands-free.

    With no NAME, pick one from a numbered menu. The voice plays straight to the sound system
    (no player program needed); where there is no audio device the cues are printed instead.
    Keys in a terminal (none are needed): space pauses and resumes, n skips to the next stretch,
    b goes back, q quits; Ctrl-C (or SIGTERM) stops. Every run is kept in your history.

    Examples:
      voicecoach run
      voicecoach run busy-day
      voicecoach run post-run-hips --hold 45 --rate 140
      voicecoach run busy-day --text --verbose
    """
    from voicecoach import catalog
    from voicecoach import clock as clocks
    from voicecoach.errors import EngineError
    from voicecoach.keys import terminal_keys
    from voicecoach.session import RunSession

    if not text:
        from voicecoach.playback.outputs import open_early
        from voicecoach.speech import SAMPLE_RATE

        open_early(SAMPLE_RATE)  # the audio device opens while the routine and config load
    report = None
    try:
        settings = flags.settings()
        if not text:
            from voicecoach.session import warm_voice

            warm_voice(settings, cache=not flags.no_cache)  # loads while the routine does
        routine = catalog.load(name if name is not None else _choose())
        for note in idle_options(flags, routine, speech=not text):
            _stderr(note)
        clock = clocks.MonotonicClock()
        session = RunSession(
            routine, settings, clock=clock, speech=not text, cache=not flags.no_cache,
            warn=_stderr, verbose=verbose,
        )
        with ExitStack() as stack:
            try:
                stack.enter_context(session)
            except EngineError as error:
                for line in str(error).splitlines():
                    _stderr(f"Error: {line}")
                _stderr("To go ahead without speech: voicecoach run --text")
                raise typer.Exit(ExitCode.FAILURE) from None
            controls = stack.enter_context(terminal_keys())
            view = TerminalView(stack, clock, keys=controls is not None)
            if controls is not None:
                controls.on_resume = view.redraw
            report = session.play(view, controls)
    except KeyboardInterrupt as interrupt:  # also SIGTERM and SIGHUP
        if report is None:
            _stderr("\nStopped before the routine began.")
            raise typer.Exit(interrupt_exit_code(interrupt)) from None

    plan = report.plan
    if report.finished:
        typer.echo(
            f"Done: {plan.title}, {report.stretches_completed} of "
            f"{plural(len(plan.stretch_names), 'stretch')} in {duration(report.elapsed)}."
        )
        return
    _stderr(report.stop_line())
    if report.outcome == INTERRUPTED:
        raise typer.Exit(interrupt_exit_code())

