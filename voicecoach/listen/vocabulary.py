"""What can be said: a wake word, the command words after it, and how sure each must be heard."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voicecoach.plan import Plan

SAMPLE_RATE = 16_000  # what the acoustic model was trained on: the microphone is opened at it

PAUSE, RESUME, NEXT, BACK, AGAIN, STOP = "pause", "resume", "next", "back", "again", "stop"
COMMANDS = (PAUSE, RESUME, NEXT, BACK, AGAIN, STOP)

# For each command: what to say after the wake word, chosen by measurement (the benchmark's
# --tune), then the plain words without a wake word, the benchmark's baseline. Multi-syllable
# phrases stand out from the coach's own speech far better than "next", "back" or "stop", which
# synthetic voices set off again and again.
_SAID: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    PAUSE: (("pause",), ("pause",)),
    RESUME: (("resume", "continue", "let's go"), ("resume", "go", "continue")),
    NEXT: (("move on",), ("next",)),
    BACK: (("previous",), ("back",)),
    AGAIN: (("repeat that",), ("again",)),
    STOP: (("end session",), ("stop",)),
}
WORDS: dict[str, tuple[str, ...]] = {command: said[0] for command, said in _SAID.items()}
BARE_WORDS: dict[str, tuple[str, ...]] = {command: said[1] for command, said in _SAID.items()}

# Two words in front: measured, "okay coach" kept true commands apart from the coach's own lines
# far better than "coach" alone, and both far better than no wake word.
WAKE_WORD = "okay coach"

# How far (as a likelihood ratio) each whole phrase, wake word included, must beat a free loop
# of phones: set between the best false alarm in the coach's own audio and the weakest true
# commands, phrase by phrase (benchmarks/voice_commands.py --tune).
THRESHOLDS: dict[str, float] = {
    "pause": 1e60,
    "resume": 1e50,
    "continue": 1e58,
    "let's go": 1e67,
    "move on": 1e42,
    "previous": 1e45,
    "repeat that": 1e46,
    "end session": 1e40,
}
BARE_THRESHOLD = 1e30

# What a phrase the grammar placed must show to be taken as said (listen/verify.py): the least
# fit (log10 per frame), the most edits per phone from what a free phone loop heard there, and
# the least it stands above the room's floor (dB). Chosen phrase by phrase on half the routines
# (ungated) and the true commands at 10 dB (benchmarks/voice_commands.py --tune): the most true
# commands kept with one false phrase let through in 2.4 hours of the coach's audio. No false
# phrase came from the quiet between lines, so the floor is not needed yet.
_ANY = math.inf
NO_CHECKS = (-_ANY, _ANY, -_ANY)
CHECKS: dict[str, tuple[float, float, float]] = {
    "pause": NO_CHECKS,
    "resume": (-1.60, _ANY, -_ANY),
    "continue": (-_ANY, 1.00, -_ANY),
    "let's go": (-1.55, _ANY, -_ANY),
    "move on": (-1.25, 1.00, -_ANY),
    "previous": (-_ANY, 1.00, -_ANY),
    "repeat that": (-1.50, _ANY, -_ANY),
    "end session": (-1.55, 0.90, -_ANY),
}


@dataclass(frozen=True)
class Phrase:
    """One thing to listen for, the command it gives, and the threshold it must pass."""

    text: str  # lower case words from the recogniser's dictionary, e.g. "move on"
    command: str
    threshold: float
    # What a phrase placed by the grammar must show to be taken as said (listen/verify.py):
    fit: float = -math.inf  # the least fit, log10 per frame
    phones: float = math.inf  # the most edits per phone from what a free phone loop heard
    above_floor: float = -math.inf  # the least it stands above the room's floor, dB


@dataclass(frozen=True)
class Vocabulary:
    """A wake word (or none) and the command phrases said after it."""

    wake: str | None
    commands: tuple[Phrase, ...]

    @property
    def said(self) -> list[str]:
        """What a person says for each command phrase: `okay coach pause`."""
        prefix = f"{self.wake} " if self.wake else ""
        return [prefix + p.text for p in self.commands]

    def spotted(self) -> dict[str, Phrase]:
        """The whole phrases listened for (wake word included), each with its command phrase."""
        return dict(zip(self.said, self.commands, strict=True))


def vocabulary(
    wake_word: str | None = WAKE_WORD,
    thresholds: Mapping[str, float] | None = None,
    words: Mapping[str, tuple[str, ...]] = WORDS,
    checks: Mapping[str, tuple[float, float, float]] | None = None,
) -> Vocabulary:
    """The wake word (if any) and every command's words, with their thresholds and checks."""
    limits = THRESHOLDS if thresholds is None else thresholds
    checked = CHECKS if checks is None else checks
    commands = tuple(
        Phrase(word, command, limits[word], *checked.get(word, NO_CHECKS))
        for command, spoken in words.items()
        for word in spoken
    )
    return Vocabulary(wake_word or None, commands)


def bare_vocabulary() -> Vocabulary:
    """The plain command words with one threshold: what the wake word is measured against."""
    words = [w for spoken in BARE_WORDS.values() for w in spoken]
    return vocabulary(None, dict.fromkeys(words, BARE_THRESHOLD), BARE_WORDS, {})


VOCABULARY = vocabulary()


def keyword_list(words: Vocabulary) -> str:
    """The recogniser's keyword-list file: one `whole phrase /threshold/` a line."""
    return "".join(f"{text} /{p.threshold:.0e}/\n" for text, p in words.spotted().items())


def grammar(words: Vocabulary) -> str:
    """A JSGF grammar that is exactly one of the whole phrases: to tell rivals apart."""
    choices = " | ".join(words.said)
    return f"#JSGF V1.0;\ngrammar commands;\npublic <command> = ( {choices} );\n"


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


def phrases_said(
    lines: Iterable[str], words: Vocabulary = VOCABULARY
) -> list[tuple[str, str]]:
    """(line, phrase) for every command phrase, or the wake word, that a line says itself.

    The command words alone count too: measured, a line ending "... and continue" set off
    "okay coach continue" with no wake word said."""
    wanted = words.said + [p.text for p in words.commands] + ([words.wake] if words.wake else [])
    return [(line, text) for line in lines for text in wanted if contains_phrase(line, text)]
