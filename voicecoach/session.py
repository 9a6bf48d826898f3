"""Speaking or exporting a routine with these options: the one use case behind `run` and
`export`, whatever prints its progress.

It merges defaults, config and flags, opens the speech engine and the output, renders the clips,
times the plan from their measured lengths, plays it (or writes it) and records the run. The
speech engine, the audio output, the clock and the history recorder can all be handed in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from voicecoach.outcome import INTERRUPTED
from voicecoach.settings import Settings, load_settings, resolve_options  # noqa: F401

if TYPE_CHECKING:
    from voicecoach.clock import Clock
    from voicecoach.export import ExportResult
    from voicecoach.history import Recorder
    from voicecoach.listen.gate import Gate
    from voicecoach.plan import Plan, PlanOptions
    from voicecoach.player import Controls, PlayReport, Progress
    from voicecoach.playback.outputs import Found
    from voicecoach.playback.stream import Stream
    from voicecoach.playback.voice import StreamVoice
    from voicecoach.routine import Routine
    from voicecoach.speakers import AudioSpeaker, Speaker
    from voicecoach.speech import AudioOutput, ClipCache, Engine

Step = Callable[[int, int], None]  # (done, total)
Steps = Callable[[str], Step]  # a progress step for each labelled phase


# --- the voice ------------------------------------------------------------------------------


def timed_plan(
    routine: Routine, options: PlanOptions, clips: ClipCache, draft: Plan | None = None,
    progress: Step | None = None,
) -> Plan:
    """Render every line of the routine and time its plan from the clips' measured lengths
    (the one timeline `run` and `export` share). `draft`: the plan already estimated."""
    from voicecoach.plan import build_plan

    draft = draft if draft is not None else build_plan(routine, options)
    clips.prepare((e.text for e in draft.says), progress)
    return build_plan(routine, options, speech_seconds=clips.seconds)


def open_clips(
    *, voice: str | None, rate: int, volume: float, cache: bool = True,
    engine: Engine | None = None, engine_name: str | None = None,
) -> ClipCache:
    """The clips of `engine`, or of engine `engine_name` (None: the default) opened with this
    voice, rate and volume."""
    from voicecoach import speech

    from voicecoach import content

    if engine is None:
        engine = speech.open_engine(engine_name, voice=voice, rate=rate, volume=volume)
    # The first line sentence by sentence: its first sentence plays while the rest renders.
    return speech.ClipCache(engine, enabled=cache, by_sentence=[content.DISCLAIMER])


def warm_voice(settings: Settings, cache: bool = True) -> None:
    """Open the audio device started early (`outputs.open_early`) at the engine's rate, and
    start loading the engine in the background while the routine loads, unless the first line
    is cached: then the first word needs no engine, and loading it would only slow it."""
    from voicecoach import content, speech
    from voicecoach.errors import VoicecoachError
    from voicecoach.playback.outputs import open_early_at

    name = settings.engine or settings.options.engine
    open_early_at(speech.engine_rate(name))
    if cache and speech.opens_lazily(name):
        try:
            clips = open_clips(voice=settings.voice, rate=settings.options.rate,
                               volume=settings.volume, engine_name=name)
        except VoicecoachError:
            return  # said when the engine is opened for real
        if clips.cached(content.DISCLAIMER):  # every plan begins with it
            return
    speech.warm_up(name)


class SpokenOutput:
    """An engine's clips played through an audio output: the real voice for `run`."""

    def __init__(self, clips: ClipCache, output: AudioOutput) -> None:
        from voicecoach.speakers import AudioSpeaker

        self.clips = clips
        self.speaker: AudioSpeaker = AudioSpeaker(clips, output)
        self.notes: list[str] = []  # how it plays and why, for --verbose

    def begin(self, draft: Plan, clock: Clock) -> float:
        """Render and start the first line at once (the disclaimer); returns when it started.

        The rest is rendered while it plays (`timed`), so the first word comes quickly even
        when no line is cached yet."""
        first = draft.events[0].text
        parts = self.clips.split(first)
        if parts is None or self.clips.cached(first) or not self.speaker.follows():
            self.clips.prepare([first])
            start = clock.now()
            self.speaker.say(first)
            return start
        # Nothing cached: the first sentence starts as soon as it is ready, and the rest of the
        # line (the same samples as the whole line's clip) follows it without a seam.
        from voicecoach.speech import Clip

        head = self.clips.clip(parts[0])
        start = clock.now()
        self.speaker.play(head)
        whole = self.clips.clip(first)
        self.speaker.follow(Clip(whole.frames[len(head.frames):], whole.sample_rate))
        return start

    def timed(self, routine: Routine, options: PlanOptions, draft: Plan) -> Plan:
        """Render every line of `draft` and time the plan from the clips' measured lengths."""
        return timed_plan(routine, options, self.clips, draft)


