"""`voicecoach export` on the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.audio_check import read_pcm
from voicecoach.cli import app
from voicecoach.speech import clips_dir

ROUTINE = """\
title: Tiny
style: static
transition: 2
rest: 5
stretches:
  - name: Figure four
    targets: [glutes]
    hold: 6
    instructions: Cross one ankle over the other knee.
  - name: Butterfly
    targets: [adductors]
    hold: 5
    instructions: Soles together, knees wide.
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(ROUTINE)
    return path


def _clip_files() -> list[Path]:
    return sorted(clips_dir().rglob("*.clip")) if clips_dir().exists() else []


def test_export_writes_the_file_and_says_so(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "tiny.wav"
    result = CliRunner().invoke(app, ["export", str(tiny), "-o", str(out), "--no-insoles"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {out}: ")
    assert result.output.rstrip().endswith("lines (Tiny).")
    frames, rate = read_pcm(out)
    assert rate == 24_000 and len(frames) > 20 * rate * 2  # the natural voice, by default


def test_json_reports_each_lines_onset_and_matches_the_plan(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "tiny.wav"
    args = ["export", str(tiny), "-o", str(out), "--json", "--rate", "200"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["routine"] == "tiny" and report["sample_rate"] == 24_000
    assert abs(report["seconds"] - report["planned_seconds"]) < 0.001
    frames, rate = read_pcm(out)
    assert len(frames) / 2 / rate == pytest.approx(report["seconds"], abs=1e-6)
    cues = report["cues"]
    assert cues[0]["at"] == 0 and cues[0]["role"] == "disclaimer"
    assert cues[-1]["role"] == "insoles"
    for cue in cues:
        assert abs(cue["at"] - cue["planned_at"]) < 0.0005  # exact to the sample
    assert [c["at"] for c in cues] == sorted(c["at"] for c in cues)


def test_clips_are_cached_and_reused_unless_no_cache(tiny: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["export", str(tiny), "-o", str(tmp_path / "a.wav"), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert _clip_files() == []
    result = runner.invoke(app, ["export", str(tiny), "-o", str(tmp_path / "b.wav")])
    assert result.exit_code == 0, result.output
    cached = _clip_files()
    assert len(cached) > 10
    stamps = [p.stat().st_mtime_ns for p in cached]
    result = runner.invoke(app, ["export", str(tiny), "-o", str(tmp_path / "c.wav")])
    assert result.exit_code == 0, result.output
    assert [p.stat().st_mtime_ns for p in _clip_files()] == stamps  # read, not rewritten
    assert (tmp_path / "b.wav").read_bytes() == (tmp_path / "c.wav").read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--voice", "xx-nowhere"], "Error: unknown voice 'xx-nowhere'; `voicecoach voices` lists"),
        (["--rate", "20"], "Error: --rate takes a whole number from 80 to 300, not 20"),
        (["--volume", "2"], "Error: --volume takes a number from 0 to 1, not 2"),
    ],
)
def test_bad_options_exit_2(tiny: Path, tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "out.wav"
    result = CliRunner().invoke(app, ["export", str(tiny), "-o", str(out), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_a_bad_output_name_fails_before_rendering(tiny: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", str(tiny), "-o", str(tmp_path / "out.flac")])
    assert result.exit_code == 2
    assert "end it in .wav, .mp3, .m4a, .opus, .ogg or give --format" in result.output
    assert _clip_files() == []


def test_an_unknown_routine_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", "no-such-routine", "-o", str(tmp_path / "x.wav")])
    assert result.exit_code == 2
    assert "no routine of that name" in result.output


def test_ctrl_c_exits_130_and_leaves_no_file(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voicecoach.speech import ClipCache

    real = ClipCache.clip
    calls = []

    def interrupted(self: ClipCache, text: str):  # noqa: ANN202
        calls.append(text)
        if len(calls) > 5:
            raise KeyboardInterrupt
        return real(self, text)

    monkeypatch.setattr(ClipCache, "clip", interrupted)
    out = tmp_path / "out.wav"
    result = CliRunner().invoke(app, ["export", str(tiny), "-o", str(out)])
    assert result.exit_code == 130
    assert "Interrupted: nothing was written." in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.yaml"]


def test_help_lists_the_shared_options() -> None:
    result = CliRunner().invoke(app, ["export", "--help"])
    assert result.exit_code == 0
    for option in [
        "--output",
        "--no-insoles",
        "--hold",
        "--voice",
        "--rate",
        "--volume",
        "--no-cache",
        "--json",
    ]:
        assert option in result.output


def test_export_as_a_real_subprocess_prints_only_json(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "tiny.wav"
    done = subprocess.run(
        [sys.executable, "-m", "voicecoach", "export", str(tiny), "-o", str(out), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)  # no "Audio saved to ..." from the driver in the way
    assert report["file"] == str(out)
    assert done.stderr == ""  # not a terminal: no progress bar
    assert out.is_file()


def test_export_takes_its_defaults_from_the_config_file_and_flags_win(
    tiny: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["config", "set", "insoles", "false"]).exit_code == 0
    assert runner.invoke(app, ["config", "set", "rate", "200"]).exit_code == 0

    def lines(*flags: str) -> list[str]:
        result = runner.invoke(
            app, ["export", str(tiny), "-o", str(tmp_path / "t.wav"), "--json", *flags]
        )
        assert result.exit_code == 0, result.output
        return [cue["role"] for cue in json.loads(result.output)["cues"]]

    assert "insoles" not in lines()
    assert lines("--insoles")[-1] == "insoles"


def test_a_folder_that_cannot_be_written_is_an_error_not_a_traceback(tiny: Path) -> None:
    result = CliRunner().invoke(app, ["export", str(tiny), "-o", "/proc/tiny.wav"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: /proc/tiny.wav: cannot write there")
    assert "Traceback" not in result.output
