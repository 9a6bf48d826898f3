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

# What to say after the wake word for each command, chosen by measurement (the benchmark's
# --tune): multi-syllable phrases stand out from the coach's own speech far better than "next",
# "back" or "stop", which synthetic voices set off again and again.
WORDS: dict[str, tuple[str, ...]] = {
    PAUSE: ("pause",),
    RESUME: ("resume", "continue", "let's go"),
    NEXT: ("move on",),
    BACK: ("previous",),
    AGAIN: ("repeat that",),
    STOP: ("finish",),
}
# The plain words, without a wake word: the benchmark's baseline.
BARE_WORDS: dict[str, tuple[str, ...]] = {
    PAUSE: ("pause",),
    RESUME: ("resume", "go", "continue"),
    NEXT: ("next",),
    BACK: ("back",),
    AGAIN: ("again",),
    STOP: ("stop",),
}

# Two words in front: "okay coach" held up against the coach's own lines far better than
# "coach" alone or "hey coach" (benchmarks/voice_commands.py --tune).
WAKE_WORD = "okay coach"

# How far (as a likelihood ratio) a phrase must beat a free loop of phones to count, set from
# measurements between the coach's own lines and true commands. The wake word keeps the coach's
# lines out; a command word only has to beat the other command words after it.
WAKE_THRESHOLD = 1e40
THRESHOLDS: dict[str, float] = {
    "pause": 1e10,
    "resume": 1e10,
    "continue": 1e10,
    "let's go": 1e10,
    "move on": 1e10,
    "previous": 1e10,
    "repeat that": 1e10,
    "finish": 1e10,
}
BARE_THRESHOLD = 1e30
WAKE = "wake"  # the command of the wake word's own phrase
FOLLOW_SECONDS = 1.2  # how long after the wake word a command may begin


@dataclass(frozen=True)
class Phrase:
    """One thing to listen for, the command it gives, and the threshold it must pass."""

    text: str  # lower case words from the recogniser's dictionary, e.g. "move on"
    command: str
    threshold: float


@dataclass(frozen=True)
class Vocabulary:
    """A wake word (or none) and the command phrases that may follow it."""

    wake: Phrase | None
    commands: tuple[Phrase, ...]

    @property
    def phrases(self) -> tuple[Phrase, ...]:
        return ((self.wake,) if self.wake else ()) + self.commands

    @property
    def said(self) -> list[str]:
        """What a person says for each command phrase: `okay coach pause`."""
        prefix = f"{self.wake.text} " if self.wake else ""
        return [prefix + p.text for p in self.commands]


def vocabulary(
    wake_word: str | None = WAKE_WORD,
    thresholds: Mapping[str, float] | None = None,
    words: Mapping[str, tuple[str, ...]] = WORDS,
    wake_threshold: float = WAKE_THRESHOLD,
) -> Vocabulary:
    """The wake word (if any) and every command's words, with their thresholds."""
    limits = THRESHOLDS if thresholds is None else thresholds
    wake = Phrase(wake_word, WAKE, wake_threshold) if wake_word else None
    commands = tuple(
        Phrase(word, command, limits[word]) for command, spoken in words.items() for word in spoken
    )
    return Vocabulary(wake, commands)


def bare_vocabulary() -> Vocabulary:
    """The plain command words with one threshold: what the wake word is measured against."""
    words = [w for spoken in BARE_WORDS.values() for w in spoken]
    return vocabulary(None, dict.fromkeys(words, BARE_THRESHOLD), BARE_WORDS)


VOCABULARY = vocabulary()


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


def phrases_said(
    lines: Iterable[str], words: Vocabulary = VOCABULARY
) -> list[tuple[str, str]]:
    """(line, phrase) for every command phrase, or the wake word, that a line says itself."""
    wanted = words.said + ([words.wake.text] if words.wake else [])
    return [(line, text) for line in lines for text in wanted if contains_phrase(line, text)]
