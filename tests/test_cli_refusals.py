"""What the system refuses (names too long, folders that cannot be searched or read) is one
`Error:` line with the right exit code, never a traceback.

The tests run as any user, root included, so a refusal is made by refusing the calls for one
folder, as the system would for a user without permission."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.test_run_cli import TINY
from voicecoach.cli import app

LONG = "a" * 300


def _one_error(result, code: int, prefix: str = "Error: ") -> str:  # noqa: ANN001
    """The one error line; `validate` reports a file's problems as `FILE: message` lines."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    errors = [line for line in result.output.splitlines() if line.startswith(prefix)]
    assert len(errors) == 1, result.output
    return errors[0]


@pytest.mark.parametrize(
    "args",
    [["plan", LONG], ["show", LONG], ["run", LONG, "--text"], ["validate", LONG + ".yaml"],
     ["export", LONG, "-o", "x.wav"], ["plan", f"/tmp/{LONG}/x.yaml"]],
)
def test_a_name_longer_than_the_file_system_allows_is_bad_input(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    prefix = "a" if args[0] == "validate" else "Error: "
    line = _one_error(CliRunner().invoke(app, args), 2, prefix)
    assert "too long" in line or "no routine of that name" in line


@pytest.mark.parametrize("length", [300, 250])
def test_an_output_name_too_long_is_refused_before_rendering(
    tmp_path: Path, length: int
) -> None:
    out = tmp_path / ("b" * (length - 4) + ".wav")
    line = _one_error(CliRunner().invoke(app, ["export", "busy-day", "-o", str(out)]), 2)
    assert "name is too long" in line
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A folder whose contents the system will not let us reach (as with `chmod 000`)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "r.yaml").write_text(TINY)
    real_open, real_stat, real_scandir = os.open, os.stat, os.scandir

    def inside(path: object) -> bool:
        return str(path).startswith(str(folder) + os.sep)

    def deny(path: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    def fake_open(path, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        return deny(path) if inside(path) else real_open(path, *args, **kwargs)

    def fake_stat(path, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        return deny(path) if inside(path) else real_stat(path, *args, **kwargs)

    def fake_scandir(path=".", *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if str(path) == str(folder) or inside(path):
            deny(path)
        return real_scandir(path, *args, **kwargs)

    def fake_listdir(path="."):  # noqa: ANN001, ANN202
        if str(path) == str(folder) or inside(path):
            deny(path)
        return real_listdir(path)

    real_listdir = os.listdir
    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "stat", fake_stat)
    monkeypatch.setattr(os, "scandir", fake_scandir)
    monkeypatch.setattr(os, "listdir", fake_listdir)
    return folder


@pytest.mark.parametrize("command", ["validate", "plan", "show", "run", "export"])
def test_a_routine_in_a_folder_that_cannot_be_searched_is_an_error(
    refused: Path, tmp_path: Path, command: str
) -> None:
    extra = {"run": ["--text"], "export": ["-o", str(tmp_path / "x.wav")]}.get(command, [])
    result = CliRunner().invoke(app, [command, str(refused / "r.yaml"), *extra])
    line = _one_error(result, 2, str(refused) if command == "validate" else "Error: ")
    assert "Permission denied" in line


@pytest.mark.parametrize(
    "args", [["list"], ["show", "tiny"], ["run", "tiny", "--text"], ["plan", "busy-day"]]
)
def test_an_unreadable_routines_folder_of_yours_is_an_error(
    voicecoach_home: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    folder = voicecoach_home / "routines"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(TINY)
    real_scandir, real_listdir = os.scandir, os.listdir

    def deny(path: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(
        os, "scandir", lambda p=".": deny(p) if str(p) == str(folder) else real_scandir(p)
    )
    monkeypatch.setattr(
        os, "listdir", lambda p=".": deny(p) if str(p) == str(folder) else real_listdir(p)
    )
    line = _one_error(CliRunner().invoke(app, args), 1)
    assert str(folder) in line and "Permission denied" in line


def test_file_names_with_escape_sequences_never_reach_the_terminal(voicecoach_home: Path) -> None:
    folder = voicecoach_home / "routines"
    folder.mkdir()
    (folder / "busy-day.yaml").write_text(TINY)  # a name clash: its warning names the files
    (folder / "\x1b]0;PWNED\x07calm.yaml").write_text(TINY)
    (folder / "broken\x1b[2J.yaml").write_text("title: [")
    good = folder / "\x1b]0;PWNED\x07calm.yaml"
    for args in (["list"], ["validate", str(good)], ["validate", str(folder / "broken\x1b[2J.yaml")],
                 ["show", str(good)], ["plan", str(good)], ["plan", "calm"]):
        result = CliRunner().invoke(app, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        assert "\x1b" not in result.output and "\x07" not in result.output, (args, result.output)
