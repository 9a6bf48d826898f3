"""The stream: the device pulls the timeline; holds, seeks and the clock follow what it pulled."""

from __future__ import annotations

import pytest

from tests.playback_fakes import FakeDevice, StallingDevice, timed
from voicecoach.errors import AudioError, EngineError
from voicecoach.player import play
from voicecoach.playback.stream import STALL_SECONDS, Stream
from voicecoach.playback.timeline import Timeline, sample_at
from voicecoach.speech import SAMPLE_RATE

PERIOD = 220


class Captions:
    """A speaker that notes the stream's time of each line (the voice itself is the stream)."""

    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self.said: list[tuple[float, str]] = []

    def say(self, text: str) -> None:
        self.said.append((self.stream.now(), text))

    def stop(self) -> None:
        self.stream.hold()


@pytest.fixture(scope="module")
def busy() -> tuple[object, object, Timeline, bytes]:
    plan, cache = timed()
    timeline = Timeline(plan, cache, keep_clips=True)
    timeline.preload()
    return plan, cache, timeline, timeline.render(0, timeline.total_frames)


def _stream(timeline: Timeline) -> tuple[Stream, FakeDevice]:
    device = FakeDevice(period=PERIOD)
    stream = Stream(device, timeline)
    stream.start()
    return stream, device


def test_followed_from_the_start_every_frame_pulled_is_the_timelines(busy) -> None:
    _, _, timeline, audio = busy
    stream, device = _stream(timeline)
    stream.follow(0.0)
    stream.sleep_until(timeline.total_frames / SAMPLE_RATE)
    assert device.frames >= timeline.total_frames
    assert device.span(0, timeline.total_frames) == audio
    assert stream.now() == device.frames / SAMPLE_RATE


def test_the_schedule_can_start_later_than_the_device(busy) -> None:
    plan, _, timeline, audio = busy
    stream, device = _stream(timeline)
    stream.sleep_until(0.5)  # silence until told to follow
    assert not any(device.heard)
    origin = stream.now()
    stream.follow(origin)
    stream.sleep_until(origin + 20)
    first = round(origin * SAMPLE_RATE)
    assert device.span(first, 20 * SAMPLE_RATE) == audio[: 2 * 20 * SAMPLE_RATE]


def test_sleep_until_pulls_just_enough(busy) -> None:
    stream, device = _stream(busy[2])
    stream.sleep_until(1.0)
    assert SAMPLE_RATE <= device.frames < SAMPLE_RATE + PERIOD
    stream.sleep_until(0.5)  # already there: nothing more
    assert device.frames < SAMPLE_RATE + PERIOD


def test_hold_silences_from_the_next_frame_pulled_and_returns_at_once(busy) -> None:
    plan, _, timeline, audio = busy
    stream, device = _stream(timeline)
    stream.follow(0.0)
    stream.sleep_until(2.0)  # inside the disclaimer
    before = device.frames
    stream.hold()
    assert device.frames == before  # holding pulls nothing and waits for nothing
    assert not stream.playing and stream.position_frame() == before
    stream.sleep_until(4.0)
    assert device.span(0, before) == audio[: 2 * before]
    assert not any(device.span(before, device.frames - before))
    assert stream.position_frame() == before


def test_following_again_after_a_hold_resumes_where_it_stopped(busy) -> None:
    _, _, timeline, audio = busy
    stream, device = _stream(timeline)
    stream.follow(0.0)
    stream.sleep_until(2.0)
    held = device.frames
    stream.hold()
    stream.sleep_until(5.0)
    resumed = device.frames
    stream.follow((resumed - held) / SAMPLE_RATE)  # the schedule shifted by the pause
    stream.sleep_until(9.0)
    assert device.span(resumed, device.frames - resumed) == audio[
        2 * held : 2 * (held + device.frames - resumed)
    ]


def test_play_from_starts_that_millisecond_with_the_next_frame(busy) -> None:
    plan, _, timeline, audio = busy
    stream, device = _stream(timeline)
    stream.follow(0.0)
    stream.sleep_until(1.0)
    here = device.frames
    target = next(e for e in plan.events if e.stretch == 2)
    origin = stream.play_from(target.start_ms)
    stream.sleep_until(stream.now() + 3)
    first = sample_at(target.start_ms, SAMPLE_RATE)
    assert device.span(here, 3 * SAMPLE_RATE) == audio[2 * first : 2 * (first + 3 * SAMPLE_RATE)]
    assert origin == pytest.approx((here - first) / SAMPLE_RATE)
    assert stream.position_frame() == first + device.frames - here


