"""Whether a phrase the grammar placed was really said: how well it fits and how loud it is.

Keyword spotting and the grammar both say which phrase fits the audio best, never whether any
phrase was said at all. Two measurements decide that. The fit: PocketSphinx scores each frame of
a word against the best-scoring sound of the model in that frame, so a word's acoustic score per
frame says how far its sounds are from the best the model could find there; a phrase said fits
closely, a phrase forced onto other speech or noise does not. The level: a command is spoken
into the room, so it stands above the room's own noise; most false phrases came from the near
silence between the coach's lines (fans, reverberation), which no level check passed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

FRAME = 160  # samples in one of the recogniser's 10 ms frames at 16 kHz
LOG10_PER_UNIT = math.log10(1.0001)  # PocketSphinx's scores are powers of 1.0001
QUIET_PERCENTILE = 10  # the room's floor: this percentile of the frames' levels around a phrase
SILENT_DB = -90.0  # the level of a frame of digital silence
PHONE_LOOP = "phones"  # the name of the decoder's free phone loop search


@dataclass(frozen=True)
class Evidence:
    """How a phrase placed by the grammar fits its audio, and how it stands out of the room."""

    phrase: str
    fit: float  # mean acoustic score per frame over the whole phrase, log10 (0 is a perfect fit)
    worst: float  # the worst word's mean score per frame, log10
    above_floor: float  # the phrase's mean level over the room's floor, dB
    level: float  # the phrase's mean level, dBFS
    frames: int  # the phrase's length in frames
    phones: float = 0.0  # edits from the phones a free phone loop heard there, per phone said


def word_of(segment: Any) -> str:
    """The word a segment holds, without the number of its pronunciation: `on(2)` is `on`."""
    return segment.word.split("(")[0]


def phone_distance(expected: list[str], heard: list[str]) -> float:
    """Edits (insert, delete, substitute) turning `heard` into `expected`, per expected phone."""
    row = list(range(len(heard) + 1))
    for i, want in enumerate(expected, 1):
        previous, row[0] = row[0], i
        for j, got in enumerate(heard, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (want != got))
    return row[-1] / max(1, len(expected))


def heard_phones(segments: Iterable[Any], first: int, last: int) -> list[str]:
    """The phones a free phone loop placed between frames `first` and `last` (silence left out)."""
    return [s.word for s in segments
            if s.end_frame >= first and s.start_frame <= last and s.word.isalpha()
            and s.word != "SIL"]


def levels(pcm: bytes) -> Any:
    """The level (dBFS) of each whole 10 ms frame of 16-bit PCM."""
    import numpy as np

    x = np.frombuffer(pcm[: len(pcm) // (2 * FRAME) * 2 * FRAME], dtype="<i2")
    power = (x.reshape(-1, FRAME).astype(np.float64) ** 2).mean(axis=1) / 32768.0**2
    return 10 * np.log10(np.maximum(power, 10 ** (SILENT_DB / 10)))


def weigh(
    segments: list[Any], words: set[str], pcm: bytes, room: bytes, decoder: Any
) -> Evidence | None:
    """The evidence for the phrase whose word `segments` a grammar search found in `pcm`, the
    room's floor taken from `room` (the last seconds heard); None when it placed no phrase.
    The free phone loop of `decoder` (its search PHONE_LOOP) then hears the same audio."""
    import numpy as np

    spoken = [s for s in segments if word_of(s) in words]
    if not spoken:
        return None
    first, last = spoken[0].start_frame, spoken[-1].end_frame
    scores, per_word = 0.0, []
    for seg in spoken:
        units = math.log(max(seg.ascore, 1e-320)) / math.log(1.0001)
        frames = seg.end_frame - seg.start_frame + 1
        scores += units
        per_word.append(units / frames)
    frames = last - first + 1
    expected = " ".join(decoder.lookup_word(s.word) or "" for s in spoken).split()
    heard = heard_phones(decode(decoder, PHONE_LOOP, pcm), first, last)
    inside = levels(pcm)[first : last + 1]
    around = levels(room)
    floor = float(np.percentile(around, QUIET_PERCENTILE)) if len(around) else SILENT_DB
    loud = float(10 * np.log10(np.mean(10 ** (inside / 10)))) if len(inside) else SILENT_DB
    return Evidence(
        phrase=" ".join(word_of(s) for s in spoken),
        fit=scores / frames * LOG10_PER_UNIT,
        worst=min(per_word) * LOG10_PER_UNIT,
        above_floor=loud - floor,
        level=loud,
        frames=frames,
        phones=phone_distance(expected, heard),
    )


def decode(decoder: Any, search: str, pcm: bytes) -> list[Any]:
    """The word (or phone) segments that `search` of `decoder` finds in the whole of `pcm`."""
    decoder.activate_search(search)
    decoder.start_utt()
    decoder.process_raw(pcm, False, True)
    decoder.end_utt()
    return list(decoder.seg() or ())
