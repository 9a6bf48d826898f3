"""Keyword spotting with PocketSphinx: 16 kHz mono 16-bit PCM in, commands out.

PocketSphinx compares each phrase against a free loop of phones; a phrase is heard when it beats
that loop by its threshold. The wheel carries the US English model and dictionary, so nothing is
ever downloaded.
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass
from typing import Any

from voicecoach.errors import ListenError
from voicecoach.listen.vocabulary import (
    FOLLOW_SECONDS,
    SAMPLE_RATE,
    VOCABULARY,
    WAKE,
    Vocabulary,
    keyword_list,
)

INSTALL_HINT = "voice commands need PocketSphinx: pip install 'voicecoach[listen]'"
FRAME_SECONDS = 0.01  # the recogniser's frame rate is 100 a second
KWS_MAX = 1500  # PocketSphinx subtracts this from a detection's score (kws_search.c)
LOG_BASE = 1.0001  # PocketSphinx's log base; scores are kept in steps of 2**10 of it
LOG10_PER_UNIT = 1024 * math.log10(LOG_BASE)
REPORT_DELAY_FRAMES = 10  # a detection is reported once it has stood this long unbeaten
# The free phone loop's penalty. PocketSphinx's default (0.1) let long phrases be pruned away
# before they ended; this one kept them, and separated true phrases from the coach's own lines
# best of those measured (1e-5, 1e-20, 1e-35).
PHONE_LOOP_PENALTY = 1e-20
SETTLE_SECONDS = 0.15  # wait this long after a command ends for a rival still being scored
TIDY_SECONDS = 30.0


@dataclass(frozen=True)
class Detection:
    """A phrase heard: which, where on the stream (seconds), and by how much it won."""

    phrase: str
    command: str
    start: float
    end: float
    log10_ratio: float  # how far it beat the phone loop, as log10 of a likelihood ratio
    reported: float  # seconds of audio fed when it was reported


def load_recogniser() -> Any:
    """The pocketsphinx module, or ListenError saying how to install it."""
    try:
        import pocketsphinx
    except ImportError as error:
        raise ListenError(INSTALL_HINT) from error
    return pocketsphinx


class KeywordSpotter:
    """Listens for a vocabulary in a stream of 16 kHz mono 16-bit PCM fed in any chunk size.

    With a wake word, a command counts only when it begins within FOLLOW_SECONDS of the wake
    word's end; of the command phrases heard there, the one that beat its threshold by most wins.
    Each command is reported once, SETTLE_SECONDS after it ends, when its rivals are in too."""

    def __init__(self, words: Vocabulary = VOCABULARY) -> None:
        self.words = words
        self.phrases = {p.text: p for p in words.phrases}
        if not words.commands:
            raise ListenError("no phrases to listen for")
        self._decoder = self._make_decoder(keyword_list(words.phrases))
        self._fed = 0  # samples fed since the start
        self._utterance_start = 0  # sample at which the current utterance began
        self._wake_end: float | None = None
        self._decoder.start_utt()

    @staticmethod
    def _make_decoder(keywords: str) -> Any:
        pocketsphinx = load_recogniser()
        fd, path = tempfile.mkstemp(prefix="voicecoach-", suffix=".kws", text=True)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as file:
                file.write(keywords)
            return pocketsphinx.Decoder(
                kws=path, samprate=SAMPLE_RATE, kws_delay=REPORT_DELAY_FRAMES,
                kws_plp=PHONE_LOOP_PENALTY, loglevel="FATAL",
            )
        except (RuntimeError, ValueError) as error:
            raise ListenError(f"the recogniser could not start: {error}") from error
        finally:
            os.unlink(path)

    @property
    def seconds_fed(self) -> float:
        return self._fed / SAMPLE_RATE

    def feed(self, pcm: bytes) -> list[Detection]:
        """Hear `pcm`; the command heard by now, if any (one at most)."""
        if not pcm:
            return []
        self._decoder.process_raw(pcm, False, False)
        self._fed += len(pcm) // 2
        if self._decoder.hyp() is None:
            self._tidy()
            return []
        heard = self._detections()
        if self.words.wake is not None:
            heard = self._after_wake(heard)
        if not heard:
            self._tidy()
            return []
        if self.seconds_fed < max(d.end for d in heard) + SETTLE_SECONDS:
            return []  # a rival may still be finishing
        best = max(heard, key=lambda d: d.log10_ratio - self._log10_threshold(d.phrase))
        self.restart()  # forget what was heard, so it is reported once
        return [best]

    def _after_wake(self, heard: list[Detection]) -> list[Detection]:
        """The commands that follow the latest wake word closely enough."""
        wakes = [d.end for d in heard if d.command == WAKE]
        if wakes:
            self._wake_end = max(wakes)
        if self._wake_end is None:
            return []
        # Both words are spotted on their own: the command may begin a little before the wake
        # word's best end (the two overlap by a phone), never long after it.
        return [
            d for d in heard
            if d.command != WAKE and self._wake_end - 0.3 <= d.start <= self._wake_end + FOLLOW_SECONDS
        ]

    def _tidy(self) -> None:
        """Start afresh now and then when nothing is under way, so old detections do not pile up."""
        wake_over = self._wake_end is None or self.seconds_fed > self._wake_end + FOLLOW_SECONDS + 2
        if wake_over and self._fed - self._utterance_start > TIDY_SECONDS * SAMPLE_RATE:
            self.restart()

    def skip(self, samples: int) -> None:
        """Count `samples` not fed (ignored audio) so stream times stay right; starts afresh."""
        self._fed += samples
        self.restart()

    def restart(self) -> None:
        """Begin a new utterance: nothing heard before now can complete a phrase after it."""
        self._decoder.end_utt()
        self._utterance_start = self._fed
        self._wake_end = None
        self._decoder.start_utt()

    def close(self) -> None:
        self._decoder.end_utt()

    def _log10_threshold(self, text: str) -> float:
        return math.log10(self.phrases[text].threshold)

    def _detections(self) -> list[Detection]:
        """Every phrase heard in this utterance (above its threshold), in order."""
        base = self._utterance_start / SAMPLE_RATE
        found = []
        for seg in self._decoder.seg() or ():
            text = seg.word.strip()
            phrase = self.phrases.get(text)
            if phrase is None:
                continue
            found.append(
                Detection(
                    phrase=text,
                    command=phrase.command,
                    start=base + seg.start_frame * FRAME_SECONDS,
                    end=base + (seg.end_frame + 1) * FRAME_SECONDS,
                    log10_ratio=_log10_ratio(seg.prob),
                    reported=self.seconds_fed,
                )
            )
        return found


def _log10_ratio(prob: float) -> float:
    """A detection's margin over the phone loop as log10 of a likelihood ratio.

    The binding hands the score back as LOG_BASE ** (margin - KWS_MAX), margin in score units."""
    units = math.log(max(prob, 1e-300)) / math.log(LOG_BASE) + KWS_MAX
    return units * LOG10_PER_UNIT