@contextmanager
def voiced(
    *, rate: int, voice: str | None = None, volume: float = 1.0, cache: bool = True,
    engine: Engine | None = None, engine_name: str | None = None,
    output: AudioOutput | None = None, chime: bool = False,
    find: Callable[..., Found] | None = None, first: Plan | None = None,
) -> Iterator[SpokenOutput | StreamVoice]:
    """Open the speech engine and the best way to be heard here: the in-process stream, else a
    player program (`output`, when given, is used as that). The volume is applied in the mix,
    so clips are rendered at full volume. Closes the output afterwards. Raises EngineError when
    the engine cannot start and NoAudioOutput, with the reasons, when nothing can play sound.
    `first`: the plan to be played; when its first line is cached, the stream starts with it
    (no device is opened again for it, and nothing else is waited for)."""
    from voicecoach.playback.outputs import Found, ScaledClips, find_output
    from voicecoach.playback.voice import StreamVoice
    from voicecoach.speech import NoAudioOutput

    clips = open_clips(
        voice=voice, rate=rate, volume=1.0, cache=cache, engine=engine, engine_name=engine_name
    )
    primed: list[StreamVoice] = []

    def start(stream: Stream) -> None:
        primed.append(StreamVoice(stream, clips, volume=volume, chime=chime))
        if first is not None and clips.cached(first.events[0].text):
            primed[-1].begin(first)

    found = Found(process=output) if output is not None else (find or find_output)(
        clips.sample_rate, first=start
    )
    try:
        heard: SpokenOutput | StreamVoice
        if found.stream is not None:
            heard = next((v for v in primed if v.stream is found.stream), None) or StreamVoice(
                found.stream, clips, volume=volume, chime=chime
            )
        elif found.process is not None:
            scaled = ScaledClips(clips, volume)
            heard = SpokenOutput(scaled, found.process)  # type: ignore[arg-type]
        else:
            error = NoAudioOutput("no audio device found")
            error.reasons = found.reasons  # type: ignore[attr-defined]
            raise error
        heard.notes = found.messages(verbose=True)
        yield heard
    finally:
        found.close()


# --- run ------------------------------------------------------------------------------------


class View(Protocol):
    """What shows a run as it goes (a live view, or printed lines)."""

    def begin(self, plan: Plan) -> Speaker:
        """Show the start of `plan`; returns the speaker that shows each line as it is said."""
        ...

    def update(self, progress: Progress) -> None:
        """Show how far playback is."""
        ...


