"""`run`: speak a routine, every cue on time, hands-free."""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any

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
    from voicecoach.listen.controls import VoiceControls
    from voicecoach.listen.spotter import Detection
    from voicecoach.history import Recorder
    from voicecoach.plan import Plan, PlanOptions
    from voicecoach.player import Progress
    from voicecoach.routine.model import Routine
    from voicecoach.speakers import Speaker
    from voicecoach.speech import AudioOutput

    Chosen = tuple[Routine, dict[str, Any] | None]  # a routine, and the options that composed it


Text = Annotated[
    bool, typer.Option("--text", help="Print the cues in real time instead of speaking them.")
]
Listen = Annotated[
    bool | None,
    typer.Option(
        "--listen/--no-listen",
        help="Hear spoken commands from the microphone: \"okay coach, pause\" and the like "
        "(needs the listen extra). [default: config, else off]",
        show_default=False,
    ),
]
ListenDevice = Annotated[
    str | None,
    typer.Option(
        "--listen-device",
        metavar="MIC",
        help="The microphone to listen with: its number or part of its name "
        "(see `voicecoach listen-test --list`).",
    ),
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


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _choose() -> str | None:
    """The path of the routine chosen at the menu; None for "compose one for me"."""
    from voicecoach import listing, menu

    row = menu.choose_routine(listing.summaries(), sys.stdin.readline, _write, compose=True)
    return None if row.get("compose") else row["path"]


def _recorder(composed: dict[str, Any]) -> Callable[[Plan], Recorder]:
    """Records a composed routine's run with the options that built it."""
    from voicecoach.history import record_session

    def record(plan: Plan) -> Recorder:
        return record_session(
            plan.routine, plan.title, len(plan.stretch_names), warn=_stderr, composed=composed
        )

    return record


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


    def write(self, line: str) -> None:
        """A line above the live view, or printed."""
        if self.display is not None:
            self.display.write(line)
        else:
            typer.echo(line)


class Acknowledge:
    """Answers each spoken command: a short sound, and the words heard in the view."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.write: Callable[[str], None] = typer.echo
        self.output: AudioOutput | None = None
        self.controls: VoiceControls | None = None

    def __call__(self, detection: Detection) -> None:
        from voicecoach.listen.live import chirp, said

        self.write(f"Heard: {said(detection)}")
        if self.output is not None and self.controls is not None:
            sound = chirp()
            now = self.clock.now()
            self.controls.gate.close(now, now + sound.seconds)  # not to be heard as speech
            self.output.play(sound)


def _listen(
    stack: ExitStack, clock: Clock, device: str | None, acknowledge: Acknowledge, sound: bool,
    lines: list[str],
) -> VoiceControls:
    """Open the recogniser and the microphone, or say what is missing and exit. `lines`: what
    the coach will say, not to be taken for commands."""
    from voicecoach.errors import ListenError
    from voicecoach.listen.live import listening

    try:
        controls = stack.enter_context(
            listening(clock, device=device, on_heard=acknowledge, lines=lines)
        )
    except ListenError as error:
        _stderr(f"Error: {error}")
        _stderr("To go ahead without voice commands: leave out --listen")
        raise typer.Exit(ExitCode.FAILURE) from None
    acknowledge.controls = controls
    if sound:
        from voicecoach.speech import NoAudioOutput, open_audio_output

        try:
            acknowledge.output = open_audio_output()
            stack.callback(acknowledge.output.close)
        except NoAudioOutput:
            pass  # the words heard are still shown
    return controls


def _lines(routine: Routine, options: PlanOptions) -> list[str]:
    """Every line the coach will say in `routine`."""
    from voicecoach.listen.vocabulary import spoken_lines
    from voicecoach.plan import build_plan

    return list(spoken_lines(build_plan(routine, options)))


@app.command()
@speech_options
def run(
    name: OptionalName = None, text: Text = False, verbose: Verbose = False,
    flags: SpeechFlags = SpeechFlags(), listen: Listen = None,
    listen_device: ListenDevice = None,
) -> None:
    """Speak a routine, every cue on time, hands-free.

    With no NAME, pick one from a numbered menu, or have one composed for you. The voice plays
    straight to the sound system (no player program needed); where there is no audio device the
    cues are printed instead. Keys in a terminal (none are needed): space pauses and resumes,
    n skips to the next stretch, b goes back, q quits; Ctrl-C (or SIGTERM) stops. Every run is
    kept in your history.

    With --listen, say "okay coach," then: pause, resume (or continue, let's go), move on,
    previous, repeat that, or end session. Check your microphone first with
    `voicecoach listen-test`.

    Examples:
      voicecoach run
      voicecoach run busy-day
      voicecoach run post-run-hips --hold 45 --rate 140
      voicecoach run busy-day --text
      voicecoach run busy-day --listen
      voicecoach run busy-day --listen --listen-device 2
      voicecoach run busy-day --text --verbose
    """
    from voicecoach import catalog

    def load() -> Chosen:
        if name is not None:
            return catalog.load(name), None
        return _chosen(flags)

    play_routine(
        load, text=text, flags=flags, verbose=verbose, listen=listen, listen_device=listen_device
    )


def _default_rate() -> int | None:
    from voicecoach.speech import engine_rate

    return engine_rate(None)


def _chosen(flags: SpeechFlags) -> Chosen:
    """The routine picked at the menu, or composed there from the minutes and focus asked."""
    from voicecoach import catalog

    choice = _choose()
    if choice is not None:
        return catalog.load(choice), None
    from voicecoach.composition import ComposeOptions, check_options
    from voicecoach.composed import compose_routine, remember, today_seed
    from voicecoach.menu import ask_composition

    minutes, focus = ask_composition(sys.stdin.readline, _write)
    options = check_options(ComposeOptions(minutes=minutes, focus=focus, seed=today_seed()))
    plan_options = flags.settings().options
    _, routine = compose_routine(options, plan_options)
    remember(options, plan_options)
    return routine, options.to_json()


def play_routine(
    load: Callable[[], Chosen], *, text: bool, flags: SpeechFlags, verbose: bool = False,
    listen: bool | None = None, listen_device: str | None = None,
) -> None:
    """Speak the routine `load` gives (loaded once the engine is warming up) and report."""
    if not text:
        from voicecoach.playback.outputs import open_early

        # The audio device opens while the config loads, at the default engine's rate (opened
        # again if the config names an engine with another).
        open_early(likely=_default_rate)
    from voicecoach import clock as clocks
    from voicecoach.errors import EngineError
    from voicecoach.session import RunSession

    report = None
    try:
        settings = flags.settings()
        if not text:
            from voicecoach.session import warm_voice

            # The audio device opens at the engine's rate, and the engine (if needed) loads,
            # while the routine does.
            warm_voice(settings, cache=not flags.no_cache)
        from voicecoach.keys import terminal_keys

        routine, composed = load()
        for note in idle_options(flags, routine, speech=not text):
            _stderr(note)
        if listen is not None:
            settings = replace(settings, listen=listen)
        clock = clocks.MonotonicClock()
        with ExitStack() as stack:
            acknowledge = listener = None
            if settings.listen:
                acknowledge = Acknowledge(clock)
                listener = _listen(stack, clock, listen_device, acknowledge, sound=not text,
                                   lines=_lines(routine, settings.options))
            session = RunSession(
                routine, settings, clock=clock, speech=not text, cache=not flags.no_cache,
                warn=_stderr, record=_recorder(composed) if composed is not None else None,
                verbose=verbose, gate=listener.gate if listener is not None else None,
            )
            try:
                stack.enter_context(session)
            except EngineError as error:
                for line in str(error).splitlines():
                    _stderr(f"Error: {line}")
                _stderr("To go ahead without speech: voicecoach run --text")
                raise typer.Exit(ExitCode.FAILURE) from None
            keys = stack.enter_context(terminal_keys())
            view = TerminalView(stack, clock, keys=keys is not None)
            if keys is not None:
                keys.on_resume = view.redraw
            controls = keys
            if listener is not None and acknowledge is not None:
                from voicecoach.listen.controls import Controls

                acknowledge.write = view.write
                controls = Controls(keys, listener)
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

