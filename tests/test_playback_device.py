"""miniaudio's NULL backend (no sound hardware): a real device pulling the stream in real time."""

from __future__ import annotations

import time

import pytest

from voicecoach.errors import AudioError
from voicecoach.plan import Event, Plan
from voicecoach.playback import device as devices
from voicecoach.playback.device import BACKENDS, open_device, platform_backends
from voicecoach.playback.stream import Stream
from voicecoach.playback.timeline import Timeline, sample_at
from voicecoach.speech import SAMPLE_RATE, Clip
from tests.audio_check import tone

LINES = ["One.", "Two.", "Three."]


class Tones:
    """Each line a 0.15 s tone; the line's number sets its pitch."""

    sample_rate = SAMPLE_RATE

    def clip(self, text: str) -> Clip:
        return Clip(tone(0.15, hz=220.5 * (LINES.index(text) + 1)), SAMPLE_RATE)


def _plan() -> Plan:
    events, t = [], 0
    for text in LINES:
        events += [Event("say", t, 150, "intro", text), Event("pause", t + 150, 200, "gap")]
        t += 350
    return Plan("null", "Null", tuple(events), ())


class Recorded:
    """Wraps a real device and keeps every frame its callback was given."""

    def __init__(self, device: devices.MiniaudioDevice) -> None:
        self.device = device
        self.name, self.sample_rate, self.self_driven = device.name, device.sample_rate, True
        self.heard = bytearray()

    def start(self, source: object) -> None:
        def tap():  # type: ignore[no-untyped-def]
            frames = yield b""
            while True:
                data = source.send(frames)  # type: ignore[attr-defined]
                self.heard += data
                frames = yield data

        wrapped = tap()
        next(wrapped)
        self.device.start(wrapped)

    def pump(self, frames: int) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        self.device.stop()

    def close(self) -> None:
        self.device.close()


def test_the_null_device_pulls_every_line_onto_its_planned_frame() -> None:
    plan = _plan()
    timeline = Timeline(plan, Tones(), keep_clips=True)
    device = Recorded(open_device(SAMPLE_RATE, backends=("NULL",), period_ms=10, periods=3))
    assert device.name == "Null"
    with Stream(device, timeline) as stream:
        stream.start()
        assert stream.wait_for_device()
        origin = stream.now()
        stream.follow(origin)
        end = origin + plan.total_ms / 1000
        while stream.now() < end:
            stream.sleep_until(end)
        first = round(origin * SAMPLE_RATE)
        heard = bytes(device.heard[2 * first : 2 * (first + timeline.total_frames)])
    assert heard == timeline.render(0, timeline.total_frames)
    for event in plan.says:
        start = sample_at(event.start_ms, SAMPLE_RATE)
        assert heard[2 * start : 2 * start + 2 * 3000] == Tones().clip(event.text).frames[:6000]


def test_hold_on_the_null_device_returns_at_once_and_the_next_frames_are_silent() -> None:
    plan = _plan()
    device = Recorded(open_device(SAMPLE_RATE, backends=("NULL",), period_ms=10, periods=3))
    with Stream(device, Timeline(plan, Tones(), keep_clips=True)) as stream:
        stream.start()
        stream.wait_for_device()
        stream.follow(stream.now())
        stream.sleep_until(stream.now() + 0.05)  # inside the first line
        began = time.perf_counter()
        stream.hold()
        took = time.perf_counter() - began
        held = len(device.heard) // 2
        stream.sleep_until(stream.now() + 0.1)
        later = bytes(device.heard[2 * (held + 1024) :])  # after at most one more callback
    assert took < 0.02
    assert later and not any(later)


def test_no_backend_that_works_is_an_audio_error_that_says_what_was_tried() -> None:
    with pytest.raises(AudioError, match="tried jack"):
        open_device(SAMPLE_RATE, backends=("JACK",))  # no JACK server here or in CI


def test_the_silent_null_backend_is_never_chosen_for_real_playback() -> None:
    assert all("NULL" not in names for names in BACKENDS.values())
    assert "NULL" not in platform_backends()


def test_a_module_imported_without_a_package_sees_none_and_others_still_see_it(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys
    import textwrap as real

    (tmp_path / "optional_user.py").write_text(
        "try:\n    import textwrap\nexcept ImportError:\n    textwrap = None\n"
        "import json\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "optional_user", raising=False)
    module = devices._import_without("optional_user", "textwrap")
    assert module.textwrap is None and module.json is sys.modules["json"]
    assert sys.modules["optional_user"] is module and sys.modules["textwrap"] is real
    import textwrap

    assert textwrap is real
    assert devices._import_without("optional_user", "textwrap") is module  # once only
    monkeypatch.delitem(sys.modules, "optional_user")


def test_a_module_that_fails_to_import_without_the_package_is_not_left_half_loaded(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    (tmp_path / "needs_it.py").write_text("import textwrap\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ImportError):
        devices._import_without("needs_it", "textwrap")
    assert "needs_it" not in sys.modules
