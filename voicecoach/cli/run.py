"""`run`: speak a routine, every cue on time, hands-free."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from typing import TYPE_CHECKING, Annotated

import typer

from voicecoach.cli import app
from voicecoach.cli.options import Hold, Insoles, NoCache, Rate, VoiceId, Volume
from voicecoach.errors import ExitCode
from voicecoach.timefmt import duration

if TYPE_CHECKING:
    from collections.abc import Callable

    from voicecoach.clock import Clock
    from voicecoach.history import Recorder
    from voicecoach.listen.controls import VoiceControls
    from voicecoach.listen.spotter import Detection
    from voicecoach.plan import Plan
    from voicecoach.player import PlayReport, Progress
    from voicecoach.speakers import Speaker, Voice
    from voicecoach.speech import AudioOutput

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


def _voice(
    stack: ExitStack, *, rate: int, voice: str | None, volume: float, cache: bool
) -> Voice | None:
    """The engine and an audio output to speak through; None if no sound can play here."""
    from voicecoach.errors import EngineError
    from voicecoach.speakers import voiced
    from voicecoach.speech import NoAudioOutput

    try:
        return stack.enter_context(voiced(rate=rate, voice=voice, volume=volume, cache=cache))
    except NoAudioOutput as error:
        reason = str(error)
        _stderr(f"{reason[:1].upper()}{reason[1:]}; printing the cues instead.")
        return None
    except EngineError as error:
        for line in str(error).splitlines():
            _stderr(f"Error: {line}")
        _stderr("To go ahead without speech: voicecoach run --text")
        raise typer.Exit(ExitCode.FAILURE) from None


class _Acknowledge:
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
    stack: ExitStack, clock: Clock, device: str | None, acknowledge: _Acknowledge,
    voice: Voice | None,
) -> VoiceControls:
    """Open the recogniser and the microphone, or say what is missing and exit."""
    from voicecoach.errors import ListenError
    from voicecoach.listen.live import listening

    try:
        controls = stack.enter_context(listening(clock, device=device, on_heard=acknowledge))
    except ListenError as error:
        _stderr(f"Error: {error}")
        _stderr("To go ahead without voice commands: leave out --listen")
        raise typer.Exit(ExitCode.FAILURE) from None
    acknowledge.controls = controls
    if voice is not None:
        from voicecoach.speech import NoAudioOutput, open_audio_output

        try:
            acknowledge.output = open_audio_output()
            stack.callback(acknowledge.output.close)
        except NoAudioOutput:
            pass
    return controls


def _perform(
    draft: Plan, voice: Voice | None, clock: Clock, recorder: Recorder,
    timed: Callable[[], Plan], listener: VoiceControls | None = None,
    acknowledge: _Acknowledge | None = None,
) -> PlayReport:
    """Play the routine: a live view when stdout is a terminal, keys when stdin is one.

    With a voice, the first line starts as soon as it is rendered and the rest of the plan,
    timed from the rendered clips (`timed`), is prepared while it plays."""
    from voicecoach.keys import terminal_keys
    from voicecoach.listen.controls import Controls, GatingSpeaker
    from voicecoach.player import play
    from voicecoach.speakers import SpeakerGroup, TextSpeaker

    def record(progress: Progress) -> None:
        recorder.progress(progress.position_ms / 1000, progress.stretches_completed)

    with terminal_keys() as keys, ExitStack() as stack:
        controls = Controls(keys, listener) if listener is not None else keys
        display = None
        if sys.stdout.isatty():
            from voicecoach.display import LiveDisplay

            display = stack.enter_context(LiveDisplay(draft, keys=keys is not None))
            captions = TextSpeaker(clock, display.write)
            if acknowledge is not None:
                acknowledge.write = display.write
        else:
            minutes = max(1, round(draft.estimated_seconds / 60))
            stretches = _count(len(draft.stretch_names), "stretch")
            typer.echo(f"{draft.title}: about {minutes} min, {stretches}.")
            captions = TextSpeaker(clock)

        def show(progress: Progress) -> None:
            if display is not None:
                display.update(progress)
            record(progress)

        if voice is None:
            return play(draft, captions, clock, controls=controls, on_progress=show)
        speaker: Speaker = SpeakerGroup(voice.speaker, captions)
        if listener is not None:
            # Deaf to the coach's own lines, and for a tail after each.
            speaker = GatingSpeaker(speaker, listener.gate, clock, voice.clips.seconds)
        start = voice.begin(draft, clock)
        if listener is not None:
            listener.gate.close(start, start + voice.clips.seconds(draft.events[0].text))
        captions.say(draft.events[0].text)
        plan = timed()
        if display is not None:
            display.plan = plan
        return play(plan, speaker, clock, controls=controls, on_progress=show, started=(start, 1))


@app.command()
def run(
    name: OptionalName = None,
    text: Text = False,
    insoles: Insoles = None,
    hold: Hold = None,
    voice: VoiceId = None,
    rate: Rate = None,
    volume: Volume = None,
    no_cache: NoCache = False,
    listen: Listen = None,
    listen_device: ListenDevice = None,
) -> None:
    """Speak a routine, every cue on time, hands-free.

    With no NAME, pick one from a numbered menu. Where there is no audio output the cues are
    printed instead. Keys in a terminal (none are needed): space pauses and resumes, n skips to
    the next stretch, b goes back, q quits; Ctrl-C stops. Every run is kept in your history.

    With --listen, say "okay coach," then: pause, resume (or continue, let's go), move on,
    previous, repeat that, or finish. Check your microphone first with `voicecoach listen-test`.

    Examples:

    \b
      voicecoach run busy-day
      voicecoach run busy-day --listen
      voicecoach run busy-day --listen --listen-device 2
    """
    from voicecoach import catalog
    from voicecoach import clock as clocks
    from voicecoach.config import load_config, resolve_options
    from voicecoach.history import record_session
    from voicecoach.plan import build_plan

    if not text:
        from voicecoach.speech import warm_up

        warm_up()  # the engine starts while the routine and config load
    report = recorder = None
    try:
        routine = catalog.load(name if name is not None else _choose())
        settings = resolve_options(
            load_config(), insoles=insoles, hold=hold, rate=rate, voice=voice, volume=volume,
            listen=listen,
        )
        options = settings.options
        clock = clocks.MonotonicClock()
        with ExitStack() as stack:
            speech = None if text else _voice(
                stack, rate=options.rate, voice=settings.voice, volume=settings.volume,
                cache=not no_cache,
            )
            acknowledge = listener = None
            if settings.listen:
                acknowledge = _Acknowledge(clock)
                listener = _listen(stack, clock, listen_device, acknowledge, speech)
            plan = build_plan(routine, options)
            recorder = record_session(plan.routine, plan.title, len(plan.stretch_names),
                                      warn=_stderr)

            def timed() -> Plan:
                assert speech is not None
                return speech.timed(routine, options, plan)

            report = _perform(plan, speech, clock, recorder, timed, listener, acknowledge)
            plan = report.plan
            recorder.finish(report.outcome, report.seconds_done, report.stretches_completed)
    except KeyboardInterrupt:
        if report is None:
            if recorder is not None:
                recorder.finish("interrupted", 0.0, 0)
            _stderr("\nStopped before the routine began.")
            raise typer.Exit(ExitCode.INTERRUPTED) from None

    if report.finished:
        typer.echo(
            f"Done: {plan.title}, {report.stretches_completed} of "
            f"{_count(len(plan.stretch_names), 'stretch')} in {duration(report.elapsed)}."
        )
        return
    _stderr(report.stop_line())
    if report.outcome == "interrupted":
        raise typer.Exit(ExitCode.INTERRUPTED)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}es" if noun.endswith("ch") else f"{n} {noun}s"
