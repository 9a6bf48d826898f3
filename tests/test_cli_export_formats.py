"""`voicecoach export` to MP3, M4A and Ogg Opus, `--all`, and stopping by signal."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import mutagen
import pytest
from typer.testing import CliRunner

from tests.decoded import decode
from voicecoach import paths, speech
from voicecoach.cli import app

ROOT = Path(__file__).resolve().parent.parent
TINY = """\
title: Tiny
style: static
transition: 2
rest: 5
stretches:
  - name: Figure four
    targets: [glutes]
    hold: 6
    instructions: Cross one ankle over the other knee.
"""


@pytest.fixture
def small_library(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two short routines stand in for the shipped ones, so `--all` tests stay quick."""
    folder = tmp_path_factory.mktemp("builtin")
    (folder / "alpha.yaml").write_text(TINY.replace("Tiny", "Alpha"))
    (folder / "beta.yaml").write_text(TINY.replace("Tiny", "Beta").replace("hold: 6", "hold: 7"))
    monkeypatch.setattr(paths, "builtin_routines_dir", lambda: folder)


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default engine renders tones of known length: fast, and the same everywhere."""
    monkeypatch.setitem(speech.ENGINES, "fake", "tests.speech_fakes")
    monkeypatch.setattr(speech, "DEFAULT_ENGINE", "fake")


@pytest.fixture
def tiny(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("routines") / "tiny.yaml"
    path.write_text(TINY)
    return str(path)


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["export", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("name", "mime"),
    [("t.mp3", "audio/mp3"), ("t.m4a", "audio/mp4"), ("t.opus", "audio/ogg"),
     ("t.ogg", "audio/ogg"), ("t.WAV", "audio/wav")],
)
def test_the_extension_picks_the_format(
    fake_engine: None, tiny: str, tmp_path: Path, name: str, mime: str
) -> None:
    code, output = invoke(tiny, "-o", str(tmp_path / name))
    assert code == 0, output
    assert output.startswith(f"Wrote {tmp_path / name}: ")
    assert mime in mutagen.File(tmp_path / name).mime
    assert decode(tmp_path / name).tags["title"] == "Tiny"


def test_format_overrides_the_extension_and_json_says_which(
    fake_engine: None, tiny: str, tmp_path: Path
) -> None:
    out = tmp_path / "tiny.audio"
    code, output = invoke(tiny, "-o", str(out), "--format", "ogg", "--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["format"] == "opus" and report["file"] == str(out)
    assert "audio/ogg" in mutagen.File(out).mime


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "x.flac"], "end it in .wav, .mp3, .m4a, .opus, .ogg or give --format"),
        (["-o", "x.mp3", "--format", "flac"], "choose one of: m4a, mp3, opus, wav (ogg = opus)"),
        (["-o", "x.mp3", "--bitrate", "4"], "--bitrate must be from 8 to 320 kbit/s, not 4"),
        (["--all", "."], "give either NAME with -o FILE, or --all DIR, not both"),
        ([], "give a routine NAME and -o FILE (or --all DIR)"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(
    fake_engine: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = invoke("busy-day", *args)
    assert code == 2
    assert output.startswith("Error: ") and message in output
    assert list(tmp_path.iterdir()) == []


def test_bitrate_sets_the_encoders_rate(fake_engine: None, tiny: str, tmp_path: Path) -> None:
    for kbps in ("32", "96"):
        code, output = invoke(tiny, "-o", str(tmp_path / f"{kbps}.mp3"), "--bitrate", kbps)
        assert code == 0, output
        assert round(mutagen.File(tmp_path / f"{kbps}.mp3").info.bitrate, -3) == int(kbps) * 1000


def test_help_shows_the_formats_and_examples() -> None:
    result = CliRunner().invoke(app, ["export", "--help"])
    assert result.exit_code == 0
    for text in ["--format", "--bitrate", "--all", ".mp3, .m4a, .opus or .ogg", "Examples:",
                 "voicecoach export --all ~/Music/stretching"]:
        assert text in result.output, text


def _all(folder: Path, *args: str) -> dict[str, str]:
    code, output = invoke("--all", str(folder), "--json", *args)
    assert code == 0, output
    report = json.loads(output)
    return {Path(r["file"]).name: r["status"] for r in report["routines"]}


def test_all_writes_every_routine_and_a_playlist_then_only_what_changed(
    fake_engine: None, small_library: None, tmp_path: Path
) -> None:
    mine = paths.user_routines_dir()
    mine.mkdir(parents=True, exist_ok=True)
    (mine / "tiny.yaml").write_text(TINY)
    out = tmp_path / "phone"
    out.mkdir()
    names = ["alpha", "beta", "tiny"]
    files = {f"{n}.mp3" for n in names}
    assert _all(out) == dict.fromkeys(files, "written")
    playlist = (out / "voicecoach.m3u").read_text(encoding="utf-8").splitlines()
    assert playlist[0] == "#EXTM3U"
    assert sorted(playlist[2::2]) == sorted(files)
    assert playlist[1:3] == [playlist[1], "alpha.mp3"]  # in the order `list` shows
    assert playlist[1].startswith("#EXTINF:") and playlist[1].endswith(",Alpha")
    seconds = int(playlist[1].split(":")[1].split(",")[0])
    assert abs(seconds - decode(out / "alpha.mp3").seconds) <= 1
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("*.mp3")}

    assert _all(out) == dict.fromkeys(files, "up to date")  # nothing rendered or encoded again
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.mp3")} == stamps
    assert (out / "voicecoach.m3u").read_text(encoding="utf-8").splitlines() == playlist

    (mine / "tiny.yaml").write_text(TINY.replace("hold: 6", "hold: 8"))
    changed = _all(out)
    assert changed.pop("tiny.mp3") == "written"
    assert set(changed.values()) == {"up to date"}

    assert set(_all(out, "--rate", "200").values()) == {"written"}  # another plan
    assert set(_all(out, "--rate", "200", "--bitrate", "48").values()) == {"written"}
    assert set(_all(out, "--format", "m4a").values()) == {"written"}
    assert {p.name for p in out.glob("*.m4a")} == {f"{n}.m4a" for n in names}


def test_all_reports_a_broken_routine_and_writes_the_others(
    fake_engine: None, small_library: None, tmp_path: Path
) -> None:
    mine = paths.user_routines_dir()
    mine.mkdir(parents=True, exist_ok=True)
    (mine / "broken.yaml").write_text("title: [unclosed\n")
    code, output = invoke("--all", str(tmp_path), "--format", "opus")
    assert code == 1
    assert "Error: broken: " in output
    assert "alpha.opus: written (" in output and "beta.opus: written (" in output
    assert f"Playlist: {tmp_path / 'voicecoach.m3u'}" in output
    assert "broken" not in (tmp_path / "voicecoach.m3u").read_text(encoding="utf-8")
    assert not (tmp_path / "broken.opus").exists()


def test_all_needs_an_existing_folder(fake_engine: None, tmp_path: Path) -> None:
    code, output = invoke("--all", str(tmp_path / "nowhere"))
    assert code == 2
    assert "does not exist; create it first" in output


# A real process, the fake engine registered as the default, exporting a long routine.
SCRIPT = """
import sys
import voicecoach.speech as speech
speech.ENGINES["fake"] = "tests.speech_fakes"
speech.DEFAULT_ENGINE = "fake"
from voicecoach.cli import main
sys.argv = ["voicecoach", "export", sys.argv[1], "-o", sys.argv[2]]
main()
"""


@pytest.fixture(scope="module")
def long_routine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Over an hour and a half of holds: long enough to catch while its file is written."""
    path = tmp_path_factory.mktemp("long") / "long.yaml"
    stretch = "  - name: Hold {n}\n    targets: [hips]\n    hold: 600\n    instructions: Hold.\n"
    path.write_text(TINY.split("stretches:")[0] + "stretches:\n" + "".join(
        stretch.format(n=n) for n in range(10)
    ))
    return path


