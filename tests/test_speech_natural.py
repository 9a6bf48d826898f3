"""The natural voice: hibari's bundled "heart" model renders real speech, offline."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.audio_check import loud_frames
from tests.real_engines import engine, render
from voicecoach.errors import UsageError
from voicecoach.speech import natural
from voicecoach.speech.clip import samples

SENTENCE = "Lie on your back, hug one knee to your chest and keep the other leg long."  # 15 words
ROOT = Path(__file__).resolve().parent.parent


def _rms(frames: bytes) -> float:
    values = samples(frames)
    return math.sqrt(sum(v * v for v in values) / len(values))


def test_renders_trimmed_speech_at_24_khz_of_a_plausible_length() -> None:
    clip = render("natural", SENTENCE)
    assert clip.sample_rate == natural.SAMPLE_RATE == 24_000
    expected = 15 * 60 / 160
    assert 0.6 * expected < clip.seconds < 1.4 * expected
    loud = loud_frames(clip.frames, clip.sample_rate)
    assert sum(loud) / len(loud) > 0.5
    assert loud.index(True) * 0.02 <= 0.04  # the lead-in is trimmed
    assert engine("natural").name == "natural"
    assert engine("natural").identity.startswith("hibari-tts 0.2.1 heart")


def test_the_same_line_gives_the_same_samples_whatever_came_before() -> None:
    voice = natural.open_engine(rate=160)
    first = voice.render("Switch sides.")
    voice.render(SENTENCE)
    voice.render("3")
    assert voice.render("Switch sides.").frames == first.frames


def test_rate_is_words_per_minute_and_volume_scales() -> None:
    slow = natural.open_engine(rate=110).render(SENTENCE)
    fast = natural.open_engine(rate=240).render(SENTENCE)
    assert 1.6 < slow.seconds / fast.seconds < 2.8
    quiet = natural.open_engine(rate=240, volume=0.3).render(SENTENCE)
    assert quiet.seconds == fast.seconds
    assert _rms(quiet.frames) / _rms(fast.frames) == pytest.approx(0.3, abs=0.01)


def test_only_the_bundled_voice_is_offered() -> None:
    voice = natural.open_engine()
    assert [v.id for v in voice.voices()] == ["heart"]
    assert voice.check_voice("Heart") == voice.check_voice("en-us") == "heart"
    for other in ("emma", "fenrir", "nobody"):
        with pytest.raises(UsageError, match="one voice, 'heart'"):
            natural.open_engine(voice=other)


def test_rate_and_volume_out_of_range_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="rate 40"):
        natural.open_engine(rate=40)
    with pytest.raises(UsageError, match="volume 2"):
        natural.open_engine(volume=2.0)


def test_nothing_is_downloaded_with_no_network_and_an_empty_cache(tmp_path: Path) -> None:
    home = tmp_path / "hibari-home"
    cache = tmp_path / "xdg-cache"
    home.mkdir()
    cache.mkdir()
    script = textwrap.dedent("""
        import socket, sys, urllib.request
        attempts = []
        def refuse(self, address, *args):
            attempts.append(address)
            raise OSError("network unreachable")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = lambda address, *a, **k: refuse(None, address)
        from voicecoach.errors import EngineError, UsageError
        from voicecoach.speech import natural
        voice = natural.open_engine()
        clip = voice.render("Hold for 30 seconds.")
        assert clip.seconds > 0.5, clip.seconds
        try:
            natural.open_engine(voice="emma")
        except UsageError:
            pass
        import hibari
        from hibari import voices
        for call in (lambda: voices.voice_path("emma"), lambda: hibari.Hibari(voice="kore")):
            try:
                call()
            except EngineError:
                pass
            else:
                sys.exit("a download path stayed open")
        print("attempts", len(attempts))
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HIBARI_HOME": str(home),
           "XDG_CACHE_HOME": str(cache), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "attempts 0" in done.stdout
    assert list(home.iterdir()) == [] and list(cache.iterdir()) == []


def test_the_readers_data_is_kept_in_the_cache_folder_and_read_back(
    voicecoach_home: Path,
) -> None:
    calls: list[str] = []

    def load(name: str) -> dict:
        calls.append(name)
        return {"word": ["phonemes", 3], "name": name}

    cached = natural._cached_json(load)
    assert cached("lexicon.json.gz") == load("lexicon.json.gz")
    assert cached("lexicon.json.gz") == {"word": ["phonemes", 3], "name": "lexicon.json.gz"}
    assert calls == ["lexicon.json.gz", "lexicon.json.gz"]  # the second came from the cache
    (stored,) = (voicecoach_home / "cache" / "natural").iterdir()
    stored.write_bytes(b"damaged")
    assert cached("lexicon.json.gz")["name"] == "lexicon.json.gz"
    assert len(calls) == 3  # read from the original again, and kept again


def test_phonemes_of_lines_said_before_are_kept_for_the_next_start(voicecoach_home: Path) -> None:
    first = natural._Phonemes()
    assert first.get("Switch sides.") is None
    first.put("Switch sides.", ["swˈɪʧ sˈIdz."])
    first.save()
    again = natural._Phonemes()
    assert again.get("Switch sides.") == ["swˈɪʧ sˈIdz."]
    again.path.write_bytes(b"damaged")
    assert natural._Phonemes().get("Switch sides.") is None  # read again from the dictionaries


def test_a_known_line_renders_the_same_from_kept_phonemes() -> None:
    model = natural._Model.get()
    text = "Breathe in, and let the hips sink."
    spoken = model.synthesize(text, 1.0)
    assert model.phonemes.get(text) is not None
    model.phonemes.known[text] = model.phonemes.get(text)  # as if read from the cache folder
    assert model.synthesize(text, 1.0) == spoken


def test_a_pipe_in_place_of_a_kept_file_is_passed_over_not_waited_on(
    voicecoach_home: Path,
) -> None:
    import os

    kept = natural._Phonemes().path
    kept.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(kept)
    assert natural._Phonemes().get("Switch sides.") is None  # returns at once
