"""Files written whole or not at all, and reading only regular files, never past a cap."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from voicecoach.errors import RoutineError
from voicecoach.files import AtomicFile, NotRegularFileError, atomic_write, read_capped
from voicecoach.routine import read_routine_text


def test_atomic_write_replaces_the_file_and_leaves_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "file.txt"
    atomic_write(target, "one\r\n")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert os.listdir(target.parent) == ["file.txt"]


def test_an_error_inside_the_block_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with AtomicFile(target) as handle:
            handle.write(b"half of the new")
            raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["file.txt"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_the_new_file_keeps_the_old_ones_permissions(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("old")
    target.chmod(0o600)
    atomic_write(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    fresh = tmp_path / "fresh.txt"
    atomic_write(fresh, "new")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


def test_read_capped_reads_one_byte_past_the_cap_at_most(tmp_path: Path) -> None:
    path = tmp_path / "big"
    path.write_bytes(b"x" * 100)
    assert read_capped(path, 10) == b"x" * 11
    assert read_capped(path, 1000) == b"x" * 100


def test_read_capped_refuses_folders_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        read_capped(tmp_path, 10)
    with pytest.raises(FileNotFoundError):
        read_capped(tmp_path / "gone", 10)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_refused_at_once_instead_of_waiting_for_a_writer(tmp_path: Path) -> None:
    pipe = tmp_path / "routine.yaml"
    os.mkfifo(pipe)
    with pytest.raises(NotRegularFileError):
        read_capped(pipe, 10)
    with pytest.raises(RoutineError) as caught:
        read_routine_text(pipe)
    assert "is not a regular file" in str(caught.value)