def test_a_new_timeline_takes_over_on_the_same_schedule(busy) -> None:
    plan, cache, timeline, audio = busy
    quiet = Timeline(plan, cache, volume=0.5)
    stream, device = _stream(timeline)
    stream.follow(0.0)
    stream.sleep_until(1.0)
    here = device.frames
    stream.replace(quiet)
    stream.sleep_until(2.0)
    assert device.span(here, 1000) == quiet.render(here, 1000)
    assert stream.timeline is quiet


def test_a_failure_while_rendering_surfaces_on_the_callers_side() -> None:
    plan, cache = timed()

    class Broken:
        sample_rate = SAMPLE_RATE

        def clip(self, text: str) -> object:
            raise EngineError("the clip file is damaged")

    stream, device = _stream(Timeline(plan, Broken()))
    stream.follow(0.0)
    with pytest.raises(EngineError, match="damaged"):
        stream.sleep_until(0.1)
    stream.sleep_until(0.5)  # silent afterwards, and the error is reported once
    assert not any(device.heard) and not stream.playing


def test_a_device_that_stops_taking_frames_is_an_error(busy) -> None:
    wall = [100.0]
    device = StallingDevice()
    stream = Stream(device, busy[2], wall=lambda: wall[0])
    stream.start()
    stream.sleep_until(0.0)  # reached already: no wait
    wall[0] += STALL_SECONDS + 0.1
    with pytest.raises(AudioError, match="stopped playing"):
        stream.sleep_until(0.0)


def test_close_silences_and_releases_the_device(busy) -> None:
    stream, device = _stream(busy[2])
    stream.follow(0.0)
    stream.close()
    assert device.closed and not stream.playing


def test_the_player_on_the_streams_clock_puts_every_line_on_its_frame(busy) -> None:
    plan, _, timeline, audio = busy
    stream, device = _stream(timeline)
    stream.follow(0.0)
    captions = Captions(stream)

    report = play(plan, captions, stream)

    assert report.finished
    assert device.span(0, timeline.total_frames) == audio
    for (at, _), event in zip(captions.said, plan.says, strict=True):
        # captions come when the device has taken the line's first frame, within one period
        assert 0 <= at - event.start_ms / 1000 <= PERIOD / SAMPLE_RATE + 1e-6
    assert report.elapsed == pytest.approx(plan.total_ms / 1000, abs=PERIOD / SAMPLE_RATE)


def test_with_fresh_devices_a_hold_stops_the_device_at_once_and_playing_on_starts_another(
    busy,
) -> None:
    from tests.playback_fakes import FakeDevices

    _, _, timeline, audio = busy
    devices = FakeDevices(period=PERIOD)
    stream = Stream(devices(), timeline, fresh=devices)
    stream.start()
    stream.sleep_until(0.5)  # the first device pulls silence
    origin = stream.play_from(0)
    first, second = devices.opened[0], stream.device
    assert first.stopped and not any(first.heard)  # its buffered silence never delays line 1
    stream.sleep_until(origin + 2.0)
    held = second.frames
    assert second.span(0, held) == audio[: 2 * held]
    stream.hold()
    assert second.stopped and second.frames == held  # stopped at once, nothing more taken
    stream.sleep_until(stream.now() + 3.0)  # time goes on, pulled by a third, silent device
    third = stream.device
    assert not any(third.heard) and third.frames >= 3 * SAMPLE_RATE
    stream.follow(stream.now() - held / SAMPLE_RATE)  # the schedule shifted by the pause
    stream.sleep_until(stream.now() + 2.0)
    fourth = stream.device
    assert third.stopped and not fourth.stopped
    assert fourth.span(0, 2 * SAMPLE_RATE) == audio[2 * held : 2 * (held + 2 * SAMPLE_RATE)]
    stream.close()
    assert all(d.stopped or d.closed for d in devices.opened)


def test_with_fresh_devices_a_jump_starts_the_target_on_the_first_frame_of_a_new_device(
    busy,
) -> None:
    from tests.playback_fakes import FakeDevices

    plan, _, timeline, audio = busy
    devices = FakeDevices(period=PERIOD)
    stream = Stream(devices(), timeline, fresh=devices)
    stream.start()
    stream.play_from(0)
    stream.sleep_until(stream.now() + 1.0)
    target = next(e for e in plan.events if e.stretch == 1)
    stream.hold()
    stream.play_from(target.start_ms)
    stream.sleep_until(stream.now() + 1.0)
    playing = stream.device
    first = sample_at(target.start_ms, SAMPLE_RATE)
    assert playing.span(0, SAMPLE_RATE) == audio[2 * first : 2 * (first + SAMPLE_RATE)]
    before = devices.opened[: devices.opened.index(playing)]
    assert len(before) == 2 and all(d.stopped for d in before) and not playing.stopped
