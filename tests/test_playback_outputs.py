"""The fallback chain: the stream, else a player program, else printed cues."""

from __future__ import annotations

import pytest

from tests.playback_fakes import FakeDevice, StallingDevice
from voicecoach.errors import AudioError, EngineError
from voicecoach.playback import outputs
from voicecoach.playback.outputs import NO_DEVICE, find_output
from voicecoach.speech import SAMPLE_RATE
from voicecoach.speech.output import NoAudioOutput


@pytest.fixture(autouse=True)
def stream_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOICECOACH_OUTPUT")


class Player:
    name = "paplay"

    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


def _no_device(rate: int) -> FakeDevice:
    raise AudioError("no audio device could be opened (tried pulseaudio, alsa): Unknown PCM")


def _no_player() -> Player:
    raise NoAudioOutput("no audio player program found (looked for pw-play, paplay, aplay)")


def test_a_working_device_carries_the_voice_and_no_player_is_probed() -> None:
    probed = []
    found = find_output(SAMPLE_RATE, open_device=lambda rate: FakeDevice(rate),
                        open_process=lambda: probed.append(1) or Player())
    assert found.kind == "stream" and found.stream is not None and not probed
    assert found.messages() == []
    assert found.messages(verbose=True) == ["Playing through fake."]
    found.close()
    assert found.stream.device.closed  # type: ignore[attr-defined]


def test_without_a_device_a_player_program_carries_it_and_says_why_only_when_verbose() -> None:
    found = find_output(SAMPLE_RATE, open_device=_no_device, open_process=Player)
    assert found.kind == "process"
    assert found.messages() == []
    assert found.messages(verbose=True) == [
        "Playing each line with paplay.",
        "  stream: no audio device could be opened (tried pulseaudio, alsa): Unknown PCM",
    ]


def test_with_neither_the_cues_are_printed_with_one_short_line() -> None:
    found = find_output(SAMPLE_RATE, open_device=_no_device, open_process=_no_player)
    assert found.kind == "text"
    assert found.messages() == [NO_DEVICE]
    assert NO_DEVICE == "No audio device found; printing the cues instead."
    verbose = found.messages(verbose=True)
    assert verbose[0] == NO_DEVICE and len(verbose) == 3
    assert "Unknown PCM" in verbose[1] and "looked for pw-play" in verbose[2]


def test_a_device_that_opens_but_never_asks_for_sound_is_passed_over() -> None:
    device = StallingDevice(name="PulseAudio")
    found = find_output(SAMPLE_RATE, open_device=lambda rate: device, open_process=Player,
                        wait=0.01)
    assert found.kind == "process" and device.closed
    assert "the audio device (PulseAudio) asked for no sound" in found.reasons[0]


def test_player_programs_can_be_left_out() -> None:
    found = find_output(SAMPLE_RATE, open_device=_no_device, open_process=None)
    assert found.kind == "text" and len(found.reasons) == 1


def test_the_default_chain_reaches_miniaudio_and_the_player_probe(monkeypatch) -> None:
    seen = []
    monkeypatch.setattr("voicecoach.playback.device.open_device",
                        lambda rate: seen.append(rate) or _no_device(rate))
    monkeypatch.setattr("voicecoach.speech.open_audio_output", _no_player)
    found = find_output(SAMPLE_RATE)
    assert seen == [SAMPLE_RATE] and found.kind == "text"
    assert outputs.Found().kind == "text"


def test_the_stream_can_be_left_out_for_the_player_programs(monkeypatch) -> None:
    monkeypatch.setenv("VOICECOACH_OUTPUT", "players")
    opened = []
    found = find_output(SAMPLE_RATE, open_device=lambda rate: opened.append(rate) or FakeDevice(),
                        open_process=Player)
    assert found.kind == "process" and opened == []
    assert "VOICECOACH_OUTPUT=players" in found.reasons[0]


def test_scaled_clips_carry_the_volume_for_outputs_that_cannot_mix() -> None:
    from tests.speech_fakes import FakeEngine
    from voicecoach.playback.outputs import ScaledClips
    from voicecoach.speech import ClipCache
    from voicecoach.speech.clip import samples

    cache = ClipCache(FakeEngine(), enabled=False)
    quiet = ScaledClips(cache, 0.25)
    loud, soft = cache.clip("Breathe out."), quiet.clip("Breathe out.")
    assert list(samples(soft.frames)) == [int(v * 0.25) for v in samples(loud.frames)]
    assert quiet.sample_rate == cache.sample_rate and quiet.seconds("Breathe out.") == loud.seconds
    assert ScaledClips(cache, 1.0).clip("Breathe out.") == loud


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, object]]:
    """Every device the real opener would have opened: (sample rate, backends tried)."""
    found: list[tuple[int, object]] = []

    def open_device(rate: int, backends: object = None) -> FakeDevice:
        found.append((rate, backends))
        return FakeDevice(rate)

    monkeypatch.setattr("voicecoach.playback.device.open_device", open_device)
    return found


