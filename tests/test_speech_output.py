"""Audio output: found and probed once, or a one-line reason why there is none; stoppable."""

from __future__ import annotations

import stat
import time
import wave
from pathlib import Path

import pytest

from tests.audio_check import tone
from tests.speech_fakes import FakeEngine
from voicecoach.speakers import AudioSpeaker
from voicecoach.speech import Clip, ClipCache, NoAudioOutput, open_audio_output
from voicecoach.speech.output import ProcessOutput


def _player(folder: Path, name: str, script: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setattr("sys.platform", "linux")
    return folder


def test_no_player_program_is_reported_at_once(bin_dir: Path) -> None:
    start = time.monotonic()
    with pytest.raises(NoAudioOutput) as error:
        open_audio_output()
    assert time.monotonic() - start < 0.5
    assert str(error.value) == "no audio player program found (looked for pw-play, paplay, aplay)"


def test_a_player_that_fails_means_no_audio_device(bin_dir: Path) -> None:
    _player(bin_dir, "aplay", 'echo "ALSA lib confmisc.c: cannot find card 0" >&2\n'
            'echo "aplay: main:831: audio open error: No such file or directory" >&2\nexit 1\n')
    start = time.monotonic()
    with pytest.raises(NoAudioOutput) as error:
        open_audio_output()
    assert time.monotonic() - start < 0.5
    message = str(error.value)
    assert message == (
        "no audio device (aplay: aplay: main:831: audio open error: No such file or directory)"
    )
    assert "\n" not in message


def test_the_first_player_that_works_is_chosen(bin_dir: Path, tmp_path: Path) -> None:
    log = tmp_path / "played"
    _player(bin_dir, "pw-play", "echo 'pw-play: no pipewire' >&2\nexit 1\n")
    _player(bin_dir, "aplay", f'/bin/cp "$2" "{log}"\n')
    output = open_audio_output()
    try:
        assert output.name == "aplay"
        assert isinstance(output, ProcessOutput) and output.command[1:] == ["-q"]
        with wave.open(str(log)) as probe:  # the probe: a short silent WAV
            assert probe.getnframes() > 0
            assert set(probe.readframes(probe.getnframes())) == {0}
    finally:
        output.close()


def test_play_hands_the_clip_to_the_player_and_stop_kills_it_at_once(tmp_path: Path) -> None:
    copy = tmp_path / "heard.wav"
    output = ProcessOutput(["sh", "-c", f'cp "$1" "{copy}"; exec sleep 30', "player"])
    clip = Clip(tone(0.3))
    try:
        output.play(clip)
        deadline = time.monotonic() + 5
        while not copy.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        with wave.open(str(copy)) as heard:
            assert heard.readframes(heard.getnframes()) == clip.frames
        assert output.playing()
        start = time.monotonic()
        output.stop()
        assert time.monotonic() - start < 0.2
        assert not output.playing()
    finally:
        output.close()
    assert not output._folder.exists()  # its temporary WAV files are gone


def test_a_new_line_replaces_the_one_playing(tmp_path: Path) -> None:
    output = ProcessOutput(["sh", "-c", "exec sleep 30", "player"])
    try:
        output.play(Clip(tone(0.1)))
        first = output._process
        output.play(Clip(tone(0.1)))
        assert first is not None and first.poll() is not None  # killed
        assert output.playing()
    finally:
        output.close()
    assert not output.playing()


class RecordingOutput:
    name = "recording"

    def __init__(self) -> None:
        self.events: list[tuple[str, float]] = []

    def play(self, clip: Clip) -> None:
        self.events.append(("play", clip.seconds))

    def stop(self) -> None:
        self.events.append(("stop", 0.0))

    def close(self) -> None:
        pass


def test_audio_speaker_plays_each_lines_clip_and_stops_the_output() -> None:
    synth = FakeEngine(seconds_per_word=0.5)
    output = RecordingOutput()
    speaker = AudioSpeaker(ClipCache(synth), output)
    speaker.say("Hold for thirty seconds.")
    speaker.say("   ")
    speaker.stop()
    assert output.events == [("play", pytest.approx(2.0, abs=1e-3)), ("stop", 0.0)]


def _log_player(tmp_path: Path, seconds: float) -> tuple[ProcessOutput, Path]:
    """A player that notes each file's length in frames when it starts, then plays a while."""
    log = tmp_path / "log"
    script = _player(tmp_path, "player", f'wc -c < "$1" >> "{log}"\nexec sleep {seconds}\n')
    return ProcessOutput([str(script)]), log


def _wait_for(condition: object, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.01)


def test_play_next_starts_once_the_clip_playing_has_ended(tmp_path: Path) -> None:
    output, log = _log_player(tmp_path, 0.3)
    try:
        output.play(Clip(tone(0.1)))
        started = time.monotonic()
        output.play_next(Clip(tone(0.2)))
        _wait_for(lambda: log.exists() and len(log.read_text().split()) == 2)
        assert time.monotonic() - started >= 0.25  # not before the first one ended
        first, second = (int(n) for n in log.read_text().split())
        assert second > first  # the longer clip came second
    finally:
        output.close()


def test_a_stop_or_a_new_line_cancels_the_clip_waiting_to_follow(tmp_path: Path) -> None:
    output, _ = _log_player(tmp_path, 0.2)
    try:
        output.play(Clip(tone(0.1)))
        output.play_next(Clip(tone(0.2)))
        output.stop()
        output.play(Clip(tone(0.3)))
        output.play_next(Clip(tone(0.2)))
        output.play(Clip(tone(0.4)))  # the next line, before the follower began
        time.sleep(0.6)
        assert output._count == 3  # the three lines went to the player, neither follower
    finally:
        output.close()
