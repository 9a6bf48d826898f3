"""Shared fixtures: no test touches the real home folder or the real sound card."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def voicecoach_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point VOICECOACH_HOME at an empty temporary folder for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("VOICECOACH_HOME", str(home))
    # No test plays through the machine's sound card: the stream is tested with fake devices.
    monkeypatch.setenv("VOICECOACH_OUTPUT", "players")
    return home


@pytest.fixture
def tiny(voicecoach_home: Path) -> Path:
    """A one-stretch routine among the user's own, named `tiny` (`tests.test_run_cli.TINY`)."""
    from tests.test_run_cli import TINY

    folder = voicecoach_home / "routines"
    folder.mkdir()
    path = folder / "tiny.yaml"
    path.write_text(TINY)
    return path