def test_a_device_opened_early_is_the_one_used_and_only_quiet_backends_are_tried_early(
    monkeypatch: pytest.MonkeyPatch, opened: list[tuple[int, object]],
) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    outputs.open_early(SAMPLE_RATE)
    found = find_output(SAMPLE_RATE, open_process=None)
    assert found.kind == "stream" and opened == [(SAMPLE_RATE, ("PULSEAUDIO",))]
    found.close()

    opened.clear()
    outputs.open_early(16_000)
    found = find_output(SAMPLE_RATE, open_process=None)  # the engine speaks at another rate
    assert [rate for rate, _ in opened] == [16_000, SAMPLE_RATE]
    assert found.stream is not None and found.stream.sample_rate == SAMPLE_RATE
    found.close()


def test_nothing_is_opened_early_when_the_stream_is_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VOICECOACH_OUTPUT", "players")
    monkeypatch.setattr("voicecoach.playback.device.open_device",
                        lambda *a, **k: pytest.fail("opened"))
    outputs.open_early(SAMPLE_RATE)
    assert outputs._early is None


def test_the_early_device_waits_for_the_engines_rate_and_is_opened_once_at_it(
    opened: list[tuple[int, object]],
) -> None:
    outputs.open_early()  # the library loads; no device until the rate is known
    outputs.open_early_at(24_000)
    found = find_output(24_000, open_process=None)
    assert [rate for rate, _ in opened] == [24_000] and found.stream is not None
    assert found.stream.sample_rate == 24_000
    found.close()


def test_an_early_device_never_told_its_rate_opens_nothing_and_the_search_opens_one(
    opened: list[tuple[int, object]],
) -> None:
    outputs.open_early()
    outputs.open_early_at(None)  # e.g. a Piper voice: its file says the rate
    found = find_output(SAMPLE_RATE, open_process=None)
    assert opened == [(SAMPLE_RATE, None)] and found.kind == "stream"
    found.close()
    outputs.open_early()
    found = find_output(SAMPLE_RATE, open_process=None)  # asked for before the rate was told
    assert [rate for rate, _ in opened[1:]] == [SAMPLE_RATE] and outputs._early is None
    assert found.stream is not None and found.stream.device.sample_rate == SAMPLE_RATE
    found.close()


def test_the_stream_is_given_its_first_sound_before_it_starts() -> None:
    device = FakeDevice(SAMPLE_RATE)
    started = []

    def first(stream: object) -> None:
        started.append(stream)
        assert not device.source  # before the device pulls anything

    found = find_output(SAMPLE_RATE, open_device=lambda rate: device, open_process=None,
                        first=first)
    assert started == [found.stream]
    found.close()


def test_a_first_sound_that_fails_is_raised_and_the_device_closed_not_passed_over() -> None:
    device = FakeDevice(SAMPLE_RATE)

    def first(stream: object) -> None:
        raise EngineError("the clip cannot be rendered")

    with pytest.raises(EngineError):
        find_output(SAMPLE_RATE, open_device=lambda rate: device, open_process=Player,
                    first=first)
    assert device.closed and device.source is None


@pytest.mark.parametrize("engine_rate", [24_000, 22_050, None])
def test_the_early_device_opens_at_the_likely_rate_and_again_only_if_the_engine_differs(
    monkeypatch: pytest.MonkeyPatch, engine_rate: int | None,
) -> None:
    import threading

    opened: list[FakeDevice] = []
    guessed = threading.Event()

    def open_device(rate: int, backends: object = None) -> FakeDevice:
        opened.append(FakeDevice(rate))
        guessed.set()
        return opened[-1]

    monkeypatch.setattr("voicecoach.playback.device.open_device", open_device)
    outputs.open_early(likely=lambda: 24_000)
    assert guessed.wait(10)  # opened at the guess while the engine was not known yet
    outputs.open_early_at(engine_rate)
    found = find_output(engine_rate or SAMPLE_RATE, open_process=None)
    rates = [device.sample_rate for device in opened]
    if engine_rate == 24_000:
        assert rates == [24_000] and found.stream.device is opened[0]  # type: ignore[union-attr]
    else:  # the guess was closed; the engine's rate opened (a Piper voice: by the search)
        assert rates == [24_000, engine_rate or SAMPLE_RATE] and opened[0].closed
        assert found.stream.device is opened[1]  # type: ignore[union-attr]
    found.close()
