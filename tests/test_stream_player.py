"""The player over the stream: judged from the frames the device pulled, every line lands on its
frame, and pause, next, back, quit and Ctrl-C land where they should."""

from __future__ import annotations

import zlib

import pytest

from tests.audio_check import tone
from tests.playback_fakes import FakeDevice
from tests.routines import TINY_HOLDS
from voicecoach.plan import Plan, build_plan
from voicecoach.player import BACK_RESTART_MS, INTERRUPTED, QUITTED, PlayReport, play
from voicecoach.playback.stream import Stream
from voicecoach.playback.timeline import Timeline, sample_at
from voicecoach.playback.voice import TICK, StreamVoice
from voicecoach.routine import parse_routine
from voicecoach.speakers import SpeakerGroup
from voicecoach.speech import SAMPLE_RATE, Clip

PERIOD = 220
SLACK = round(TICK * SAMPLE_RATE) + 2 * PERIOD  # a key is noticed within a tick, acted on next
TINY = TINY_HOLDS


class Tones:
    """Each line a tone of its own pitch (so a line can be told from another by its samples)."""

    sample_rate = SAMPLE_RATE

    def __init__(self) -> None:
        self._clips: dict[str, Clip] = {}

    def clip(self, text: str) -> Clip:
        if text not in self._clips:
            words = max(1, len(text.split()))
            hz = 150 + zlib.crc32(text.encode()) % 500
            self._clips[text] = Clip(tone(0.25 * words, amplitude=6000, hz=hz), SAMPLE_RATE)
        return self._clips[text]

    def seconds(self, text: str) -> float:
        return self.clip(text).seconds


class Keys:
    """Key commands at chosen times on the stream's clock; "ctrl-c" raises KeyboardInterrupt."""

    def __init__(self, stream: Stream, script: list[tuple[float, str]]) -> None:
        self.stream = stream
        self.script = sorted(script)
        self.delivered: list[tuple[int, str]] = []  # (frames pulled, command)

    def poll(self) -> str | None:
        if self.script and self.stream.now() >= self.script[0][0]:
            _, command = self.script.pop(0)
            self.delivered.append((self.stream.pulled, command))
            if command == "ctrl-c":
                raise KeyboardInterrupt
            return command
        return None


class Captions:
    def __init__(self) -> None:
        self.said: list[str] = []

    def say(self, text: str) -> None:
        self.said.append(text)

    def stop(self) -> None:
        pass


@pytest.fixture(scope="module")
def clips() -> Tones:
    return Tones()


@pytest.fixture(scope="module")
def plan(clips: Tones) -> Plan:
    return build_plan(parse_routine(TINY, "tiny.yaml"), speech_seconds=clips.seconds)


def _run(
    plan: Plan, clips: Tones, script: list[tuple[float, str]]
) -> tuple[PlayReport, FakeDevice, Keys, int, Captions]:
    """Play `plan` as `run` does: the first line at once, then the timed plan takes over."""
    device = FakeDevice(period=PERIOD)
    stream = Stream(device)
    stream.start()
    stream.sleep_until(0.1)  # the device was already pulling silence
    voice = StreamVoice(stream, clips)
    voice.begin(plan)
    origin = voice.take_over(plan)
    keys = Keys(stream, [(origin + at, command) for at, command in script])
    captions = Captions()
    captions.say(plan.events[0].text)
    report = play(plan, SpeakerGroup(voice.speaker, captions), stream, controls=keys,
                  started=(origin, 1), tick=TICK)
    stream.sleep_until(stream.now() + 1)
    return report, device, keys, round(origin * SAMPLE_RATE), captions


def _lines(plan: Plan) -> list[tuple[int, int, str]]:
    """(event index, first frame, text) of every line."""
    return [(i, sample_at(e.start_ms, SAMPLE_RATE), e.text)
            for i, e in enumerate(plan.events) if e.kind == "say"]


def _heard_at(device: FakeDevice, clips: Tones, text: str, frame: int) -> bool:
    """The clip of `text` was given to the device from `frame` on, sample for sample (all but
    the last sample, which rounding to whole milliseconds may leave out)."""
    clip = clips.clip(text)
    return device.span(frame, clip.nframes - 1) == clip.frames[:-2]


def _found(device: FakeDevice, clips: Tones, text: str, lo: int, hi: int) -> int:
    """Where the clip of `text` starts, searching from frame `lo` to `hi`."""
    head = clips.clip(text).frames[:4000]
    at = bytes(device.heard).find(head, 2 * lo, 2 * hi + len(head))
    assert at >= 0 and at % 2 == 0, f"{text!r} not heard between frames {lo} and {hi}"
    return at // 2


def test_every_line_is_pulled_on_its_planned_frame(plan: Plan, clips: Tones) -> None:
    report, device, _, origin, captions = _run(plan, clips, [])
    assert report.finished
    timeline = Timeline(plan, clips)
    assert device.span(origin, timeline.total_frames) == timeline.render(0, timeline.total_frames)
    for _, frame, text in _lines(plan):
        assert _heard_at(device, clips, text, origin + frame)
    assert captions.said == [e.text for e in plan.says]