@pytest.mark.parametrize(
    ("signum", "code", "message"),
    [
        (signal.SIGTERM, 143, "Interrupted: nothing was written."),
        (signal.SIGHUP, 129, "Interrupted: nothing was written."),
        (signal.SIGINT, 130, "Interrupted: nothing was written."),
    ],
)
@pytest.mark.parametrize("name", ["out.mp3", "out.m4a", "out.opus", "out.wav"])
def test_a_signal_while_writing_leaves_no_file_and_the_old_one_intact(
    long_routine: Path, tmp_path: Path, signum: int, code: int, message: str, name: str
) -> None:
    target = tmp_path / name
    target.write_bytes(b"the good file from yesterday")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(long_routine), str(target)], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(f".{name}.*.part")):  # the encoder is writing
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.005)
    child.send_signal(signum)
    _, err = child.communicate(timeout=60)
    assert child.returncode == code, err
    assert message in err
    assert "Traceback" not in err
    assert target.read_bytes() == b"the good file from yesterday"
    assert list(tmp_path.iterdir()) == [target]


def test_ctrl_c_during_all_keeps_the_finished_files_only(
    fake_engine: None, small_library: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voicecoach import session

    real = session.export_routine
    calls: list[Path] = []

    def second_is_interrupted(*args: object, **kwargs: object):  # noqa: ANN202
        calls.append(args[2])  # type: ignore[arg-type]
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(session, "export_routine", second_is_interrupted)
    code, output = invoke("--all", str(tmp_path))
    assert code == 130
    assert "Interrupted: the files already finished are kept, the one being written was left " \
        "out, the playlist was not updated." in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alpha.mp3"]
