"""What can be said: a wake word, the command words after it, and how sure each must be heard."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voicecoach.plan import Plan

SAMPLE_RATE = 16_000  # what the acoustic model was trained on: the microphone is opened at it

PAUSE, RESUME, NEXT, BACK, AGAIN, STOP = "pause", "resume", "next", "back", "again", "stop"
COMMANDS = (PAUSE, RESUME, NEXT, BACK, AGAIN, STOP)

# The words that say each command; "go" and "continue" also resume.
WORDS: dict[str, tuple[str, ...]] = {
    PAUSE: ("pause",),
    RESUME: ("resume", "go", "continue"),
    NEXT: ("next",),
    BACK: ("back",),
    AGAIN: ("again",),
    STOP: ("stop",),
}

WAKE_WORD = "coach"

# Detection thresholds (a likelihood ratio against a free phone loop), one per command word,
# tuned with benchmarks/voice_commands.py: lower admits more, so short words need stricter ones.
THRESHOLDS: dict[str, float] = {
    "pause": 1e-20,
    "resume": 1e-20,
    "go": 1e-20,
    "continue": 1e-20,
    "next": 1e-20,
    "back": 1e-20,
    "again": 1e-20,
    "stop": 1e-20,
}


@dataclass(frozen=True)
class Phrase:
    """One thing to say, the command it gives, and the threshold it must pass."""

    text: str  # lower case words from the recogniser's dictionary, e.g. "coach pause"
    command: str
    threshold: float


def vocabulary(
    wake_word: str | None = WAKE_WORD, thresholds: Mapping[str, float] | None = None
) -> tuple[Phrase, ...]:
    """Every phrase: the wake word (if any) then a command word, with its threshold."""
    limits = THRESHOLDS if thresholds is None else thresholds
    prefix = f"{wake_word} " if wake_word else ""
    return tuple(
        Phrase(f"{prefix}{word}", command, limits[word])
        for command, words in WORDS.items()
        for word in words
    )


PHRASES = vocabulary()


def keyword_list(phrases: Iterable[Phrase]) -> str:
    """The recogniser's keyword-list file: one `phrase /threshold/` a line."""
    return "".join(f"{p.text} /{p.threshold:.0e}/\n" for p in phrases)


def words_of(text: str) -> list[str]:
    """Lower-case words of a spoken line, as a recogniser would hear them."""
    return re.findall(r"[a-z']+", text.lower())


def contains_phrase(text: str, phrase: str) -> bool:
    """Whether the words of `phrase` occur one after the other in `text`."""
    line, wanted = words_of(text), words_of(phrase)
    n = len(wanted)
    return any(line[i : i + n] == wanted for i in range(len(line) - n + 1))


def spoken_lines(plan: Plan) -> Iterator[str]:
    """Every line the coach says in `plan`, in order."""
    for event in plan.events:
        if event.kind == "say" and event.text:
            yield event.text


def phrases_said(lines: Iterable[str], phrases: Iterable[Phrase] = PHRASES) -> list[tuple[str, str]]:
    """(line, phrase) for every command phrase, or the wake word, that a line says itself."""
    wanted = [p.text for p in phrases] + ([WAKE_WORD] if WAKE_WORD else [])
    return [(line, text) for line in lines for text in wanted if contains_phrase(line, text)]
