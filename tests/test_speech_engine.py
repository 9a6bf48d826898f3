"""The real engine: the embedded eSpeak NG renders speech to clips, no audio device needed."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.audio_check import frame_dbfs, loud_frames
from voicecoach.cli import app
from voicecoach.errors import EngineError, UsageError
from voicecoach.speech import ENGINES, SAMPLE_RATE, Voice, engine_names, open_engine
from voicecoach.speech.clip import samples
from voicecoach.speech.engine import resolve_voice
from voicecoach.speech.espeak import EspeakEngine as Synthesizer


def list_voices() -> list[Voice]:
    return open_engine("espeak").voices()

SENTENCE = "Lie on your back, hug one knee to your chest and keep the other leg long."  # 15 words


def _rms(frames: bytes) -> float:
    values = samples(frames)
    return math.sqrt(sum(v * v for v in values) / len(values))


def test_render_gives_trimmed_speech_of_a_plausible_length(capfd: pytest.CaptureFixture) -> None:
    clip = Synthesizer(rate=160).render(SENTENCE)
    assert clip.sample_rate == SAMPLE_RATE
    expected = 15 * 60 / 160  # seconds at 160 words a minute
    assert 0.6 * expected < clip.seconds < 1.4 * expected
    loud = loud_frames(clip.frames)
    assert sum(loud) / len(loud) > 0.5  # mostly speech, not silence
    assert loud.index(True) * 0.02 <= 0.04  # sound from the start: lead-in trimmed
    assert (len(loud) - 1 - loud[::-1].index(True)) * 0.02 >= clip.seconds - 0.06  # and the tail
    assert capfd.readouterr().out == ""  # the driver's "Audio saved to" stays out of our stdout


def test_rate_and_volume_change_the_clip() -> None:
    slow = Synthesizer(rate=120).render(SENTENCE)
    fast = Synthesizer(rate=240).render(SENTENCE)
    assert 1.5 < slow.seconds / fast.seconds < 2.5
    loud = Synthesizer(rate=240, volume=1.0).render(SENTENCE)
    quiet = Synthesizer(rate=240, volume=0.3).render(SENTENCE)
    assert quiet.seconds == loud.seconds
    assert _rms(quiet.frames) / _rms(loud.frames) == pytest.approx(0.3, abs=0.01)
    assert max(frame_dbfs(quiet.frames)) < max(frame_dbfs(loud.frames)) - 9


def test_every_line_gets_its_own_rate_when_rates_alternate() -> None:
    # eSpeak used to cancel a just-set rate now and then, so lines came out at the previous one.
    lengths: dict[int, set[float]] = {120: set(), 240: set()}
    for _ in range(6):
        for rate in lengths:
            lengths[rate].add(round(Synthesizer(rate=rate).render("Switch sides now.").seconds, 1))
    assert len(lengths[120]) == len(lengths[240]) == 1
    assert lengths[120].pop() > 1.5 * lengths[240].pop()


def test_blank_text_is_never_sent_to_the_engine() -> None:
    clip = Synthesizer().render("  ")
    assert clip.frames == b"" and clip.seconds == 0


def test_engine_id_names_the_engine_and_pyttsx3() -> None:
    engine_id = Synthesizer().identity
    assert engine_id.startswith("espeak-ng 1.")
    assert "/ pyttsx3 " in engine_id


def test_voices_are_listed_and_ids_validated() -> None:
    voices = {v.id: v for v in list_voices()}
    assert "en-us" in voices["gmw/en-us"].languages
    assert Synthesizer(voice="gmw/en-us").voice == "gmw/en-us"
    assert Synthesizer(voice="en-us+f3").voice == "gmw/en-us+f3"
    with pytest.raises(UsageError, match="`voicecoach voices` lists the voices"):
        Synthesizer(voice="xx-nowhere")
    with pytest.raises(UsageError, match="unknown voice variant 'nobody'"):
        Synthesizer(voice="en-us+nobody")


def test_a_variant_changes_the_voice() -> None:
    plain = Synthesizer(voice="en-us").render("Switch sides.")
    female = Synthesizer(voice="en-us+f3").render("Switch sides.")
    assert plain.frames != female.frames


VOICES = [
    Voice("gmw/en", "English (Great Britain)", ["en-gb"]),
    Voice("gmw/en-us", "English (America)", ["en-us"]),
    Voice("roa/fr", "French", ["fr-fr"]),
]


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        ("gmw/en-us", "gmw/en-us"),
        ("EN-US", "gmw/en-us"),
        ("en-gb", "gmw/en"),
        ("french", "roa/fr"),
        ("en-us+f3", "gmw/en-us+f3"),
    ],
)
def test_resolve_voice_accepts_ids_short_ids_languages_names_and_variants(
    requested: str, expected: str
) -> None:
    assert resolve_voice(requested, VOICES, ["f3", "m1"]) == expected


@pytest.mark.parametrize("requested", ["", "de", "gmw/en-us/x", "+f3", "en-us+F9"])
def test_resolve_voice_rejects_unknown_ids(requested: str) -> None:
    with pytest.raises(UsageError):
        resolve_voice(requested, VOICES, ["f3", "m1"])


def test_out_of_range_rate_and_volume_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="rate 20"):
        Synthesizer(rate=20)
    with pytest.raises(UsageError, match="volume 1.5"):
        Synthesizer(volume=1.5)


def test_voices_command_lists_english_voices() -> None:
    result = CliRunner().invoke(app, ["voices", "--language", "en"])
    assert result.exit_code == 0, result.output
    assert "gmw/en-us" in result.output
    assert "roa/fr" not in result.output


def test_voices_json_as_a_real_subprocess() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "voicecoach", "voices", "--json"],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    row = {"engine": "espeak", "id": "gmw/en-us", "name": "English (America)",
           "languages": ["en-us"], "default": False}
    assert row in rows
    assert len(rows) > 100


def test_missing_espeak_data_is_an_engine_error_not_an_exit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import espeakng_loader

    from voicecoach.speech.espeak import _load_embedded_espeak

    monkeypatch.setattr(espeakng_loader, "get_data_path", lambda: str(tmp_path))
    with pytest.raises(EngineError, match="eSpeak NG data is incomplete"):
        _load_embedded_espeak()


def test_a_missing_engine_package_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from voicecoach.speech.espeak import _load_embedded_espeak

    monkeypatch.setitem(sys.modules, "espeakng_loader", None)
    monkeypatch.setattr(sys, "platform", "linux")
    with pytest.raises(EngineError, match=r"pip install espeakng-loader"):
        _load_embedded_espeak()


def test_engines_are_opened_by_name_through_the_registry() -> None:
    assert engine_names() == list(ENGINES) and "espeak" in ENGINES
    engine = open_engine("espeak", voice="en-us", rate=200, volume=0.5)
    settings = (engine.name, engine.voice, engine.rate, engine.volume)
    assert settings == ("espeak", "gmw/en-us", 200, 0.5)
    assert open_engine().name == "natural"  # the default, where it is installed
    assert engine.check_voice("en-us+f3") == "gmw/en-us+f3"
    with pytest.raises(UsageError, match="unknown speech engine 'nope'"):
        open_engine("nope")


def test_an_engine_module_that_cannot_load_is_an_engine_error(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(ENGINES, "broken", "voicecoach.speech.not_there")
    with pytest.raises(EngineError, match="the broken speech engine cannot load"):
        open_engine("broken")


def test_an_engine_is_one_module_and_one_registry_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ENGINES, "fake", "tests.speech_fakes")
    engine = open_engine("fake", voice="Fake French", rate=200, volume=0.5)
    assert (engine.name, engine.voice, engine.rate, engine.volume) == ("fake", "fake/fr", 200, 0.5)
    assert "fake" in engine_names()
    with pytest.raises(UsageError, match="unknown voice 'xx'"):
        open_engine("fake", voice="xx")


def test_an_engines_sample_rate_is_known_without_loading_it() -> None:
    from voicecoach.speech import engine_rate

    said = _python(
        "import sys\nfrom voicecoach.speech import engine_rate\n"
        "print(engine_rate('natural'), engine_rate('espeak'), engine_rate('piper'),"
        " sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('pyttsx3', 'hibari', 'onnxruntime', 'numpy', 'piper')))"
    )
    assert said.split() == ["24000", "22050", "None", "[]"]  # a Piper voice file says
    assert engine_rate("natural") == open_engine("natural").sample_rate
    assert engine_rate("espeak") == open_engine("espeak").sample_rate
    assert engine_rate("nope") is None


def _python(script: str) -> str:
    """What `script` prints, run in a fresh interpreter from the project's root."""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=30, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_importing_the_speech_package_loads_no_engine() -> None:
    said = _python(
        "import sys, voicecoach.speech\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pyttsx3', 'espeakng_loader', 'onnxruntime', 'numpy')"
        " or m == 'voicecoach.speech.espeak'))"
    )
    assert said.strip() == "[]"