def test_a_pause_in_silence_shifts_every_later_line_by_the_paused_time(
    plan: Plan, clips: Tones
) -> None:
    start = next(i for i, e in enumerate(plan.events) if e.role == "start" and e.stretch == 1)
    pause_at = plan.events[start].end_ms / 1000 + 4.0  # in the silence of the butterfly hold
    report, device, keys, origin, _ = _run(
        plan, clips, [(pause_at, "pause"), (pause_at + 37.0, "pause")]
    )
    assert report.finished
    (paused, _), (resumed, _) = keys.delivered
    lines = _lines(plan)
    after = [line for line in lines if line[1] > pause_at * SAMPLE_RATE]
    before = [line for line in lines if line[1] <= pause_at * SAMPLE_RATE]
    for _, frame, text in before:
        assert _heard_at(device, clips, text, origin + frame)
    first_index, first_frame, first_text = after[0]
    expected = origin + first_frame + resumed - paused
    shift = _found(device, clips, first_text, expected - SLACK, expected + SLACK) - origin
    shift -= first_frame
    assert shift == pytest.approx(37.0 * SAMPLE_RATE, abs=SLACK)
    for _, frame, text in after:
        assert _heard_at(device, clips, text, origin + frame + shift)
    # silent from the pause until playback went on
    assert not any(device.span(paused + SLACK, resumed - paused - SLACK))


def test_a_line_cut_by_a_pause_is_said_again_from_its_first_frame(
    plan: Plan, clips: Tones
) -> None:
    index, frame, text = next(line for line in _lines(plan)
                              if plan.events[line[0]].role == "instructions")
    pause_at = frame / SAMPLE_RATE + 1.0
    report, device, keys, origin, _ = _run(plan, clips, [(pause_at, "pause"),
                                                          (pause_at + 10.0, "pause")])
    (paused, _), (resumed, _) = keys.delivered
    clip = clips.clip(text)
    heard_until = paused - origin - frame
    assert 0 < heard_until < clip.nframes
    assert device.span(origin + frame, heard_until) == clip.frames[: 2 * heard_until]
    assert not any(device.span(paused + SLACK, resumed - paused - SLACK))
    again = _found(device, clips, text, resumed, resumed + SLACK)
    assert _heard_at(device, clips, text, again)  # in full, from its first frame
    shift = again - origin - frame
    for i, later, later_text in _lines(plan):
        if i > index:
            assert _heard_at(device, clips, later_text, origin + later + shift)
    assert report.finished


def test_next_jumps_to_the_next_stretch_at_once(plan: Plan, clips: Tones) -> None:
    start = next(i for i, e in enumerate(plan.events) if e.role == "start" and e.stretch == 0)
    press = plan.events[start].end_ms / 1000 + 2.0
    report, device, keys, origin, captions = _run(plan, clips, [(press, "next")])
    (pressed, _), = keys.delivered
    target = plan.stretch_start(1)
    name = plan.events[target].text
    at = _found(device, clips, name, pressed, pressed + SLACK)
    shift = at - origin - sample_at(plan.events[target].start_ms, SAMPLE_RATE)
    for i, frame, text in _lines(plan):
        if i >= target:
            assert _heard_at(device, clips, text, origin + frame + shift)
    assert not any(device.span(pressed + SLACK, at - pressed - SLACK))
    assert report.finished and report.stretches_completed == 1
    assert captions.said.index(name) == captions.said.index(plan.events[start].text) + 1


def test_back_goes_to_the_stretch_before_and_plays_it_again(plan: Plan, clips: Tones) -> None:
    begin = plan.stretch_start(1)
    press = plan.events[begin].start_ms / 1000 + 2.0
    assert 2000 < BACK_RESTART_MS
    report, device, keys, origin, _ = _run(plan, clips, [(press, "back")])
    (pressed, _), = keys.delivered
    first = plan.events[plan.stretch_start(0)]
    at = _found(device, clips, first.text, pressed, pressed + SLACK)
    shift = at - origin - sample_at(first.start_ms, SAMPLE_RATE)
    for i, frame, text in _lines(plan):
        if i >= plan.stretch_start(0):
            assert _heard_at(device, clips, text, origin + frame + shift)
    assert report.finished


@pytest.mark.parametrize("command", ["quit", "ctrl-c"])
def test_quit_and_ctrl_c_silence_within_a_period_and_end(
    plan: Plan, clips: Tones, command: str
) -> None:
    line = next(line for line in _lines(plan) if plan.events[line[0]].role == "instructions")
    press = line[1] / SAMPLE_RATE + 1.0
    report, device, keys, origin, _ = _run(plan, clips, [(press, command)])
    (pressed, _), = keys.delivered
    assert report.outcome == (QUITTED if command == "quit" else INTERRUPTED)
    assert any(device.span(pressed - PERIOD, PERIOD))  # the line was sounding
    assert not any(device.span(pressed + PERIOD, device.frames))  # then nothing more
    assert report.position_ms == pytest.approx((pressed - origin) * 1000 / SAMPLE_RATE, abs=30)
