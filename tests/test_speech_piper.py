"""Piper voices: a voice file the user has renders real speech at its own sample rate."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audio_check import loud_frames
from tests.real_engines import PIPER_MISSING, piper_voice, render

VOICE = piper_voice()
pytestmark = pytest.mark.skipif(VOICE is None, reason=PIPER_MISSING)

SENTENCE = "Lie on your back, hug one knee to your chest and keep the other leg long."


def _link_voice(folder: Path, stem: str) -> Path:
    """The test voice, linked into `folder` under another name (the model is 60 MB)."""
    assert VOICE is not None
    folder.mkdir(parents=True, exist_ok=True)
    model = folder / f"{stem}.onnx"
    model.symlink_to(VOICE)
    (folder / f"{stem}.onnx.json").symlink_to(VOICE.with_name(VOICE.name + ".json"))
    return model


def test_a_voice_file_renders_trimmed_speech_at_its_own_rate() -> None:
    clip = render("piper", SENTENCE)
    assert clip.sample_rate == 22_050
    expected = 15 * 60 / 160
    assert 0.6 * expected < clip.seconds < 1.4 * expected
    loud = loud_frames(clip.frames, clip.sample_rate)
    assert sum(loud) / len(loud) > 0.5
    assert loud.index(True) * 0.02 <= 0.04


def test_the_same_line_gives_the_same_samples_whatever_came_before() -> None:
    from voicecoach.speech import piper

    voice = piper.open_engine(voice=str(VOICE))
    first = voice.render("Switch sides.")
    voice.render("Hold for 30 seconds.")
    assert voice.render("Switch sides.").frames == first.frames


def test_rate_changes_the_pace() -> None:
    from voicecoach.speech import piper

    slow = piper.open_engine(voice=str(VOICE), rate=110).render("Switch sides, slowly now.")
    fast = piper.open_engine(voice=str(VOICE), rate=240).render("Switch sides, slowly now.")
    assert 1.5 < slow.seconds / fast.seconds < 2.8


def test_voices_in_a_folder_are_found_by_name(tmp_path: Path) -> None:
    from voicecoach.speech import piper

    model = _link_voice(tmp_path / "voices", "en_GB-test-medium")
    (tmp_path / "voices" / "lonely.onnx").write_bytes(b"")  # no settings beside it: not a voice
    voice = piper.open_engine(voice="EN_GB-test-medium", folders=[tmp_path / "voices"])
    assert voice.voice == str(model.absolute())
    listed = piper.voices([tmp_path / "voices"])
    assert [v.id for v in listed] == [str(model.absolute())]
    assert listed[0].languages == ["en-us"]
    assert voice.check_voice(str(model)) == str(model.absolute())


def test_missing_voices_are_usage_errors_that_say_what_to_do(tmp_path: Path) -> None:
    from voicecoach.errors import UsageError
    from voicecoach.speech import piper

    with pytest.raises(UsageError, match="Piper needs a voice: --voice PATH"):
        piper.open_engine(voice=None, folders=[])
    with pytest.raises(UsageError, match="does not exist"):
        piper.open_engine(voice=str(tmp_path / "gone.onnx"))
    bare = tmp_path / "bare.onnx"
    bare.symlink_to(VOICE)
    with pytest.raises(UsageError, match=r"bare.onnx.json must sit next to the model"):
        piper.open_engine(voice=str(bare))
    with pytest.raises(UsageError, match="unknown Piper voice 'amy'"):
        piper.open_engine(voice="amy", folders=[tmp_path])
