"""Clips: trimming silence, volume, and the WAV round trip."""

from __future__ import annotations

import io
import wave

from tests.audio_check import silence, tone
from voicecoach.speech.clip import (
    MARGIN_SECONDS,
    SAMPLE_RATE,
    Clip,
    fade_out,
    normalise,
    read_wav,
    samples,
    scale,
    trim,
    write_wav,
)


def test_trim_cuts_leading_and_trailing_silence_but_keeps_a_margin() -> None:
    sound = tone(1.0)
    trimmed = trim(silence(0.3) + sound + silence(0.5))
    seconds = len(trimmed) / 2 / SAMPLE_RATE
    assert 1.0 <= seconds <= 1.0 + 2 * (MARGIN_SECONDS + 0.005)
    assert sound[:2000] in trimmed  # the sound itself is intact


def test_trim_treats_faint_noise_as_silence() -> None:
    hiss = tone(0.4, amplitude=60)
    trimmed = trim(hiss + tone(0.5) + hiss)
    assert len(trimmed) / 2 / SAMPLE_RATE < 0.5 + 0.04


def test_trim_of_silence_is_empty() -> None:
    assert trim(silence(1.0)) == b""
    assert trim(b"") == b""


def test_trim_keeps_quiet_gaps_inside_the_sound() -> None:
    frames = tone(0.2) + silence(0.6) + tone(0.2)
    assert len(trim(silence(0.1) + frames + silence(0.1))) >= len(frames)


def test_scale_applies_volume_to_every_sample() -> None:
    frames = tone(0.1, amplitude=10000)
    assert max(samples(scale(frames, 0.3))) == int(max(samples(frames)) * 0.3)
    assert scale(frames, 1.0) == frames
    assert set(samples(scale(frames, 0.0))) == {0}


def test_fade_out_ends_in_silence_and_keeps_the_length() -> None:
    frames = tone(0.2, amplitude=10000, hz=50)
    faded = fade_out(frames)
    assert len(faded) == len(frames)
    assert abs(samples(faded)[-1]) < 50
    assert faded[:1000] == frames[:1000]


def test_wav_round_trip() -> None:
    clip = Clip(tone(0.25))
    buffer = io.BytesIO()
    write_wav(buffer, clip)
    buffer.seek(0)
    assert read_wav(buffer) == clip


def test_other_formats_are_brought_to_16_bit_mono_at_22050() -> None:
    left = samples(tone(0.5, hz=220, rate=44100))
    stereo = bytearray()
    for v in left:
        stereo += int(v).to_bytes(2, "little", signed=True) * 2
    converted = normalise(bytes(stereo), channels=2, width=2, rate=44100)
    assert abs(len(converted) / 2 - 0.5 * SAMPLE_RATE) <= 1
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(bytes(stereo))
    buffer.seek(0)
    clip = read_wav(buffer)
    assert clip.sample_rate == SAMPLE_RATE
    assert clip.frames == converted
    assert abs(clip.seconds - 0.5) < 0.001
