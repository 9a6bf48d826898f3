"""What every speech engine offers: the `Engine` protocol, the `Voice` it lists, and checks
shared by the engines (voice names, rate and volume ranges)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from voicecoach.errors import UsageError
from voicecoach.rates import MAX_RATE, MIN_RATE

if TYPE_CHECKING:
    from voicecoach.speech.clip import Clip


@dataclass(frozen=True)
class Voice:
    """A voice an engine offers."""

    id: str
    name: str
    languages: list[str]


class Engine(Protocol):
    """Renders lines of text to clips with one voice, rate and volume."""

    name: str  # the registry name, e.g. "espeak"
    identity: str  # engine and library version: part of every clip's cache key
    sample_rate: int  # every clip it renders is at this rate
    voice: str
    rate: int
    volume: float

    def render(self, text: str) -> Clip:
        """`text` spoken: 16-bit mono PCM, trimmed, volume applied; blank text gives no frames."""
        ...

    def voices(self) -> list[Voice]:
        """The voices it offers, sorted by id."""
        ...

    def check_voice(self, requested: str) -> str:
        """The engine's id for `requested`; UsageError if it has no such voice."""
        ...


def check_levels(rate: int, volume: float) -> None:
    """UsageError unless the rate (words a minute) and volume (0 to 1) are in range."""
    if not MIN_RATE <= rate <= MAX_RATE:
        raise UsageError(f"rate {rate} is out of range ({MIN_RATE} to {MAX_RATE} words a minute)")
    if not 0.0 <= volume <= 1.0:
        raise UsageError(f"volume {volume:g} is out of range (0 to 1)")


def resolve_voice(requested: str, voices: list[Voice], variants: Sequence[str] = ()) -> str:
    """The engine's id for `requested`: a voice id, its last part, its language code or its
    name (any case), with an optional eSpeak variant (`en-us+f3`). UsageError if unknown."""
    base, plus, variant = requested.strip().partition("+")
    wanted = base.lower()
    found = next((v for v in voices if v.id.lower() == wanted), None)
    for match in (
        lambda v: v.id.lower().rsplit("/", 1)[-1] == wanted,
        lambda v: wanted in (lang.lower() for lang in v.languages),
        lambda v: v.name.lower() == wanted,
    ):
        if found is None:
            found = next((v for v in voices if match(v)), None)
    if found is None or not base:
        raise UsageError(
            f"unknown voice {requested!r}; `voicecoach voices` lists the voices you can use"
        )
    if not plus:
        return found.id
    if variant not in variants:
        hint = f" (variants: {', '.join(variants[:12])}, ...)" if variants else ""
        raise UsageError(f"unknown voice variant {variant!r} in {requested!r}{hint}")
    return f"{found.id}+{variant}"