class RunSession:
    """Speaking one routine: the voice (or text when there is no sound), the plan, the history.

    Use it as a context manager: entering opens the engine and the audio output (EngineError if
    the engine cannot start; without an audio output it goes on as text, saying so in one line
    through `warn`, and why when `verbose`), leaving closes them; with a stream and the first
    line cached, that line starts playing then. `engine`, `output` (a player), `find` (as
    `outputs.find_output`) and `record` (a plan -> its history recorder) stand in for the real
    ones when given. `gate`: when listening for spoken commands, the gate that is closed while
    each line plays, so the coach never hears itself."""

    def __init__(
        self, routine: Routine, settings: Settings, *, clock: Clock, speech: bool = True,
        cache: bool = True, warn: Callable[[str], None] = print,
        record: Callable[[Plan], Recorder] | None = None, engine: Engine | None = None,
        output: AudioOutput | None = None, find: Callable[..., Found] | None = None,
        verbose: bool = False, gate: Gate | None = None,
    ) -> None:
        self.routine = routine
        self.gate = gate
        self.settings = settings
        self.clock = clock
        self.speech = speech
        self.cache = cache
        self.warn = warn
        self.record = record if record is not None else self._record
        self.engine = engine
        self.output = output
        self.find = find
        self.verbose = verbose
        self.voice: SpokenOutput | StreamVoice | None = None
        self.report: PlayReport | None = None
        self._reached: tuple[float, int] = (0.0, 0)  # seconds and stretches done, as last shown
        self._stack = ExitStack()
        self._draft: Plan | None = None
        self._began = 0.0  # on `clock`: when the voice was opened (and the first line started)

    def __enter__(self) -> RunSession:
        if not self.speech:
            return self
        from voicecoach.playback.outputs import NO_DEVICE
        from voicecoach.speech import NoAudioOutput

        from voicecoach.plan import build_plan

        s = self.settings
        self._draft = build_plan(self.routine, s.options)
        try:
            self._began = self.clock.now()
            self.voice = self._stack.enter_context(voiced(
                rate=s.options.rate, voice=s.voice, volume=s.volume, cache=self.cache,
                engine=self.engine, engine_name=s.engine, output=self.output, chime=s.chime,
                find=self.find, first=self._draft,
            ))
            notes = getattr(self.voice, "notes", [])
        except NoAudioOutput as error:
            self.warn(NO_DEVICE)
            notes = [f"  {reason}" for reason in getattr(error, "reasons", [str(error)])]
        except BaseException:
            self._stack.close()
            raise
        if self.verbose:
            for line in notes:
                self.warn(line)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _record(self, plan: Plan) -> Recorder:
        from voicecoach.history import record_session

        return record_session(plan.routine, plan.title, len(plan.stretch_names), warn=self.warn)

    def play(self, view: View, controls: Controls | None = None) -> PlayReport:
        """Play the routine through `view` (keys from `controls`) and record how it went.
        Ctrl-C (or any error) before playing ends is recorded as interrupted, as far as the run
        had got, and raised again."""
        from voicecoach.plan import build_plan

        draft = self._draft if self._draft is not None else build_plan(
            self.routine, self.settings.options
        )
        recorder = self.record(draft)
        try:
            report = self._perform(draft, view, controls, recorder)
        except BaseException:  # Ctrl-C, a closed output: recorded as far as it got
            recorder.finish(INTERRUPTED, *self._reached)
            raise
        recorder.finish(report.outcome, report.seconds_done, report.stretches_completed)
        self.report = report
        return report

    def _perform(
        self, draft: Plan, view: View, controls: Controls | None, recorder: Recorder
    ) -> PlayReport:
        """With a voice, the first line starts as soon as it is rendered and the rest of the
        plan, timed from the rendered clips, is prepared while it plays."""
        from voicecoach.player import play
        from voicecoach.speakers import SpeakerGroup

        captions = view.begin(draft)

        def show(progress: Progress) -> None:
            self._reached = (progress.position_ms / 1000, progress.stretches_completed)
            recorder.progress(*self._reached)
            view.update(progress)

        clock = self.clock
        if self.voice is None:
            return play(draft, captions, clock, controls=controls, on_progress=show)
        from voicecoach.playback.voice import StreamVoice

        if isinstance(self.voice, StreamVoice):
            return self._stream(self.voice, draft, captions, controls, show)
        start = self.voice.begin(draft, clock)
        captions.say(draft.events[0].text)
        plan = self.voice.timed(self.routine, self.settings.options, draft)
        speaker: Speaker = SpeakerGroup(self.voice.speaker, captions)
        if self.gate is not None:
            from voicecoach.listen.controls import GatingSpeaker

            seconds = self.voice.clips.seconds
            self.gate.close(start, start + seconds(draft.events[0].text))
            speaker = GatingSpeaker(speaker, self.gate, clock, seconds)
        return play(plan, speaker, clock, controls=controls, on_progress=show, started=(start, 1))

    def _stream(
        self, voice: StreamVoice, draft: Plan, captions: Speaker, controls: Controls | None,
        show: Callable[[Progress], None],
    ) -> PlayReport:
        """The same through the audio stream, which is then also the player's clock."""
        from voicecoach.player import play
        from voicecoach.playback.voice import TICK
        from voicecoach.speakers import SpeakerGroup

        began = self._began if voice.begun else self.clock.now()
        voice.begin(draft)
        captions.say(draft.events[0].text)
        options = self.settings.options
        plan = timed_plan(self.routine, options, voice.clips, draft)  # type: ignore[arg-type]
        start = voice.take_over(plan)
        speaker: Speaker = SpeakerGroup(voice.speaker, captions)
        if self.gate is not None:
            # Lines are stamped on the monotonic clock, as the microphone's audio is.
            from voicecoach.listen.controls import GatingSpeaker

            seconds = voice.clips.seconds
            self.gate.close(began, began + seconds(draft.events[0].text))
            speaker = GatingSpeaker(speaker, self.gate, self.clock, seconds)
        report = play(plan, speaker, voice.clock, controls=controls, on_progress=show,
                      started=(start, 1), tick=TICK)
        if report.finished:
            voice.finish()
        return report


# --- export ---------------------------------------------------------------------------------


def _no_steps(label: str) -> Step:
    return lambda done, total: None


def export_clips(
    settings: Settings, *, cache: bool = True, engine: Engine | None = None
) -> ClipCache:
    """The clips an export is made from (one set serves many routines), at full volume: the
    volume is applied in the mix, as when played."""
    return open_clips(
        voice=settings.voice, rate=settings.options.rate, volume=1.0, cache=cache,
        engine=engine, engine_name=settings.engine,
    )


def export_routine(
    routine: Routine, settings: Settings, target: Path, *, cache: bool = True,
    engine: Engine | None = None, steps: Steps = _no_steps, fmt: str | None = None,
    bitrate: int | None = None, note: str = "", clips: ClipCache | None = None,
) -> tuple[Plan, ExportResult]:
    """Write the routine to `target` as one audio file (the format `fmt`, else the one its name
    says), timed from its rendered clips; returns the plan and what was written. `steps(label)`
    gives a progress callback for each phase; `note` ends the comment tag; `clips` (already
    open) saves opening the engine again."""
    from voicecoach.export import export_audio

    if clips is None:
        clips = export_clips(settings, cache=cache, engine=engine)
    plan = timed_plan(routine, settings.options, clips, progress=steps("Rendering speech"))
    result = export_audio(
        plan, clips, target, fmt=fmt, bitrate=bitrate, progress=steps("Writing audio"), note=note,
        volume=settings.volume, chime=settings.chime,
    )
    return plan, result
