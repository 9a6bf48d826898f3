"""Every distinct line the shipped routines speak, rendered by every installed engine."""

from __future__ import annotations

import re

import pytest

from tests.audio_check import THRESHOLD_DBFS
from tests.real_engines import installed, render
from voicecoach import catalog
from voicecoach.plan import PlanOptions, build_plan, estimate_speech_seconds
from voicecoach.speech import pronounce


def shipped_lines() -> list[str]:
    lines: set[str] = set()
    for entry in catalog.entries():
        if entry.builtin:
            plan = build_plan(catalog.load(entry.name), PlanOptions())
            lines.update(e.text for e in plan.says)
    return sorted(lines)


LINES = shipped_lines()
RESPELLED = {w for table in pronounce.TABLES.values() for w in table}


def lines_for(engine: str) -> list[str]:
    """All lines; for Piper (about 15x real time here, so all would take half a minute) every
    line with a respelled word and every twelfth of the rest, short counts and cues included."""
    if engine != "piper":
        return LINES

    def words(t: str) -> set[str]:
        return {w.lower() for w in re.findall(r"[\w']+", t)}

    return [t for i, t in enumerate(LINES) if words(t) & RESPELLED or i % 12 == 0]


def _loud_frames(frames: bytes, rate: int) -> list[bool]:
    """Whether each 20 ms frame is above the threshold (as tests.audio_check, in numpy: the
    audio of every shipped line is a quarter of an hour)."""
    import numpy as np

    size = int(rate * 0.02)
    values = np.frombuffer(frames, dtype="<i2").astype(np.float64)
    values = values[: len(values) // size * size].reshape(-1, size)
    energy = (values * values).mean(axis=1) / 32768**2
    with np.errstate(divide="ignore"):
        return list(10 * np.log10(energy) > THRESHOLD_DBFS)


@pytest.mark.parametrize("engine", installed())
def test_every_shipped_line_is_spoken_at_a_plausible_length(engine: str) -> None:
    assert len(LINES) > 100
    problems = []
    for text in lines_for(engine):
        clip = render(engine, text)
        loud = _loud_frames(clip.frames, clip.sample_rate)
        expected = estimate_speech_seconds(text, 160, engine)
        if not loud or sum(loud) / len(loud) < 0.4:
            problems.append(f"mostly silent: {text!r}")
        # The estimate is fitted to whole routines: a lone word ("11") may take twice as long.
        elif not 0.55 * expected <= clip.seconds <= 1.6 * expected + 0.4:
            problems.append(f"{clip.seconds:.2f} s, expected about {expected:.2f}: {text!r}")
    assert problems == []


def test_the_tables_respell_whole_words_only() -> None:
    text = "Designed by podiatrists; Enertor's shop; Enertor; podiatristsx"
    assert pronounce.respell(text, "espeak") == (
        "Designed by pa-diatrists; Enertor's shop; Enertor; podiatristsx"
    )
    assert pronounce.respell(text, "natural") == (
        "Designed by podiatrists; [Enertor's](/ˈɛnəɹtɔɹz/) shop; "
        "[Enertor](/ˈɛnəɹtɔɹ/); podiatristsx"
    )
    assert pronounce.respell(text, "unknown") == text
    assert pronounce.digest("espeak") != pronounce.digest("natural")