def test_a_line_renders_to_the_same_samples_whatever_was_rendered_before() -> None:
    # eSpeak NG's pitch flutter and roughness counters used to carry over from line to line.
    engine = open_engine("espeak", rate=160)
    lines = ["Switch sides.", "3", "2", "Hold for 30 seconds.", "And release.", SENTENCE]
    first = {text: engine.render(text).frames for text in lines}
    again = {text: engine.render(text).frames for text in reversed(lines)}
    assert again == first
    breathy = open_engine("espeak", voice="en-us+f3", rate=160)  # breath noise: a generator
    alone = breathy.render("Switch sides.").frames
    engine.render(SENTENCE)
    breathy.render(SENTENCE)
    assert breathy.render("Switch sides.").frames == alone


HARD_LINES = [
    "Hold for 30 seconds.",
    "Breathe in for 4, out for 6.",
    "Keep 90% of your weight on the front foot.",
    "Knees at 45 degrees, feet 1.5 metres apart.",
    "1234567890123456789012345678901234567890",
    "Push gently & slowly.",
    "Lift\u2014then lower\u2026 slowly.",
    "Rest 2-3 minutes, repeat 10x.",
    "Left/right, 3 + 3 = 6 reps.",
    "It's 5:30; hold it #1 @ home ~ 20s.",
    "Hold for 2024 seconds, then 1,000,000 more.",
    "Count 123456789 breaths.",
]


@pytest.mark.parametrize("text", HARD_LINES)
def test_the_plans_estimate_is_near_the_engines_length_for_digits_and_symbols(text: str) -> None:
    from voicecoach.plan import estimate_speech_seconds

    # Ordinary lines already vary by about a fifth either way around the fit (it is fitted to
    # whole routines); a number or a symbol must not add more (a 40-digit line was 98 % short).
    spoken = open_engine("espeak", rate=160).render(text).seconds
    assert estimate_speech_seconds(text, 160, "espeak") == pytest.approx(spoken, rel=0.3)
