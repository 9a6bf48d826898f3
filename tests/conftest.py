"""Shared fixtures: no test touches the real home folder."""

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
    return home
